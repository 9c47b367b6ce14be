"""The action items as CSV: the issue's columns, the board's order, values read back exactly."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from pmdesk.domain.model import (
    ActionItem,
    ActionStatus,
    Cause,
    Postmortem,
    Priority,
)
from pmdesk.report import actions_csv

HEADER = "postmortem_id,postmortem_title,id,title,owner,due,status,priority,cause,notes"

TRICKY_TITLES = (
    "Cap fan-out, then retry",
    'Rename the "fast" path',
    "Line one\nline two\r\nline three\rend",
    "Zoë 🦊 owns 设置, ٱلْعَرَبِيَّة",
    '=HYPERLINK("http://example.com","x")',
    "+1 replica",
    "-v flag for the deploy tool",
    "@here page the on-call",
    "  leading and trailing spaces  ",
    '"',
    ",",
    "\ttab first",
)


TITLE = 'Checkout, "config" push\nZoë 🦊'


def example() -> Postmortem:
    cause = Cause("c1", 'The pipeline has no schema, no "validation"; none')
    return Postmortem(
        title=TITLE,
        id="pm-1",
        causes=[cause],
        actions=[
            ActionItem("a1", "Done first in the list", status=ActionStatus.DONE),
            ActionItem(
                "a2",
                "Add schema validation",
                owner="Platform team",
                due=date(2026, 3, 20),
                status=ActionStatus.IN_PROGRESS,
                priority=Priority.P1,
                cause_id=cause.id,
                notes="See the runbook,\nstep 3",
            ),
            ActionItem("a3", "Dropped one", status=ActionStatus.DROPPED, notes="Replaced by a2"),
            ActionItem("a4", "Open, nothing else set"),
            ActionItem("a5", "Open with an unknown cause", cause_id="gone"),
        ],
    )


def read_back(path: Path) -> list[list[str]]:
    # The csv module's documented way: newline="" so quoted newlines stay as written.
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_rows_in_the_board_order_with_empty_cells_for_missing_values() -> None:
    def bare(ref: str, title: str, status: str, notes: str = "") -> list[str]:
        return ["pm-1", TITLE, ref, title, "", "", status, "", "", notes]

    assert actions_csv.rows(example()) == [
        HEADER.split(","),
        bare("a4", "Open, nothing else set", "open"),
        bare("a5", "Open with an unknown cause", "open"),
        [
            "pm-1",
            TITLE,
            "a2",
            "Add schema validation",
            "Platform team",
            "2026-03-20",
            "in_progress",
            "P1",
            'The pipeline has no schema, no "validation"; none',
            "See the runbook,\nstep 3",
        ],
        bare("a1", "Done first in the list", "done"),
        bare("a3", "Dropped one", "dropped", notes="Replaced by a2"),
    ]


def test_the_file_reads_back_exactly(tmp_path: Path) -> None:
    postmortem = example()
    path = tmp_path / "actions.csv"
    path.write_text(actions_csv.dumps(postmortem), encoding="utf-8", newline="")
    assert read_back(path) == actions_csv.rows(postmortem)


def test_tricky_titles_read_back_exactly(tmp_path: Path) -> None:
    postmortem = Postmortem(
        title="=1+1",
        actions=[
            ActionItem(f"a{i}", title, owner=title, notes=title)
            for i, title in enumerate(TRICKY_TITLES)
        ],
    )
    path = tmp_path / "actions.csv"
    path.write_text(actions_csv.dumps(postmortem), encoding="utf-8", newline="")
    rows = read_back(path)
    assert rows[0] == HEADER.split(",")
    assert [(r[1], r[3], r[4], r[9]) for r in rows[1:]] == [
        ("=1+1", title, title, title) for title in TRICKY_TITLES
    ]


def test_formula_like_values_are_not_altered() -> None:
    """Trackers must get the titles as typed; nothing is prefixed to defuse spreadsheets."""
    postmortem = Postmortem(title="t", actions=[ActionItem("a1", "=SUM(A1:A9)")])
    assert actions_csv.dumps(postmortem).splitlines()[1].split(",")[3] == "=SUM(A1:A9)"


def test_bytes_are_utf8_without_a_bom_and_records_end_in_crlf() -> None:
    data = actions_csv.dumps(example()).encode("utf-8")
    assert data.startswith((HEADER + "\r\n").encode())  # no BOM in front of the first name
    assert data.endswith(b"\r\n")
    # A newline inside a value is quoted and kept as typed; only records end in CRLF.
    assert b'"See the runbook,\nstep 3"\r\n' in data
    assert '"Checkout, ""config"" push\nZoë 🦊"'.encode() in data


def test_only_values_that_need_it_are_quoted() -> None:
    line = actions_csv.dumps(example()).split("\r\n")[1]
    assert line.startswith('pm-1,"Checkout, ""config"" push\nZoë 🦊",a4,"Open, nothing else set",')


def test_no_actions_gives_the_header_alone() -> None:
    assert actions_csv.dumps(Postmortem(title="Quiet")) == HEADER + "\r\n"
