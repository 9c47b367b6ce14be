"""The kinds, severities and statuses of a postmortem and its parts.

Apart from the values in `model` (which re-exports them) so that naming one, as the command line
and the window's menus do before anything else, builds none of the dataclasses.
"""

from __future__ import annotations

from enum import StrEnum


class PostmortemKind(StrEnum):
    INCIDENT = "incident"
    NEAR_MISS = "near-miss"


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"
    SEV5 = "SEV5"


class PostmortemStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    FINAL = "final"


class EventKind(StrEnum):
    EVENT = "event"
    TRIGGER = "trigger"
    DETECTION = "detection"
    ESCALATION = "escalation"
    COMMUNICATION = "communication"
    DECISION = "decision"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def is_active(self) -> bool:
        """Open or in progress: work somebody still owes."""
        return self in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class LessonKind(StrEnum):
    WENT_WELL = "went_well"
    WENT_WRONG = "went_wrong"
    LUCKY = "lucky"
