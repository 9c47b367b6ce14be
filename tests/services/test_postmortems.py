"""Use cases on whole postmortems, against a real library (a file, and a PostgreSQL database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmdesk.interchange import json_v1
from pmdesk.services import postmortems
from pmdesk.services.changes import Entity
from pmdesk.storage import repository
from pmdesk.storage.library import Library
from tests import documents


def test_import_reports_what_changed(library: Library, fixture_file: Path) -> None:
    report = postmortems.import_files(library, [fixture_file, fixture_file])
    assert len(set(report.postmortem_ids)) == 2
    assert report.changes.entity is Entity.POSTMORTEM
    assert report.changes.added == frozenset(report.postmortem_ids)
    assert report.warnings == []


def test_import_refuses_all_files_when_one_is_bad(
    library: Library, fixture_file: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "pmdesk", "version": 1}), encoding="utf-8")
    with pytest.raises(postmortems.ImportRefusedError) as caught:
        postmortems.import_files(library, [fixture_file, bad, tmp_path / "missing.json"])
    assert [e.source for e in caught.value.errors] == [str(bad), str(tmp_path / "missing.json")]
    assert postmortems.list_postmortems(library) == []


def test_ids_can_be_typed_as_unique_prefixes(library: Library, fixture_file: Path) -> None:
    ids = postmortems.import_files(library, [fixture_file] * 20).postmortem_ids
    target = ids[0]
    assert postmortems.resolve_id(library, target) == target
    unique = next(
        target[:n] for n in range(4, 33) if sum(i.startswith(target[:n]) for i in ids) == 1
    )
    assert postmortems.resolve_id(library, f"  {unique} ") == target
    with pytest.raises(postmortems.NotFoundError, match="pmdesk list"):
        postmortems.resolve_id(library, target[:3])  # too short to be trusted


def test_an_ambiguous_prefix_says_so(library: Library) -> None:
    first = json_v1.read_document(documents.example()).postmortem
    second = json_v1.read_document(documents.example()).postmortem
    first.id, second.id = "abcd" + "0" * 28, "abcd" + "1" * 28
    with library.transaction() as conn:
        repository.insert_postmortem(conn, first)
        repository.insert_postmortem(conn, second)
    with pytest.raises(postmortems.NotFoundError, match="matches 2 postmortems"):
        postmortems.resolve_id(library, "abcd")
    assert postmortems.get_postmortem(library, "abcd1").id == second.id


@pytest.mark.parametrize(
    ("name", "requested", "expected"),
    [("a.json", None, "json"), ("A.JSON", None, "json"), ("a.txt", "json", "json")],
)
def test_export_format_follows_the_extension(
    name: str, requested: str | None, expected: str
) -> None:
    assert postmortems.export_format_for(name, requested) == expected


def test_unknown_export_formats_are_named(tmp_path: Path) -> None:
    with pytest.raises(postmortems.ExportFormatError, match="cannot export “docx”"):
        postmortems.export_format_for(tmp_path / "a.docx", None)
