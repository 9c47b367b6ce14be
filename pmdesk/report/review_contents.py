"""What a learning review report says, worked out once from a `Review`, for the PDF and the
Markdown writers, so they never disagree on a number or on what an audience may see.

For stakeholders no participant's name is printed: an owner reads as their role and every text
from a postmortem has the names in it replaced, each by that postmortem's own participants
(names.py). Overdue actions are the whole library's, so their postmortems are looked up in the
`library` the review was made from; for one that is not given, stakeholders see the action's ref
without its texts, and an owner who is a person as "engineer".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pmdesk.domain.clauses import person_names
from pmdesk.domain.learning import ActionCounts, Counts, Review, started_on
from pmdesk.domain.model import ActionItem, ActionStatus, Postmortem, PostmortemKind
from pmdesk.domain.moments import format_duration
from pmdesk.report.audience import Audience
from pmdesk.report.contents import format_number
from pmdesk.report.names import NEUTRAL, Names

NOT_KNOWN = "not known"
WITHHELD = "(not shown: its postmortem was not given)"
SHOWN_CAUSES = 10  # a theme's causes listed; a leader reads the first few, not forty
SHOWN_OVERDUE = 10  # an owner's overdue actions listed, the longest late; the rest counted
SECTIONS = (
    ("numbers", "Key numbers"),
    ("themes", "Top themes"),
    ("actions", "Actions"),
    ("recurrences", "Recurrences"),
    ("overdue", "Open overdue actions by owner"),
    ("postmortems", "Appendix: the postmortems of the period"),
)
EMPTY = {
    "numbers": "No postmortem started in this period.",
    "impact": "No impact was measured in this period.",
    "themes": "No systemic cause of this period carries a theme.",
    "actions": "No action was agreed in this period.",
    "recurrences": "No recurrence was linked in this period.",
    "overdue": "No action is open past its due date.",
    "postmortems": "No postmortem started in this period.",
}


@dataclass(frozen=True, slots=True)
class Change:
    label: str  # "Incidents"
    value: str  # "3 (was 5)"


@dataclass(frozen=True, slots=True)
class ThemeCause:
    cause: str
    postmortem: str


@dataclass(frozen=True, slots=True)
class ThemeView:
    theme: str
    causes: tuple[ThemeCause, ...]
    postmortems: int
    actions: ActionCounts


@dataclass(frozen=True, slots=True)
class RecurrenceView:
    later: str  # "Title (2026-02-03)"
    earlier: str
    came_back_after: tuple[str, ...]  # "a2 Add a schema check (dropped)"


@dataclass(frozen=True, slots=True)
class OverdueView:
    owner: str
    action: str  # "a3 Add a schema check"
    postmortem: str
    due: str
    days_late: int


@dataclass(frozen=True, slots=True)
class OwnerView:
    rows: tuple[OverdueView, ...]  # the longest late first, SHOWN_OVERDUE at most
    more: str  # "And 12 more, 3 to 20 days late", or ""


@dataclass(frozen=True, slots=True)
class PostmortemView:
    day: str
    title: str
    kind: str
    severity: str


@dataclass(frozen=True, slots=True)
class ReviewContents:
    review: Review
    audience: Audience
    generated: datetime
    library_name: str
    title: str  # "Learning review · 2026 Q1"
    dates: str  # "1 January - 31 March 2026", with an en dash
    previous: str  # "2025 Q4 (1 October - 31 December 2025)", with an en dash
    numbers: tuple[Change, ...]
    impact: tuple[Change, ...]  # label, total
    actions: tuple[Change, ...]
    themes: tuple[ThemeView, ...]
    recurrences: tuple[RecurrenceView, ...]
    overdue: tuple[OwnerView, ...]  # by owner, as the review orders them
    postmortems: tuple[PostmortemView, ...]


def build_review_contents(
    review: Review,
    audience: Audience,
    generated: datetime,
    library_name: str = "",
    library: Iterable[Postmortem] = (),
) -> ReviewContents:
    text = _Texts(review, audience, library)
    period = review.period
    return ReviewContents(
        review=review,
        audience=audience,
        generated=generated,
        library_name=" ".join(library_name.split()),
        title=f"Learning review · {period.label}",
        dates=period.dates,
        previous=f"{review.previous.label} ({review.previous.dates})",
        numbers=_numbers(review.now, review.before),
        impact=tuple(
            Change(
                text.any(t.name),
                f"{format_number(t.total, text.any(t.unit) if t.unit else None)}"
                f" in {_count(t.postmortems, 'postmortem')}",
            )
            for t in review.impact
        ),
        actions=action_numbers(review.actions),
        themes=tuple(
            ThemeView(
                theme.theme,
                tuple(
                    ThemeCause(text.of(pm, cause.text), text.title(pm))
                    for pm, cause in theme.causes
                ),
                theme.postmortems,
                theme.actions,
            )
            for theme in review.themes
        ),
        recurrences=tuple(
            RecurrenceView(
                text.dated_title(r.later),
                text.dated_title(r.earlier),
                tuple(
                    f"{a.ref} {text.of(r.earlier, a.title)} ({_unkept(a)})"
                    for a in r.came_back_after
                ),
            )
            for r in review.recurrences
        ),
        overdue=tuple(
            OwnerView(
                tuple(
                    OverdueView(
                        text.owner(owed.postmortem_id, owed.action.owner),
                        f"{owed.action.ref} {text.by_id(owed.postmortem_id, owed.action.title)}",
                        text.by_id(owed.postmortem_id, owed.postmortem_title),
                        owed.action.due.isoformat() if owed.action.due else "",
                        owed.days_late,
                    )
                    for owed in group.actions[:SHOWN_OVERDUE]
                ),
                _more_overdue([owed.days_late for owed in group.actions[SHOWN_OVERDUE:]]),
            )
            for group in review.overdue_by_owner
        ),
        postmortems=tuple(
            PostmortemView(
                _day(pm),
                text.title(pm),
                "Near miss" if pm.kind is PostmortemKind.NEAR_MISS else "Incident",
                pm.severity.value if pm.severity else "not set",
            )
            for pm in review.postmortems
        ),
    )


def _numbers(now: Counts, before: Counts) -> tuple[Change, ...]:
    return (
        Change("Incidents", f"{now.incidents} (was {before.incidents})"),
        Change("Near misses", f"{now.near_misses} (was {before.near_misses})"),
        Change("Median time to detect", f"{_span(now.detect)} (was {_span(before.detect)})"),
        Change("Median time to resolve", f"{_span(now.resolve)} (was {_span(before.resolve)})"),
    )


def action_numbers(counts: ActionCounts) -> tuple[Change, ...]:
    return (
        Change("Agreed", str(counts.agreed)),
        Change("Done", str(counts.done)),
        Change("Dropped", str(counts.dropped)),
        Change("Overdue", str(counts.overdue)),
        Change("Follow-through", follow_through(counts)),
        Change("Median days to done", days(counts.days_to_done)),
    )


def more_causes(theme: ThemeView) -> str:
    rest = len(theme.causes) - SHOWN_CAUSES
    return f"And {rest} more cause{'s' if rest != 1 else ''} carrying this theme."


def _more_overdue(late: list[int]) -> str:
    if not late:
        return ""
    least, most = min(late), max(late)
    span = f"{most} days late" if least == most else f"{least} to {most} days late"
    return f"And {len(late)} more, {span}"


def follow_through(counts: ActionCounts) -> str:
    rate = counts.follow_through
    return f"{round(rate * 100)}%" if rate is not None else NOT_KNOWN


def days(value: float | None) -> str:
    if value is None:
        return NOT_KNOWN
    shown = f"{value:g}"
    return f"{shown} day{'' if value == 1 else 's'}"


def _span(span: timedelta | None) -> str:
    return format_duration(span) if span is not None else NOT_KNOWN


def _unkept(action: ActionItem) -> str:
    return "dropped" if action.status is ActionStatus.DROPPED else "late"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _day(pm: Postmortem) -> str:
    day: date | None = started_on(pm)
    return day.isoformat() if day is not None else ""


class _Texts:
    """Texts from postmortems as the audience may read them."""

    def __init__(self, review: Review, audience: Audience, library: Iterable[Postmortem]) -> None:
        self._hide = audience is not Audience.TEAM
        self._names: dict[str, Names] = {}
        known: dict[str, Postmortem] = {pm.id: pm for pm in review.postmortems}
        for r in review.recurrences:
            known.setdefault(r.earlier.id, r.earlier)
            known.setdefault(r.later.id, r.later)
        for theme in review.themes:
            for pm, _ in theme.causes:
                known.setdefault(pm.id, pm)
        self._shown = set(known)  # the postmortems whose texts the review prints
        for pm in library:
            known.setdefault(pm.id, pm)
        self._known = known
        self._everyone: Names | None = None

    def _of(self, pm: Postmortem) -> Names:
        names = self._names.get(pm.id)
        if names is None:
            names = self._names[pm.id] = Names.of(pm)
        return names

    def _all(self) -> Names:
        """The people of every postmortem the review prints, for a text made of several."""
        if self._everyone is None:
            people: dict[str, str | None] = {}
            for pm in (self._known[pm_id] for pm_id in self._shown):
                persons = set(person_names(tuple(p.name for p in pm.participants)))
                for p in pm.participants:
                    name = " ".join(p.name.split())
                    if name in persons:
                        people.setdefault(name, p.role)
            self._everyone = Names(list(people.items()))
        return self._everyone

    def of(self, pm: Postmortem, text: str) -> str:
        return self._of(pm).replace(text) if self._hide else text

    def title(self, pm: Postmortem) -> str:
        return " ".join(self.of(pm, pm.title).split()) or "Untitled postmortem"

    def dated_title(self, pm: Postmortem) -> str:
        day = _day(pm)
        return f"{self.title(pm)} ({day})" if day else self.title(pm)

    def any(self, text: str) -> str:
        """A text made of several postmortems' (an impact metric's name)."""
        return self._all().replace(text) if self._hide else text

    def by_id(self, pm_id: str, text: str) -> str:
        if not self._hide:
            return text
        pm = self._known.get(pm_id)
        return self._of(pm).replace(text) if pm is not None else WITHHELD

    def owner(self, pm_id: str, owner: str | None) -> str:
        shown = " ".join((owner or "").split())
        if not shown:
            return "no owner"
        if not self._hide:
            return shown
        pm = self._known.get(pm_id)
        if pm is not None:
            return self._of(pm).owner(shown) or shown
        # A person of a postmortem not given: nothing says which of their names to replace.
        return NEUTRAL if person_names((shown,)) else shown
