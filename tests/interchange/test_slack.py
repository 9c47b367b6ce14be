"""The Slack export reader, against a real export and small ones written for each rule."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pmdesk.domain.model import EventKind
from pmdesk.interchange.evidence import Candidate, EvidenceError, dedupe
from pmdesk.interchange.slack import SlackExport
from tests.conftest import FIXTURES

ARCHIVE = FIXTURES / "slack" / "slack-export-viewer-testarchive.zip"
PST, PDT = timezone(timedelta(hours=-8)), timezone(timedelta(hours=-7))
USERS = [
    {"id": "U1", "name": "dana", "real_name": "Dana Scully", "profile": {"display_name": "dana"}},
    {"id": "U2", "name": "sam", "profile": {"display_name": "Sam"}},
    {"id": "U3", "name": "kim"},
]
Messages = list[dict[str, Any]]


@pytest.fixture(scope="module")
def real() -> SlackExport:
    return SlackExport.open(ARCHIVE)


def by_key(candidates: list[Candidate], ts: str, channel: str = "C0JGLMMNX") -> Candidate:
    return next(c for c in candidates if c.key == f"slack:{channel}:{ts}")


def ts_of(moment: str) -> str:
    """The `ts` Slack would give a message posted at `moment` (ISO 8601, with an offset)."""
    at = datetime.fromisoformat(moment)
    return f"{int(at.timestamp())}.{at.microsecond:06d}"


def write_export(
    root: Path, days: dict[str, Any], users: list[dict[str, Any]] | None = None
) -> Path:
    """A folder export of one channel, #incident-42, with `days` by file date."""
    root.mkdir(parents=True, exist_ok=True)
    channel = {"id": "C42", "name": "incident-42", "members": ["U1", "U2"]}
    others = {"id": "C1", "name": "general"}
    (root / "channels.json").write_text(json.dumps([channel, others]), encoding="utf-8")
    (root / "users.json").write_text(json.dumps(USERS if users is None else users), "utf-8")
    folder = root / "incident-42"
    folder.mkdir(exist_ok=True)
    for day, messages in days.items():
        (folder / f"{day}.json").write_text(json.dumps(messages), encoding="utf-8")
    return root


def say(moment: str, text: str, user: str = "U1", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts_of(moment), **extra}


def rewritten_archive(target: Path, changes: dict[str, bytes | None]) -> Path:
    """The real archive with some members replaced (bytes) or left out (None)."""
    with zipfile.ZipFile(ARCHIVE) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            if info.filename not in changes:
                copy.writestr(info, source.read(info))
        for name, content in changes.items():
            if content is not None:
                copy.writestr(name, content)
    return target


# The real export


def test_real_export_lists_its_channels_with_counts_and_spans(real: SlackExport) -> None:
    assert [(c.id, c.name, c.message_count) for c in real.channels] == [
        ("C0JGLMMNX", "enrique", 102),
        ("C0JL6CGQ2", "traveling-sailor", 56),
    ]
    enrique = real.channels[0]
    assert enrique.first == datetime(2016, 1, 15, 5, 55, 18, 2, tzinfo=UTC)
    assert enrique.last == datetime(2016, 3, 29, 6, 44, 34, 36, tzinfo=UTC)


def test_count_is_every_message_housekeeping_included(real: SlackExport) -> None:
    for channel in real.channels:
        everything = real.messages(channel.id, include_housekeeping=True)
        assert len(everything) == channel.message_count


def test_a_known_message_has_its_exact_text_time_author_and_origin(real: SlackExport) -> None:
    candidates = real.messages("enrique", zone="America/Vancouver")
    message = by_key(candidates, "1452837352.000006")
    assert message.at == datetime(2016, 1, 14, 21, 55, 52, 6, tzinfo=PST)
    assert message.at.utcoffset() == timedelta(hours=-8)
    assert message.text == (
        "Hamza Faran: @Harry Potter: Created an issue for a setup.py so that it can be "
        "installed to a standard place"
    )
    assert message.kind is EventKind.EVENT and not message.housekeeping
    assert message.source == "slack #enrique"
    assert message.origin == "enrique/2016-01-14.json"


