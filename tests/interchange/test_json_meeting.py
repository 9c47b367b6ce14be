"""The optional `meeting` object of an interchange file: read, checked with field paths, written
back only when the postmortem has a meeting."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from pmdesk.domain.meeting import DEFAULT_MINUTES, Meeting, Role, Step, Timebox
from pmdesk.domain.validation import check_meeting
from pmdesk.interchange import json_v1
from pmdesk.interchange.errors import InterchangeError
from tests import documents


def read(document: Any) -> json_v1.ImportedFile:
    return json_v1.read_document(document, "test.json")


def with_meeting(meeting: Any) -> dict[str, Any]:
    document = documents.rich()
    document["postmortem"]["meeting"] = meeting
    return document


def problems(document: Any) -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        read(document)
    return [str(p) for p in caught.value.problems]


def test_the_meeting_is_read_whole() -> None:
    imported = read(documents.rich())
    assert imported.warnings == []
    pm = imported.postmortem
    meeting = pm.meeting
    assert meeting is not None
    assert meeting.started is not None and meeting.started.utcoffset() == timedelta(hours=1)
    assert meeting.ended is not None and meeting.ended.utcoffset() == timedelta(0)
    assert meeting.timebox(Step.FIVE_WHYS) == Timebox(Step.FIVE_WHYS, 180, 1200)
    assert [(a.name, a.role) for a in meeting.attendees] == [
        ("Zoë 🙂", Role.FACILITATOR),
        ("李雷", Role.SCRIBE),
        ("Dana Q.", Role.ATTENDEE),
    ]
    x9 = next(a for a in pm.actions if a.ref == "x9")
    assert [p.action_id for p in meeting.parking_lot] == [x9.id, None]
    assert [d.text for d in meeting.decisions] == [
        "Config pushes go through the canary from now on"
    ]
    check_meeting(meeting)  # what a file may hold, the editor accepts


def test_the_meeting_round_trips_exactly() -> None:
    original = documents.rich()
    written = json.loads(json_v1.dumps(read(original).postmortem))
    assert written["postmortem"]["meeting"] == original["postmortem"]["meeting"]


def test_no_meeting_reads_as_none_and_writes_no_key() -> None:
    pm = read(documents.example()).postmortem
    assert pm.meeting is None
    assert "meeting" not in json_v1.to_document(pm)["postmortem"]


def test_every_key_is_optional() -> None:
    pm = read(with_meeting({})).postmortem
    assert pm.meeting == Meeting()
    written = json_v1.to_document(pm)["postmortem"]["meeting"]
    assert written == {
        "started": None,
        "ended": None,
        "agenda": [
            {"step": step.value, "minutes": DEFAULT_MINUTES[step], "spent_seconds": 0}
            for step in Step
        ],
        "attendance": [],
        "parking_lot": [],
        "decisions": [],
    }


def test_a_partial_agenda_in_any_order_is_completed_in_step_order() -> None:
    agenda = [
        {"step": "wrap_up", "minutes": 3},
        {"step": "impact", "spent_seconds": 40},
        {"step": "ground_rules", "minutes": 2, "spent_seconds": 9},
    ]
    pm = read(with_meeting({"agenda": agenda, "attendance": [{"name": "Sam"}]})).postmortem
    assert pm.meeting is not None
    assert pm.meeting.agenda == [
        Timebox(Step.GROUND_RULES, 2, 9),
        Timebox(Step.TIMELINE, DEFAULT_MINUTES[Step.TIMELINE], 0),
        Timebox(Step.IMPACT, DEFAULT_MINUTES[Step.IMPACT], 40),
        Timebox(Step.FIVE_WHYS, DEFAULT_MINUTES[Step.FIVE_WHYS], 0),
        Timebox(Step.ACTIONS, DEFAULT_MINUTES[Step.ACTIONS], 0),
        Timebox(Step.FOLLOW_UP, DEFAULT_MINUTES[Step.FOLLOW_UP], 0),
        Timebox(Step.WRAP_UP, 3, 0),
    ]
    assert pm.meeting.attendees[0].role is Role.ATTENDEE
    written = json_v1.to_document(pm)["postmortem"]["meeting"]
    assert [entry["step"] for entry in written["agenda"]] == [step.value for step in Step]


def test_unknown_keys_in_the_meeting_are_warnings() -> None:
    document = documents.rich()
    meeting = document["postmortem"]["meeting"]
    meeting["room"] = "Blue"
    meeting["agenda"][2]["owner"] = "Dana"
    meeting["attendance"][0]["email"] = "z@example.org"
    meeting["parking_lot"][1]["votes"] = 3
    meeting["decisions"][0]["by"] = "all"
    assert read(document).warnings == [
        "unknown key postmortem.meeting.room ignored",
        "unknown key postmortem.meeting.agenda[2].owner ignored",
        "unknown key postmortem.meeting.attendance[0].email ignored",
        "unknown key postmortem.meeting.parking_lot[1].votes ignored",
        "unknown key postmortem.meeting.decisions[0].by ignored",
    ]


def _set(document: dict[str, Any], where: str, value: Any) -> None:
    """Set `postmortem.meeting.<where>` (dots and [i]) to `value`."""
    target: Any = document["postmortem"]["meeting"]
    parts = where.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    target[int(last) if last.isdigit() else last] = value


M = "postmortem.meeting"
BAD_MEETINGS: list[tuple[str, Any, str, str]] = [
    # (where in the meeting, new value, field path expected, words expected in the rule)
    ("started", "2026-03-05T10:00:00", f"{M}.started", "with a UTC offset"),
    ("started", "today", f"{M}.started", "ISO 8601"),
    ("started", 1741165200, f"{M}.started", "must be a string"),
    ("ended", "2026-03-05T08:59:59Z", f"{M}.ended", "is before started"),
    ("agenda", {}, f"{M}.agenda", "must be a list"),
    ("agenda[2]", "impact", f"{M}.agenda[2]", "must be an object"),
    ("agenda[2].step", "retro", f"{M}.agenda[2].step", '"five_whys"'),
    ("agenda[2].step", "timeline", f"{M}.agenda[2].step", "repeats agenda[1]"),
    ("agenda[2].step", None, f"{M}.agenda[2].step", "must be one of"),
    ("agenda[2].minutes", 0, f"{M}.agenda[2].minutes", "is 0; it must be from 1 to 180"),
    ("agenda[2].minutes", 181, f"{M}.agenda[2].minutes", "from 1 to 180"),
    ("agenda[2].minutes", 2.5, f"{M}.agenda[2].minutes", "must be a whole number"),
    ("agenda[2].minutes", True, f"{M}.agenda[2].minutes", "not true"),
    ("agenda[2].minutes", "5", f"{M}.agenda[2].minutes", "must be a whole number"),
    (
        "agenda[2].spent_seconds",
        -1,
        f"{M}.agenda[2].spent_seconds",
        "from 0 to 9223372036854775807",
    ),
    ("agenda[2].spent_seconds", None, f"{M}.agenda[2].spent_seconds", "not null"),
    ("attendance", "Dana", f"{M}.attendance", "must be a list"),
    ("attendance[1].name", " ", f"{M}.attendance[1].name", "must not be empty"),
    ("attendance[1].name", "x" * 201, f"{M}.attendance[1].name", "at most 200"),
    ("attendance[2].name", "ZOË 🙂 ", f"{M}.attendance[2].name", "repeats attendance[0]"),
    ("attendance[1].role", "observer", f"{M}.attendance[1].role", '"scribe"'),
    ("attendance[1]", {"role": "scribe"}, f"{M}.attendance[1].name", "is required"),
    ("parking_lot[0].text", "", f"{M}.parking_lot[0].text", "must not be empty"),
    ("parking_lot[0].text", "t" * 2001, f"{M}.parking_lot[0].text", "at most 2000"),
    ("parking_lot[1].action", "x42", f"{M}.parking_lot[1].action", "not the id of any action"),
    ("parking_lot[1].action", "x9", f"{M}.parking_lot[1].action", "parking_lot[0]"),
    ("parking_lot[1].action", 9, f"{M}.parking_lot[1].action", "must be a string"),
    ("decisions[0].text", "\n", f"{M}.decisions[0].text", "must not be empty"),
    ("decisions[0]", {}, f"{M}.decisions[0].text", "is required"),
    ("decisions", None, f"{M}.decisions", "must be a list"),
]


@pytest.mark.parametrize(
    ("where", "value", "path", "words"),
    BAD_MEETINGS,
    ids=[f"{w}={json.dumps(v)}"[:60] for w, v, *_ in BAD_MEETINGS],
)
def test_each_broken_rule_is_named_with_its_field_path(
    where: str, value: Any, path: str, words: str
) -> None:
    document = documents.rich()
    _set(document, where, value)
    found = problems(document)
    assert any(p.startswith(f"{path}: ") and words in p for p in found), found


def test_a_meeting_that_is_not_an_object_is_refused() -> None:
    assert problems(with_meeting([])) == ["postmortem.meeting: must be an object, not a list"]
    assert problems(with_meeting(None)) == ["postmortem.meeting: must be an object, not null"]


def test_every_broken_rule_of_the_meeting_is_reported_at_once() -> None:
    document = with_meeting(
        {
            "started": "soon",
            "agenda": [{"step": "impact", "minutes": 0}, {"step": "impact"}],
            "attendance": [{"name": "A"}, {"name": "a"}],
            "parking_lot": [{"text": " ", "action": "nope"}],
            "decisions": [{"text": ""}],
        }
    )
    assert [p.split(":")[0] for p in problems(document)] == [
        "postmortem.meeting.started",
        "postmortem.meeting.agenda[0].minutes",
        "postmortem.meeting.agenda[1].step",
        "postmortem.meeting.attendance[1].name",
        "postmortem.meeting.parking_lot[0].text",
        "postmortem.meeting.parking_lot[0].action",
        "postmortem.meeting.decisions[0].text",
    ]


def test_null_times_and_null_actions_are_fine() -> None:
    document = documents.rich()
    meeting = document["postmortem"]["meeting"]
    meeting["started"] = meeting["ended"] = None
    meeting["parking_lot"][0]["action"] = None
    pm = read(document).postmortem
    assert pm.meeting is not None
    assert (pm.meeting.started, pm.meeting.ended) == (None, None)
    assert all(p.action_id is None for p in pm.meeting.parking_lot)
    again = json_v1.to_document(pm)["postmortem"]["meeting"]
    assert again == meeting
