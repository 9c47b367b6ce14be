"""The numbers of a learning review: what a period of postmortems says about the system, and
about the follow-through on what was agreed.

An engineering leader brings three questions to a quarterly review: how much went wrong (incidents
and near misses, their impact, how fast they were detected and resolved, against the period
before); which conditions keep causing it (themes on systemic causes); and whether what was agreed
was done (actions agreed, done, dropped and overdue, and the follow-through rate). This module
answers them from postmortems alone, so the same numbers feed the report and any view.

Rules, so that the numbers can be checked by hand:
- A postmortem belongs to the day it started (`pmdesk.domain.periods.local_day` of its first
  trigger, else of its first timeline event); one with no timeline belongs to no period.
- Time to detect and to resolve are `pmdesk.domain.moments`' own, for incidents only, as medians.
- Impact totals add metrics of the same name (case and spacing aside) and unit.
- The actions of a period are those of its postmortems. An action is overdue when it is open or in
  progress and its due day is before `today`. The follow-through rate is the share of done among
  the actions that were settled or are late: done / (done + dropped + overdue). Open actions not
  yet due are owed, not failed, and count in none of the three.
- Days to done run from the day the postmortem started to the day its action was last marked done.
- A theme counts the systemic causes of the period's postmortems that carry it (names compared as
  `pmdesk.domain.themes.theme_key` compares them), and the actions that address those causes.
- A recurrence of the period is a link from one of its postmortems to an earlier one. It "came
  back" after an action when the earlier postmortem had one dropped, or still owed past its due
  day when the failure returned (not done by then, by its history).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pmdesk.domain.kinds import ActionStatus, PostmortemKind
from pmdesk.domain.model import ActionField, ActionItem, Cause, Postmortem
from pmdesk.domain.moments import key_moments
from pmdesk.domain.periods import Period, local_day
from pmdesk.domain.themes import theme_key

NO_OWNER = "no owner"


@dataclass(frozen=True, slots=True)
class Counts:
    """How many postmortems a period holds, and how fast its incidents were handled."""

    incidents: int
    near_misses: int
    detect: timedelta | None  # median time to detect of its incidents
    resolve: timedelta | None  # median time to resolve
    detect_count: int  # the incidents with both moments in order
    resolve_count: int


@dataclass(frozen=True, slots=True)
class ImpactTotal:
    name: str  # as first written
    unit: str | None
    total: float
    postmortems: int


@dataclass(frozen=True, slots=True)
class ActionCounts:
    agreed: int
    done: int
    dropped: int
    overdue: int
    owed: int  # open or in progress, not yet due
    days_to_done: float | None  # median

    @property
    def follow_through(self) -> float | None:
        """done / (done + dropped + overdue); None when nothing is settled or late."""
        judged = self.done + self.dropped + self.overdue
        return self.done / judged if judged else None


@dataclass(frozen=True, slots=True)
class OwedAction:
    postmortem_id: str
    postmortem_title: str
    action: ActionItem
    days_late: int


@dataclass(frozen=True, slots=True)
class OwnerOverdue:
    owner: str  # NO_OWNER for an action nobody owns
    actions: tuple[OwedAction, ...]  # the longest late first


@dataclass(frozen=True, slots=True)
class ThemeFinding:
    """One theme in a period: the systemic causes that carry it and the actions on them."""

    theme: str  # as the library names it, else as first written on a cause
    causes: tuple[tuple[Postmortem, Cause], ...]  # in the order of the period's postmortems
    actions: ActionCounts

    @property
    def postmortems(self) -> int:
        return len({pm.id for pm, _ in self.causes})


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A postmortem of the period that is a recurrence of an earlier one."""

    later: Postmortem
    earlier: Postmortem
    came_back_after: tuple[ActionItem, ...]  # the earlier one's dropped or late actions

    @property
    def came_back(self) -> bool:
        return bool(self.came_back_after)


@dataclass(frozen=True, slots=True)
class Review:
    period: Period
    previous: Period
    postmortems: tuple[Postmortem, ...]  # of the period, oldest first
    now: Counts
    before: Counts
    impact: tuple[ImpactTotal, ...]  # most postmortems first
    actions: ActionCounts
    overdue_by_owner: tuple[OwnerOverdue, ...]  # across the whole library, most owed first
    recurrences: tuple[Recurrence, ...] = ()  # of the period's postmortems, oldest first
    themes: tuple[ThemeFinding, ...] = ()  # the most causes first