def test_times_keep_the_offset_of_their_moment_across_a_dst_change(real: SlackExport) -> None:
    candidates = real.messages("enrique", zone="America/Vancouver")
    after = by_key(candidates, "1458228721.000002")  # 2016-03-17, after the March change
    assert after.at == datetime(2016, 3, 17, 8, 32, 1, 2, tzinfo=PDT)
    assert after.at.utcoffset() == timedelta(hours=-7)
    assert [c.at for c in candidates] == sorted(c.at for c in candidates)


def test_mentions_links_and_entities_are_plain_text(real: SlackExport) -> None:
    enrique = real.messages("#enrique")
    assert by_key(enrique, "1452846025.000011").text == (
        "Hamza Faran: Here's an example: https://github.com/hfaran/progressive/blob/master/setup.py"
    )
    assert by_key(enrique, "1458251629.000003").text == (
        "Hamza Faran: @Hermione Granger: This is a pretty good intro: "
        "https://www.youtube.com/watch?v=zwYV11a__HQ"
    )
    escaped = by_key(enrique, "1458228721.000002")
    assert escaped.text.startswith("heroeshannibal: >\"Essentially what I'm getting")
    assert escaped.text.endswith('effectively parallelize"\nso....what now then?')
    sailor = real.messages("C0JL6CGQ2")
    traceback = by_key(sailor, "1459033471.000004", "C0JL6CGQ2")
    assert "line 5, in <module>\n    from pkg_resources" in traceback.text
    phone = by_key(sailor, "1459113341.000019", "C0JL6CGQ2")  # <tel:28919.8689279|28919.8689279>
    assert "Using distance matrix\n28919.8689279\n28919.8689279\n" in phone.text


def test_bot_messages_are_read_from_their_attachments_and_named(real: SlackExport) -> None:
    commit = by_key(real.messages("enrique"), "1454892394.000004")
    assert commit.text == (
        "github: [enrique:master] 1 new commit by Anthony Bilinski:\n"
        "ed1acbe (https://github.com/mesos-magellan/enrique/commit/"
        "ed1acbe9837b5ddf91e93606b604df3c2b4e128f): executor with simulated annealing rough "
        "draft - Anthony Bilinski"
    )
    assert not commit.housekeeping


def test_file_shares_and_comments_keep_the_title(real: SlackExport) -> None:
    sailor = real.messages("traveling-sailor")
    shared = by_key(sailor, "1459052866.000012", "C0JL6CGQ2")
    assert shared.text == (
        "Hermione Granger uploaded a file: 100 cities "
        "(https://mesos-magellan.slack.com/files/U0BMS113R/F0VNAKDE2/100_cities.js)"
    )
    comment = by_key(sailor, "1459106048.000018", "C0JL6CGQ2")
    assert comment.text.startswith(
        "Hermione Granger commented on @Hermione Granger\u2019s file 10 cities"
    )


def test_housekeeping_is_left_out_unless_asked_for(real: SlackExport) -> None:
    default = real.messages("enrique")
    everything = real.messages("enrique", include_housekeeping=True)
    housekeeping = [c for c in everything if c.housekeeping]
    assert len(default) == 96 and len(everything) == 102
    assert not any(c.housekeeping for c in default)
    assert [c.text for c in housekeeping[:4]] == [
        "Hamza Faran has joined the channel",
        "Harry Potter has joined the channel",
        "Hermione Granger has joined the channel",
        "heroeshannibal has joined the channel",
    ]
    assert housekeeping[4].text == (
        "Hamza Faran: added an integration to this channel: "
        "github (https://mesos-magellan.slack.com/services/B0JL6RASU)"
    )


def test_since_is_inclusive_and_until_exclusive(real: SlackExport) -> None:
    since = datetime(2016, 3, 17, 10, 37, 19, 6, tzinfo=UTC)  # 1458211039.000006
    until = datetime(2016, 3, 17, 21, 54, 19, 5, tzinfo=UTC)  # 1458251659.000005
    window = real.messages("enrique", since=since, until=until, zone="UTC")
    assert window[0].key == "slack:C0JGLMMNX:1458211039.000006"
    assert window[-1].key == "slack:C0JGLMMNX:1458251629.000003"
    assert len(window) == 8
    assert all(since <= c.at < until for c in window)


def test_naive_bounds_are_wall_clock_times_in_the_zone(real: SlackExport) -> None:
    window = real.messages(
        "enrique",
        since=datetime(2016, 3, 17, 0, 0),
        until=datetime(2016, 3, 18, 0, 0),
        zone="America/Vancouver",
    )
    assert len(window) == 12
    assert {c.origin for c in window} == {"enrique/2016-03-17.json"}


