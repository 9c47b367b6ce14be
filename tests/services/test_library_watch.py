"""Seeing what changed between two looks at a library, whoever changed it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pmdesk.domain.model import Lesson, LessonKind, Postmortem
from pmdesk.services import lessons, library_edits, library_watch
from pmdesk.services.changes import Entity
from pmdesk.storage.library import open_library


def test_two_looks_tell_what_came_went_and_changed(tmp_path: Path) -> None:
    path = tmp_path / "library.pmdesk"
    with open_library(path) as mine, open_library(path) as theirs:
        kept = Postmortem(title="Kept")
        gone = Postmortem(title="Gone")
        for postmortem in (kept, gone):
            library_edits.add_postmortem(mine, postmortem)
        before = library_watch.stamps(mine)
        assert library_watch.difference(before, library_watch.stamps(mine)) is None
        # Another connection (another window, or a teammate on the server) changes things.
        lessons.add_lesson(theirs, kept.id, Lesson(LessonKind.LUCKY, "Quiet night"))
        library_edits.delete_postmortem(theirs, gone.id)
        new = Postmortem(title="New")
        library_edits.add_postmortem(theirs, new)
        changes = library_watch.difference(before, library_watch.stamps(mine))
    assert changes is not None and changes.entity is Entity.POSTMORTEM
    assert changes.added == {new.id}
    assert changes.removed == {gone.id}
    assert changes.updated == {kept.id}
    assert changes.postmortem_ids == {new.id, gone.id, kept.id}


def test_a_change_stamped_earlier_than_the_latest_is_still_seen() -> None:
    """A teammate whose clock runs behind: their change is older than the newest one."""
    early, late = datetime(2026, 3, 1, 9, 0), datetime(2026, 3, 1, 10, 0)
    before = {"a": early, "b": late}
    after = {"a": datetime(2026, 3, 1, 9, 30), "b": late}
    changes = library_watch.difference(before, after)
    assert changes is not None and changes.updated == {"a"}
