"""The rules a postmortem's values must keep, shared by the interchange reader and the editor.

The editor accepts exactly what an interchange file may hold, no more and no less: anything that is
in a library therefore passes again, so undoing an edit (which writes the old values back) is never
refused. Each refusal is a `ValidationError` whose message tells a person what is wrong and what to
do; a refused edit writes nothing.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeGuard, TypeVar

from pmdesk.domain.meeting import (
    MAX_MINUTES,
    MIN_MINUTES,
    Attendee,
    Decision,
    Meeting,
    ParkedPoint,
    Role,
    Step,
)
from pmdesk.domain.model import (
    ActionItem,
    ActionStatus,
    Cause,
    EventKind,
    ImpactMetric,
    Lesson,
    LessonKind,
    PostmortemKind,
    PostmortemStatus,
    Priority,
    Severity,
    TimelineEvent,
)
from pmdesk.domain.themes import theme_key

MAX_TITLE_LENGTH = 300
MAX_THEME_NAME_LENGTH = 60  # a theme is named in a few words; its description says the rest
MAX_ATTENDEE_NAME_LENGTH = 200
MAX_POINT_LENGTH = 2000  # a parked point or a decision: a sentence or two, not a document

E = TypeVar("E", bound=StrEnum)


class ValidationError(Exception):
    """A value the user gave was refused. `field` names it; `item_id` the row it is in, if any."""

    def __init__(self, field: str, message: str, item_id: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.item_id = item_id


def is_blank(text: str) -> bool:
    """Empty or only white space: what "non-empty" rules refuse."""
    return not text.strip()


def is_timezone_name(name: str) -> bool:
    """An IANA time zone name that this machine's zone database knows, such as "Europe/Berlin"."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def tag_key(tag: str) -> str:
    """What two tags are compared by: "Config" and "config" are the same tag."""
    return tag.casefold()


