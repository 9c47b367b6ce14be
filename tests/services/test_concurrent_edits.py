"""Two sessions on one library (two laptops on the team's server, or two windows): every stored
item carries a version, and an edit made on an older version than the library holds is refused,
naming the item and writing nothing, so no change is ever silently lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pmdesk.domain.merge import merged
from pmdesk.domain.model import ActionStatus, Cause, LessonKind, Postmortem
from pmdesk.services import actions, causes, lessons, overview, timeline
from pmdesk.services.editing import StaleError
from pmdesk.storage.library import Library, open_library
from tests.services.conftest import every_row, reload


@pytest.fixture
def other(location: str | Path, stored: Postmortem) -> Iterator[Library]:
    """A second session on the same library, as a teammate's pmdesk would open it."""
    with open_library(location) as opened:
        yield opened


def test_two_sessions_edit_one_action_and_the_second_is_refused_then_reapplied(
    library: Library, other: Library, stored: Postmortem
) -> None:
    mine = reload(library, stored.id).actions[0]
    theirs = reload(other, stored.id).actions[0]
    assert mine.version == theirs.version

    # The teammate renames the action; this session, still showing the old one, gives it an
    # owner. Its change is refused, names the action as it is now, and writes nothing.
    _, renamed, _ = actions.change_action(other, stored.id, replace(theirs, title="Renamed"))
    before = every_row(library)
    changed = replace(mine, owner="Platform team")
    with pytest.raises(StaleError) as caught:
        actions.change_action(library, stored.id, changed)
    assert every_row(library) == before
    assert caught.value.item == "the action “Renamed”"
    assert "Someone else changed the action “Renamed”" in str(caught.value)
    assert caught.value.current == {mine.id: renamed.version}

    # Reloaded, it shows the teammate's version; the owner is applied again on top of it, and
    # both changes are kept.
    reloaded = reload(library, stored.id).actions[0]
    assert (reloaded.title, reloaded.owner) == ("Renamed", mine.owner)
    remade = merged([mine], [changed], {reloaded.id: reloaded})
    assert remade is not None
    (again,) = remade
    assert again.version == renamed.version
    actions.change_action(library, stored.id, again)
    final = reload(other, stored.id).actions[0]
    assert (final.title, final.owner) == ("Renamed", "Platform team")
    assert final.version == mine.version + 2


def test_an_undo_after_someone_elses_change_is_refused(
    library: Library, other: Library, stored: Postmortem
) -> None:
    action = stored.actions[0]
    old, new, _ = actions.change_action(library, stored.id, replace(action, notes="mine"))
    _, theirs, _ = actions.change_action(other, stored.id, replace(new, status=ActionStatus.DONE))
    before = every_row(library)
    with pytest.raises(StaleError):
        actions.put_action(library, stored.id, replace(old, version=new.version))  # the undo
    assert every_row(library) == before
    assert reload(library, stored.id).actions[0] == theirs


def change_elsewhere(other: Library, stored: Postmortem) -> None:
    """The teammate renames the first event, cause, lesson and action all to “Theirs”."""
    event, cause, lesson = stored.timeline[0], stored.causes[0], stored.lessons[0]
    timeline.update_events(other, stored.id, [replace(event, text="Theirs")])
    causes.update_cause(other, stored.id, replace(cause, text="Theirs"))
    lessons.update_lesson(other, stored.id, replace(lesson, text="Theirs"))
    actions.change_action(other, stored.id, replace(stored.actions[0], title="Theirs"))


def test_stale_events_causes_and_lessons_are_refused(
    library: Library, other: Library, stored: Postmortem
) -> None:
    event, cause, lesson = stored.timeline[0], stored.causes[0], stored.lessons[0]
    change_elsewhere(other, stored)
    before = every_row(library)

    with pytest.raises(StaleError, match="the event “Theirs”"):
        timeline.update_events(library, stored.id, [replace(event, text="Mine")])
    with pytest.raises(StaleError, match=f"the cause “{cause.ref} Theirs”"):
        causes.update_cause(library, stored.id, replace(cause, systemic=not cause.systemic))
    with pytest.raises(StaleError, match="the lesson “Theirs”"):
        lessons.update_lesson(library, stored.id, replace(lesson, kind=LessonKind.LUCKY))
    assert every_row(library) == before


