"""A postmortem's review meeting in a library, as plain functions on a Connection.

Stored whole with its postmortem (`repository` calls `insert_meeting`, and reads it with its
`MEETING_QUERIES` in the postmortem's batch, built by `meeting_from_rows`) and edited in parts:
the agenda's minutes, the clock, the attendance, the parking lot, the decisions. Every agenda step
always has its row, so an edit of one step is an update, never an insert. Like the repository,
every function runs in the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, select, update

from pmdesk.domain.meeting import (
    Attendee,
    Decision,
    Meeting,
    ParkedPoint,
    Role,
    Step,
    Timebox,
    complete_agenda,
)
from pmdesk.storage.batch import execute_rows
from pmdesk.storage.schema import ID, meeting_attendees, meeting_points, meeting_timeboxes, meetings
from pmdesk.storage.values import join_time, split_time

# The two lists that share `meeting_points`, by their `kind`.
PARKED = "parked"
DECISION = "decision"


def insert_meeting(conn: Connection, postmortem_id: str, meeting: Meeting) -> None:
    """Store a whole meeting for a postmortem that has none; a missing agenda step gets its
    default timebox. Parked points may name only actions already stored."""
    conn.execute(
        meetings.insert(),
        {"postmortem_id": postmortem_id, **_time_row(meeting.started, meeting.ended)},
    )
    _insert(
        conn,
        meeting_timeboxes,
        [
            {
                "postmortem_id": postmortem_id,
                "position": position,
                "step": box.step.value,
                "minutes": box.minutes,
                "spent_seconds": box.spent_seconds,
            }
            for position, box in enumerate(complete_agenda(meeting.agenda))
        ],
    )
    _insert(conn, meeting_attendees, _attendee_rows(postmortem_id, meeting.attendees))
    _insert(conn, meeting_points, _parked_rows(postmortem_id, meeting.parking_lot))
    _insert(conn, meeting_points, _decision_rows(postmortem_id, meeting.decisions))


# The queries that read a meeting, independent of each other so that `repository` can send them
# in one batch with the rest of a postmortem (see `batch.run_selects`).
_PM = bindparam("postmortem_id", type_=ID)
MEETING_QUERIES = [
    select(meetings).where(meetings.c.postmortem_id == _PM),
    select(meeting_timeboxes)
    .where(meeting_timeboxes.c.postmortem_id == _PM)
    .order_by(meeting_timeboxes.c.position),
    select(meeting_attendees)
    .where(meeting_attendees.c.postmortem_id == _PM)
    .order_by(meeting_attendees.c.position),
    select(meeting_points)
    .where(meeting_points.c.postmortem_id == _PM)
    .order_by(meeting_points.c.kind, meeting_points.c.position, meeting_points.c.id),
]


def load_meeting(conn: Connection, postmortem_id: str) -> Meeting | None:
    """The postmortem's meeting, or None if it has none: four queries at most, however long."""
    params = {"postmortem_id": postmortem_id}
    found = conn.execute(MEETING_QUERIES[0], params).all()
    if not found:
        return None
    return meeting_from_rows(found, *(conn.execute(q, params).all() for q in MEETING_QUERIES[1:]))


def meeting_from_rows(
    meeting_rows: Sequence[Any],
    timebox_rows: Sequence[Any],
    attendee_rows: Sequence[Any],
    point_rows: Sequence[Any],
) -> Meeting | None:
    """The meeting from the rows of `MEETING_QUERIES`, or None if it has no row."""
    if not meeting_rows:
        return None
    row = meeting_rows[0]
    meeting = Meeting(
        agenda=[],
        started=_join(row.started_at, row.started_offset),
        ended=_join(row.ended_at, row.ended_offset),
    )
    meeting.agenda = [Timebox(Step(b.step), b.minutes, b.spent_seconds) for b in timebox_rows]
    meeting.attendees = [Attendee(p.name, Role(p.role)) for p in attendee_rows]
    for p in point_rows:
        if p.kind == PARKED:
            meeting.parking_lot.append(ParkedPoint(p.text, p.action_id, id=p.id))
        elif p.kind == DECISION:
            meeting.decisions.append(Decision(p.text, id=p.id))
        else:
            raise ValueError(f"unknown kind of meeting point {p.kind!r} (from a newer pmdesk?)")
    return meeting


def ensure_meeting(conn: Connection, postmortem_id: str) -> Meeting:
    """The postmortem's meeting, stored first with the default agenda if it had none."""
    found = load_meeting(conn, postmortem_id)
    if found is not None:
        return found
    fresh = Meeting()
    insert_meeting(conn, postmortem_id, fresh)
    return fresh


