"""Indexes for the library list: each postmortem's first trigger and its open actions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index(
        "ix_timeline_events_postmortem_id_kind_at_utc_seq",
        "timeline_events",
        ["postmortem_id", "kind", "at_utc", "seq"],
    )
    op.create_index("ix_actions_postmortem_id_status", "actions", ["postmortem_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_actions_postmortem_id_status", table_name="actions")
    op.drop_index("ix_timeline_events_postmortem_id_kind_at_utc_seq", table_name="timeline_events")
