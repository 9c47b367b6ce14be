"""The follow-up review: grouping around a fixed today, sorting, and its three quick changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pmdesk.domain.actions import DueGroup, due_group
from pmdesk.domain.model import ActionItem, ActionStatus, Postmortem, Priority
from pmdesk.domain.validation import ValidationError
from pmdesk.services import followup, postmortems
from pmdesk.storage import repository
from pmdesk.storage.library import Library
from tests.services.conftest import reload

TODAY = date(2026, 4, 10)
NOW = datetime(2026, 4, 10, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "group"),
    [
        (-30, DueGroup.OVERDUE),
        (-1, DueGroup.OVERDUE),
        (0, DueGroup.DUE_SOON),  # due today is not overdue yet
        (14, DueGroup.DUE_SOON),  # up to and including today + 14 days
        (15, DueGroup.LATER),
        (400, DueGroup.LATER),
    ],
)
def test_groups_around_today(days: int, group: DueGroup) -> None:
    assert due_group(TODAY + timedelta(days=days), TODAY) is group
    assert due_group(None, TODAY) is DueGroup.NO_DUE


def two_postmortems(library: Library) -> tuple[Postmortem, Postmortem]:
    first = Postmortem(
        title="Checkout outage",
        actions=[
            ActionItem("a1", "Later one", due=TODAY + timedelta(days=40)),
            ActionItem("a2", "Overdue one", due=TODAY - timedelta(days=3), owner="Platform"),
            ActionItem("a3", "Finished", due=TODAY - timedelta(days=9), status=ActionStatus.DONE),
            ActionItem("a4", "No date yet"),
        ],
    )
    second = Postmortem(
        title="Search latency",
        actions=[
            ActionItem("a1", "Due today", due=TODAY, status=ActionStatus.IN_PROGRESS),
            ActionItem("a2", "Long overdue", due=TODAY - timedelta(days=30)),
            ActionItem("a3", "Dropped", status=ActionStatus.DROPPED, notes="Replaced"),
            ActionItem("a4", "In two weeks", due=TODAY + timedelta(days=14)),
        ],
    )
    with library.transaction() as conn:
        repository.insert_postmortem(conn, first)
        repository.insert_postmortem(conn, second)
    return first, second


def test_every_open_action_of_every_postmortem_in_due_order(library: Library) -> None:
    first, second = two_postmortems(library)
    items = followup.follow_up(library, TODAY)
    assert [(i.group, i.action.title, i.postmortem_title) for i in items] == [
        (DueGroup.OVERDUE, "Long overdue", "Search latency"),
        (DueGroup.OVERDUE, "Overdue one", "Checkout outage"),
        (DueGroup.DUE_SOON, "Due today", "Search latency"),
        (DueGroup.DUE_SOON, "In two weeks", "Search latency"),
        (DueGroup.LATER, "Later one", "Checkout outage"),
        (DueGroup.NO_DUE, "No date yet", "Checkout outage"),
    ]
    assert {i.postmortem_id for i in items} == {first.id, second.id}


def test_mark_done_rescope_and_escalate(library: Library) -> None:
    first, _ = two_postmortems(library)
    overdue = next(i for i in followup.follow_up(library, TODAY) if i.action.title == "Overdue one")

    with pytest.raises(ValidationError, match="re-scoped"):
        followup.rescope(library, first.id, overdue.action, TODAY + timedelta(days=7), " ")
    _, moved, _ = followup.rescope(
        library, first.id, overdue.action, TODAY + timedelta(days=7), "Waiting on vendor", NOW
    )
    assert moved.due == TODAY + timedelta(days=7) and moved.history[-1].note == "Waiting on vendor"

    with pytest.raises(ValidationError, match="escalated"):
        followup.escalate(library, first.id, moved, "")
    _, raised, _ = followup.escalate(library, first.id, moved, "Blocks the Q2 launch", NOW)
    assert raised.priority is Priority.P2  # no priority counts as P3
    assert followup.escalated(Priority.P1) is Priority.P0
    top = ActionItem("x", "t", priority=Priority.P0)
    with pytest.raises(ValidationError, match="already P0"):
        followup.escalate(library, first.id, top, "note")

    followup.mark_done(library, first.id, raised, NOW)
    titles = [i.action.title for i in followup.follow_up(library, TODAY)]
    assert "Overdue one" not in titles
    done = next(a for a in reload(library, first.id).actions if a.title == "Overdue one")
    assert [c.field.value for c in done.history] == ["due", "priority", "status"]
    assert postmortems.get_postmortem(library, first.id).actions[1].status is ActionStatus.DONE
