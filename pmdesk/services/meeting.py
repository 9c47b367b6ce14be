"""The review meeting's use cases: the agenda's timeboxes, who came, the parking lot, the decisions,
a parked point turned into an action, and the timer's record.

Each is one transaction. The edits return what their undo needs; the timer's record does not,
because it says what happened: undoing an edit never rewinds the clock, so `record_clock` writes
only the clock's columns and the edits never write them. A postmortem gets its meeting (with the
default agenda) on the first edit, and loses it again when an edit leaves nothing recorded, so
undoing that first edit leaves the library as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from pmdesk.domain import validation
from pmdesk.domain.meeting import Attendee, Decision, Meeting, ParkedPoint, Step
from pmdesk.domain.model import ActionItem
from pmdesk.domain.validation import ValidationError
from pmdesk.services.actions import insert_new_action
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import changes, editing, gone, require_all
from pmdesk.services.postmortems import NotFoundError
from pmdesk.storage import action_edits, meetings, repository
from pmdesk.storage.library import Library


def get_meeting(library: Library, postmortem_id: str) -> Meeting:
    """The postmortem's stored meeting, or a fresh one (the default agenda, nothing recorded)."""
    with library.connect() as conn:
        if not repository.postmortem_exists(conn, postmortem_id):
            raise gone(postmortem_id)
        found = meetings.load_meeting(conn, postmortem_id)
    return found if found is not None else Meeting()


def set_timeboxes(
    library: Library, postmortem_id: str, minutes: Mapping[Step, int]
) -> tuple[dict[Step, int], Changes]:
    """Give the named steps these minutes, the others keep theirs. Returns the old minutes of
    every step: undo is this call again with them."""
    checked = _by_step(minutes, validation.check_minutes)
    with editing(library, postmortem_id) as conn:
        current = meetings.ensure_meeting(conn, postmortem_id)
        meetings.update_minutes(conn, postmortem_id, checked)
        agenda = [
            replace(box, minutes=checked.get(box.step, box.minutes)) for box in current.agenda
        ]
        _forget_if_blank(conn, postmortem_id, replace(current, agenda=agenda))
    return {box.step: box.minutes for box in current.agenda}, _changed(postmortem_id)


def set_attendees(
    library: Library, postmortem_id: str, attendees: Sequence[Attendee]
) -> tuple[list[Attendee], Changes]:
    """Replace who came, in this order; returns the old list for the undo."""
    validation.check_attendees(attendees)
    with editing(library, postmortem_id) as conn:
        current = meetings.ensure_meeting(conn, postmortem_id)
        meetings.replace_attendees(conn, postmortem_id, attendees)
        _forget_if_blank(conn, postmortem_id, replace(current, attendees=list(attendees)))
    return current.attendees, _changed(postmortem_id)


def set_parking_lot(
    library: Library, postmortem_id: str, points: Sequence[ParkedPoint]
) -> tuple[list[ParkedPoint], Changes]:
    """Replace the parking lot, each point keeping its id and the action it names (which must be
    one of this postmortem's actions); returns the old list for the undo."""
    validation.check_parking_lot(points)
    with editing(library, postmortem_id) as conn:
        linked = [p.action_id for p in points if p.action_id is not None]
        found = action_edits.load_actions(conn, postmortem_id, linked)
        require_all("actions", linked, (placed.action.id for placed in found))
        current = meetings.ensure_meeting(conn, postmortem_id)
        meetings.replace_parking_lot(conn, postmortem_id, points)
        _forget_if_blank(conn, postmortem_id, replace(current, parking_lot=list(points)))
    return current.parking_lot, _changed(postmortem_id)


def set_decisions(
    library: Library, postmortem_id: str, decisions: Sequence[Decision]
) -> tuple[list[Decision], Changes]:
    """Replace the decisions, each keeping its id; returns the old list for the undo."""
    validation.check_decisions(decisions)
    with editing(library, postmortem_id) as conn:
        current = meetings.ensure_meeting(conn, postmortem_id)
        meetings.replace_decisions(conn, postmortem_id, decisions)
        _forget_if_blank(conn, postmortem_id, replace(current, decisions=list(decisions)))
    return current.decisions, _changed(postmortem_id)


