"""Small edits inside one stored postmortem, as plain functions on a Connection.

These are the storage half of the editor's undoable actions. Each removal hands back what it took
away in a form that the matching insert puts back exactly: the same ids, the same `seq` among
events at equal times, the same lesson positions, the same evidence positions. Like the repository,
every function runs in the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, select, update

from pmdesk.domain.model import ImpactMetric, Lesson, Participant, Postmortem, TimelineEvent
from pmdesk.storage.batch import execute_rows
from pmdesk.storage.repository import (
    event_from_row,
    event_row,
    header_from_row,
    header_row,
    insert_rows,
    lesson_from_row,
    lesson_row,
    metric_rows,
    participant_rows,
    tag_rows,
)
from pmdesk.storage.schema import (
    cause_evidence,
    impact_metrics,
    lessons,
    participants,
    postmortems,
    tags,
    timeline_events,
)
from pmdesk.storage.values import utc_now


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event with its `seq`, which orders it among events at the same time."""

    seq: int
    event: TimelineEvent


@dataclass(frozen=True, slots=True)
class EvidenceLink:
    """One cause citing one event, at its place in the cause's evidence list."""

    cause_id: str
    event_id: str
    position: int


@dataclass(frozen=True, slots=True)
class PlacedLesson:
    position: int
    lesson: Lesson


# --- the postmortem's own row -----------------------------------------------------------------


def touch(conn: Connection, postmortem_id: str) -> bool:
    """Mark the postmortem as changed now; False if the library has no such postmortem."""
    result = conn.execute(
        update(postmortems).where(postmortems.c.id == postmortem_id).values(updated_at=utc_now())
    )
    return result.rowcount == 1


def load_header(conn: Connection, postmortem_id: str) -> Postmortem | None:
    """The postmortem's own fields, its lists left empty: cheap enough for every keystroke."""
    row = conn.execute(select(postmortems).where(postmortems.c.id == postmortem_id)).one_or_none()
    return header_from_row(row) if row is not None else None


def update_header(conn: Connection, pm: Postmortem, fields: Collection[str]) -> None:
    """Write the named fields of `pm` to its row, leaving the other columns as they are, and
    raise the postmortem's version by one."""
    columns = header_row(pm)
    values = {name: columns[name] for name in fields}
    conn.execute(
        update(postmortems)
        .where(postmortems.c.id == pm.id)
        .values(**values, version=postmortems.c.version + 1)
    )


# --- whole ordered lists ----------------------------------------------------------------------


def replace_metrics(conn: Connection, postmortem_id: str, metrics: Sequence[ImpactMetric]) -> None:
    _replace_rows(conn, impact_metrics, postmortem_id, metric_rows(metrics))


def replace_participants(
    conn: Connection, postmortem_id: str, people: Sequence[Participant]
) -> None:
    _replace_rows(conn, participants, postmortem_id, participant_rows(people))


def replace_tags(conn: Connection, postmortem_id: str, tag_list: Sequence[str]) -> None:
    _replace_rows(conn, tags, postmortem_id, tag_rows(tag_list))


def _replace_rows(
    conn: Connection, table: Table, postmortem_id: str, rows: list[dict[str, Any]]
) -> None:
    # Delete and insert rather than update in place: positions are the primary key, and a
    # shorter or reordered list would otherwise collide with itself half-way.
    conn.execute(delete(table).where(table.c.postmortem_id == postmortem_id))
    insert_rows(conn, table, rows, postmortem_id)


# --- timeline events --------------------------------------------------------------------------


def max_event_seq(conn: Connection, postmortem_id: str) -> int:
    """The highest `seq` of the postmortem's events, -1 if it has none."""
    query = select(func.max(timeline_events.c.seq)).where(
        timeline_events.c.postmortem_id == postmortem_id
    )
    found = conn.execute(query).scalar_one()
    return -1 if found is None else int(found)


def load_events(conn: Connection, postmortem_id: str, ids: Collection[str]) -> list[StoredEvent]:
    """Those of the given events that belong to the postmortem, in timeline order."""
    e = timeline_events
    query = (
        select(e)
        .where(e.c.postmortem_id == postmortem_id, e.c.id.in_(list(ids)))
        .order_by(e.c.at_utc, e.c.seq, e.c.id)
    )
    return [StoredEvent(row.seq, event_from_row(row)) for row in conn.execute(query)]


