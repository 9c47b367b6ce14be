"""Edits of stored action items, as plain functions on a Connection.

An action's `position` orders it in its postmortem's list; deletes leave gaps, so a restore puts
an action back where it was without moving the others. Its history is written with it.
Every function runs in the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, select, update

from pmdesk.domain.model import ActionItem, ActionStatus
from pmdesk.storage.repository import (
    action_from_row,
    action_row,
    history_rows,
    insert_rows,
    load_history,
)
from pmdesk.storage.schema import action_history, actions, postmortems


@dataclass(frozen=True, slots=True)
class PlacedAction:
    position: int
    action: ActionItem


# --- actions ----------------------------------------------------------------------------------


def max_action_position(conn: Connection, postmortem_id: str) -> int:
    query = select(func.max(actions.c.position)).where(actions.c.postmortem_id == postmortem_id)
    found = conn.execute(query).scalar_one()
    return -1 if found is None else int(found)


def owners(conn: Connection) -> list[str]:
    """Every owner named on an action anywhere in the library, most used first."""
    uses = func.count()
    query = (
        select(actions.c.owner)
        .where(actions.c.owner.is_not(None))
        .group_by(actions.c.owner)
        .order_by(uses.desc(), actions.c.owner)
    )
    return [str(owner) for owner in conn.execute(query).scalars()]


def load_actions(conn: Connection, postmortem_id: str, ids: Collection[str]) -> list[PlacedAction]:
    query = (
        select(actions)
        .where(actions.c.postmortem_id == postmortem_id, actions.c.id.in_(list(ids)))
        .order_by(actions.c.position, actions.c.id)
    )
    placed = [PlacedAction(r.position, action_from_row(r)) for r in conn.execute(query)]
    load_history(conn, [p.action for p in placed])
    return placed


def insert_actions(conn: Connection, postmortem_id: str, placed: Sequence[PlacedAction]) -> None:
    insert_rows(conn, actions, [action_row(p.position, p.action) for p in placed], postmortem_id)
    insert_rows(conn, action_history, history_rows([p.action for p in placed]))


def update_action(conn: Connection, action: ActionItem, stored: ActionItem) -> None:
    """Rewrite an action's fields, raising its version by one, and make its history that of
    `action`; its place in the list stays. `stored` is the action as the library holds it: only
    the history entries after those the two share are written (a change adds one or two, an undo
    takes them away again), so most edits leave the rest of the history alone.
    """
    row = action_row(0, action)
    del row["id"], row["position"], row["version"]
    conn.execute(
        update(actions)
        .where(actions.c.id == action.id)
        .values(**row, version=actions.c.version + 1)
    )
    shared = 0
    for old, new in zip(stored.history, action.history, strict=False):
        if old != new:
            break
        shared += 1
    if shared < len(stored.history):
        h = action_history
        conn.execute(delete(h).where(h.c.action_id == action.id, h.c.position >= shared))
    added = history_rows([action])[shared:]
    insert_rows(conn, action_history, added)


def delete_actions(conn: Connection, postmortem_id: str, ids: Collection[str]) -> None:
    conn.execute(
        delete(actions).where(actions.c.postmortem_id == postmortem_id, actions.c.id.in_(list(ids)))
    )


def active_actions(conn: Connection) -> list[tuple[str, str, ActionItem]]:
    """Every open or in-progress action in the library, with its postmortem's id and title, in
    each postmortem's list order.
    """
    active = [status.value for status in ActionStatus if status.is_active]
    query = (
        select(actions, postmortems.c.title.label("postmortem_title"))
        .join(postmortems, postmortems.c.id == actions.c.postmortem_id)
        .where(actions.c.status.in_(active))
        .order_by(postmortems.c.title, actions.c.postmortem_id, actions.c.position)
    )
    return [(r.postmortem_id, r.postmortem_title, action_from_row(r)) for r in conn.execute(query)]
