"""The interchange reader checks every rule of the spec; the writer gives back what was read."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pmdesk.domain.model import ActionStatus, EventKind, PostmortemKind
from pmdesk.interchange import json_v1
from pmdesk.interchange.errors import InterchangeError
from tests import documents

Doc = dict[str, Any]


def read(document: Any) -> json_v1.ImportedFile:
    return json_v1.read_document(document, "test.json")


def problems(document: Any) -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        read(document)
    return [str(p) for p in caught.value.problems]


def test_example_is_read_whole() -> None:
    imported = read(documents.example())
    pm = imported.postmortem
    assert imported.warnings == []
    assert pm.kind is PostmortemKind.INCIDENT
    assert pm.timezone == "Europe/Berlin"
    assert pm.timeline[0].kind is EventKind.TRIGGER
    assert len(pm.timeline) == 8 and len(pm.causes) == 8 and len(pm.actions) == 5
    by_ref = {c.ref: c for c in pm.causes}
    assert by_ref["c3"].parent_id == by_ref["c2"].id
    assert pm.children(None) == [by_ref["p1"]]
    a1 = next(a for a in pm.actions if a.ref == "a1")
    assert a1.cause_id == by_ref["c3"].id and a1.status is ActionStatus.IN_PROGRESS


def test_example_round_trips_exactly() -> None:
    original = documents.example()
    assert json_v1.to_document(read(original).postmortem) == original


def test_rich_document_round_trips_exactly() -> None:
    original = documents.rich()
    again = json.loads(json_v1.dumps(read(original).postmortem))
    assert again == original


def test_written_file_keeps_every_string_byte_for_byte(tmp_path: Path) -> None:
    original = documents.rich()
    target = tmp_path / "out.json"
    json_v1.write_file(read(original).postmortem, target)
    raw = target.read_bytes()
    assert json.loads(raw.decode("utf-8")) == original
    assert "🔥".encode() in raw  # written as UTF-8, not \u escapes
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_timeline_is_kept_in_time_order_with_equal_times_in_file_order() -> None:
    document = documents.rich()
    events = document["postmortem"]["timeline"]
    events.reverse()
    pm = read(document).postmortem
    assert [e.text for e in pm.timeline] == [
        "Same instant, written later",  # the reversed file lists this one first now
        "First at 13:05Z",
        "Fractional seconds, odd offset",
        "Mitigated (Nepal time)",
        "Resolved next day",
    ]


def test_evidence_follows_events_into_time_order() -> None:
    document = documents.rich()
    document["postmortem"]["timeline"].reverse()  # file index 4 is now the trigger
    document["postmortem"]["causes"][1]["evidence"] = [4]
    pm = read(document).postmortem
    cited = pm.causes[1].evidence
    assert [e.text for e in pm.timeline if e.id in cited] == ["First at 13:05Z"]
    written = json_v1.to_document(pm)["postmortem"]
    assert written["causes"][1]["evidence"] == [1]  # its index in the written (time) order


def test_zero_offset_is_written_as_z_and_offsets_are_kept() -> None:
    document = documents.example()
    document["postmortem"]["timeline"][0]["at"] = "2026-03-02T13:05:00+00:00"
    pm = read(document).postmortem
    assert pm.timeline[0].at == datetime(2026, 3, 2, 13, 5, tzinfo=UTC)
    written = json_v1.to_document(pm)["postmortem"]["timeline"]
    assert written[0]["at"] == "2026-03-02T13:05:00Z"
    assert written[1]["at"] == "2026-03-02T14:06:10+01:00"
    assert pm.timeline[1].at.utcoffset() == timedelta(hours=1)


def test_defaults_for_optional_fields() -> None:
    pm = read({"format": "pmdesk", "version": 1, "postmortem": {"title": "T"}}).postmortem
    assert (pm.kind.value, pm.severity, pm.status.value, pm.timezone) == (
        "incident",
        None,
        "draft",
        "UTC",
    )
    assert pm.timeline == [] and pm.causes == [] and pm.metrics == [] and pm.summary == ""


def test_unknown_keys_are_warnings_not_errors() -> None:
    document = documents.example()
    document["generator"] = "other tool"
    document["postmortem"]["causes"][0]["colour"] = "red"
    imported = read(document)
    assert imported.warnings == [
        "unknown key generator ignored",
        "unknown key postmortem.causes[0].colour ignored",
    ]


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """A mutation that sets `postmortem.<path>` (dots and [i]) to `value`."""

    def mutate(document: Doc) -> None:
        target: Any = document
        parts = path.replace("]", "").replace("[", ".").split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


_DELETE = object()

BAD_FIELDS: list[tuple[str, Any, str, str]] = [
    # (where to change, new value, field path expected, words expected in the rule)
    ("format", "pmdesk2", "format", 'must be "pmdesk"'),
    ("format", _DELETE, "format", "missing"),
    ("version", "1", "version", "must be the integer 1"),
    ("version", True, "version", "must be the integer 1"),
    ("version", 0, "version", "must be the integer 1"),
    ("version", _DELETE, "version", "is required"),
    ("postmortem", [], "postmortem", "must be an object, not a list"),
    ("postmortem", _DELETE, "postmortem", "is required"),
    ("postmortem.title", "   ", "postmortem.title", "must not be empty"),
    ("postmortem.title", _DELETE, "postmortem.title", "is required"),
    ("postmortem.title", "x" * 301, "postmortem.title", "at most 300"),
    ("postmortem.title", 7, "postmortem.title", "must be a string"),
    ("postmortem.kind", "outage", "postmortem.kind", '"incident", "near-miss"'),
    ("postmortem.kind", None, "postmortem.kind", "must be one of"),
    ("postmortem.severity", "SEV6", "postmortem.severity", "or null"),
    ("postmortem.severity", "sev1", "postmortem.severity", "must be one of"),
    ("postmortem.status", "done", "postmortem.status", '"draft", "review", "final"'),
    ("postmortem.timezone", "Mars/Olympus", "postmortem.timezone", "IANA time zone"),
    ("postmortem.timezone", "+01:00", "postmortem.timezone", "IANA time zone"),
    ("postmortem.summary", ["a"], "postmortem.summary", "must be a string"),
    ("postmortem.impact", "bad", "postmortem.impact", "must be an object"),
    ("postmortem.impact.summary", 3, "postmortem.impact.summary", "must be a string"),
    ("postmortem.impact.metrics", {}, "postmortem.impact.metrics", "must be a list"),
    (
        "postmortem.impact.metrics[1].value",
        "18250",
        "postmortem.impact.metrics[1].value",
        "must be a number",
    ),
    (
        "postmortem.impact.metrics[1].value",
        True,
        "postmortem.impact.metrics[1].value",
        "must be a number",
    ),
    (
        "postmortem.impact.metrics[1].value",
        _DELETE,
        "postmortem.impact.metrics[1].value",
        "is required",
    ),
    (
        "postmortem.impact.metrics[0].name",
        None,
        "postmortem.impact.metrics[0].name",
        "must be a string",
    ),
    (
        "postmortem.impact.metrics[0].unit",
        5,
        "postmortem.impact.metrics[0].unit",
        "must be a string",
    ),
    ("postmortem.participants[0]", "Dana", "postmortem.participants[0]", "must be an object"),
    ("postmortem.participants[0].role", 1, "postmortem.participants[0].role", "must be a string"),
    ("postmortem.tags[1]", "CONFIG", "postmortem.tags[1]", "repeats tags[0]"),
    ("postmortem.tags[1]", 5, "postmortem.tags[1]", "must be a string"),
    (
        "postmortem.timeline[2].at",
        "2026-03-02T14:21:00",
        "postmortem.timeline[2].at",
        "with a UTC offset",
    ),
    ("postmortem.timeline[2].at", "2026-03-02", "postmortem.timeline[2].at", "with a UTC offset"),
    ("postmortem.timeline[2].at", "yesterday", "postmortem.timeline[2].at", "ISO 8601"),
    ("postmortem.timeline[2].at", "2026-02-30T10:00:00Z", "postmortem.timeline[2].at", "ISO 8601"),
    ("postmortem.timeline[2].kind", "alert", "postmortem.timeline[2].kind", '"detection"'),
    ("postmortem.timeline[2].kind", _DELETE, "postmortem.timeline[2].kind", "is required"),
    ("postmortem.timeline[2].text", "\n\t ", "postmortem.timeline[2].text", "must not be empty"),
    ("postmortem.timeline[2].source", 9, "postmortem.timeline[2].source", "must be a string"),
    (
        "postmortem.causes[3].parent",
        "c99",
        "postmortem.causes[3].parent",
        '"c99" is not the id of any cause',
    ),
    ("postmortem.causes[3].id", "c1", "postmortem.causes[3].id", "ids must be unique"),
    ("postmortem.causes[3].id", "", "postmortem.causes[3].id", "must not be empty"),
    ("postmortem.causes[3].text", "", "postmortem.causes[3].text", "must not be empty"),
    (
        "postmortem.causes[3].systemic",
        "yes",
        "postmortem.causes[3].systemic",
        "must be true or false",
    ),
    (
        "postmortem.causes[3].evidence",
        [8],
        "postmortem.causes[3].evidence[0]",
        "timeline has 8 events",
    ),
    (
        "postmortem.causes[3].evidence",
        [-1],
        "postmortem.causes[3].evidence[0]",
        "timeline has 8 events",
    ),
    (
        "postmortem.causes[3].evidence",
        ["0"],
        "postmortem.causes[3].evidence[0]",
        "must be an index",
    ),
    ("postmortem.causes[3].evidence", [1, 1], "postmortem.causes[3].evidence[1]", "twice"),
    ("postmortem.causes[3].evidence", 1, "postmortem.causes[3].evidence", "must be a list"),
    ("postmortem.actions[0].id", "a2", "postmortem.actions[1].id", "ids must be unique"),
    ("postmortem.actions[0].title", " ", "postmortem.actions[0].title", "must not be empty"),
    ("postmortem.actions[0].owner", [], "postmortem.actions[0].owner", "must be a string"),
    ("postmortem.actions[0].due", "2026-3-20", "postmortem.actions[0].due", "YYYY-MM-DD"),
    ("postmortem.actions[0].due", "2026-02-30", "postmortem.actions[0].due", "YYYY-MM-DD"),
    (
        "postmortem.actions[0].due",
        "2026-03-20T10:00:00Z",
        "postmortem.actions[0].due",
        "YYYY-MM-DD",
    ),
    ("postmortem.actions[0].status", "closed", "postmortem.actions[0].status", '"in_progress"'),
    ("postmortem.actions[0].priority", "P4", "postmortem.actions[0].priority", '"P3" or null'),
    (
        "postmortem.actions[0].cause",
        "c42",
        "postmortem.actions[0].cause",
        '"c42" is not the id of any cause',
    ),
    ("postmortem.actions[0].notes", None, "postmortem.actions[0].notes", "must be a string"),
    ("postmortem.actions[0].history", {}, "postmortem.actions[0].history", "must be a list"),
    (
        "postmortem.actions[0].history",
        [{"at": "2026-03-02T10:00:00", "field": "status", "from": "open", "to": "done"}],
        "postmortem.actions[0].history[0].at",
        "UTC offset",
    ),
    (
        "postmortem.actions[0].history",
        [{"at": "2026-03-02T10:00:00Z", "field": "title", "from": "a", "to": "b"}],
        "postmortem.actions[0].history[0].field",
        '"priority"',
    ),
    (
        "postmortem.actions[0].history",
        [{"at": "2026-03-02T10:00:00Z", "field": "status", "from": "open", "to": "closed"}],
        "postmortem.actions[0].history[0].to",
        "not a status value",
    ),
    (
        "postmortem.actions[0].history",
        [{"at": "2026-03-02T10:00:00Z", "field": "due", "from": "2026-3-1", "to": None}],
        "postmortem.actions[0].history[0].from",
        "not a due value",
    ),
    ("postmortem.lessons[0].kind", "good", "postmortem.lessons[0].kind", '"went_well"'),
    ("postmortem.lessons[0].text", "", "postmortem.lessons[0].text", "must not be empty"),
    ("postmortem.lessons", "none", "postmortem.lessons", "must be a list"),
]


@pytest.mark.parametrize(
    ("where", "value", "path", "words"),
    BAD_FIELDS,
    ids=[f"{w}={json.dumps(v) if v is not _DELETE else 'deleted'}"[:60] for w, v, *_ in BAD_FIELDS],
)
def test_each_broken_rule_is_named_with_its_field_path(
    where: str, value: Any, path: str, words: str
) -> None:
    document = documents.example()
    _set(where, value)(document)
    found = problems(document)
    assert any(p.startswith(f"{path}: ") and words in p for p in found), found


def test_a_newer_version_is_refused_with_a_clear_message() -> None:
    document = documents.example()
    document["version"] = 2
    (found,) = problems(document)
    assert found == (
        "version: is 2: the file was written by a newer pmdesk; this one reads version 1. "
        "Update pmdesk to import it."
    )


def test_cycles_in_the_cause_tree_are_refused() -> None:
    document = documents.example()
    causes = document["postmortem"]["causes"]
    causes[0]["parent"] = "c2"  # p1 -> c2 -> c1 -> p1
    found = problems(document)
    assert any("makes a cycle (" in p and "p1" in p for p in found), found
    assert sum("cycle" in p for p in found) == 1


def test_a_cause_that_is_its_own_parent_is_a_cycle() -> None:
    document = documents.example()
    document["postmortem"]["causes"][4]["parent"] = "c4"
    found = problems(document)
    assert any(p.startswith("postmortem.causes[4].parent: makes a cycle") for p in found)


def test_every_problem_is_reported_at_once() -> None:
    document = documents.example()
    document["postmortem"]["title"] = ""
    document["postmortem"]["actions"][1]["status"] = "closed"
    document["postmortem"]["lessons"][2]["kind"] = "meh"
    paths = [p.split(":")[0] for p in problems(document)]
    assert paths == [
        "postmortem.title",
        "postmortem.actions[1].status",
        "postmortem.lessons[2].kind",
    ]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "is not valid JSON: Expecting value at line 1, column 1"),
        (b'{"format": "pmdesk",', "is not valid JSON"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (
            b'{"format":"pmdesk","version":1,"postmortem":{"title":"x","impact":{"metrics":'
            b'[{"name":"n","value":NaN}]}}}',
            "NaN is not a JSON number",
        ),
        (b"[1, 2]", "the file must be an object, not a list"),
        (b'"just a string"', "the file must be an object, not a string"),
    ],
)
def test_files_that_are_not_interchange_json(raw: bytes, words: str) -> None:
    with pytest.raises(InterchangeError) as caught:
        json_v1.read_bytes(raw, "odd.json")
    assert words in caught.value.message
    assert caught.value.message.startswith("Cannot read odd.json:\n  the file ")
    assert "Nothing was imported" in caught.value.message


def test_a_byte_order_mark_is_accepted() -> None:
    raw = b"\xef\xbb\xbf" + json.dumps(documents.example()).encode()
    assert json_v1.read_bytes(raw).postmortem.title.startswith("Checkout errors")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="  the file does not exist"):
        json_v1.read_file(tmp_path / "nope.json")
    with pytest.raises(InterchangeError, match="  the file is a folder, not a file"):
        json_v1.read_file(tmp_path)


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    pm = read(documents.example()).postmortem

    def disk_full(_: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        json_v1.write_file(pm, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("zone", ["", "   "])
def test_an_empty_time_zone_is_refused_not_taken_for_utc(zone: str) -> None:
    document = documents.example()
    document["postmortem"]["timezone"] = zone
    found = problems(document)
    assert len(found) == 1
    assert found[0].startswith("postmortem.timezone: must not be empty")


def test_a_missing_time_zone_still_means_utc() -> None:
    document = documents.example()
    del document["postmortem"]["timezone"]
    assert read(document).postmortem.timezone == "UTC"


def test_a_repeated_key_is_a_warning_naming_it() -> None:
    text = json.dumps(documents.example())
    # The same key twice in the postmortem object: JSON readers keep the last silently.
    doubled = text.replace('"title": ', '"title": "first", "title": ', 1)
    imported = json_v1.read_bytes(doubled.encode("utf-8"))
    assert imported.postmortem.title == documents.example()["postmortem"]["title"]
    assert imported.warnings == [
        "key postmortem.title appears more than once; its last value was kept"
    ]


def test_an_action_without_a_status_is_open_with_a_warning() -> None:
    document = documents.example()
    del document["postmortem"]["actions"][0]["status"]
    imported = read(document)
    assert imported.postmortem.actions[0].status is ActionStatus.OPEN
    assert imported.warnings == [
        "postmortem.actions[0].status is missing: the action is taken as open"
    ]
