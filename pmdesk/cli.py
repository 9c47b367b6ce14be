"""The command line: import, export, list, check, copy-library and the rest, never importing Qt.

stdout carries only the result a script would read (ids, a table, JSON); warnings and errors go to
stderr. Exit codes: 0 done (and, for `check`, ready), 1 `check` found errors, 2 bad input.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pmdesk import __version__
from pmdesk.domain.kinds import PostmortemKind, PostmortemStatus, Severity
from pmdesk.services.export_formats import EXPORT_FORMATS, Audience
from pmdesk.services.locations import SERVER_EXAMPLE

# Everything else is imported by the command that needs it: parsing the command line, and
# starting the window, load no database layer, and `pmdesk list` no report or interchange code.
# tests/cli/test_lazy_imports.py keeps it so.
if TYPE_CHECKING:
    from pmdesk.domain import readiness
    from pmdesk.domain.model import Postmortem, PostmortemSummary
    from pmdesk.domain.similarity import Match
    from pmdesk.services import followup, search
    from pmdesk.storage.library import Library
    from pmdesk.storage.themes import ThemeUse

EXIT_OK = 0
EXIT_NOT_READY = 1
EXIT_BAD_INPUT = 2

DB_ENV = "PMDESK_DB"
# Sections the app can open on ("followup" is the library's follow-up review, and needs no
# postmortem); "meeting" presents the postmortem's review meeting (the library's first, if no
# --open names one).
GUI_VIEWS = (
    "overview",
    "impact",
    "timeline",
    "causes",
    "actions",
    "lessons",
    "followup",
    "meeting",
)


class UsageError(Exception):
    """A mistake in what was typed; argparse would print it with the usage line."""


# Where the help names the default library; filled in only when help is printed.
_DEFAULT_LIBRARY = "<the default library>"


class _HelpFormatter(argparse.HelpFormatter):
    """Names the default library only when help is printed: finding the user's data folder
    loads platformdirs, which no command and not the window's start need wait for."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text is None or _DEFAULT_LIBRARY not in text:
            return text
        from pmdesk.storage.default_location import default_library_path

        # The help is %-formatted after this: a % in the folder's name must stay itself.
        return text.replace(_DEFAULT_LIBRARY, str(default_library_path()).replace("%", "%%"))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own exits with 2 too, but prints usage
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pmdesk",
        formatter_class=_HelpFormatter,
        description="pmdesk: blameless postmortems on your desktop. With no command, the app "
        "starts on the library.",
    )
    parser.add_argument("--version", action="version", version=f"pmdesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="LOC",
        help=f"the library: an SQLite file or an SQLAlchemy URL (default: ${DB_ENV}, else "
        f"{_DEFAULT_LIBRARY})",
    )
    gui = parser.add_argument_group("starting the app (no command)")
    gui.add_argument(
        "--smoke",
        action="store_true",
        help="start the window, paint it once and quit (for checks and screenshots)",
    )
    gui.add_argument("--screenshot", metavar="FILE.png", help="with --smoke: save the window")
    gui.add_argument(
        "--size",
        type=_window_size,
        metavar="WxH",
        help="the window's size in pixels, like 1366x768 (with --smoke, the screenshot's)",
    )
    gui.add_argument(
        "--zoom",
        type=_zoom_percent,
        metavar="PCT",
        help=f"the window's zoom in percent, {MIN_ZOOM_PERCENT} to {MAX_ZOOM_PERCENT}, "
        "for this run only (View ▸ Zoom keeps its own)",
    )
    gui.add_argument(
        "--open", type=_text, metavar="ID", help="open this postmortem (an id or unique prefix)"
    )
    gui.add_argument(
        "--view",
        choices=GUI_VIEWS,
        help="with --open: show this section of the postmortem; followup: the follow-up "
        "review; meeting: present the review meeting (F5 there ends it)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    imp = commands.add_parser(
        "import",
        help="import interchange files",
        description="Import postmortems from "
        "pmdesk JSON files. Prints the id of each imported postmortem. All files are checked "
        "first: if any is refused, nothing is imported.",
    )
    imp.add_argument("files", nargs="+", metavar="FILE")

    exp = commands.add_parser(
        "export",
        help="export a postmortem, its report (pdf, md) or its action items (csv, ics)",
        description="Export one postmortem. The format "
        "follows the extension of the target file unless --format is given: json writes the "
        "interchange file; csv the action items, one row each, for an issue tracker or a "
        "spreadsheet; ics a calendar with an all-day entry on the due date of each open or "
        "in-progress action (none, if no such action has a due date); pdf the report for "
        "stakeholders (md the same in Markdown, for a wiki). Set SOURCE_DATE_EPOCH to fix the "
        "generation time, and the same postmortem gives a byte-identical report.",
    )
    exp.add_argument(
        "id", type=_text, metavar="ID", help="the postmortem's id (or a unique prefix of it)"
    )
    exp.add_argument("--to", required=True, metavar="FILE", help="the file to write")
    exp.add_argument(
        "--audience",
        choices=[a.value for a in Audience],
        help="for a pdf or md report: team (everything, the default) or stakeholders (no "
        "participant names, no action notes)",
    )
    exp.add_argument("--format", choices=EXPORT_FORMATS)

    lst = commands.add_parser(
        "list",
        help="list the postmortems in the library",
        description="List the library: id, title, kind, severity, status, started, open actions.",
    )
    lst.add_argument("--json", action="store_true", help="print a JSON array")

    chk = commands.add_parser(
        "check",
        help="run the readiness checks",
        description="Run the readiness checks on a library postmortem, or on an interchange "
        "file without touching any library. Exit 0 when ready, 1 when not, 2 on bad input.",
    )
    chk.add_argument("target", metavar="ID_OR_FILE")
    chk.add_argument("--json", action="store_true", help="print the findings as JSON")
    chk.add_argument(
        "--today",
        type=_parse_date,
        metavar="YYYY-MM-DD",
        help="judge due dates as of this day (default: today)",
    )
    add = commands.add_parser(
        "add-events",
        help="add timeline events from a CSV file or a Slack export",
        description="Add timeline events to a postmortem from a CSV file (a header naming a time "
        "and a text column, and optionally kind and source) or from one channel of a Slack "
        "workspace export (its folder or zip). Times without an offset are in the "
        "postmortem's zone. Events already on the timeline (same second, same text) are "
        "skipped. A file with a malformed line is refused whole, naming the line.",
    )
    add.add_argument(
        "id", type=_text, metavar="ID", help="the postmortem's id (or a unique prefix of it)"
    )
    add.add_argument("source", metavar="FILE_OR_FOLDER", help="a .csv file or a Slack export")
    add.add_argument(
        "--channel", type=_text, metavar="NAME", help="the Slack channel to read (name or id)"
    )
    add.add_argument(
        "--since",
        type=_parse_moment,
        metavar="T",
        help="only what happened at or after T (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][±HH:MM])",
    )
    add.add_argument("--until", type=_parse_moment, metavar="T", help="only what happened before T")
    sea = commands.add_parser(
        "search",
        help="find postmortems by their words",
        description="Search every postmortem's title, summaries, timeline, causes, actions and "
        'lessons. All words must match (a word also matches the words it begins); "quoted '
        'words" match as a phrase. Results are ranked, best first.',
    )
    sea.add_argument("query", type=_text, metavar="QUERY", help="the words to find")
    sea.add_argument("--json", action="store_true", help="print one flat JSON array")
    sea.add_argument("--tag", type=_text, help="only postmortems with this tag")
    sea.add_argument("--severity", choices=[s.value for s in Severity])
    sea.add_argument("--kind", choices=[k.value for k in PostmortemKind])
    sea.add_argument("--status", choices=[s.value for s in PostmortemStatus])
    sea.add_argument("--since", type=_parse_date, metavar="YYYY-MM-DD", help="started on or after")
    sea.add_argument("--until", type=_parse_date, metavar="YYYY-MM-DD", help="started on or before")
    sea.add_argument(
        "--owner", type=_text, help="only postmortems with an action owned by this owner"
    )
    sim = commands.add_parser(
        "similar",
        help="list past postmortems like this one",
        description="Rank the library's other postmortems by how much they look like this one: "
        "shared tags, and the telling words their summaries and causes share.",
    )
    sim.add_argument(
        "id", type=_text, metavar="ID", help="the postmortem's id (or a unique prefix of it)"
    )
    sim.add_argument("--json", action="store_true", help="print a JSON array")
    fol = commands.add_parser(
        "followup",
        help="list every open action of every postmortem, for the follow-up review",
        description="Every open and in-progress action in the library, grouped overdue (due "
        "before today), due soon (today to today + 14 days), later, and no due date; sorted by "
        "due date, each with the postmortem it comes from.",
    )
    fol.add_argument("--json", action="store_true", help="print one flat JSON array")
    fol.add_argument(
        "--today",
        type=_parse_date,
        metavar="YYYY-MM-DD",
        help="group due dates around this day (default: today)",
    )
    thm = commands.add_parser(
        "themes",
        help="list the library's contributing-factor themes and how often they occur",
        description="The library's contributing-factor themes in their order, each with the "
        "number of systemic causes that carry it, the number of postmortems those causes are "
        "in (0 when none does), and its description.",
    )
    thm.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array of objects with name, description, causes, postmortems",
    )
    rev = commands.add_parser(
        "review",
        help="write the learning review of a period as a pdf or md report",
        description="Write the learning review of a period for leadership: incidents and near "
        "misses, impact totals, time to detect and resolve against the period before, the top "
        "themes with their causes, actions agreed, done, dropped and overdue with the "
        "follow-through rate, recurrences, and the overdue actions by owner. A bound is a day "
        "(2026-03-02), a month (2026-03), a quarter (2026-Q1) or a year (2026); --from counts "
        "from its first day, --to to its last. The format follows the extension: pdf, or md "
        "for Markdown. Set SOURCE_DATE_EPOCH to fix the generation time (and the day overdue "
        "actions are counted on): the same library then gives a byte-identical review.",
    )
    rev.add_argument("--from", dest="start", required=True, type=_period_bound, metavar="DATE")
    rev.add_argument("--to", dest="end", required=True, type=_period_bound, metavar="DATE")
    rev.add_argument("--to-file", required=True, metavar="FILE", help="the .pdf or .md to write")
    rev.add_argument(
        "--audience",
        choices=[a.value for a in Audience],
        help="team (everything, the default) or stakeholders (participants' names read as "
        "their roles)",
    )
    cop = commands.add_parser(
        "copy-library",
        help="copy the whole library to another database (SQLite or PostgreSQL)",
        description="Copy every postmortem of the library (--db) into an empty library "
        "elsewhere: a new SQLite file, or an empty PostgreSQL database such as "
        f"{SERVER_EXAMPLE}. Ids, cause trees, evidence, action history, "
        "recurrences, meetings and themes come across as they are, in one transaction; the "
        "row count of every table is checked at the end, and any difference undoes the whole "
        "copy. A target that holds anything is refused and left as it is.",
    )
    cop.add_argument(
        "--to",
        required=True,
        metavar="LOC2",
        help="the empty library to fill: an SQLite file path or an SQLAlchemy URL",
    )
    cop.add_argument("--json", action="store_true", help="print the counts as JSON")
    return parser


