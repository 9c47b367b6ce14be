"""The postmortem and its parts, as plain Python values shared by every layer.

Ids are opaque strings, unique in a library. Causes and actions also carry a short `ref` ("c3",
"a1"), unique within their postmortem: it is what people say in the meeting and what the
interchange file uses, so a file's own ids survive an import and an export.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pmdesk.domain.kinds import (
    ActionStatus as ActionStatus,
)
from pmdesk.domain.kinds import (
    EventKind as EventKind,
)
from pmdesk.domain.kinds import (
    LessonKind as LessonKind,
)
from pmdesk.domain.kinds import (
    PostmortemKind as PostmortemKind,
)
from pmdesk.domain.kinds import (
    PostmortemStatus as PostmortemStatus,
)
from pmdesk.domain.kinds import (
    Priority as Priority,
)
from pmdesk.domain.kinds import (
    Severity as Severity,
)

if TYPE_CHECKING:
    from pmdesk.domain.meeting import Meeting


def new_id() -> str:
    return uuid.uuid4().hex


def version_field() -> int:
    """A stored row's version: 1 when first stored, one more on every change of its content.

    An edit names the version it was made on, and one made on an older version is refused
    (optimistic locking: two people editing at once never silently overwrite each other). Two
    values that differ only in version are still equal: it says when a value was read, not what
    it is.
    """
    return field(default=1, compare=False)


Number = int | float


@dataclass(slots=True)
class ImpactMetric:
    name: str
    value: Number
    unit: str | None = None


@dataclass(slots=True)
class Participant:
    name: str
    role: str | None = None


@dataclass(slots=True)
class TimelineEvent:
    """Something that happened. `at` is timezone-aware and keeps the offset it was written with."""

    at: datetime
    kind: EventKind
    text: str
    source: str | None = None
    id: str = field(default_factory=new_id)
    version: int = version_field()


@dataclass(slots=True)
class Cause:
    """One answer in the five-whys tree; `parent_id` is None for a problem statement."""

    ref: str
    text: str
    parent_id: str | None = None
    systemic: bool = False
    evidence: list[str] = field(default_factory=list)  # ids of timeline events
    # Contributing-factor themes (see domain/themes.py), by name, in the order given. Any cause
    # may keep them, so unmarking a cause as systemic loses none; only systemic causes count.
    themes: list[str] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    version: int = version_field()


class ActionField(StrEnum):
    """The fields of an action whose every change is kept in its history."""

    STATUS = "status"
    OWNER = "owner"
    DUE = "due"
    PRIORITY = "priority"


@dataclass(frozen=True, slots=True)
class ActionChange:
    """One dated change of an action: a field's old and new value (as written in files: a
    status or priority value, an owner, a YYYY-MM-DD date; None for empty) and why, if said.
    """

    at: datetime  # timezone-aware
    field: ActionField
    old: str | None
    new: str | None
    note: str = ""


@dataclass(slots=True)
class ActionItem:
    ref: str
    title: str
    owner: str | None = None
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    priority: Priority | None = None
    cause_id: str | None = None
    notes: str = ""
    history: list[ActionChange] = field(default_factory=list)  # oldest first
    id: str = field(default_factory=new_id)
    version: int = version_field()


@dataclass(slots=True)
class Lesson:
    kind: LessonKind
    text: str
    id: str = field(default_factory=new_id)
    version: int = version_field()


@dataclass(slots=True)
class Postmortem:
    title: str
    kind: PostmortemKind = PostmortemKind.INCIDENT
    severity: Severity | None = None
    status: PostmortemStatus = PostmortemStatus.DRAFT
    timezone: str = "UTC"
    summary: str = ""
    impact_summary: str = ""
    metrics: list[ImpactMetric] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)  # always in time order
    causes: list[Cause] = field(default_factory=list)  # siblings in their own order
    actions: list[ActionItem] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    meeting: Meeting | None = None  # the review meeting, once one was held or planned
    id: str = field(default_factory=new_id)
    version: int = version_field()

    def sort_timeline(self) -> None:
        """Put events in time order; `sorted` is stable, so equal times keep their order."""
        self.timeline.sort(key=lambda event: event.at)

    def cause(self, cause_id: str) -> Cause | None:
        return next((c for c in self.causes if c.id == cause_id), None)

    def children(self, cause_id: str | None) -> list[Cause]:
        return [c for c in self.causes if c.parent_id == cause_id]

    def leaf_causes(self) -> list[Cause]:
        parents = {c.parent_id for c in self.causes}
        return [c for c in self.causes if c.id not in parents]

    def cause_depth(self, cause: Cause) -> int:
        """1 for a problem statement, 2 for its first "why", and so on."""
        by_id = {c.id: c for c in self.causes}
        depth, current = 1, cause
        while current.parent_id is not None and current.parent_id in by_id:
            depth += 1
            current = by_id[current.parent_id]
            if depth > len(by_id):  # a cycle; validation refuses these, never loop forever
                break
        return depth

    def next_ref(self, prefix: str) -> str:
        """A fresh short ref such as "c9" that no cause or action of this postmortem uses."""
        taken = {c.ref for c in self.causes} | {a.ref for a in self.actions}
        n = 1
        while f"{prefix}{n}" in taken:
            n += 1
        return f"{prefix}{n}"

    @property
    def open_actions(self) -> list[ActionItem]:
        return [a for a in self.actions if a.status.is_active]


@dataclass(frozen=True, slots=True)
class PostmortemSummary:
    """One row of the library list: enough to show and sort without loading the whole thing."""

    id: str
    title: str
    kind: PostmortemKind
    severity: Severity | None
    status: PostmortemStatus
    started: datetime | None
    open_actions: int