def test_progress_is_told_per_day_file() -> None:
    opened: list[tuple[int, int]] = []
    export = SlackExport.open(ARCHIVE, progress=lambda done, total: opened.append((done, total)))
    assert opened == [(n, 17) for n in range(18)]
    read: list[tuple[int, int]] = []
    export.messages("enrique", progress=lambda done, total: read.append((done, total)))
    assert read == [(n, 9) for n in range(10)]


def test_reimporting_the_same_export_finds_everything_already_there(real: SlackExport) -> None:
    first = real.messages("enrique", zone="Europe/Berlin")
    existing = [candidate.to_event() for candidate in first]
    new, there = dedupe(real.messages("enrique", zone="Europe/Berlin"), existing)
    assert new == [] and there == first
    again, _ = dedupe(real.messages("enrique", zone="Asia/Kathmandu"), existing)
    assert again == []  # the same moments, whatever the zone
    half, rest = dedupe(first, existing[::2])
    assert len(half) == len(first) // 2 and len(rest) == len(first) - len(half)


# Other shapes of export


def test_a_folder_export_reads_as_its_zip(real: SlackExport, tmp_path: Path) -> None:
    with zipfile.ZipFile(ARCHIVE) as archive:
        archive.extractall(tmp_path / "export")
    folder = SlackExport.open(tmp_path / "export")
    assert folder.channels == real.channels
    for channel in ("enrique", "traveling-sailor"):
        assert folder.messages(channel, include_housekeeping=True) == real.messages(
            channel, include_housekeeping=True
        )


def test_an_export_one_folder_down_is_found(real: SlackExport, tmp_path: Path) -> None:
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(ARCHIVE) as source, zipfile.ZipFile(nested, "w") as copy:
        for info in source.infolist():
            if not info.is_dir():
                copy.writestr(f"mesos-magellan Slack export/{info.filename}", source.read(info))
    assert SlackExport.open(nested).channels == real.channels
    with zipfile.ZipFile(ARCHIVE) as archive:
        archive.extractall(tmp_path / "download" / "export")
    assert SlackExport.open(tmp_path / "download").channels == real.channels


def test_ts_is_converted_exactly(tmp_path: Path) -> None:
    stamps = ["1463155524.000002", "1463155524.999999", "1463155524.1", "1463155524"]
    day = [{"type": "message", "user": "U1", "text": s, "ts": s} for s in stamps]
    export = SlackExport.open(write_export(tmp_path / "x", {"2016-05-13": day}))
    base = datetime(2016, 5, 13, 16, 5, 24, tzinfo=UTC)
    assert [c.at for c in export.messages("incident-42")] == [
        base,
        base + timedelta(microseconds=2),
        base + timedelta(microseconds=100_000),
        base + timedelta(microseconds=999_999),
    ]


@pytest.mark.parametrize(
    ("zone", "moment", "local"),
    [
        # Berlin springs forward at 02:00 on 2026-03-29: 02:00-03:00 never happens.
        ("Europe/Berlin", "2026-03-29T00:59:59.999999+00:00", "2026-03-29T01:59:59.999999+01:00"),
        ("Europe/Berlin", "2026-03-29T01:00:00.000001+00:00", "2026-03-29T03:00:00.000001+02:00"),
        # ... and falls back on 2026-10-25: 02:30 happens twice.
        ("Europe/Berlin", "2026-10-25T00:30:00+00:00", "2026-10-25T02:30:00+02:00"),
        ("Europe/Berlin", "2026-10-25T01:30:00+00:00", "2026-10-25T02:30:00+01:00"),
        ("America/New_York", "2026-03-08T06:59:59+00:00", "2026-03-08T01:59:59-05:00"),
        ("America/New_York", "2026-03-08T07:00:00+00:00", "2026-03-08T03:00:00-04:00"),
        ("America/New_York", "2026-11-01T05:30:00+00:00", "2026-11-01T01:30:00-04:00"),
        ("America/New_York", "2026-11-01T06:30:00+00:00", "2026-11-01T01:30:00-05:00"),
        # Lord Howe Island moves its clocks by half an hour.
        ("Australia/Lord_Howe", "2026-04-04T14:45:00+00:00", "2026-04-05T01:45:00+11:00"),
        ("Australia/Lord_Howe", "2026-04-04T15:15:00+00:00", "2026-04-05T01:45:00+10:30"),
        ("Australia/Lord_Howe", "2026-10-03T15:29:00+00:00", "2026-10-04T01:59:00+10:30"),
        ("Australia/Lord_Howe", "2026-10-03T15:31:00+00:00", "2026-10-04T02:31:00+11:00"),
    ],
)
def test_times_in_dst_gaps_and_overlaps(tmp_path: Path, zone: str, moment: str, local: str) -> None:
    day = moment[:10]
    export = SlackExport.open(write_export(tmp_path / "x", {day: [say(moment, "rolling back")]}))
    [candidate] = export.messages("incident-42", zone=zone)
    assert candidate.at.isoformat() == local
    assert candidate.at == datetime.fromisoformat(moment)  # the same instant
    assert candidate.at.tzinfo == timezone(candidate.at.utcoffset() or timedelta(0))


