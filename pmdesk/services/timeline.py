"""Edits of a postmortem's timeline: add, change, delete and restore events.

Several events in one call are one transaction and one undo step (a paste, or changing the kind of
a selection). Events at the same time keep their order through `seq`: new events come after every
existing one, and an undone delete puts back each event's own `seq` and every citation of it as
evidence, at the place it had in its cause's list.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from pmdesk.domain import validation
from pmdesk.domain.model import TimelineEvent
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import (
    changes,
    editing,
    require_all,
    require_current,
    require_seen,
)
from pmdesk.storage import edits
from pmdesk.storage.edits import EvidenceLink, StoredEvent
from pmdesk.storage.library import Library


@dataclass(frozen=True, slots=True)
class DeletedEvents:
    """What `delete_events` took away, for `restore_events` to put back exactly."""

    events: tuple[StoredEvent, ...]
    evidence: tuple[EvidenceLink, ...]  # the causes' citations that went with them

    @property
    def ids(self) -> list[str]:
        return [stored.event.id for stored in self.events]


def add_events(library: Library, postmortem_id: str, events: Sequence[TimelineEvent]) -> Changes:
    """Add new events (with new ids), after any existing event at the same time, in the order
    given. Undo is `delete_events` with their ids; redo is this call again.
    """
    _check(events)
    with editing(library, postmortem_id) as conn:
        first = edits.max_event_seq(conn, postmortem_id) + 1
        stored = [StoredEvent(first + i, event) for i, event in enumerate(events)]
        edits.insert_events(conn, postmortem_id, stored)
    return changes(Entity.TIMELINE, postmortem_id, added=[e.id for e in events])


def update_events(
    library: Library, postmortem_id: str, events: Sequence[TimelineEvent]
) -> tuple[list[TimelineEvent], Changes]:
    """Give existing events (found by id) the time, kind, text and source of these. Returns the
    old versions, in timeline order; undo is this call with them. Each event keeps its place
    among events at an equal time.

    Each event's `version` is the one it was made on: StaleError if the library holds another.
    """
    _check(events)
    ids = [event.id for event in events]
    with editing(library, postmortem_id) as conn:
        old = edits.load_events(conn, postmortem_id, ids)
        require_all("events", ids, (stored.event.id for stored in old))
        stored = [s.event for s in old]
        require_current("event", events, stored, {e.id: e.text for e in stored})
        edits.update_events(conn, events)
    return [stored.event for stored in old], changes(Entity.TIMELINE, postmortem_id, updated=ids)


def delete_events(
    library: Library,
    postmortem_id: str,
    ids: Collection[str],
    seen: Mapping[str, int] | None = None,
) -> tuple[DeletedEvents, Changes]:
    """Delete events, and with them every cause's citation of them as evidence.

    The returned Changes names only the events; causes that cited them have lost evidence (listed
    in `DeletedEvents.evidence`), so a view of causes should refresh on it too. `seen` maps each
    id to the version the deleter saw: StaleError if the library holds another.
    """
    with editing(library, postmortem_id) as conn:
        stored = edits.load_events(conn, postmortem_id, ids)
        require_all("events", ids, (s.event.id for s in stored))
        events = [s.event for s in stored]
        require_seen("event", seen, events, {e.id: e.text for e in events})
        links = edits.evidence_links(conn, ids)
        edits.delete_events(conn, postmortem_id, ids)
    deleted = DeletedEvents(tuple(stored), tuple(links))
    return deleted, changes(Entity.TIMELINE, postmortem_id, removed=deleted.ids)


def restore_events(library: Library, postmortem_id: str, deleted: DeletedEvents) -> Changes:
    """Put deleted events back with their ids, order and evidence citations: the inverse of
    `delete_events`. Not validated again: they are what the library held.
    """
    with editing(library, postmortem_id) as conn:
        edits.insert_events(conn, postmortem_id, deleted.events)
        edits.insert_evidence(conn, deleted.evidence)
    return changes(Entity.TIMELINE, postmortem_id, added=deleted.ids)


def _check(events: Sequence[TimelineEvent]) -> None:
    for event in events:
        validation.check_event(event)
