"""The tables of a pmdesk library, as SQLAlchemy Core metadata equal to the newest migration.

The schema is portable (SQLite files and PostgreSQL servers): only generic types, no
dialect-specific SQL.
Ids are `uuid4().hex` strings. Lists keep their order in a `position` column. A change here needs a
new revision in `migrations/versions/`; a test checks that the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Fixed names for every constraint and index, so that a migration can find them again by name
# (SQLite's batch mode needs names to drop or alter a constraint).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# The migration this metadata equals, i.e. Alembic's head (a test checks both). Kept here so that
# opening an up-to-date library needs no Alembic, which takes about 0.3 s to import.
REVISION = "0008"

ID = String(32)
# Enum values are stored as their plain strings, without CHECK constraints: a later pmdesk that adds
# a kind then needs no table rebuild, and the domain enums refuse unknown values when loading.
ENUM_VALUE = String(20)


def _version() -> Column[int]:
    """The row's version (revision 0007), which every change of its content raises by one: an
    edit made on an older version is refused (see `domain.model.version_field`)."""
    return Column("version", Integer, nullable=False, server_default="1")


def _postmortem_fk() -> Column[str]:
    return Column(
        "postmortem_id", ID, ForeignKey("postmortems.id", ondelete="CASCADE"), nullable=False
    )


postmortems = Table(
    "postmortems",
    metadata,
    Column("id", ID, primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", ENUM_VALUE, nullable=False),
    Column("severity", ENUM_VALUE, nullable=True),
    Column("status", ENUM_VALUE, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("summary", Text, nullable=False),
    Column("impact_summary", Text, nullable=False),
    # Naive UTC, like every DateTime here: SQLite has no time zone type, and one convention for all
    # columns keeps comparisons and ordering right on both databases.
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    _version(),
)

impact_metrics = Table(
    "impact_metrics",
    metadata,
    _postmortem_fk(),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    # The number as Python writes it (see values.encode_number): "12400" or "2.5". Exact for any
    # int and any float on every database, and int vs float survives the round trip.
    Column("value", Text, nullable=False),
    Column("unit", Text, nullable=True),
    PrimaryKeyConstraint("postmortem_id", "position"),
)

participants = Table(
    "participants",
    metadata,
    _postmortem_fk(),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=True),
    PrimaryKeyConstraint("postmortem_id", "position"),
)

tags = Table(
    "tags",
    metadata,
    _postmortem_fk(),
    Column("position", Integer, nullable=False),
    Column("tag", Text, nullable=False),
    PrimaryKeyConstraint("postmortem_id", "position"),
)

timeline_events = Table(
    "timeline_events",
    metadata,
    Column("id", ID, primary_key=True),
    _postmortem_fk(),
    Column("at_utc", DateTime, nullable=False),
    # The offset the time was written with, in seconds east of UTC, so "+01:00" comes back as
    # "+01:00" and not as the same instant in UTC.
    Column("utc_offset", Integer, nullable=False),
    # Order among events with the same time: their order in the postmortem's timeline.
    Column("seq", Integer, nullable=False),
    Column("kind", ENUM_VALUE, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", Text, nullable=True),
    _version(),
    Index(None, "postmortem_id", "at_utc", "seq"),
    # The library list looks up each postmortem's first trigger (revision 0002).
    Index(None, "postmortem_id", "kind", "at_utc", "seq"),
)

causes = Table(
    "causes",
    metadata,
    Column("id", ID, primary_key=True),
    _postmortem_fk(),
    Column("ref", Text, nullable=False),
    Column("parent_id", ID, ForeignKey("causes.id", ondelete="CASCADE"), nullable=True),
    # Place in the postmortem's list of causes, which also orders siblings among themselves.
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("systemic", Boolean, nullable=False),
    _version(),
    UniqueConstraint("postmortem_id", "ref"),
    # An index on every foreign key column that a cascade has to search.
    Index(None, "parent_id"),
)

cause_evidence = Table(
    "cause_evidence",
    metadata,
    Column("cause_id", ID, ForeignKey("causes.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", ID, ForeignKey("timeline_events.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),
    Index(None, "event_id"),
)

# The library's vocabulary of contributing-factor themes (revision 0008; see domain/themes.py),
# in the order `position` gives: seeded with DEFAULT_THEMES when a library is made or upgraded,
# and grown by any theme a saved cause names that it does not have yet. `name_key` is
# `theme_key(name)`, so that "Change management" and "change  management" are one theme.
themes = Table(
    "themes",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("position", Integer, nullable=False),
    UniqueConstraint("name_key"),
)

# The themes a cause carries, in its own order. Deleting the cause takes its links along; a theme
# that causes carry cannot be deleted from under them (no ON DELETE: the database refuses).
cause_themes = Table(
    "cause_themes",
    metadata,
    Column("cause_id", ID, ForeignKey("causes.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ID, ForeignKey("themes.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    # Counting a theme's causes, and the refusal to delete a theme in use, search by theme.
    Index(None, "theme_id"),
)

actions = Table(
    "actions",
    metadata,
    Column("id", ID, primary_key=True),
    _postmortem_fk(),
    Column("ref", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("owner", Text, nullable=True),
    Column("due", Date, nullable=True),
    Column("status", ENUM_VALUE, nullable=False),
    Column("priority", ENUM_VALUE, nullable=True),
    Column("cause_id", ID, ForeignKey("causes.id", ondelete="SET NULL"), nullable=True),
    Column("notes", Text, nullable=False),
    Column("position", Integer, nullable=False),
    _version(),
    UniqueConstraint("postmortem_id", "ref"),
    Index(None, "cause_id"),
    # The library list counts each postmortem's open actions (revision 0002).
    Index(None, "postmortem_id", "status"),
)

action_history = Table(
    "action_history",
    metadata,
    Column("action_id", ID, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("at_utc", DateTime, nullable=False),
    Column("utc_offset", Integer, nullable=False),
    Column("field", ENUM_VALUE, nullable=False),
    Column("old_value", Text, nullable=True),
    Column("new_value", Text, nullable=True),
    Column("note", Text, nullable=False),
    PrimaryKeyConstraint("action_id", "position"),
)

lessons = Table(
    "lessons",
    metadata,
    Column("id", ID, primary_key=True),
    _postmortem_fk(),
    Column("position", Integer, nullable=False),
    Column("kind", ENUM_VALUE, nullable=False),
    Column("text", Text, nullable=False),
    _version(),
    Index(None, "postmortem_id", "position"),
)


# "This incident is a recurrence of that one" (revision 0005): `postmortem_id` happened again after
# `earlier_id`. Deleting either postmortem takes the link with it.
recurrences = Table(
    "recurrences",
    metadata,
    _postmortem_fk(),
    Column("earlier_id", ID, ForeignKey("postmortems.id", ondelete="CASCADE"), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    PrimaryKeyConstraint("postmortem_id", "earlier_id"),
    CheckConstraint("postmortem_id <> earlier_id", name="not_itself"),
    # The primary key finds the earlier incidents a postmortem repeats; this finds the later ones
    # that repeat it, and serves the cascade when the earlier one is deleted.
    Index(None, "earlier_id"),
)


# The review meeting (revision 0006): a row here once a postmortem has one, and the meeting's lists
# hang off that row, so no timebox or attendee outlives it. Times like the timeline's: naive UTC
# plus the offset they were written with.
meetings = Table(
    "meetings",
    metadata,
    Column(
        "postmortem_id",
        ID,
        ForeignKey("postmortems.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("started_at", DateTime, nullable=True),
    Column("started_offset", Integer, nullable=True),
    Column("ended_at", DateTime, nullable=True),
    Column("ended_offset", Integer, nullable=True),
)


def _meeting_fk() -> Column[str]:
    return Column(
        "postmortem_id",
        ID,
        ForeignKey("meetings.postmortem_id", ondelete="CASCADE"),
        nullable=False,
    )


# One row per agenda step; the timer writes `spent_seconds`, the agenda editor `minutes`.
meeting_timeboxes = Table(
    "meeting_timeboxes",
    metadata,
    _meeting_fk(),
    Column("position", Integer, nullable=False),
    Column("step", ENUM_VALUE, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("spent_seconds", Integer, nullable=False),
    PrimaryKeyConstraint("postmortem_id", "step"),
)

meeting_attendees = Table(
    "meeting_attendees",
    metadata,
    _meeting_fk(),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("role", ENUM_VALUE, nullable=False),
    PrimaryKeyConstraint("postmortem_id", "position"),
)

# The parking lot and the decisions, told apart by `kind` ("parked" or "decision"); each list
# ordered by `position`. A parked point that became an action names it; deleting the action
# unlinks the point rather than deleting it.
meeting_points = Table(
    "meeting_points",
    metadata,
    Column("id", ID, primary_key=True),
    _meeting_fk(),
    Column("kind", ENUM_VALUE, nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("action_id", ID, ForeignKey("actions.id", ondelete="SET NULL"), nullable=True),
    Index(None, "postmortem_id", "kind", "position"),
    Index(None, "action_id"),
)


# The full-text index (revision 0004) is an FTS5 table (on PostgreSQL, a tsvector column under a
# GIN index) with triggers on the tables above, which Table metadata cannot describe:
# storage/search.py makes it, for a new library right after `create_all` and in the migration.
# A migration that rebuilds one of these tables (batch mode copies and drops it) also drops that
# table's triggers: end it with `search.rebuild_index`.
