"""Create the library: postmortems and everything they hold.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Frozen: this file spells out the schema as it was, and never imports `schema.py`, which moves on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _postmortem_id(table: str) -> sa.Column[str]:
    return sa.Column(
        "postmortem_id",
        sa.String(32),
        sa.ForeignKey(
            "postmortems.id", name=f"fk_{table}_postmortem_id_postmortems", ondelete="CASCADE"
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "postmortems",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(20), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("impact_summary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_postmortems"),
    )
    op.create_table(
        "impact_metrics",
        _postmortem_id("impact_metrics"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("postmortem_id", "position", name="pk_impact_metrics"),
    )
    op.create_table(
        "participants",
        _postmortem_id("participants"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("postmortem_id", "position", name="pk_participants"),
    )
    op.create_table(
        "tags",
        _postmortem_id("tags"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tag", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("postmortem_id", "position", name="pk_tags"),
    )
    op.create_table(
        "timeline_events",
        sa.Column("id", sa.String(32), nullable=False),
        _postmortem_id("timeline_events"),
        sa.Column("at_utc", sa.DateTime(), nullable=False),
        sa.Column("utc_offset", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_timeline_events"),
    )
    op.create_index(
        "ix_timeline_events_postmortem_id_at_utc_seq",
        "timeline_events",
        ["postmortem_id", "at_utc", "seq"],
    )
    op.create_table(
        "causes",
        sa.Column("id", sa.String(32), nullable=False),
        _postmortem_id("causes"),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column(
            "parent_id",
            sa.String(32),
            sa.ForeignKey("causes.id", name="fk_causes_parent_id_causes", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("systemic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_causes"),
        sa.UniqueConstraint("postmortem_id", "ref", name="uq_causes_postmortem_id_ref"),
    )
    op.create_index("ix_causes_parent_id", "causes", ["parent_id"])
    op.create_table(
        "cause_evidence",
        sa.Column(
            "cause_id",
            sa.String(32),
            sa.ForeignKey(
                "causes.id", name="fk_cause_evidence_cause_id_causes", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            sa.String(32),
            sa.ForeignKey(
                "timeline_events.id",
                name="fk_cause_evidence_event_id_timeline_events",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cause_id", "event_id", name="pk_cause_evidence"),
    )
    op.create_index("ix_cause_evidence_event_id", "cause_evidence", ["event_id"])
    op.create_table(
        "actions",
        sa.Column("id", sa.String(32), nullable=False),
        _postmortem_id("actions"),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(20), nullable=True),
        sa.Column(
            "cause_id",
            sa.String(32),
            sa.ForeignKey("causes.id", name="fk_actions_cause_id_causes", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_actions"),
        sa.UniqueConstraint("postmortem_id", "ref", name="uq_actions_postmortem_id_ref"),
    )
    op.create_index("ix_actions_cause_id", "actions", ["cause_id"])
    op.create_table(
        "lessons",
        sa.Column("id", sa.String(32), nullable=False),
        _postmortem_id("lessons"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lessons"),
    )
    op.create_index("ix_lessons_postmortem_id_position", "lessons", ["postmortem_id", "position"])


def downgrade() -> None:
    for table in (
        "lessons",
        "actions",
        "cause_evidence",
        "causes",
        "timeline_events",
        "tags",
        "participants",
        "impact_metrics",
        "postmortems",
    ):
        op.drop_table(table)
