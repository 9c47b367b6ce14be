"""A learning review's numbers on a small library, each worked out by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from pmdesk.domain.kinds import ActionStatus, EventKind, PostmortemKind
from pmdesk.domain.learning import NO_OWNER, review, started_on
from pmdesk.domain.model import (
    ActionChange,
    ActionField,
    ActionItem,
    Cause,
    ImpactMetric,
    Postmortem,
    TimelineEvent,
)
from pmdesk.domain.periods import Period, parse_period

BERLIN = timezone(timedelta(hours=1))
PACIFIC = timezone(timedelta(hours=-7))
TODAY = date(2026, 4, 10)


def at(
    year: int, month: int, day: int, hour: int, minute: int, zone: timezone = BERLIN
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def incident(title: str, start: datetime, detect: int, resolve: int) -> Postmortem:
    """An incident detected `detect` and resolved `resolve` minutes after it started."""
    return Postmortem(
        title,
        timeline=[
            TimelineEvent(start, EventKind.TRIGGER, "started"),
            TimelineEvent(start + timedelta(minutes=detect), EventKind.DETECTION, "detected"),
            TimelineEvent(start + timedelta(minutes=resolve), EventKind.RESOLUTION, "resolved"),
        ],
    )


def action(
    ref: str,
    status: ActionStatus = ActionStatus.OPEN,
    due: date | None = None,
    owner: str | None = None,
    done_at: datetime | None = None,
) -> ActionItem:
    history = []
    if done_at is not None:
        history.append(ActionChange(done_at, ActionField.STATUS, "open", "done"))
    return ActionItem(ref, f"Action {ref}", owner=owner, due=due, status=status, history=history)


def library() -> list[Postmortem]:
    # A: 10 Jan, detected after 20 min, resolved after 60.
    a = incident("A", at(2026, 1, 10, 10, 0), 20, 60)
    a.metrics = [ImpactMetric("Failed checkouts", 100, "requests")]
    a.actions = [
        action("a1", ActionStatus.DONE, done_at=at(2026, 1, 20, 9, 0)),  # done 10 days after
        action("a2", ActionStatus.DROPPED),
        action("a3", due=date(2026, 3, 1), owner="Platform team"),  # 40 days late on 10 Apr
        action("a4", due=date(2026, 5, 1), owner="Platform team"),  # owed, not yet due
    ]
    # B: 23:30 on 31 March in San Francisco, already 1 April in UTC: still the first quarter.
    b = incident("B", at(2026, 3, 31, 23, 30, zone=PACIFIC), 40, 120)
    b.metrics = [
        ImpactMetric("failed  checkouts", 50, "Requests"),  # the same metric as A's
        ImpactMetric("Support tickets", 7),
    ]
    b.actions = [
        action("b1", ActionStatus.DONE, done_at=at(2026, 4, 5, 12, 0, zone=PACIFIC)),  # 5 days
        action("b2", ActionStatus.IN_PROGRESS, due=date(2026, 4, 1), owner="platform team"),
        action("b3"),  # no due date: owed
    ]
    # C: a near miss with no trigger, placed by its first event on 15 Feb.
    c = Postmortem(
        "C",
        kind=PostmortemKind.NEAR_MISS,
        timeline=[TimelineEvent(at(2026, 2, 15, 9, 0), EventKind.EVENT, "noticed")],
        actions=[action("c1", ActionStatus.DONE)],  # done, but its history does not say when
    )
    # D: 20 Dec 2025, the quarter before: detected after 30 min, resolved after 90.
    d = incident("D", at(2025, 12, 20, 8, 0), 30, 90)
    d.actions = [action("d1", due=date(2026, 1, 5))]  # nobody owns it; 95 days late
    # E: 2 April, the quarter after; its action is late all the same.
    e = incident("E", at(2026, 4, 2, 8, 0), 10, 30)
    e.actions = [action("e1", due=date(2026, 4, 5), owner="Dana")]  # 5 days late
    # F: no timeline, so no day: in no period.
    f = Postmortem("F", actions=[action("f1", due=date(2026, 1, 1), owner="Dana")])
    return [a, b, c, d, e, f]


def test_the_first_quarter_counted_by_hand() -> None:
    result = review(library(), parse_period("2026-Q1", "2026-Q1"), TODAY)
    assert [pm.title for pm in result.postmortems] == ["A", "C", "B"]
    assert result.previous == Period(date(2025, 10, 1), date(2025, 12, 31))
    # A and B are incidents, C a near miss; medians of (20, 40) and (60, 120) minutes
    assert (result.now.incidents, result.now.near_misses) == (2, 1)
    assert result.now.detect == timedelta(minutes=30)
    assert result.now.resolve == timedelta(minutes=90)
    # the quarter before holds D alone
    assert (result.before.incidents, result.before.near_misses) == (1, 0)
    assert (result.before.detect, result.before.resolve) == (
        timedelta(minutes=30),
        timedelta(minutes=90),
    )


def test_impact_adds_the_same_metric_across_postmortems() -> None:
    result = review(library(), parse_period("2026-Q1", "2026-Q1"), TODAY)
    totals = [(t.name, t.unit, t.total, t.postmortems) for t in result.impact]
    assert totals == [
        ("Failed checkouts", "requests", 150.0, 2),
        ("Support tickets", None, 7.0, 1),
    ]


def test_actions_agreed_done_dropped_overdue_and_the_follow_through_rate() -> None:
    counts = review(library(), parse_period("2026-Q1", "2026-Q1"), TODAY).actions
    # A's four, B's three and C's one; done a1 b1 c1, dropped a2, overdue a3 b2, owed a4 b3
    assert (counts.agreed, counts.done, counts.dropped, counts.overdue, counts.owed) == (
        8,
        3,
        1,
        2,
        2,
    )
    assert counts.follow_through == 3 / 6
    assert counts.days_to_done == 7.5  # a1 after 10 days, b1 after 5; c1 does not say


def test_overdue_actions_by_owner_across_the_whole_library() -> None:
    groups = review(library(), parse_period("2026-Q1", "2026-Q1"), TODAY).overdue_by_owner
    said = [(g.owner, [(a.action.ref, a.days_late) for a in g.actions]) for g in groups]
    # two each for Dana and the Platform team: Dana's longest wait (99 days) is the longer
    assert said == [
        ("Dana", [("f1", 99), ("e1", 5)]),
        ("Platform team", [("a3", 40), ("b2", 9)]),
        (NO_OWNER, [("d1", 95)]),
    ]


def test_a_period_with_nothing_in_it_says_so_in_numbers() -> None:
    result = review(library(), parse_period("2027-Q1", "2027-Q1"), TODAY)
    assert result.postmortems == ()
    assert (result.now.incidents, result.now.detect, result.actions.agreed) == (0, None, 0)
    assert result.actions.follow_through is None
    assert result.impact == ()


def test_a_postmortem_belongs_to_its_first_trigger_then_its_first_event() -> None:
    a, b, c, *_, f = library()
    assert started_on(a) == date(2026, 1, 10)
    assert started_on(b) == date(2026, 3, 31)
    assert started_on(c) == date(2026, 2, 15)
    assert started_on(f) is None


def test_a_recurrence_came_back_after_an_action_was_dropped_or_left_late() -> None:
    pms = library()
    a, b, c, d, *_ = pms
    # B recurs D: D's one action (due 5 Jan) was still open when B started on 31 March.
    # A recurs C: C's one action is done, so A's failure did not come back after it.
    result = review(
        pms, parse_period("2026-Q1", "2026-Q1"), TODAY, links=[(b.id, d.id), (a.id, c.id)]
    )
    said = [
        (r.later.title, r.earlier.title, [x.ref for x in r.came_back_after])
        for r in result.recurrences
    ]
    assert said == [("A", "C", []), ("B", "D", ["d1"])]
    assert [r.came_back for r in result.recurrences] == [False, True]


def test_an_action_done_after_the_failure_returned_was_late_when_it_did() -> None:
    earlier = incident("earlier", at(2026, 1, 5, 9, 0), 5, 10)
    earlier.actions = [
        action("x1", ActionStatus.DONE, due=date(2026, 1, 20), done_at=at(2026, 3, 1, 9, 0)),
        action("x2", ActionStatus.DONE, due=date(2026, 1, 20), done_at=at(2026, 1, 19, 9, 0)),
    ]
    later = incident("later", at(2026, 2, 10, 9, 0), 5, 10)  # x1 late then, x2 done in time
    result = review(
        [earlier, later], parse_period("2026-02", "2026-02"), TODAY, links=[(later.id, earlier.id)]
    )
    assert [x.ref for x in result.recurrences[0].came_back_after] == ["x1"]


def test_themes_count_systemic_causes_and_the_actions_on_them() -> None:
    pms = library()
    a, b, *_ = pms
    a.causes = [
        Cause(
            "c1", "Checkout failed", systemic=False, themes=["Change management"]
        ),  # not systemic
        Cause("c2", "No canary stage", systemic=True, themes=["Change management"]),
        Cause(
            "c3",
            "No config schema",
            systemic=True,
            themes=["validation and testing", "Change  Management"],
        ),
    ]
    a.actions[0].cause_id = a.causes[1].id  # a1, done: on c2
    a.actions[1].cause_id = a.causes[2].id  # a2, dropped: on c3
    b.causes = [
        Cause(
            "c1", "The alert window is 15 minutes", systemic=True, themes=["Detection and alerting"]
        )
    ]
    b.actions[1].cause_id = b.causes[0].id  # b2, overdue: on the alert
    result = review(
        pms,
        parse_period("2026-Q1", "2026-Q1"),
        TODAY,
        theme_names=["Change management", "Validation and testing", "Detection and alerting"],
    )
    said = [
        (
            f.theme,
            [c.ref for _, c in f.causes],
            f.postmortems,
            f.actions.agreed,
            f.actions.follow_through,
        )
        for f in result.themes
    ]
    # change management: c2 and c3 of A (c1 is not systemic), with a1 done and a2 dropped
    assert said == [
        ("Change management", ["c2", "c3"], 1, 2, 0.5),
        ("Detection and alerting", ["c1"], 1, 1, 0.0),
        ("Validation and testing", ["c3"], 1, 1, 0.0),
    ]
