"""`pmdesk export ID --to report.pdf|report.md [--audience …]` on the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmdesk.report import fonts
from pmdesk.services import recurrences
from pmdesk.storage.library import open_library
from tests.cli.test_cli import db, imported, pmdesk  # noqa: F401 - db is a fixture


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775000000")  # 2026-03-31 23:33:20 UTC


@pytest.mark.parametrize("suffix", [".md", ".pdf"])
def test_a_report_is_byte_identical_when_the_time_is_fixed(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
    fixed_time: None,
    suffix: str,
) -> None:
    postmortem_id = imported(db, fixture_file)
    first, second = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    assert pmdesk("--db", db, "export", postmortem_id, "--to", first).code == 0
    assert pmdesk("--db", db, "export", postmortem_id, "--to", second).code == 0
    assert first.read_bytes() == second.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary file left


def test_the_audience_chooses_what_a_report_shows(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
    fixed_time: None,
) -> None:
    postmortem_id = imported(db, fixture_file)
    team, stakeholders = tmp_path / "team.md", tmp_path / "stakeholders.md"
    pmdesk("--db", db, "export", postmortem_id, "--to", team)  # team is the default
    result = pmdesk(
        "--db", db, "export", postmortem_id, "--to", stakeholders, "--audience", "stakeholders"
    )
    assert result.code == 0
    assert "Dana Okafor" in team.read_text(encoding="utf-8")
    assert "Dana Okafor" not in stakeholders.read_text(encoding="utf-8")
    assert "Generated 2026-03-31" in team.read_text(encoding="utf-8")


def test_an_audience_for_a_data_export_is_refused(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
) -> None:
    postmortem_id = imported(db, fixture_file)
    target = tmp_path / "data.json"
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target, "--audience", "team")
    assert result.code == 2 and "reports only" in result.err
    assert not target.exists()


def test_a_bad_source_date_epoch_is_refused(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    postmortem_id = imported(db, fixture_file)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    target = tmp_path / "report.md"
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target)
    assert result.code == 2 and "SOURCE_DATE_EPOCH" in result.err and "whole number" in result.err
    assert not target.exists()


def test_a_report_names_the_incidents_it_repeats(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
    fixed_time: None,
) -> None:
    earlier = imported(db, fixture_file)
    later = imported(db, fixture_file)
    with open_library(db) as library:
        recurrences.link(library, later, earlier, "Same pipeline, same missing check")
    target = tmp_path / "later.md"
    assert pmdesk("--db", db, "export", later, "--to", target).code == 0
    text = target.read_text(encoding="utf-8")
    assert "Recurrence of: Checkout errors after an unvalidated config push" in text
    back = tmp_path / "earlier.md"
    pmdesk("--db", db, "export", earlier, "--to", back)
    assert "Recurred as" in back.read_text(encoding="utf-8")


def test_a_pdf_without_its_fonts_is_refused_with_a_message_not_a_traceback(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A broken installation (a bundle that lost resources/fonts) says what to do."""
    postmortem_id = imported(db, fixture_file)
    (tmp_path / "bundle" / "resources" / "fonts").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    monkeypatch.setattr(fonts, "_fonts", None)
    target = tmp_path / "report.pdf"
    result = pmdesk("--db", db, "export", postmortem_id, "--to", target)
    assert result.code == 2
    assert result.err.startswith("pmdesk: The report fonts are missing")
    assert "reinstall pmdesk" in result.err and "Traceback" not in result.err
    assert not target.exists()
