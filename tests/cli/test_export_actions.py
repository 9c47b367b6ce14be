"""`pmdesk export ID --to actions.csv|actions.ics`, and the service the window calls: action
items for issue trackers, spreadsheets and calendars, written atomically or not at all."""

from __future__ import annotations

import csv
import errno
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import icalendar
import pytest

from pmdesk.domain.actions import BOARD_COLUMNS
from pmdesk.domain.model import ActionStatus
from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from tests import documents
from tests.cli.test_cli import imported, pmdesk, write

HEADER = [
    "postmortem_id",
    "postmortem_title",
    "id",
    "title",
    "owner",
    "due",
    "status",
    "priority",
    "cause",
    "notes",
]

# One for each action of the example; the fourth is 306 characters, folded many times.
TRICKY = (
    "Cap fan-out, then retry; twice",
    'Rename the "fast" path \\ and C:\\tmp',
    "Line one\nline two",
    "Zoë 🦊 owns it " + "é🦊" * 146,
    '=HYPERLINK("http://example.com")',
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "library.pmdesk"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == HEADER
        return list(reader)


def read_ics(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def board(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    column = {status.value: i for i, status in enumerate(BOARD_COLUMNS)}
    return sorted(actions, key=lambda a: column[a["status"]])


def tricky_document() -> dict[str, Any]:
    document = documents.example()
    for action, title in zip(document["postmortem"]["actions"], TRICKY, strict=True):
        action.update(title=title, status="open", notes=title, due="2026-04-01")
    document["postmortem"]["actions"][0]["owner"] = 'Zoë, ops; "core"'
    return document


def test_csv_has_the_issues_columns_in_the_boards_order(
    db: Path, fixture_file: Path, tmp_path: Path
) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / "actions.csv"
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target)
    assert (result.code, result.out, result.err) == (0, "", "")
    document = documents.example()["postmortem"]
    causes = {cause["id"]: cause["text"] for cause in document["causes"]}
    assert read_csv(target) == [
        {
            "postmortem_id": postmortem_id,
            "postmortem_title": document["title"],
            "id": action["id"],
            "title": action["title"],
            "owner": action["owner"] or "",
            "due": action["due"] or "",
            "status": action["status"],
            "priority": action["priority"] or "",
            "cause": causes[action["cause"]] if action["cause"] else "",
            "notes": action["notes"],
        }
        for action in board(document["actions"])
    ]
    assert [row["id"] for row in read_csv(target)] == ["a2", "a4", "a1", "a3", "a5"]


def test_ics_has_an_entry_per_open_action_with_a_due_date(
    db: Path, fixture_file: Path, tmp_path: Path
) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / "actions.ics"
    result = pmdesk("--db", db, "export", postmortem_id[:8], "--to", target)
    assert (result.code, result.out, result.err) == (0, "", "")
    events = read_ics(target).events
    # a3 is done and a5 dropped; the others are open or in progress, each with a due date.
    assert [str(e["SUMMARY"]).split(":")[0] for e in events] == ["a2", "a4", "a1"]
    assert [e.decoded("DTSTART") for e in events] == [
        date(2026, 4, 10),
        date(2026, 3, 15),
        date(2026, 3, 20),
    ]
    with open_library(db) as library:
        stored = postmortems.get_postmortem(library, postmortem_id)
    ids = {a.ref: a.id for a in stored.actions}
    assert [str(e["UID"]) for e in events] == [f"{ids[r]}@pmdesk" for r in ("a2", "a4", "a1")]
    again = tmp_path / "again.ics"
    assert pmdesk("--db", db, "export", postmortem_id, "--to", again).code == 0
    assert [str(e["UID"]) for e in read_ics(again).events] == [str(e["UID"]) for e in events]


def test_tricky_text_survives_the_library_and_both_files(db: Path, tmp_path: Path) -> None:
    postmortem_id = imported(db, write(tmp_path / "tricky.json", tricky_document()))
    as_csv, as_ics = tmp_path / "a.csv", tmp_path / "a.ics"
    assert pmdesk("--db", db, "export", postmortem_id, "--to", as_csv).code == 0
    assert pmdesk("--db", db, "export", postmortem_id, "--to", as_ics).code == 0
    rows = read_csv(as_csv)
    assert [(r["title"], r["notes"]) for r in rows] == [(t, t) for t in TRICKY]
    assert rows[0]["owner"] == 'Zoë, ops; "core"'
    assert as_ics.read_bytes().count(b"\n") == as_ics.read_bytes().count(b"\r\n")
    assert all(len(line) <= 75 for line in as_ics.read_bytes().split(b"\r\n"))
    events = read_ics(as_ics).events
    assert [str(e["SUMMARY"]) for e in events] == [
        f"a{i}: {title}" for i, title in enumerate(TRICKY, start=1)
    ]


@pytest.mark.parametrize(("name", "fmt"), [("actions.txt", "csv"), ("cal", "ics")])
def test_format_flag_beats_the_extension(
    db: Path, fixture_file: Path, tmp_path: Path, name: str, fmt: str
) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / name
    assert pmdesk("--db", db, "export", postmortem_id, "--to", target, "--format", fmt).code == 0
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first == ",".join(HEADER) if fmt == "csv" else first == "BEGIN:VCALENDAR"


@pytest.mark.parametrize(
    ("name", "expected"), [("a.csv", "csv"), ("A.ICS", "ics"), ("a.json", "json")]
)
def test_the_extension_names_the_format(name: str, expected: str) -> None:
    assert postmortems.export_format_for(name, None) == expected


def test_unknown_formats_list_the_new_ones(db: Path, fixture_file: Path, tmp_path: Path) -> None:
    postmortem_id = imported(db, fixture_file)
    result = pmdesk("--db", db, "export", postmortem_id, "--to", tmp_path / "x.xlsx")
    assert result.code == 2 and "it can export json, csv, ics, pdf, md." in result.err


def test_a_calendar_with_nothing_due_is_still_written(db: Path, tmp_path: Path) -> None:
    document = documents.example()
    for action in document["postmortem"]["actions"]:
        if action["status"] in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
            action["due"] = None
    postmortem_id = imported(db, write(tmp_path / "nothing-due.json", document))
    target = tmp_path / "actions.ics"
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target)
    assert (result.code, result.err) == (0, "")
    calendar = read_ics(target)
    assert calendar.events == [] and str(calendar["VERSION"]) == "2.0"


@pytest.mark.parametrize("suffix", ["csv", "ics", "json"])
def test_a_missing_folder_is_named_with_what_to_do(
    db: Path, fixture_file: Path, tmp_path: Path, suffix: str
) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / "no" / f"actions.{suffix}"
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target)
    assert result.code == 2 and result.out == "" and "Traceback" not in result.err
    assert result.err == (
        f"pmdesk: cannot write “{target}”: No such file or directory; "
        f"create the folder “{target.parent}” first, or choose another folder\n"
    )