def started_on(postmortem: Postmortem) -> date | None:
    """The day a postmortem belongs to: its first trigger's, else its first event's."""
    moments = key_moments(postmortem.timeline)
    if moments.started_at is not None:
        return local_day(moments.started_at)
    if postmortem.timeline:
        return local_day(min(event.at for event in postmortem.timeline))
    return None


def review(
    postmortems: Iterable[Postmortem],
    period: Period,
    today: date,
    links: Iterable[tuple[str, str]] = (),
    theme_names: Sequence[str] = (),
) -> Review:
    """The review of `period` over a library's postmortems, as of `today`; `links` are the
    library's recurrence links as (postmortem id, id of the earlier one it recurs), and
    `theme_names` the library's themes, whose spelling a finding takes."""
    every = list(postmortems)
    dated = [(day, pm) for pm in every if (day := started_on(pm)) is not None]
    dated.sort(key=lambda pair: pair[0])
    previous = period.previous()
    inside = [(day, pm) for day, pm in dated if day in period]
    before = [pm for day, pm in dated if day in previous]
    return Review(
        period=period,
        previous=previous,
        postmortems=tuple(pm for _, pm in inside),
        now=counts(pm for _, pm in inside),
        before=counts(before),
        impact=impact_totals(pm for _, pm in inside),
        actions=action_counts(inside, today),
        overdue_by_owner=overdue_by_owner(every, today),
        recurrences=recurrences(inside, {pm.id: pm for pm in every}, links),
        themes=theme_findings(inside, today, theme_names),
    )


def theme_findings(
    inside: Sequence[tuple[date, Postmortem]], today: date, theme_names: Sequence[str] = ()
) -> tuple[ThemeFinding, ...]:
    names = {theme_key(name): name for name in theme_names}
    causes: dict[str, list[tuple[Postmortem, Cause]]] = defaultdict(list)
    actions: dict[str, list[tuple[date, Postmortem, ActionItem]]] = defaultdict(list)
    for day, pm in inside:
        for cause in pm.causes:
            if not cause.systemic:
                continue
            for theme in dict.fromkeys(theme_key(name) for name in cause.themes):
                names.setdefault(theme, next(n for n in cause.themes if theme_key(n) == theme))
                causes[theme].append((pm, cause))
                actions[theme] += [(day, pm, a) for a in pm.actions if a.cause_id == cause.id]
    found = [
        ThemeFinding(names[key], tuple(found), _tally(actions[key], today))
        for key, found in causes.items()
    ]
    found.sort(key=lambda f: (-len(f.causes), -f.postmortems, f.theme.casefold()))
    return tuple(found)


def recurrences(
    inside: Sequence[tuple[date, Postmortem]],
    library: dict[str, Postmortem],
    links: Iterable[tuple[str, str]],
) -> tuple[Recurrence, ...]:
    earlier_of: dict[str, list[str]] = defaultdict(list)
    for later_id, earlier_id in links:
        earlier_of[later_id].append(earlier_id)
    found = []
    for day, later in inside:
        for earlier_id in earlier_of.get(later.id, []):
            earlier = library.get(earlier_id)
            if earlier is not None:
                unkept = tuple(a for a in earlier.actions if _unkept_by(a, day))
                found.append(Recurrence(later, earlier, unkept))
    return tuple(found)


def _unkept_by(action: ActionItem, day: date) -> bool:
    return unkept_on(action.status, action.due, done_on(action), day)


def unkept_on(status: ActionStatus, due: date | None, finished: date | None, day: date) -> bool:
    """Whether an action was dropped, or owed past its due day, on `day` (`finished`: the day it
    was last marked done, if it is done and its history says when)."""
    if status is ActionStatus.DROPPED:
        return True
    if due is None or due >= day:
        return False
    if status is ActionStatus.DONE:
        return finished is not None and finished > day
    return True


def counts(postmortems: Iterable[Postmortem]) -> Counts:
    incidents = near_misses = 0
    detect: list[timedelta] = []
    resolve: list[timedelta] = []
    for pm in postmortems:
        if pm.kind is PostmortemKind.NEAR_MISS:
            near_misses += 1
            continue
        incidents += 1
        moments = key_moments(pm.timeline)
        if moments.time_to_detect is not None:
            detect.append(moments.time_to_detect)
        if moments.time_to_resolve is not None:
            resolve.append(moments.time_to_resolve)
    return Counts(
        incidents, near_misses, _median(detect), _median(resolve), len(detect), len(resolve)
    )


