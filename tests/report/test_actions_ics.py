"""The action items as iCalendar: read back by a real parser (icalendar), folded and escaped
as RFC 5545 asks, one all-day entry per open or in-progress action with a due date."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import unescape_backslash

from pmdesk.domain.model import ActionItem, ActionStatus, Cause, Postmortem, Priority
from pmdesk.report import actions_ics

NOW = datetime(2026, 3, 21, 9, 30, 15, tzinfo=UTC)

TRICKY_TITLES = (
    "Cap fan-out, then retry",
    "Rename it; then deploy",
    r"Escape C:\config\new and \n literally",
    "Line one\nline two\r\nline three\rend",
    "Zoë 🦊 owns 设置 and ٱلْعَرَبِيَّة",
    "👩‍👩‍👧‍👦" * 30,  # each family is 25 octets of joined code points
    "Long: " + "é" * 147 + "x" + "🦊" * 36,  # 300 characters, 2- and 4-octet ones at every fold
)


def action(ref: str, title: str, **fields: object) -> ActionItem:
    fields.setdefault("due", date(2026, 4, 1))
    return ActionItem(ref, title, id=f"id-{ref}", **fields)  # type: ignore[arg-type]


def example() -> Postmortem:
    cause = Cause("c3", "No schema, no validation; nothing\\caught it")
    return Postmortem(
        title="Checkout, config; push\\Zoë 🦊\nday two",
        causes=[cause],
        actions=[
            action("a1", "Done already", status=ActionStatus.DONE),
            action(
                "a2",
                "Add schema validation",
                owner="Platform team",
                due=date(2026, 3, 20),
                status=ActionStatus.IN_PROGRESS,
                priority=Priority.P0,
                cause_id=cause.id,
                notes="Runbook, step 3;\nthen tell #ops",
            ),
            action("a3", "Dropped", status=ActionStatus.DROPPED),
            action("a4", "No due date yet", due=None),
            action("a5", "Open at the end of the year", due=date(2026, 12, 31)),
        ],
    )


def parse(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


def events(text: str) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in parse(text).events}


def text_of(value: object) -> str:
    """A TEXT value the parser keeps raw (an X- property), unescaped by the parser's own rules."""
    return str(unescape_backslash(str(value)))


def physical_lines(text: str) -> list[bytes]:
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\n" in line or b"\r" in line for line in lines), "a bare LF or CR"
    return lines


def test_the_calendar_header() -> None:
    text = actions_ics.dumps(example(), now=NOW)
    assert text.startswith(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pmdesk//pmdesk//EN\r\n"
        "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
    )
    assert text.endswith("END:VCALENDAR\r\n")
    calendar = parse(text)
    assert text_of(calendar["X-WR-CALNAME"]) == "Checkout, config; push\\Zoë 🦊\nday two"
    assert str(calendar["PRODID"]) == "-//pmdesk//pmdesk//EN"


def test_only_open_and_in_progress_actions_with_a_due_date() -> None:
    found = events(actions_ics.dumps(example(), now=NOW))
    assert list(found) == ["id-a5@pmdesk", "id-a2@pmdesk"]  # the board's order: open first


def test_every_field_of_an_entry() -> None:
    event = events(actions_ics.dumps(example(), now=NOW))["id-a2@pmdesk"]
    assert event.decoded("DTSTART") == date(2026, 3, 20)
    assert event.decoded("DTEND") == date(2026, 3, 21)
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["SUMMARY"]) == "a2: Add schema validation"
    assert str(event["DESCRIPTION"]) == (
        "Action a2 of the postmortem “Checkout, config; push\\Zoë 🦊\nday two”\n"
        "Owner: Platform team\n"
        "Priority: P0\n"
        "Status: in progress\n"
        "Addresses the cause: No schema, no validation; nothing\\caught it\n"
        "Notes:\nRunbook, step 3;\nthen tell #ops"
    )
    assert event["PRIORITY"] == 1
    assert event.categories == ["Postmortem action"]
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_a_bare_action_says_only_what_is_known() -> None:
    event = events(actions_ics.dumps(example(), now=NOW))["id-a5@pmdesk"]
    assert str(event["DESCRIPTION"]) == (
        "Action a5 of the postmortem “Checkout, config; push\\Zoë 🦊\nday two”\nStatus: open"
    )
    assert "PRIORITY" not in event
    assert event.decoded("DTEND") == date(2027, 1, 1)  # the next day, across the year


@pytest.mark.parametrize(("priority", "expected"), [("P0", 1), ("P1", 3), ("P2", 5), ("P3", 7)])
def test_priorities_map_to_rfc_5545(priority: str, expected: int) -> None:
    postmortem = Postmortem(title="t", actions=[action("a1", "x", priority=Priority(priority))])
    (event,) = events(actions_ics.dumps(postmortem, now=NOW)).values()
    assert event["PRIORITY"] == expected


