"""The review meeting's use cases: each edit and its undo restore exactly, the clock's record is
never rewound by an undo, and a parked point becomes an action (and back) in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pmdesk.domain.meeting import (
    DEFAULT_MINUTES,
    Attendee,
    Decision,
    Meeting,
    ParkedPoint,
    Role,
    Step,
)
from pmdesk.domain.model import ActionItem, Postmortem, PostmortemKind, Priority
from pmdesk.domain.validation import ValidationError
from pmdesk.services import actions, library_edits, meeting, postmortems
from pmdesk.services.changes import Entity
from pmdesk.services.postmortems import NotFoundError
from pmdesk.storage import meetings
from pmdesk.storage.library import Library
from tests.services.conftest import DiskPulledOutError, every_row, fail_after, reload

PLUS_TWO = timezone(timedelta(hours=2))
NOON = datetime(2026, 3, 5, 12, 0, tzinfo=PLUS_TWO)


def held(pm: Postmortem) -> Meeting:
    assert pm.meeting is not None
    return pm.meeting


def everything_but_timestamps(library: Library) -> dict[str, list[tuple[Any, ...]]]:
    rows = every_row(library)
    del rows["postmortems"]  # each edit marks the postmortem as changed now
    return rows


@pytest.fixture
def fresh(library: Library) -> Postmortem:
    """A postmortem that has no meeting yet."""
    pm, _ = library_edits.create_postmortem(library, PostmortemKind.INCIDENT, "No meeting yet")
    return pm


# --- get_meeting ------------------------------------------------------------------------------


def test_get_meeting_gives_the_stored_one_or_a_fresh_one(
    library: Library, stored: Postmortem, fresh: Postmortem
) -> None:
    assert meeting.get_meeting(library, stored.id) == held(stored)
    assert meeting.get_meeting(library, fresh.id) == Meeting()
    assert reload(library, fresh.id).meeting is None  # reading stores nothing


def test_get_meeting_of_a_postmortem_that_is_gone(library: Library, stored: Postmortem) -> None:
    library_edits.delete_postmortem(library, stored.id)
    with pytest.raises(NotFoundError, match="no longer in this library"):
        meeting.get_meeting(library, stored.id)


# --- timeboxes --------------------------------------------------------------------------------


def test_timeboxes_change_only_the_given_steps_and_undo_exactly(
    library: Library, stored: Postmortem
) -> None:
    before = held(stored)
    old, change = meeting.set_timeboxes(library, stored.id, {Step.IMPACT: 25, Step.WRAP_UP: 1})
    assert old == {box.step: box.minutes for box in before.agenda}
    assert change.entity is Entity.MEETING
    assert change.updated == change.postmortem_ids == frozenset({stored.id})

    after = held(reload(library, stored.id))
    assert after.timebox(Step.IMPACT).minutes == 25 and after.timebox(Step.WRAP_UP).minutes == 1
    for box in before.agenda:
        if box.step not in (Step.IMPACT, Step.WRAP_UP):
            assert after.timebox(box.step) == box
        assert after.timebox(box.step).spent_seconds == box.spent_seconds
    assert after.attendees == before.attendees and after.parking_lot == before.parking_lot

    undone, _ = meeting.set_timeboxes(library, stored.id, old)
    assert reload(library, stored.id) == stored
    assert undone[Step.IMPACT] == 25


@pytest.mark.parametrize("minutes", [0, 181, 2.5, True, "10"])
def test_timeboxes_out_of_range_are_refused_and_nothing_is_written(
    library: Library, stored: Postmortem, minutes: Any
) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match="from 1 to 180") as caught:
        meeting.set_timeboxes(library, stored.id, {Step.TIMELINE: 12, Step.FIVE_WHYS: minutes})
    assert caught.value.item_id == "five_whys"
    assert every_row(library) == before


def test_timeboxes_of_a_postmortem_that_is_gone(library: Library, stored: Postmortem) -> None:
    library_edits.delete_postmortem(library, stored.id)
    with pytest.raises(NotFoundError):
        meeting.set_timeboxes(library, stored.id, {Step.IMPACT: 5})


# --- the first edit creates the meeting, and its undo takes it away again --------------------


def test_the_first_edit_stores_the_meeting_with_the_default_agenda(
    library: Library, fresh: Postmortem
) -> None:
    before = everything_but_timestamps(library)
    old, _ = meeting.set_attendees(library, fresh.id, [Attendee("Dana", Role.FACILITATOR)])
    assert old == []
    rows = every_row(library)
    assert len(rows["meetings"]) == 1 and len(rows["meeting_attendees"]) == 1
    assert sorted((r[2], r[3]) for r in rows["meeting_timeboxes"]) == sorted(
        (step.value, minutes) for step, minutes in DEFAULT_MINUTES.items()
    )
    assert held(reload(library, fresh.id)) == Meeting(
        attendees=[Attendee("Dana", Role.FACILITATOR)]
    )

    meeting.set_attendees(library, fresh.id, old)
    assert everything_but_timestamps(library) == before
    assert reload(library, fresh.id).meeting is None


@pytest.mark.parametrize(
    ("setter", "new"),
    [
        (meeting.set_timeboxes, {Step.IMPACT: 6}),
        (meeting.set_parking_lot, [ParkedPoint("later")]),
        (meeting.set_decisions, [Decision("canary first")]),
    ],
    ids=["timeboxes", "parking_lot", "decisions"],
)
def test_every_first_edit_is_undone_without_a_trace(
    library: Library, fresh: Postmortem, setter: Any, new: Any
) -> None:
    before = everything_but_timestamps(library)
    old, _ = setter(library, fresh.id, new)
    assert reload(library, fresh.id).meeting is not None
    setter(library, fresh.id, old)
    assert everything_but_timestamps(library) == before
    assert reload(library, fresh.id).meeting is None


def test_an_edit_back_to_defaults_keeps_a_meeting_that_has_other_things(
    library: Library, stored: Postmortem
) -> None:
    meeting.set_timeboxes(library, stored.id, dict(DEFAULT_MINUTES))
    meeting.set_attendees(library, stored.id, [])
    meeting.set_parking_lot(library, stored.id, [])
    meeting.set_decisions(library, stored.id, [])
    kept = held(reload(library, stored.id))  # started and ended are still recorded
    assert kept.started == held(stored).started and kept.attendees == []
    assert kept.timebox(Step.GROUND_RULES).spent_seconds == 301


# --- attendance -------------------------------------------------------------------------------


def test_attendance_is_replaced_in_its_order_and_undone_exactly(
    library: Library, stored: Postmortem
) -> None:
    new = [Attendee("Sam", Role.SCRIBE), Attendee("Dana Q.", Role.FACILITATOR), Attendee("Lee")]
    old, change = meeting.set_attendees(library, stored.id, new)
    assert old == held(stored).attendees and change.entity is Entity.MEETING
    assert held(reload(library, stored.id)).attendees == new
    meeting.set_attendees(library, stored.id, old)
    assert reload(library, stored.id) == stored


@pytest.mark.parametrize(
    ("names", "words"),
    [
        (["Dana Q.", "DANA Q. "], "on the attendance list twice"),
        (["Dana Q.", ""], "has no name"),
        (["n" * 201], "at most 200"),
    ],
)
def test_attendance_that_breaks_a_rule_writes_nothing(
    library: Library, stored: Postmortem, names: list[str], words: str
) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match=words):
        meeting.set_attendees(library, stored.id, [Attendee(name) for name in names])
    assert every_row(library) == before


# --- parking lot and decisions ----------------------------------------------------------------


def test_the_parking_lot_is_replaced_with_ids_and_links_kept_and_undone_exactly(
    library: Library, stored: Postmortem
) -> None:
    first, linked, third = held(stored).parking_lot
    new = [replace(linked, text="Staging lacks config parity"), ParkedPoint("Pager noise"), first]
    old, change = meeting.set_parking_lot(library, stored.id, new)
    assert old == [first, linked, third] and change.entity is Entity.MEETING
    assert held(reload(library, stored.id)).parking_lot == new
    assert held(reload(library, stored.id)).decisions == held(stored).decisions
    meeting.set_parking_lot(library, stored.id, old)
    assert reload(library, stored.id) == stored


def test_a_point_may_name_only_an_action_of_this_postmortem(
    library: Library, stored: Postmortem
) -> None:
    other, _ = library_edits.create_postmortem(library, PostmortemKind.INCIDENT, "Other")
    elsewhere, _ = actions.add_action(library, other.id, ActionItem("", "Elsewhere"))
    before = every_row(library)
    for action_id in ("0" * 32, elsewhere.id):
        with pytest.raises(NotFoundError, match="1 of the actions is no longer"):
            meeting.set_parking_lot(library, stored.id, [ParkedPoint("x", action_id)])
    assert every_row(library) == before


def test_points_that_break_a_rule_write_nothing(library: Library, stored: Postmortem) -> None:
    before = every_row(library)
    a1 = stored.actions[0].id
    with pytest.raises(ValidationError, match="no text"):
        meeting.set_parking_lot(library, stored.id, [ParkedPoint("  ")])
    with pytest.raises(ValidationError, match="name the same action"):
        meeting.set_parking_lot(library, stored.id, [ParkedPoint("a", a1), ParkedPoint("b", a1)])
    with pytest.raises(ValidationError, match="decision has no text"):
        meeting.set_decisions(library, stored.id, [Decision("")])
    with pytest.raises(ValidationError, match="at most 2000"):
        meeting.set_decisions(library, stored.id, [Decision("d" * 2001)])
    assert every_row(library) == before


def test_decisions_are_replaced_and_undone_exactly(library: Library, stored: Postmortem) -> None:
    first, second = held(stored).decisions
    new = [second, Decision("Rollback is the first move"), replace(first, text="Canary first")]
    old, change = meeting.set_decisions(library, stored.id, new)
    assert old == [first, second] and change.entity is Entity.MEETING
    assert held(reload(library, stored.id)).decisions == new
    assert held(reload(library, stored.id)).parking_lot == held(stored).parking_lot
    meeting.set_decisions(library, stored.id, old)
    assert reload(library, stored.id) == stored


# --- the clock --------------------------------------------------------------------------------


def test_the_clock_writes_spent_time_and_times_only(library: Library, stored: Postmortem) -> None:
    before = held(stored)
    change = meeting.record_clock(
        library, stored.id, spent={Step.IMPACT: 75}, started=NOON, ended=None
    )
    assert change.entity is Entity.MEETING and change.updated == frozenset({stored.id})
    after = held(reload(library, stored.id))
    assert after.started == NOON and after.started.utcoffset() == timedelta(hours=2)
    assert after.ended is None
    assert after.timebox(Step.IMPACT).spent_seconds == 75
    assert [b.minutes for b in after.agenda] == [b.minutes for b in before.agenda]
    assert after.timebox(Step.GROUND_RULES).spent_seconds == 301  # a step not named keeps its
    assert (after.attendees, after.parking_lot, after.decisions) == (
        before.attendees,
        before.parking_lot,
        before.decisions,
    )


def test_undoing_an_edit_never_rewinds_the_clock(library: Library, stored: Postmortem) -> None:
    old_minutes, _ = meeting.set_timeboxes(library, stored.id, {Step.TIMELINE: 30})
    old_people, _ = meeting.set_attendees(library, stored.id, [Attendee("Sam")])
    ended = NOON + timedelta(minutes=50)
    meeting.record_clock(
        library,
        stored.id,
        spent={Step.TIMELINE: 1500, Step.FIVE_WHYS: 20},
        started=NOON,
        ended=ended,
    )
    meeting.set_attendees(library, stored.id, old_people)
    meeting.set_timeboxes(library, stored.id, old_minutes)
    after = held(reload(library, stored.id))
    assert after.timebox(Step.TIMELINE).minutes == 12  # the edit is undone …
    assert after.timebox(Step.TIMELINE).spent_seconds == 1500  # … the clock is not
    assert after.timebox(Step.FIVE_WHYS).spent_seconds == 20
    assert (after.started, after.ended) == (NOON, ended)
    assert after.attendees == held(stored).attendees


def test_the_clock_starts_a_meeting_and_a_reset_clock_leaves_nothing(
    library: Library, fresh: Postmortem
) -> None:
    before = everything_but_timestamps(library)
    meeting.record_clock(library, fresh.id, spent={Step.GROUND_RULES: 3}, started=NOON, ended=None)
    assert held(reload(library, fresh.id)).timebox(Step.GROUND_RULES).spent_seconds == 3
    meeting.record_clock(library, fresh.id, spent={Step.GROUND_RULES: 0}, started=None, ended=None)
    assert everything_but_timestamps(library) == before


@pytest.mark.parametrize(
    ("spent", "started", "ended", "words"),
    [
        ({Step.IMPACT: -1}, NOON, None, "0 or more"),
        ({Step.IMPACT: 1.5}, NOON, None, "whole number of seconds"),
        ({}, NOON, NOON - timedelta(seconds=1), "before it starts"),
        ({}, datetime(2026, 3, 5, 12, 0), None, "no UTC offset"),
        ({}, NOON, datetime(2026, 3, 5, 13, 0), "no UTC offset"),
    ],
)
def test_a_clock_record_that_breaks_a_rule_writes_nothing(
    library: Library,
    stored: Postmortem,
    spent: dict[Step, Any],
    started: datetime,
    ended: datetime | None,
    words: str,
) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match=words):
        meeting.record_clock(library, stored.id, spent=spent, started=started, ended=ended)
    assert every_row(library) == before


# --- a parked point becomes an action ---------------------------------------------------------


def test_a_parked_point_becomes_an_action_and_back_exactly(
    library: Library, stored: Postmortem
) -> None:
    point = held(stored).parking_lot[0]
    before = everything_but_timestamps(library)
    wanted = ActionItem("", "Give staging the production config", priority=Priority.P2)

    action, change = meeting.park_as_action(library, stored.id, point.id, wanted)
    assert action.ref == "a5" and action.id == wanted.id  # the next free ref, like add_action
    assert change.entity is Entity.ACTION
    assert change.added == frozenset({action.id}) and change.postmortem_ids == {stored.id}
    now = reload(library, stored.id)
    assert now.actions[-1] == action
    assert held(now).parking_lot[0] == replace(point, action_id=action.id)

    undo = meeting.unpark_action(library, stored.id, point.id, action.id)
    assert undo.entity is Entity.ACTION and undo.removed == frozenset({action.id})
    assert reload(library, stored.id) == stored
    assert everything_but_timestamps(library) == before

    again, _ = meeting.park_as_action(library, stored.id, point.id, action)  # redo
    assert again == action
    assert reload(library, stored.id) == now


def test_a_taken_ref_is_replaced_like_add_action_does(library: Library, stored: Postmortem) -> None:
    point = held(stored).parking_lot[2]
    action, _ = meeting.park_as_action(library, stored.id, point.id, ActionItem("a1", "Twice a1"))
    assert action.ref == "a5"


def test_a_point_that_already_became_an_action_is_refused(
    library: Library, stored: Postmortem
) -> None:
    point = held(stored).parking_lot[1]  # became a2
    before = every_row(library)
    with pytest.raises(ValidationError, match="already became action a2") as caught:
        meeting.park_as_action(library, stored.id, point.id, ActionItem("", "Again"))
    assert caught.value.item_id == point.id
    assert every_row(library) == before


def test_a_blank_action_or_an_unknown_point_is_refused(
    library: Library, stored: Postmortem
) -> None:
    before = every_row(library)
    point = held(stored).parking_lot[0]
    with pytest.raises(ValidationError, match="has no title"):
        meeting.park_as_action(library, stored.id, point.id, ActionItem("", "  "))
    with pytest.raises(NotFoundError, match="parked points"):
        meeting.park_as_action(library, stored.id, "f" * 32, ActionItem("", "Something"))
    decision = held(stored).decisions[0]
    with pytest.raises(NotFoundError, match="parked points"):
        meeting.park_as_action(library, stored.id, decision.id, ActionItem("", "Something"))
    assert every_row(library) == before


def test_park_as_action_is_one_transaction(
    library: Library, stored: Postmortem, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = every_row(library)
    fail_after(monkeypatch, meetings, "link_points")
    with pytest.raises(DiskPulledOutError):
        meeting.park_as_action(
            library, stored.id, held(stored).parking_lot[0].id, ActionItem("", "Half")
        )
    assert every_row(library) == before


def test_unpark_refuses_a_point_that_names_another_action(
    library: Library, stored: Postmortem
) -> None:
    linked = held(stored).parking_lot[1]
    before = every_row(library)
    with pytest.raises(NotFoundError, match="no longer names the action"):
        meeting.unpark_action(library, stored.id, linked.id, stored.actions[0].id)
    with pytest.raises(NotFoundError, match="no longer names the action"):
        meeting.unpark_action(library, stored.id, held(stored).parking_lot[0].id, "a" * 32)
    assert every_row(library) == before


# --- other edits that touch the meeting -------------------------------------------------------


def test_deleting_the_action_a_point_became_and_undoing_it_relinks_the_point(
    library: Library, stored: Postmortem
) -> None:
    a2 = stored.actions[1]
    deleted, _ = actions.delete_actions(library, stored.id, [a2.id])
    assert deleted.parked_links == ((held(stored).parking_lot[1].id, a2.id),)
    assert held(reload(library, stored.id)).parking_lot[1].action_id is None
    actions.restore_actions(library, stored.id, deleted)
    assert reload(library, stored.id) == stored


def test_deleting_and_restoring_the_postmortem_keeps_its_meeting(
    library: Library, stored: Postmortem
) -> None:
    deleted, _ = library_edits.delete_postmortem(library, stored.id)
    assert deleted.postmortem.meeting == held(stored)
    library_edits.restore_postmortem(library, deleted)
    assert reload(library, stored.id) == stored
    assert meeting.get_meeting(library, stored.id) == held(stored)


def test_a_captured_postmortem_with_a_broken_meeting_is_refused(library: Library) -> None:
    pm = Postmortem(title="Captured", meeting=Meeting(attendees=[Attendee("A"), Attendee("a")]))
    with pytest.raises(ValidationError, match="twice"):
        library_edits.add_postmortem(library, pm)
    assert every_row(library)["postmortems"] == []


def test_an_export_and_import_keeps_the_meeting(
    library: Library, stored: Postmortem, tmp_path: Path
) -> None:
    path = tmp_path / "out.json"
    postmortems.export_postmortem(library, stored.id, path)
    (again,) = postmortems.import_files(library, [path]).postmortem_ids
    copy = reload(library, again)
    original = held(stored)
    got = held(copy)
    assert got.agenda == original.agenda and got.attendees == original.attendees
    assert (got.started, got.ended) == (original.started, original.ended)
    assert [p.text for p in got.parking_lot] == [p.text for p in original.parking_lot]
    became = next(a for a in copy.actions if a.id == got.parking_lot[1].action_id)
    assert became.ref == "a2" and became.id != stored.actions[1].id
    assert [d.text for d in got.decisions] == [d.text for d in original.decisions]
