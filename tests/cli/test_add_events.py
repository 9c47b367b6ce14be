"""`pmdesk add-events`: timeline evidence from a CSV file or a Slack export."""

from __future__ import annotations

from pathlib import Path

from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from tests.cli.test_cli import db, imported, pmdesk  # noqa: F401 - db is a fixture
from tests.conftest import FIXTURES

SLACK = FIXTURES / "slack"
EXPORT = SLACK / "slack-export-viewer-testarchive.zip"


def timeline_texts(db: Path, postmortem_id: str) -> list[str]:  # noqa: F811
    with open_library(db) as library:
        return [e.text for e in postmortems.get_postmortem(library, postmortem_id).timeline]


def test_a_csv_file_adds_its_rows_once(db: Path, fixture_file: Path, tmp_path: Path) -> None:  # noqa: F811
    postmortem_id = imported(db, fixture_file)
    before = len(timeline_texts(db, postmortem_id))
    csv_file = tmp_path / "pager.csv"
    csv_file.write_text(
        "time,text,kind,source\n"
        '2026-03-02 14:19,"Error budget alert, checkout",detection,pager\n'
        "2026-03-02T13:20:00Z,Synthetic check failed in eu-west,event,\n",
        encoding="utf-8",
    )
    result = pmdesk("--db", db, "add-events", postmortem_id, csv_file)
    assert result.code == 0, result.err
    assert result.out == "Added 2 events; skipped 0 already on the timeline.\n"
    texts = timeline_texts(db, postmortem_id)
    assert len(texts) == before + 2 and "Error budget alert, checkout" in texts
    again = pmdesk("--db", db, "add-events", postmortem_id, csv_file)
    assert again.out == "Added 0 events; skipped 2 already on the timeline.\n"


def test_a_malformed_csv_line_refuses_the_file(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
) -> None:
    postmortem_id = imported(db, fixture_file)
    before = timeline_texts(db, postmortem_id)
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("time,text\n14:05,fine\nnot a time,broken\n", encoding="utf-8")
    result = pmdesk("--db", db, "add-events", postmortem_id, csv_file)
    assert result.code == 2
    assert "bad.csv line 3" in result.err and "Nothing was imported" in result.err
    assert timeline_texts(db, postmortem_id) == before


def test_one_channel_of_a_slack_export_in_a_window(db: Path, fixture_file: Path) -> None:  # noqa: F811
    postmortem_id = imported(db, fixture_file)
    window = ["--channel", "enrique", "--since", "2016-01-01", "--until", "2016-02-01"]
    result = pmdesk("--db", db, "add-events", postmortem_id, EXPORT, *window)
    assert result.code == 0 and result.out.startswith("Added 9 events")
    assert any(text.startswith("Hamza Faran:") for text in timeline_texts(db, postmortem_id))
    again = pmdesk("--db", db, "add-events", postmortem_id, EXPORT, *window)
    assert again.out == "Added 0 events; skipped 9 already on the timeline.\n"


def test_a_slack_export_needs_a_channel_when_it_has_several(
    db: Path,  # noqa: F811
    fixture_file: Path,
) -> None:
    postmortem_id = imported(db, fixture_file)
    result = pmdesk("--db", db, "add-events", postmortem_id, EXPORT)
    assert result.code == 2 and "#enrique, #traveling-sailor" in result.err
    assert "--channel" in result.err
