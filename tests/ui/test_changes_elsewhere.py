"""Two windows on one library (two people on one server): each sees the other's changes without
a restart, but never while its user is typing; and an edit made on what someone else has changed
meanwhile is refused, shown reloaded, and offered again on top of their version."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import ActionItem, Lesson, LessonKind, PostmortemKind
from pmdesk.services import library_watch, postmortems
from pmdesk.storage.library import Library, open_library
from pmdesk.ui.conflicts import Conflict
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.settings import UiSettings
from tests.ui.conftest import close_and_delete, show_active


@pytest.fixture
def other(qtbot: QtBot, opened: MainWindow, ui_settings: UiSettings) -> Iterator[MainWindow]:
    """A second window on the same library file, through its own connection."""
    assert opened.library.path is not None
    library: Library = open_library(opened.library.path)
    second = MainWindow(library, ui_settings)
    second.report = lambda title, message: None  # type: ignore[method-assign]
    second.ask_apply_again = lambda conflict: False
    # The window the user works in now: the keyboard and the focus are in it.
    show_active(qtbot, second)
    current = opened.current_id()
    assert current is not None and second.open_postmortem(current)
    yield second
    close_and_delete(second)
    library.close()


def lesson_texts(window: MainWindow) -> list[str]:
    assert window.editor.postmortem is not None
    return [lesson.text for lesson in window.editor.postmortem.lessons]


def test_a_change_made_in_one_window_shows_in_the_other(
    opened: MainWindow, other: MainWindow
) -> None:
    postmortem_id = opened.current_id()
    assert postmortem_id is not None
    lesson = Lesson(LessonKind.WENT_WELL, "The second window saw this without a restart")
    assert opened.edits.add_lesson(postmortem_id, lesson)
    assert lesson.text not in lesson_texts(other)
    other.activateWindow()
    other.editor.setFocus()
    QApplication.processEvents()
    changes = other.workspace.look_for_changes()
    assert changes is not None and changes.updated == {postmortem_id}
    assert lesson.text in lesson_texts(other)
    assert "changed elsewhere" in other.statusBar().currentMessage()
    # Its own look does not report its own edits back to the first window as someone else's.
    assert opened.workspace.look_for_changes() is None


def test_others_changes_wait_while_the_user_is_typing(
    opened: MainWindow, other: MainWindow
) -> None:
    postmortem_id = opened.current_id()
    assert postmortem_id is not None
    lesson = Lesson(LessonKind.LUCKY, "It waited for the typing to stop")
    assert opened.edits.add_lesson(postmortem_id, lesson)
    other.activateWindow()
    line = other.library_panel.filter_edit
    line.setFocus()
    QApplication.processEvents()
    assert QApplication.focusWidget() is line
    assert other.workspace.look_for_changes() is None
    assert lesson.text not in lesson_texts(other)
    other.editor.setFocus()
    QApplication.processEvents()
    assert other.workspace.look_for_changes() is not None
    assert lesson.text in lesson_texts(other)


def test_a_postmortem_deleted_elsewhere_closes_here_with_a_message(
    opened: MainWindow, other: MainWindow
) -> None:
    postmortem_id = opened.current_id()
    assert postmortem_id is not None
    said: list[tuple[str, str]] = []
    other.report = lambda title, message: said.append((title, message))  # type: ignore[method-assign]
    assert opened.delete_postmortem(postmortem_id, confirm=False)
    other.editor.setFocus()
    QApplication.processEvents()
    assert other.workspace.look_for_changes() is not None
    assert other.current_id() is None
    assert said and "deleted elsewhere" in said[0][0]


def test_an_edit_here_does_not_swallow_a_change_made_elsewhere_meanwhile(
    opened: MainWindow, other: MainWindow
) -> None:
    postmortem_id = opened.current_id()
    assert postmortem_id is not None
    lesson = Lesson(LessonKind.WENT_WRONG, "Seen even though the other window edited too")
    assert opened.edits.add_lesson(postmortem_id, lesson)
    # Before its next look, the second window makes an edit of its own, elsewhere.
    assert other.edits.create_postmortem(PostmortemKind.NEAR_MISS) is not None
    assert other.open_postmortem(postmortem_id)
    other.editor.setFocus()
    QApplication.processEvents()
    changes = other.workspace.look_for_changes()
    assert changes is not None and changes.updated == {postmortem_id}


def action_detail(window: MainWindow, ref: str) -> ActionItem:
    """Show the action with this ref in the window's action detail; the action as shown."""
    window.editor.show_view(View.ACTIONS)
    assert window.editor.postmortem is not None
    shown = next(a for a in window.editor.postmortem.actions if a.ref == ref)
    window.editor.action_items.board.select_action(shown.id)
    assert window.editor.action_items.detail.action == shown
    return shown


def stored_action(window: MainWindow, action_id: str) -> ActionItem:
    assert window.editor.postmortem is not None
    postmortem = postmortems.get_postmortem(window.library, window.editor.postmortem.id)
    return next(a for a in postmortem.actions if a.id == action_id)