def delete_meeting(conn: Connection, postmortem_id: str) -> None:
    """Forget the postmortem's meeting; the foreign keys take its lists with it."""
    conn.execute(delete(meetings).where(meetings.c.postmortem_id == postmortem_id))


def update_minutes(conn: Connection, postmortem_id: str, minutes: Mapping[Step, int]) -> None:
    _update_steps(conn, postmortem_id, "minutes", minutes)


def update_clock(
    conn: Connection,
    postmortem_id: str,
    spent: Mapping[Step, int],
    started: datetime | None,
    ended: datetime | None,
) -> None:
    """Write what the timer measured: the named steps' spent seconds and the start and end."""
    _update_steps(conn, postmortem_id, "spent_seconds", spent)
    conn.execute(
        update(meetings)
        .where(meetings.c.postmortem_id == postmortem_id)
        .values(**_time_row(started, ended))
    )


def replace_attendees(conn: Connection, postmortem_id: str, attendees: Sequence[Attendee]) -> None:
    people = meeting_attendees
    conn.execute(delete(people).where(people.c.postmortem_id == postmortem_id))
    _insert(conn, people, _attendee_rows(postmortem_id, attendees))


def replace_parking_lot(
    conn: Connection, postmortem_id: str, points: Sequence[ParkedPoint]
) -> None:
    _replace_points(conn, postmortem_id, PARKED, _parked_rows(postmortem_id, points))


def replace_decisions(conn: Connection, postmortem_id: str, decisions: Sequence[Decision]) -> None:
    _replace_points(conn, postmortem_id, DECISION, _decision_rows(postmortem_id, decisions))


def link_points(conn: Connection, links: Sequence[tuple[str, str | None]]) -> None:
    """Make each parked point, given as (point id, action id), name the action it became, or
    (None) no action."""
    points = meeting_points
    execute_rows(
        conn,
        update(points)
        .where(points.c.id == bindparam("point_id"))
        .values(action_id=bindparam("to")),
        [{"point_id": point_id, "to": action_id} for point_id, action_id in links],
    )


def links_to_actions(conn: Connection, action_ids: Collection[str]) -> list[tuple[str, str]]:
    """(point id, action id) for every parked point that became one of these actions: what
    deleting them unlinks, and what restoring them must link again."""
    points = meeting_points
    query = (
        select(points.c.id, points.c.action_id)
        .where(points.c.action_id.in_(list(action_ids)))
        .order_by(points.c.id)
    )
    return [(row.id, row.action_id) for row in conn.execute(query)]


def _update_steps(
    conn: Connection, postmortem_id: str, column: str, values: Mapping[Step, int]
) -> None:
    boxes = meeting_timeboxes
    execute_rows(
        conn,
        update(boxes)
        .where(boxes.c.postmortem_id == postmortem_id, boxes.c.step == bindparam("which_step"))
        .values({column: bindparam("new_value")}),
        [{"which_step": step.value, "new_value": value} for step, value in values.items()],
    )


def _replace_points(
    conn: Connection, postmortem_id: str, kind: str, rows: list[dict[str, Any]]
) -> None:
    # Delete and insert, as for every ordered list: ids stay, positions are written afresh.
    points = meeting_points
    conn.execute(
        delete(points).where(points.c.postmortem_id == postmortem_id, points.c.kind == kind)
    )
    _insert(conn, points, rows)


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def _time_row(started: datetime | None, ended: datetime | None) -> dict[str, Any]:
    started_at, started_offset = split_time(started) if started else (None, None)
    ended_at, ended_offset = split_time(ended) if ended else (None, None)
    return {
        "started_at": started_at,
        "started_offset": started_offset,
        "ended_at": ended_at,
        "ended_offset": ended_offset,
    }


def _join(at_utc: datetime | None, offset: int | None) -> datetime | None:
    return None if at_utc is None or offset is None else join_time(at_utc, offset)


def _attendee_rows(postmortem_id: str, attendees: Sequence[Attendee]) -> list[dict[str, Any]]:
    return [
        {"postmortem_id": postmortem_id, "position": i, "name": a.name, "role": a.role.value}
        for i, a in enumerate(attendees)
    ]


def _parked_rows(postmortem_id: str, points: Sequence[ParkedPoint]) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "postmortem_id": postmortem_id,
            "kind": PARKED,
            "position": i,
            "text": p.text,
            "action_id": p.action_id,
        }
        for i, p in enumerate(points)
    ]


def _decision_rows(postmortem_id: str, decisions: Sequence[Decision]) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "postmortem_id": postmortem_id,
            "kind": DECISION,
            "position": i,
            "text": d.text,
            "action_id": None,
        }
        for i, d in enumerate(decisions)
    ]
