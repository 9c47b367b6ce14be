"""Patterns across a whole library: which conditions of the system keep causing incidents, quarter
by quarter; how well the actions agreed on each of them were followed through; and which failures
came back after an action on them was dropped or left overdue.

The patterns view reads these from the library in one small batch of rows
(`pmdesk.storage.pattern_reads`), not from whole postmortems, so they are plain records. The rules
are the learning review's (`pmdesk.domain.learning`), applied to every quarter at once:

- A postmortem belongs to the day it started, read where its time was written; one with no
  timeline has no day and sits in no quarter (it still counts in a theme's totals).
- A theme counts the postmortems with a systemic cause that carries it; its actions are those that
  address such a cause. An action is done, dropped, overdue (open or in progress past its due day)
  or owed (not yet due). The completion rate is done / agreed, the drop rate dropped / agreed; days
  to done run from the day the postmortem started to the day the action was last marked done.
- A theme "came back" in a postmortem when, on the day that postmortem started, an action on the
  same theme from an earlier postmortem was dropped or owed past its due day (not done by then).
  A recurrence link "came back" when the earlier postmortem had such an action on the day the
  later one started.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pmdesk.domain.kinds import ActionStatus, PostmortemKind
from pmdesk.domain.learning import ActionCounts, ActionState, action_state, tally, unkept_on
from pmdesk.domain.periods import Quarter
from pmdesk.domain.themes import theme_key

# Quarters shown one by one; those before them add up in one "Earlier" column. Eight quarters are
# two years, as many columns as stay readable on a projector.
QUARTERS_SHOWN = 8
# How many of the actions a theme came back after are named; the rest are counted.
NAMED_AFTER = 3


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A postmortem, as far as the patterns need it."""

    id: str
    title: str
    kind: PostmortemKind
    day: date | None  # the day it started; None without a timeline
    quarter: Quarter | None = field(init=False, compare=False)  # the day's, worked out once

    def __post_init__(self) -> None:
        object.__setattr__(self, "quarter", Quarter.of(self.day) if self.day else None)


@dataclass(frozen=True, slots=True)
class ThemedCause:
    """A systemic cause with at least one theme."""

    id: str
    postmortem_id: str
    text: str
    themes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionRef:
    id: str
    postmortem_id: str
    cause_id: str | None
    title: str
    owner: str | None
    status: ActionStatus
    due: date | None
    done_on: date | None  # the day it was last marked done, from its history


@dataclass(frozen=True, slots=True)
class LibraryFacts:
    """What the patterns are computed from: a library, read in one batch."""

    postmortems: Sequence[CaseRef]
    causes: Sequence[ThemedCause]
    actions: Sequence[ActionRef]
    links: Sequence[tuple[str, str]] = ()  # (postmortem id, id of the earlier one it recurs)
    theme_names: Sequence[str] = ()  # the library's vocabulary, in its order


@dataclass(frozen=True, slots=True)
class CameBack:
    """A failure that came back: a theme in a later postmortem, or a recurrence link, while
    actions agreed after an earlier one were dropped or overdue."""

    later: CaseRef
    theme: str | None  # None: a recurrence link to `earlier`
    after: tuple[tuple[ActionRef, CaseRef], ...]  # the most recently unkept first, with their own
    unkept: int  # how many actions were unkept that day (`after` names at most NAMED_AFTER)
    earlier: CaseRef | None = None  # for a recurrence link

    @property
    def postmortem_ids(self) -> list[str]:
        ids = [self.later.id, *(case.id for _, case in self.after)]
        if self.earlier is not None:
            ids.append(self.earlier.id)
        return list(dict.fromkeys(ids))


