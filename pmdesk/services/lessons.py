"""Edits of a postmortem's lessons: add, change, delete and restore, each one undo step.

Lessons are an ordered list. A deleted lesson remembers its position, and restoring puts every
lesson back where it was, so the list after delete and undo is the list before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from pmdesk.domain import validation
from pmdesk.domain.model import Lesson
from pmdesk.services.changes import Changes, Entity
from pmdesk.services.editing import (
    changes,
    editing,
    require_all,
    require_current,
    require_seen,
)
from pmdesk.storage import edits
from pmdesk.storage.edits import PlacedLesson
from pmdesk.storage.library import Library


@dataclass(frozen=True, slots=True)
class DeletedLessons:
    """What `delete_lessons` took away, each lesson with the position it had."""

    lessons: tuple[PlacedLesson, ...]

    @property
    def ids(self) -> list[str]:
        return [placed.lesson.id for placed in self.lessons]


def add_lesson(
    library: Library, postmortem_id: str, lesson: Lesson, position: int | None = None
) -> Changes:
    """Insert a new lesson at `position` (0 is first; None or past the end appends).
    Undo is `delete_lessons` with its id; redo is this call again.
    """
    validation.check_lesson(lesson)
    with editing(library, postmortem_id) as conn:
        count = edits.count_lessons(conn, postmortem_id)
        at = count if position is None else max(0, min(position, count))
        edits.insert_lesson(conn, postmortem_id, PlacedLesson(at, lesson))
    return changes(Entity.LESSON, postmortem_id, added=[lesson.id])


def update_lesson(library: Library, postmortem_id: str, lesson: Lesson) -> tuple[Lesson, Changes]:
    """Give an existing lesson (found by id) this kind and text; returns the old one for undo.
    `lesson.version` is the version it was made on: StaleError if the library holds another."""
    validation.check_lesson(lesson)
    with editing(library, postmortem_id) as conn:
        old = edits.load_lessons(conn, postmortem_id, [lesson.id])
        require_all("lessons", [lesson.id], (placed.lesson.id for placed in old))
        stored = old[0].lesson
        require_current("lesson", [lesson], [stored], {stored.id: stored.text})
        edits.update_lesson(conn, postmortem_id, lesson)
    return old[0].lesson, changes(Entity.LESSON, postmortem_id, updated=[lesson.id])


def delete_lessons(
    library: Library,
    postmortem_id: str,
    ids: Collection[str],
    seen: Mapping[str, int] | None = None,
) -> tuple[DeletedLessons, Changes]:
    """`seen` maps each id to the version the deleter saw: StaleError if the library holds
    another."""
    with editing(library, postmortem_id) as conn:
        placed = edits.load_lessons(conn, postmortem_id, ids)
        require_all("lessons", ids, (p.lesson.id for p in placed))
        stored = [p.lesson for p in placed]
        require_seen("lesson", seen, stored, {lesson.id: lesson.text for lesson in stored})
        edits.delete_lessons(conn, postmortem_id, placed)
    deleted = DeletedLessons(tuple(placed))
    return deleted, changes(Entity.LESSON, postmortem_id, removed=deleted.ids)


def restore_lessons(library: Library, postmortem_id: str, deleted: DeletedLessons) -> Changes:
    """Put deleted lessons back at their positions: the inverse of `delete_lessons`.

    Lowest position first: each then lands where it was, since everything before it in the old
    list is back already.
    """
    with editing(library, postmortem_id) as conn:
        for placed in sorted(deleted.lessons, key=lambda p: p.position):
            edits.insert_lesson(conn, postmortem_id, placed)
    return changes(Entity.LESSON, postmortem_id, added=deleted.ids)