def is_metric_value(value: object) -> bool:
    """An int or a finite float; True and False are not numbers here, however Python sees them."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not isinstance(value, float) or math.isfinite(value)


def check_title(value: object) -> str:
    title = _string("title", value, "The title")
    if is_blank(title):
        raise ValidationError("title", "The title is empty. Give the postmortem a short title.")
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(
            "title",
            f"The title is {len(title)} characters long; shorten it to at most "
            f"{MAX_TITLE_LENGTH} (the summary has room for the details).",
        )
    return title


def check_timezone(value: object) -> str:
    name = _string("timezone", value, "The time zone")
    if not is_timezone_name(name):
        raise ValidationError(
            "timezone",
            f"“{name}” is not a time zone this computer knows. Choose an IANA name such as "
            "“Europe/Berlin”, “America/New_York” or “UTC”.",
        )
    return name


def check_choice(field: str, value: object, enum: type[E], item_id: str | None = None) -> E:
    """The member of `enum` that `value` is or names; refused with the allowed values listed."""
    if isinstance(value, str):
        for member in enum:
            if member.value == value:
                return member
    allowed = ", ".join(f"“{member.value}”" for member in enum)
    raise ValidationError(
        field, f"“{value}” is not a valid {field}; choose one of {allowed}.", item_id
    )


def check_text(field: str, value: object, what: str) -> str:
    """Any string, empty included (summaries may be left empty)."""
    return _string(field, value, what)


def check_severity(value: object) -> Severity | None:
    return None if value is None else check_choice("severity", value, Severity)


# How each editable field of a postmortem is checked and turned into its domain value.
POSTMORTEM_FIELDS: dict[str, Callable[[object], object]] = {
    "title": check_title,
    "kind": lambda value: check_choice("kind", value, PostmortemKind),
    "severity": check_severity,
    "status": lambda value: check_choice("status", value, PostmortemStatus),
    "timezone": check_timezone,
    "summary": lambda value: check_text("summary", value, "The summary"),
    "impact_summary": lambda value: check_text("impact_summary", value, "The impact summary"),
}


def check_postmortem_field(field: str, value: object) -> object:
    """The domain value for one editable postmortem field; ValueError for a field that is not one
    (a bug in the caller, not the user's mistake).
    """
    try:
        rule = POSTMORTEM_FIELDS[field]
    except KeyError:
        raise ValueError(f"{field!r} is not an editable field of a postmortem") from None
    return rule(value)


def check_tags(tags: Iterable[str]) -> None:
    seen: dict[str, str] = {}
    for tag in tags:
        earlier = seen.get(tag_key(tag))
        if earlier is not None:
            raise ValidationError(
                "tags",
                f"The tag “{tag}” is already there as “{earlier}” (tags ignore case). "
                "Remove one of them.",
            )
        seen[tag_key(tag)] = tag


def check_metrics(metrics: Iterable[ImpactMetric]) -> None:
    for metric in metrics:
        if not is_metric_value(metric.value):
            raise ValidationError(
                "metrics",
                f"The value of “{metric.name}” is {metric.value!r}; enter a finite number, "
                "such as 12400 or 2.5.",
            )


def check_event(event: TimelineEvent) -> None:
    check_choice("kind", event.kind, EventKind, event.id)
    offset = event.at.utcoffset() if isinstance(event.at, datetime) else None
    if offset is None:
        raise ValidationError(
            "at",
            "The event's time has no UTC offset. Give the time with its offset (or in the "
            "postmortem's time zone), so that it can be placed on the timeline.",
            event.id,
        )
    if offset % timedelta(seconds=1):
        raise ValidationError(
            "at", "The event's UTC offset has a fraction of a second; round it.", event.id
        )
    if is_blank(event.text):
        raise ValidationError(
            "text", "The event has no text. Say what happened, in a few words.", event.id
        )


def check_lesson(lesson: Lesson) -> None:
    check_choice("kind", lesson.kind, LessonKind, lesson.id)
    if is_blank(lesson.text):
        raise ValidationError(
            "text", "The lesson has no text. Say what went well, wrong or lucky.", lesson.id
        )


def _string(field: str, value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, f"{what} must be text, not {type(value).__name__}.")
    return value


def check_cause(cause: Cause) -> None:
    if is_blank(cause.text):
        raise ValidationError(
            "text",
            "The cause has no text. Say what happened or which condition allowed it, in a few "
            "words.",
            cause.id,
        )
    check_themes(cause.themes, cause.id)


def check_themes(names: Iterable[object], item_id: str | None = None) -> list[str]:
    """A cause's theme names: each a non-empty name of at most MAX_THEME_NAME_LENGTH characters,
    none twice (compared as `theme_key` does: case and spacing do not count)."""
    seen: dict[str, str] = {}
    for name in names:
        if not isinstance(name, str):
            raise ValidationError(
                "themes", f"A theme must be a name, not {type(name).__name__}.", item_id
            )
        if is_blank(name):
            raise ValidationError(
                "themes", "A theme has no name. Choose a theme, or remove the empty one.", item_id
            )
        if len(name) > MAX_THEME_NAME_LENGTH:
            raise ValidationError(
                "themes",
                f"The theme “{excerpt(name, 40)}” is {len(name)} characters long; shorten it to "
                f"at most {MAX_THEME_NAME_LENGTH} (its description has room for the details).",
                item_id,
            )
        earlier = seen.get(theme_key(name))
        if earlier is not None:
            raise ValidationError(
                "themes",
                f"The theme “{name}” is already on this cause as “{earlier}” (themes ignore case "
                "and spacing). Remove one of them.",
                item_id,
            )
        seen[theme_key(name)] = name
    return list(seen.values())


def check_action(action: ActionItem) -> None:
    check_choice("status", action.status, ActionStatus, action.id)
    if action.priority is not None:
        check_choice("priority", action.priority, Priority, action.id)
    if is_blank(action.title):
        raise ValidationError(
            "title",
            "The action has no title. Say what changes, on which thing, by when.",
            action.id,
        )


# --- the review meeting -----------------------------------------------------------------------


def attendee_key(name: str) -> str:
    """What two attendees are compared by: "Dana Q." and " dana q." are the same person."""
    return name.strip().casefold()


def excerpt(text: str, limit: int = 60) -> str:
    """A text on one line and short enough to quote in a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def is_whole_number(value: object) -> TypeGuard[int]:
    """An int that is not a bool (True would otherwise pass as 1 minute)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_minutes(step: Step, minutes: object) -> int:
    if is_whole_number(minutes) and MIN_MINUTES <= minutes <= MAX_MINUTES:
        return minutes
    raise ValidationError(
        "minutes",
        f"“{step.label}” is given {minutes!r} minutes; give it a whole number of minutes from "
        f"{MIN_MINUTES} to {MAX_MINUTES}.",
        step.value,
    )


def check_spent_seconds(step: Step, seconds: object) -> int:
    if is_whole_number(seconds) and seconds >= 0:
        return seconds
    raise ValidationError(
        "spent_seconds",
        f"The time spent on “{step.label}” is {seconds!r}; it must be a whole number of seconds, "
        "0 or more. Reset the step's clock.",
        step.value,
    )


def check_attendees(attendees: Iterable[Attendee]) -> None:
    seen: dict[str, str] = {}
    for attendee in attendees:
        name = attendee.name
        check_choice("role", attendee.role, Role)
        if is_blank(name):
            raise ValidationError(
                "name", "An attendee has no name. Type their name, or remove the row."
            )
        if len(name) > MAX_ATTENDEE_NAME_LENGTH:
            raise ValidationError(
                "name",
                f"The name “{name[:40]}…” is {len(name)} characters long; shorten it to at most "
                f"{MAX_ATTENDEE_NAME_LENGTH}.",
            )
        earlier = seen.get(attendee_key(name))
        if earlier is not None:
            spelled = "" if earlier.strip() == name.strip() else f" (once as “{earlier.strip()}”)"
            raise ValidationError(
                "name",
                f"“{name.strip()}” is on the attendance list twice{spelled}; names ignore case. "
                "Remove one of them, or tell the two people apart.",
            )
        seen[attendee_key(name)] = name


def check_parking_lot(points: Iterable[ParkedPoint]) -> None:
    became: dict[str, ParkedPoint] = {}
    for point in points:
        _check_point_text(
            point.text,
            point.id,
            "The parked point has no text. Say in a few words what to come back to, or remove it.",
            "parked point",
        )
        if point.action_id is None:
            continue
        other = became.get(point.action_id)
        if other is not None:
            # One point, one action: so that undoing a conversion unlinks exactly that point.
            raise ValidationError(
                "action",
                f"The parked points “{excerpt(other.text)}” and “{excerpt(point.text)}” "
                "name the same action. Each parked point becomes an action of its own; keep "
                "one of the two points.",
                point.id,
            )
        became[point.action_id] = point


def check_decisions(decisions: Iterable[Decision]) -> None:
    for decision in decisions:
        _check_point_text(
            decision.text,
            decision.id,
            "The decision has no text. Say what was decided, or remove it.",
            "decision",
        )


def _check_point_text(text: str, item_id: str, when_blank: str, what: str) -> None:
    if is_blank(text):
        raise ValidationError("text", when_blank, item_id)
    if len(text) > MAX_POINT_LENGTH:
        raise ValidationError(
            "text",
            f"The {what} is {len(text)} characters long; shorten it to at most "
            f"{MAX_POINT_LENGTH} (an action item's notes have room for the details).",
            item_id,
        )


def check_meeting_times(started: datetime | None, ended: datetime | None) -> None:
    for field, what, moment in (("started", "start", started), ("ended", "end", ended)):
        if moment is None:
            continue
        offset = moment.utcoffset() if isinstance(moment, datetime) else None
        if offset is None:
            raise ValidationError(
                field,
                f"The meeting's {what} time has no UTC offset. Give the time with its offset, "
                "so that it means the same moment everywhere.",
            )
        if offset % timedelta(seconds=1):
            raise ValidationError(
                field,
                f"The meeting's {what} time has a UTC offset with a fraction of a second; "
                "round it.",
            )
    if started is not None and ended is not None and ended < started:
        raise ValidationError(
            "ended",
            f"The meeting ends ({ended.isoformat(timespec='minutes')}) before it starts "
            f"({started.isoformat(timespec='minutes')}). Correct the end time, or clear it.",
        )


def check_meeting(meeting: Meeting) -> None:
    """Every rule a stored meeting keeps: each agenda step once, and every smaller check."""
    steps = [box.step for box in meeting.agenda]
    if len(steps) != len(Step) or set(steps) != set(Step):
        missing = [f"“{step.label}”" for step in Step if step not in steps]
        problem = (
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing"
            if missing
            else "a step is there twice"
        )
        raise ValidationError(
            "agenda",
            f"The agenda must have each step once, but {problem}. Reset the agenda to its "
            "defaults, then adjust the minutes.",
        )
    for box in meeting.agenda:
        check_minutes(box.step, box.minutes)
        check_spent_seconds(box.step, box.spent_seconds)
    check_attendees(meeting.attendees)
    check_parking_lot(meeting.parking_lot)
    check_decisions(meeting.decisions)
    check_meeting_times(meeting.started, meeting.ended)