def _text(value: str) -> str:
    """An argument that is text (an id, words to find, a tag), not a file name: one whose bytes
    are not UTF-8 cannot match anything stored, and is refused with exit 2."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise argparse.ArgumentTypeError(
            f"“{shown}” is not UTF-8 text; type it again in a UTF-8 terminal"
        ) from None
    return value


MIN_WINDOW_SIDE, MAX_WINDOW_SIDE = 320, 16_384
MIN_ZOOM_PERCENT, MAX_ZOOM_PERCENT = 50, 400


def _window_size(text: str) -> tuple[int, int]:
    """ "1366x768" as (1366, 768)."""
    match = re.fullmatch(r"\s*([0-9]{1,5})\s*[xX\u00d7]\s*([0-9]{1,5})\s*", text)
    sides = (int(match[1]), int(match[2])) if match else None
    if sides is None or not all(MIN_WINDOW_SIDE <= side <= MAX_WINDOW_SIDE for side in sides):
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a window size: give WIDTHxHEIGHT in pixels, like 1366x768, each "
            f"side {MIN_WINDOW_SIDE} to {MAX_WINDOW_SIDE:,}"
        )
    return sides


def _zoom_percent(text: str) -> float:
    """ "150" (or "150%") as 1.5."""
    match = re.fullmatch(r"\s*([0-9]{1,4})\s*%?\s*", text)
    if match is None or not MIN_ZOOM_PERCENT <= int(match[1]) <= MAX_ZOOM_PERCENT:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a zoom: give a percentage from {MIN_ZOOM_PERCENT} to "
            f"{MAX_ZOOM_PERCENT}, like 150"
        )
    return int(match[1]) / 100


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a date written YYYY-MM-DD") from None


def _parse_moment(text: str) -> datetime:
    """A date (its midnight) or a date and time; naive ones are placed in the postmortem's zone
    later, when it is known."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a time written YYYY-MM-DD or YYYY-MM-DDTHH:MM (with an optional "
            "offset such as +01:00)"
        ) from None


