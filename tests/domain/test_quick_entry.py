"""Quick entry reads what a scribe types or pastes; it never fails with anything but a message."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmdesk.domain.model import EventKind
from pmdesk.domain.quick_entry import (
    QuickEntry,
    QuickEntryError,
    parse_pasted_lines,
    parse_quick_entry,
)

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 2)
CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))
REF = datetime(2026, 3, 2, 13, 0, tzinfo=CET)


def quick(line: str, reference: datetime | None = REF, zone: ZoneInfo = BERLIN) -> QuickEntry:
    return parse_quick_entry(line, zone, reference, TODAY)


def error(line: str, reference: datetime | None = REF) -> str:
    with pytest.raises(QuickEntryError) as caught:
        quick(line, reference)
    return str(caught.value)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("14:05 Config pushed", datetime(2026, 3, 2, 14, 5, tzinfo=CET)),
        ("14:05:30 Config pushed", datetime(2026, 3, 2, 14, 5, 30, tzinfo=CET)),
        ("9:05 Config pushed", datetime(2026, 3, 2, 9, 5, tzinfo=CET)),
        ("2:05pm Config pushed", datetime(2026, 3, 2, 14, 5, tzinfo=CET)),
        ("2:05 PM Config pushed", datetime(2026, 3, 2, 14, 5, tzinfo=CET)),
        ("2:05 p.m. Config pushed", datetime(2026, 3, 2, 14, 5, tzinfo=CET)),
        ("12:05 AM Config pushed", datetime(2026, 3, 3, 0, 5, tzinfo=CET)),  # 13h before → next
        ("12:05 PM Config pushed", datetime(2026, 3, 2, 12, 5, tzinfo=CET)),
        ("2026-03-02 14:05 Config pushed", datetime(2026, 3, 2, 14, 5, tzinfo=CET)),
        ("2026-03-02T14:05 Config pushed", datetime(2026, 3, 2, 14, 5, tzinfo=CET)),
        ("2026-03-02T14:05:09 Config pushed", datetime(2026, 3, 2, 14, 5, 9, tzinfo=CET)),
        ("2026-03-01 23:55 Config pushed", datetime(2026, 3, 1, 23, 55, tzinfo=CET)),
        ("2026-07-01 14:05 Config pushed", datetime(2026, 7, 1, 14, 5, tzinfo=CEST)),
        (
            "2026-03-02T14:05+03:00 Config pushed",
            datetime(2026, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("2026-03-02T14:05Z Config pushed", datetime(2026, 3, 2, 14, 5, tzinfo=UTC)),
        (
            "14:05-0500 Config pushed",
            datetime(2026, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("+5m Config pushed", REF + timedelta(minutes=5)),
        ("+90s Config pushed", REF + timedelta(seconds=90)),
        ("+1h30m Config pushed", REF + timedelta(hours=1, minutes=30)),
        ("+2h Config pushed", REF + timedelta(hours=2)),
        ("+1d Config pushed", REF + timedelta(days=1)),
    ],
)
def test_times(line: str, expected: datetime) -> None:
    entry = quick(line)
    assert entry.at == expected and entry.at.utcoffset() == expected.utcoffset()
    assert entry.text == "Config pushed" and entry.kind is EventKind.EVENT


def test_explicit_offset_is_kept_as_written() -> None:
    assert quick("14:05+03:00 x").at.utcoffset() == timedelta(hours=3)
    assert quick("14:05 x").at.tzinfo == CET  # a fixed offset, not the ZoneInfo


def test_without_reference_times_fall_on_today() -> None:
    assert quick("00:10 x", reference=None).at == datetime(2026, 3, 2, 0, 10, tzinfo=CET)


def test_an_incident_crossing_midnight_rolls_to_the_next_day() -> None:
    late = datetime(2026, 3, 2, 23, 50, tzinfo=CET)
    assert quick("00:10 Rolled back", late).at == datetime(2026, 3, 3, 0, 10, tzinfo=CET)
    assert quick("23:40 Noticed", late).at == datetime(2026, 3, 2, 23, 40, tzinfo=CET)
    assert quick("11:51 Later", late).at == datetime(2026, 3, 2, 11, 51, tzinfo=CET)  # 11h59m


def test_the_reference_date_is_read_in_the_zone() -> None:
    late_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already 00:30 on 3 March in Berlin
    assert quick("00:45 x", late_utc).at == datetime(2026, 3, 3, 0, 45, tzinfo=CET)


def test_relative_times_are_elapsed_time_across_a_dst_change() -> None:
    before = datetime(2026, 3, 29, 1, 50, tzinfo=CET)
    assert quick("+20m x", before).at == datetime(2026, 3, 29, 3, 10, tzinfo=CEST)


def test_a_time_skipped_by_spring_forward_moves_forward_by_the_gap() -> None:
    entry = quick("2026-03-29 02:30 x")
    assert entry.at == datetime(2026, 3, 29, 3, 30, tzinfo=CEST)
    assert entry.at.utcoffset() == timedelta(hours=2)


def test_a_repeated_autumn_time_is_the_first_one() -> None:
    entry = quick("2026-10-25 02:30 x")
    assert entry.at.utcoffset() == timedelta(hours=2)
    assert entry.at.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert quick("2026-10-25 03:30 x").at.utcoffset() == timedelta(hours=1)


def test_other_zones() -> None:
    new_york = ZoneInfo("America/New_York")
    entry = quick("2026-03-02 14:05 x", None, new_york)
    assert entry.at.utcoffset() == timedelta(hours=-5)
    assert quick("2026-06-02 14:05 x", None, ZoneInfo("UTC")).at.tzinfo == UTC


@pytest.mark.parametrize(
    ("line", "kind", "text"),
    [
        ("14:05 detection: Alert fired", EventKind.DETECTION, "Alert fired"),
        ("14:05 [detection] Alert fired", EventKind.DETECTION, "Alert fired"),
        ("14:05 DETECTED: Alert fired", EventKind.DETECTION, "Alert fired"),
        ("14:05 [Detect] Alert fired", EventKind.DETECTION, "Alert fired"),
        ("14:05 trigger: Config pushed", EventKind.TRIGGER, "Config pushed"),
        ("14:05 mitigated: Rolled back", EventKind.MITIGATION, "Rolled back"),
        ("14:05 mitigate: Rolled back", EventKind.MITIGATION, "Rolled back"),
        ("14:05 resolve: Error rate normal", EventKind.RESOLUTION, "Error rate normal"),
        ("14:05 [resolved] Error rate normal", EventKind.RESOLUTION, "Error rate normal"),
        ("14:05 escalate: Paged DB team", EventKind.ESCALATION, "Paged DB team"),
        ("14:05 comms: Status page updated", EventKind.COMMUNICATION, "Status page updated"),
        ("14:05 Decision: roll back", EventKind.DECISION, "roll back"),
        ("14:05 event: Decision: roll back", EventKind.EVENT, "Decision: roll back"),
        ("14:05 Note: cache was cold", EventKind.EVENT, "Note: cache was cold"),
        ("14:05 [note] cache was cold", EventKind.EVENT, "[note] cache was cold"),
        ("14:05 detection alert fired", EventKind.EVENT, "detection alert fired"),
        ("14:05 - Config pushed", EventKind.EVENT, "Config pushed"),
        ("14:05: Config pushed", EventKind.EVENT, "Config pushed"),
        ("+5m [mitigation] Rolled back", EventKind.MITIGATION, "Rolled back"),
    ],
)
def test_kinds(line: str, kind: EventKind, text: str) -> None:
    entry = quick(line)
    assert (entry.kind, entry.text) == (kind, text)


def test_to_event() -> None:
    event = quick("14:05 [trigger] Config pushed").to_event()
    assert (event.at, event.kind, event.text) == (
        REF + timedelta(minutes=65),
        "trigger",
        "Config pushed",
    )


@pytest.mark.parametrize(
    ("line", "reference", "words"),
    [
        ("", REF, ["Type a time", "14:05 Config pushed"]),
        ("Config pushed", REF, ["“Config” is not a time", "14:05 Config pushed"]),
        ("14:05", REF, ["Say what happened", "14:05 Alert fired"]),
        ("14:05 [detection]", REF, ["Say what happened"]),
        ("14:05 detection:   ", REF, ["Say what happened"]),
        ("25:00 Config pushed", REF, ["“25:00” is not a time of day", "0 to 23"]),
        ("14:65 Config pushed", REF, ["“14:65” is not a time of day"]),
        ("2026-02-30 14:05 x", REF, ["“2026-02-30” is not a day in the calendar", "2026-03-02"]),
        ("14:05 PM x", REF, ["mixes a 24-hour time with AM/PM", "2:05 PM"]),
        ("14:05+25:00 x", REF, ["is not a UTC offset"]),
        ("+5m Rolled back", None, ["+5m needs an earlier event to count from", "14:05"]),
        ("+5 Rolled back", REF, ["“+5” is not a time span", "+1h30m"]),
        ("+5x Rolled back", REF, ["“+5x” is not a time span"]),
        ("14:05x Config", REF, ["“14:05x” is not a time"]),
        ("0001-01-01 00:00 x", REF, ["too far"]),
        ("+1d x", datetime(9999, 12, 31, 12, tzinfo=UTC), ["too far"]),
    ],
)
def test_errors_say_what_is_wrong_and_what_works(
    line: str, reference: datetime | None, words: list[str]
) -> None:
    message = error(line, reference)
    for word in words:
        assert word in message


def test_a_naive_reference_is_read_in_the_zone() -> None:
    assert quick("+5m x", datetime(2026, 3, 2, 13, 0)).at == REF + timedelta(minutes=5)


def paste(text: str, reference: datetime | None = None) -> list[tuple[datetime, str, str]]:
    preview = parse_pasted_lines(text, BERLIN, reference, TODAY)
    assert preview.skipped == []
    return [(e.at, e.kind.value, e.text) for e in preview.events]


def at(hour: int, minute: int, second: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=CET)


def test_chat_log_formats() -> None:
    text = (
        "[14:05] oncall: rolling back\n"
        "[2026-03-02 14:05:10] dana: checking dashboards\n"
        "14:06 <dana> errors dropping\n"
        "[14:07] <alex> confirmed\n"
        "14:08 [mitigation] Rollback done\n"
    )
    assert paste(text) == [
        (at(14, 5), "event", "oncall: rolling back"),
        (at(14, 5, 10), "event", "dana: checking dashboards"),
        (at(14, 6), "event", "dana: errors dropping"),
        (at(14, 7), "event", "alex: confirmed"),
        (at(14, 8), "mitigation", "Rollback done"),
    ]


def test_slack_copies_put_the_message_under_the_name_and_time() -> None:
    text = "Dana Smith  2:05 PM\nrolling back now\nsecond line\nalex\t2:07 PM\nok\n2:08 PM\nthanks"
    assert paste(text) == [
        (at(14, 5), "event", "Dana Smith: rolling back now\nsecond line"),
        (at(14, 7), "event", "alex: ok"),
        (at(14, 8), "event", "alex: thanks"),
    ]


def test_a_real_looking_chat_log_crossing_midnight() -> None:
    log = """\
