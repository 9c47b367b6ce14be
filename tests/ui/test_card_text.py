"""Nothing the room must read is cut off: every action's title drawn whole on its card, on the
Actions tab and on the meeting's stage, and every row of the wrap-up's "who owns what by when"
whole, on a laptop (1366x768 at 100%), a small projector (1280x720 at 150%) and a large screen
at 200% (1920x1080).

What is checked is what the card's painter draws, where, and how big the card is: each line of
text fits the rectangle it is drawn in (text drawn in a rectangle is clipped to it), that
rectangle lies inside the card, and the lines of the title, read in order, are the title."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QTextLayout, QTextOption
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyleOptionViewItem,
    QTreeWidget,
    QWidget,
)

from pmdesk.domain.meeting import Step
from pmdesk.domain.model import ActionStatus
from pmdesk.ui.actions.board import (
    ACTION_ID,
    ActionBoard,
    BoardList,
    CardDelegate,
    Index,
    card_rows,
)
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.meeting.mode import MeetingMode

SIZES = [
    pytest.param(QSize(1366, 768), 1.0, id="1366x768-100"),
    pytest.param(QSize(1280, 720), 1.5, id="1280x720-150"),
    pytest.param(QSize(1920, 1080), 2.0, id="1920x1080-200"),
]
TODAY = date(2026, 3, 18)  # a1 and a4 are late: their due lines are the longest
ELLIPSIS = "…"
# A card narrower than this many average characters of its title is no longer readable.
READABLE = 10


@dataclass(frozen=True)
class Drawn:
    """One piece of text a card's painter drew."""

    text: str
    font: QFont
    rect: QRect  # where it was drawn
    needed: QRect  # the room the text takes there


def number(value: object) -> int:
    """A coordinate or a set of Qt flags, as an int (0 for anything else)."""
    if isinstance(value, int | float):
        return round(value)
    return value.value if isinstance(value, enum.Flag) else 0


def drawn_piece(painter: QPainter, args: tuple[object, ...]) -> Drawn:
    """What `painter.drawText(*args)` draws, and where, for each of its forms."""
    font = QFont(painter.font())
    metrics = QFontMetrics(font)
    text = next(arg for arg in args if isinstance(arg, str))
    first = args[0]
    if isinstance(first, QRect | QRectF):
        rect = first.toRect() if isinstance(first, QRectF) else QRect(first)
        return Drawn(text, font, rect, metrics.boundingRect(rect, number(args[1]), text))
    if isinstance(first, QPoint | QPointF):
        x, y = round(first.x()), round(first.y())
    else:
        x, y = number(first), number(args[1])
    needed = QRect(x, y - metrics.ascent(), metrics.horizontalAdvance(text), metrics.height())
    return Drawn(text, font, needed, needed)


@dataclass
class PaintedCard:
    action_id: str
    rect: QRect  # the card's row in its column
    texts: list[Drawn]