def _period_bound(text: str) -> str:
    """A bound of a review's period, checked as it is typed; kept as typed for the service."""
    from pmdesk.domain.periods import PeriodError, quarter_period

    try:
        quarter_period(text)
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def library_location(args: argparse.Namespace) -> str:
    """--db, then $PMDESK_DB, then the default library in the user's data folder."""
    if args.db or os.environ.get(DB_ENV):
        return str(args.db or os.environ[DB_ENV])
    from pmdesk.storage.default_location import default_library_path

    return str(default_library_path())


GuiStarter = Callable[[argparse.Namespace], int]


def run(
    argv: Sequence[str], stdout: TextIO, stderr: TextIO, start_gui: GuiStarter | None = None
) -> int:
    """Run one command line; never lets an expected failure out as a traceback.

    With no command, `start_gui` takes over: the composition root passes it in, so that this
    module never imports Qt.
    """
    try:
        args = build_parser().parse_args(list(argv))
        if args.command is None:
            if start_gui is None:
                raise UsageError("pmdesk: a command is required here")
            return start_gui(args)
        if args.command == "check" and _looks_like_file(args.target):
            return _check_file(args, stdout, stderr)
        if args.command == "copy-library":
            return _copy_library(args, stdout, stderr)
        from pmdesk.storage.library import open_library

        with open_library(library_location(args)) as library:
            return _dispatch(args, library, stdout, stderr)
    except UsageError as error:
        print(error, file=stderr)
        return EXIT_BAD_INPUT
    # These two name their classes through functions, called only once something has failed,
    # so that a command loads no module for the sake of an error it cannot raise.
    except _refusals() as error:
        print(error, file=stderr)
        return EXIT_BAD_INPUT
    except _unknown_targets() as error:
        print(f"pmdesk: {error}", file=stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (`pmdesk list | head`): what it wanted, it has.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep the interpreter's flush quiet
        return EXIT_OK
    except OSError as error:
        where = f" “{error.filename}”" if error.filename else ""
        print(f"pmdesk: cannot write{where}: {error.strerror or error}", file=stderr)
        return EXIT_BAD_INPUT


def _refusals() -> tuple[type[Exception], ...]:
    """What the library or the files given refused: printed as they are, exit 2."""
    from pmdesk.interchange.errors import InterchangeError
    from pmdesk.services.postmortems import ImportRefusedError
    from pmdesk.storage.errors import LibraryError

    return LibraryError, InterchangeError, ImportRefusedError


def _unknown_targets() -> tuple[type[Exception], ...]:
    """A postmortem or an export format that is not there: printed after "pmdesk:", exit 2."""
    from pmdesk.domain.periods import PeriodError
    from pmdesk.services.postmortems import ExportFormatError, NotFoundError

    return NotFoundError, ExportFormatError, PeriodError


def _dispatch(args: argparse.Namespace, library: Library, stdout: TextIO, stderr: TextIO) -> int:
    # Each command imports the services it uses, and only those (see the imports at the top).
    from pmdesk.services import postmortems

    if args.command == "import":
        report = postmortems.import_files(library, args.files)
        for warning in report.warnings:
            print(f"pmdesk: warning: {warning}", file=stderr)
        for postmortem_id in report.postmortem_ids:
            print(postmortem_id, file=stdout)
        return EXIT_OK
    if args.command == "export":
        audience = Audience(args.audience) if args.audience else None
        postmortems.export_postmortem(library, args.id, args.to, args.format, audience)
        return EXIT_OK
    if args.command == "list":
        _print_list(postmortems.list_postmortems(library), args.json, stdout, stderr)
        return EXIT_OK
    if args.command == "check":
        postmortem = postmortems.get_postmortem(library, args.target)
        return _report_check(postmortem, args, stdout)
    if args.command == "search":
        from pmdesk.services import search

        filters = search.SearchFilters(
            tag=args.tag,
            severity=args.severity,
            kind=args.kind,
            status=args.status,
            since=args.since,
            until=args.until,
            owner=args.owner,
        )
        _print_search(search.search(library, args.query, filters), args.json, stdout, stderr)
        return EXIT_OK
    if args.command == "similar":
        from pmdesk.services import similar

        _print_similar(similar.similar_postmortems(library, args.id), args.json, stdout, stderr)
        return EXIT_OK
    if args.command == "add-events":
        return _add_events(args, library, stdout, stderr)
    if args.command == "followup":
        from pmdesk.services import followup

        items = followup.follow_up(library, args.today or date.today())
        _print_follow_up(items, args.json, stdout, stderr)
        return EXIT_OK
    if args.command == "review":
        from pmdesk.services import learning

        audience = Audience(args.audience) if args.audience else None
        learning.export_review(library, args.start, args.end, args.to_file, audience)
        return EXIT_OK
    if args.command == "themes":
        from pmdesk.services import themes

        _print_themes(themes.theme_uses(library), args.json, stdout, stderr)
        return EXIT_OK
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


def _copy_library(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pmdesk.services import copy_library

    try:
        with copy_library.open_source(library_location(args)) as source:
            report = copy_library.copy_to(source, args.to)
    except copy_library.CopyError as error:
        print(error, file=err)
        return EXIT_BAD_INPUT
    if args.json:
        document = {
            "source": report.source,
            "target": report.target,
            "postmortems": report.postmortems,
            "rows": report.rows,
            "tables": [{"table": t.table, "rows": t.rows} for t in report.tables],
        }
        print(json.dumps(document, ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    width = max(len(t.table) for t in report.tables)
    digits = max(len(f"{t.rows:,}") for t in report.tables)
    for t in report.tables:
        print(f"{t.table:<{width}}  {t.rows:>{digits},}", file=out)
    print(
        f"copied {_count(report.postmortems, 'postmortem')} ({report.rows:,} rows in "
        f"{len(report.tables)} tables) from {report.source} to {report.target}",
        file=out,
    )
    return EXIT_OK


def _looks_like_file(target: str) -> bool:
    return os.path.exists(target) or target.lower().endswith(".json") or os.sep in target


def _check_file(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from pmdesk.interchange import json_v1

    imported = json_v1.read_file(args.target)
    for warning in imported.warnings:
        print(f"pmdesk: warning: {args.target}: {warning}", file=stderr)
    return _report_check(imported.postmortem, args, stdout)


def _report_check(postmortem: Postmortem, args: argparse.Namespace, stdout: TextIO) -> int:
    from pmdesk.domain import readiness  # not through the services: a file needs no library

    findings = readiness.check(postmortem, args.today or date.today())
    ready = readiness.is_ready(findings)
    if args.json:
        document = {
            "ready": ready,
            "findings": [
                {
                    "rule": f.rule,
                    "severity": f.severity.value,
                    "target": f.target.value,
                    "id": interchange_id(postmortem, f),
                    "message": f.message,
                }
                for f in findings
            ],
        }
        print(json.dumps(document, ensure_ascii=False, indent=2), file=stdout)
    else:
        _print_findings(postmortem, findings, ready, stdout)
    return EXIT_OK if ready else EXIT_NOT_READY


def interchange_id(postmortem: Postmortem, finding: readiness.Finding) -> str | int | None:
    """How the interchange file names a finding's target: a cause's or an action's id, an
    event's index in time order, a lesson's index in file order, null for the postmortem."""
    from pmdesk.domain import readiness

    if finding.target_id is None:
        return None
    target = finding.target
    if target is readiness.Target.CAUSE:
        return next(c.ref for c in postmortem.causes if c.id == finding.target_id)
    if target is readiness.Target.ACTION:
        return next(a.ref for a in postmortem.actions if a.id == finding.target_id)
    if target is readiness.Target.TIMELINE:
        ids = [event.id for event in postmortem.timeline]
    else:
        ids = [lesson.id for lesson in postmortem.lessons]
    return ids.index(finding.target_id)


def _print_findings(
    postmortem: Postmortem, findings: list[readiness.Finding], ready: bool, out: TextIO
) -> None:
    from pmdesk.domain import readiness

    errors = sum(f.severity is readiness.ERROR for f in findings)
    warnings = len(findings) - errors
    verdict = "ready" if ready else "not ready"
    print(
        f"{postmortem.title}: {verdict} ({_count(errors, 'error')}, {_count(warnings, 'warning')})",
        file=out,
    )
    for f in findings:
        where = f.target.value
        ident = interchange_id(postmortem, f)
        if ident is not None:
            where += f" {ident}"
        print(f"  {f.severity.value:<7}  {f.rule:<26} {where}", file=out)
        print(
            textwrap.fill(
                f.message, width=100, initial_indent=" " * 11, subsequent_indent=" " * 11
            ),
            file=out,
        )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def summary_json(summary: PostmortemSummary) -> dict[str, Any]:
    from pmdesk.interchange.json_v1 import format_datetime

    return {
        "id": summary.id,
        "title": summary.title,
        "kind": summary.kind.value,
        "severity": summary.severity.value if summary.severity else None,
        "status": summary.status.value,
        "started": format_datetime(summary.started) if summary.started else None,
        "open_actions": summary.open_actions,
    }


def _print_list(
    summaries: list[PostmortemSummary], as_json: bool, out: TextIO, err: TextIO
) -> None:
    rows = [summary_json(s) for s in summaries]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
        return
    if not rows:
        print("The library is empty. Import a file with `pmdesk import FILE`.", file=err)
        return
    header = ["ID", "TITLE", "KIND", "SEVERITY", "STATUS", "STARTED", "OPEN ACTIONS"]
    table = [
        [
            r["id"],
            _clip(r["title"], 48),
            r["kind"],
            r["severity"] or "-",
            r["status"],
            (r["started"] or "-"),
            str(r["open_actions"]),
        ]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *table]) for i in range(len(header))]
    for line in [header, *table]:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip(),
            file=out,
        )


def theme_json(use: ThemeUse) -> dict[str, Any]:
    return {
        "name": use.theme.name,
        "description": use.theme.description,
        "causes": use.causes,
        "postmortems": use.postmortems,
    }


def _print_themes(uses: list[ThemeUse], as_json: bool, out: TextIO, err: TextIO) -> None:
    if as_json:
        print(json.dumps([theme_json(u) for u in uses], ensure_ascii=False, indent=2), file=out)
        return
    if not uses:
        print("The library has no themes.", file=err)
        return
    header = ["THEME", "CAUSES", "POSTMORTEMS", "DESCRIPTION"]
    table = [
        [u.theme.name, str(u.causes), str(u.postmortems), u.theme.description or "-"] for u in uses
    ]
    name_width = max(len(line[0]) for line in [header, *table])
    for name, causes, postmortems, description in [header, *table]:
        # The counts right-aligned under their headings; the description, last, as long as it is.
        cells = [name.ljust(name_width), causes.rjust(6), postmortems.rjust(11), description]
        print("  ".join(cells).rstrip(), file=out)


def _add_events(args: argparse.Namespace, library: Library, out: TextIO, err: TextIO) -> int:
    from zoneinfo import ZoneInfo

    from pmdesk.domain.validation import is_timezone_name
    from pmdesk.interchange.evidence import EvidenceError
    from pmdesk.services import evidence, postmortems

    postmortem = postmortems.get_postmortem(library, args.id)
    zone = ZoneInfo(postmortem.timezone) if is_timezone_name(postmortem.timezone) else UTC

    def aware(moment: datetime | None) -> datetime | None:
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=zone)

    try:
        candidates = evidence.read_evidence(
            Path(args.source),
            postmortem.timezone,
            channel=args.channel,
            since=aware(args.since),
            until=aware(args.until),
        )
        report = evidence.add_evidence(library, postmortem.id, candidates)
    except EvidenceError as error:
        print(error, file=err)
        return EXIT_BAD_INPUT
    added = len(report.added)
    print(
        f"Added {added} event{'s' * (added != 1)}; skipped {report.already_there} already on "
        "the timeline.",
        file=out,
    )
    return EXIT_OK


def _print_search(hits: list[search.SearchHit], as_json: bool, out: TextIO, err: TextIO) -> None:
    from pmdesk.services import search

    if as_json:
        rows = [
            {
                "id": h.postmortem_id,
                "title": h.title,
                "snippet": search.snippet_text(h.snippet),
                "score": round(h.score, 4),
            }
            for h in hits
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
        return
    if not hits:
        print("Nothing found. Try fewer words, or the start of a word.", file=err)
        return
    for h in hits:
        print(f"{h.score:7.2f}  {h.postmortem_id[:8]}  {_clip(h.title, 70)}", file=out)
        print(f"         {_clip(search.snippet_text(h.snippet), 100)}", file=out)


def _print_similar(matches: list[Match], as_json: bool, out: TextIO, err: TextIO) -> None:
    if as_json:
        rows = [
            {
                "id": m.id,
                "title": m.title,
                "score": m.score,
                "shared_tags": list(m.shared_tags),
                "shared_words": list(m.shared_words),
            }
            for m in matches
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
        return
    if not matches:
        print("No other postmortem in this library shares its tags or telling words.", file=err)
        return
    for m in matches:
        why = [f"tags {', '.join(m.shared_tags)}"] if m.shared_tags else []
        why += [f"words {', '.join(m.shared_words)}"] if m.shared_words else []
        print(f"{m.score:.2f}  {m.id[:8]}  {_clip(m.title, 60)}  ({'; '.join(why)})", file=out)


def follow_up_json(item: followup.FollowUpItem) -> dict[str, Any]:
    action = item.action
    return {
        "postmortem_id": item.postmortem_id,
        "postmortem_title": item.postmortem_title,
        "id": action.ref,
        "title": action.title,
        "owner": action.owner,
        "due": action.due.isoformat() if action.due else None,
        "status": action.status.value,
        "priority": action.priority.value if action.priority else None,
        "group": item.group.value,
    }


def _print_follow_up(
    items: list[followup.FollowUpItem], as_json: bool, out: TextIO, err: TextIO
) -> None:
    if as_json:
        print(
            json.dumps([follow_up_json(i) for i in items], ensure_ascii=False, indent=2), file=out
        )
        return
    if not items:
        print("Nothing to follow up: every action is done or dropped.", file=err)
        return
    header = ["DUE", "PRIORITY", "STATUS", "OWNER", "ACTION", "POSTMORTEM"]
    rows = [
        [
            i.action.due.isoformat() if i.action.due else "-",
            i.action.priority.value if i.action.priority else "-",
            i.action.status.value,
            _clip(i.action.owner or "-", 24),
            f"{i.action.ref} {_clip(i.action.title, 60)}",
            f"{_clip(i.postmortem_title, 40)} ({i.postmortem_id[:8]})",
        ]
        for i in items
    ]
    widths = [max(len(line[c]) for line in [header, *rows]) for c in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    group = None
    for item, row in zip(items, rows, strict=True):
        if item.group is not group:
            if group is not None:
                print(file=out)
            group = item.group
            print(f"{group.label} ({sum(i.group is group for i in items)})", file=out)
            print(line(header), file=out)
        print(line(row), file=out)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
