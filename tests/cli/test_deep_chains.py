"""A chain of whys 3,000 deep (three times Python's recursion limit) imports, is checked and is
exported by the command line, as a file from another team may hold one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests import documents
from tests.cli.test_cli import imported, pmdesk, write

DEPTH = 3000


@pytest.fixture(scope="module")
def deep_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("deep") / "deep.json", documents.deep_chain(DEPTH))


def test_check_reads_a_deep_file_and_judges_it(deep_file: Path) -> None:
    result = pmdesk("check", "--json", "--today", "2026-03-10", deep_file)
    assert result.err == ""
    assert result.code in (0, 1)
    findings = result.json()
    assert not any("cycle" in json.dumps(f) for f in findings["findings"])


def test_a_deep_file_imports_checks_and_exports_whole(deep_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "library.pmdesk"
    postmortem_id = imported(db, deep_file)
    checked = pmdesk("--db", db, "check", "--today", "2026-03-10", postmortem_id)
    assert checked.code in (0, 1) and checked.err == ""

    again = tmp_path / "again.json"
    assert pmdesk("--db", db, "export", postmortem_id, "--to", again).code == 0
    causes = json.loads(again.read_text(encoding="utf-8"))["postmortem"]["causes"]
    assert causes == documents.deep_chain(DEPTH)["postmortem"]["causes"]

    pdf = tmp_path / "deep.pdf"
    result = pmdesk("--db", db, "export", postmortem_id, "--to", pdf)
    assert result.code == 0, result.err
    last_pages = PdfReader(pdf).pages[-3:]
    text = " ".join(" ".join(page.extract_text().split()) for page in last_pages)
    assert "Answer 2999 to why the one before it happened" in text