class Recorder:
    """Keeps what each card's painter drew the last time the card was painted."""

    def __init__(self) -> None:
        self.cards: dict[str, PaintedCard] = {}

    def cards_of(self, column: BoardList) -> list[PaintedCard]:
        """Every card of `column` as it is painted on screen: each scrolled into view and the
        column drawn."""
        self.cards.clear()
        shown = [column.item(r) for r in range(column.count()) if not column.item(r).isHidden()]
        for item in shown:
            column.scrollToItem(item, column.ScrollHint.PositionAtTop)
            QApplication.processEvents()
            column.viewport().grab()
        return [self.cards[str(item.data(ACTION_ID))] for item in shown]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Records the text every card delegate draws. (Made before any window: Qt's calls reach a
    delegate's Python `paint` as it was when the delegate was made.)"""
    recorder = Recorder()
    original = CardDelegate.paint

    def recording(
        delegate: CardDelegate, painter: QPainter, option: QStyleOptionViewItem, index: Index
    ) -> None:
        card = PaintedCard(str(index.data(ACTION_ID)), QRect(option.rect), [])
        draw_text = painter.drawText

        def record(*args: object) -> None:
            card.texts.append(drawn_piece(painter, args))
            draw_text(*args)  # type: ignore[call-overload]

        painter.drawText = record  # type: ignore[method-assign, assignment]
        try:
            original(delegate, painter, option, index)
        finally:
            del painter.drawText
        recorder.cards[card.action_id] = card

    monkeypatch.setattr(CardDelegate, "paint", recording)
    return recorder


def assert_cards_whole(board: ActionBoard, recorder: Recorder) -> int:
    """Every card of the board shows its whole title, owner and due date, inside the card, and
    is wide enough to read; returns how many cards were looked at."""
    looked = 0
    for status, column in board.columns.items():
        for card in recorder.cards_of(column):
            action = board.action_items[card.action_id]
            where = f"{action.ref} in {status.value}"
            assert card.rect.left() >= 0 and card.rect.right() < column.viewport().width(), where
            for piece in card.texts:
                assert card.rect.contains(piece.rect), (where, piece.text, piece.rect, card.rect)
                assert piece.rect.contains(piece.needed), (where, piece.text, "is clipped")
            title = [piece.text for piece in card.texts if piece.font.bold()]
            assert not any(ELLIPSIS in line for line in title), (where, title)
            # the lines, read in order, are the title (a word too long for a line breaks inside)
            assert "".join("".join(title).split()) == "".join(action.title.split()), where
            plain = " ".join(" ".join(piece.text for piece in card.texts).split())
            cause = board.causes.get(action.cause_id or "")
            for text, _look in card_rows(action, cause, board.today())[:2]:  # owner, due
                assert text in plain.replace("\u00a0", " "), (where, text, plain)
            bold = QFont(column.font())
            bold.setBold(True)
            readable = READABLE * QFontMetrics(bold).averageCharWidth()
            assert card.rect.width() >= readable, (where, card.rect.width(), readable)
            looked += 1
    return looked


def wrapped_height(text: str, font: QFont, width: int) -> int:
    """How tall `text` is when wrapped at `width`, breaking inside a word only if it must."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        height += line.height()
    layout.endLayout()
    return round(height)


def on_screen(widget: QWidget, rect: QRect) -> QRect:
    """`rect`, in `widget`'s coordinates, in its window's."""
    return QRect(widget.mapTo(widget.window(), rect.topLeft()), rect.size())


def assert_rows_whole(tree: QTreeWidget, page: QWidget) -> int:
    """Going down the list with the arrow keys, every row comes into sight whole, within the
    list and the page it is on, and every cell is tall enough for its text wrapped at its width.
    """
    margin = tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1
    tree.setFocus()
    QTest.keyClick(tree, Qt.Key.Key_Home)
    rows = tree.topLevelItemCount()
    for row in range(rows):
        if row:
            QTest.keyClick(tree, Qt.Key.Key_Down)
        QApplication.processEvents()
        item = tree.topLevelItem(row)
        assert item is not None and tree.currentItem() is item
        for column in range(tree.columnCount()):
            cell = tree.visualRect(tree.model().index(row, column))
            text = item.text(column)
            seen = on_screen(tree.viewport(), cell)
            assert on_screen(tree.viewport(), tree.viewport().rect()).contains(seen), (text, cell)
            assert on_screen(page, page.rect()).contains(seen), (text, seen)
            needed = wrapped_height(text, tree.font(), cell.width() - 2 * margin)
            assert cell.height() >= needed, (text, cell.height(), needed)
    return rows


def within(inner: QWidget, outer: QWidget) -> bool:
    """`inner` lies wholly inside `outer` on the screen."""
    top_left = inner.mapTo(outer.window(), inner.rect().topLeft())
    placed = QRect(top_left, inner.size())
    shown = QRect(outer.mapTo(outer.window(), outer.rect().topLeft()), outer.size())
    return shown.contains(placed)


def at_size(window: MainWindow, size: QSize, zoom: float) -> None:
    window.set_zoom(zoom)
    window.resize(size)
    QApplication.processEvents()


@pytest.fixture
def board_day(recorder: Recorder, opened: MainWindow) -> MainWindow:
    opened.editor.action_items.board.today = lambda: TODAY
    return opened


@pytest.mark.parametrize(("size", "zoom"), SIZES)
def test_every_card_on_the_actions_tab_shows_its_whole_title(
    board_day: MainWindow, size: QSize, zoom: float, recorder: Recorder
) -> None:
    at_size(board_day, size, zoom)
    QTest.keyClick(board_day, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    section = board_day.editor.action_items
    assert section.isVisible()
    assert assert_cards_whole(section.board, recorder) == 5


def test_a_card_grows_and_shrinks_with_its_column(
    board_day: MainWindow, recorder: Recorder
) -> None:
    board_day.editor.show_view(View.ACTIONS)
    column = board_day.editor.action_items.board.columns[ActionStatus.OPEN]
    heights = []
    for width in (1920, 1100, 1920):
        board_day.resize(width, 900)
        QApplication.processEvents()
        assert_cards_whole(board_day.editor.action_items.board, recorder)
        heights.append(column.visualRect(column.model().index(0, 0)).height())
    assert heights[1] > heights[0]  # narrower: the title takes more lines, and the card grows
    assert heights[2] == heights[0]  # and back


def test_the_arrow_keys_bring_a_column_the_board_scrolls_to_into_view(
    board_day: MainWindow, recorder: Recorder
) -> None:
    """At 150% on a small screen four readable columns may not fit: the board scrolls sideways
    rather than squeeze them, and the column the keyboard moves to is shown whole."""
    at_size(board_day, QSize(1280, 720), 1.5)
    board_day.editor.show_view(View.ACTIONS)
    board = board_day.editor.action_items.board
    board.select_action(board.columns[ActionStatus.OPEN].item(0).data(ACTION_ID))
    QApplication.processEvents()
    for status in (ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED):
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClick(focused, Qt.Key.Key_Right)
        QApplication.processEvents()
        column = board.columns[status]
        assert column.hasFocus()
        assert within(column, board), status
    assert assert_cards_whole(board, recorder) == 5


@pytest.fixture
def presenting(board_day: MainWindow) -> Iterator[MainWindow]:
    yield board_day
    if board_day.meeting is not None:
        board_day.meeting.leave()


def start(window: MainWindow, size: QSize, zoom: float) -> MeetingMode:
    at_size(window, size, zoom)
    mode = window.start_meeting(size)  # the stage as big as the projector's screen
    assert mode is not None
    assert QTest.qWaitForWindowExposed(mode.stage)
    mode.action_items.board.today = lambda: TODAY
    mode.action_items.board.show_postmortem(mode.postmortem)
    QApplication.processEvents()
    return mode


def go_to(mode: MeetingMode, step: Step) -> None:
    mode.stage.setFocus()
    QTest.keyClick(mode.stage, getattr(Qt.Key, f"Key_{step.number}"))
    QApplication.processEvents()
    assert mode.step is step


@pytest.mark.parametrize(("size", "zoom"), SIZES)
def test_on_the_stage_every_card_and_every_owned_action_is_whole(
    presenting: MainWindow, size: QSize, zoom: float, recorder: Recorder
) -> None:
    mode = start(presenting, size, zoom)
    assert mode.stage.size() == size  # the ground rules do not make it taller than the screen

    go_to(mode, Step.ACTIONS)
    assert mode.stage.size() == size  # nor does a wide page of another step make it wider
    assert within(mode.action_items.board, mode.stage)
    # With no card selected the board has the section's whole width: at 100% all four columns
    # are in view; in larger type the room scrolls sideways (Left and Right).
    section = mode.action_items
    assert section.board.current_action() is None and not section.detail.isVisible()
    assert section.board.width() == section.splitter.width()
    if zoom == 1.0:
        viewport = section.board.sideways.viewport()
        assert all(within(column, viewport) for column in section.board.columns.values())
    assert assert_cards_whole(mode.action_items.board, recorder) == 5
    first = mode.postmortem.actions[0]
    section.board.select_action(first.id)
    assert section.detail.isVisible() and section.detail.action is not None

    go_to(mode, Step.WRAP_UP)
    assert mode.stage.size() == size
    assert within(mode.wrap_up, mode.stage)
    assert assert_rows_whole(mode.wrap_up.owners, mode.wrap_up) == 3  # open and in progress


def test_ground_rules_too_long_for_a_small_stage_scroll_with_the_arrow_keys(
    presenting: MainWindow,
) -> None:
    size = QSize(1280, 720)
    mode = start(presenting, size, 1.5)
    rules = mode.ground_rules
    assert mode.step is Step.GROUND_RULES and mode.stage.size() == size
    assert not within(rules.opening, rules.scroller.viewport())  # below the fold at first
    for _ in range(20):
        QTest.keyClick(mode.stage, Qt.Key.Key_Down)
    QApplication.processEvents()
    assert within(rules.opening, rules.scroller.viewport())
    assert mode.step is Step.GROUND_RULES  # the arrows scroll; they do not change the step
    for _ in range(20):
        QTest.keyClick(mode.stage, Qt.Key.Key_Up)
    QApplication.processEvents()
    assert within(rules.heading, rules.scroller.viewport())
