"""What every edit inside a postmortem shares: one transaction that first marks the postmortem as
changed, and the `Changes` value that names what the edit touched.

Marking it first also proves it is still there: an edit of a postmortem that another window has
deleted raises NotFoundError and writes nothing.

Two people may edit the same postmortem at once (a team library on a server, or two windows).
Each stored item carries a version, and an edit names the version it was made on (the `version`
of the value it passes). The transaction holds the library's write lock from its first
statement, so comparing that with the stored version and then writing is one step: an edit made
on an older version raises StaleError and writes nothing, and no change is silently lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

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


class Versioned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


class StaleError(Exception):
    """An edit made on an older version of an item than the library holds: someone else has
    changed it since it was read. Nothing was written.

    `item` names it for people ("the action “Add a latency alert”"); `current` maps the id of
    each stale item to the version the library holds now, which an edit made again on what is
    stored now must name.
    """

    def __init__(self, item: str, current: Mapping[str, int]) -> None:
        self.item = item
        self.current = dict(current)
        super().__init__(
            f"Someone else changed {item} after you read it, so your change was not saved. "
            "Read it again to see what it holds now, then make your change on that."
        )


def require_current(
    kind: str, edited: Iterable[Versioned], stored: Iterable[Versioned], name: Mapping[str, str]
) -> None:
    """Raise StaleError unless each edited item names the version the library holds of it.

    `stored` are the items as read in the edit's own transaction; `name` maps ids to what people
    call them (a title, the start of a text), to say which one went stale.
    """
    now = {item.id: item.version for item in stored}
    stale = [item.id for item in edited if now.get(item.id, item.version) != item.version]
    if stale:
        raise StaleError(
            describe(kind, [name.get(i, i) for i in stale]), {i: now[i] for i in stale}
        )


def require_seen(
    kind: str, seen: Mapping[str, int] | None, stored: Iterable[Versioned], name: Mapping[str, str]
) -> None:
    """For a delete: raise StaleError unless each stored item about to go is one the deleter saw,
    at the version they saw (`seen` maps ids to versions). One that someone else changed, or added
    since (a cause below the one deleted), would otherwise be lost unseen. None checks nothing,
    for a caller that shows no one the items (the window always names what it showed).
    """
    if seen is None:
        return
    stale = [item for item in stored if seen.get(item.id) != item.version]
    if stale:
        raise StaleError(
            describe(kind, [name.get(i.id, i.id) for i in stale]), {i.id: i.version for i in stale}
        )


def describe(kind: str, names: list[str]) -> str:
    """ "the action “X”", or "2 events (“X”, “Y”)"."""
    if len(names) == 1:
        return f"the {kind} “{short(names[0])}”"
    return f"{len(names)} {kind}s ({', '.join(f'“{short(n)}”' for n in names)})"


def short(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


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
