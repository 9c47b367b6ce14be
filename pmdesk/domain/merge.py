"""Applying one person's change again on top of another's.

When an edit is refused because someone else changed the item first, the user's change is not
thrown away: the fields they changed (from what they saw to what they typed) are laid over what
is stored now, and every field they left alone keeps the other person's value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any, TypeVar

T = TypeVar("T")


def changed_fields(before: Any, mine: Any) -> dict[str, Any]:
    """The fields (of two dataclass values) whose values differ; versions never count."""
    return {
        f.name: getattr(mine, f.name)
        for f in fields(mine)
        if f.compare and getattr(mine, f.name) != getattr(before, f.name)
    }


def merged(before: Sequence[T], mine: Sequence[T], theirs: Mapping[str, T]) -> list[T] | None:
    """Each of `mine` as `theirs` (by id) with the fields the user changed from `before`, and
    theirs's version, so that the edit is made on what is stored now; None if one is gone."""
    result = []
    for old, new in zip(before, mine, strict=True):
        current = theirs.get(getattr(new, "id"))  # noqa: B009 (T is any item with an id)
        if current is None:
            return None
        result.append(replace(current, **changed_fields(old, new)))  # type: ignore[type-var]
    return result
