"""Two windows on one library (two people on one server): each sees the other's changes without
a restart, but never while its user is typing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import Lesson, LessonKind, PostmortemKind
from pmdesk.storage.library import Library, open_library
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.settings import UiSettings
from tests.ui.conftest import close_and_delete


@pytest.fixture
def other(qtbot: QtBot, opened: MainWindow, ui_settings: UiSettings) -> Iterator[MainWindow]:
    """A second window on the same library file, through its own connection."""
    assert opened.library.path is not None
    library: Library = open_library(opened.library.path)
    second = MainWindow(library, ui_settings)
    second.report = lambda title, message: None  # type: ignore[method-assign]
    second.show()
    qtbot.waitExposed(second)
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
