"""Hostile files and arguments get exit 2 and a message naming what is wrong, never a traceback,
and nothing is imported."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests import documents
from tests.cli.test_cli import db, pmdesk  # noqa: F401 - db is a fixture
from tests.conftest import REPO


def spoiled(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = copy.deepcopy(documents.example())
    change(document)
    return document


def set_title(value: str) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["postmortem"].__setitem__("title", value)


def set_first_event_time(value: str) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["postmortem"]["timeline"][0].__setitem__("at", value)


def huge_spent_seconds(document: dict[str, Any]) -> None:
    agenda = [{"step": "ground_rules", "minutes": 5, "spent_seconds": 10**30}]
    document["postmortem"]["meeting"] = {"agenda": agenda}


def set_themes(value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["postmortem"]["causes"][-1].__setitem__("themes", value)


CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    "a lone surrogate": (spoiled(set_title("bad \ud800 half")), "postmortem.title", "surrogate"),
    "a time before year 1 in UTC": (
        spoiled(set_first_event_time("0001-01-01T00:30:00+01:00")),
        "postmortem.timeline[0].at",
        "in the years 1 to 9999",
    ),
    "a time after 9999 in UTC": (
        spoiled(set_first_event_time("9999-12-31T23:30:00-01:00")),
        "postmortem.timeline[0].at",
        "in the years 1 to 9999",
    ),
    "a lone surrogate in a theme": (
        spoiled(set_themes(["Change management", "bad \udfff half"])),
        "postmortem.causes[7].themes[1]",
        "surrogate",
    ),
    "a theme a megabyte long": (
        spoiled(set_themes(["x" * 1_000_000])),
        "postmortem.causes[7].themes[0]",
        "at most 60",
    ),
    "a theme that is an object": (
        spoiled(set_themes([{"name": "Change management"}])),
        "postmortem.causes[7].themes[0]",
        "must be a string",
    ),
    "themes that are one string": (
        spoiled(set_themes("Change management")),
        "postmortem.causes[7].themes",
        "must be a list",
    ),
    "a theme twice in other cases": (
        spoiled(set_themes(["Change management", "CHANGE MANAGEMENT"])),
        "postmortem.causes[7].themes[1]",
        "ignoring case",
    ),
    "a number past 64 bits": (
        spoiled(huge_spent_seconds),
        "postmortem.meeting.agenda[0].spent_seconds",
        "9223372036854775807",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_is_refused_naming_the_field(db: Path, tmp_path: Path, case: str) -> None:  # noqa: F811
    document, field, words = CASES[case]
    file = tmp_path / "hostile.json"
    # ensure_ascii writes a lone surrogate as the escape a hostile file would hold.
    file.write_text(json.dumps(document), encoding="utf-8")
    for command in ("import", "check"):
        result = pmdesk("--db", db, command, file)
        assert result.code == 2, (command, result)
        assert field in result.err and words in result.err, result.err
        assert "Traceback" not in result.err
    assert pmdesk("--db", db, "list", "--json").out.strip() == "[]"


def test_json_nested_thousands_deep_is_refused(db: Path, tmp_path: Path) -> None:  # noqa: F811
    file = tmp_path / "deep.json"
    file.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    result = pmdesk("--db", db, "import", file)
    assert result.code == 2
    assert "nests lists or objects too deeply" in result.err


@pytest.mark.parametrize(
    "arguments",
    [["search", "x", "--tag", b"\xff"], ["export", b"\xff\xfe", "--to", "x.json"]],
    ids=["search --tag", "export ID"],
)
def test_arguments_that_are_not_utf8_are_refused(db: Path, arguments: list[Any]) -> None:  # noqa: F811
    result = subprocess.run(
        [sys.executable, "-m", "pmdesk", "--db", str(db), *arguments],
        cwd=REPO,
        capture_output=True,
        timeout=60,
        check=False,
    )
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert "is not UTF-8 text" in err
    assert "Traceback" not in err


STDOUT = ["--to", "/dev/stdout", "--format", "json"]


def test_an_export_to_standard_output_goes_down_the_pipe(
    db: Path,  # noqa: F811
    fixture_file: Path,
) -> None:
    postmortem_id = pmdesk("--db", db, "import", fixture_file).out.strip()
    result = subprocess.run(
        [sys.executable, "-m", "pmdesk", "--db", str(db), "export", postmortem_id, *STDOUT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["postmortem"]["title"].startswith("Checkout errors")
