"""Evidence for a postmortem's timeline, read from a CSV file or pasted chat lines.

Each line or message read becomes a `Candidate`: a possible timeline event that the scribe can
preview, tick and add. The Slack export reader (`pmdesk.interchange.slack`) makes the same
candidates. Reading text is left to `pmdesk.domain.quick_entry`, so a CSV file, a pasted CSV and a
typed line agree on times, kinds and zones.

Decisions, so that help text and behaviour agree:

* A CSV file is all or nothing: one line that cannot be read refuses the whole file, naming the
  file and the line, because a timeline with a silent gap misleads more than an error.
* Naive times are wall-clock times in the postmortem's zone, with quick entry's rules (a time
  skipped by a DST change moves forward by the gap; a repeated one is the first). A time of day
  without a date falls on the date of the row above, or on `reference`'s, or on today's.
* Sources stay readable, as people see them on the timeline: a CSV row's own source column,
  else "csv <file name>"; pasted lines keep a CSV source column, else "paste".
* Keys: a CSV row or pasted line is keyed by a SHA-1 of its time, text and source, so the same
  line read twice has the same key; Slack messages by channel id and `ts`.
* `dedupe` says a candidate is already there when an existing event (or an earlier candidate)
  happened in the same second and says the same thing: the same text after Unicode NFC
  normalisation, case folding and collapsing whitespace. Kind and source do not count, since
  people retag and relabel imported events. Nothing is hidden in an event's source to find it
  again; a candidate whose text was edited after its import is therefore new again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pmdesk.domain.model import EventKind, TimelineEvent
from pmdesk.domain.quick_entry import QuickEntry, SkippedLine, parse_pasted_lines

__all__ = [
    "Candidate",
    "EvidenceError",
    "dedupe",
    "read_chat_lines",
    "read_csv_events",
]

PASTE_SOURCE = "paste"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
_SPACES_RE = re.compile(r"\s+")
_HEADER_HINT = (
    "If this is the header, it must name a time column and a text column, "
    "for example “time,text,kind,source”."
)


class EvidenceError(Exception):
    """A file that cannot be imported; nothing from it was imported."""

    def __init__(self, where: str, what: str, fix: str) -> None:
        self.where = where  # the file, and the line or part of it
        self.what = what  # what is wrong there
        self.fix = fix  # what to do about it
        super().__init__(f"Cannot import {where}: {what}\nNothing was imported. {fix}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One line or message that could become a timeline event."""

    at: datetime  # timezone-aware, with the offset it will be stored with
    text: str
    kind: EventKind
    source: str | None
    key: str  # the same line or message read twice has the same key
    housekeeping: bool = False  # joins, topic changes, integrations added: left out by default
    origin: str = ""  # where in the input, for messages: "timeline.csv line 12"

    def to_event(self) -> TimelineEvent:
        return TimelineEvent(at=self.at, kind=self.kind, text=self.text, source=self.source)


def line_key(at: datetime, text: str, source: str | None) -> str:
    """The key of a line without an id of its own: its time, text and source."""
    digest = hashlib.sha1(
        f"{at.isoformat()}\n{text}\n{source or ''}".encode(), usedforsecurity=False
    )
    return f"sha1:{digest.hexdigest()}"


def read_csv_events(path: Path, zone: str, reference: datetime | None = None) -> list[Candidate]:
    """The rows of a CSV file whose header names a time and a text column, optionally a kind
    and a source; a header-less "at,kind,text[,source]" file with ISO times also works.
    Raises EvidenceError, and returns nothing, if the file or any row cannot be read."""
    text = _read_text(path)
    if not text.strip():
        raise EvidenceError(
            path.name,
            "the file is empty.",
            "Put a header naming the time and text columns on the first line, "
            "for example “time,text,kind,source”, and one event on each line below it.",
        )
    tz = ZoneInfo(zone)
    preview = parse_pasted_lines(text, tz, reference, datetime.now(tz).date())
    if preview.skipped:
        first = preview.skipped[0]
        header = first.number == _first_filled_line(text)
        what = f"{first.reason} {_HEADER_HINT}" if header else first.reason
        raise EvidenceError(
            f"{path.name} line {first.number}", what, "Fix that line and import the file again."
        )
    lines = _record_lines(path.name, text, len(preview.events))
    candidates = []
    for index, entry in enumerate(preview.events):
        source = entry.source or f"csv {path.name}"
        origin = f"{path.name} line {lines[index]}" if lines else path.name
        candidates.append(_candidate(entry, source, origin))
    return candidates


def read_chat_lines(
    text: str, zone: str, reference: datetime | None
) -> tuple[list[Candidate], list[SkippedLine]]:
    """Pasted chat lines (or a pasted CSV), read as quick entry reads a paste; lines that
    cannot be read are returned for the scribe to fix, not raised."""
    tz = ZoneInfo(zone)
    preview = parse_pasted_lines(text, tz, reference, datetime.now(tz).date())
    candidates = [
        _candidate(entry, entry.source or PASTE_SOURCE, "pasted text") for entry in preview.events
    ]
    return candidates, preview.skipped


def dedupe(
    candidates: Sequence[Candidate], existing: Iterable[TimelineEvent]
) -> tuple[list[Candidate], list[Candidate]]:
    """Split candidates into (new, already there), each in the given order. Already there: an
    existing event or an earlier candidate in the same second with the same normalised text,
    or an earlier candidate with the same key."""
    seen = {_fingerprint(event.at, event.text) for event in existing}
    keys: set[str] = set()
    new: list[Candidate] = []
    there: list[Candidate] = []
    for candidate in candidates:
        fingerprint = _fingerprint(candidate.at, candidate.text)
        if fingerprint in seen or candidate.key in keys:
            there.append(candidate)
        else:
            new.append(candidate)
        seen.add(fingerprint)
        keys.add(candidate.key)
    return new, there


def normalised_text(text: str) -> str:
    """Text as `dedupe` compares it: NFC, case-folded, runs of whitespace as one space."""
    return _SPACES_RE.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def _fingerprint(at: datetime, text: str) -> tuple[int, str]:
    return (at - _EPOCH) // _SECOND, normalised_text(text)


def _candidate(entry: QuickEntry, source: str, origin: str) -> Candidate:
    key = line_key(entry.at, entry.text, source)
    return Candidate(entry.at, entry.text, entry.kind, source, key, origin=origin)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EvidenceError(
            path.name, f"the file cannot be read ({exc.strerror or exc}).", "Check the path."
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise EvidenceError(
            f"{path.name} line {line}",
            "the file is not UTF-8 text.",
            "Save it as UTF-8 (in a spreadsheet: “CSV UTF-8”) and import it again.",
        ) from None


def _first_filled_line(text: str) -> int:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return next((n for n, line in enumerate(lines, 1) if line.strip()), 1)


def _record_lines(name: str, text: str, events: int) -> list[int]:
    """The line each event's record starts on, or [] when the records and events do not pair
    up (a plain log, whose wrapped lines join the event above). The csv module forgives an
    unclosed quote by reading to the end of the file; a file import must not."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(normal), strict=True)
    starts: list[int] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                starts.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise EvidenceError(
            f"{name} line {start}",
            f"this is not valid CSV ({exc}).",
            "Put text with commas, quotes or line breaks in double quotes, and double the "
            'quotes inside them: “14:05,"Dana said ""roll back"", then left"”.',
        ) from None
    if len(starts) == events + 1:  # the first record was the header
        return starts[1:]
    return starts if len(starts) == events else []