def test_repeated_hour_keeps_both_messages_in_order(tmp_path: Path) -> None:
    first = say("2026-10-25T00:45:00+00:00", "first pass")
    second = say("2026-10-25T01:15:00+00:00", "second pass")
    export = SlackExport.open(write_export(tmp_path / "x", {"2026-10-25": [second, first]}))
    candidates = export.messages("incident-42", zone="Europe/Berlin")
    assert [c.at.isoformat() for c in candidates] == [
        "2026-10-25T02:45:00+02:00",
        "2026-10-25T02:15:00+01:00",
    ]
    assert [c.text for c in candidates] == ["Dana Scully: first pass", "Dana Scully: second pass"]


def test_every_form_of_markup(tmp_path: Path) -> None:
    texts = [
        "<@U2> and <@U9|ghost> and <@U3> and <@U404>",
        "see <#C1|general>, <#C1> and <#C77>",
        "<!channel> <!here> <!everyone> <!subteam^S1|@oncall> <!date^1392734382^{date}|Feb 18>",
        "<https://status.example.com/x?a=1&amp;b=2|status page> and <https://grafana.example.com>",
        "<mailto:ops@example.com|ops@example.com> <http://example.com|example.com>",
        "5 &lt; 6 &amp;&amp; 7 &gt; 2, &amp;lt; stays &lt;",
    ]
    day = [say(f"2026-03-02T14:0{n}:00+00:00", text) for n, text in enumerate(texts)]
    export = SlackExport.open(write_export(tmp_path / "x", {"2026-03-02": day}))
    assert [c.text for c in export.messages("incident-42")] == [
        "Dana Scully: @Sam and @ghost and @kim and @U404",
        "Dana Scully: see #general, #general and #C77",
        "Dana Scully: @channel @here @everyone @oncall Feb 18",
        "Dana Scully: status page (https://status.example.com/x?a=1&b=2) and "
        "https://grafana.example.com",
        "Dana Scully: ops@example.com example.com",
        "Dana Scully: 5 < 6 && 7 > 2, &lt; stays <",
    ]


def test_authors_without_users_json(tmp_path: Path) -> None:
    day = [
        say("2026-03-02T14:00:00+00:00", "hi", user="U7"),
        say("2026-03-02T14:01:00+00:00", "hi", user="U8", user_profile={"real_name": "Ana"}),
        {"type": "message", "subtype": "bot_message", "username": "PagerDuty",
         "text": "Triggered: checkout 5xx", "ts": ts_of("2026-03-02T14:02:00+00:00")},
        {"type": "message", "bot_id": "B1", "bot_profile": {"name": "deploybot"},
         "text": "", "attachments": [{"fallback": "Deployed v42"}],
         "ts": ts_of("2026-03-02T14:03:00+00:00")},
        {"type": "message", "subtype": "bot_message", "bot_id": "B2",
         "attachments": [{"title": "High error rate", "text": "5xx above 2%",
                          "fields": [{"title": "Severity", "value": "critical"}]}],
         "ts": ts_of("2026-03-02T14:04:00+00:00")},
    ]  # fmt: skip
    export = SlackExport.open(write_export(tmp_path / "x", {"2026-03-02": day}, users=[]))
    assert [c.text for c in export.messages("incident-42")] == [
        "U7: hi",
        "Ana: hi",
        "PagerDuty: Triggered: checkout 5xx",
        "deploybot: Deployed v42",
        "B2: High error rate\n5xx above 2%\nSeverity: critical",
    ]


