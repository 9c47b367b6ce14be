"""What every edit inside a postmortem shares: one transaction that first marks the postmortem as
changed, and the `Changes` value that names what the edit touched.

Marking it first also proves it is still there: an edit of a postmortem that another window has
deleted raises NotFoundError and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from pmdesk.services.changes import Changes, Entity
from pmdesk.services.postmortems import NotFoundError
from pmdesk.storage import edits
from pmdesk.storage.library import Library


@contextmanager
def editing(library: Library, postmortem_id: str) -> Iterator[Connection]:
    """One write transaction on an existing postmortem, its `updated_at` set to now."""
    with library.transaction() as conn:
        if not edits.touch(conn, postmortem_id):
            raise gone(postmortem_id)
        yield conn


def gone(postmortem_id: str) -> NotFoundError:
    return NotFoundError(
        f"The postmortem “{postmortem_id}” is no longer in this library (it may have been deleted "
        "in another window). Reopen the library to see what it holds now."
    )


def require_all(what: str, wanted: Iterable[str], found: Iterable[str]) -> None:
    """Raise NotFoundError naming the wanted ids that were not found: an undo step must act on
    exactly what it recorded, or on nothing.
    """
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise NotFoundError(
            f"{len(missing)} of the {what} {'is' if len(missing) == 1 else 'are'} no longer in "
            f"this postmortem ({', '.join(missing)}); it may have been changed in another window. "
            "Reopen the postmortem to see what it holds now."
        )


def changes(
    entity: Entity,
    postmortem_id: str,
    *,
    added: Iterable[str] = (),
    updated: Iterable[str] = (),
    removed: Iterable[str] = (),
) -> Changes:
    return Changes(
        entity,
        added=frozenset(added),
        updated=frozenset(updated),
        removed=frozenset(removed),
        postmortem_ids=frozenset({postmortem_id}),
    )
