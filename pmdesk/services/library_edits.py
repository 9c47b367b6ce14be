"""Creating and deleting whole postmortems from the editor, each undoable.

A deleted postmortem is handed back whole, with its recurrence links, so that undo can store it
again with every id it had (and so every other undo step that names those ids still applies).
"""

from __future__ import annotations

from dataclasses import dataclass

from pmdesk.domain import validation
from pmdesk.domain.model import Postmortem, PostmortemKind
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import changes, gone
from pmdesk.storage import links, repository
from pmdesk.storage.library import Library

DEFAULT_TITLES = {
    PostmortemKind.INCIDENT: "Untitled incident",
    PostmortemKind.NEAR_MISS: "Untitled near miss",
}


def create_postmortem(
    library: Library, kind: PostmortemKind, title: str | None = None
) -> tuple[Postmortem, Changes]:
    """A new, empty draft. Undo is `delete_postmortem`; redo is `restore_postmortem` with the
    postmortem returned here, so it comes back with the same id.
    """
    chosen = DEFAULT_TITLES[kind] if title is None else validation.check_title(title)
    postmortem = Postmortem(title=chosen, kind=kind)
    return postmortem, restore_postmortem(library, postmortem)


@dataclass(frozen=True, slots=True)
class DeletedPostmortem:
    """What `delete_postmortem` took away: the postmortem, and its links to other incidents."""

    postmortem: Postmortem
    recurrences: tuple[links.RecurrenceLink, ...] = ()


def add_postmortem(library: Library, postmortem: Postmortem) -> Changes:
    """Store a new postmortem made elsewhere (a quick-capture form), after checking what a user
    typed into it. Undo is `delete_postmortem`; redo is `restore_postmortem` with it."""
    validation.check_title(postmortem.title)
    for event in postmortem.timeline:
        validation.check_event(event)
    for lesson in postmortem.lessons:
        validation.check_lesson(lesson)
    if postmortem.meeting is not None:
        validation.check_meeting(postmortem.meeting)
    return restore_postmortem(library, postmortem)


def delete_postmortem(library: Library, postmortem_id: str) -> tuple[DeletedPostmortem, Changes]:
    """Delete a postmortem and everything in it; returns it whole for `restore_postmortem`."""
    with library.transaction() as conn:
        postmortem = repository.load_postmortem(conn, postmortem_id)
        if postmortem is None:
            raise gone(postmortem_id)
        taken = tuple(links.links_of(conn, postmortem_id))
        repository.delete_postmortem(conn, postmortem_id)
    deleted = DeletedPostmortem(postmortem, taken)
    return deleted, changes(Entity.POSTMORTEM, postmortem_id, removed=[postmortem_id])


def restore_postmortem(library: Library, deleted: Postmortem | DeletedPostmortem) -> Changes:
    """Store a postmortem with the ids it has (and put back the links it had): the inverse of
    `delete_postmortem`.

    Not validated: it is what the library held a moment ago. Its `created_at` becomes now.
    """
    if isinstance(deleted, Postmortem):
        deleted = DeletedPostmortem(deleted)
    with library.transaction() as conn:
        repository.insert_postmortem(conn, deleted.postmortem)
        links.restore_links(conn, deleted.recurrences)
    return changes(Entity.POSTMORTEM, deleted.postmortem.id, added=[deleted.postmortem.id])