@dataclass(frozen=True, slots=True)
class ThemePattern:
    """One theme across the library."""

    theme: str
    causes: tuple[ThemedCause, ...]  # in the order of their postmortems' days
    actions: tuple[ActionRef, ...]  # that address those causes
    counts: ActionCounts
    states: Mapping[str, ActionState]  # each action's, by id
    by_quarter: Mapping[Quarter, tuple[ThemedCause, ...]]
    came_back: tuple[CameBack, ...]  # oldest first

    @property
    def postmortem_ids(self) -> list[str]:
        return list(dict.fromkeys(cause.postmortem_id for cause in self.causes))

    def causes_in(self, quarters: Iterable[Quarter]) -> tuple[ThemedCause, ...]:
        return tuple(cause for q in quarters for cause in self.by_quarter.get(q, ()))

    def actions_in(self, *states: ActionState) -> tuple[ActionRef, ...]:
        return tuple(a for a in self.actions if self.states[a.id] in states)

    @property
    def completion(self) -> float | None:
        return self.counts.done / self.counts.agreed if self.counts.agreed else None

    @property
    def drop_rate(self) -> float | None:
        return self.counts.dropped / self.counts.agreed if self.counts.agreed else None


@dataclass(frozen=True, slots=True)
class Patterns:
    today: date
    quarters: tuple[Quarter, ...]  # the columns shown, oldest first
    earlier: tuple[Quarter, ...]  # quarters before those, with themed causes: one column
    themes: tuple[ThemePattern, ...]  # the most postmortems first
    came_back: tuple[CameBack, ...]  # themes and recurrence links, the newest first
    postmortems: Mapping[str, CaseRef] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.themes and not self.came_back


def patterns(facts: LibraryFacts, today: date) -> Patterns:
    """The library's patterns as of `today`."""
    cases = {case.id: case for case in facts.postmortems}
    names = {theme_key(name): name for name in facts.theme_names}
    by_theme: dict[str, list[ThemedCause]] = defaultdict(list)
    for cause in facts.causes:
        if cause.postmortem_id not in cases:
            continue
        for name in cause.themes:
            key = theme_key(name)
            names.setdefault(key, name)
            if not by_theme[key] or by_theme[key][-1] is not cause:
                by_theme[key].append(cause)
    actions_of: dict[str, list[ActionRef]] = defaultdict(list)
    for action in facts.actions:
        if action.cause_id is not None:
            actions_of[action.cause_id].append(action)

    def when(cause: ThemedCause) -> tuple[bool, date]:
        day = cases[cause.postmortem_id].day
        return (day is None, day or date.min)

    found = []
    for key, theme_causes in by_theme.items():
        theme_causes.sort(key=when)
        found.append(
            _theme_pattern(names[key], theme_causes, actions_of, cases, today),
        )
    found.sort(key=lambda t: (-len(t.postmortem_ids), -len(t.causes), t.theme.casefold()))

    # The columns end at this quarter (or a later one something is dated in) and go back at most
    # QUARTERS_SHOWN, never before the first quarter with a themed cause.
    quarters = sorted({q for t in found for q in t.by_quarter})
    shown: list[Quarter] = []
    if quarters:
        shown.append(max(quarters[-1], Quarter.of(today)))
        while len(shown) < QUARTERS_SHOWN and shown[-1] > quarters[0]:
            shown.append(shown[-1].previous())
        shown.reverse()
    earlier = tuple(q for q in quarters if shown and q < shown[0])

    came_back = [event for t in found for event in t.came_back]
    came_back += _links_came_back(facts, cases)
    came_back.sort(key=lambda event: event.later.day or date.min, reverse=True)
    return Patterns(today, tuple(shown), earlier, tuple(found), tuple(came_back), cases)


def _theme_pattern(
    theme: str,
    causes: list[ThemedCause],
    actions_of: Mapping[str, list[ActionRef]],
    cases: Mapping[str, CaseRef],
    today: date,
) -> ThemePattern:
    actions = [a for cause in causes for a in actions_of.get(cause.id, ())]
    by_quarter: dict[Quarter, list[ThemedCause]] = defaultdict(list)
    for cause in causes:
        quarter = cases[cause.postmortem_id].quarter
        if quarter is not None:
            by_quarter[quarter].append(cause)
    counts = tally(
        ((cases[a.postmortem_id].day, a.status, a.due, a.done_on) for a in actions), today
    )
    return ThemePattern(
        theme=theme,
        causes=tuple(causes),
        actions=tuple(actions),
        counts=counts,
        states={a.id: action_state(a.status, a.due, today) for a in actions},
        by_quarter={q: tuple(found) for q, found in by_quarter.items()},
        came_back=_theme_came_back(theme, causes, actions_of, cases),
    )


