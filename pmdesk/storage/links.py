"""Recurrence links between postmortems, as plain functions on a Connection.

A link says that one incident (`postmortem_id`) is a recurrence of an earlier one (`earlier_id`).
A removed link is handed back whole, its note and creation time included, so that putting it back
restores exactly what was there. Like the repository, every function runs in the caller's
transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, select

from pmdesk.storage.repository import first_trigger_id_of_postmortem, insert_rows
from pmdesk.storage.schema import postmortems, recurrences, timeline_events
from pmdesk.storage.values import join_time


@dataclass(frozen=True, slots=True)
class RecurrenceLink:
    """One stored link: the incident `postmortem_id` is a recurrence of `earlier_id`."""

    postmortem_id: str
    earlier_id: str
    note: str
    created_at: datetime  # timezone-aware, UTC


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A link as one of its two postmortems sees it: the other one, its title and start."""

    link: RecurrenceLink
    other_id: str
    title: str
    started: datetime | None  # the other one's first trigger, in the offset it was written with

    @property
    def earlier(self) -> bool:
        """The other incident is the earlier one, which this one repeats."""
        return self.other_id == self.link.earlier_id


def find_link(conn: Connection, one_id: str, other_id: str) -> RecurrenceLink | None:
    """The link between two postmortems in either direction, or None."""
    r = recurrences
    query = select(r).where(
        or_(
            and_(r.c.postmortem_id == one_id, r.c.earlier_id == other_id),
            and_(r.c.postmortem_id == other_id, r.c.earlier_id == one_id),
        )
    )
    row = conn.execute(query).first()
    return _link_from_row(row) if row is not None else None


def insert_link(conn: Connection, link: RecurrenceLink) -> None:
    insert_rows(conn, recurrences, [_link_row(link)])


def delete_link(conn: Connection, postmortem_id: str, earlier_id: str) -> RecurrenceLink | None:
    """Remove the link that makes `postmortem_id` a recurrence of `earlier_id`; the link that was
    removed, or None if there was none."""
    r = recurrences
    where = and_(r.c.postmortem_id == postmortem_id, r.c.earlier_id == earlier_id)
    row = conn.execute(select(r).where(where)).first()
    if row is None:
        return None
    conn.execute(delete(r).where(where))
    return _link_from_row(row)


def links_of(conn: Connection, postmortem_id: str) -> list[RecurrenceLink]:
    """Every link the postmortem takes part in, either side: what deleting it removes."""
    r = recurrences
    query = (
        select(r)
        .where(or_(r.c.postmortem_id == postmortem_id, r.c.earlier_id == postmortem_id))
        .order_by(r.c.postmortem_id, r.c.earlier_id)
    )
    return [_link_from_row(row) for row in conn.execute(query)]


def restore_links(conn: Connection, links: Iterable[RecurrenceLink]) -> list[RecurrenceLink]:
    """Put back links taken away with a deleted postmortem, once it is stored again; the ones
    put back.

    A link whose other postmortem has been deleted since (in another window) is left out: there
    is nothing for it to point to. One that is there already is left as it is.
    """
    wanted = list(links)
    ids = {pid for link in wanted for pid in (link.postmortem_id, link.earlier_id)}
    present = existing_ids(conn, ids)
    restored = [
        link
        for link in wanted
        if {link.postmortem_id, link.earlier_id} <= present
        and find_link(conn, link.postmortem_id, link.earlier_id) is None
    ]
    insert_rows(conn, recurrences, [_link_row(link) for link in restored])
    return restored


def existing_ids(conn: Connection, ids: Collection[str]) -> set[str]:
    """Which of these postmortem ids the library holds."""
    if not ids:
        return set()
    query = select(postmortems.c.id).where(postmortems.c.id.in_(list(ids)))
    return set(conn.scalars(query))


def titles_of(conn: Connection, ids: Collection[str]) -> dict[str, str]:
    """The titles of these postmortems, for messages; ids the library does not hold are left out."""
    if not ids:
        return {}
    query = select(postmortems.c.id, postmortems.c.title).where(postmortems.c.id.in_(list(ids)))
    return {row.id: row.title for row in conn.execute(query)}


def recurrences_of(conn: Connection, postmortem_id: str) -> list[Recurrence]:
    """Both directions in two queries: first the earlier incidents this one repeats, then the
    later ones that repeat it, each group in the order they started (unknown starts last)."""
    r = recurrences
    trigger = timeline_events.alias("first_trigger")
    found: list[Recurrence] = []
    for earlier in (True, False):
        mine, theirs = (r.c.postmortem_id, r.c.earlier_id)
        if not earlier:
            mine, theirs = theirs, mine
        query = (
            select(r, postmortems.c.title, trigger.c.at_utc, trigger.c.utc_offset)
            .select_from(
                r.join(postmortems, postmortems.c.id == theirs).outerjoin(
                    trigger, trigger.c.id == first_trigger_id_of_postmortem()
                )
            )
            .where(mine == postmortem_id)
            .order_by(trigger.c.at_utc.nulls_last(), postmortems.c.title, postmortems.c.id)
        )
        for row in conn.execute(query):
            link = _link_from_row(row)
            other = link.earlier_id if earlier else link.postmortem_id
            started = join_time(row.at_utc, row.utc_offset) if row.at_utc is not None else None
            found.append(Recurrence(link, other, row.title, started))
    return found


def started_dates(conn: Connection, ids: Collection[str]) -> dict[str, datetime | None]:
    """When each of these postmortems started (its first trigger), None for one without; ids the
    library does not hold are left out."""
    if not ids:
        return {}
    trigger = timeline_events.alias("first_trigger")
    query = (
        select(postmortems.c.id, trigger.c.at_utc, trigger.c.utc_offset)
        .select_from(
            postmortems.outerjoin(trigger, trigger.c.id == first_trigger_id_of_postmortem())
        )
        .where(postmortems.c.id.in_(list(ids)))
    )
    return {
        row.id: join_time(row.at_utc, row.utc_offset) if row.at_utc is not None else None
        for row in conn.execute(query)
    }


def _link_row(link: RecurrenceLink) -> dict[str, Any]:
    return {
        "postmortem_id": link.postmortem_id,
        "earlier_id": link.earlier_id,
        "note": link.note,
        # Naive UTC, like every DateTime column (see schema.py).
        "created_at": link.created_at.astimezone(UTC).replace(tzinfo=None),
    }


def _link_from_row(row: Any) -> RecurrenceLink:
    return RecurrenceLink(
        postmortem_id=row.postmortem_id,
        earlier_id=row.earlier_id,
        note=row.note,
        created_at=row.created_at.replace(tzinfo=UTC),
    )
