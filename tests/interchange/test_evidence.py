"""Evidence from CSV files and pasted chat lines, and how re-imported evidence is recognised."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pmdesk.domain.model import EventKind, TimelineEvent
from pmdesk.interchange.evidence import (
    Candidate,
    EvidenceError,
    dedupe,
    read_chat_lines,
    read_csv_events,
)

BERLIN = "Europe/Berlin"
CET, CEST = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))


def csv_file(tmp_path: Path, content: str | bytes, name: str = "timeline.csv") -> Path:
    target = tmp_path / name
    target.write_bytes(content.encode() if isinstance(content, str) else content)
    return target


def refused(path: Path, zone: str = BERLIN) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        read_csv_events(path, zone)
    return caught.value


def candidate(at: datetime, text: str, key: str = "k") -> Candidate:
    return Candidate(at=at, text=text, kind=EventKind.EVENT, source="slack #x", key=key)


# CSV files


def test_naive_times_are_wall_clock_times_in_the_zone(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "time,text\n2026-03-02 14:05,Config pushed\n2026-07-02 14:05,Summer\n"
    )
    winter, summer = read_csv_events(path, BERLIN)
    assert winter.at == datetime(2026, 3, 2, 14, 5, tzinfo=CET) and winter.at.tzinfo == CET
    assert summer.at == datetime(2026, 7, 2, 14, 5, tzinfo=CEST) and summer.at.tzinfo == CEST
    assert winter.text == "Config pushed" and winter.kind is EventKind.EVENT
    assert winter.source == "csv timeline.csv" and winter.origin == "timeline.csv line 2"
    assert summer.origin == "timeline.csv line 3"
    assert not winter.housekeeping


def test_offsets_are_kept_as_written(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "at,text\n2026-03-02T14:05:00+05:30,Paged\n2026-03-02T14:07:00.250Z,Acked\n",
    )
    paged, acked = read_csv_events(path, BERLIN)
    assert paged.at.isoformat() == "2026-03-02T14:05:00+05:30"
    assert acked.at == datetime(2026, 3, 2, 14, 7, 0, 250_000, tzinfo=UTC)
    assert acked.at.utcoffset() == timedelta(0)


def test_header_in_any_order_case_and_spacing_with_bom_and_crlf(tmp_path: Path) -> None:
    content = (
        "\ufeff Kind , Timestamp,Description,Source\r\n"
        'Detection,2026-03-02T14:05:00+01:00,"Alert fired, paged\r\non-call",pagerduty\r\n'
        "\r\n"
        "mitigated,2026-03-02T14:20:00+01:00,Rolled back,\r\n"
        ",2026-03-02T14:30:00+01:00,Watching,\r\n"
    )
    detected, mitigated, watching = read_csv_events(csv_file(tmp_path, content), BERLIN)
    assert (detected.kind, detected.text, detected.source) == (
        EventKind.DETECTION,
        "Alert fired, paged\non-call",
        "pagerduty",
    )
    assert mitigated.kind is EventKind.MITIGATION and mitigated.source == "csv timeline.csv"
    assert watching.kind is EventKind.EVENT
    assert [c.origin for c in (detected, mitigated, watching)] == [
        "timeline.csv line 2",
        "timeline.csv line 5",
        "timeline.csv line 6",
    ]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("time,text\n2026-03-02 14:05,Config pushed", EventKind.EVENT),
        ("When,What\n2026-03-02 14:05,Config pushed", EventKind.EVENT),
        ("timestamp,message\n2026-03-02 14:05,Config pushed", EventKind.EVENT),
        ("text,at\nConfig pushed,2026-03-02 14:05", EventKind.EVENT),
        ("Event,Time,Type\nConfig pushed,2026-03-02 14:05,trigger", EventKind.TRIGGER),
        ("id,time,owner,text,kind\n7,2026-03-02 14:05,dana,Config pushed,", EventKind.EVENT),
    ],
)
def test_header_names(tmp_path: Path, content: str, kind: EventKind) -> None:
    [event] = read_csv_events(csv_file(tmp_path, content), BERLIN)
    assert event.text == "Config pushed" and event.at == datetime(2026, 3, 2, 14, 5, tzinfo=CET)
    assert event.kind is kind


def test_a_header_less_file_with_iso_times(tmp_path: Path) -> None:
    content = "2026-03-02T14:05:00+01:00,decision,Roll back\n2026-03-02T14:06:00+01:00,event,x,ci\n"
    decision, other = read_csv_events(csv_file(tmp_path, content), BERLIN)
    assert decision.kind is EventKind.DECISION and decision.origin == "timeline.csv line 1"
    assert other.source == "ci" and other.origin == "timeline.csv line 2"


def test_a_time_skipped_by_dst_moves_forward_and_a_dateless_time_takes_the_row_above(
    tmp_path: Path,
) -> None:
    content = "time,text\n2026-03-29 02:30,In the gap\n14:05,Later that day\n"
    gap, later = read_csv_events(csv_file(tmp_path, content), BERLIN)
    assert gap.at.isoformat() == "2026-03-29T03:30:00+02:00"
    assert later.at.isoformat() == "2026-03-29T14:05:00+02:00"


def test_a_malformed_line_refuses_the_whole_file(tmp_path: Path) -> None:
    content = "time,text\n2026-03-02 14:05,ok\n2026-03-02 14:06,fine\n2026-03-02 25:61,broken\n"
    error = refused(csv_file(tmp_path, content))
    assert error.where == "timeline.csv line 4"
    assert str(error).startswith("Cannot import timeline.csv line 4: “2026-03-02 25:61”")
    assert "Nothing was imported" in str(error)


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        ("2026-03-02 14:06,", "no text"),
        ("yesterday,Paged", "“yesterday” is not a time"),
        ("2026-03-02 14:06,Paged,bogus", "“bogus” is not a kind of event"),
    ],
)
def test_what_is_wrong_with_a_line(tmp_path: Path, row: str, complaint: str) -> None:
    error = refused(csv_file(tmp_path, f"time,text,kind\n2026-03-02 14:05,ok\n{row}\n"))
    assert error.where == "timeline.csv line 3" and complaint in error.what


def test_an_unclosed_quote_is_refused_not_read_to_the_end(tmp_path: Path) -> None:
    content = 'time,text\n2026-03-02 14:05,"Dana said\n2026-03-02 14:06,Rolled back\n'
    error = refused(csv_file(tmp_path, content))
    assert error.where == "timeline.csv line 2" and "not valid CSV" in error.what


def test_a_header_that_names_no_time_and_text(tmp_path: Path) -> None:
    error = refused(csv_file(tmp_path, "Zeit,Ereignis\n2026-03-02 14:05,Alarm\n"))
    assert error.where == "timeline.csv line 1"
    assert "must name a time column and a text column" in error.what


def test_files_that_are_not_csv_text(tmp_path: Path) -> None:
    assert "not UTF-8" in refused(csv_file(tmp_path, b"time,text\n14:05,caf\xe9\n")).what
    assert "line 2" in refused(csv_file(tmp_path, b"time,text\n14:05,caf\xe9\n")).where
    assert "empty" in refused(csv_file(tmp_path, " \n\n")).what
    assert "cannot be read" in refused(tmp_path / "missing.csv").what


def test_a_header_alone_is_no_events(tmp_path: Path) -> None:
    assert read_csv_events(csv_file(tmp_path, "time,text\n"), BERLIN) == []


def test_the_same_line_read_twice_has_the_same_key(tmp_path: Path) -> None:
    content = "time,text\n2026-03-02 14:05,Paged\n2026-03-02 14:05,Paged\n2026-03-02 14:05,Acked\n"
    first, again, other = read_csv_events(csv_file(tmp_path, content), BERLIN)
    assert first.key == again.key != other.key
    assert [c.key for c in read_csv_events(csv_file(tmp_path, content), BERLIN)] == [
        first.key,
        again.key,
        other.key,
    ]
    new, there = dedupe([first, again, other], [])
    assert new == [first, other] and there == [again]


# Pasted chat lines


def test_chat_lines_are_read_as_quick_entry_reads_a_paste() -> None:
    reference = datetime(2026, 3, 2, 13, 0, tzinfo=CET)
    text = "[14:05] dana: rolling back\nstill rolling\n14:07 <sam> done\n14:99 nonsense\n"
    candidates, skipped = read_chat_lines(text, BERLIN, reference)
    assert [(c.at, c.text, c.kind, c.source) for c in candidates] == [
        (datetime(2026, 3, 2, 14, 5, tzinfo=CET), "dana: rolling back\nstill rolling",
         EventKind.EVENT, "paste"),
        (datetime(2026, 3, 2, 14, 7, tzinfo=CET), "sam: done", EventKind.EVENT, "paste"),
    ]  # fmt: skip
    assert [(s.number, s.line) for s in skipped] == [(4, "14:99 nonsense")]
    assert candidates[0].origin == "pasted text"
    again, _ = read_chat_lines(text, BERLIN, reference)
    assert [c.key for c in again] == [c.key for c in candidates]


def test_a_pasted_csv_keeps_its_kinds_and_sources() -> None:
    text = (
        "time,kind,text,source\n2026-03-02 14:05,detection,Alert,pagerduty\n2026-03-02 14:06,,x,\n"
    )
    candidates, skipped = read_chat_lines(text, BERLIN, None)
    assert skipped == []
    assert [(c.kind, c.source) for c in candidates] == [
        (EventKind.DETECTION, "pagerduty"),
        (EventKind.EVENT, "paste"),
    ]


# Dedupe


def test_an_existing_event_in_the_same_second_with_the_same_text_is_already_there() -> None:
    at = datetime(2026, 3, 2, 14, 5, 7, 250_000, tzinfo=CET)
    existing = [
        TimelineEvent(at=at.replace(microsecond=900_000), kind=EventKind.DECISION,
                      text="  dana:  Rolling\nBACK ", source="edited by hand"),
        TimelineEvent(at=at.astimezone(UTC), kind=EventKind.EVENT, text="Café"),
    ]  # fmt: skip
    rolling = candidate(at, "Dana: rolling back", "a")
    cafe = candidate(at.astimezone(timezone(timedelta(hours=9))), "Cafe\u0301", "b")  # NFD
    next_second = candidate(at + timedelta(seconds=1), "Dana: rolling back", "c")
    other_text = candidate(at, "Dana: rolled back", "d")
    new, there = dedupe([rolling, cafe, next_second, other_text], existing)
    assert there == [rolling, cafe]
    assert new == [next_second, other_text]


def test_duplicates_within_the_candidates_are_already_there() -> None:
    at = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    first = candidate(at, "Paged", "slack:C1:1")
    same_key = candidate(at + timedelta(minutes=1), "Paged (edited)", "slack:C1:1")
    same_words = candidate(at, "paged", "slack:C2:9")
    new, there = dedupe([first, same_key, same_words], ())
    assert new == [first] and there == [same_key, same_words]


def test_dedupe_keeps_the_given_order() -> None:
    base = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    candidates = [candidate(base - timedelta(minutes=n), f"m{n}", str(n)) for n in range(5)]
    existing = [candidates[1].to_event(), candidates[3].to_event()]
    new, there = dedupe(candidates, existing)
    assert new == [candidates[0], candidates[2], candidates[4]]
    assert there == [candidates[1], candidates[3]]


def test_a_candidate_becomes_the_event_it_describes() -> None:
    at = datetime(2026, 3, 2, 14, 5, tzinfo=CET)
    event = Candidate(at, "Paged", EventKind.DETECTION, "slack #x", "k").to_event()
    assert (event.at, event.kind, event.text, event.source) == (
        at,
        EventKind.DETECTION,
        "Paged",
        "slack #x",
    )
