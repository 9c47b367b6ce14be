"""Recurrence links: this incident is a recurrence of that earlier one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Frozen: this file spells out the table as it was, and never imports `schema.py`, which moves on.
A new table touches none of the full-text index's triggers, so the index needs no rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "recurrences",
        sa.Column(
            "postmortem_id",
            sa.String(32),
            sa.ForeignKey(
                "postmortems.id",
                name="fk_recurrences_postmortem_id_postmortems",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column(
            "earlier_id",
            sa.String(32),
            sa.ForeignKey(
                "postmortems.id",
                name="fk_recurrences_earlier_id_postmortems",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("postmortem_id", "earlier_id", name="pk_recurrences"),
        # op.f: the name as written, not run through the naming convention a second time.
        sa.CheckConstraint("postmortem_id <> earlier_id", name=op.f("ck_recurrences_not_itself")),
    )
    op.create_index("ix_recurrences_earlier_id", "recurrences", ["earlier_id"])


def downgrade() -> None:
    op.drop_index("ix_recurrences_earlier_id", table_name="recurrences")
    op.drop_table("recurrences")
