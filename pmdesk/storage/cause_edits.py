"""Edits of a stored cause tree, as plain functions on a Connection.

A cause's `position` orders it among its siblings (and keeps an imported file's list order); only
the order matters, so gaps are harmless. A structural edit therefore never renumbers the whole
tree: an insert shifts what follows by one, a removal leaves a gap, and undoing a move writes
back the `Shape` it recorded. Like the repository, every function runs in the caller's
transaction and never commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, select, update

from pmdesk.domain.model import Cause
from pmdesk.storage.batch import execute_rows
from pmdesk.storage.edits import EvidenceLink, insert_evidence
from pmdesk.storage.repository import (
    insert_rows,
)
from pmdesk.storage.schema import (
    actions,
    cause_evidence,
    causes,
    timeline_events,
)
from pmdesk.storage.themes import insert_cause_themes, replace_cause_themes, themes_of


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one cause hangs: its parent, and its position in the postmortem's list."""

    cause_id: str
    parent_id: str | None
    position: int


# Every cause's placement: what a move changes, and what its undo writes back.
Shape = tuple[Placement, ...]


@dataclass(frozen=True, slots=True)
class PlacedCause:
    position: int
    cause: Cause


# --- refs -------------------------------------------------------------------------------------


def taken_refs(conn: Connection, postmortem_id: str) -> set[str]:
    """The short refs ("c3", "a1") that the postmortem's causes and actions already use."""
    cause_refs = select(causes.c.ref).where(causes.c.postmortem_id == postmortem_id)
    action_refs = select(actions.c.ref).where(actions.c.postmortem_id == postmortem_id)
    return set(conn.execute(cause_refs).scalars()) | set(conn.execute(action_refs).scalars())


def next_ref(taken: Collection[str], prefix: str) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


# --- the shape of the tree --------------------------------------------------------------------


def load_shape(conn: Connection, postmortem_id: str) -> Shape:
    """Every cause's parent and position, in list order."""
    c = causes
    query = (
        select(c.c.id, c.c.parent_id, c.c.position)
        .where(c.c.postmortem_id == postmortem_id)
        .order_by(c.c.position, c.c.id)
    )
    return tuple(Placement(r.id, r.parent_id, r.position) for r in conn.execute(query))


def write_shape(conn: Connection, current: Shape, wanted: Shape) -> None:
    """Give the causes the placements of `wanted`, writing only the rows that differ."""
    now = {p.cause_id: p for p in current}
    rows = [
        {"cause_id": p.cause_id, "parent_id": p.parent_id, "position": p.position}
        for p in wanted
        if now.get(p.cause_id) != p
    ]
    execute_rows(
        conn,
        update(causes)
        .where(causes.c.id == bindparam("cause_id"))
        .values(parent_id=bindparam("parent_id"), position=bindparam("position")),
        rows,
    )


def make_room(
    conn: Connection, postmortem_id: str, shape: Shape, parent_id: str | None, index: int | None
) -> int:
    """The position for a cause that becomes child number `index` of `parent_id` (None or past
    the end: the last child), moving the causes from there on one place down.

    `shape` is the tree without the cause being placed.
    """
    siblings = sorted((p for p in shape if p.parent_id == parent_id), key=lambda p: p.position)
    if index is None or index >= len(siblings):
        return max((p.position for p in shape), default=-1) + 1
    at = siblings[max(0, index)].position
    conn.execute(
        update(causes)
        .where(causes.c.postmortem_id == postmortem_id, causes.c.position >= at)
        .values(position=causes.c.position + 1)
    )
    return at


# --- causes -----------------------------------------------------------------------------------


