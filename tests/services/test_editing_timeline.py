"""Adding, changing, deleting and restoring timeline events, and the evidence that cites them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pmdesk.domain.model import EventKind, Postmortem, TimelineEvent
from pmdesk.domain.validation import ValidationError
from pmdesk.services import postmortems, timeline
from pmdesk.services.changes import Entity
from pmdesk.storage import edits, repository
from pmdesk.storage.library import Library
from tests.services.conftest import DiskPulledOutError, every_row, fail_after, reload


def event_at(at: datetime, text: str, kind: EventKind = EventKind.EVENT) -> TimelineEvent:
    return TimelineEvent(at, kind, text)


def test_events_at_the_same_time_keep_the_order_they_were_added_in(
    library: Library, stored: Postmortem
) -> None:
    # The rich example has three events at this instant already; the new ones come after them.
    same = stored.timeline[2].at
    added = [event_at(same, f"pasted {i}") for i in range(3)]
    changes = timeline.add_events(library, stored.id, added)
    assert changes.entity is Entity.TIMELINE
    assert changes.added == frozenset(e.id for e in added)
    assert changes.postmortem_ids == frozenset({stored.id})
    texts = [e.text for e in reload(library, stored.id).timeline if e.at == same]
    existing = [e.text for e in stored.timeline if e.at == same]
    assert texts == [*existing, "pasted 0", "pasted 1", "pasted 2"]


def test_adding_events_is_undone_by_deleting_them(library: Library, stored: Postmortem) -> None:
    added = [event_at(datetime(2026, 3, 2, 14, 0, tzinfo=UTC), "Added", EventKind.DECISION)]
    timeline.add_events(library, stored.id, added)
    assert added[0] in reload(library, stored.id).timeline
    timeline.delete_events(library, stored.id, [added[0].id])
    assert reload(library, stored.id) == stored


def test_the_first_event_of_an_empty_timeline(library: Library, stored: Postmortem) -> None:
    timeline.delete_events(library, stored.id, [e.id for e in stored.timeline])
    first = event_at(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-3))), "First")
    timeline.add_events(library, stored.id, [first])
    assert reload(library, stored.id).timeline == [first]


def test_several_events_change_at_once_and_change_back(
    library: Library, stored: Postmortem
) -> None:
    chosen = stored.timeline[1:4]
    new = [replace(e, kind=EventKind.COMMUNICATION) for e in chosen]
    new[0] = replace(new[0], text="Edited ✎", source="chat", at=new[0].at + timedelta(hours=1))
    old, changes = timeline.update_events(library, stored.id, new)
    assert changes.updated == frozenset(e.id for e in chosen)
    assert old == chosen
    edited = {e.id: e for e in reload(library, stored.id).timeline}
    assert all(edited[e.id] == e for e in new)

    timeline.update_events(library, stored.id, [replace(e, version=e.version + 1) for e in old])
    assert reload(library, stored.id) == stored
    versions = {e.id: e.version for e in reload(library, stored.id).timeline}
    assert [versions[e.id] for e in chosen] == [e.version + 2 for e in chosen]


def test_a_changed_event_keeps_its_place_among_equal_times(
    library: Library, stored: Postmortem
) -> None:
    same = [e for e in stored.timeline if e.at == stored.timeline[2].at]
    assert len(same) == 3
    timeline.update_events(library, stored.id, [replace(same[0], text="still first")])
    after = [e.text for e in reload(library, stored.id).timeline if e.at == same[0].at]
    assert after == ["still first", same[1].text, same[2].text]


def test_deleted_evidence_comes_back_in_its_place(library: Library, stored: Postmortem) -> None:
    trigger, detection = stored.timeline[0], stored.timeline[2]
    citing = [c for c in stored.causes if trigger.id in c.evidence or detection.id in c.evidence]
    assert any(c.evidence == [detection.id, trigger.id] for c in citing)  # two in one cause

    deleted, changes = timeline.delete_events(library, stored.id, [detection.id, trigger.id])
    assert changes.entity is Entity.TIMELINE
    assert changes.removed == frozenset({trigger.id, detection.id})
    assert {link.cause_id for link in deleted.evidence} == {c.id for c in citing}
    after = reload(library, stored.id)
    assert all(
        trigger.id not in c.evidence and detection.id not in c.evidence for c in after.causes
    )

    changes = timeline.restore_events(library, stored.id, deleted)
    assert changes.added == frozenset({trigger.id, detection.id})
    assert reload(library, stored.id) == stored


def test_deleting_every_event_and_restoring_keeps_order_and_evidence(
    library: Library, stored: Postmortem
) -> None:
    deleted, _ = timeline.delete_events(library, stored.id, [e.id for e in stored.timeline])
    assert reload(library, stored.id).timeline == []
    timeline.restore_events(library, stored.id, deleted)
    assert reload(library, stored.id) == stored


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (event_at(datetime(2026, 3, 2, 14, 5, tzinfo=UTC), " \n "), "text", "no text"),
        (event_at(datetime(2026, 3, 2, 14, 5), "naive"), "at", "no UTC offset"),
        (
            event_at(datetime(2026, 3, 2, tzinfo=timezone(timedelta(microseconds=5))), "odd"),
            "at",
            "fraction of a second",
        ),
    ],
)
def test_refused_events_write_nothing(
    library: Library, stored: Postmortem, bad: TimelineEvent, field: str, message: str
) -> None:
    good = event_at(datetime(2026, 3, 2, 14, 5, tzinfo=UTC), "fine")
    before = every_row(library)
    with pytest.raises(ValidationError, match=message) as caught:
        timeline.add_events(library, stored.id, [good, bad])
    assert (caught.value.field, caught.value.item_id) == (field, bad.id)
    with pytest.raises(ValidationError, match=message):
        timeline.update_events(library, stored.id, [replace(bad, id=stored.timeline[0].id)])
    assert every_row(library) == before


def test_changing_or_deleting_events_that_are_gone_writes_nothing(
    library: Library, stored: Postmortem
) -> None:
    before = every_row(library)
    ghost = event_at(datetime(2026, 3, 2, tzinfo=UTC), "ghost")
    with pytest.raises(postmortems.NotFoundError, match=ghost.id):
        timeline.update_events(library, stored.id, [stored.timeline[0], ghost])
    with pytest.raises(postmortems.NotFoundError, match="1 of the events is no longer"):
        timeline.delete_events(library, stored.id, [stored.timeline[0].id, ghost.id])
    assert every_row(library) == before


def test_events_of_another_postmortem_are_not_touched(library: Library, stored: Postmortem) -> None:
    other = replace(
        stored, id="f" * 32, timeline=[], causes=[], actions=[], lessons=[], meeting=None
    )
    with library.transaction() as conn:
        repository.insert_postmortem(conn, other)
    with pytest.raises(postmortems.NotFoundError):
        timeline.delete_events(library, other.id, [stored.timeline[0].id])
    assert reload(library, stored.id) == stored


def test_a_restore_that_fails_part_way_writes_nothing(
    library: Library, stored: Postmortem, monkeypatch: pytest.MonkeyPatch
) -> None:
    deleted, _ = timeline.delete_events(library, stored.id, [stored.timeline[0].id])
    before = every_row(library)
    fail_after(monkeypatch, edits, "insert_evidence")
    with pytest.raises(DiskPulledOutError):
        timeline.restore_events(library, stored.id, deleted)
    assert every_row(library) == before
