"""The pmdesk interchange format, version 1: read and check a file, write one back.

The reader checks every rule of ../shared/spec/interchange.md and collects all the broken ones, so
that a person can fix a file in one pass. The file's own cause and action ids become the refs of
the imported postmortem, which is why exporting it again gives the same ids.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import secrets
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from pmdesk.domain.meeting import (
    DEFAULT_MINUTES,
    MAX_MINUTES,
    MIN_MINUTES,
    Attendee,
    Decision,
    Meeting,
    ParkedPoint,
    Role,
    Step,
    Timebox,
    complete_agenda,
)
from pmdesk.domain.model import (
    ActionChange,
    ActionField,
    ActionItem,
    ActionStatus,
    Cause,
    EventKind,
    ImpactMetric,
    Lesson,
    LessonKind,
    Participant,
    Postmortem,
    PostmortemKind,
    PostmortemStatus,
    Priority,
    Severity,
    TimelineEvent,
)
from pmdesk.domain.themes import theme_key
from pmdesk.domain.validation import (
    MAX_ATTENDEE_NAME_LENGTH,
    MAX_POINT_LENGTH,
    MAX_THEME_NAME_LENGTH,
    MAX_TITLE_LENGTH,
    attendee_key,
    is_timezone_name,
    is_whole_number,
    tag_key,
)
from pmdesk.interchange.errors import InterchangeError, Problem

# The largest whole number an SQLite or PostgreSQL library stores (a signed 64-bit integer).
MAX_STORED_INTEGER = 2**63 - 1

FORMAT_NAME = "pmdesk"
FORMAT_VERSION = 1

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# ISO 8601 date and time, then an offset or Z; the parsing itself is left to datetime.
_DATETIME_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}:?\d{2})"
)

E = TypeVar("E", bound=StrEnum)

_KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"format", "version", "postmortem"}),
    "postmortem": frozenset(
        {
            "title",
            "kind",
            "severity",
            "status",
            "timezone",
            "summary",
            "impact",
            "participants",
            "tags",
            "timeline",
            "causes",
            "actions",
            "lessons",
            "meeting",
        }
    ),
    "impact": frozenset({"summary", "metrics"}),
    "metric": frozenset({"name", "value", "unit"}),
    "participant": frozenset({"name", "role"}),
    "event": frozenset({"at", "kind", "text", "source"}),
    "cause": frozenset({"id", "parent", "text", "systemic", "evidence", "themes"}),
    "action": frozenset(
        {"id", "title", "owner", "due", "status", "priority", "cause", "notes", "history"}
    ),
    "change": frozenset({"at", "field", "from", "to", "note"}),
    "lesson": frozenset({"kind", "text"}),
    "meeting": frozenset({"started", "ended", "agenda", "attendance", "parking_lot", "decisions"}),
    "timebox": frozenset({"step", "minutes", "spent_seconds"}),
    "attendee": frozenset({"name", "role"}),
    "parked": frozenset({"text", "action"}),
    "decision": frozenset({"text"}),
}


@dataclass(slots=True)
class ImportedFile:
    postmortem: Postmortem
    warnings: list[str] = field(default_factory=list)


class _Missing:
    """Marks a key that is absent, which is not the same as a key that is null."""


MISSING = _Missing()


class _Checker:
    """Walks the parsed JSON, turning each field into a domain value or a Problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def fail(self, path: str, rule: str) -> None:
        self.problems.append(Problem(path, rule))

    def obj(self, value: Any, path: str, known: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_json_type(value)}")
            return None
        for key in value:
            if key not in _KNOWN_KEYS[known]:
                where = f"{path}.{key}" if path else key
                self.warnings.append(f"unknown key {where} ignored")
        for key in getattr(value, "repeated", ()):
            where = f"{path}.{key}" if path else key
            self.warnings.append(f"key {where} appears more than once; its last value was kept")
        return value

    def items(self, parent: dict[str, Any], key: str, path: str) -> list[Any]:
        value = parent.get(key, MISSING)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.fail(f"{path}.{key}", f"must be a list, not {_json_type(value)}")
            return []
        return value

    def string(
        self,
        parent: dict[str, Any],
        key: str,
        path: str,
        *,
        default: str | None = None,
        non_empty: bool = False,
        nullable: bool = False,
    ) -> str | None:
        where = f"{path}.{key}"
        value = parent.get(key, MISSING)
        if value is MISSING:
            if default is None and not nullable:
                self.fail(where, "is required")
            return default
        if value is None:
            if not nullable:
                self.fail(where, "must be a string, not null")
            return None
        if not isinstance(value, str):
            self.fail(where, f"must be a string, not {_json_type(value)}")
            return default
        if non_empty and not value.strip():
            self.fail(where, "must not be empty (at least one character that is not white space)")
        return value

    def choice(
        self,
        parent: dict[str, Any],
        key: str,
        path: str,
        enum: type[E],
        *,
        default: E | None = None,
        nullable: bool = False,
    ) -> E | None:
        where = f"{path}.{key}"
        value = parent.get(key, MISSING)
        allowed = ", ".join(f'"{member.value}"' for member in enum)
        if value is MISSING:
            if default is None and not nullable:
                self.fail(where, f"is required (one of {allowed})")
            return default
        if value is None and nullable:
            return None
        if isinstance(value, str):
            for member in enum:
                if member.value == value:
                    return member
        shown = json.dumps(value, ensure_ascii=False)
        self.fail(where, f"must be one of {allowed}{' or null' if nullable else ''}, not {shown}")
        return default


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 date-time that names its UTC offset and falls within the years 1 to 9999 in
    UTC too, or None."""
    if not _DATETIME_RE.fullmatch(text.strip()):
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    try:
        parsed.astimezone(UTC)  # stored in UTC: 0001-01-01T00:30+01:00 is before year 1
    except OverflowError:
        return None
    return parsed


def format_datetime(moment: datetime) -> str:
    offset = moment.utcoffset()
    text = moment.isoformat()
    if offset == timedelta(0) and text.endswith("+00:00"):
        return text[: -len("+00:00")] + "Z"
    return text


def read_file(path: str | os.PathLike[str]) -> ImportedFile:
    """Read and check one interchange file; raise InterchangeError naming every broken rule."""
    source = os.fspath(path)
    try:
        raw = Path(source).read_bytes()
    except FileNotFoundError:
        raise InterchangeError(source, [Problem("", "does not exist")]) from None
    except IsADirectoryError:
        raise InterchangeError(source, [Problem("", "is a folder, not a file")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InterchangeError(source, [Problem("", f"cannot be read ({reason})")]) from None
    return read_bytes(raw, source)


def read_bytes(raw: bytes, source: str = "<data>") -> ImportedFile:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem("", f"is not UTF-8 text (byte {exc.start} cannot be decoded)")
        raise InterchangeError(source, [problem]) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_object)
    except (json.JSONDecodeError, ValueError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            rule = f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        else:
            rule = f"is not valid JSON: {exc}"
        raise InterchangeError(source, [Problem("", rule)]) from None
    except RecursionError:
        rule = "nests lists or objects too deeply to be a postmortem (thousands of levels)"
        raise InterchangeError(source, [Problem("", rule)]) from None
    return read_document(document, source)


def _unpaired_surrogates(document: Any, limit: int = 10) -> list[Problem]:
    """Strings holding half a UTF-16 pair (JSON's "\\ud800" alone): no character at all, and
    nothing a library can store. Found without recursion, whatever the document's depth."""
    found: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack and len(found) < limit:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                where = f"{path}.{key}" if path else str(key)
                if not _is_text(key):
                    found.append(Problem(path, f"has a key {key!r} that is not text"))
                stack.append((where, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, str) and not _is_text(value):
            found.append(
                Problem(
                    path,
                    "holds an unpaired UTF-16 surrogate (such as \\ud800 alone), which is not "
                    "a character; remove it or write the whole character",
                )
            )
    return found


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers the keys it held more than once (JSON keeps the last)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = _JsonObject(pairs)
    if len(found) != len(pairs):
        counts = Counter(key for key, _ in pairs)
        found.repeated = tuple(key for key, count in counts.items() if count > 1)
    return found


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def read_document(document: Any, source: str = "<data>") -> ImportedFile:
    broken = _unpaired_surrogates(document)
    if broken:
        raise InterchangeError(source, broken)
    checker = _Checker()
    postmortem = _read_envelope(checker, document)
    if checker.problems or postmortem is None:
        if not checker.problems:  # pragma: no cover - a None result always comes with a problem
            checker.fail("", "is not a pmdesk postmortem")
        raise InterchangeError(source, checker.problems)
    return ImportedFile(postmortem, checker.warnings)


def _read_envelope(checker: _Checker, document: Any) -> Postmortem | None:
    top = checker.obj(document, "", "")
    if top is None:
        return None
    if top.get("format") != FORMAT_NAME:
        shown = json.dumps(top.get("format"), ensure_ascii=False) if "format" in top else "missing"
        checker.fail("format", f'must be "{FORMAT_NAME}" (found {shown}); is this a pmdesk file?')
        return None
    version = top.get("version", MISSING)
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        checker.fail(
            "version",
            f"is {version}: the file was written by a newer pmdesk; this one reads version "
            f"{FORMAT_VERSION}. Update pmdesk to import it.",
        )
        return None
    if version is MISSING:
        checker.fail("version", f"is required (the integer {FORMAT_VERSION})")
    elif version != FORMAT_VERSION or isinstance(version, bool) or not isinstance(version, int):
        checker.fail("version", f"must be the integer {FORMAT_VERSION}, not {json.dumps(version)}")
    if "postmortem" not in top:
        checker.fail("postmortem", "is required")
        return None
    return _read_postmortem(checker, top["postmortem"])


def _read_postmortem(checker: _Checker, value: Any) -> Postmortem | None:
    path = "postmortem"
    pm = checker.obj(value, path, "postmortem")
    if pm is None:
        return None
    title = checker.string(pm, "title", path, non_empty=True) or ""
    if len(title) > MAX_TITLE_LENGTH:
        checker.fail(f"{path}.title", f"is {len(title)} characters; at most {MAX_TITLE_LENGTH}")
    # An empty zone is refused like any other that is not one; only a missing one means UTC.
    timezone = checker.string(pm, "timezone", path, default="UTC", non_empty=True) or "UTC"
    if timezone.strip() and not is_timezone_name(timezone):
        checker.fail(
            f"{path}.timezone",
            f'"{timezone}" is not an IANA time zone name (such as "Europe/Berlin" or "UTC")',
        )
    postmortem = Postmortem(
        title=title,
        kind=checker.choice(pm, "kind", path, PostmortemKind, default=PostmortemKind.INCIDENT)
        or PostmortemKind.INCIDENT,
        severity=checker.choice(pm, "severity", path, Severity, nullable=True),
        status=checker.choice(pm, "status", path, PostmortemStatus, default=PostmortemStatus.DRAFT)
        or PostmortemStatus.DRAFT,
        timezone=timezone,
        summary=checker.string(pm, "summary", path, default="") or "",
    )
    _read_impact(checker, pm, postmortem)
    postmortem.participants = _read_list(checker, pm, "participants", "participant", _participant)
    postmortem.tags = _read_tags(checker, pm)
    file_order_events = _read_list(checker, pm, "timeline", "event", _event)
    postmortem.timeline = list(file_order_events)
    postmortem.sort_timeline()
    postmortem.causes = _read_causes(checker, pm, file_order_events)
    postmortem.actions = _read_actions(checker, pm, postmortem.causes)
    postmortem.lessons = _read_list(checker, pm, "lessons", "lesson", _lesson)
    postmortem.meeting = _read_meeting(checker, pm, postmortem.actions)
    return postmortem


T = TypeVar("T")
ItemReader = Callable[[_Checker, dict[str, Any], str], T | None]


def _read_list(
    checker: _Checker,
    pm: dict[str, Any],
    key: str,
    known: str,
    reader: ItemReader[T],
    base: str = "postmortem",
) -> list[T]:
    result: list[T] = []
    for index, value in enumerate(checker.items(pm, key, base)):
        path = f"{base}.{key}[{index}]"
        item = checker.obj(value, path, known)
        if item is not None:
            read = reader(checker, item, path)
            if read is not None:
                result.append(read)
    return result


def _read_impact(checker: _Checker, pm: dict[str, Any], postmortem: Postmortem) -> None:
    if "impact" not in pm:
        return
    impact = checker.obj(pm["impact"], "postmortem.impact", "impact")
    if impact is None:
        return
    summary = checker.string(impact, "summary", "postmortem.impact", default="")
    postmortem.impact_summary = summary or ""
    postmortem.metrics = _read_list(
        checker, impact, "metrics", "metric", _metric, base="postmortem.impact"
    )


def _metric(checker: _Checker, item: dict[str, Any], path: str) -> ImpactMetric | None:
    name = checker.string(item, "name", path)
    value = item.get("value", MISSING)
    if value is MISSING:
        checker.fail(f"{path}.value", "is required (a number)")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        checker.fail(f"{path}.value", f"must be a number, not {_json_type(value)}")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        checker.fail(f"{path}.value", "must be a finite number")
        return None
    unit = checker.string(item, "unit", path, nullable=True)
    return ImpactMetric(name or "", value, unit) if name is not None else None


def _participant(checker: _Checker, item: dict[str, Any], path: str) -> Participant | None:
    name = checker.string(item, "name", path)
    role = checker.string(item, "role", path, nullable=True)
    return Participant(name, role) if name is not None else None


def _read_tags(checker: _Checker, pm: dict[str, Any]) -> list[str]:
    tags: list[str] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(checker.items(pm, "tags", "postmortem")):
        path = f"postmortem.tags[{index}]"
        if not isinstance(value, str):
            checker.fail(path, f"must be a string, not {_json_type(value)}")
            continue
        folded = tag_key(value)
        if folded in seen:
            checker.fail(
                path,
                f'"{value}" repeats tags[{seen[folded]}] (tags are compared ignoring case)',
            )
            continue
        seen[folded] = index
        tags.append(value)
    return tags


def _event(checker: _Checker, item: dict[str, Any], path: str) -> TimelineEvent | None:
    at_text = checker.string(item, "at", path)
    at = None
    if at_text is not None:
        at = parse_datetime(at_text)
        if at is None:
            checker.fail(
                f"{path}.at",
                f'"{at_text}" is not an ISO 8601 date-time with a UTC offset in the years 1 to '
                '9999 (such as "2026-03-02T14:05:00+01:00" or "2026-03-02T13:05:00Z")',
            )
    kind = checker.choice(item, "kind", path, EventKind)
    text = checker.string(item, "text", path, non_empty=True)
    source = checker.string(item, "source", path, nullable=True)
    if at is None or kind is None or text is None:
        return None
    return TimelineEvent(at=at, kind=kind, text=text, source=source)


def _read_causes(
    checker: _Checker, pm: dict[str, Any], file_events: list[TimelineEvent]
) -> list[Cause]:
    timeline_length = len(checker.items(pm, "timeline", "postmortem"))
    causes: list[Cause] = []
    parents: dict[str, tuple[str | None, str]] = {}  # ref -> (parent ref, path)
    by_ref: dict[str, Cause] = {}
    for index, value in enumerate(checker.items(pm, "causes", "postmortem")):
        path = f"postmortem.causes[{index}]"
        item = checker.obj(value, path, "cause")
        if item is None:
            continue
        ref = _read_id(checker, item, path, by_ref, "cause")
        parent = checker.string(item, "parent", path, nullable=True)
        text = checker.string(item, "text", path, non_empty=True)
        systemic = item.get("systemic", False)
        if not isinstance(systemic, bool):
            checker.fail(f"{path}.systemic", f"must be true or false, not {_json_type(systemic)}")
            systemic = False
        evidence = _read_evidence(checker, item, path, timeline_length, file_events)
        themes = _read_themes(checker, item, path)
        if ref is None or text is None:
            continue
        cause = Cause(ref=ref, text=text, systemic=systemic, evidence=evidence, themes=themes)
        by_ref[ref] = cause
        parents[ref] = (parent, path)
        causes.append(cause)
    for ref, (parent, path) in parents.items():
        if parent is None:
            continue
        if parent not in by_ref:
            checker.fail(f"{path}.parent", f'"{parent}" is not the id of any cause in this file')
        else:
            by_ref[ref].parent_id = by_ref[parent].id
    _check_cycles(checker, causes, parents)
    return causes


def _read_id(
    checker: _Checker, item: dict[str, Any], path: str, taken: dict[str, Any], what: str
) -> str | None:
    ref = checker.string(item, "id", path, non_empty=True)
    if ref is not None and ref in taken:
        checker.fail(f"{path}.id", f'"{ref}" is used by another {what}; ids must be unique')
        return None
    return ref


def _read_evidence(
    checker: _Checker,
    item: dict[str, Any],
    path: str,
    timeline_length: int,
    file_events: list[TimelineEvent],
) -> list[str]:
    evidence: list[str] = []
    for position, value in enumerate(checker.items(item, "evidence", path)):
        where = f"{path}.evidence[{position}]"
        if isinstance(value, bool) or not isinstance(value, int):
            checker.fail(where, f"must be an index into timeline, not {_json_type(value)}")
        elif not 0 <= value < timeline_length:
            checker.fail(
                where, f"is {value}, but timeline has {timeline_length} events (indexes from 0)"
            )
        elif value < len(file_events) and timeline_length == len(file_events):
            event_id = file_events[value].id
            if event_id in evidence:
                checker.fail(where, f"cites timeline[{value}] twice")
            else:
                evidence.append(event_id)
    return evidence


def _read_themes(checker: _Checker, item: dict[str, Any], path: str) -> list[str]:
    """The optional `themes` of a cause, pmdesk's addition to the format: the names of its
    contributing-factor themes, each non-empty, at most MAX_THEME_NAME_LENGTH characters, and
    none twice as `theme_key` compares them (ignoring case and spacing)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(checker.items(item, "themes", path)):
        where = f"{path}.themes[{index}]"
        if not isinstance(value, str):
            checker.fail(where, f"must be a string (a theme's name), not {_json_type(value)}")
        elif not value.strip():
            checker.fail(
                where, "must not be empty (at least one character that is not white space)"
            )
        elif len(value) > MAX_THEME_NAME_LENGTH:
            checker.fail(where, f"is {len(value)} characters; at most {MAX_THEME_NAME_LENGTH}")
        elif theme_key(value) in seen:
            checker.fail(
                where,
                f'"{value}" repeats themes[{seen[theme_key(value)]}] (themes are compared '
                "ignoring case and spacing)",
            )
        else:
            seen[theme_key(value)] = index
            names.append(value)
    return names


def _check_cycles(
    checker: _Checker, causes: list[Cause], parents: dict[str, tuple[str | None, str]]
) -> None:
    """Report each loop of parents once, at the first cause (in file order) that leads into it.

    Each cause is walked over once in all: a walk stops at a cause an earlier walk has already
    settled, so a chain thousands of whys deep costs time in proportion to its length.
    """
    settled: set[str] = set()
    for cause in causes:
        path: list[str] = []
        on_path: dict[str, int] = {}  # ref -> its index in path
        current: str | None = cause.ref
        while current is not None and current in parents and current not in settled:
            if current in on_path:
                loop = [*path[on_path[current] :], current]
                checker.fail(
                    f"{parents[cause.ref][1]}.parent",
                    f"makes a cycle {_loop_text(loop)}; a cause cannot answer why for itself or "
                    "its own ancestors",
                )
                break
            on_path[current] = len(path)
            path.append(current)
            current = parents[current][0]
        settled.update(path)


def _loop_text(loop: list[str]) -> str:
    """A loop of cause ids, its first id again at its end: "(c1 → c2 → c1)", and a long one with
    only its ends, so that a loop of thousands stays a line of a message."""
    if len(loop) <= 9:
        return f"({' → '.join(loop)})"
    ends = [*loop[:3], f"… {len(loop) - 7:,} more …", *loop[-4:]]
    return f"of {len(loop) - 1:,} causes ({' → '.join(ends)})"


def _read_actions(checker: _Checker, pm: dict[str, Any], causes: list[Cause]) -> list[ActionItem]:
    cause_ids = {cause.ref: cause.id for cause in causes}
    actions: list[ActionItem] = []
    taken: dict[str, ActionItem] = {}
    for index, value in enumerate(checker.items(pm, "actions", "postmortem")):
        path = f"postmortem.actions[{index}]"
        item = checker.obj(value, path, "action")
        if item is None:
            continue
        ref = _read_id(checker, item, path, taken, "action")
        title = checker.string(item, "title", path, non_empty=True)
        owner = checker.string(item, "owner", path, nullable=True)
        due = _read_due(checker, item, path)
        if "status" not in item:
            checker.warnings.append(f"{path}.status is missing: the action is taken as open")
        status = checker.choice(item, "status", path, ActionStatus, default=ActionStatus.OPEN)
        priority = checker.choice(item, "priority", path, Priority, nullable=True)
        cause_ref = checker.string(item, "cause", path, nullable=True)
        notes = checker.string(item, "notes", path, default="") or ""
        history = _read_history(checker, item, path)
        cause_id = None
        if cause_ref is not None:
            cause_id = cause_ids.get(cause_ref)
            if cause_id is None:
                checker.fail(f"{path}.cause", f'"{cause_ref}" is not the id of any cause')
        if ref is None or title is None:
            continue
        action = ActionItem(
            ref=ref,
            title=title,
            owner=owner,
            due=due,
            status=status or ActionStatus.OPEN,
            priority=priority,
            cause_id=cause_id,
            notes=notes,
            history=history,
        )
        taken[ref] = action
        actions.append(action)
    return actions


def _read_history(checker: _Checker, item: dict[str, Any], path: str) -> list[ActionChange]:
    """The optional `history` of an action: dated changes of its status, owner, due date or
    priority, oldest first (a pmdesk addition to the format; files without it stay valid).
    """
    history: list[ActionChange] = []
    for index, value in enumerate(checker.items(item, "history", path)):
        where = f"{path}.history[{index}]"
        change = checker.obj(value, where, "change")
        if change is None:
            continue
        at_text = checker.string(change, "at", where)
        at = parse_datetime(at_text) if at_text is not None else None
        if at_text is not None and at is None:
            checker.fail(
                f"{where}.at",
                f'"{at_text}" is not a date-time with a UTC offset in the years 1 to 9999',
            )
        changed = checker.choice(change, "field", where, ActionField)
        old = checker.string(change, "from", where, nullable=True)
        new = checker.string(change, "to", where, nullable=True)
        note = checker.string(change, "note", where, default="") or ""
        if changed is not None:
            for key, text in (("from", old), ("to", new)):
                if text is not None and not _is_field_value(changed, text):
                    checker.fail(f"{where}.{key}", f'"{text}" is not a {changed.value} value')
        if at is not None and changed is not None:
            history.append(ActionChange(at, changed, old, new, note))
    return history


def _is_field_value(changed: ActionField, text: str) -> bool:
    if changed is ActionField.STATUS:
        return text in {s.value for s in ActionStatus}
    if changed is ActionField.PRIORITY:
        return text in {p.value for p in Priority}
    if changed is ActionField.DUE:
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return bool(_DATE_RE.fullmatch(text))
    return True  # an owner is any text


def _read_due(checker: _Checker, item: dict[str, Any], path: str) -> date | None:
    text = checker.string(item, "due", path, nullable=True)
    if text is None:
        return None
    try:
        if not _DATE_RE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        checker.fail(f"{path}.due", f'"{text}" is not a date written YYYY-MM-DD (or null)')
        return None


def _lesson(checker: _Checker, item: dict[str, Any], path: str) -> Lesson | None:
    kind = checker.choice(item, "kind", path, LessonKind)
    text = checker.string(item, "text", path, non_empty=True)
    return Lesson(kind, text) if kind is not None and text is not None else None


# --- the review meeting (a pmdesk addition to the format; files without it stay valid) --------


def _read_meeting(
    checker: _Checker, pm: dict[str, Any], actions: list[ActionItem]
) -> Meeting | None:
    if "meeting" not in pm:
        return None
    path = "postmortem.meeting"
    item = checker.obj(pm["meeting"], path, "meeting")
    if item is None:
        return None
    started = _read_moment(checker, item, "started", path)
    ended = _read_moment(checker, item, "ended", path)
    if started is not None and ended is not None and ended < started:
        checker.fail(
            f"{path}.ended",
            f'"{format_datetime(ended)}" is before started ("{format_datetime(started)}"); a '
            "meeting cannot end before it starts",
        )
    return Meeting(
        agenda=_read_agenda(checker, item, path),
        attendees=_read_attendance(checker, item, path),
        parking_lot=_read_parking_lot(checker, item, path, actions),
        decisions=_read_list(checker, item, "decisions", "decision", _decision, base=path),
        started=started,
        ended=ended,
    )


def _read_moment(checker: _Checker, item: dict[str, Any], key: str, path: str) -> datetime | None:
    text = checker.string(item, key, path, nullable=True)
    if text is None:
        return None
    moment = parse_datetime(text)
    if moment is None:
        checker.fail(
            f"{path}.{key}",
            f'"{text}" is not an ISO 8601 date-time with a UTC offset in the years 1 to 9999 '
            '(such as "2026-03-05T10:00:00+01:00") or null',
        )
    return moment


def _read_agenda(checker: _Checker, item: dict[str, Any], path: str) -> list[Timebox]:
    """Each step at most once, in any order; the agenda comes back whole and in step order."""
    boxes: list[Timebox] = []
    listed: dict[Step, int] = {}
    for index, value in enumerate(checker.items(item, "agenda", path)):
        where = f"{path}.agenda[{index}]"
        entry = checker.obj(value, where, "timebox")
        if entry is None:
            continue
        step = checker.choice(entry, "step", where, Step)
        default = DEFAULT_MINUTES[step] if step is not None else MIN_MINUTES
        minutes = _whole_number(checker, entry, "minutes", where, default, MIN_MINUTES, MAX_MINUTES)
        spent = _whole_number(checker, entry, "spent_seconds", where, 0, 0, MAX_STORED_INTEGER)
        if step is None:
            continue
        if step in listed:
            checker.fail(
                f"{where}.step",
                f'"{step.value}" repeats agenda[{listed[step]}]; list each step once',
            )
            continue
        listed[step] = index
        boxes.append(Timebox(step, minutes, spent))
    return complete_agenda(boxes)


def _whole_number(
    checker: _Checker,
    item: dict[str, Any],
    key: str,
    path: str,
    default: int,
    low: int,
    high: int | None,
) -> int:
    value = item.get(key, MISSING)
    if value is MISSING:
        return default
    where = f"{path}.{key}"
    allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
    if not is_whole_number(value):
        shown = json.dumps(value, ensure_ascii=False)
        checker.fail(where, f"must be a whole number {allowed}, not {shown}")
        return default
    if value < low or (high is not None and value > high):
        checker.fail(where, f"is {value}; it must be {allowed}")
        return default
    return value


def _read_attendance(checker: _Checker, item: dict[str, Any], path: str) -> list[Attendee]:
    attendees: list[Attendee] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(checker.items(item, "attendance", path)):
        where = f"{path}.attendance[{index}]"
        entry = checker.obj(value, where, "attendee")
        if entry is None:
            continue
        name = checker.string(entry, "name", where, non_empty=True)
        role = checker.choice(entry, "role", where, Role, default=Role.ATTENDEE)
        if name is None or not name.strip():
            continue
        if len(name) > MAX_ATTENDEE_NAME_LENGTH:
            checker.fail(
                f"{where}.name", f"is {len(name)} characters; at most {MAX_ATTENDEE_NAME_LENGTH}"
            )
        key = attendee_key(name)
        if key in seen:
            checker.fail(
                f"{where}.name",
                f'"{name}" repeats attendance[{seen[key]}] (names are compared ignoring case)',
            )
            continue
        seen[key] = index
        attendees.append(Attendee(name, role or Role.ATTENDEE))
    return attendees


def _read_parking_lot(
    checker: _Checker, item: dict[str, Any], path: str, actions: list[ActionItem]
) -> list[ParkedPoint]:
    """Parked points; `action` names the action (by its id in the file) a point became."""
    action_ids = {action.ref: action.id for action in actions}
    points: list[ParkedPoint] = []
    became: dict[str, int] = {}
    for index, value in enumerate(checker.items(item, "parking_lot", path)):
        where = f"{path}.parking_lot[{index}]"
        entry = checker.obj(value, where, "parked")
        if entry is None:
            continue
        text = _point_text(checker, entry, where)
        ref = checker.string(entry, "action", where, nullable=True)
        action_id = None
        if ref is not None:
            action_id = action_ids.get(ref)
            if action_id is None:
                checker.fail(f"{where}.action", f'"{ref}" is not the id of any action')
            elif ref in became:
                checker.fail(
                    f"{where}.action",
                    f'"{ref}" is already the action of parking_lot[{became[ref]}]; each parked '
                    "point becomes an action of its own",
                )
            else:
                became[ref] = index
        if text is not None:
            points.append(ParkedPoint(text, action_id))
    return points


def _decision(checker: _Checker, item: dict[str, Any], path: str) -> Decision | None:
    text = _point_text(checker, item, path)
    return Decision(text) if text is not None else None


def _point_text(checker: _Checker, item: dict[str, Any], path: str) -> str | None:
    text = checker.string(item, "text", path, non_empty=True)
    if text is not None and len(text) > MAX_POINT_LENGTH:
        checker.fail(f"{path}.text", f"is {len(text)} characters; at most {MAX_POINT_LENGTH}")
    return text


# --- writing ----------------------------------------------------------------------------------


def to_document(postmortem: Postmortem) -> dict[str, Any]:
    """The interchange document for a postmortem, keys in the order the spec shows them."""
    event_index = {event.id: index for index, event in enumerate(postmortem.timeline)}
    cause_refs = {cause.id: cause.ref for cause in postmortem.causes}
    causes = []
    for cause in postmortem.causes:
        entry: dict[str, Any] = {
            "id": cause.ref,
            "parent": cause_refs.get(cause.parent_id) if cause.parent_id else None,
            "text": cause.text,
            "systemic": cause.systemic,
        }
        if cause.evidence:
            entry["evidence"] = [event_index[e] for e in cause.evidence if e in event_index]
        if cause.themes:  # optional: a file without themes is the same as one with none
            entry["themes"] = list(cause.themes)
        causes.append(entry)
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "postmortem": {
            "title": postmortem.title,
            "kind": postmortem.kind.value,
            "severity": postmortem.severity.value if postmortem.severity else None,
            "status": postmortem.status.value,
            "timezone": postmortem.timezone,
            "summary": postmortem.summary,
            "impact": {
                "summary": postmortem.impact_summary,
                "metrics": [
                    {"name": m.name, "value": m.value, "unit": m.unit} for m in postmortem.metrics
                ],
            },
            "participants": [{"name": p.name, "role": p.role} for p in postmortem.participants],
            "tags": list(postmortem.tags),
            "timeline": [
                {
                    "at": format_datetime(event.at),
                    "kind": event.kind.value,
                    "text": event.text,
                    "source": event.source,
                }
                for event in postmortem.timeline
            ],
            "causes": causes,
            "actions": [_action_entry(action, cause_refs) for action in postmortem.actions],
            "lessons": [{"kind": x.kind.value, "text": x.text} for x in postmortem.lessons],
        },
    }
    if postmortem.meeting is not None:  # optional: no meeting is written as no key
        action_refs = {action.id: action.ref for action in postmortem.actions}
        document["postmortem"]["meeting"] = _meeting_entry(postmortem.meeting, action_refs)
    return document


def _action_entry(action: ActionItem, cause_refs: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": action.ref,
        "title": action.title,
        "owner": action.owner,
        "due": action.due.isoformat() if action.due else None,
        "status": action.status.value,
        "priority": action.priority.value if action.priority else None,
        "cause": cause_refs.get(action.cause_id) if action.cause_id else None,
        "notes": action.notes,
    }
    if action.history:  # optional: a file without history is the same as one with none
        entry["history"] = [
            {
                "at": format_datetime(change.at),
                "field": change.field.value,
                "from": change.old,
                "to": change.new,
                "note": change.note,
            }
            for change in action.history
        ]
    return entry


def _meeting_entry(meeting: Meeting, action_refs: dict[str, str]) -> dict[str, Any]:
    return {
        "started": format_datetime(meeting.started) if meeting.started else None,
        "ended": format_datetime(meeting.ended) if meeting.ended else None,
        "agenda": [
            {"step": box.step.value, "minutes": box.minutes, "spent_seconds": box.spent_seconds}
            for box in meeting.agenda
        ],
        "attendance": [{"name": a.name, "role": a.role.value} for a in meeting.attendees],
        "parking_lot": [
            {"text": p.text, "action": action_refs.get(p.action_id) if p.action_id else None}
            for p in meeting.parking_lot
        ],
        "decisions": [{"text": d.text} for d in meeting.decisions],
    }


def dumps(postmortem: Postmortem) -> str:
    return json.dumps(to_document(postmortem), ensure_ascii=False, indent=2) + "\n"


def write_file(postmortem: Postmortem, path: str | os.PathLike[str]) -> None:
    """Write atomically: a crash mid-write leaves the old file, never half a new one."""
    write_text_atomically(Path(path), dumps(postmortem))


def write_text_atomically(target: Path, text: str) -> None:
    write_bytes_atomically(target, text.encode("utf-8"))


def write_bytes_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename it over the
    target: a crash or a full disk leaves the old file, never half a new one.

    Only a regular file is ever replaced. A character device or a pipe (`/dev/stdout`, a FIFO)
    is written through, as the user asked; a folder, a socket or a block device is refused. A
    new file gets the mode the umask gives, a replaced one keeps its own.
    """
    try:
        found = target.stat()  # what the name leads to, through any links
    except FileNotFoundError:
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode):
        # Opened by the name given: /dev/stdout leads to a pipe no name in a folder reaches.
        _write_through(target, found.st_mode, data)
        return
    target = target.resolve()
    temp = _new_temporary(target)
    try:
        with temp.open("wb") as handle:
            if found is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(found.st_mode))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _new_temporary(target: Path) -> Path:
    """A new, empty file beside `target`, made with mode 0666 less the umask (the kernel takes
    the umask off, as for any file a program creates; mkstemp's 0600 would hide an export from
    the team that shares its folder)."""
    for _ in range(100):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def _write_through(target: Path, mode: int, data: bytes) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        kind = "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise OSError(errno.EINVAL, f"it is {kind}, not a file", str(target))
    with target.open("wb") as handle:  # a terminal, /dev/null, a pipe: as asked
        handle.write(data)
