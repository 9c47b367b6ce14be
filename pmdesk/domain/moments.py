"""Key moments of an incident, read off its timeline, and the durations derived from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pmdesk.domain.model import EventKind, TimelineEvent

# The moments in the order they must happen, with the word used when talking about them.
MOMENT_KINDS: tuple[tuple[EventKind, str], ...] = (
    (EventKind.TRIGGER, "trigger"),
    (EventKind.DETECTION, "detection"),
    (EventKind.MITIGATION, "mitigation"),
    (EventKind.RESOLUTION, "resolution"),
)


@dataclass(frozen=True, slots=True)
class MomentProblem:
    """Two key moments in the wrong order, e.g. detection before the trigger."""

    earlier_kind: EventKind  # should come first
    later_kind: EventKind  # but happened before `earlier_kind`
    earlier_event_id: str
    later_event_id: str

    @property
    def message(self) -> str:
        return (
            f"The first {self.later_kind.value} is before the first {self.earlier_kind.value}; "
            f"check the times or kinds of these two events."
        )


@dataclass(frozen=True, slots=True)
class KeyMoments:
    started: TimelineEvent | None
    detected: TimelineEvent | None
    mitigated: TimelineEvent | None
    resolved: TimelineEvent | None
    problems: tuple[MomentProblem, ...]

    def _span(self, start: TimelineEvent | None, end: TimelineEvent | None) -> timedelta | None:
        # A negative duration is never shown: out-of-order moments are a problem, not a number.
        if start is None or end is None or end.at < start.at:
            return None
        return end.at - start.at

    @property
    def time_to_detect(self) -> timedelta | None:
        return self._span(self.started, self.detected)

    @property
    def time_to_mitigate(self) -> timedelta | None:
        return self._span(self.started, self.mitigated)

    @property
    def time_to_resolve(self) -> timedelta | None:
        return self._span(self.started, self.resolved)

    @property
    def started_at(self) -> datetime | None:
        return self.started.at if self.started else None


def key_moments(timeline: Iterable[TimelineEvent]) -> KeyMoments:
    """The first event of each key kind, and every pair of them that is out of order."""
    firsts: dict[EventKind, TimelineEvent] = {}
    for event in sorted(timeline, key=lambda e: e.at):
        firsts.setdefault(event.kind, event)
    present = [(kind, firsts[kind]) for kind, _ in MOMENT_KINDS if kind in firsts]
    problems = tuple(
        MomentProblem(kind_a, kind_b, event_a.id, event_b.id)
        for i, (kind_a, event_a) in enumerate(present)
        for kind_b, event_b in present[i + 1 :]
        if event_b.at < event_a.at
    )
    return KeyMoments(
        started=firsts.get(EventKind.TRIGGER),
        detected=firsts.get(EventKind.DETECTION),
        mitigated=firsts.get(EventKind.MITIGATION),
        resolved=firsts.get(EventKind.RESOLUTION),
        problems=problems,
    )


def format_duration(span: timedelta) -> str:
    """A short human duration: "47 min", "2 h 05 min", "3 d 4 h"."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        seconds = int(span.total_seconds())
        return f"{minutes} min" if minutes else f"{seconds} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"
