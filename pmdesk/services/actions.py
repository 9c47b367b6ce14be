"""Edits of a postmortem's action items: add, change, delete and restore, each one undo step.

A change of status, owner, due date or priority is kept as a dated entry in the action's history.
Two changes need a reason, so that nothing is silently dropped or quietly pushed back: dropping an
action, and moving a due date that was already agreed (re-scoping). Undo writes the old action
back with its old history; redo writes the changed one, so both are exact.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Connection

from pmdesk.domain import validation
from pmdesk.domain.model import ActionChange, ActionField, ActionItem, ActionStatus
from pmdesk.domain.validation import ValidationError
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import (
    changes,
    editing,
    require_all,
    require_current,
    require_seen,
)
from pmdesk.storage import action_edits, cause_edits, meetings
from pmdesk.storage.action_edits import PlacedAction
from pmdesk.storage.library import Library


@dataclass(frozen=True, slots=True)
class DeletedActions:
    actions: tuple[PlacedAction, ...]
    # The review meeting's parked points that had become these actions, as (point id, action id):
    # the delete unlinks them (the foreign key sets them to null), the restore links them again.
    parked_links: tuple[tuple[str, str], ...] = ()

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
        action = insert_new_action(conn, postmortem_id, action)
    return action, changes(Entity.ACTION, postmortem_id, added=[action.id])


def known_owners(library: Library) -> list[str]:
    """The owners of actions across the library, most used first: offered as one types an
    owner, so a team is named the same way every time."""
    with library.connect() as conn:
        return action_edits.owners(conn)


def insert_new_action(conn: Connection, postmortem_id: str, action: ActionItem) -> ActionItem:
    """The part of `add_action` inside its transaction, for use cases that add an action as one
    step of a larger edit; `action` must have passed `validation.check_action`."""
    if action.cause_id is not None:
        found = cause_edits.load_causes(conn, postmortem_id, [action.cause_id])
        require_all("causes", [action.cause_id], (p.cause.id for p in found))
    taken = cause_edits.taken_refs(conn, postmortem_id)
    if not action.ref or action.ref in taken:
        action = replace(action, ref=cause_edits.next_ref(taken, "a"))
    position = action_edits.max_action_position(conn, postmortem_id) + 1
    action_edits.insert_actions(conn, postmortem_id, [PlacedAction(position, action)])
    return action


def change_action(
    library: Library,
    postmortem_id: str,
    changed: ActionItem,
    note: str = "",
    now: datetime | None = None,
) -> tuple[ActionItem, ActionItem, Changes]:
    """Give an existing action (found by id) the fields of `changed`, adding a history entry
    (with `note`) for each tracked field that changes. Returns the old and the stored new
    action; undo is `put_action` with the old one, redo `put_action` with the new one.

    `changed.version` is the version it was made on: StaleError if the library holds another.
    """
    validation.check_action(changed)
    moment = now or datetime.now(UTC)
    with editing(library, postmortem_id) as conn:
        found = action_edits.load_actions(conn, postmortem_id, [changed.id])
        require_all("actions", [changed.id], (p.action.id for p in found))
        old = found[0].action
        require_current("action", [changed], [old], {old.id: old.title})
        if changed.cause_id is not None and changed.cause_id != old.cause_id:
            causes = cause_edits.load_causes(conn, postmortem_id, [changed.cause_id])
            require_all("causes", [changed.cause_id], (p.cause.id for p in causes))
        entries = history_entries(old, changed, note.strip(), moment)
        new = replace(
            changed, ref=old.ref, history=[*old.history, *entries], version=old.version + 1
        )
        action_edits.update_action(conn, new, old)
    return old, new, changes(Entity.ACTION, postmortem_id, updated=[changed.id])


def put_action(library: Library, postmortem_id: str, action: ActionItem) -> Changes:
    """Write an action back exactly as given, history included: undo and redo of a change.
    `action.version` is the version it replaces (StaleError if another is stored)."""
    with editing(library, postmortem_id) as conn:
        found = action_edits.load_actions(conn, postmortem_id, [action.id])
        require_all("actions", [action.id], (p.action.id for p in found))
        stored = found[0].action
        require_current("action", [action], [stored], {action.id: action.title})
        action_edits.update_action(conn, action, stored)
    return changes(Entity.ACTION, postmortem_id, updated=[action.id])


def history_entries(
    old: ActionItem, new: ActionItem, note: str, at: datetime
) -> list[ActionChange]:
    """The history entries for changing `old` into `new`; ValidationError when a reason is
    needed and `note` is empty.
    """
    if new.status is ActionStatus.DROPPED and old.status is not ActionStatus.DROPPED and not note:
        raise ValidationError(
            "note",
            f"Say why “{new.title}” is dropped (done another way, replaced by another action, no "
            "longer needed), so the next review can see it was not silently dropped.",
            new.id,
        )
    if old.due is not None and new.due != old.due and not note:
        raise ValidationError(
            "note",
            f"“{new.title}” was due {old.due.isoformat()}. Say why the date moves (re-scoped, "
            "waiting on another team), so the follow-up review can see what changed.",
            new.id,
        )
    entries = []
    for name in ActionField:
        before, after = field_value(old, name), field_value(new, name)
        if before != after:
            entries.append(ActionChange(at, name, before, after, note))
    return entries


def field_value(action: ActionItem, name: ActionField) -> str | None:
    """A tracked field as history writes it: a status or priority value, an owner, a date."""
    if name is ActionField.STATUS:
        return action.status.value
    if name is ActionField.OWNER:
        return action.owner
    if name is ActionField.DUE:
        return action.due.isoformat() if action.due else None
    return action.priority.value if action.priority else None


def delete_actions(
    library: Library,
    postmortem_id: str,
    ids: Collection[str],
    seen: Mapping[str, int] | None = None,
) -> tuple[DeletedActions, Changes]:
    """`seen` maps each id to the version the deleter saw: StaleError if the library holds
    another."""
    with editing(library, postmortem_id) as conn:
        placed = action_edits.load_actions(conn, postmortem_id, ids)
        require_all("actions", ids, (p.action.id for p in placed))
        stored = [p.action for p in placed]
        require_seen("action", seen, stored, {a.id: a.title for a in stored})
        parked = meetings.links_to_actions(conn, ids)
        action_edits.delete_actions(conn, postmortem_id, ids)
    deleted = DeletedActions(tuple(placed), tuple(parked))
    return deleted, changes(Entity.ACTION, postmortem_id, removed=deleted.ids)


def restore_actions(library: Library, postmortem_id: str, deleted: DeletedActions) -> Changes:
    """Put deleted actions back at their positions (deletes leave gaps, so nothing moves), and
    link the parked points that had become them again."""
    with editing(library, postmortem_id) as conn:
        action_edits.insert_actions(conn, postmortem_id, deleted.actions)
        meetings.link_points(conn, deleted.parked_links)
    return changes(Entity.ACTION, postmortem_id, added=deleted.ids)
