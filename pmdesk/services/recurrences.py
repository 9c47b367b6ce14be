"""Recurrence links: recording that an incident is a recurrence of an earlier one, and reading
them back from either side.

Each edit is one transaction. It marks both postmortems as changed, since each shows the link,
and that also proves both are still there. The `Changes` it returns names both postmortems as
updated, never as removed: a link coming or going removes no postmortem. To undo `link`, call
`unlink`. `unlink` hands back the removed link, and `restore` puts it back exactly as it was,
note and creation time included.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection

from pmdesk.domain import validation
from pmdesk.domain.validation import ValidationError
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import gone
from pmdesk.services.postmortems import NotFoundError
from pmdesk.storage import edits, links, repository
from pmdesk.storage.library import Library
from pmdesk.storage.links import Recurrence as Recurrence
from pmdesk.storage.links import RecurrenceLink as RecurrenceLink

# (title, started date as YYYY-MM-DD or ""): what a report prints for one linked incident.
ReportLine = tuple[str, str]


def link(library: Library, postmortem_id: str, earlier_id: str, note: str = "") -> Changes:
    """Record that the incident `postmortem_id` is a recurrence of `earlier_id`.

    Refuses (ValidationError) a link of a postmortem to itself and a second link between the same
    two, whichever way round; NotFoundError if either postmortem is gone.
    """
    note = validation.check_text("note", note, "The note")
    return _add(library, RecurrenceLink(postmortem_id, earlier_id, note, datetime.now(UTC)))


def unlink(library: Library, postmortem_id: str, earlier_id: str) -> tuple[RecurrenceLink, Changes]:
    """Remove the link; returns it whole for `restore`."""
    with library.transaction() as conn:
        removed = links.delete_link(conn, postmortem_id, earlier_id)
        if removed is None:
            raise NotFoundError(
                "That recurrence link is no longer in this library (it may have been removed in "
                "another window). Reopen the postmortem to see its links now."
            )
        _touch(conn, postmortem_id, earlier_id)
    return removed, _changes(postmortem_id, earlier_id)


def restore(library: Library, removed: RecurrenceLink) -> Changes:
    """Put back a link that `unlink` removed, with its note and creation time."""
    return _add(library, removed)


def recurrences_of(library: Library, postmortem_id: str) -> list[Recurrence]:
    """The earlier incidents this one repeats, then the later ones that repeat it."""
    with library.connect() as conn:
        if not repository.postmortem_exists(conn, postmortem_id):
            raise gone(postmortem_id)
        return links.recurrences_of(conn, postmortem_id)


def started_dates(library: Library, ids: Collection[str]) -> dict[str, datetime | None]:
    """When each of these postmortems started (its first trigger); ids no longer there are left
    out."""
    with library.connect() as conn:
        return links.started_dates(conn, ids)


def report_lines(
    found: Sequence[Recurrence],
) -> tuple[tuple[ReportLine, ...], tuple[ReportLine, ...]]:
    """What `build_contents` takes as `recurrences` (the earlier incidents this one repeats) and
    `recurred_as` (the later ones that repeat it)."""
    earlier = tuple((r.title, started_text(r.started)) for r in found if r.earlier)
    later = tuple((r.title, started_text(r.started)) for r in found if not r.earlier)
    return earlier, later


def started_text(started: datetime | None) -> str:
    """The day an incident started, in the offset it was written with; "" if not known."""
    return started.strftime("%Y-%m-%d") if started is not None else ""


def _add(library: Library, new: RecurrenceLink) -> Changes:
    if new.postmortem_id == new.earlier_id:
        raise ValidationError(
            "earlier_id",
            "An incident cannot be a recurrence of itself. Choose the earlier incident it repeats.",
        )
    with library.transaction() as conn:
        _touch(conn, new.postmortem_id, new.earlier_id)
        existing = links.find_link(conn, new.postmortem_id, new.earlier_id)
        if existing is not None:
            raise _already_linked(conn, existing)
        links.insert_link(conn, new)
    return _changes(new.postmortem_id, new.earlier_id)


def _touch(conn: Connection, *postmortem_ids: str) -> None:
    for postmortem_id in postmortem_ids:
        if not edits.touch(conn, postmortem_id):
            raise gone(postmortem_id)


def _already_linked(conn: Connection, existing: RecurrenceLink) -> ValidationError:
    titles = links.titles_of(conn, [existing.postmortem_id, existing.earlier_id])
    later, earlier = titles[existing.postmortem_id], titles[existing.earlier_id]
    return ValidationError(
        "earlier_id",
        f"“{later}” is already marked as a recurrence of “{earlier}”. Two incidents are linked "
        "once; to turn the link round, remove it first.",
    )


def _changes(postmortem_id: str, earlier_id: str) -> Changes:
    both = frozenset({postmortem_id, earlier_id})
    return Changes(Entity.POSTMORTEM, updated=both, postmortem_ids=both)