def park_as_action(
    library: Library, postmortem_id: str, point_id: str, action: ActionItem
) -> tuple[ActionItem, Changes]:
    """Add `action` exactly as `actions.add_action` does and make the parked point name it, in
    one transaction. Returns the action as stored (with its ref); undo is `unpark_action`, redo
    this call again with the returned action. A point that already became an action is refused.
    """
    validation.check_action(action)
    with editing(library, postmortem_id) as conn:
        point = _parked_point(conn, postmortem_id, point_id)
        if point.action_id is not None:
            earlier = action_edits.load_actions(conn, postmortem_id, [point.action_id])
            named = f"action {earlier[0].action.ref}" if earlier else "an action"
            raise ValidationError(
                "action",
                f"The parked point “{validation.excerpt(point.text)}” already became {named}. "
                "Change that action instead of making a second one.",
                point_id,
            )
        stored = insert_new_action(conn, postmortem_id, action)
        meetings.link_points(conn, [(point_id, stored.id)])
    return stored, changes(Entity.ACTION, postmortem_id, added=[stored.id])


def unpark_action(library: Library, postmortem_id: str, point_id: str, action_id: str) -> Changes:
    """The inverse of `park_as_action`: delete the action the point became and unlink the point,
    in one transaction."""
    with editing(library, postmortem_id) as conn:
        point = _parked_point(conn, postmortem_id, point_id)
        if point.action_id != action_id:
            raise NotFoundError(
                f"The parked point “{validation.excerpt(point.text)}” no longer names the action "
                "it became; it may have been changed in another window. Reopen the postmortem to "
                "see what it holds now."
            )
        found = action_edits.load_actions(conn, postmortem_id, [action_id])
        require_all("actions", [action_id], (placed.action.id for placed in found))
        action_edits.delete_actions(conn, postmortem_id, [action_id])
        meetings.link_points(conn, [(point_id, None)])  # the foreign key did; said for the reader
    return changes(Entity.ACTION, postmortem_id, removed=[action_id])


def record_clock(
    library: Library,
    postmortem_id: str,
    *,
    spent: Mapping[Step, int],
    started: datetime | None,
    ended: datetime | None,
) -> Changes:
    """Store what the timer measured: the named steps' spent seconds, and when the meeting started
    and ended. Nothing else (minutes, people, points) is written, and nothing is returned for an
    undo: the clock's record is not an edit."""
    checked = _by_step(spent, validation.check_spent_seconds)
    validation.check_meeting_times(started, ended)
    with editing(library, postmortem_id) as conn:
        current = meetings.ensure_meeting(conn, postmortem_id)
        meetings.update_clock(conn, postmortem_id, checked, started, ended)
        agenda = [
            replace(box, spent_seconds=checked.get(box.step, box.spent_seconds))
            for box in current.agenda
        ]
        after = replace(current, agenda=agenda, started=started, ended=ended)
        _forget_if_blank(conn, postmortem_id, after)
    return _changed(postmortem_id)


def _by_step(values: Mapping[Step, int], check: Callable[[Step, object], int]) -> dict[Step, int]:
    checked: dict[Step, int] = {}
    for key, value in values.items():
        step = validation.check_choice("step", key, Step)
        checked[step] = check(step, value)
    return checked


def _parked_point(conn: Connection, postmortem_id: str, point_id: str) -> ParkedPoint:
    meeting = meetings.load_meeting(conn, postmortem_id)
    points = {p.id: p for p in meeting.parking_lot} if meeting is not None else {}
    require_all("parked points", [point_id], points)
    return points[point_id]


def _forget_if_blank(conn: Connection, postmortem_id: str, after: Meeting) -> None:
    """A meeting that an edit leaves with nothing recorded is not kept."""
    if after.is_blank:
        meetings.delete_meeting(conn, postmortem_id)


def _changed(postmortem_id: str) -> Changes:
    return changes(Entity.MEETING, postmortem_id, updated=[postmortem_id])
