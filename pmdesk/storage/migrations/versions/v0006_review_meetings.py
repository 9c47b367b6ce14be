"""The review meeting: its times, its agenda of timeboxes, who came, what was parked and decided.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Frozen: this file spells out the tables as they were, and never imports `schema.py`, which moves
on. New tables touch none of the full-text index's triggers, so the index needs no rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def _meeting_fk(table: str) -> sa.Column[str]:
    return sa.Column(
        "postmortem_id",
        sa.String(32),
        sa.ForeignKey(
            "meetings.postmortem_id",
            name=f"fk_{table}_postmortem_id_meetings",
            ondelete="CASCADE",
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column(
            "postmortem_id",
            sa.String(32),
            sa.ForeignKey(
                "postmortems.id",
                name="fk_meetings_postmortem_id_postmortems",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("started_offset", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_offset", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("postmortem_id", name="pk_meetings"),
    )
    op.create_table(
        "meeting_timeboxes",
        _meeting_fk("meeting_timeboxes"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("spent_seconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("postmortem_id", "step", name="pk_meeting_timeboxes"),
    )
    op.create_table(
        "meeting_attendees",
        _meeting_fk("meeting_attendees"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("postmortem_id", "position", name="pk_meeting_attendees"),
    )
    op.create_table(
        "meeting_points",
        sa.Column("id", sa.String(32), nullable=False),
        _meeting_fk("meeting_points"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "action_id",
            sa.String(32),
            sa.ForeignKey(
                "actions.id", name="fk_meeting_points_action_id_actions", ondelete="SET NULL"
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_points"),
    )
    op.create_index(
        "ix_meeting_points_postmortem_id_kind_position",
        "meeting_points",
        ["postmortem_id", "kind", "position"],
    )
    op.create_index("ix_meeting_points_action_id", "meeting_points", ["action_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_points_action_id", table_name="meeting_points")
    op.drop_index("ix_meeting_points_postmortem_id_kind_position", table_name="meeting_points")
    op.drop_table("meeting_points")
    op.drop_table("meeting_attendees")
    op.drop_table("meeting_timeboxes")
    op.drop_table("meetings")