def test_a_folder_in_the_way(db: Path, fixture_file: Path, tmp_path: Path) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / "actions.csv"
    target.mkdir()
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target)
    assert result.code == 2 and "it is a folder; give the name of a file" in result.err
    assert f"“{target}”" in result.err and ".tmp" not in result.err
    assert list(tmp_path.glob(".actions.csv.*")) == []


@pytest.mark.parametrize("suffix", ["csv", "ics"])
def test_a_failed_write_keeps_the_old_file(
    db: Path,
    fixture_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / f"actions.{suffix}"
    target.write_bytes(b"the old file")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target)
    assert result.code == 2 and "Traceback" not in result.err
    assert f"cannot write “{target}”: No space left on device; free some space" in result.err
    assert target.read_bytes() == b"the old file"
    assert list(tmp_path.glob(f".actions.{suffix}.*")) == []  # no temporary file left behind


def test_the_service_the_window_uses(fixture_file: Path, tmp_path: Path) -> None:
    with open_library(tmp_path / "lib.pmdesk") as library:
        (postmortem_id,) = postmortems.import_files(library, [fixture_file]).postmortem_ids
        target = tmp_path / "actions.csv"
        assert postmortems.export_postmortem(library, postmortem_id, target) == target
        assert len(read_csv(target)) == 5
        with pytest.raises(postmortems.ExportWriteError) as caught:
            postmortems.export_postmortem(library, postmortem_id, tmp_path / "no" / "x.ics")
    # The window reports any OSError by its strerror: the reason and what to do.
    assert isinstance(caught.value, OSError) and caught.value.errno == errno.ENOENT
    assert caught.value.filename == str(tmp_path / "no" / "x.ics")
    assert caught.value.strerror is not None and "create the folder" in caught.value.strerror


def test_json_export_is_unchanged(db: Path, fixture_file: Path, tmp_path: Path) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / "again.json"
    assert pmdesk("--db", db, "export", postmortem_id, "--to", target).code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == documents.example()
