"""Creating, deleting and restoring whole postmortems from the editor."""

from __future__ import annotations

import pytest

from pmdesk.domain.model import Postmortem, PostmortemKind, PostmortemStatus
from pmdesk.domain.validation import ValidationError
from pmdesk.services import library_edits, postmortems
from pmdesk.services.changes import Entity
from pmdesk.storage.library import Library
from tests.services.conftest import every_row, reload


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        (PostmortemKind.INCIDENT, "Untitled incident"),
        (PostmortemKind.NEAR_MISS, "Untitled near miss"),
    ],
)
def test_a_new_postmortem_is_an_empty_draft_named_for_its_kind(
    library: Library, kind: PostmortemKind, title: str
) -> None:
    created, changes = library_edits.create_postmortem(library, kind)
    assert reload(library, created.id) == created
    assert (created.title, created.kind, created.status) == (title, kind, PostmortemStatus.DRAFT)
    assert changes.entity is Entity.POSTMORTEM
    assert changes.added == changes.postmortem_ids == frozenset({created.id})


def test_a_new_postmortem_may_be_given_its_title(library: Library) -> None:
    created, _ = library_edits.create_postmortem(library, PostmortemKind.INCIDENT, "DNS outage")
    assert reload(library, created.id).title == "DNS outage"


def test_a_blank_title_is_refused_and_nothing_is_created(library: Library) -> None:
    with pytest.raises(ValidationError, match="title is empty") as caught:
        library_edits.create_postmortem(library, PostmortemKind.INCIDENT, "  \t")
    assert caught.value.field == "title"
    assert postmortems.list_postmortems(library) == []


def test_create_is_undone_by_delete_and_redone_with_the_same_id(library: Library) -> None:
    created, _ = library_edits.create_postmortem(library, PostmortemKind.NEAR_MISS)
    deleted, changes = library_edits.delete_postmortem(library, created.id)
    assert changes.removed == frozenset({created.id})
    assert postmortems.list_postmortems(library) == []
    library_edits.restore_postmortem(library, deleted)
    assert reload(library, created.id) == created


def test_delete_and_restore_give_back_the_whole_postmortem(
    library: Library, stored: Postmortem
) -> None:
    deleted, changes = library_edits.delete_postmortem(library, stored.id)
    assert deleted.postmortem == stored and deleted.recurrences == ()
    assert changes.entity is Entity.POSTMORTEM and changes.removed == frozenset({stored.id})
    left = every_row(library)
    left.pop("themes")  # the library's vocabulary, not the postmortem's
    assert all(rows == [] for rows in left.values())  # cascaded to every other table

    changes = library_edits.restore_postmortem(library, deleted)
    assert changes.added == changes.postmortem_ids == frozenset({stored.id})
    assert reload(library, stored.id) == stored


def test_deleting_a_postmortem_that_is_gone_says_so(library: Library) -> None:
    with pytest.raises(postmortems.NotFoundError, match="no longer in this library"):
        library_edits.delete_postmortem(library, "0" * 32)