[23:41] pagerduty: ALERT checkout-api 5xx rate > 5%
[23:42] dana: ack, looking
[23:44] dana: error rate is climbing on all three regions
the deploy at 23:30 touched the payment config
[23:46] alex: I pushed the config change for the new PSP at 23:31
[23:47] dana: rolling back the config now
[23:49] dana: rollback pushed, waiting for pods

[23:52] alex: 5xx still at 12%
[23:55] sam: joining as IC
[23:56] sam: @alex please post in #status
[23:58] alex: status page updated: investigating
[00:02] dana: pods restarted, error rate 3%
[00:05] dana: down to 0.4%
[00:09] sam: let's keep monitoring for 15m
[00:11] pagerduty: RESOLVED checkout-api 5xx rate
[00:15] alex: customers confirm checkout works
[00:20] sam: calling it mitigated
[00:24] sam: I'll start the postmortem doc
[00:25] dana: thanks all
"""
    preview = parse_pasted_lines(log, BERLIN, None, TODAY)
    assert preview.skipped == []
    assert len(preview.events) == 18
    assert preview.events[0].at == at(23, 41)
    assert preview.events[2].text == (
        "dana: error rate is climbing on all three regions\n"
        "the deploy at 23:30 touched the payment config"
    )
    assert preview.events[10].at == at(0, 2, day=3)
    assert preview.events[-1].at == at(0, 25, day=3)
    times = [e.at for e in preview.events]
    assert times == sorted(times)
    assert all(e.kind is EventKind.EVENT for e in preview.events)


def test_pasted_times_advance_the_reference() -> None:
    assert paste("23:50 a\n00:10 b\n+5m c", at(23, 0)) == [
        (at(23, 50), "event", "a"),
        (at(0, 10, day=3), "event", "b"),
        (at(0, 15, day=3), "event", "c"),
    ]
    preview = parse_pasted_lines("+5m first", BERLIN, None, TODAY)
    assert preview.events == [] and "needs an earlier event" in preview.skipped[0].reason


def test_csv_with_a_header_in_another_order_and_quoted_fields() -> None:
    text = (
        "Text,Kind,Source,Time\n"
        '"Config pushed, by the pipeline",trigger,deploy log,2026-03-02T14:05:00+01:00\n'
        '"Alert ""checkout 5xx"" fired",detection,,14:20\n'
        '"Rolled back\nby dana",MITIGATED,chat,14:47\n'
        "\n"
        "Error rate normal,,,+38m\n"
    )
    preview = parse_pasted_lines(text, BERLIN, None, TODAY)
    assert preview.skipped == []
    assert [(e.at, e.kind.value, e.text, e.source) for e in preview.events] == [
        (at(14, 5), "trigger", "Config pushed, by the pipeline", "deploy log"),
        (at(14, 20), "detection", 'Alert "checkout 5xx" fired', None),
        (at(14, 47), "mitigation", "Rolled back\nby dana", "chat"),
        (at(15, 25), "event", "Error rate normal", None),
    ]


def test_headerless_csv() -> None:
    text = (
        "2026-03-02T14:05:00+01:00,trigger,Config pushed\n"
        '2026-03-02T13:20:00Z,detection,"Alert fired, paged",pagerduty\r\n'
    )
    preview = parse_pasted_lines(text, BERLIN, None, TODAY)
    assert preview.skipped == []
    assert [(e.at, e.kind.value, e.source) for e in preview.events] == [
        (at(14, 5), "trigger", None),
        (datetime(2026, 3, 2, 13, 20, tzinfo=UTC), "detection", "pagerduty"),
    ]


def test_csv_rows_that_cannot_be_read_are_skipped_with_their_line_numbers() -> None:
    text = (
        "time,text,kind\n"
        "14:05,ok,\n"
        '14:06,"two\nlines",bogus\n'
        "soon,no time,\n"
        "14:08,,event\n"
        "25:00,bad hour,\n"
    )
    preview = parse_pasted_lines(text, BERLIN, None, TODAY)
    assert [e.text for e in preview.events] == ["ok"]
    skipped = [(s.number, s.line) for s in preview.skipped]
    assert skipped == [
        (3, '14:06,"two\nlines",bogus'),
        (5, "soon,no time,"),
        (6, "14:08,,event"),
        (7, "25:00,bad hour,"),
    ]
    reasons = [s.reason for s in preview.skipped]
    assert "“bogus” is not a kind of event" in reasons[0] and "detection" in reasons[0]
    assert "“soon” is not a time" in reasons[1]
    assert "no text" in reasons[2]
    assert "not a time of day" in reasons[3]


def test_headerless_csv_with_too_many_fields_is_skipped() -> None:
    text = "2026-03-02T14:05:00+01:00,event,a,b,c,d\n2026-03-02T14:06:00+01:00,event,fine"
    preview = parse_pasted_lines(text, BERLIN, None, TODAY)
    assert [e.text for e in preview.events] == ["fine"]
    assert preview.skipped[0].number == 1 and "6 fields" in preview.skipped[0].reason


def test_skipped_lines_are_reported_with_line_numbers() -> None:
    text = (
        "some preamble without a time\n"
        "\n"
        "14:05 Config pushed\n"
        "25:00 bad\n"
        "orphan after a skipped line\n"
        "[14:07]\n"
        "+5m fine\n"
        "\n"
        "dana  14:08\n"
    )
    preview = parse_pasted_lines(text, BERLIN, None, TODAY)
    assert [(e.at, e.text) for e in preview.events] == [
        (at(14, 5), "Config pushed"),
        (at(14, 10), "fine"),
    ]
    assert [s.number for s in preview.skipped] == [1, 4, 5, 6, 9]
    assert preview.skipped[0].line == "some preamble without a time"
    assert "no time at the start" in preview.skipped[0].reason
    assert "not a time of day" in preview.skipped[1].reason
    assert "no event above it" in preview.skipped[2].reason
    assert "no message" in preview.skipped[3].reason
    assert "no message" in preview.skipped[4].reason


def test_blank_paste() -> None:
    preview = parse_pasted_lines("\n  \n\t\n", BERLIN, REF, TODAY)
    assert preview.events == [] and preview.skipped == []


@given(st.text())
def test_quick_entry_fails_only_with_a_message(line: str) -> None:
    message = "parsed"
    try:
        quick(line)
    except QuickEntryError as exc:
        message = str(exc)
    assert message


TIMEY = st.sampled_from(
    ["14:05", "[", "]", "+", "5m", "2026-03-02", "T", ":", ",", '"', "\n", " ", "PM", "<a>", "Z"]
)


@given(st.lists(st.one_of(TIMEY, st.text(max_size=5)), max_size=30).map("".join))
def test_timey_text_fails_only_with_a_message(line: str) -> None:
    for reference in (None, REF, datetime(1, 1, 1, tzinfo=UTC), datetime.max.replace(tzinfo=UTC)):
        with contextlib.suppress(QuickEntryError):
            parse_quick_entry(line, BERLIN, reference, TODAY)
        parse_pasted_lines(line, BERLIN, reference, TODAY)


@given(st.text(), st.sampled_from(["time,text\n", "", "2026-03-02T14:05:00Z,a,b\n"]))
def test_pasting_never_raises(text: str, prefix: str) -> None:
    preview = parse_pasted_lines(prefix + text, BERLIN, REF, TODAY)
    assert all(s.number >= 1 and s.reason for s in preview.skipped)
