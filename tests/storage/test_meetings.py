"""A postmortem's review meeting in the library: stored whole, loaded in a fixed number of queries,
deleted with its postmortem, and unlinked (not deleted) when the action it led to goes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, event, func, select

from pmdesk.domain.meeting import (
    DEFAULT_MINUTES,
    Attendee,
    Decision,
    Meeting,
    ParkedPoint,
    Step,
    Timebox,
)
from pmdesk.domain.model import Postmortem
from pmdesk.storage import meetings
from pmdesk.storage.library import Library
from pmdesk.storage.repository import delete_postmortem, insert_postmortem, load_postmortem
from pmdesk.storage.schema import (
    actions,
    meeting_attendees,
    meeting_points,
    meeting_timeboxes,
)
from pmdesk.storage.schema import meetings as meetings_table
from tests.storage.examples import MINUS_SEVEN_THIRTY, rich_meeting, rich_postmortem

MEETING_TABLES = (meetings_table, meeting_timeboxes, meeting_attendees, meeting_points)


def store(library: Library, pm: Postmortem) -> None:
    with library.transaction() as conn:
        insert_postmortem(conn, pm)


def load(library: Library, postmortem_id: str) -> Postmortem:
    with library.connect() as conn:
        loaded = load_postmortem(conn, postmortem_id)
    assert loaded is not None
    return loaded


def row_counts(library: Library) -> dict[str, int]:
    with library.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in MEETING_TABLES
        }


@contextmanager
def counted_queries(library: Library) -> Iterator[list[str]]:
    """The SELECTs run on the library's engine while the block runs."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):
            statements.append(args[2])

    event.listen(library.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(library.engine, "before_cursor_execute", count)


def test_a_meeting_comes_back_exactly_times_and_offsets_included(library: Library) -> None:
    pm = rich_postmortem()
    store(library, pm)
    loaded = load(library, pm.id).meeting
    assert loaded == pm.meeting
    assert loaded is not None and pm.meeting is not None
    assert loaded.started is not None and loaded.ended is not None
    assert loaded.started.utcoffset() == timedelta(hours=1)
    assert loaded.ended.utcoffset() == MINUS_SEVEN_THIRTY.utcoffset(None)
    assert loaded.ended.isoformat() == "2026-03-05T02:35:17-07:30"
    assert [p.id for p in loaded.parking_lot] == [p.id for p in pm.meeting.parking_lot]
    assert loaded.parking_lot[1].action_id == pm.actions[1].id


def test_no_meeting_loads_as_none_and_a_blank_one_as_blank(library: Library) -> None:
    without, blank = Postmortem(title="Never met"), Postmortem(title="Met", meeting=Meeting())
    store(library, without)
    store(library, blank)
    assert load(library, without.id).meeting is None
    held = load(library, blank.id).meeting
    assert held == Meeting() and held is not None and held.is_blank
    assert row_counts(library) == {
        "meetings": 1,
        "meeting_timeboxes": len(Step),
        "meeting_attendees": 0,
        "meeting_points": 0,
    }


def test_the_agenda_is_stored_whole_and_in_step_order(library: Library) -> None:
    given = [Timebox(Step.WRAP_UP, 3, 40), Timebox(Step.GROUND_RULES, 2)]
    pm = Postmortem(title="Short", meeting=Meeting(agenda=given))
    store(library, pm)
    loaded = load(library, pm.id).meeting
    assert loaded is not None
    assert [box.step for box in loaded.agenda] == list(Step)
    assert loaded.timebox(Step.WRAP_UP) == Timebox(Step.WRAP_UP, 3, 40)
    assert loaded.timebox(Step.GROUND_RULES) == Timebox(Step.GROUND_RULES, 2, 0)
    assert loaded.timebox(Step.IMPACT).minutes == DEFAULT_MINUTES[Step.IMPACT]


def test_loading_takes_the_same_few_queries_however_big_the_meeting(library: Library) -> None:
    small = Postmortem(title="Small", meeting=Meeting(attendees=[Attendee("A")]))
    big = Postmortem(
        title="Big",
        meeting=Meeting(
            attendees=[Attendee(f"Person {i}") for i in range(300)],
            parking_lot=[ParkedPoint(f"point {i}") for i in range(300)],
            decisions=[Decision(f"decision {i}") for i in range(300)],
        ),
    )
    store(library, small)
    store(library, big)
    with counted_queries(library) as few:
        assert load(library, small.id).meeting == small.meeting
    with counted_queries(library) as many:
        assert load(library, big.id).meeting == big.meeting
    assert len(many) == len(few)
    with library.connect() as conn:
        with counted_queries(library) as held:
            assert meetings.load_meeting(conn, big.id) == big.meeting
        with counted_queries(library) as none_held:
            assert meetings.load_meeting(conn, Postmortem(title="x").id) is None
    assert (len(held), len(none_held)) == (4, 1)


def test_deleting_the_postmortem_deletes_its_meeting(library: Library) -> None:
    doomed, kept = rich_postmortem(), rich_postmortem()
    store(library, doomed)
    store(library, kept)
    both = row_counts(library)
    assert all(count > 0 for count in both.values()), both
    with library.transaction() as conn:
        assert delete_postmortem(conn, doomed.id)
    assert row_counts(library) == {name: count // 2 for name, count in both.items()}
    assert load(library, kept.id).meeting == kept.meeting


def test_deleting_the_meeting_takes_its_lists_and_leaves_the_postmortem(library: Library) -> None:
    pm = rich_postmortem()
    store(library, pm)
    with library.transaction() as conn:
        meetings.delete_meeting(conn, pm.id)
    assert set(row_counts(library).values()) == {0}
    pm.meeting = None
    assert load(library, pm.id) == pm


def test_deleting_the_action_a_point_became_unlinks_the_point(library: Library) -> None:
    pm = rich_postmortem()
    store(library, pm)
    became = pm.actions[1].id
    with library.transaction() as conn:
        assert meetings.links_to_actions(conn, [became, pm.actions[0].id]) == [
            (pm.meeting.parking_lot[1].id, became)  # type: ignore[union-attr]
        ]
        conn.execute(delete(actions).where(actions.c.id == became))
    loaded = load(library, pm.id).meeting
    assert loaded is not None and pm.meeting is not None
    assert [p.text for p in loaded.parking_lot] == [p.text for p in pm.meeting.parking_lot]
    assert loaded.parking_lot[1].action_id is None


def test_edits_in_parts_write_only_their_columns(library: Library) -> None:
    pm = Postmortem(title="Parts", meeting=rich_meeting())
    store(library, pm)
    assert pm.meeting is not None and pm.meeting.started is not None
    later = pm.meeting.started + timedelta(minutes=70)
    with library.transaction() as conn:
        meetings.update_minutes(conn, pm.id, {Step.IMPACT: 9})
        meetings.update_clock(conn, pm.id, {Step.IMPACT: 61}, pm.meeting.started, later)
        meetings.replace_decisions(conn, pm.id, pm.meeting.decisions[::-1])
    loaded = load(library, pm.id).meeting
    assert loaded is not None
    assert loaded.timebox(Step.IMPACT) == Timebox(Step.IMPACT, 9, 61)
    assert loaded.ended == later
    assert loaded.decisions == pm.meeting.decisions[::-1]
    assert loaded.parking_lot == pm.meeting.parking_lot  # the other list of the same table
    assert loaded.attendees == pm.meeting.attendees
