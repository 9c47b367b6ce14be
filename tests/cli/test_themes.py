"""`pmdesk themes`: the library's themes in order, with how many systemic causes and postmortems
carry each, as a table or as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmdesk.domain.themes import DEFAULT_THEMES
from tests.cli.test_cli import db, pmdesk, write  # noqa: F401 - db is a fixture
from tests.conftest import FIXTURE


def themed(by_ref: dict[str, list[str]]) -> dict[str, Any]:
    """The example postmortem (systemic causes c3, c5, c7) with these themes on its causes."""
    document: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for cause in document["postmortem"]["causes"]:
        if cause["id"] in by_ref:
            cause["themes"] = by_ref[cause["id"]]
    return document


def defaults(**counted: tuple[int, int]) -> list[dict[str, Any]]:
    """The default themes as `themes --json` lists them; counts by the theme's first word."""
    return [
        {
            "name": theme.name,
            "description": theme.description,
            "causes": counted.get(theme.name.split()[0], (0, 0))[0],
            "postmortems": counted.get(theme.name.split()[0], (0, 0))[1],
        }
        for theme in DEFAULT_THEMES
    ]


def test_a_new_library_lists_the_default_themes_with_nothing_counted(db: Path) -> None:  # noqa: F811
    listed = pmdesk("--db", db, "themes", "--json")
    assert listed.code == 0 and listed.err == ""
    assert listed.json() == defaults()

    table = pmdesk("--db", db, "themes")
    lines = table.out.splitlines()
    assert lines[0].split() == ["THEME", "CAUSES", "POSTMORTEMS", "DESCRIPTION"]
    assert len(lines) == 1 + len(DEFAULT_THEMES)
    first = DEFAULT_THEMES[0]
    assert lines[1].startswith(first.name) and lines[1].endswith(first.description)
    assert lines[1].split()[2:4] == ["0", "0"]


def test_systemic_causes_and_their_postmortems_are_counted(db: Path, tmp_path: Path) -> None:  # noqa: F811
    first = themed(
        {
            "c3": ["Validation and testing", "Change management"],
            "c5": ["change management", "Config sprawl"],
            "c2": ["Knowledge and runbooks"],  # not systemic: kept, not counted
        }
    )
    second = themed({"c7": ["Detection and alerting", "Change Management"]})
    files = [write(tmp_path / "a.json", first), write(tmp_path / "b.json", second)]
    assert pmdesk("--db", db, "import", *files).code == 0

    listed = pmdesk("--db", db, "themes", "--json").json()
    assert listed == [
        *defaults(Change=(3, 2), Validation=(1, 1), Detection=(1, 1)),
        {"name": "Config sprawl", "description": "", "causes": 1, "postmortems": 1},
    ]
    table = pmdesk("--db", db, "themes").out.splitlines()
    assert table[1].split()[:4] == ["Change", "management", "3", "2"]
    assert table[-1].split() == ["Config", "sprawl", "1", "1", "-"]


def test_a_refused_import_adds_no_theme(db: Path, tmp_path: Path) -> None:  # noqa: F811
    bad = themed({"c3": ["A theme nobody had", ""]})
    result = pmdesk("--db", db, "import", write(tmp_path / "bad.json", bad))
    assert result.code == 2 and "postmortem.causes[3].themes[1]" in result.err
    assert pmdesk("--db", db, "themes", "--json").json() == defaults()
