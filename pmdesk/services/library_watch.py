"""Seeing what others changed: every postmortem's last change, compared between two looks.

Each edit marks its postmortem's `updated_at` in the same transaction (services/editing.py), so
two looks at the (id, updated_at) pairs tell which postmortems came, went or changed in between,
whoever changed them: another window, another process, a teammate on the same server. The whole
list is compared, not only the latest time, so a teammate whose clock runs behind is seen too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import select

from pmdesk.services.changes import Changes, Entity
from pmdesk.storage.library import Library
from pmdesk.storage.schema import postmortems

Stamps = Mapping[str, datetime]


def stamps(library: Library, ids: Collection[str] | None = None) -> dict[str, datetime]:
    """When each postmortem (or each of `ids`) last changed, by id: one small query."""
    query = select(postmortems.c.id, postmortems.c.updated_at)
    if ids is not None:
        query = query.where(postmortems.c.id.in_(list(ids)))
    with library.connect() as conn:
        return {row.id: row.updated_at for row in conn.execute(query)}


def difference(before: Stamps, after: Stamps) -> Changes | None:
    """What changed between two looks, as one Changes value; None if nothing did."""
    added = after.keys() - before.keys()
    removed = before.keys() - after.keys()
    updated = {pid for pid in after.keys() & before.keys() if after[pid] != before[pid]}
    if not (added or removed or updated):
        return None
    return Changes(
        Entity.POSTMORTEM,
        added=frozenset(added),
        updated=frozenset(updated),
        removed=frozenset(removed),
        postmortem_ids=frozenset(added | removed | updated),
    )
