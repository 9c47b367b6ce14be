"""Use cases on whole postmortems: import, export, list, find, check.

Each function that writes runs one transaction and returns a `Changes` value. Nothing here knows
about Qt or the command line; both call these functions.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pmdesk.domain.model import Postmortem, PostmortemSummary
from pmdesk.interchange.errors import InterchangeError, Problem
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.export_formats import EXPORT_FORMATS as EXPORT_FORMATS
from pmdesk.services.export_formats import REPORT_FORMATS as REPORT_FORMATS
from pmdesk.services.export_formats import Audience as Audience
from pmdesk.storage import repository
from pmdesk.storage.held_files import held_library
from pmdesk.storage.library import Library

# The interchange format, the readiness rules and the report writers are imported by the
# functions that use them: listing the library, or exporting one format, loads none of the rest.
if TYPE_CHECKING:
    from pmdesk.domain import readiness
    from pmdesk.interchange import json_v1

# Shortest id prefix accepted where a person types an id; full ids always work.
MIN_ID_PREFIX = 4


class NotFoundError(Exception):
    """No postmortem matches what the user asked for; the message says what to do."""


class ExportFormatError(Exception):
    """The export format is unknown or cannot be derived from the file name."""


class ExportWriteError(OSError):
    """The exported file could not be written; `strerror` says why and what to do, `filename` is
    the file asked for (not the temporary file beside it)."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    postmortem_ids: list[str]
    warnings: list[str]
    changes: Changes


class ImportRefusedError(Exception):
    """One or more files were refused; nothing was imported."""

    def __init__(self, errors: list[InterchangeError]) -> None:
        self.errors = errors
        super().__init__("\n".join(error.message for error in errors))


def import_files(library: Library, paths: Sequence[str | os.PathLike[str]]) -> ImportReport:
    """Check every file first, then store all of them in one transaction: all land or none."""
    from pmdesk.interchange import json_v1

    read: list[json_v1.ImportedFile] = []
    errors: list[InterchangeError] = []
    for path in paths:
        try:
            _refuse_open_library(path)
            read.append(json_v1.read_file(path))
        except InterchangeError as error:
            errors.append(error)
    if errors:
        raise ImportRefusedError(errors)
    with library.transaction() as conn:
        for imported in read:
            repository.insert_postmortem(conn, imported.postmortem)
    ids = [imported.postmortem.id for imported in read]
    warnings = [
        f"{os.fspath(path)}: {warning}"
        for path, imported in zip(paths, read, strict=True)
        for warning in imported.warnings
    ]
    changes = Changes(Entity.POSTMORTEM, added=frozenset(ids), postmortem_ids=frozenset(ids))
    return ImportReport(ids, warnings, changes)


def _refuse_open_library(path: str | os.PathLike[str]) -> None:
    """A library this process has open is read by SQLite alone: reading it here would drop
    SQLite's locks on it (see storage/held_files.py), and it is no interchange file anyway."""
    library = held_library(path)
    if library is not None:
        rule = (
            f"is the library pmdesk has open (“{library}”), not an interchange file; choose a "
            ".json file exported by pmdesk or another tool"
        )
        raise InterchangeError(os.fspath(path), [Problem("", rule)])


def list_postmortems(library: Library) -> list[PostmortemSummary]:
    with library.connect() as conn:
        return repository.list_summaries(conn)


def resolve_id(library: Library, typed: str) -> str:
    """The full id for what a person typed: a whole id or an unambiguous prefix of one."""
    typed = typed.strip()
    with library.connect() as conn:
        # The common case, and the one on every reload after an edit: a whole id, found by key.
        if repository.postmortem_exists(conn, typed):
            return typed
    summaries = list_postmortems(library)
    matches = [s for s in summaries if len(typed) >= MIN_ID_PREFIX and s.id.startswith(typed)]
    if len(matches) == 1:
        return matches[0].id
    if matches:
        raise NotFoundError(
            f"“{typed}” matches {len(matches)} postmortems; type more of the id "
            "(`pmdesk list` shows them)."
        )
    raise NotFoundError(
        f"No postmortem with the id “{typed}” is in this library. `pmdesk list` shows the ids."
    )


def get_postmortem(library: Library, typed_id: str) -> Postmortem:
    # The common case (every reload after an edit) is a whole id: load it in the same read, as
    # a server charges for each round trip; only a prefix needs resolving first.
    with library.connect() as conn:
        found = repository.load_postmortem(conn, typed_id.strip())
    if found is not None:
        return found
    postmortem_id = resolve_id(library, typed_id)
    with library.connect() as conn:
        postmortem = repository.load_postmortem(conn, postmortem_id)
    if postmortem is None:  # deleted between the two reads by another process
        raise NotFoundError(f"The postmortem “{typed_id}” was just deleted from this library.")
    return postmortem


def export_format_for(path: str | os.PathLike[str], requested: str | None) -> str:
    if requested is not None:
        fmt = requested.lower()
    else:
        suffix = Path(path).suffix.lower().lstrip(".")
        if not suffix:
            raise ExportFormatError(
                f"Cannot tell the format of “{os.fspath(path)}” from its name; give the file an "
                f"extension ({', '.join('.' + f for f in EXPORT_FORMATS)}) or use --format."
            )
        fmt = suffix
    if fmt not in EXPORT_FORMATS:
        raise ExportFormatError(
            f"pmdesk cannot export “{fmt}”; it can export {', '.join(EXPORT_FORMATS)}."
        )
    return fmt


