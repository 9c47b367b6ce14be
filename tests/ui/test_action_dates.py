"""Due dates in the action card's detail, through what the user touches: the Due box clicked,
dates typed into the focused field, and the re-scope question answered in its dialog (issue 20,
"Dates without surprises")."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import ActionField
from pmdesk.ui.actions.board import card_rows
from pmdesk.ui.actions.section import ActionsSection, AskText
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from tests.ui.test_action_board import action, undo

TODAY = date(2026, 3, 18)


@pytest.fixture
def board(opened: MainWindow) -> ActionsSection:
    opened.editor.show_view(View.ACTIONS)
    section = opened.editor.action_items
    section.board.today = lambda: TODAY
    return section


class Questions:
    """The re-scope question as the user meets it: the app's own dialog, answered as soon as it
    has the keyboard (typed and Enter, or Escape for each None), every question counted."""

    def __init__(self, section: ActionsSection, answers: list[str | None]) -> None:
        self.asked: list[str] = []
        self._answers = list(answers)
        asks = section.ask_text
        self._ask = asks.real if isinstance(asks, Late) else asks
        self._up_since: float | None = None
        section.ask_text = self._counted
        self._timer = QTimer()
        self._timer.timeout.connect(self._answer)
        self._timer.start(20)

    def _counted(self, title: str, question: str) -> str | None:
        self.asked.append(question)
        return self._ask(title, question)

    def _answer(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            self._up_since = None
            return
        self._up_since = self._up_since or time.monotonic()
        # As a person would: once the dialog has the keyboard (taking it from the field is
        # what ended the field's editing a second time), or after a while regardless.
        if not dialog.isActiveWindow() and time.monotonic() - self._up_since < 2:
            return
        self._up_since = None
        answer = self._answers.pop(0) if self._answers else None
        field = dialog.findChild(QLineEdit)
        assert field is not None
        if answer is None:
            QTest.keyClick(field, Qt.Key.Key_Escape)
        else:
            QTest.keyClicks(field, answer)
            QTest.keyClick(field, Qt.Key.Key_Return)

    def stop(self, section: ActionsSection) -> None:
        """No more answering: a question asked after this is counted and cancelled at once."""
        self._timer.stop()
        section.ask_text = Late(self._ask, self.asked)


class Late:
    """The question once nobody answers it any more: counted, and cancelled (not left open)."""

    def __init__(self, real: AskText, asked: list[str]) -> None:
        self.real, self.asked = real, asked

    def __call__(self, title: str, question: str) -> str | None:
        self.asked.append(question)
        return None


@contextmanager
def questions(qtbot: QtBot, section: ActionsSection, *answers: str | None) -> Iterator[Questions]:
    asking = Questions(section, list(answers))
    try:
        yield asking
        qtbot.wait(50)  # anything the closing dialog would still set off
    finally:
        asking.stop(section)


def card_due(section: ActionsSection, action_id: str) -> str:
    """The due date line of the action's card, as the board paints it."""
    shown = section.board.action_items[action_id]
    rows = card_rows(shown, None, section.board.today())
    return next(text for text, _ in rows if "due" in text)


def detail_due(section: ActionsSection) -> str | None:
    """What the detail pane shows as the due date: the field's date when the box is ticked."""
    detail = section.detail
    return detail.due.text() if detail.has_due.isChecked() else None


def click(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_date(qtbot: QtBot, section: ActionsSection, typed: str) -> None:
    """Into the date field: click it, select the whole date (Ctrl+A) and type over it."""
    field = section.detail.due
    click(field.lineEdit())
    qtbot.waitUntil(field.hasFocus)
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert field.lineEdit().selectedText() == field.text()
    QTest.keyClicks(field, typed)


# ---- one question per change ----------------------------------------------------------------


def test_a_moved_due_date_asks_once_though_its_dialog_takes_the_keyboard(
    qtbot: QtBot, opened: MainWindow, board: ActionsSection
) -> None:
    a1 = action(opened, "a1")
    assert a1.due == date(2026, 3, 20)
    board.board.select_action(a1.id)
    with questions(qtbot, board, "Waiting on the vendor fix", "a second answer") as asking:
        type_date(qtbot, board, "2026-04-30")
        QTest.keyClick(board.detail.due, Qt.Key.Key_Return)
    assert len(asking.asked) == 1
    assert "was due 2026-03-20; it moves to 2026-04-30. Why?" in asking.asked[0]
    moved = action(opened, "a1")
    assert moved.due == date(2026, 4, 30)
    assert [(c.field, c.old, c.new, c.note) for c in moved.history] == [
        (ActionField.DUE, "2026-03-20", "2026-04-30", "Waiting on the vendor fix")
    ]
    assert card_due(board, a1.id) == "due 2026-04-30"
    assert detail_due(board) == "2026-04-30"
    assert "Waiting on the vendor fix" in board.detail.history.item(0).text()
    assert board.detail.history.count() == 1
    undo(opened)
    assert action(opened, "a1") == a1


def test_cancelling_the_question_changes_nothing_anywhere(
    qtbot: QtBot, opened: MainWindow, board: ActionsSection
) -> None:
    a1 = action(opened, "a1")
    board.board.select_action(a1.id)
    with questions(qtbot, board, None, "a second answer") as asking:
        type_date(qtbot, board, "2026-04-30")
        QTest.keyClick(board.detail.due, Qt.Key.Key_Return)
    assert len(asking.asked) == 1
    assert action(opened, "a1") == a1  # stored: the date, and no history entry
    assert card_due(board, a1.id) == "due 2026-03-20"
    assert detail_due(board) == "2026-03-20"
    assert board.detail.history.item(0).text() == "No changes yet."

    # Unticking an agreed date is a re-scope too: asked once, and cancelling leaves it ticked.
    with questions(qtbot, board, None, "a second answer") as asking:
        click(board.detail.has_due)
    assert len(asking.asked) == 1 and "moves to no date. Why?" in asking.asked[0]
    assert action(opened, "a1") == a1
    assert detail_due(board) == "2026-03-20" and board.detail.due.isEnabled()
    assert card_due(board, a1.id) == "due 2026-03-20"

    with questions(qtbot, board, "Folded into a2") as asking:
        click(board.detail.has_due)
    assert len(asking.asked) == 1
    dropped = action(opened, "a1")
    assert dropped.due is None and dropped.history[-1].note == "Folded into a2"
    assert detail_due(board) is None and not board.detail.due.isEnabled()
    assert card_due(board, a1.id) == "no due date"
