"""Edits of a postmortem's action items: add, change, delete and restore, each one undo step."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from pmdesk.domain import validation
from pmdesk.domain.model import ActionItem
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import changes, editing, require_all
from pmdesk.storage import cause_edits
from pmdesk.storage.cause_edits import PlacedAction
from pmdesk.storage.library import Library


@dataclass(frozen=True, slots=True)
class DeletedActions:
    actions: tuple[PlacedAction, ...]

    @property
    def ids(self) -> list[str]:
        return [placed.action.id for placed in self.actions]


def add_action(
    library: Library, postmortem_id: str, action: ActionItem
) -> tuple[ActionItem, Changes]:
    """Add an action at the end of the list. One without a ref, or with one already taken, gets
    the next free "aN". Returns it as stored; undo is `delete_actions`, redo `restore_actions`.
    """
    validation.check_action(action)
    with editing(library, postmortem_id) as conn:
        if action.cause_id is not None:
            found = cause_edits.load_causes(conn, postmortem_id, [action.cause_id])
            require_all("causes", [action.cause_id], (p.cause.id for p in found))
        taken = cause_edits.taken_refs(conn, postmortem_id)
        if not action.ref or action.ref in taken:
            action = replace(action, ref=cause_edits.next_ref(taken, "a"))
        position = cause_edits.max_action_position(conn, postmortem_id) + 1
        cause_edits.insert_actions(conn, postmortem_id, [PlacedAction(position, action)])
    return action, changes(Entity.ACTION, postmortem_id, added=[action.id])


def delete_actions(
    library: Library, postmortem_id: str, ids: Collection[str]
) -> tuple[DeletedActions, Changes]:
    with editing(library, postmortem_id) as conn:
        placed = cause_edits.load_actions(conn, postmortem_id, ids)
        require_all("actions", ids, (p.action.id for p in placed))
        cause_edits.delete_actions(conn, postmortem_id, ids)
    deleted = DeletedActions(tuple(placed))
    return deleted, changes(Entity.ACTION, postmortem_id, removed=deleted.ids)


def restore_actions(library: Library, postmortem_id: str, deleted: DeletedActions) -> Changes:
    """Put deleted actions back at their positions (deletes leave gaps, so nothing moves)."""
    with editing(library, postmortem_id) as conn:
        cause_edits.insert_actions(conn, postmortem_id, deleted.actions)
    return changes(Entity.ACTION, postmortem_id, added=deleted.ids)
