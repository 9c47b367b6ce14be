"""Full-text search: an index over every postmortem's texts, kept current by triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Unlike the other revisions this one is not frozen: it calls the same `search.ensure_index` that a
new library is made with, so that both get the same index. That is safe because the index holds
nothing of its own, only copies of the texts, and can be dropped and rebuilt at any time; a later
revision that changes it drops it and calls `ensure_index` again. On SQLite the index is FTS5's,
on PostgreSQL a tsvector column under a GIN index (storage/search_postgres.py); on another
database there is no index, and nothing to do.
"""

from __future__ import annotations

from alembic import op

from pmdesk.storage import search

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Also indexes every postmortem the library already holds.
    search.ensure_index(op.get_bind())


def downgrade() -> None:
    search.drop_index(op.get_bind())