def export_postmortem(
    library: Library,
    typed_id: str,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    audience: Audience | None = None,
) -> Path:
    """Write the postmortem in the chosen format, atomically: a failed write leaves the old file.

    `audience` chooses what a pdf or md report shows (the team's, by default).
    """
    chosen = export_format_for(path, fmt)
    if audience is not None and chosen not in REPORT_FORMATS:
        raise ExportFormatError(
            f"An audience applies to reports only ({', '.join(REPORT_FORMATS)}); a {chosen} "
            "export always holds everything. Leave out --audience, or export a report."
        )
    postmortem = get_postmortem(library, typed_id)
    links = report_links(library, postmortem.id) if chosen in REPORT_FORMATS else ((), ())
    data = render_export(
        postmortem, chosen, audience or Audience.TEAM, generation_time(), links=links
    )
    return write_export(path, data)


ReportLine = tuple[str, str]  # a linked incident's title, and when it started


def report_links(
    library: Library, postmortem_id: str
) -> tuple[tuple[ReportLine, ...], tuple[ReportLine, ...]]:
    """The incidents a report names as this one's recurrences: (earlier ones it repeats, later
    ones that repeat it)."""
    from pmdesk.services import recurrences  # it builds on this module

    return recurrences.report_lines(recurrences.recurrences_of(library, postmortem_id))


def render_export(
    postmortem: Postmortem,
    fmt: str,
    audience: Audience,
    generated: datetime,
    progress: Callable[[int, int], None] | None = None,
    links: tuple[Sequence[ReportLine], Sequence[ReportLine]] = ((), ()),
) -> bytes:
    """The exported file's bytes. Pure: no library, no clock (the window runs it in a thread)."""
    if fmt == "csv":
        from pmdesk.report import actions_csv

        return actions_csv.dumps(postmortem).encode("utf-8")
    if fmt == "ics":
        from pmdesk.report import actions_ics

        return actions_ics.dumps(postmortem, now=generated).encode("utf-8")
    if fmt in REPORT_FORMATS:
        from pmdesk.report.contents import build_contents

        earlier, later = links
        contents = build_contents(postmortem, audience, generated, generated.date(), earlier, later)
        if fmt == "md":
            from pmdesk.report.markdown import render_markdown

            return render_markdown(contents).encode("utf-8")
        from pmdesk.report.fonts import FontError  # ReportLab takes a while to import
        from pmdesk.report.pdf import render_pdf

        try:
            return render_pdf(contents, progress)
        except (
            FontError
        ) as error:  # a broken installation: say so, as for any format we cannot write
            raise ExportFormatError(str(error)) from error
    from pmdesk.interchange import json_v1

    return json_v1.dumps(postmortem).encode("utf-8")


def write_export(path: str | os.PathLike[str], data: bytes) -> Path:
    target = Path(path)
    library = held_library(target)
    if library is not None:
        # Replacing it would leave the library's connections writing to a deleted file.
        why = (
            f"it is the library pmdesk has open (“{library}”), or a file SQLite keeps beside "
            "it, and writing there would destroy the library; choose another file name"
        )
        raise ExportWriteError(errno.EEXIST, why, str(target))
    from pmdesk.interchange.json_v1 import write_bytes_atomically

    try:
        write_bytes_atomically(target, data)
    except OSError as error:
        raise ExportWriteError(error.errno, _what_went_wrong(error, target), str(target)) from error
    return target


def generation_time(environ: Mapping[str, str] = os.environ) -> datetime:
    """Now, or the moment `SOURCE_DATE_EPOCH` names (seconds since 1970, UTC), as reproducible
    builds do: the same postmortem then gives a byte-identical report.
    """
    fixed = environ.get("SOURCE_DATE_EPOCH")
    if fixed is None or not fixed.strip():
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(fixed), UTC)
    except (ValueError, OverflowError, OSError):
        raise ExportFormatError(
            f"SOURCE_DATE_EPOCH is “{fixed}”; it must be a whole number of seconds since "
            "1970-01-01 UTC (or unset, to use the current time)."
        ) from None


def _what_went_wrong(error: OSError, target: Path) -> str:
    reason = error.strerror or str(error)
    advice = {
        errno.ENOENT: f"create the folder “{target.parent}” first, or choose another folder",
        errno.ENOTDIR: "a part of the path is a file, not a folder; choose another place",
        errno.EISDIR: "it is a folder; give the name of a file to write",
        errno.EACCES: "choose a folder you may write to",
        errno.EPERM: "choose a folder you may write to",
        errno.EROFS: "choose a folder on a disk that is not read-only",
        errno.ENOSPC: "free some space on the disk, or choose another disk",
        errno.EINVAL: "give the name of a file to write",
    }.get(error.errno or 0, "check the folder and try again, or choose another place")
    return f"{reason}; {advice}"


def check_postmortem(postmortem: Postmortem, today: date) -> list[readiness.Finding]:
    from pmdesk.domain import readiness

    return readiness.check(postmortem, today)