def insert_events(conn: Connection, postmortem_id: str, stored: Sequence[StoredEvent]) -> None:
    insert_rows(conn, timeline_events, [event_row(s.seq, s.event) for s in stored], postmortem_id)


def update_events(conn: Connection, events: Sequence[TimelineEvent]) -> None:
    """Rewrite time, kind, text and source of existing events, raising each one's version by
    one; each keeps its id and `seq`."""
    if not events:
        return
    rows = []
    for event in events:
        row = event_row(0, event)
        del row["id"], row["seq"], row["version"]
        rows.append({**row, "event_id": event.id})
    e = timeline_events
    execute_rows(
        conn, update(e).where(e.c.id == bindparam("event_id")).values(version=e.c.version + 1), rows
    )


def evidence_links(conn: Connection, event_ids: Collection[str]) -> list[EvidenceLink]:
    """Every cause's citation of one of these events."""
    ev = cause_evidence
    query = (
        select(ev.c.cause_id, ev.c.event_id, ev.c.position)
        .where(ev.c.event_id.in_(list(event_ids)))
        .order_by(ev.c.cause_id, ev.c.position)
    )
    return [EvidenceLink(r.cause_id, r.event_id, r.position) for r in conn.execute(query)]


def insert_evidence(conn: Connection, links: Sequence[EvidenceLink]) -> None:
    rows = [{"cause_id": x.cause_id, "event_id": x.event_id, "position": x.position} for x in links]
    insert_rows(conn, cause_evidence, rows)


def delete_events(conn: Connection, postmortem_id: str, ids: Collection[str]) -> None:
    """Delete events; the foreign key cascade removes the causes' citations of them too.

    The other citations keep their positions (a gap is harmless, as only their order matters),
    which is what lets `insert_evidence` put the removed ones back exactly where they were.
    """
    e = timeline_events
    conn.execute(delete(e).where(e.c.postmortem_id == postmortem_id, e.c.id.in_(list(ids))))


# --- lessons ----------------------------------------------------------------------------------


def load_lessons(conn: Connection, postmortem_id: str, ids: Collection[str]) -> list[PlacedLesson]:
    """Those of the given lessons that belong to the postmortem, in list order."""
    query = (
        select(lessons)
        .where(lessons.c.postmortem_id == postmortem_id, lessons.c.id.in_(list(ids)))
        .order_by(lessons.c.position)
    )
    return [PlacedLesson(row.position, lesson_from_row(row)) for row in conn.execute(query)]


def count_lessons(conn: Connection, postmortem_id: str) -> int:
    query = select(func.count()).where(lessons.c.postmortem_id == postmortem_id)
    return int(conn.execute(query).scalar_one())


def insert_lesson(conn: Connection, postmortem_id: str, placed: PlacedLesson) -> None:
    """Insert a lesson at its position, moving the lessons from there on one place down."""
    _shift_lessons(conn, postmortem_id, placed.position, +1)
    insert_rows(conn, lessons, [lesson_row(placed.position, placed.lesson)], postmortem_id)


def delete_lessons(conn: Connection, postmortem_id: str, removed: Sequence[PlacedLesson]) -> None:
    """Delete lessons and close the gaps, so positions stay 0, 1, 2, … as `insert_lesson` needs."""
    ids = [placed.lesson.id for placed in removed]
    conn.execute(
        delete(lessons).where(lessons.c.postmortem_id == postmortem_id, lessons.c.id.in_(ids))
    )
    for placed in sorted(removed, key=lambda p: p.position, reverse=True):
        _shift_lessons(conn, postmortem_id, placed.position + 1, -1)


def update_lesson(conn: Connection, postmortem_id: str, lesson: Lesson) -> None:
    conn.execute(
        update(lessons)
        .where(lessons.c.postmortem_id == postmortem_id, lessons.c.id == lesson.id)
        .values(kind=lesson.kind.value, text=lesson.text, version=lessons.c.version + 1)
    )


def _shift_lessons(conn: Connection, postmortem_id: str, start: int, by: int) -> None:
    conn.execute(
        update(lessons)
        .where(lessons.c.postmortem_id == postmortem_id, lessons.c.position >= start)
        .values(position=lessons.c.position + by)
    )