def test_tricky_titles_round_trip() -> None:
    postmortem = Postmortem(
        title=TRICKY_TITLES[-1],
        actions=[action(f"a{i}", t, owner=t, notes=t) for i, t in enumerate(TRICKY_TITLES)],
    )
    text = actions_ics.dumps(postmortem, now=NOW)
    found = events(text)
    assert len(found) == len(TRICKY_TITLES)
    for i, title in enumerate(TRICKY_TITLES):
        event = found[f"id-a{i}@pmdesk"]
        typed = title.replace("\r\n", "\n").replace("\r", "\n")  # TEXT has one kind of newline
        assert str(event["SUMMARY"]) == f"a{i}: {typed}"
        assert f"\nOwner: {typed}\n" in str(event["DESCRIPTION"])
        assert str(event["DESCRIPTION"]).endswith(f"\nNotes:\n{typed}")
    assert text_of(parse(text)["X-WR-CALNAME"]) == TRICKY_TITLES[-1]


def test_long_lines_are_folded_within_75_octets_never_inside_a_character() -> None:
    postmortem = Postmortem(
        title="t", actions=[action(f"a{i}", t) for i, t in enumerate(TRICKY_TITLES)]
    )
    lines = physical_lines(actions_ics.dumps(postmortem, now=NOW))
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # each piece is whole characters on its own
    assert sum(line.startswith(b" ") for line in lines) > 10
    summary = next(i for i, line in enumerate(lines) if line.startswith(b"SUMMARY:a6:"))
    assert len(lines[summary]) in (73, 74, 75)  # filled up to the last whole character
    assert lines[summary + 1].startswith(b" ")


def test_folding_keeps_an_escape_whole() -> None:
    line = "DESCRIPTION:" + "x" * 62 + "\\n" + "y"  # the escape straddles octet 75
    assert actions_ics.fold(line) == "DESCRIPTION:" + "x" * 62 + "\r\n \\ny"
    assert actions_ics.fold("X:" + "a" * 73) == "X:" + "a" * 73  # exactly 75: one line


def test_text_escaping() -> None:
    assert actions_ics.escape_text("a\\b;c,d\ne\r\nf\rg") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"
    assert actions_ics.escape_text("bell\x07 tab\t del\x7f") == "bell tab\t del"


def test_uids_stay_the_same_across_exports() -> None:
    first = actions_ics.dumps(example(), now=NOW)
    later = actions_ics.dumps(example(), now=NOW + timedelta(days=3))
    assert list(events(first)) == list(events(later))
    assert first != later  # only DTSTAMP moved
    assert re.sub(r"DTSTAMP:\S+", "", first) == re.sub(r"DTSTAMP:\S+", "", later)


def test_the_stamp_is_utc_whatever_now_is() -> None:
    berlin = NOW.astimezone(timezone(timedelta(hours=1)))
    assert "DTSTAMP:20260321T093015Z\r\n" in actions_ics.dumps(example(), now=berlin)
    with pytest.raises(ValueError, match="timezone-aware"):
        actions_ics.dumps(example(), now=datetime(2026, 3, 21, 9, 30))


def test_no_entries_is_still_a_calendar() -> None:
    postmortem = example()
    postmortem.actions = [a for a in postmortem.actions if not a.status.is_active or not a.due]
    text = actions_ics.dumps(postmortem, now=NOW)
    assert "VEVENT" not in text
    calendar = parse(text)
    assert calendar.events == [] and str(calendar["VERSION"]) == "2.0"


def test_dates_at_the_edges() -> None:
    postmortem = Postmortem(
        title="t",
        actions=[action("a1", "early", due=date(999, 1, 2)), action("a2", "last", due=date.max)],
    )
    text = actions_ics.dumps(postmortem, now=NOW)
    assert "DTSTART;VALUE=DATE:09990102\r\nDTEND;VALUE=DATE:09990103\r\n" in text
    # No next day exists: without DTEND an all-day entry lasts the one day anyway.
    assert "DTSTART;VALUE=DATE:99991231\r\nSUMMARY:" in text


# Text a person can type: no control characters but tab, newline and carriage return, no
# surrogates (they cannot be written as UTF-8 at all).
typed_text = st.text(
    st.characters(
        exclude_categories=["Cs"],
        exclude_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)] + ["\x7f"],
    ),
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(title=typed_text, notes=typed_text)
def test_any_typed_text_round_trips(title: str, notes: str) -> None:
    postmortem = Postmortem(title=title, actions=[action("a1", title, notes=notes)])
    text = actions_ics.dumps(postmortem, now=NOW)
    assert all(len(line) <= 75 for line in physical_lines(text))
    (event,) = events(text).values()
    typed = title.replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["SUMMARY"]) == f"a1: {typed}"
    assert text_of(parse(text)["X-WR-CALNAME"]) == typed
