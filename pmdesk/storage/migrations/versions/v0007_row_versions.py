"""Row versions: every editable row counts the changes of its content (optimistic locking).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

Frozen: this file names the tables as they were, and never imports `schema.py`, which moves on.
A plain ADD COLUMN with a default, which SQLite does in place: no table is rebuilt, so the
full-text index's triggers stay as they are. Every existing row starts at version 1.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

VERSIONED = ("postmortems", "timeline_events", "causes", "actions", "lessons")


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in reversed(VERSIONED):
        op.drop_column(table, "version")