def _theme_came_back(
    theme: str,
    causes: Sequence[ThemedCause],
    actions_of: Mapping[str, list[ActionRef]],
    cases: Mapping[str, CaseRef],
) -> tuple[CameBack, ...]:
    """Each dated postmortem of the theme that started while an action on the theme from an
    earlier postmortem was unkept.

    One pass in day order. An action is unkept from the later of its postmortem's day and (unless
    it was dropped) its due day, until the day it was marked done, if ever: an interval of days.
    Intervals join as the days pass; the unending ones stay in a list, the ending ones in a heap
    that lets them go when their end has come. Each day asks only what is unkept then."""
    days: dict[str, date] = {}
    for cause in causes:
        day = cases[cause.postmortem_id].day
        if day is not None:
            days.setdefault(cause.postmortem_id, day)
    # (from, until or None, action): unkept on the days after `from` and before `until`
    spans: list[tuple[date, date | None, ActionRef]] = []
    for cause in causes:
        day = days.get(cause.postmortem_id)
        if day is None:
            continue
        for action in actions_of.get(cause.id, ()):
            span = _unkept_span(action, day)
            if span is not None:
                spans.append((*span, action))
    spans.sort(key=lambda span: span[0])

    forever: list[tuple[date, ActionRef]] = []  # in the order they became unkept
    ending: list[tuple[date, int, date, ActionRef]] = []  # a heap by the day they end
    found: list[CameBack] = []
    joined = 0
    for postmortem_id, day in sorted(days.items(), key=lambda item: item[1]):
        while joined < len(spans) and spans[joined][0] < day:
            begin, until, action = spans[joined]
            if until is None:
                forever.append((begin, action))
            else:
                heapq.heappush(ending, (until, joined, begin, action))
            joined += 1
        while ending and ending[0][0] <= day:
            heapq.heappop(ending)
        unkept = len(forever) + len(ending)
        if not unkept:
            continue
        candidates = [(begin, action) for _, _, begin, action in ending]
        candidates += forever[-NAMED_AFTER:]
        candidates.sort(key=lambda c: c[0], reverse=True)
        named = tuple((a, cases[a.postmortem_id]) for _, a in candidates[:NAMED_AFTER])
        found.append(CameBack(cases[postmortem_id], theme, named, unkept))
    return tuple(found)


def _unkept_span(action: ActionRef, started: date) -> tuple[date, date | None] | None:
    """The days on which an action of a postmortem that started on `started` was unkept, as
    (after this day, before that day or None for ever); None when it never was."""
    if action.status is ActionStatus.DROPPED:
        return started, None
    if action.due is None:
        return None
    begin = max(started, action.due)
    if action.status is ActionStatus.DONE:
        if action.done_on is None or action.done_on <= action.due:
            return None
        return begin, action.done_on
    return begin, None


def _links_came_back(facts: LibraryFacts, cases: Mapping[str, CaseRef]) -> list[CameBack]:
    actions_in: dict[str, list[ActionRef]] = defaultdict(list)
    for action in facts.actions:
        actions_in[action.postmortem_id].append(action)
    found = []
    for later_id, earlier_id in facts.links:
        later, earlier = cases.get(later_id), cases.get(earlier_id)
        if later is None or earlier is None or later.day is None:
            continue
        unkept = [
            a
            for a in actions_in.get(earlier_id, ())
            if unkept_on(a.status, a.due, a.done_on, later.day)
        ]
        if unkept:
            named = tuple((a, earlier) for a in unkept[:NAMED_AFTER])
            found.append(CameBack(later, None, named, len(unkept), earlier))
    return found
