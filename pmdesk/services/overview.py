"""Edits of a postmortem's overview: its own fields and its lists of metrics, people and tags.

Each function returns the old values, which are exactly what the same function needs to undo it.
A list is replaced whole: the editor shows it as one table, and one replacement is one undo step
however many rows changed.

The fields and the lists share the postmortem's version: each function takes the version the
edit was made on (StaleError if the library holds another) and raises it by one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import Connection

from pmdesk.domain import validation
from pmdesk.domain.model import ImpactMetric, Participant, Postmortem
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import changes, editing, require_current
from pmdesk.storage import edits, repository
from pmdesk.storage.library import Library

T = TypeVar("T")


def update_fields(
    library: Library, postmortem_id: str, values: Mapping[str, object], version: int
) -> tuple[dict[str, object], Changes]:
    """Set some of title, kind, severity, status, timezone, summary and impact_summary.

    Enum fields take the enum member or its string value; severity also takes None. Returns the
    old values of the named fields (as domain values) for the undo, which calls this again.
    """
    checked: dict[str, Any] = {
        name: validation.check_postmortem_field(name, value) for name, value in values.items()
    }
    with editing(library, postmortem_id) as conn:
        before = edits.load_header(conn, postmortem_id)
        assert before is not None  # `editing` has just found it, in this transaction
        _require_version(before, version)
        edits.update_header(conn, replace(before, **checked), checked.keys())
    old = {name: getattr(before, name) for name in checked}
    return old, changes(Entity.POSTMORTEM, postmortem_id, updated=[postmortem_id])


def set_metrics(
    library: Library, postmortem_id: str, metrics: Sequence[ImpactMetric], version: int
) -> tuple[list[ImpactMetric], Changes]:
    """Replace the impact metrics; values stay exactly the int or float given."""
    validation.check_metrics(metrics)
    return _replace_list(
        library, postmortem_id, metrics, version, repository.load_metrics, edits.replace_metrics
    )


def set_participants(
    library: Library, postmortem_id: str, people: Sequence[Participant], version: int
) -> tuple[list[Participant], Changes]:
    return _replace_list(
        library,
        postmortem_id,
        people,
        version,
        repository.load_participants,
        edits.replace_participants,
    )


def set_tags(
    library: Library, postmortem_id: str, tags: Sequence[str], version: int
) -> tuple[list[str], Changes]:
    """Replace the tags; two that differ only in case are refused."""
    validation.check_tags(tags)
    return _replace_list(
        library, postmortem_id, tags, version, repository.load_tags, edits.replace_tags
    )


def _replace_list(
    library: Library,
    postmortem_id: str,
    new: Sequence[T],
    version: int,
    load: Callable[[Connection, str], list[T]],
    store: Callable[[Connection, str, Sequence[T]], None],
) -> tuple[list[T], Changes]:
    with editing(library, postmortem_id) as conn:
        header = edits.load_header(conn, postmortem_id)
        assert header is not None  # `editing` has just found it, in this transaction
        _require_version(header, version)
        old = load(conn, postmortem_id)
        store(conn, postmortem_id, new)
        edits.update_header(conn, header, ())  # no field changes, but the version goes up
    return old, changes(Entity.POSTMORTEM, postmortem_id, updated=[postmortem_id])


def _require_version(stored: Postmortem, version: int) -> None:
    """StaleError unless the edit was made on the version of the postmortem that is stored."""
    edited = _Edited(stored.id, version)
    require_current("postmortem", [edited], [stored], {stored.id: stored.title})


@dataclass(frozen=True, slots=True)
class _Edited:
    """The postmortem as far as a version check needs it: which one, and on what version."""

    id: str
    version: int
