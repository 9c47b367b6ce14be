"""The action board driven by mouse and keyboard: moving cards, dropping, re-scoping, editing."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from pmdesk.domain.model import ActionField, ActionItem, ActionStatus, Postmortem
from pmdesk.services import postmortems
from pmdesk.ui.actions.board import MIME_TYPE, Look, card_rows
from pmdesk.ui.actions.section import ActionsSection
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow


@pytest.fixture
def board(opened: MainWindow) -> ActionsSection:
    opened.editor.show_view(View.ACTIONS)
    section = opened.editor.action_items
    section.board.today = lambda: date(2026, 3, 18)
    return section


def stored(window: MainWindow) -> Postmortem:
    assert window.editor.postmortem is not None
    return postmortems.get_postmortem(window.library, window.editor.postmortem.id)


def action(window: MainWindow, ref: str) -> ActionItem:
    return next(a for a in stored(window).actions if a.ref == ref)


def reported(window: MainWindow) -> list[tuple[str, str]]:
    messages: list[tuple[str, str]] = window.reported  # type: ignore[attr-defined]
    return messages


def undo(window: MainWindow) -> None:
    window.workspace.undo_stack.undo()


def column_refs(section: ActionsSection, status: ActionStatus) -> list[str]:
    column = section.board.columns[status]
    refs = []
    for row in range(column.count()):
        item = column.item(row)
        shown = section.board.action_items[str(item.data(Qt.ItemDataRole.UserRole + 1))]
        if not item.isHidden():
            refs.append(shown.ref)
    return refs


def drop_on(section: ActionsSection, action_id: str, status: ActionStatus) -> None:
    """A card dragged from its column and dropped on another, as the mouse drag ends.

    Qt hands a drop to a widget only inside a real drag session, which a test cannot start, so
    the column gets the event Qt would give it, with the card's drag data.
    """
    mime = QMimeData()
    mime.setData(MIME_TYPE, action_id.encode())
    column = section.board.columns[status]
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    column.dropEvent(event)


def test_the_board_shows_each_status_in_its_column(board: ActionsSection) -> None:
    assert column_refs(board, ActionStatus.OPEN) == ["a2", "a4"]
    assert column_refs(board, ActionStatus.IN_PROGRESS) == ["a1"]
    assert column_refs(board, ActionStatus.DONE) == ["a3"]
    assert column_refs(board, ActionStatus.DROPPED) == ["a5"]
    assert board.board.headers[ActionStatus.OPEN].text() == "Open  (2)"


def test_dragging_a_card_to_another_column_changes_its_status_with_undo(
    opened: MainWindow, board: ActionsSection
) -> None:
    a2 = action(opened, "a2")
    drop_on(board, a2.id, ActionStatus.IN_PROGRESS)
    moved = action(opened, "a2")
    assert moved.status is ActionStatus.IN_PROGRESS
    assert (moved.history[-1].field, moved.history[-1].old, moved.history[-1].new) == (
        ActionField.STATUS,
        "open",
        "in_progress",
    )
    assert column_refs(board, ActionStatus.IN_PROGRESS) == ["a1", "a2"]
    assert board.board.current_action_id() == a2.id  # the card stays selected
    undo(opened)
    assert action(opened, "a2") == a2
    assert column_refs(board, ActionStatus.OPEN) == ["a2", "a4"]


def test_alt_arrows_move_the_selected_card_between_columns(
    opened: MainWindow, board: ActionsSection
) -> None:
    a4 = action(opened, "a4")
    board.board.select_action(a4.id)
    column = board.board.columns[ActionStatus.OPEN]
    QTest.keyClick(column, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert action(opened, "a4").status is ActionStatus.IN_PROGRESS
    QTest.keyClick(
        board.board.columns[ActionStatus.IN_PROGRESS],
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.AltModifier,
    )
    assert action(opened, "a4").status is ActionStatus.DONE
    undo(opened)
    undo(opened)
    assert action(opened, "a4") == a4


def test_alt_digits_move_the_selected_card_straight_to_a_column(
    opened: MainWindow, board: ActionsSection
) -> None:
    a2 = action(opened, "a2")
    board.board.select_action(a2.id)
    QTest.keyClick(
        board.board.columns[ActionStatus.OPEN], Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier
    )
    assert action(opened, "a2").status is ActionStatus.DONE  # over In progress, in one step
    assert board.board.current_action_id() == a2.id
    done = board.board.columns[ActionStatus.DONE]
    assert done.hasFocus()  # the keyboard follows the card
    steps = opened.workspace.undo_stack.count()
    QTest.keyClick(done, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # already there
    assert opened.workspace.undo_stack.count() == steps
    board.ask_text = lambda title, question: "Replaced by a4"
    QTest.keyClick(done, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)  # dropping asks why
    dropped = action(opened, "a2")
    assert dropped.status is ActionStatus.DROPPED and dropped.history[-1].note == "Replaced by a4"
    QTest.keyClick(
        board.board.columns[ActionStatus.DROPPED], Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier
    )
    assert action(opened, "a2").status is ActionStatus.OPEN
    for _ in range(3):
        undo(opened)
    assert action(opened, "a2") == a2
    assert reported(opened) == []


def test_dropping_asks_for_the_reason_and_keeps_it(
    opened: MainWindow, board: ActionsSection
) -> None:
    a2 = action(opened, "a2")
    questions: list[str] = []

    def cancel(title: str, question: str) -> None:
        questions.append(question)

    board.ask_text = cancel
    drop_on(board, a2.id, ActionStatus.DROPPED)  # cancelled: nothing changes
    assert action(opened, "a2") == a2 and len(questions) == 1 and "Why" in questions[0]

    board.ask_text = lambda title, question: "Merged into a4"
    drop_on(board, a2.id, ActionStatus.DROPPED)
    dropped = action(opened, "a2")
    assert dropped.status is ActionStatus.DROPPED
    assert dropped.history[-1].note == "Merged into a4"
    assert "a2" in column_refs(board, ActionStatus.DROPPED)
    assert reported(opened) == []


def test_dropping_without_a_reason_is_refused(opened: MainWindow, board: ActionsSection) -> None:
    a2 = action(opened, "a2")
    board.ask_text = lambda title, question: "   "
    drop_on(board, a2.id, ActionStatus.DROPPED)
    assert action(opened, "a2") == a2
    ((_, message),) = reported(opened)
    assert "Say why" in message


def test_moving_a_due_date_asks_for_a_note(opened: MainWindow, board: ActionsSection) -> None:
    a1 = action(opened, "a1")
    assert a1.due == date(2026, 3, 20)
    board.board.select_action(a1.id)
    board.ask_text = lambda title, question: None
    board.detail.due.setDate(QDate(2026, 4, 30))
    board.detail.due.editingFinished.emit()
    assert action(opened, "a1") == a1  # cancelled
    assert board.detail.due.date().toPython() == date(2026, 3, 20)  # the field shows it again

    board.ask_text = lambda title, question: "Waiting on the vendor's fix"
    board.detail.due.setDate(QDate(2026, 4, 30))
    board.detail.due.editingFinished.emit()
    rescoped = action(opened, "a1")
    assert rescoped.due == date(2026, 4, 30)
    entry = rescoped.history[-1]
    assert (entry.field, entry.old, entry.new, entry.note) == (
        ActionField.DUE,
        "2026-03-20",
        "2026-04-30",
        "Waiting on the vendor's fix",
    )
    assert "Waiting on the vendor's fix" in board.detail.history.item(0).text()
    undo(opened)
    assert action(opened, "a1") == a1


def test_a_card_is_edited_in_place(opened: MainWindow, board: ActionsSection) -> None:
    a4 = action(opened, "a4")
    board.board.select_action(a4.id)
    item = board.board.item_for(a4.id)
    assert item is not None
    column = board.board.columns[ActionStatus.OPEN]
    QTest.keyClick(column, Qt.Key.Key_F2)  # the title opens for editing in the card
    editor = column.findChild(QLineEdit)
    assert isinstance(editor, QLineEdit) and editor.text() == a4.title
    editor.selectAll()
    QTest.keyClicks(editor, "Look into alerting")
    assert board.detail.vagueness.isVisibleTo(board) and "study" in board.detail.vagueness.text()
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert action(opened, "a4") == a4
    item.setText("Page checkout on-call when the error rate stays above 2% for 2 minutes")
    assert action(opened, "a4").title.startswith("Page checkout on-call")
    undo(opened)
    assert action(opened, "a4") == a4


def test_the_vagueness_check_speaks_while_a_title_is_typed(
    opened: MainWindow, board: ActionsSection
) -> None:
    QTest.keyClicks(board.new_action, "Improve monitoring")
    assert board.new_action.vagueness.isVisibleTo(board)
    assert "what changes on which thing" in board.new_action.vagueness.text()
    board.new_action.clear()
    QTest.keyClicks(board.new_action, "Add a 5-second latency alert to the checkout service")
    assert not board.new_action.vagueness.isVisibleTo(board)
    QTest.keyClick(board.new_action, Qt.Key.Key_Return)
    added = stored(opened).actions[-1]
    assert added.title.startswith("Add a 5-second") and added.status is ActionStatus.OPEN
    assert board.board.current_action_id() == added.id
    assert board.new_action.text() == ""


def test_missing_owner_and_due_date_show_on_the_card(opened: MainWindow) -> None:
    today = date(2026, 3, 18)
    bare = ActionItem("a9", "Add a canary stage to config pushes")
    assert card_rows(bare, None, today) == [
        ("no owner", Look.LACKING),
        ("no due date", Look.LACKING),
        ("addresses no cause", Look.LACKING),
    ]
    late = ActionItem("a9", "t", owner="Platform", due=date(2026, 3, 15))
    assert card_rows(late, None, today)[:2] == [
        ("Platform", Look.PLAIN),
        ("due 2026-03-15 · 3 d late", Look.LATE),
    ]
    # a dropped action lacks nothing any more: the same gaps are quiet
    dropped = ActionItem("a9", "t", status=ActionStatus.DROPPED)
    assert {look for _, look in card_rows(dropped, None, today)} == {Look.QUIET}


def test_the_board_filters_by_owner(opened: MainWindow, board: ActionsSection) -> None:
    owners = [board.owner_filter.itemText(i) for i in range(board.owner_filter.count())]
    assert owners == ["Everyone", "Checkout team", "Platform team", "No owner"]
    board.filter_by_owner("Checkout team")
    assert column_refs(board, ActionStatus.OPEN) == ["a4"]
    assert column_refs(board, ActionStatus.IN_PROGRESS) == []
    assert board.board.headers[ActionStatus.OPEN].text() == "Open  (1)"
    board.filter_by_owner("\x00nobody")
    assert column_refs(board, ActionStatus.DROPPED) == ["a5"]
    # a finding about a hidden card still finds it
    board.select_action(action(opened, "a1").id)
    assert board.board.current_action_id() == action(opened, "a1").id


def test_the_detail_changes_owner_and_priority_into_history(
    opened: MainWindow, board: ActionsSection
) -> None:
    a4 = action(opened, "a4")
    board.board.select_action(a4.id)
    board.detail.owner.setText("SRE team")
    board.detail.owner.editingFinished.emit()
    board.detail.priority.activated.emit(board.detail.priority.findText("P1"))
    changed = action(opened, "a4")
    assert (changed.owner, changed.priority and changed.priority.value) == ("SRE team", "P1")
    assert [c.field for c in changed.history[-2:]] == [ActionField.OWNER, ActionField.PRIORITY]
    assert board.detail.history.count() == len(changed.history)
