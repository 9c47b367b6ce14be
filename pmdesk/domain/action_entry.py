"""One typed line makes a whole action item: `TITLE @OWNER due DATE P1`.

The scribe of a review types while the room talks, so the fields go after the title, in any
order, each optional:

* `@OWNER`: the owner, up to the next field or the end of the line, spaces allowed
  (`@Platform team`). The `@` starts a word and a name follows it at once, so `email @ 5pm` and
  `dana@example.com` stay text.
* `due DATE`: `2026-04-10`; `+10d` or `+2w` from today; a weekday (`fri`, `friday`: the next
  one after today); `eom` (the last day of this month); `today`; `tomorrow`. Today is the
  postmortem's today, in its time zone: the caller passes it in.
* `P0` to `P3`: the priority, as a word of its own (`P10` is text).

Only a tail of the line made wholly of fields is read as fields, and each field at most once:
`Add a P1 alert for latency` is all title, as is `Ask @dana about the P1 queue`. A date that
cannot be one (`due 2026-02-30`) is a problem the line reports rather than text it keeps.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pmdesk.domain.model import ActionChange, ActionItem, ActionStatus, Priority

WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
EXAMPLE = "Add a canary stage for config pushes @Platform team due 2026-04-10 P1"
FORMS = "@owner · due 2026-04-10, +10d, +2w, fri, eom · P0 to P3"

_PRIORITY_RE = re.compile(r"[Pp][0-3]")
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_LIKE_RE = re.compile(r"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}")
_RELATIVE_RE = re.compile(r"\+([0-9]{1,4})([dDwW])")
_WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class ActionEntry:
    """What a typed line says: its title and the fields it gave (None when not given)."""

    title: str
    owner: str | None = None
    due: date | None = None
    priority: Priority | None = None
    problem: str | None = None  # why the line cannot be stored as it is

    @property
    def ready(self) -> bool:
        return bool(self.title) and self.problem is None

    def action(
        self,
        *,
        status: ActionStatus = ActionStatus.OPEN,
        cause_id: str | None = None,
        history: Sequence[ActionChange] = (),
    ) -> ActionItem:
        """The action the line makes, to be stored (its ref is given then)."""
        return ActionItem(
            "",
            self.title,
            owner=self.owner,
            due=self.due,
            status=status,
            priority=self.priority,
            cause_id=cause_id,
            history=list(history),
        )


@dataclass(frozen=True)
class _Word:
    text: str
    start: int


def parse_action_entry(text: str, today: date) -> ActionEntry:
    """Read one line of the new-action field (see the module's docstring)."""
    words = [_Word(m.group(), m.start()) for m in _WORD_RE.finditer(text)]
    problem: str | None = None
    for first in range(len(words)):
        fields = _fields(words[first:], today)
        if isinstance(fields, str):
            # A date that cannot be one: said once, for the earliest tail that needs it.
            problem = problem or fields
            continue
        if fields is None:
            continue
        title = text[: words[first].start].strip()
        owner, due, priority = fields
        return ActionEntry(
            title,
            owner,
            due,
            priority,
            problem=problem or (None if title else "Type what changes first, then its fields."),
        )
    title = text.strip()
    return ActionEntry(title, problem=problem)


_Fields = tuple[str | None, date | None, Priority | None]


def _fields(words: list[_Word], today: date) -> _Fields | str | None:
    """`words` read as fields only, each at most once; None when they are not, or a message
    when the only thing wrong is a date that is no date."""
    owner: str | None = None
    due: date | None = None
    priority: Priority | None = None
    seen: set[str] = set()
    n = 0
    while n < len(words):
        word = words[n].text
        kind = _field_kind(words, n)
        if kind is None or kind in seen:
            return None
        seen.add(kind)
        if kind == "owner":
            end = n + 1
            while end < len(words) and _field_kind(words, end) is None:
                end += 1
            owner = " ".join([word[1:], *(w.text for w in words[n + 1 : end])])
            n = end
        elif kind == "priority":
            priority = Priority(word.upper())
            n += 1
        else:
            read = read_due(words[n + 1].text, today)
            if isinstance(read, str):
                return read
            due = read
            n += 2
    return owner, due, priority


def _field_kind(words: list[_Word], n: int) -> str | None:
    word = words[n].text
    if len(word) > 1 and word.startswith("@") and not word.startswith("@@"):
        return "owner"
    if _PRIORITY_RE.fullmatch(word):
        return "priority"
    if word.lower() == "due" and n + 1 < len(words):
        following = words[n + 1].text
        if read_due(following, date(2000, 1, 1)) is not None or _DATE_LIKE_RE.fullmatch(following):
            return "due"
    return None


def read_due(word: str, today: date) -> date | str | None:
    """The date a `due` word names, a message when it looks like a date but is none, or None
    when it is no date form at all."""
    lowered = word.lower()
    if iso := _ISO_RE.fullmatch(word):
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return f"“{word}” is not a date: give it as year-month-day, like 2026-04-10."
    if _DATE_LIKE_RE.fullmatch(word):
        return f"“{word}” is not a date pmdesk reads: give it as year-month-day, like 2026-04-10."
    if relative := _RELATIVE_RE.fullmatch(word):
        days = int(relative[1]) * (7 if relative[2].lower() == "w" else 1)
        try:
            return today + timedelta(days=days)
        except OverflowError:
            return f"“{word}” is too far ahead."
    if lowered in WEEKDAYS:
        ahead = (WEEKDAYS[lowered] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if lowered == "eom":
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if lowered == "today":
        return today
    if lowered == "tomorrow":
        return today + timedelta(days=1)
    return None


def describe(entry: ActionEntry, today: date) -> str:
    """What the line understood, in one line: for the preview under the field (a problem is
    said apart from it)."""
    parts = [f"“{entry.title}”" if entry.title else "No title yet"]
    parts.append(f"owner {entry.owner}" if entry.owner else "no owner")
    if entry.due is not None:
        when = f"due {entry.due.strftime('%a')} {entry.due.isoformat()}"
        if entry.due < today:
            when += " (in the past)"
        parts.append(when)
    else:
        parts.append("no due date")
    parts.append(entry.priority.value if entry.priority else "no priority")
    return " · ".join(parts)


def owner_at(text: str, cursor: int) -> tuple[int, str] | None:
    """The owner being typed at `cursor` — where its `@` is and what follows it so far — or
    None when the cursor is not in an `@` word's owner."""
    head = text[:cursor]
    at = head.rfind("@")
    if at < 0 or (at > 0 and not head[at - 1].isspace()):
        return None
    typed = head[at + 1 :]
    if not typed or typed[0].isspace() or "@" in typed:
        return None
    words = typed.split()
    # An owner ends where another field begins.
    if any(_PRIORITY_RE.fullmatch(w) or w.lower() == "due" for w in words[1:]):
        return None
    return at, typed
