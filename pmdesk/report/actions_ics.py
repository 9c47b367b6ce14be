"""A postmortem's open and in-progress action items as an iCalendar file (RFC 5545): an all-day
entry on each one's due date, for any calendar program to import or subscribe to.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from pmdesk.domain.actions import board_order
from pmdesk.domain.model import ActionItem, Postmortem, Priority

PRODID = "-//pmdesk//pmdesk//EN"
MAX_LINE_OCTETS = 75

# RFC 5545 PRIORITY: 1 highest, 9 lowest; calendars show 1-4 as high, 5 as medium, 6-9 as low.
ICAL_PRIORITY = {Priority.P0: 1, Priority.P1: 3, Priority.P2: 5, Priority.P3: 7}

# TEXT may not hold control characters other than tab; newlines are escaped before this applies.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_ESCAPE_OR_CHAR = re.compile(r"\\.|.", re.DOTALL)


def dumps(postmortem: Postmortem, now: datetime) -> str:
    """The whole calendar; `now` (timezone-aware) is the DTSTAMP of every entry.

    With no action to show, the calendar has no entry: calendar programs import it as empty.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(postmortem.title)}",
    ]
    # Done and dropped actions are nobody's work any more; one without a due date has no day.
    for action in board_order(postmortem.actions):
        if action.status.is_active and action.due is not None:
            lines += _event(postmortem, action, action.due, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(postmortem: Postmortem, action: ActionItem, due: date, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(action.id)}@pmdesk",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(due)}",
    ]
    # Without DTEND an all-day entry lasts one day anyway; only the last date has no next day.
    if due < date.max:
        lines.append(f"DTEND;VALUE=DATE:{_date(due + timedelta(days=1))}")
    lines += [
        f"SUMMARY:{escape_text(summary(action))}",
        f"DESCRIPTION:{escape_text(description(postmortem, action))}",
        "CATEGORIES:Postmortem action",
    ]
    if action.priority is not None:
        lines.append(f"PRIORITY:{ICAL_PRIORITY[action.priority]}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def summary(action: ActionItem) -> str:
    return f"{action.ref}: {action.title}"


def description(postmortem: Postmortem, action: ActionItem) -> str:
    """What the entry is for: the postmortem, owner, priority, cause and notes that are set."""
    parts = [f"Action {action.ref} of the postmortem “{postmortem.title}”"]
    if action.owner:
        parts.append(f"Owner: {action.owner}")
    if action.priority is not None:
        parts.append(f"Priority: {action.priority.value}")
    parts.append(f"Status: {action.status.value.replace('_', ' ')}")
    cause = postmortem.cause(action.cause_id) if action.cause_id else None
    if cause is not None:
        parts.append(f"Addresses the cause: {cause.text}")
    if action.notes:
        parts.append(f"Notes:\n{action.notes}")
    return "\n".join(parts)


def escape_text(text: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newline escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", text.replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets of UTF-8, each continuation starting
    with a space; a piece never ends inside a multi-byte character or an escape such as \\n."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    # RFC 5545 allows a fold inside an escape; keeping it whole spares readers that unescape first.
    for token in _ESCAPE_OR_CHAR.findall(line):
        width = len(token.encode("utf-8"))
        if size + width > MAX_LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(token)
        size += width
    pieces.append("".join(current))
    return "\r\n".join(pieces)


def _date(day: date) -> str:
    # Not strftime: it does not pad years before 1000 on every platform.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