def load_causes(conn: Connection, postmortem_id: str, ids: Collection[str]) -> list[PlacedCause]:
    """Those of the given causes that belong to the postmortem, with their evidence and themes."""
    query = (
        select(causes)
        .where(causes.c.postmortem_id == postmortem_id, causes.c.id.in_(list(ids)))
        .order_by(causes.c.position, causes.c.id)
    )
    rows = conn.execute(query).all()
    evidence: defaultdict[str, list[str]] = defaultdict(list)
    for link in evidence_of(conn, [r.id for r in rows]):
        evidence[link.cause_id].append(link.event_id)
    named = themes_of(conn, [r.id for r in rows])
    return [
        PlacedCause(
            r.position,
            Cause(
                r.ref,
                r.text,
                r.parent_id,
                bool(r.systemic),
                evidence[r.id],
                list(named.get(r.id, [])),
                id=r.id,
                version=r.version,
            ),
        )
        for r in rows
    ]


def insert_causes(conn: Connection, postmortem_id: str, placed: Sequence[PlacedCause]) -> None:
    """Insert causes with their evidence and themes. A parent among them must come before its
    children."""
    rows = [
        {
            "id": p.cause.id,
            "ref": p.cause.ref,
            "parent_id": p.cause.parent_id,
            "position": p.position,
            "text": p.cause.text,
            "systemic": p.cause.systemic,
            "version": p.cause.version,
        }
        for p in placed
    ]
    insert_rows(conn, causes, rows, postmortem_id)
    links = [
        EvidenceLink(p.cause.id, event_id, i)
        for p in placed
        for i, event_id in enumerate(p.cause.evidence)
    ]
    insert_evidence(conn, links)
    insert_cause_themes(conn, [p.cause for p in placed])


def update_cause(conn: Connection, cause: Cause) -> None:
    """Rewrite a cause's text, systemic mark, evidence and themes, raising its version by one; its
    place in the tree stays (a move is no change of content, and leaves the version as it is).
    Every one of them is written as `cause` has it: an edit of one field passes the others on
    as loaded, so that none is lost."""
    conn.execute(
        update(causes)
        .where(causes.c.id == cause.id)
        .values(text=cause.text, systemic=cause.systemic, version=causes.c.version + 1)
    )
    conn.execute(delete(cause_evidence).where(cause_evidence.c.cause_id == cause.id))
    insert_evidence(conn, [EvidenceLink(cause.id, e, i) for i, e in enumerate(cause.evidence)])
    replace_cause_themes(conn, cause)


def delete_causes(conn: Connection, postmortem_id: str, ids: Collection[str]) -> None:
    """Delete causes (their evidence goes by cascade; actions keep existing, unlinked)."""
    conn.execute(
        delete(causes).where(causes.c.postmortem_id == postmortem_id, causes.c.id.in_(list(ids)))
    )


def evidence_of(conn: Connection, cause_ids: Collection[str]) -> list[EvidenceLink]:
    ev = cause_evidence
    query = (
        select(ev.c.cause_id, ev.c.event_id, ev.c.position)
        .where(ev.c.cause_id.in_(list(cause_ids)))
        .order_by(ev.c.cause_id, ev.c.position)
    )
    return [EvidenceLink(r.cause_id, r.event_id, r.position) for r in conn.execute(query)]


def events_exist(conn: Connection, postmortem_id: str, ids: Collection[str]) -> set[str]:
    """Those of the given event ids that are events of this postmortem."""
    e = timeline_events
    query = select(e.c.id).where(e.c.postmortem_id == postmortem_id, e.c.id.in_(list(ids)))
    return set(conn.execute(query).scalars())


# --- the actions that address causes ---------------------------------------------------------


def action_links(conn: Connection, cause_ids: Collection[str]) -> dict[str, str]:
    """Action id → cause id, for the actions that address one of these causes."""
    query = select(actions.c.id, actions.c.cause_id).where(actions.c.cause_id.in_(list(cause_ids)))
    return {r.id: r.cause_id for r in conn.execute(query)}


def link_actions(conn: Connection, links: dict[str, str | None]) -> None:
    """Point each action (by id) at a cause, or at none."""
    execute_rows(
        conn,
        update(actions)
        .where(actions.c.id == bindparam("action_id"))
        .values(cause_id=bindparam("cause_id")),
        [{"action_id": a, "cause_id": c} for a, c in links.items()],
    )
