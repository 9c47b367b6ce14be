"""Seeing what others changed: every postmortem's last change, compared between two looks.

Each edit marks its postmortem's `updated_at` in the same transaction (services/editing.py), so
two looks at the (id, updated_at) pairs tell which postmortems came, went or changed in between,
whoever changed them: another window, another process, a teammate on the same server. The whole
list is compared, not only the latest time, so a teammate whose clock runs behind is seen too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from pmdesk.services.changes import Changes, Entity
from pmdesk.storage.library import Library
from pmdesk.storage.schema import postmortems

Stamps = Mapping[str, datetime]


def stamps(library: Library) -> dict[str, datetime]:
    """When each postmortem last changed, by id: one small query, however big the library."""
    with library.connect() as conn:
        rows = conn.execute(select(postmortems.c.id, postmortems.c.updated_at))
        return {row.id: row.updated_at for row in rows}


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
