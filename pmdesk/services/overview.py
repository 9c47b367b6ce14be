"""Edits of a postmortem's overview: its own fields and its lists of metrics, people and tags.

Each function returns the old values, which are exactly what the same function needs to undo it.
A list is replaced whole: the editor shows it as one table, and one replacement is one undo step
however many rows changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import Connection

from pmdesk.domain import validation
from pmdesk.domain.model import ImpactMetric, Participant
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import changes, editing
from pmdesk.storage import edits, repository
from pmdesk.storage.library import Library

T = TypeVar("T")


def update_fields(
    library: Library, postmortem_id: str, values: Mapping[str, object]
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
        edits.update_header(conn, replace(before, **checked), checked.keys())
    old = {name: getattr(before, name) for name in checked}
    return old, changes(Entity.POSTMORTEM, postmortem_id, updated=[postmortem_id])


def set_metrics(
    library: Library, postmortem_id: str, metrics: Sequence[ImpactMetric]
) -> tuple[list[ImpactMetric], Changes]:
    """Replace the impact metrics; values stay exactly the int or float given."""
    validation.check_metrics(metrics)
    return _replace_list(
        library, postmortem_id, metrics, repository.load_metrics, edits.replace_metrics
    )


def set_participants(
    library: Library, postmortem_id: str, people: Sequence[Participant]
) -> tuple[list[Participant], Changes]:
    return _replace_list(
        library, postmortem_id, people, repository.load_participants, edits.replace_participants
    )


def set_tags(
    library: Library, postmortem_id: str, tags: Sequence[str]
) -> tuple[list[str], Changes]:
    """Replace the tags; two that differ only in case are refused."""
    validation.check_tags(tags)
    return _replace_list(library, postmortem_id, tags, repository.load_tags, edits.replace_tags)


def _replace_list(
    library: Library,
    postmortem_id: str,
    new: Sequence[T],
    load: Callable[[Connection, str], list[T]],
    store: Callable[[Connection, str, Sequence[T]], None],
) -> tuple[list[T], Changes]:
    with editing(library, postmortem_id) as conn:
        old = load(conn, postmortem_id)
        store(conn, postmortem_id, new)
    return old, changes(Entity.POSTMORTEM, postmortem_id, updated=[postmortem_id])