def test_shared_files_add_their_titles(tmp_path: Path) -> None:
    day = [
        say("2026-03-02T14:00:00+00:00", "p99 since the push", files=[{"title": "p99 latency"}]),
        say("2026-03-02T14:01:00+00:00", "", files=[{"name": "a.log"}, {"title": "b.png"}]),
        say("2026-03-02T14:02:00+00:00", "", files=[{"id": "F1", "mode": "tombstone"}]),
    ]
    export = SlackExport.open(write_export(tmp_path / "x", {"2026-03-02": day}))
    assert [
        (c.text, c.housekeeping) for c in export.messages("C42", include_housekeeping=True)
    ] == [
        ("Dana Scully: p99 since the push (file “p99 latency”)", False),
        ("Dana Scully: shared the files “a.log”, “b.png”", False),
        ("Dana Scully: (empty message)", True),  # a deleted file leaves nothing to say
    ]


def test_housekeeping_subtypes(tmp_path: Path) -> None:
    subtypes = ["channel_join", "channel_leave", "channel_topic", "channel_purpose",
                "channel_name", "bot_add", "bot_remove", "pinned_item", "reminder_add"]  # fmt: skip
    day = [
        say(f"2026-03-02T14:{n:02}:00+00:00", f"<@U1> did {subtype}", subtype=subtype)
        for n, subtype in enumerate(subtypes)
    ]
    day.append(say("2026-03-02T15:00:00+00:00", "rolling back", subtype="thread_broadcast"))
    day.append(say("2026-03-02T15:01:00+00:00", "waves", subtype="me_message"))
    export = SlackExport.open(write_export(tmp_path / "x", {"2026-03-02": day}))
    kept = export.messages("incident-42")
    assert [c.text for c in kept] == ["Dana Scully: rolling back", "Dana Scully: waves"]
    everything = export.messages("incident-42", include_housekeeping=True)
    assert [c.text for c in everything if c.housekeeping][:2] == [
        "Dana Scully did channel_join",
        "Dana Scully did channel_leave",
    ]


def test_thread_replies_are_their_own_candidates_naming_their_thread(tmp_path: Path) -> None:
    parent_ts = ts_of("2026-03-02T14:05:00+00:00")
    parent = say(
        "2026-03-02T14:05:00+00:00",
        "rolling back the checkout deploy to v41 now",
        thread_ts=parent_ts,
        reply_count=3,
    )
    reply = say("2026-03-02T14:07:30+00:00", "ack, watching 5xx", user="U2", thread_ts=parent_ts)
    late = say("2026-03-03T09:00:00+00:00", "writing it up", user="U3", thread_ts=parent_ts)
    orphan_ts = ts_of("2026-03-01T23:50:00+00:00")  # its parent is not in the export
    orphan = say("2026-03-02T14:10:00+00:00", "same here", user="U2", thread_ts=orphan_ts)
    days = {"2026-03-02": [reply, parent, orphan], "2026-03-03": [late]}
    export = SlackExport.open(write_export(tmp_path / "x", days))
    candidates = export.messages("incident-42", zone="Europe/Berlin")
    thread = "slack #incident-42, thread 15:05 Dana Scully: rolling back the checkout deploy to…"
    assert [(c.at.isoformat(), c.text, c.source) for c in candidates] == [
        (
            "2026-03-02T15:05:00+01:00",
            "Dana Scully: rolling back the checkout deploy to v41 now",
            "slack #incident-42",
        ),
        ("2026-03-02T15:07:30+01:00", "Sam: ack, watching 5xx", thread),
        ("2026-03-02T15:10:00+01:00", "Sam: same here", "slack #incident-42, thread 00:50"),
        (
            "2026-03-03T10:00:00+01:00",
            "kim: writing it up",
            thread.replace("thread 15:05", "thread 2026-03-02 15:05"),
        ),
    ]
    # A window after the parent still names the thread.
    later = export.messages("incident-42", since=datetime(2026, 3, 3, tzinfo=UTC), zone="UTC")
    assert [c.source for c in later] == [
        "slack #incident-42, thread 2026-03-02 14:05 Dana Scully: rolling back the checkout "
        "deploy to…"
    ]