def impact_totals(postmortems: Iterable[Postmortem]) -> tuple[ImpactTotal, ...]:
    totals: dict[tuple[str, str], list[float]] = {}
    names: dict[tuple[str, str], tuple[str, str | None]] = {}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pm in postmortems:
        for metric in pm.metrics:
            key = (_key(metric.name), _key(metric.unit or ""))
            names.setdefault(key, (" ".join(metric.name.split()), metric.unit))
            totals.setdefault(key, []).append(float(metric.value))
            seen[key].add(pm.id)
    found = [
        ImpactTotal(names[key][0], names[key][1], sum(values), len(seen[key]))
        for key, values in totals.items()
    ]
    found.sort(key=lambda total: (-total.postmortems, total.name.casefold()))
    return tuple(found)


def action_counts(dated: Sequence[tuple[date, Postmortem]], today: date) -> ActionCounts:
    return _tally([(day, pm, action) for day, pm in dated for action in pm.actions], today)


def _tally(actions: Iterable[tuple[date, Postmortem, ActionItem]], today: date) -> ActionCounts:
    return tally(((day, a.status, a.due, done_on(a)) for day, _, a in actions), today)


class ActionState(StrEnum):
    """Where an action stands on a day, for counting: settled, late, or still owed in time."""

    DONE = "done"
    DROPPED = "dropped"
    OVERDUE = "overdue"
    OWED = "owed"  # open or in progress, not yet due (or with no due day)


def action_state(status: ActionStatus, due: date | None, today: date) -> ActionState:
    if status is ActionStatus.DONE:
        return ActionState.DONE
    if status is ActionStatus.DROPPED:
        return ActionState.DROPPED
    if due is not None and due < today:
        return ActionState.OVERDUE
    return ActionState.OWED


def tally(
    actions: Iterable[tuple[date | None, ActionStatus, date | None, date | None]], today: date
) -> ActionCounts:
    """The counts of actions given as (day their postmortem started, status, due day, day last
    marked done), as of `today`; one whose postmortem has no day counts, but gives no days to
    done."""
    states: Counter[ActionState] = Counter()
    days: list[float] = []
    for started, status, due, finished in actions:
        state = action_state(status, due, today)
        states[state] += 1
        if state is ActionState.DONE and started and finished and finished >= started:
            days.append((finished - started).days)
    return ActionCounts(
        agreed=states.total(),
        done=states[ActionState.DONE],
        dropped=states[ActionState.DROPPED],
        overdue=states[ActionState.OVERDUE],
        owed=states[ActionState.OWED],
        days_to_done=statistics.median(days) if days else None,
    )


def done_on(action: ActionItem) -> date | None:
    """The day an action was last marked done, from its history; None when it does not say."""
    marked = [
        change.at
        for change in action.history
        if change.field is ActionField.STATUS and change.new == ActionStatus.DONE.value
    ]
    return local_day(max(marked)) if marked else None


def overdue_by_owner(postmortems: Iterable[Postmortem], today: date) -> tuple[OwnerOverdue, ...]:
    """Every open or in-progress action past its due day, by owner: who owes the most first."""
    owed: dict[str, list[OwedAction]] = defaultdict(list)
    shown: dict[str, str] = {}
    for pm in postmortems:
        for action in pm.actions:
            if action.status.is_active and action.due is not None and action.due < today:
                owner = " ".join((action.owner or "").split()) or NO_OWNER
                shown.setdefault(_key(owner), owner)
                late = OwedAction(pm.id, pm.title, action, (today - action.due).days)
                owed[_key(owner)].append(late)
    found = [
        OwnerOverdue(shown[key], tuple(sorted(items, key=lambda a: -a.days_late)))
        for key, items in owed.items()
    ]
    # who owes the most first; among equals, who has kept someone waiting longest
    found.sort(key=lambda g: (-len(g.actions), -g.actions[0].days_late, g.owner.casefold()))
    return tuple(found)


def _median(spans: list[timedelta]) -> timedelta | None:
    if not spans:
        return None
    ordered = sorted(spans)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()