@pytest.mark.parametrize("apply_mine", [True, False])
def test_two_windows_edit_one_action_and_the_second_is_refused_and_reloaded(
    opened: MainWindow, other: MainWindow, apply_mine: bool
) -> None:
    first = action_detail(opened, "a4")
    action_detail(other, "a4")
    detail = opened.editor.action_items.detail
    detail.title.setText("Renamed in the first window")
    detail.title.editingFinished.emit()

    # The second window has not looked yet: it still shows the old title, and gives an owner.
    seen: list[tuple[Conflict, str, str]] = []

    def ask(conflict: Conflict) -> bool:
        shown = other.editor.action_items.detail
        seen.append((conflict, shown.title.text(), shown.owner.text()))
        return apply_mine

    other.ask_apply_again = ask
    theirs = other.editor.action_items.detail
    assert theirs.title.text() == first.title
    theirs.owner.setText("SRE team")
    theirs.owner.editingFinished.emit()

    # Refused, naming the action; by the time the user is asked, the second window shows the
    # first window's version, and the owner they typed is kept in the question.
    ((conflict, title_then, owner_then),) = seen
    assert "Someone else changed the action “Renamed in the first window”" in conflict.message
    assert (title_then, owner_then) == ("Renamed in the first window", first.owner or "")
    assert conflict.yours == "Owner: SRE team"
    stored = stored_action(other, first.id)
    assert stored.title == "Renamed in the first window"
    assert stored.owner == ("SRE team" if apply_mine else first.owner)
    assert theirs.title.text() == "Renamed in the first window"
    assert theirs.owner.text() == (stored.owner or "")
    # Applied again, it is the second window's own undoable step, on top of the first's.
    assert other.workspace.undo_stack.count() == (1 if apply_mine else 0)


def test_an_undo_that_would_overwrite_someone_elses_change_is_refused(
    opened: MainWindow, other: MainWindow
) -> None:
    first = action_detail(opened, "a4")
    assert opened.edits.change_action(
        opened.current_id() or "", first, replace(first, notes="Mine"), "Edit notes"
    )
    other.editor.setFocus()
    QApplication.processEvents()
    assert other.workspace.look_for_changes() is not None
    now = stored_action(other, first.id)
    assert other.edits.change_action(
        other.current_id() or "", now, replace(now, notes="Theirs"), "Edit notes"
    )

    opened.workspace.undo_stack.undo()
    said: list[tuple[str, str]] = opened.reported  # type: ignore[attr-defined]
    assert said[-1][0] == "Undo or redo could not be done"
    assert "Someone else changed the action" in said[-1][1]
    assert stored_action(opened, first.id).notes == "Theirs"
    assert opened.editor.action_items.detail.notes.toPlainText() == "Theirs"
    QApplication.processEvents()
    assert opened.workspace.undo_stack.count() == 0  # its steps no longer describe the library


def renamed_in_first_window(opened: MainWindow, other: MainWindow, title: str) -> ActionItem:
    """Both windows show action a4; the first renames it, and the second has not looked since.
    The action as it was before."""
    first = action_detail(opened, "a4")
    action_detail(other, "a4")
    assert opened.edits.change_action(
        opened.current_id() or "", first, replace(first, title=title), "Edit action title"
    )
    return first


def test_a_refused_edit_reloads_even_when_the_change_stamps_look_unchanged(
    opened: MainWindow, other: MainWindow
) -> None:
    first = renamed_in_first_window(opened, other, "Theirs")
    # As if the second window had taken in the stamps without reloading its views.
    other.workspace._stamps = library_watch.stamps(other.library)
    theirs = other.editor.action_items.detail
    theirs.owner.setText("Mine")
    theirs.owner.editingFinished.emit()
    assert theirs.title.text() == "Theirs"
    assert stored_action(other, first.id).owner == first.owner


def test_deleting_an_action_someone_changed_meanwhile_is_refused_and_shows_theirs(
    opened: MainWindow, other: MainWindow
) -> None:
    first = renamed_in_first_window(opened, other, "Theirs, renamed")
    said: list[tuple[str, str]] = []
    other.report = lambda title, message: said.append((title, message))  # type: ignore[method-assign]
    other.editor.action_items.delete_current()  # still showing the old title
    assert said == [
        (
            "Someone else changed it first",
            "Someone else changed the action “Theirs, renamed” after you read it, so your change "
            "was not saved. Read it again to see what it holds now, then make your change on "
            "that.",
        )
    ]
    assert stored_action(other, first.id).title == "Theirs, renamed"
    assert other.editor.action_items.detail.title.text() == "Theirs, renamed"
    assert other.workspace.undo_stack.count() == 0
    # Seen as it is now, the delete goes through.
    other.editor.action_items.delete_current()
    assert other.editor.postmortem is not None
    assert first.id not in {a.id for a in other.editor.postmortem.actions}


def test_undoing_an_add_after_someone_changed_the_new_item_is_refused(
    opened: MainWindow, other: MainWindow
) -> None:
    postmortem_id = opened.current_id()
    assert postmortem_id is not None
    lesson = Lesson(LessonKind.LUCKY, "Added here")
    assert opened.edits.add_lesson(postmortem_id, lesson)
    other.editor.setFocus()
    QApplication.processEvents()
    assert other.workspace.look_for_changes() is not None
    assert other.editor.postmortem is not None
    added = next(x for x in other.editor.postmortem.lessons if x.id == lesson.id)
    assert other.edits.update_lesson(postmortem_id, added, replace(added, text="Improved there"))

    opened.workspace.undo_stack.undo()
    said: list[tuple[str, str]] = opened.reported  # type: ignore[attr-defined]
    assert said[-1][0] == "Undo or redo could not be done"
    assert "Someone else changed the lesson “Improved there”" in said[-1][1]
    assert "Improved there" in lesson_texts(opened)
