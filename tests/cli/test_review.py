"""`pmdesk review`: the learning review of a period, written as a PDF or as Markdown, from the
command line a leader's script would use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.cli.test_cli import db, pmdesk, write  # noqa: F401 - db is a fixture
from tests.conftest import FIXTURE

# 10 December 2026, 12:00 UTC: the day overdue actions are counted on, and the footer's date.
EPOCH = "1796904000"


def named_everywhere() -> dict[str, Any]:
    """The example postmortem with a systemic cause's theme, and its facilitator's name in an
    action that is overdue on the review's day."""
    document: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    pm = document["postmortem"]
    for cause in pm["causes"]:
        if cause["systemic"]:
            cause["themes"] = ["Change management"]
    pm["actions"][0]["title"] = "Dana Okafor's checklist: add schema validation to the pipeline"
    pm["actions"][0]["status"] = "open"
    return document


@pytest.fixture
def library(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = pmdesk("--db", db, "import", write(tmp_path / "pm.json", named_everywhere()))
    assert result.code == 0, result.err
    return db


def test_a_quarter_as_markdown_and_as_pdf(library: Path, tmp_path: Path) -> None:
    md, pdf = tmp_path / "review.md", tmp_path / "review.pdf"
    for target in (md, pdf):
        result = pmdesk(
            "--db", library, "review", "--from", "2026-Q1", "--to", "2026-Q1", "--to-file", target
        )
        assert (result.code, result.out, result.err) == (0, "", "")
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Learning review · 2026 Q1")
    assert "Change management" in text and "Dana Okafor" in text  # the team sees names
    pages = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Learning review · 2026 Q1" in pages and "Change management" in pages


def test_the_same_library_gives_the_same_bytes(library: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for target in (first, second):
        assert (
            pmdesk(
                "--db", library, "review", "--from", "2026", "--to", "2026", "--to-file", target
            ).code
            == 0
        )
    assert first.read_bytes() == second.read_bytes()


def test_stakeholders_read_roles_not_names(library: Path, tmp_path: Path) -> None:
    target = tmp_path / "review.md"
    result = pmdesk(
        "--db",
        library,
        "review",
        "--from",
        "2026-03",
        "--to",
        "2026-03",
        "--to-file",
        target,
        "--audience",
        "stakeholders",
    )
    assert result.code == 0, result.err
    text = target.read_text(encoding="utf-8")
    assert "Okafor" not in text and "Dana" not in text
    assert "facilitator" in text


@pytest.mark.parametrize(
    ("start", "end", "file", "says"),
    [
        ("2026-Q5", "2026", "r.pdf", "type a day (2026-03-02), a month (2026-03), a quarter"),
        ("2026-02-30", "2026", "r.pdf", "not a date of the calendar"),
        ("2026", "2025", "r.pdf", "give the earlier date first"),
        ("2026", "2026", "r.txt", "name the file “….pdf” or “….md”"),
    ],
)
def test_a_bad_period_or_file_says_what_to_type_and_writes_nothing(
    library: Path, tmp_path: Path, start: str, end: str, file: str, says: str
) -> None:
    target = tmp_path / file
    result = pmdesk("--db", library, "review", "--from", start, "--to", end, "--to-file", target)
    assert result.code == 2 and says in result.err and "Traceback" not in result.err
    assert not target.exists()
