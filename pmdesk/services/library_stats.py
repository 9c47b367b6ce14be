"""The whole library in numbers, for the overview's charts: what happened per month, how severe,
how fast it was detected and resolved, and what follow-up work is still owed.

A postmortem belongs to the month it started in: its first trigger, else its first timeline event
(a near miss may have no trigger), else the day it was created; a month is read in the UTC offset
the time was written with. Time to detect and time to resolve are measured as
`pmdesk.domain.moments` measures them (from the first trigger to the first detection or
resolution, never negative: moments out of order are left out), for incidents only, since a near
miss's "resolution" is not an outage ending.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pmdesk.domain.model import PostmortemKind, Severity
from pmdesk.storage import stats as storage_stats
from pmdesk.storage.library import Library
from pmdesk.storage.stats import PostmortemMoments

# The month charts show at least a year, so that a young library still reads as a timeline, and
# at most two years, so that 24 bars stay wide enough to read on a projector.
MIN_MONTHS_SHOWN = 12
MAX_MONTHS_SHOWN = 24
MAX_OVERDUE_BARS = 12


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: date  # the first day of the month
    incidents: int
    near_misses: int

    @property
    def total(self) -> int:
        return self.incidents + self.near_misses


@dataclass(frozen=True, slots=True)
class MonthDurations:
    """Medians over the incidents that started in `month` and have that moment in order."""

    month: date
    detect: timedelta | None
    resolve: timedelta | None
    detect_count: int
    resolve_count: int


@dataclass(frozen=True, slots=True)
class SeverityCount:
    severity: Severity | None  # None: not set
    count: int

    @property
    def label(self) -> str:
        return self.severity.value if self.severity is not None else "Not set"


@dataclass(frozen=True, slots=True)
class MonthTotal:
    month: date | None  # None: every month before the ones shown
    count: int


@dataclass(frozen=True, slots=True)
class LibraryStats:
    today: date
    incidents: int
    near_misses: int
    by_month: tuple[MonthCount, ...]  # only months holding a postmortem, oldest first
    by_severity: tuple[SeverityCount, ...]  # incidents: SEV1 to SEV5, then not set; all six
    durations: tuple[MonthDurations, ...]  # only months with a measured incident, oldest first
    median_detect: timedelta | None  # over every measured incident
    median_resolve: timedelta | None
    open_actions: int  # open or in progress
    overdue_actions: int  # open or in progress, due before today
    overdue_by_due_month: tuple[MonthTotal, ...]  # months some overdue action was due, oldest first

    @property
    def is_empty(self) -> bool:
        return self.incidents + self.near_misses == 0

    def months_shown(self) -> tuple[date, ...]:
        """The consecutive months the month charts show: 12 to 24 of them, ending with this
        month (or with the latest month that has data, if all of it is older than two years).
        """
        end = month_of(self.today)
        if self.by_month:
            latest = self.by_month[-1].month
            if latest > end or latest < add_months(end, 1 - MAX_MONTHS_SHOWN):
                end = latest
            earliest = max(self.by_month[0].month, add_months(end, 1 - MAX_MONTHS_SHOWN))
        else:
            earliest = end
        start = min(earliest, add_months(end, 1 - MIN_MONTHS_SHOWN))
        return tuple(month_range(start, end))

    def counts_shown(self) -> tuple[MonthCount, ...]:
        """One count per month shown, zero where nothing happened."""
        found = {c.month: c for c in self.by_month}
        return tuple(found.get(m, MonthCount(m, 0, 0)) for m in self.months_shown())

    def durations_shown(self) -> tuple[MonthDurations, ...]:
        found = {d.month: d for d in self.durations}
        return tuple(found.get(m, MonthDurations(m, None, None, 0, 0)) for m in self.months_shown())

    def earlier_than_shown(self) -> int:
        """How many postmortems started before the first month shown."""
        first = self.months_shown()[0]
        return sum(c.total for c in self.by_month if c.month < first)

    def overdue_shown(self) -> tuple[MonthTotal, ...]:
        """The overdue actions per due month, every month from the oldest to this one; past 12
        months the oldest are added up in one first bar whose month is None.
        """
        if not self.overdue_by_due_month:
            return ()
        counts = {t.month: t.count for t in self.overdue_by_due_month if t.month is not None}
        months = month_range(min(counts), max(month_of(self.today), *counts))
        if len(months) <= MAX_OVERDUE_BARS:
            return tuple(MonthTotal(m, counts.get(m, 0)) for m in months)
        kept = months[-(MAX_OVERDUE_BARS - 1) :]
        earlier = sum(n for m, n in counts.items() if m < kept[0])
        return (MonthTotal(None, earlier), *(MonthTotal(m, counts.get(m, 0)) for m in kept))


def library_stats(library: Library, today: date) -> LibraryStats:
    """The library's numbers as of `today` (which decides what is overdue), in one read."""
    with library.connect() as conn:
        moments = storage_stats.postmortem_moments(conn)
        due_dates = storage_stats.open_actions_by_due(conn)
    return compute_stats(moments, due_dates, today)


