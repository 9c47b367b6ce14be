"""The library in numbers: counts per month and severity, median times, open and overdue actions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import event

from pmdesk.domain.model import (
    ActionItem,
    ActionStatus,
    EventKind,
    Postmortem,
    PostmortemKind,
    Severity,
    TimelineEvent,
)
from pmdesk.services.library_stats import (
    LibraryStats,
    MonthCount,
    MonthDurations,
    MonthTotal,
    SeverityCount,
    compute_stats,
    library_stats,
    month_of,
)
from pmdesk.storage import repository
from pmdesk.storage.library import Library
from pmdesk.storage.stats import PostmortemMoments

TODAY = date(2025, 3, 15)
NEW_YORK_WINTER = timezone(timedelta(hours=-5))
PARIS_WINTER = timezone(timedelta(hours=1))


def at(year: int, month: int, day: int, hour: int, minute: int, tz: timezone = UTC) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def incident(
    severity: Severity | None,
    trigger: datetime | None,
    detection: datetime | None = None,
    resolution: datetime | None = None,
    actions: list[ActionItem] | None = None,
) -> Postmortem:
    timeline = [
        TimelineEvent(moment, kind, kind.value)
        for moment, kind in (
            (trigger, EventKind.TRIGGER),
            (detection, EventKind.DETECTION),
            (resolution, EventKind.RESOLUTION),
        )
        if moment is not None
    ]
    if trigger is not None:  # an ordinary event first: the start is the trigger, not this
        timeline.append(TimelineEvent(trigger - timedelta(hours=1), EventKind.EVENT, "deploy"))
    postmortem = Postmortem(
        title="Incident", severity=severity, timeline=timeline, actions=actions or []
    )
    postmortem.sort_timeline()
    return postmortem


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def action(ref: str, status: ActionStatus, due: date | None) -> ActionItem:
    return ActionItem(ref=ref, title=f"Action {ref}", status=status, due=due)


def store(library: Library, *postmortems: Postmortem) -> None:
    with library.transaction() as conn:
        for postmortem in postmortems:
            repository.insert_postmortem(conn, postmortem)


def small_library() -> list[Postmortem]:
    return [
        # December: detected the minute it started.
        incident(
            Severity.SEV4,
            at(2024, 12, 5, 9, 0),
            detection=at(2024, 12, 5, 9, 0),
            resolution=at(2024, 12, 5, 9, 45),
        ),
        # January: detected after 5, 15 and 20 minutes; resolved after 60 and 120.
        incident(
            Severity.SEV1,
            at(2025, 1, 10, 10, 0),
            detection=at(2025, 1, 10, 10, 5),
            resolution=at(2025, 1, 10, 11, 0),
            actions=[
                action("a1", ActionStatus.OPEN, date(2025, 3, 14)),  # overdue since yesterday
                action("a2", ActionStatus.IN_PROGRESS, date(2025, 2, 1)),  # overdue
                action("a3", ActionStatus.DONE, date(2025, 1, 1)),  # done: not owed
                action("a4", ActionStatus.OPEN, TODAY),  # due today: not yet overdue
                action("a5", ActionStatus.OPEN, None),  # open, no date
                action("a6", ActionStatus.DROPPED, date(2024, 12, 1)),  # dropped: not owed
            ],
        ),
        incident(
            Severity.SEV2,
            at(2025, 1, 20, 8, 0),
            detection=at(2025, 1, 20, 8, 15),
            resolution=at(2025, 1, 20, 10, 0),
        ),
        # 23:30 on 31 January in New York is 1 February in UTC: it belongs to January.
        incident(
            None,
            at(2025, 1, 31, 23, 30, NEW_YORK_WINTER),
            detection=at(2025, 1, 31, 23, 50, NEW_YORK_WINTER),
        ),
        # February: the detection is written before the trigger, so only the resolution counts.
        incident(
            Severity.SEV2,
            at(2025, 2, 3, 12, 0, PARIS_WINTER),
            detection=at(2025, 2, 3, 11, 50, PARIS_WINTER),
            resolution=at(2025, 2, 3, 14, 0, PARIS_WINTER),
            actions=[
                action("b1", ActionStatus.OPEN, date(2025, 2, 20)),  # overdue
                action("b2", ActionStatus.IN_PROGRESS, date(2025, 4, 1)),  # not yet due
            ],
        ),
        # A near miss with no trigger: its month is its first event's.
        Postmortem(
            title="Near miss",
            kind=PostmortemKind.NEAR_MISS,
            timeline=[TimelineEvent(at(2025, 2, 14, 9, 0), EventKind.DETECTION, "caught")],
        ),
    ]


def test_counts_medians_and_actions_of_a_small_library(library: Library) -> None:
    store(library, *small_library())

    stats = library_stats(library, TODAY)

    assert (stats.incidents, stats.near_misses) == (5, 1)
    assert stats.by_month == (
        MonthCount(date(2024, 12, 1), incidents=1, near_misses=0),
        MonthCount(date(2025, 1, 1), incidents=3, near_misses=0),
        MonthCount(date(2025, 2, 1), incidents=1, near_misses=1),
    )
    assert stats.by_severity == (
        SeverityCount(Severity.SEV1, 1),
        SeverityCount(Severity.SEV2, 2),
        SeverityCount(Severity.SEV3, 0),
        SeverityCount(Severity.SEV4, 1),
        SeverityCount(Severity.SEV5, 0),
        SeverityCount(None, 1),
    )
    assert stats.durations == (
        MonthDurations(date(2024, 12, 1), minutes(0), minutes(45), 1, 1),
        MonthDurations(date(2025, 1, 1), minutes(15), minutes(90), 3, 2),
        MonthDurations(date(2025, 2, 1), None, minutes(120), 0, 1),
    )
    # Over all incidents: detect 0, 5, 15, 20; resolve 45, 60, 120, 120.
    assert stats.median_detect == minutes(10)
    assert stats.median_resolve == minutes(90)
    assert (stats.open_actions, stats.overdue_actions) == (6, 3)
    assert stats.overdue_by_due_month == (
        MonthTotal(date(2025, 2, 1), 2),
        MonthTotal(date(2025, 3, 1), 1),
    )


def test_what_the_month_charts_show_for_a_small_library(library: Library) -> None:
    store(library, *small_library())

    stats = library_stats(library, TODAY)

    # A year at least, ending with this month; months without postmortems count zero.
    months = stats.months_shown()
    assert months[0] == date(2024, 4, 1) and months[-1] == date(2025, 3, 1) and len(months) == 12
    counts = stats.counts_shown()
    assert [c.month for c in counts] == list(months)
    assert [(c.incidents, c.near_misses) for c in counts[-4:]] == [(1, 0), (3, 0), (1, 1), (0, 0)]
    assert sum(c.total for c in counts) == 6 and stats.earlier_than_shown() == 0
    shown = stats.durations_shown()
    assert [d.resolve for d in shown[-4:]] == [
        timedelta(minutes=45),
        timedelta(minutes=90),
        timedelta(minutes=120),
        None,
    ]
    assert stats.overdue_shown() == (
        MonthTotal(date(2025, 2, 1), 2),
        MonthTotal(date(2025, 3, 1), 1),
    )


def test_overdue_moves_with_today(library: Library) -> None:
    store(library, *small_library())

    assert library_stats(library, date(2025, 3, 16)).overdue_actions == 4  # a4 is now overdue
    assert library_stats(library, date(2025, 2, 2)).overdue_actions == 1  # only a2 was
    assert library_stats(library, date(2025, 1, 1)).overdue_actions == 0
    assert library_stats(library, date(2025, 1, 1)).open_actions == 6


def test_a_postmortem_without_any_event_counts_in_the_month_it_was_created(
    library: Library,
) -> None:
    store(library, Postmortem(title="Just a title", kind=PostmortemKind.NEAR_MISS))

    stats = library_stats(library, TODAY)

    (only,) = stats.by_month
    assert only.month == month_of(datetime.now(UTC)) and only.near_misses == 1
    assert stats.durations == () and stats.by_severity[-1] == SeverityCount(None, 0)


def test_an_empty_library(library: Library) -> None:
    stats = library_stats(library, TODAY)

    assert stats.is_empty
    assert (stats.incidents, stats.near_misses, stats.open_actions) == (0, 0, 0)
    assert len(stats.months_shown()) == 12 and stats.months_shown()[-1] == date(2025, 3, 1)
    assert all(c.total == 0 for c in stats.counts_shown())
    assert stats.median_detect is None and stats.overdue_shown() == ()


@contextmanager
def counted_queries(library: Library) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(library.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(library.engine, "before_cursor_execute", count)


def test_the_same_few_queries_however_many_postmortems(library: Library) -> None:
    store(library, *small_library())
    with counted_queries(library) as few:
        library_stats(library, TODAY)
    store(library, *[p for _ in range(20) for p in small_library()])
    with counted_queries(library) as many:
        assert library_stats(library, TODAY).incidents == 5 * 21

    assert len(many) == len(few) <= 3


def moments(started: datetime | None, kind: PostmortemKind) -> PostmortemMoments:
    return PostmortemMoments(kind, None, started, started, None, None, None)


def test_two_years_at_most_ending_with_this_month() -> None:
    rows = [
        moments(at(2022, 1, 1, 0, 0) + timedelta(days=30 * i), PostmortemKind.INCIDENT)
        for i in range(40)
    ]
    stats = compute_stats(rows, [], TODAY)

    months = stats.months_shown()
    assert len(months) == 24 and months[0] == date(2023, 4, 1) and months[-1] == date(2025, 3, 1)
    assert stats.earlier_than_shown() == sum(
        c.total for c in stats.by_month if c.month < date(2023, 4, 1)
    )
    assert stats.earlier_than_shown() + sum(c.total for c in stats.counts_shown()) == 40


def test_an_old_library_shows_its_own_last_two_years() -> None:
    rows = [moments(at(2020, m, 1, 12, 0), PostmortemKind.NEAR_MISS) for m in (1, 6)]
    stats = compute_stats(rows, [], TODAY)

    months = stats.months_shown()
    assert (months[0], months[-1], len(months)) == (date(2019, 7, 1), date(2020, 6, 1), 12)
    assert sum(c.near_misses for c in stats.counts_shown()) == 2


def test_overdue_bars_put_everything_older_than_a_year_in_one_bar() -> None:
    due = [(date(2023, 5, 2), 4), (date(2024, 3, 31), 1), (date(2024, 4, 1), 2), (None, 7)]
    stats = compute_stats([], [*due, (date(2025, 3, 14), 3), (date(2025, 3, 15), 9)], TODAY)

    bars = stats.overdue_shown()
    assert len(bars) == 12
    assert bars[0] == MonthTotal(None, 7)  # May 2023, March and April 2024
    assert bars[1] == MonthTotal(date(2024, 5, 1), 0)
    assert bars[-1] == MonthTotal(date(2025, 3, 1), 3)
    assert bars[-11:] == tuple(b for b in bars if b.month is not None)
    assert (stats.overdue_actions, stats.open_actions) == (10, 26)
    assert isinstance(stats, LibraryStats) and stats.is_empty
