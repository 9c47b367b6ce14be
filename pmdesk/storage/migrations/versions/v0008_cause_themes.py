"""Contributing-factor themes: the library's vocabulary, seeded with the defaults, and the themes
each cause carries.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08

Frozen: this file spells out the tables as they were, and never imports `schema.py`, which moves
on. The seed is `DEFAULT_THEMES` as this pmdesk has them, so that an upgraded library starts with
the vocabulary a library created by the same pmdesk starts with. New tables touch none of the
full-text index's triggers, so the index needs no rebuild.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

from pmdesk.domain.themes import DEFAULT_THEMES, theme_key

revision = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    themes = op.create_table(
        "themes",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_themes"),
        sa.UniqueConstraint("name_key", name="uq_themes_name_key"),
    )
    op.create_table(
        "cause_themes",
        sa.Column(
            "cause_id",
            sa.String(32),
            sa.ForeignKey("causes.id", name="fk_cause_themes_cause_id_causes", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "theme_id",
            sa.String(32),
            sa.ForeignKey("themes.id", name="fk_cause_themes_theme_id_themes"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cause_id", "theme_id", name="pk_cause_themes"),
    )
    op.create_index("ix_cause_themes_theme_id", "cause_themes", ["theme_id"])
    op.bulk_insert(
        themes,
        [
            {
                "id": uuid.uuid4().hex,
                "name": theme.name,
                "name_key": theme_key(theme.name),
                "description": theme.description,
                "position": position,
            }
            for position, theme in enumerate(DEFAULT_THEMES)
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_cause_themes_theme_id", table_name="cause_themes")
    op.drop_table("cause_themes")
    op.drop_table("themes")
