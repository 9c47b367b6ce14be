"""The review meeting: its agenda of timeboxed steps, who came, what was parked and decided.

A meeting belongs to one postmortem. Its clock is plain arithmetic on a monotonic time the caller
passes in, so the countdown is the same in the window, in a test with a fake clock, and after a
restart (spent time is stored per step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pmdesk.domain.model import new_id


class Step(StrEnum):
    """The agenda's steps, in the order a review walks them."""

    GROUND_RULES = "ground_rules"
    TIMELINE = "timeline"
    IMPACT = "impact"
    FIVE_WHYS = "five_whys"
    ACTIONS = "actions"
    FOLLOW_UP = "follow_up"
    WRAP_UP = "wrap_up"

    @property
    def label(self) -> str:
        return STEP_TITLES[self]

    @property
    def number(self) -> int:
        """1 for the first step, as the facilitator says it and types it."""
        return list(Step).index(self) + 1


STEP_TITLES: dict[Step, str] = {
    Step.GROUND_RULES: "Ground rules",
    Step.TIMELINE: "Timeline walk-through",
    Step.IMPACT: "Impact",
    Step.FIVE_WHYS: "Five whys",
    Step.ACTIONS: "Action items",
    Step.FOLLOW_UP: "Follow-up of earlier actions",
    Step.WRAP_UP: "Wrap-up",
}

# An hour in all: the causes get the most time, since that is where the learning is.
DEFAULT_MINUTES: dict[Step, int] = {
    Step.GROUND_RULES: 5,
    Step.TIMELINE: 10,
    Step.IMPACT: 5,
    Step.FIVE_WHYS: 15,
    Step.ACTIONS: 10,
    Step.FOLLOW_UP: 5,
    Step.WRAP_UP: 10,
}
MIN_MINUTES = 1
MAX_MINUTES = 180


class Role(StrEnum):
    FACILITATOR = "facilitator"
    SCRIBE = "scribe"
    ATTENDEE = "attendee"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(slots=True)
class Timebox:
    step: Step
    minutes: int
    spent_seconds: int = 0


@dataclass(slots=True)
class Attendee:
    name: str
    role: Role = Role.ATTENDEE


@dataclass(slots=True)
class ParkedPoint:
    """An off-topic point captured during the meeting; `action_id` once it became an action."""

    text: str
    action_id: str | None = None
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class Decision:
    text: str
    id: str = field(default_factory=new_id)


def default_agenda() -> list[Timebox]:
    return [Timebox(step, DEFAULT_MINUTES[step]) for step in Step]


@dataclass(slots=True)
class Meeting:
    agenda: list[Timebox] = field(default_factory=default_agenda)  # one per Step, in Step order
    attendees: list[Attendee] = field(default_factory=list)
    parking_lot: list[ParkedPoint] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    started: datetime | None = None  # timezone-aware
    ended: datetime | None = None

    def timebox(self, step: Step) -> Timebox:
        return next(box for box in self.agenda if box.step is step)

    @property
    def total_minutes(self) -> int:
        return sum(box.minutes for box in self.agenda)

    @property
    def spent_seconds(self) -> int:
        return sum(box.spent_seconds for box in self.agenda)

    @property
    def is_blank(self) -> bool:
        """Nothing recorded yet: the default agenda, no one checked in, never started."""
        return (
            self.started is None
            and self.ended is None
            and not self.attendees
            and not self.parking_lot
            and not self.decisions
            and all(
                box.minutes == DEFAULT_MINUTES[box.step] and box.spent_seconds == 0
                for box in self.agenda
            )
        )


def complete_agenda(boxes: list[Timebox]) -> list[Timebox]:
    """Every step once, in agenda order: given boxes win, missing steps get their defaults."""
    given = {box.step: box for box in boxes}
    return [given.get(step, Timebox(step, DEFAULT_MINUTES[step])) for step in Step]


@dataclass(slots=True)
class StepClock:
    """The meeting timer: while running, time goes to whichever step is current.

    `now` is any monotonic reading in seconds (time.monotonic in the window, a fake in tests).
    Spent time is kept per step in whole seconds plus the running stretch since `since`.
    """

    spent: dict[Step, float] = field(default_factory=dict)
    current: Step = Step.GROUND_RULES
    since: float | None = None  # when the running stretch began; None while paused

    @property
    def running(self) -> bool:
        return self.since is not None

    def start(self, now: float) -> None:
        if self.since is None:
            self.since = now

    def pause(self, now: float) -> None:
        self._settle(now)
        self.since = None

    def move_to(self, step: Step, now: float) -> None:
        """Make `step` current; a running clock keeps running and now counts for it."""
        self._settle(now)
        self.current = step

    def elapsed(self, step: Step, now: float) -> float:
        running = now - self.since if self.since is not None and step is self.current else 0.0
        return self.spent.get(step, 0.0) + max(0.0, running)

    def remaining(self, step: Step, minutes: int, now: float) -> float:
        """Seconds left in the step's timebox; negative once it runs over."""
        return minutes * 60 - self.elapsed(step, now)

    def total(self, now: float) -> float:
        return sum(self.elapsed(step, now) for step in Step)

    def _settle(self, now: float) -> None:
        if self.since is not None:
            self.spent[self.current] = self.elapsed(self.current, now)
            self.since = now


def countdown_text(seconds: float) -> str:
    """ "12:05" left, or "+1:30" over: a gentle overrun, counted up rather than flashing."""
    if seconds > -1:
        whole = math.ceil(max(seconds, 0.0))
        return f"{whole // 60}:{whole % 60:02d}"
    whole = int(-seconds)
    return f"+{whole // 60}:{whole % 60:02d}"
