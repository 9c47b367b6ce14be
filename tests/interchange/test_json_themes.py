"""The optional `themes` of a cause in an interchange file: read, checked with field paths, written
back only when a cause has some, and kept through a library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pmdesk.domain.themes import DEFAULT_THEMES, Theme
from pmdesk.domain.validation import check_themes
from pmdesk.interchange import json_v1
from pmdesk.interchange.errors import InterchangeError
from pmdesk.services import postmortems, themes
from pmdesk.storage.library import open_library
from tests import documents

# By cause id in documents.rich(): themes on a systemic cause, on a cause that is not, one the
# library has no theme of yet, and a name of exactly the longest length.
THEMES = {
    "root": ["Knowledge and runbooks"],
    "a-second": ["Change management", "Ünïcode 🔥 <b>&amp;</b> عنوان", "x" * 60],
    "deep": ["Validation and testing"],
}


def themed() -> dict[str, Any]:
    document = documents.rich()
    for cause in document["postmortem"]["causes"]:
        if cause["id"] in THEMES:
            cause["themes"] = list(THEMES[cause["id"]])
    return document


def with_themes(value: Any, cause: int = 2) -> dict[str, Any]:
    document = documents.rich()
    document["postmortem"]["causes"][cause]["themes"] = value
    return document


def read(document: Any) -> json_v1.ImportedFile:
    return json_v1.read_document(document, "test.json")


def problems(document: Any) -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        read(document)
    return [str(p) for p in caught.value.problems]


def test_themes_are_read_in_their_order_without_a_warning() -> None:
    imported = read(themed())
    assert imported.warnings == []
    found = {c.ref: c.themes for c in imported.postmortem.causes}
    assert found == {"root": THEMES["root"], "z-first": [], **THEMES}
    for cause in imported.postmortem.causes:
        assert check_themes(cause.themes) == cause.themes  # what a file holds, the editor takes


def test_themes_round_trip_exactly() -> None:
    original = themed()
    written = json.loads(json_v1.dumps(read(original).postmortem))
    assert written == original


def test_a_file_without_themes_is_written_as_before() -> None:
    for document in (documents.example(), documents.rich()):
        written = json_v1.to_document(read(document).postmortem)
        assert all("themes" not in cause for cause in written["postmortem"]["causes"])
    assert (
        "themes"
        not in json_v1.to_document(read(with_themes([])).postmortem)["postmortem"]["causes"][2]
    )


def test_import_then_export_gives_the_same_file_and_new_themes_join_the_library(
    tmp_path: Path,
) -> None:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(themed(), ensure_ascii=False), encoding="utf-8")
    with open_library(tmp_path / "library.pmdesk") as library:
        [postmortem_id] = postmortems.import_files(library, [source]).postmortem_ids
        postmortems.export_postmortem(library, postmortem_id, target)
        vocabulary = themes.library_themes(library)
    assert json.loads(target.read_text(encoding="utf-8")) == themed()
    new = [Theme(THEMES["a-second"][1], ""), Theme("x" * 60, "")]
    assert vocabulary == [*DEFAULT_THEMES, *new]


def test_a_theme_spelled_otherwise_exports_as_the_library_spells_it(tmp_path: Path) -> None:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(with_themes([" change  MANAGEMENT"])), encoding="utf-8")
    with open_library(tmp_path / "library.pmdesk") as library:
        [postmortem_id] = postmortems.import_files(library, [source]).postmortem_ids
        postmortems.export_postmortem(library, postmortem_id, target)
        assert themes.library_themes(library) == list(DEFAULT_THEMES)
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["postmortem"]["causes"][2]["themes"] == ["Change management"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Change management", "postmortem.causes[2].themes: must be a list, not a string"),
        (None, "postmortem.causes[2].themes: must be a list, not null"),
        ({"name": "x"}, "postmortem.causes[2].themes: must be a list, not an object"),
        ([7], "postmortem.causes[2].themes[0]: must be a string (a theme's name), not a number"),
        ([["Nested"]], "postmortem.causes[2].themes[0]: must be a string (a theme's name), not a"),
        ([None], "postmortem.causes[2].themes[0]: must be a string (a theme's name), not null"),
        (["Own", ""], "postmortem.causes[2].themes[1]: must not be empty"),
        ([" \t\n"], "postmortem.causes[2].themes[0]: must not be empty"),
        (["x" * 61], "postmortem.causes[2].themes[0]: is 61 characters; at most 60"),
        (["🔥" * 61], "postmortem.causes[2].themes[0]: is 61 characters; at most 60"),
        (
            ["Own", "Other", " OWN "],
            'postmortem.causes[2].themes[2]: " OWN " repeats themes[0] (themes are compared '
            "ignoring case and spacing)",
        ),
    ],
)
def test_a_bad_theme_is_refused_naming_the_field_and_the_rule(value: Any, expected: str) -> None:
    found = problems(with_themes(value))
    assert any(problem.startswith(expected) for problem in found), found


def test_every_bad_theme_is_named_at_once() -> None:
    document = with_themes(["", "x" * 61], cause=0)
    document["postmortem"]["causes"][3]["themes"] = [1]
    found = problems(document)
    assert [p.split(":")[0] for p in found] == [
        "postmortem.causes[0].themes[0]",
        "postmortem.causes[0].themes[1]",
        "postmortem.causes[3].themes[0]",
    ]


def test_a_refused_theme_writes_nothing(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(themed(), ensure_ascii=False), encoding="utf-8")
    bad.write_text(json.dumps(with_themes(["Fine new theme", "x" * 61])), encoding="utf-8")
    with open_library(tmp_path / "library.pmdesk") as library:
        with pytest.raises(postmortems.ImportRefusedError, match=r"themes\[1\]"):
            postmortems.import_files(library, [good, bad])
        assert postmortems.list_postmortems(library) == []
        assert themes.library_themes(library) == list(DEFAULT_THEMES)
