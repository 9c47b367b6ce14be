"""Adding, changing, deleting and restoring lessons, which keep their places in the list."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import pytest

from pmdesk.domain.model import Lesson, LessonKind, Postmortem
from pmdesk.domain.validation import ValidationError
from pmdesk.services import lessons, postmortems
from pmdesk.services.changes import Entity
from pmdesk.storage import edits
from pmdesk.storage.library import Library
from tests.services.conftest import DiskPulledOutError, every_row, fail_after, reload


@pytest.fixture
def four(library: Library, stored: Postmortem) -> Postmortem:
    """The rich example with four lessons, to delete any choice of them."""
    for i in range(4 - len(stored.lessons)):
        lessons.add_lesson(library, stored.id, Lesson(LessonKind.WENT_WELL, f"extra {i}"))
    with_four = reload(library, stored.id)
    assert len(with_four.lessons) == 4
    return with_four


@pytest.mark.parametrize(("position", "index"), [(0, 0), (1, 1), (None, 4), (99, 4), (-5, 0)])
def test_a_lesson_is_added_at_its_place_and_undone_by_deleting_it(
    library: Library, four: Postmortem, position: int | None, index: int
) -> None:
    new = Lesson(LessonKind.LUCKY, "The spare disk was there")
    changes = lessons.add_lesson(library, four.id, new, position)
    assert changes.entity is Entity.LESSON
    assert changes.added == frozenset({new.id}) and changes.postmortem_ids == frozenset({four.id})
    after = reload(library, four.id).lessons
    assert after.index(new) == index
    assert [x for x in after if x != new] == four.lessons

    lessons.delete_lessons(library, four.id, [new.id])
    assert reload(library, four.id) == four


@pytest.mark.parametrize(
    "chosen", [c for n in range(1, 5) for c in combinations(range(4), n)], ids=str
)
def test_any_deleted_lessons_come_back_in_their_places(
    library: Library, four: Postmortem, chosen: tuple[int, ...]
) -> None:
    ids = [four.lessons[i].id for i in chosen]
    deleted, changes = lessons.delete_lessons(library, four.id, ids)
    assert changes.removed == frozenset(ids)
    assert reload(library, four.id).lessons == [
        x for i, x in enumerate(four.lessons) if i not in chosen
    ]
    changes = lessons.restore_lessons(library, four.id, deleted)
    assert changes.added == frozenset(ids)
    assert reload(library, four.id) == four
    # Positions are 0, 1, 2, … again, so a later insert lands where it is asked to.
    new = Lesson(LessonKind.WENT_WRONG, "after")
    lessons.add_lesson(library, four.id, new, 2)
    assert reload(library, four.id).lessons[2] == new


def test_a_lesson_is_changed_and_changed_back(library: Library, stored: Postmortem) -> None:
    target = stored.lessons[0]
    old, changes = lessons.update_lesson(
        library, stored.id, replace(target, kind=LessonKind.WENT_WELL, text="Rewritten")
    )
    assert old == target and changes.updated == frozenset({target.id})
    assert reload(library, stored.id).lessons[0] == Lesson(
        LessonKind.WENT_WELL, "Rewritten", target.id
    )
    lessons.update_lesson(library, stored.id, replace(old, version=old.version + 1))
    assert reload(library, stored.id) == stored
    assert reload(library, stored.id).lessons[0].version == target.version + 2


def test_blank_lessons_are_refused(library: Library, stored: Postmortem) -> None:
    before = every_row(library)
    blank = Lesson(LessonKind.LUCKY, " ")
    with pytest.raises(ValidationError, match="no text") as caught:
        lessons.add_lesson(library, stored.id, blank)
    assert (caught.value.field, caught.value.item_id) == ("text", blank.id)
    with pytest.raises(ValidationError, match="no text"):
        lessons.update_lesson(library, stored.id, replace(stored.lessons[0], text=""))
    assert every_row(library) == before


def test_lessons_that_are_gone_are_named(library: Library, stored: Postmortem) -> None:
    ghost = Lesson(LessonKind.LUCKY, "ghost")
    with pytest.raises(postmortems.NotFoundError, match=ghost.id):
        lessons.update_lesson(library, stored.id, ghost)
    with pytest.raises(postmortems.NotFoundError, match=ghost.id):
        lessons.delete_lessons(library, stored.id, [stored.lessons[0].id, ghost.id])
    assert reload(library, stored.id) == stored


def test_a_delete_that_fails_part_way_writes_nothing(
    library: Library, four: Postmortem, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = every_row(library)
    fail_after(monkeypatch, edits, "delete_lessons")
    with pytest.raises(DiskPulledOutError):
        lessons.delete_lessons(library, four.id, [four.lessons[1].id])
    assert every_row(library) == before
