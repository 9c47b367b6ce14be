"""Recurrence links: linking, refusals, unlink and restore, both directions, and what deleting a
postmortem does to its links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, select

from pmdesk.domain.model import EventKind, Postmortem, TimelineEvent
from pmdesk.domain.validation import ValidationError
from pmdesk.services import library_edits, recurrences
from pmdesk.services.changes import Entity
from pmdesk.services.postmortems import NotFoundError
from pmdesk.storage import links, migrator, repository
from pmdesk.storage.engine import make_engine
from pmdesk.storage.library import Library, open_library
from pmdesk.storage.schema import REVISION
from pmdesk.storage.schema import recurrences as recurrence_table
from tests.services.conftest import DiskPulledOutError, every_row, fail_after
from tests.storage.examples import rich_postmortem, without_themes
from tests.storage.older import insert_into_older

PLUS_ONE = timezone(timedelta(hours=1))


def incident(library: Library, title: str, started: datetime | None = None) -> str:
    """Store a postmortem whose first trigger is at `started`; its id."""
    timeline = [TimelineEvent(started, EventKind.TRIGGER, "It began")] if started else []
    postmortem = Postmortem(title=title, timeline=timeline)
    with library.transaction() as conn:
        repository.insert_postmortem(conn, postmortem)
    return postmortem.id


def link_rows(library: Library) -> list[tuple[Any, ...]]:
    with library.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(select(recurrence_table)))


@pytest.fixture
def three(library: Library) -> tuple[str, str, str]:
    """January's outage, February's repeat of it, and April's repeat of February's."""
    january = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
    february = datetime(2026, 2, 3, 23, 30, tzinfo=PLUS_ONE)  # 22:30 UTC
    april = datetime(2026, 4, 1, 8, tzinfo=UTC)
    return (
        incident(library, "Search down after a config push", january),
        incident(library, "Checkout down after a config push", february),
        incident(library, "Payments 502s after a config push", april),
    )


def test_a_link_is_seen_from_both_sides(library: Library, three: tuple[str, str, str]) -> None:
    january, february, _ = three
    before = datetime.now(UTC)
    changes = recurrences.link(library, february, january, "Same pipeline, same missing check")

    assert changes.entity is Entity.POSTMORTEM
    assert changes.updated == changes.postmortem_ids == frozenset({january, february})
    assert not changes.added and not changes.removed  # no postmortem came or went
    (seen_from_february,) = recurrences.recurrences_of(library, february)
    (seen_from_january,) = recurrences.recurrences_of(library, january)
    link = seen_from_february.link
    assert link == seen_from_january.link
    assert (link.postmortem_id, link.earlier_id) == (february, january)
    assert link.note == "Same pipeline, same missing check"
    assert before <= link.created_at <= datetime.now(UTC)
    assert link.created_at.tzinfo is not None

    assert seen_from_february.earlier and seen_from_february.other_id == january
    assert seen_from_february.title == "Search down after a config push"
    assert seen_from_february.started == datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
    assert not seen_from_january.earlier and seen_from_january.other_id == february
    # The start keeps the offset it was written with, so its day is the day people saw.
    assert seen_from_january.started is not None
    assert seen_from_january.started.utcoffset() == timedelta(hours=1)
    assert recurrences.started_text(seen_from_january.started) == "2026-02-03"


def test_earlier_incidents_come_first_each_side_in_the_order_they_started(
    library: Library,
) -> None:
    this = incident(library, "This one", datetime(2026, 3, 1, tzinfo=UTC))
    march_before = incident(library, "Late February", datetime(2026, 2, 27, tzinfo=UTC))
    january = incident(library, "January", datetime(2026, 1, 5, tzinfo=UTC))
    undated = incident(library, "No timeline yet")
    later = incident(library, "Later", datetime(2026, 5, 1, tzinfo=UTC))
    for earlier in (march_before, undated, january):
        recurrences.link(library, this, earlier)
    recurrences.link(library, later, this)

    found = recurrences.recurrences_of(library, this)

    assert [(r.title, r.earlier) for r in found] == [
        ("January", True),
        ("Late February", True),
        ("No timeline yet", True),
        ("Later", False),
    ]
    assert found[2].started is None
    assert recurrences.report_lines(found) == (
        (("January", "2026-01-05"), ("Late February", "2026-02-27"), ("No timeline yet", "")),
        (("Later", "2026-05-01"),),
    )


def test_an_incident_is_never_a_recurrence_of_itself(
    library: Library, three: tuple[str, str, str]
) -> None:
    january, _, _ = three
    before = every_row(library)
    with pytest.raises(ValidationError, match="cannot be a recurrence of itself") as caught:
        recurrences.link(library, january, january)
    assert caught.value.field == "earlier_id"
    assert every_row(library) == before


@pytest.mark.parametrize("turned_round", [False, True])
def test_two_incidents_are_linked_once_either_way_round(
    library: Library, three: tuple[str, str, str], turned_round: bool
) -> None:
    january, february, _ = three
    recurrences.link(library, february, january)
    before = every_row(library)  # updated_at included: a refusal touches nothing

    later, earlier = (january, february) if turned_round else (february, january)
    with pytest.raises(ValidationError, match="already marked as a recurrence") as caught:
        recurrences.link(library, later, earlier)

    message = str(caught.value)
    assert "“Checkout down after a config push” is already marked as a recurrence of" in message
    assert "“Search down after a config push”" in message
    assert every_row(library) == before


def test_a_note_must_be_text(library: Library, three: tuple[str, str, str]) -> None:
    january, february, _ = three
    with pytest.raises(ValidationError, match="note must be text"):
        recurrences.link(library, february, january, 42)  # type: ignore[arg-type]


@pytest.mark.parametrize("which", ["later", "earlier"])
def test_linking_a_postmortem_that_is_gone_says_so_and_writes_nothing(
    library: Library, three: tuple[str, str, str], which: str
) -> None:
    january, _, _ = three
    missing = "0" * 32
    before = every_row(library)
    later, earlier = (missing, january) if which == "later" else (january, missing)
    with pytest.raises(NotFoundError, match="no longer in this library"):
        recurrences.link(library, later, earlier)
    assert every_row(library) == before


def test_a_failure_half_way_writes_nothing(
    library: Library, three: tuple[str, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    january, february, _ = three
    before = every_row(library)
    fail_after(monkeypatch, links, "insert_link")
    with pytest.raises(DiskPulledOutError):
        recurrences.link(library, february, january)
    assert every_row(library) == before  # the link and both updated_at, all rolled back


def test_unlink_hands_back_the_link_and_restore_puts_it_back_exactly(
    library: Library, three: tuple[str, str, str]
) -> None:
    january, february, april = three
    recurrences.link(library, february, january, "Same pipeline")
    recurrences.link(library, april, february)
    linked = link_rows(library)
    (stored,) = (r.link for r in recurrences.recurrences_of(library, january))

    removed, changes = recurrences.unlink(library, february, january)

    assert removed == stored
    assert changes.updated == changes.postmortem_ids == frozenset({january, february})
    assert recurrences.recurrences_of(library, january) == []
    assert [r.other_id for r in recurrences.recurrences_of(library, february)] == [april]

    changes = recurrences.restore(library, removed)
    assert changes.updated == frozenset({january, february})
    assert link_rows(library) == linked  # note and creation time, to the microsecond


def test_unlinking_a_link_that_is_gone_says_so(
    library: Library, three: tuple[str, str, str]
) -> None:
    january, february, _ = three
    with pytest.raises(NotFoundError, match="no longer in this library"):
        recurrences.unlink(library, february, january)


def test_restoring_a_link_twice_is_refused(library: Library, three: tuple[str, str, str]) -> None:
    january, february, _ = three
    recurrences.link(library, february, january)
    removed, _ = recurrences.unlink(library, february, january)
    recurrences.restore(library, removed)
    with pytest.raises(ValidationError, match="already marked"):
        recurrences.restore(library, removed)


def test_reading_the_links_of_a_postmortem_that_is_gone_says_so(library: Library) -> None:
    with pytest.raises(NotFoundError, match="no longer in this library"):
        recurrences.recurrences_of(library, "0" * 32)


def test_deleting_a_postmortem_takes_its_links_with_it(
    library: Library, three: tuple[str, str, str]
) -> None:
    january, february, april = three
    recurrences.link(library, february, january)
    recurrences.link(library, april, february)
    recurrences.link(library, april, january)

    library_edits.delete_postmortem(library, february)

    assert [r.other_id for r in recurrences.recurrences_of(library, january)] == [april]
    assert [r.other_id for r in recurrences.recurrences_of(library, april)] == [january]
    assert len(link_rows(library)) == 1


def test_undoing_a_delete_brings_the_links_back(
    library: Library, three: tuple[str, str, str]
) -> None:
    january, february, april = three
    recurrences.link(library, february, january, "Same pipeline")
    recurrences.link(library, april, february)
    recurrences.link(library, april, january)
    linked = link_rows(library)

    deleted, _ = library_edits.delete_postmortem(library, february)
    library_edits.restore_postmortem(library, deleted)

    assert link_rows(library) == linked


def test_the_storage_puts_back_only_links_whose_postmortems_are_there(
    library: Library, three: tuple[str, str, str]
) -> None:
    january, february, april = three
    recurrences.link(library, february, january)
    recurrences.link(library, april, february)
    with library.connect() as conn:
        taken = links.links_of(conn, february)
    assert len(taken) == 2
    deleted, _ = library_edits.delete_postmortem(library, february)
    library_edits.delete_postmortem(library, april)  # meanwhile, in another window

    with library.transaction() as conn:
        repository.insert_postmortem(conn, deleted.postmortem)
        put_back = links.restore_links(conn, taken)

    assert [(link.postmortem_id, link.earlier_id) for link in put_back] == [(february, january)]
    assert [r.other_id for r in recurrences.recurrences_of(library, february)] == [january]


def test_an_older_library_is_upgraded_with_its_postmortems_and_takes_links(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.pmdesk"
    engine = make_engine(URL.create("sqlite+pysqlite", database=str(path)))
    migrator.upgrade(engine, "0004")
    first, second = without_themes(rich_postmortem()), without_themes(rich_postmortem())
    for pm in (first, second):
        pm.meeting = None  # 0004 has nowhere to keep it, nor themes
    insert_into_older(engine, [first, second], tmp_path / "scratch.pmdesk")
    engine.dispose()

    with open_library(path) as upgraded:
        with upgraded.connect() as conn:
            assert migrator.current_revision(conn) == REVISION
            assert repository.load_postmortem(conn, first.id) == first
            assert repository.load_postmortem(conn, second.id) == second
        recurrences.link(upgraded, second.id, first.id)
        (found,) = recurrences.recurrences_of(upgraded, first.id)
        assert found.other_id == second.id
    (backup,) = tmp_path.glob("older.pmdesk.backup-0004-*.sqlite3")
    assert backup.stat().st_size > 0