def test_dedupe_keys_are_channel_and_ts(tmp_path: Path) -> None:
    day = [say("2026-03-02T14:05:00.000042+00:00", "rolling back")]
    export = SlackExport.open(write_export(tmp_path / "x", {"2026-03-02": day}))
    [candidate] = export.messages("incident-42")
    assert candidate.key == "slack:C42:1772460300.000042"


def test_until_skips_day_files_that_cannot_hold_a_message_before_it(tmp_path: Path) -> None:
    days = {
        f"2026-03-{d:02}": [say(f"2026-03-{d:02}T12:00:00+00:00", f"day {d}")] for d in (1, 2, 3, 9)
    }
    export = SlackExport.open(write_export(tmp_path / "x", days))
    told: list[tuple[int, int]] = []
    window = export.messages(
        "incident-42",
        until=datetime(2026, 3, 2, 13, tzinfo=UTC),
        progress=lambda d, t: told.append((d, t)),
    )
    assert [c.text for c in window] == ["Dana Scully: day 1", "Dana Scully: day 2"]
    assert told[-1] == (3, 3)


# Exports that cannot be read


def error(path: Path) -> str:
    with pytest.raises(EvidenceError) as caught:
        SlackExport.open(path)
    return str(caught.value)


def test_not_a_zip(tmp_path: Path) -> None:
    target = tmp_path / "export.zip"
    target.write_bytes(b"this is not a zip file at all")
    message = error(target)
    assert "export.zip" in message and "neither a folder nor a zip file" in message
    assert "Nothing was imported" in message and "channels.json" in message


def test_no_such_path(tmp_path: Path) -> None:
    assert "no such file or folder" in error(tmp_path / "missing.zip")


def test_zip_without_channels_json(tmp_path: Path) -> None:
    target = rewritten_archive(tmp_path / "export.zip", {"channels.json": None})
    assert "there is no channels.json in it" in error(target)


def test_folder_without_channels_json(tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()
    assert "this folder has no channels.json" in error(tmp_path / "export")


def test_bad_json_in_a_day_file_names_that_file_and_line(tmp_path: Path) -> None:
    broken = b'[\n  {"type": "message", "ts": "1454884927.000002"}\n  {"oops"\n]'
    target = rewritten_archive(tmp_path / "export.zip", {"enrique/2016-02-07.json": broken})
    message = error(target)
    assert message.startswith("Cannot import export.zip (enrique/2016-02-07.json, line 3):")
    assert "not valid JSON" in message


def test_bad_channels_json_names_it(tmp_path: Path) -> None:
    target = rewritten_archive(tmp_path / "export.zip", {"channels.json": b"{not json"})
    assert "(channels.json, line 1)" in error(target)


def test_bad_users_json_names_it(tmp_path: Path) -> None:
    target = rewritten_archive(tmp_path / "export.zip", {"users.json": b'{"id": "U1"}'})
    assert "(users.json)" in error(target)


def test_a_message_without_ts(tmp_path: Path) -> None:
    day = [say("2026-03-02T14:05:00+00:00", "fine"), {"type": "message", "text": "when?"}]
    message = error(write_export(tmp_path / "x", {"2026-03-02": day}))
    assert "x (incident-42/2026-03-02.json, message 2): this message has no “ts”" in message


def test_a_message_with_a_ts_that_is_not_a_time(tmp_path: Path) -> None:
    day = [{"type": "message", "text": "when?", "ts": 1463155524.5}]
    message = error(write_export(tmp_path / "x", {"2026-03-02": day}))
    assert "message 1" in message and "1463155524.5" in message


def test_a_day_file_that_is_not_a_list(tmp_path: Path) -> None:
    message = error(write_export(tmp_path / "x", {"2026-03-02": {"messages": []}}))
    assert "(incident-42/2026-03-02.json): this is not a list of messages" in message


def test_an_unknown_channel(real: SlackExport) -> None:
    with pytest.raises(EvidenceError, match=r"no channel “random”.*#enrique, #traveling-sailor"):
        real.messages("random")


def test_zone_objects_are_fixed_offsets(real: SlackExport) -> None:
    zone = ZoneInfo("Europe/Berlin")
    for candidate in real.messages("enrique", zone="Europe/Berlin"):
        assert candidate.at.utcoffset() == candidate.at.astimezone(zone).utcoffset()
