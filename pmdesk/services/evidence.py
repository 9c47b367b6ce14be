"""Evidence into the timeline: read a CSV file or a Slack export, leave out what is already there,
and add the rest as one undoable step.

Reading and adding are separate so that the window can show a preview between them (and read a
big export off its own thread); the command line does both in one go.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pmdesk.interchange.evidence import Candidate, EvidenceError, dedupe, read_csv_events
from pmdesk.services import timeline
from pmdesk.services.changes import Changes
from pmdesk.services.postmortems import get_postmortem
from pmdesk.storage.held_files import held_library
from pmdesk.storage.library import Library

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class EvidenceReport:
    added: tuple[str, ...]  # ids of the new events
    already_there: int  # candidates the timeline had already
    changes: Changes | None  # None when nothing was added


def is_slack_export(path: Path) -> bool:
    """A folder or a zip file: how a Slack workspace export comes. The library pmdesk has open
    is neither, and is not opened to find out (that would drop SQLite's locks on it)."""
    if path.is_dir():
        return True
    return path.is_file() and held_library(path) is None and zipfile.is_zipfile(path)


def read_evidence(
    path: Path,
    zone: str,
    *,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_housekeeping: bool = False,
    progress: Progress | None = None,
) -> list[Candidate]:
    """The candidate events in a CSV file, or in one channel of a Slack export."""
    if not path.exists():
        raise EvidenceError(str(path), "there is no such file or folder", "Check the path.")
    if held_library(path) is not None:
        raise EvidenceError(
            str(path),
            "it is the library pmdesk has open, not a CSV file or a Slack export",
            "Choose the CSV file, or the Slack export's zip file or folder.",
        )
    if is_slack_export(path):
        # The Slack reader only for a Slack export: a CSV file needs none of it.
        from pmdesk.interchange.slack import SlackExport

        export = SlackExport.open(path, progress)
        if channel is None and len(export.channels) == 1:
            channel = export.channels[0].id
        if channel is None:
            names = ", ".join(f"#{c.name}" for c in export.channels) or "none"
            raise EvidenceError(
                str(path),
                f"it is a Slack export with several channels ({names})",
                "Choose one with --channel NAME.",
            )
        return export.messages(
            channel,
            since=since,
            until=until,
            zone=zone,
            include_housekeeping=include_housekeeping,
            progress=progress,
        )
    if channel is not None:
        raise EvidenceError(
            str(path),
            "--channel applies to Slack exports, and this is not one",
            "Leave out --channel for a CSV file.",
        )
    found = read_csv_events(path, zone)
    return [
        c for c in found if (since is None or c.at >= since) and (until is None or c.at < until)
    ]


def add_evidence(
    library: Library, postmortem_id: str, candidates: Sequence[Candidate]
) -> EvidenceReport:
    """Add the candidates the timeline does not have yet, in one transaction."""
    postmortem = get_postmortem(library, postmortem_id)
    new, there = dedupe(candidates, postmortem.timeline)
    if not new:
        return EvidenceReport((), len(there), None)
    events = [candidate.to_event() for candidate in new]
    changes = timeline.add_events(library, postmortem.id, events)
    return EvidenceReport(tuple(e.id for e in events), len(there), changes)
