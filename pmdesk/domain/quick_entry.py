"""Fast keyboard entry of timeline events: one typed line, or a pasted chat log or CSV.

A scribe in a live review types "14:05 Config pushed" and presses Enter, so the words people
use in the meeting must be enough. Everything here is a pure function of the text, the
postmortem's zone, the latest event so far (`reference`) and today's date: the UI can preview a
paste and then add it as one undo step.

Decisions, so that help text and behaviour agree:

* A time of day falls on the reference's date in the zone (today without one). If that is more
  than 12 hours before the reference it means the next day, so a log crossing midnight reads
  naturally. Going back across midnight needs a date ("2026-03-01 23:55 ...").
* Wall-clock times get the zone's UTC offset at that moment, as a fixed offset. A time skipped
  by a spring-forward change (Berlin 2026-03-29 02:30) moves forward by the gap (03:30+02:00),
  as calendars do: the note came from a clock about to jump, and an error mid-review helps
  nobody. A time that happens twice (autumn) is the first one (fold=0). An explicit offset
  ("14:05+01:00", "Z") is kept as written.
* "+5m", "+90s", "+1h30m", "+1d" count elapsed time from the reference.
* A known kind word followed by ":" or in brackets is the kind, even at the start of a sentence:
  "14:05 Decision: roll back" is a decision "roll back", since that is how scribes label lines.
  To keep the word as text, label the line: "14:05 event: Decision: roll back". Other words
  ("Note:") stay text.
* Pasted chat lines ("[14:05] dana: ...", "14:05 <dana> ...", and Slack copies: "Dana  2:05 PM"
  - two spaces or a tab before the time - over the message line) keep the speaker in the text
  ("dana: ...") and are plain events: in a chat "comms:" is more likely a person than a kind.
* A pasted line without a time continues the event above it (joined with a newline), as wrapped
  chat messages do; before any event or after a skipped line it is skipped.
* A paste whose first line is a CSV header naming a time and a text column (any order, optional
  kind and source), or whose first field is an ISO 8601 time with an offset ("at,kind,text" and
  optional source, no header), is read as CSV throughout.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from pmdesk.domain.model import EventKind, TimelineEvent
from pmdesk.domain.patterns import LazyPattern

_TOO_FAR = "“{}” is too far from the other events to place; check the date and time."
EXAMPLES = "for example “14:05 Config pushed”, “2:05 PM Alert fired” or “+5m Rolled back”"
ROLLOVER = timedelta(hours=12)  # a time of day this far before the reference means tomorrow

_STAMP = (
    r"(?P<stamp>(?:(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:[Tt]|\s+))?"
    r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?"
    r"(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?(?!\w))?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:?[0-9]{2})?)"
)
_END = r"(?=\s|:(?:\s|$)|$)"  # a time ends at a space, a "14:05: ..." colon or the line's end
_STAMP_RE = LazyPattern(_STAMP + _END)
_RELATIVE_RE = LazyPattern(
    r"(?P<stamp>\+(?=[0-9])(?:(?P<d>[0-9]{1,5})d)?(?:(?P<h>[0-9]{1,6})h)?"
    r"(?:(?P<m>[0-9]{1,8})m)?(?:(?P<s>[0-9]{1,9})s)?)" + _END,
    re.IGNORECASE,
)
_SEPARATOR_RE = LazyPattern(r"^\s*(?:[-\u2013\u2014|:](?:\s+|$))?")  # "14:05 - text", "14:05: text"
_KIND_RE = LazyPattern(r"(?:\[\s*(?P<bracketed>[A-Za-z]+)\s*\]|(?P<labelled>[A-Za-z]+)\s*:)\s*")
_BRACKETED_RE = LazyPattern(rf"\[\s*{_STAMP}\s*\]\s*(?P<rest>.*)", re.DOTALL)
_NICK_LINE_RE = LazyPattern(rf"{_STAMP}\s+(?P<rest><[^<>\s]+>.*)", re.DOTALL)
_NICK_RE = LazyPattern(r"<(?P<nick>[^<>\s]+)>\s*(?P<said>.*)", re.DOTALL)
_SLACK_RE = LazyPattern(rf"(?:(?P<name>[^\s\d\[<+]\S*(?: \S+){{0,3}})(?: {{2,}}|\t)\s*)?{_STAMP}")
_TIMELIKE_RE = LazyPattern(r"[\[(]?\s*(?:[0-9]{1,2}:[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}|\+[0-9])")

_KIND_WORDS: dict[str, EventKind] = {kind.value: kind for kind in EventKind} | {
    "triggered": EventKind.TRIGGER, "detect": EventKind.DETECTION, "detected": EventKind.DETECTION,
    "escalate": EventKind.ESCALATION, "escalated": EventKind.ESCALATION,
    "comms": EventKind.COMMUNICATION, "decided": EventKind.DECISION,
    "mitigate": EventKind.MITIGATION, "mitigated": EventKind.MITIGATION,
    "resolve": EventKind.RESOLUTION, "resolved": EventKind.RESOLUTION,
}  # fmt: skip
_CSV_HEADERS = {"at": "at", "time": "at", "timestamp": "at", "when": "at", "text": "text"} | {
    "event": "text", "description": "text", "message": "text", "what": "text",
    "kind": "kind", "type": "kind", "source": "source",
}  # fmt: skip
_HEADERLESS = {"at": 0, "kind": 1, "text": 2, "source": 3}


class QuickEntryError(Exception):
    """A line that cannot be read; the message says what is wrong and shows a line that works."""


@dataclass(frozen=True, slots=True)
class QuickEntry:
    """One event read from text; `at` is aware and carries the offset it will be stored with."""

    at: datetime
    kind: EventKind
    text: str
    source: str | None = None  # only CSV has a column for it

    def to_event(self) -> TimelineEvent:
        return TimelineEvent(at=self.at, kind=self.kind, text=self.text, source=self.source)


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A pasted line left out of the preview, so the scribe can fix it by hand."""

    number: int  # 1-based, as an editor counts
    line: str
    reason: str