def test_deleting_what_someone_changed_since_is_refused_and_deletes_nothing(
    library: Library, other: Library, stored: Postmortem
) -> None:
    event, lesson, action = stored.timeline[0], stored.lessons[0], stored.actions[0]
    change_elsewhere(other, stored)
    before = every_row(library)
    deletes = (
        (timeline.delete_events, event, "event"),
        (lessons.delete_lessons, lesson, "lesson"),
        (actions.delete_actions, action, "action"),
    )
    for delete, item, kind in deletes:
        with pytest.raises(StaleError) as caught:
            delete(library, stored.id, [item.id], {item.id: item.version})
        assert caught.value.item == f"the {kind} “Theirs”"
        assert caught.value.current == {item.id: item.version + 1}
    assert every_row(library) == before

    # Seen as it is now, each goes.
    for delete, item, _ in deletes:
        delete(library, stored.id, [item.id], {item.id: item.version + 1})
    now = reload(other, stored.id)
    left = {e.id for e in now.timeline} | {x.id for x in now.lessons} | {a.id for a in now.actions}
    assert {event.id, lesson.id, action.id}.isdisjoint(left)


def test_deleting_a_cause_refuses_when_one_below_it_is_new_or_changed(
    library: Library, other: Library, stored: Postmortem
) -> None:
    """A delete takes the causes below too: each must be one the deleter saw, as they saw it."""
    root = next(c for c in stored.causes if c.parent_id is None)
    seen = {c.id: c.version for c in stored.causes}
    added, _ = causes.add_cause(other, stored.id, Cause("", "Theirs, below", parent_id=root.id))
    before = every_row(library)
    with pytest.raises(StaleError) as caught:
        causes.delete_causes(library, stored.id, [root.id], seen)
    assert caught.value.item == f"the cause “{added.ref} Theirs, below”"
    assert every_row(library) == before

    child = next(c for c in stored.causes if c.parent_id == root.id)
    causes.update_cause(other, stored.id, replace(child, text="Theirs"))
    now = {c.id: c.version for c in reload(library, stored.id).causes}
    with pytest.raises(StaleError, match=f"the cause “{child.ref} Theirs”"):
        causes.delete_causes(library, stored.id, [root.id], {**now, child.id: child.version})
    causes.delete_causes(library, stored.id, [root.id], now)
    assert root.id not in {c.id for c in reload(other, stored.id).causes}


def test_one_stale_event_refuses_the_whole_edit_and_names_it(
    library: Library, other: Library, stored: Postmortem
) -> None:
    first, second = stored.timeline[:2]
    timeline.update_events(other, stored.id, [replace(second, text="Theirs")])
    before = every_row(library)
    with pytest.raises(StaleError) as caught:
        timeline.update_events(
            library, stored.id, [replace(e, text="Mine") for e in (first, second)]
        )
    assert caught.value.current == {second.id: second.version + 1}
    assert every_row(library) == before


def test_the_postmortems_fields_and_lists_share_its_version(
    library: Library, other: Library, stored: Postmortem
) -> None:
    overview.update_fields(other, stored.id, {"title": "Theirs"}, stored.version)
    before = every_row(library)
    with pytest.raises(StaleError, match="the postmortem “Theirs”"):
        overview.update_fields(library, stored.id, {"summary": "Mine"}, stored.version)
    with pytest.raises(StaleError):
        overview.set_tags(library, stored.id, ["mine"], stored.version)
    assert every_row(library) == before

    overview.set_tags(library, stored.id, ["mine"], stored.version + 1)
    assert reload(other, stored.id).version == stored.version + 2


def test_a_move_changes_no_content_and_leaves_versions_alone(
    library: Library, stored: Postmortem
) -> None:
    child = next(c for c in stored.causes if c.parent_id is not None)
    causes.move_cause(library, stored.id, child.id, None)
    moved = next(c for c in reload(library, stored.id).causes if c.id == child.id)
    assert moved.version == child.version
    causes.update_cause(library, stored.id, replace(child, text="Still mine to edit"))


def test_reapplying_is_impossible_once_the_item_is_gone(stored: Postmortem) -> None:
    action = stored.actions[0]
    assert merged([action], [replace(action, owner="x")], {}) is None