def compute_stats(
    moments: Iterable[PostmortemMoments],
    due_dates: Iterable[tuple[date | None, int]],
    today: date,
) -> LibraryStats:
    """The numbers from the rows `pmdesk.storage.stats` reads."""
    kinds: Counter[tuple[date, PostmortemKind]] = Counter()
    severities: Counter[Severity | None] = Counter()
    detect: defaultdict[date, list[float]] = defaultdict(list)
    resolve: defaultdict[date, list[float]] = defaultdict(list)
    for pm in moments:
        kinds[(month_of(_anchor(pm)), pm.kind)] += 1
        if pm.kind is not PostmortemKind.INCIDENT:
            continue
        severities[pm.severity] += 1
        if pm.started is None:
            continue
        month = month_of(pm.started)
        for end, spans in ((pm.detected, detect), (pm.resolved, resolve)):
            if end is not None and end >= pm.started:
                spans[month].append((end - pm.started).total_seconds())

    months = sorted({month for month, _ in kinds})
    by_month = tuple(
        MonthCount(m, kinds[(m, PostmortemKind.INCIDENT)], kinds[(m, PostmortemKind.NEAR_MISS)])
        for m in months
    )
    durations = tuple(
        MonthDurations(
            m,
            _median(detect.get(m, [])),
            _median(resolve.get(m, [])),
            len(detect.get(m, [])),
            len(resolve.get(m, [])),
        )
        for m in sorted(detect.keys() | resolve.keys())
    )

    open_actions = overdue = 0
    overdue_months: Counter[date] = Counter()
    for due, count in due_dates:
        open_actions += count
        if due is not None and due < today:
            overdue += count
            overdue_months[month_of(due)] += count

    return LibraryStats(
        today=today,
        incidents=sum(n for (_, kind), n in kinds.items() if kind is PostmortemKind.INCIDENT),
        near_misses=sum(n for (_, kind), n in kinds.items() if kind is PostmortemKind.NEAR_MISS),
        by_month=by_month,
        by_severity=tuple(SeverityCount(s, severities[s]) for s in [*Severity, None]),
        durations=durations,
        median_detect=_median([s for spans in detect.values() for s in spans]),
        median_resolve=_median([s for spans in resolve.values() for s in spans]),
        open_actions=open_actions,
        overdue_actions=overdue,
        overdue_by_due_month=tuple(MonthTotal(m, n) for m, n in sorted(overdue_months.items())),
    )


def _anchor(pm: PostmortemMoments) -> datetime:
    anchor = pm.started or pm.first_event or pm.created
    assert anchor is not None  # storage reads the creation time whenever there is no event
    return anchor


def _median(seconds: list[float]) -> timedelta | None:
    return timedelta(seconds=statistics.median(seconds)) if seconds else None


def month_of(day: date) -> date:
    """The first day of the month `day` (a date or a datetime, read as written) falls in."""
    return date(day.year, day.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included."""
    months: list[date] = []
    month = month_of(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months