@dataclass(slots=True)
class PastePreview:
    events: list[QuickEntry] = field(default_factory=list)  # in the order of the lines
    skipped: list[SkippedLine] = field(default_factory=list)


def parse_quick_entry(
    line: str, zone: ZoneInfo, reference: datetime | None, today: date
) -> QuickEntry:
    """Read one typed line: a time, an optional kind, then what happened."""
    stripped = line.strip()
    if not stripped:
        raise QuickEntryError(f"Type a time and what happened, {EXAMPLES}.")
    at, rest = _read_time(stripped, zone, _aware(reference, zone), today)
    kind, text = _read_kind(rest)
    if not text:
        raise QuickEntryError("Say what happened after the time, for example “14:05 Alert fired”.")
    return QuickEntry(at, kind, text)


def parse_pasted_lines(
    text: str, zone: ZoneInfo, reference: datetime | None, today: date
) -> PastePreview:
    """Read a paste for preview. Never raises: what cannot be read is listed in `skipped`."""
    paste = _Paste(zone, _aware(reference, zone), today)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = next((line for line in text.split("\n") if line.strip()), "")
    layout = _csv_layout(first)
    if layout is None:
        paste.read_lines(text)
    else:
        paste.read_csv(text, *layout)
    return paste.preview


def _aware(reference: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A naive reference is taken as wall-clock time in the zone rather than refused."""
    naive = reference is not None and reference.tzinfo is None
    return reference.replace(tzinfo=zone) if reference and naive else reference


def _read_time(
    line: str, zone: ZoneInfo, reference: datetime | None, today: date
) -> tuple[datetime, str]:
    """The moment `line` starts with, and the rest of the line after any separator."""
    if match := _RELATIVE_RE.match(line):
        at = _relative(match, zone, reference)
    elif match := _STAMP_RE.match(line):
        at = _absolute(match, zone, reference, today)
    else:
        word = line.split(maxsplit=1)[0][:24] if line.strip() else line
        if word.startswith("+"):
            raise QuickEntryError(
                f"“{word}” is not a time span. Count from the last event with a unit, "
                "for example “+5m”, “+90s”, “+1h30m” or “+1d”."
            )
        raise QuickEntryError(f"“{word}” is not a time. Start the line with one, {EXAMPLES}.")
    return at, _SEPARATOR_RE.sub("", line[match.end() :], count=1).strip()


def _relative(match: re.Match[str], zone: ZoneInfo, reference: datetime | None) -> datetime:
    stamp = match["stamp"]
    if reference is None:
        raise QuickEntryError(
            f"{stamp} needs an earlier event to count from; "
            "give a time of day instead, for example “14:05 Config pushed”."
        )
    hours, minutes, seconds = (int(match[unit] or 0) for unit in "hms")
    span = timedelta(days=int(match["d"] or 0), hours=hours, minutes=minutes, seconds=seconds)
    try:
        return _fixed((reference + span).astimezone(zone))
    except (OverflowError, ValueError):
        raise QuickEntryError(_TOO_FAR.format(stamp)) from None


def _absolute(
    match: re.Match[str], zone: ZoneInfo, reference: datetime | None, today: date
) -> datetime:
    stamp = match["stamp"]
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise QuickEntryError(
                f"“{stamp}” mixes a 24-hour time with AM/PM; write “14:05” or “2:05 PM”."
            )
        hour = hour % 12 + (12 if match["ampm"] in "Pp" else 0)
    try:
        clock = time(hour, minute, second, int((match["fraction"] or "0").ljust(6, "0")))
    except ValueError:
        raise QuickEntryError(
            f"“{stamp}” is not a time of day: hours go from 0 to 23, minutes and seconds "
            "from 0 to 59, for example “23:59 Config pushed”."
        ) from None
    day: date | None = None
    if match["date"]:
        try:
            day = date.fromisoformat(match["date"])
        except ValueError:
            raise QuickEntryError(
                f"“{match['date']}” is not a day in the calendar; write year-month-day, "
                "for example “2026-03-02 14:05 Config pushed”."
            ) from None
    offset = _offset(match["offset"])
    try:
        if day is not None:
            return _place(day, clock, zone, offset)
        day = reference.astimezone(zone).date() if reference else today
        at = _place(day, clock, zone, offset)
        if reference is not None and at < reference - ROLLOVER:
            at = _place(day + timedelta(days=1), clock, zone, offset)
        return at
    except (OverflowError, ValueError):
        raise QuickEntryError(_TOO_FAR.format(stamp)) from None


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text in ("Z", "z"):
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise QuickEntryError(
            f"“{text}” is not a UTC offset; offsets go from -23:59 to +23:59, "
            "for example “14:05+01:00 Config pushed”."
        )
    span = timedelta(hours=hours, minutes=minutes)
    return timezone(-span if text[0] == "-" else span)


def _place(day: date, clock: time, zone: ZoneInfo, offset: tzinfo | None) -> datetime:
    """`clock` on `day`; in the zone, a time skipped by DST moves forward by the gap."""
    if offset is not None:
        return datetime.combine(day, clock, tzinfo=offset)
    wall = datetime.combine(day, clock, tzinfo=zone)  # fold=0: the earlier of a repeated hour
    return _fixed(wall.astimezone(UTC).astimezone(zone))


def _fixed(moment: datetime) -> datetime:
    """The same instant with a fixed offset, like every other time on the timeline."""
    offset = moment.utcoffset()
    return moment if offset is None else moment.astimezone(timezone(offset))


def _read_kind(text: str) -> tuple[EventKind, str]:
    match = _KIND_RE.match(text)
    kind = _KIND_WORDS.get((match["bracketed"] or match["labelled"]).lower()) if match else None
    if match is None or kind is None:
        return EventKind.EVENT, text
    return kind, text[match.end() :].strip()


def _csv_layout(first: str) -> tuple[dict[str, int], bool] | None:
    """Column positions and whether there is a header row, or None if this is not CSV."""
    try:
        cells = [cell.strip().lower() for cell in next(csv.reader([first]))]
    except (csv.Error, StopIteration):
        return None
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if cell in _CSV_HEADERS:
            columns.setdefault(_CSV_HEADERS[cell], index)
    if "at" in columns and "text" in columns:
        return columns, True
    iso = _STAMP_RE.fullmatch(cells[0]) if len(cells) >= 3 else None
    if iso and iso["date"] and iso["offset"] and not iso["ampm"]:  # at,kind,text[,source]
        return _HEADERLESS, False
    return None


@dataclass
class _Paste:
    """Reads a paste line by line; the reference advances so a log may cross midnight."""

    zone: ZoneInfo
    reference: datetime | None
    today: date
    preview: PastePreview = field(default_factory=PastePreview)
    continuable: bool = False  # untimed lines now extend the last event
    header: tuple[int, str, datetime, str | None] | None = None  # a Slack time awaiting its text
    speaker: str | None = None

    def add(self, entry: QuickEntry) -> None:
        self.preview.events.append(entry)
        if self.reference is None or entry.at > self.reference:
            self.reference = entry.at
        self.continuable = True

    def skip(self, number: int, line: str, reason: str) -> None:
        self.preview.skipped.append(SkippedLine(number, line, reason))
        self.continuable = False

    def read_lines(self, text: str) -> None:
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    self.read_line(number, line)
                except QuickEntryError as exc:
                    self.skip(number, line, str(exc))
        self.flush_header()

    def read_line(self, number: int, line: str) -> None:
        stripped = line.strip()
        if slack := _SLACK_RE.fullmatch(stripped):
            self.flush_header()
            at = _absolute(slack, self.zone, self.reference, self.today)
            self.speaker = slack["name"] or self.speaker
            self.header, self.continuable = (number, line, at, self.speaker), False
        elif self.header is not None:
            _, _, at, speaker = self.header
            self.header, said = None, f"{speaker}: {stripped}" if speaker else stripped
            self.add(QuickEntry(at, EventKind.EVENT, said))
        elif chat := _BRACKETED_RE.fullmatch(stripped) or _NICK_LINE_RE.fullmatch(stripped):
            at = _absolute(chat, self.zone, self.reference, self.today)
            said = chat["rest"].strip()
            if nick := _NICK_RE.fullmatch(said):
                said = f"{nick['nick']}: {nick['said'].strip()}" if nick["said"].strip() else ""
            if not said:
                raise QuickEntryError("There is no message after the time.")
            self.add(QuickEntry(at, EventKind.EVENT, said))
        elif not _TIMELIKE_RE.match(stripped):
            if not self.continuable:
                raise QuickEntryError(
                    "This line has no time at the start and no event above it to continue; "
                    "for example “14:05 Config pushed”."
                )
            last = self.preview.events[-1]
            self.preview.events[-1] = replace(last, text=f"{last.text}\n{stripped}")
        else:
            self.add(parse_quick_entry(stripped, self.zone, self.reference, self.today))

    def flush_header(self) -> None:
        if self.header is not None:
            number, line, _, _ = self.header
            self.header = None
            self.skip(number, line, "There is no message on the line after this time.")

    def read_csv(self, text: str, columns: dict[str, int], has_header: bool) -> None:
        lines = text.split("\n")  # as the reader counts them, to show a skipped record
        reader, start, header_pending = csv.reader(io.StringIO(text)), 1, has_header
        try:
            for row in reader:
                number, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                if header_pending:
                    header_pending = False
                    continue
                try:
                    self.add(self.csv_row(row, columns, has_header))
                except QuickEntryError as exc:
                    raw = "\n".join(lines[number - 1 : reader.line_num])
                    self.skip(number, raw, str(exc))
        except csv.Error as exc:
            rest = "\n".join(lines[start - 1 :]).rstrip("\n")
            self.skip(start, rest, f"This is not valid CSV ({exc}); the rest was left out.")

    def csv_row(self, row: list[str], columns: dict[str, int], has_header: bool) -> QuickEntry:
        if not has_header and len(row) not in (3, 4):
            raise QuickEntryError(
                f"This line has {len(row)} fields, not “at,kind,text” or “at,kind,text,source”; "
                "put text with commas in double quotes, "
                'for example “2026-03-02T14:05:00+01:00,detection,"Alert fired, paged"”.'
            )
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in columns.items()}
        at_text, kind_text, text = cells["at"], cells.get("kind", ""), cells["text"]
        if not (_STAMP_RE.fullmatch(at_text) or _RELATIVE_RE.fullmatch(at_text)):
            example = "for example “2026-03-02T14:05:00+01:00” or “14:05”"
            raise QuickEntryError(f"“{at_text[:24]}” is not a time; {example}.")
        at, _ = _read_time(at_text, self.zone, self.reference, self.today)
        kind = _KIND_WORDS.get(kind_text.lower()) if kind_text else EventKind.EVENT
        if kind is None:
            kinds = ", ".join(EventKind)
            raise QuickEntryError(f"“{kind_text}” is not a kind of event; use one of {kinds}.")
        if not text:
            raise QuickEntryError("This line has no text saying what happened.")
        return QuickEntry(at, kind, text, cells.get("source") or None)
