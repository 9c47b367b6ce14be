"""Edits of a postmortem's five-whys tree: add, change, move, delete and restore causes.

Each call is one transaction and one undo step. A move records the whole tree's shape first, so
its undo puts every cause back exactly; a delete takes the cause's subtree with it and hands back
everything needed to restore it: the causes with their positions and evidence, and the links of
the actions that addressed them (the actions themselves stay, unlinked).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import Connection

from pmdesk.domain import validation
from pmdesk.domain.cause_tree import CauseTree
from pmdesk.domain.model import Cause
from pmdesk.domain.validation import ValidationError
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import (
    changes,
    editing,
    require_all,
    require_current,
    require_seen,
)
from pmdesk.storage import cause_edits
from pmdesk.storage.cause_edits import PlacedCause, Placement, Shape
from pmdesk.storage.library import Library


@dataclass(frozen=True, slots=True)
class DeletedCauses:
    """What `delete_causes` took away, for `restore_causes` to put back exactly."""

    causes: tuple[PlacedCause, ...]  # parents before their children
    action_links: tuple[tuple[str, str], ...]  # (action id, cause id) links that were cut

    @property
    def ids(self) -> list[str]:
        return [placed.cause.id for placed in self.causes]


def add_cause(
    library: Library, postmortem_id: str, cause: Cause, index: int | None = None
) -> tuple[Cause, Changes]:
    """Hang a new cause under `cause.parent_id` (None: a new problem statement) as child number
    `index` (None: the last). A cause without a ref, or with one already taken, gets the next
    free "cN". Returns the cause as stored; undo is `delete_causes`, redo this call with it.
    """
    validation.check_cause(cause)
    with editing(library, postmortem_id) as conn:
        shape = cause_edits.load_shape(conn, postmortem_id)
        if cause.parent_id is not None:
            require_all("causes", [cause.parent_id], (p.cause_id for p in shape))
        _require_events(conn, postmortem_id, cause.evidence)
        taken = cause_edits.taken_refs(conn, postmortem_id)
        if not cause.ref or cause.ref in taken:
            cause = replace(cause, ref=cause_edits.next_ref(taken, "c"))
        position = cause_edits.make_room(conn, postmortem_id, shape, cause.parent_id, index)
        cause_edits.insert_causes(conn, postmortem_id, [PlacedCause(position, cause)])
    return cause, changes(Entity.CAUSE, postmortem_id, added=[cause.id])


def update_cause(library: Library, postmortem_id: str, cause: Cause) -> tuple[Cause, Changes]:
    """Give an existing cause (found by id) this text, systemic mark and evidence; its place in
    the tree and its ref stay. Returns the old cause; undo is this call with it.

    `cause.version` is the version it was made on: StaleError if the library holds another.
    """
    validation.check_cause(cause)
    with editing(library, postmortem_id) as conn:
        old = cause_edits.load_causes(conn, postmortem_id, [cause.id])
        require_all("causes", [cause.id], (p.cause.id for p in old))
        stored = old[0].cause
        require_current("cause", [cause], [stored], {stored.id: f"{stored.ref} {stored.text}"})
        _require_events(conn, postmortem_id, cause.evidence)
        cause_edits.update_cause(conn, cause)
    return old[0].cause, changes(Entity.CAUSE, postmortem_id, updated=[cause.id])


def move_cause(
    library: Library,
    postmortem_id: str,
    cause_id: str,
    parent_id: str | None,
    index: int | None = None,
) -> tuple[Shape, Changes]:
    """Move a cause, with everything below it, to be child number `index` of `parent_id` (None:
    a problem statement of its own). Refused if that would hang it below itself. Returns the
    tree's shape before the move; undo is `restore_shape` with it.
    """
    with editing(library, postmortem_id) as conn:
        shape = cause_edits.load_shape(conn, postmortem_id)
        wanted = [cause_id] if parent_id is None else [cause_id, parent_id]
        require_all("causes", wanted, (p.cause_id for p in shape))
        placed = cause_edits.load_causes(conn, postmortem_id, [p.cause_id for p in shape])
        tree = CauseTree([p.cause for p in placed])
        if tree.would_loop(cause_id, parent_id):
            moved, target = tree.get(cause_id), tree.get(parent_id or "")
            assert moved is not None and target is not None
            raise ValidationError(
                "parent",
                f"“{moved.ref}” cannot move under “{target.ref}”, which is one of its own "
                "answers: the tree would loop. Move it under a cause outside its own branch.",
                cause_id,
            )
        rest = tuple(p for p in shape if p.cause_id != cause_id)
        position = cause_edits.make_room(conn, postmortem_id, rest, parent_id, index)
        cause_edits.write_shape(
            conn,
            cause_edits.load_shape(conn, postmortem_id),
            (Placement(cause_id, parent_id, position),),
        )
    return shape, changes(Entity.CAUSE, postmortem_id, updated=[cause_id])


def restore_shape(library: Library, postmortem_id: str, shape: Shape) -> Changes:
    """Put every cause back where `shape` says: the inverse of `move_cause`."""
    with editing(library, postmortem_id) as conn:
        current = cause_edits.load_shape(conn, postmortem_id)
        require_all("causes", (p.cause_id for p in shape), (p.cause_id for p in current))
        cause_edits.write_shape(conn, current, shape)
    moved = set(shape) - set(current)
    return changes(Entity.CAUSE, postmortem_id, updated=(p.cause_id for p in moved))


def delete_causes(
    library: Library,
    postmortem_id: str,
    ids: Collection[str],
    seen: Mapping[str, int] | None = None,
) -> tuple[DeletedCauses, Changes]:
    """Delete causes and everything below them. Actions that addressed them stay, unlinked.

    `seen` maps the id of each cause the deleter saw to its version then: StaleError if any cause
    that would go (those below included) is one they did not see, or saw at another version.
    """
    with editing(library, postmortem_id) as conn:
        shape = cause_edits.load_shape(conn, postmortem_id)
        require_all("causes", ids, (p.cause_id for p in shape))
        everything = cause_edits.load_causes(conn, postmortem_id, [p.cause_id for p in shape])
        tree = CauseTree([p.cause for p in everything])
        position = {p.cause.id: p.position for p in everything}
        gone: dict[str, Cause] = {}
        for cause_id in ids:
            gone.update((c.id, c) for c in tree.subtree(cause_id))
        ordered = [c for c in tree.preorder() if c.id in gone]
        require_seen("cause", seen, ordered, {c.id: f"{c.ref} {c.text}" for c in ordered})
        placed = tuple(PlacedCause(position[c.id], c) for c in ordered)
        links = cause_edits.action_links(conn, list(gone))
        cause_edits.delete_causes(conn, postmortem_id, list(gone))
    deleted = DeletedCauses(placed, tuple(sorted(links.items())))
    return deleted, changes(Entity.CAUSE, postmortem_id, removed=deleted.ids)


def restore_causes(library: Library, postmortem_id: str, deleted: DeletedCauses) -> Changes:
    """Put deleted causes back with their ids, places, evidence and action links: the inverse of
    `delete_causes`. Not validated again: they are what the library held.
    """
    with editing(library, postmortem_id) as conn:
        cause_edits.insert_causes(conn, postmortem_id, deleted.causes)
        cause_edits.link_actions(conn, dict(deleted.action_links))
    return changes(Entity.CAUSE, postmortem_id, added=deleted.ids)


def _require_events(conn: Connection, postmortem_id: str, event_ids: Collection[str]) -> None:
    if event_ids:
        found = cause_edits.events_exist(conn, postmortem_id, event_ids)
        require_all("timeline events", event_ids, found)
