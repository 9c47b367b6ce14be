"""Due dates in the action card's detail, through what the user touches: the Due box clicked,
dates typed into the focused field, the calendar, and the re-scope question answered in its
dialog (issue 20, "Dates without surprises")."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import ActionField, ActionItem
from pmdesk.ui.actions.board import card_rows
from pmdesk.ui.actions.section import ActionsSection, AskText
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from tests.ui.test_action_board import action, stored, undo

TODAY = date(2026, 3, 18)


@pytest.fixture
def board(opened: MainWindow) -> ActionsSection:
    opened.editor.show_view(View.ACTIONS)
    section = opened.editor.action_items
    section.board.today = lambda: TODAY
    section.detail.today = lambda: TODAY
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


def new_action(qtbot: QtBot, section: ActionsSection, title: str) -> str:
    """An action added from the line above the board (no owner, no due date), selected."""
    click(section.new_action)
    QTest.keyClicks(section.new_action, title)
    QTest.keyClick(section.new_action, Qt.Key.Key_Return)
    added_id = section.board.current_action_id()
    assert added_id is not None and section.detail.action is not None
    assert section.detail.action.id == added_id and not section.detail.has_due.isChecked()
    return added_id


def by_id(window: MainWindow, action_id: str) -> ActionItem:
    return next(a for a in stored(window).actions if a.id == action_id)


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


# ---- ticking Due ----------------------------------------------------------------------------


def test_ticking_due_opens_the_date_and_stores_nothing_until_one_is_entered(
    qtbot: QtBot, opened: MainWindow, board: ActionsSection
) -> None:
    added = new_action(qtbot, board, "Add a canary stage to config pushes")
    field = board.detail.due
    with questions(qtbot, board) as asking:
        click(board.detail.has_due)
        # Open for typing: the keyboard in the field, its year selected; nothing stored.
        qtbot.waitUntil(field.hasFocus)
        assert field.isEnabled() and field.lineEdit().selectedText() == "2026"
        assert field.text() == "2026-03-18"  # today's date to start from
        assert board.detail.due_note.hint.isVisibleTo(board.detail)
        assert by_id(opened, added).due is None and by_id(opened, added).history == []
        assert card_due(board, added) == "no due date"
        QTest.keyClicks(field, "2026-04-30")
        assert by_id(opened, added).due is None
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert asking.asked == []  # a first date is agreed, not re-scoped
    set_once = by_id(opened, added)
    assert set_once.due == date(2026, 4, 30)
    assert [(c.field, c.old, c.new) for c in set_once.history] == [
        (ActionField.DUE, None, "2026-04-30")
    ]
    assert card_due(board, added) == "due 2026-04-30"
    assert detail_due(board) == "2026-04-30"
    assert not board.detail.due_note.isVisibleTo(board.detail)
    assert "none → 2026-04-30" in board.detail.history.item(0).text()


def test_leaving_the_ticked_date_stores_it_and_unticking_or_escape_store_nothing(
    qtbot: QtBot, opened: MainWindow, board: ActionsSection
) -> None:
    added = new_action(qtbot, board, "Add a canary stage to config pushes")
    detail = board.detail
    with questions(qtbot, board) as asking:
        click(detail.has_due)  # ticked, and unticked again: nothing happened
        qtbot.waitUntil(detail.due.hasFocus)
        click(detail.has_due)
        assert by_id(opened, added).due is None and by_id(opened, added).history == []
        assert detail_due(board) is None and not detail.due.isEnabled()
        assert not detail.due_note.isVisibleTo(detail)

        click(detail.has_due)  # ticked, a date typed, Escape: nothing either
        qtbot.waitUntil(detail.due.hasFocus)
        QTest.keyClicks(detail.due, "2026-05-04")
        QTest.keyClick(detail.due, Qt.Key.Key_Escape)
        assert by_id(opened, added).due is None and by_id(opened, added).history == []
        assert detail_due(board) is None and detail.has_due.hasFocus()

        click(detail.has_due)  # ticked and left untouched for another field: nothing
        qtbot.waitUntil(detail.due.hasFocus)
        click(detail.owner)
        qtbot.waitUntil(detail.owner.hasFocus)
        assert by_id(opened, added).due is None and by_id(opened, added).history == []
        assert detail_due(board) is None and not detail.has_due.isChecked()

        click(detail.has_due)  # ticked, typed, and left with Tab: that date is chosen
        qtbot.waitUntil(detail.due.hasFocus)
        QTest.keyClicks(detail.due, "2026-05-04")
        QTest.keyClick(detail.due, Qt.Key.Key_Tab)  # the day was current: Tab leaves
        qtbot.waitUntil(lambda: not detail.due.hasFocus())
    assert asking.asked == []
    assert by_id(opened, added).due == date(2026, 5, 4)
    assert len(by_id(opened, added).history) == 1
    assert card_due(board, added) == "due 2026-05-04"


# ---- typing a date ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2027-01-15", "20270115", "2027/1/15"])
def test_a_four_digit_year_typed_over_the_date_is_the_year_typed(
    qtbot: QtBot, opened: MainWindow, board: ActionsSection, typed: str
) -> None:
    a2 = action(opened, "a2")
    assert a2.due == date(2026, 4, 10)
    board.board.select_action(a2.id)
    with questions(qtbot, board, "Needs the new deploy pipeline first") as asking:
        type_date(qtbot, board, typed)
        assert board.detail.due.text() == "2027-01-15"
        QTest.keyClick(board.detail.due, Qt.Key.Key_Return)
    assert len(asking.asked) == 1 and "moves to 2027-01-15" in asking.asked[0]
    assert action(opened, "a2").due == date(2027, 1, 15)
    assert card_due(board, a2.id) == "due 2027-01-15"
    assert detail_due(board) == "2027-01-15"


# ---- a date in the past -----------------------------------------------------------------------


def test_a_past_date_is_asked_about_and_enter_again_keeps_it(
    qtbot: QtBot, opened: MainWindow, board: ActionsSection
) -> None:
    added = new_action(qtbot, board, "Add a canary stage to config pushes")
    detail = board.detail
    with questions(qtbot, board) as asking:
        click(detail.has_due)
        QTest.keyClicks(detail.due, "2026-01-15")
        QTest.keyClick(detail.due, Qt.Key.Key_Return)
        assert by_id(opened, added).due is None
        # Said at once, beside the field, with the keyboard still in it; nothing stored.
        note = detail.due_note
        assert note.asking() and note.warning.text().startswith(
            "2026-01-15 is in the past (62 days ago)"
        )
        assert note.keep_button.isVisibleTo(detail) and note.change_button.isVisibleTo(detail)
        assert detail.due.hasFocus() and detail_due(board) == "2026-01-15"
        assert by_id(opened, added).due is None and card_due(board, added) == "no due date"

        QTest.keyClick(detail.due, Qt.Key.Key_Escape)  # not that day: back to choosing one
        assert not note.asking() and detail.due.hasFocus()
        assert detail_due(board) == "2026-03-18" and detail.due.lineEdit().selectedText() == "2026"
        assert by_id(opened, added).due is None

        QTest.keyClicks(detail.due, "2026-01-15")
        QTest.keyClick(detail.due, Qt.Key.Key_Return)
        assert note.asking() and by_id(opened, added).due is None
        QTest.keyClick(detail.due, Qt.Key.Key_Return)  # Enter again: meant
    assert asking.asked == []
    kept = by_id(opened, added)
    assert kept.due == date(2026, 1, 15)
    assert [(c.old, c.new) for c in kept.history] == [(None, "2026-01-15")]
    assert not note.isVisibleTo(detail)
    assert card_due(board, added) == "due 2026-01-15 · 62 d late"
    assert detail_due(board) == "2026-01-15"


def test_a_past_date_for_an_agreed_one_is_kept_with_its_button_then_asked_why(
    qtbot: QtBot, opened: MainWindow, board: ActionsSection
) -> None:
    a2 = action(opened, "a2")
    board.board.select_action(a2.id)
    detail = board.detail
    with questions(qtbot, board, "Shipped early, closing it out") as asking:
        type_date(qtbot, board, "2026-03-17")
        click(detail.owner)  # the field left for another: chosen, so asked about
        qtbot.waitUntil(lambda: not detail.due.hasFocus())
        assert asking.asked == [] and action(opened, "a2") == a2
        note = detail.due_note
        assert note.asking() and "2026-03-17 is in the past (yesterday)" in note.warning.text()

        click(note.change_button)  # Change it: the agreed date again
        assert not note.asking() and detail_due(board) == "2026-04-10"
        assert action(opened, "a2") == a2 and card_due(board, a2.id) == "due 2026-04-10"

        type_date(qtbot, board, "2026-03-17")
        QTest.keyClick(detail.due, Qt.Key.Key_Return)
        assert note.asking() and asking.asked == []
        click(note.keep_button)  # Keep it: then the re-scope's question, once
    assert len(asking.asked) == 1 and "moves to 2026-03-17. Why?" in asking.asked[0]
    moved = action(opened, "a2")
    assert moved.due == date(2026, 3, 17)
    assert [(c.old, c.new, c.note) for c in moved.history] == [
        ("2026-04-10", "2026-03-17", "Shipped early, closing it out")
    ]
    assert card_due(board, a2.id) == "due 2026-03-17 · 1 d late"
    assert detail_due(board) == "2026-03-17" and not note.isVisibleTo(detail)


# ---- the calendar -----------------------------------------------------------------------------


# The calendar is a popup: it asks to be raised and to grab the keyboard, which the offscreen
# platform cannot.
@pytest.mark.qt_log_ignore(
    ".*does not support raise.*", ".*does not support grabbing the keyboard.*"
)
def test_a_day_picked_in_the_calendar_is_stored(
    qtbot: QtBot, opened: MainWindow, board: ActionsSection
) -> None:
    added = new_action(qtbot, board, "Add a canary stage to config pushes")
    detail = board.detail
    with questions(qtbot, board) as asking:
        click(detail.has_due)
        qtbot.waitUntil(detail.due.hasFocus)
        QTest.keyClick(detail.due, Qt.Key.Key_F4)  # the calendar, from the keyboard
        calendar = detail.due.calendarWidget()
        qtbot.waitUntil(calendar.isVisible)
        assert by_id(opened, added).due is None
        days = calendar.findChild(QTableView)
        assert days is not None
        cell = next(  # the 27th of the month shown (March 2026)
            days.model().index(row, column)
            for row in range(1, 7)
            for column in range(7)
            if days.model().index(row, column).data() == 27 and row > 2
        )
        QTest.mouseClick(
            days.viewport(), Qt.MouseButton.LeftButton, pos=days.visualRect(cell).center()
        )
        qtbot.waitUntil(lambda: by_id(opened, added).due is not None)
    assert asking.asked == []
    assert by_id(opened, added).due == date(2026, 3, 27)
    assert card_due(board, added) == "due 2026-03-27"
    assert detail_due(board) == "2026-03-27" and not calendar.isVisible()
