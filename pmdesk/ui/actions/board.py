"""The action board: one column per status, one card per action.

A card shows what makes an action followable at a glance: its title, its owner, its due date
(red once overdue), its priority and the cause it addresses; a missing owner or date says so on the
card. Cards move between columns by drag and drop, with Alt+Left / Alt+Right, or straight to a
column with Alt+1 … Alt+4; the board never moves a card itself: it asks, and redraws from what the
library holds after the change.

Nothing a meeting reads is cut off: a card grows to hold its whole title, owner and due date, at
any width and zoom; only the line naming the cause it addresses is cut to one line (its ref always
shown, its whole text on the card's tooltip and in the Causes tab). A column is never narrower than
a card of about eleven characters a line: where four do not fit, the board scrolls sideways.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum, auto

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDropEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from pmdesk.domain.actions import BOARD_COLUMNS
from pmdesk.domain.language import find_vagueness
from pmdesk.domain.model import ActionItem, ActionStatus, Cause, Postmortem
from pmdesk.ui.themes import current_colours
from pmdesk.ui.widgets import emphasise

Index = QModelIndex | QPersistentModelIndex
ACTION_ID = Qt.ItemDataRole.UserRole + 1
MIME_TYPE = "application/x-pmdesk-action-id"
STATUS_LABELS = {
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}
# The narrowest card holds about this many characters of its title on a line.
READABLE_CHARACTERS = 11
CARD_MARGIN = QSize(2, 1)  # around the card's border, inside its row
CARD_PADDING = QSize(10, 7)  # inside the border, around the text
# Alt+1 … Alt+4 on a card: straight to that column, counted from the left.
COLUMN_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}
ALT = Qt.KeyboardModifier.AltModifier
EVERYONE = "\x00everyone"  # the owner filter's "show all"; no real owner is named this
NO_OWNER = "\x00nobody"


class BoardList(QListWidget):
    """One column's cards. A drop from any column asks the board to change the card's status."""

    def __init__(self, board: ActionBoard, status: ActionStatus) -> None:
        super().__init__(board)
        self.board = board
        self.status = status
        self.setAccessibleName(f"{STATUS_LABELS[status]} actions")
        self.setItemDelegate(CardDelegate(self))
        # Each card as tall as its text: laid out again whenever the column's width changes.
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(3)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )

    def card_width(self) -> int:
        """How wide a card is in this column now: the whole width inside it."""
        return max(1, self.viewport().width() - 2 * self.spacing())

    def least_width(self) -> int:
        """The narrowest this column may be: a readable card, with room for a scroll bar."""
        bold = QFont(self.font())
        bold.setBold(True)
        text = READABLE_CHARACTERS * QFontMetrics(bold).averageCharWidth()
        card = text + 2 * (CARD_PADDING.width() + CARD_MARGIN.width())
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return card + 2 * self.spacing() + 2 * self.frameWidth() + scroll_bar

    def minimumSizeHint(self) -> QSize:
        return QSize(self.least_width(), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        # Every column asks for the same width, so the board shares its width out evenly.
        return QSize(self.least_width(), super().sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()

    def current_action_id(self) -> str | None:
        item = self.currentItem()
        return str(item.data(ACTION_ID)) if item is not None and item.isSelected() else None

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        mime = QMimeData()
        if items:
            mime.setData(MIME_TYPE, str(items[0].data(ACTION_ID)).encode())
        return mime

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def dropEvent(self, event: QDropEvent) -> None:
        # The board is redrawn from the library after the change: never let Qt move the item.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        mime = event.mimeData()
        if mime is not None and mime.hasFormat(MIME_TYPE):
            action_id = bytes(mime.data(MIME_TYPE).data()).decode()
            self.board.move_requested.emit(action_id, self.status)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        column = COLUMN_KEYS.get(Qt.Key(key))
        if column is not None and mods & ~Qt.KeyboardModifier.KeypadModifier == ALT:
            action_id = self.current_action_id()
            if action_id is not None:
                self.board.move_to(action_id, BOARD_COLUMNS[column])
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            if mods & Qt.KeyboardModifier.AltModifier:
                action_id = self.current_action_id()
                if action_id is not None:
                    self.board.move_by(action_id, step)
                return
            if not mods:
                self.board.focus_column(self.status, step)
                return
        super().keyPressEvent(event)


class ActionBoard(QWidget):
    move_requested = Signal(str, object)  # action id, ActionStatus
    title_edited = Signal(str, str)  # action id, new title
    title_typed = Signal(str)  # the title being typed in place, for the vagueness check
    current_changed = Signal(object)  # ActionItem or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today: Callable[[], date] = date.today
        self.action_items: dict[str, ActionItem] = {}
        self.causes: dict[str, Cause] = {}
        self.owner_filter = EVERYONE
        self.columns: dict[ActionStatus, BoardList] = {}
        self.headers: dict[ActionStatus, QLabel] = {}
        self._building = False
        self._shown: object = None
        # The columns share the board's width evenly; narrower than four readable cards, the
        # board scrolls sideways (each column scrolls its own cards up and down).
        self.sideways = QScrollArea()
        self.sideways.setFrameShape(QFrame.Shape.NoFrame)
        self.sideways.setWidgetResizable(True)
        self.sideways.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sideways.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        strip = QWidget()
        strip.setAccessibleName("Action columns")
        grid = QGridLayout(strip)  # headers in one row, so the columns' tops line up
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setRowStretch(1, 1)
        for at, status in enumerate(BOARD_COLUMNS):
            column = BoardList(self, status)
            column.itemSelectionChanged.connect(lambda c=column: self._selected_in(c))
            column.itemChanged.connect(self._item_changed)
            header = emphasise(QLabel(STATUS_LABELS[status]))
            header.setWordWrap(True)  # "In progress  (1)" on two lines rather than a wider column
            header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            header.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(header, 0, at)
            grid.addWidget(column, 1, at)
            grid.setColumnStretch(at, 1)
            self.columns[status] = column
            self.headers[status] = header
        self.sideways.setWidget(strip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sideways)

    def show_postmortem(self, postmortem: Postmortem) -> None:
        key = (
            [
                (a.id, a.ref, a.title, a.owner, a.due, a.status, a.priority, a.cause_id)
                for a in postmortem.actions
            ],
            [(c.id, c.ref, c.text) for c in postmortem.causes],
            self.owner_filter,
            self.today(),
        )
        if key == self._shown:
            self.action_items = {a.id: a for a in postmortem.actions}  # history may have changed
            return
        self._shown = key
        selected = self.current_action_id()
        self.action_items = {a.id: a for a in postmortem.actions}
        self.causes = {c.id: c for c in postmortem.causes}
        self._building = True
        try:
            for status, column in self.columns.items():
                column.clear()
                shown = 0
                for action in postmortem.actions:
                    if action.status is not status:
                        continue
                    item = QListWidgetItem(action.title)
                    item.setData(ACTION_ID, action.id)
                    item.setFlags(
                        Qt.ItemFlag.ItemIsEnabled
                        | Qt.ItemFlag.ItemIsSelectable
                        | Qt.ItemFlag.ItemIsEditable
                        | Qt.ItemFlag.ItemIsDragEnabled
                    )
                    item.setToolTip(self._tooltip(action))
                    column.addItem(item)
                    hidden = not self.owner_matches(action)
                    item.setHidden(hidden)
                    shown += not hidden
                self.headers[status].setText(f"{STATUS_LABELS[status]}  ({shown})")
        finally:
            self._building = False
        if selected is not None and not self.select_action(selected, focus=False):
            self.current_changed.emit(None)

    def owner_matches(self, action: ActionItem) -> bool:
        if self.owner_filter == EVERYONE:
            return True
        if self.owner_filter == NO_OWNER:
            return not (action.owner or "").strip()
        return (action.owner or "").strip() == self.owner_filter

    def set_owner_filter(self, owner: str) -> None:
        self.owner_filter = owner
        self._shown = None
        for column in self.columns.values():
            for row in range(column.count()):
                item = column.item(row)
                action = self.action_items.get(str(item.data(ACTION_ID)))
                item.setHidden(action is not None and not self.owner_matches(action))
        for status, column in self.columns.items():
            shown = sum(not column.item(r).isHidden() for r in range(column.count()))
            self.headers[status].setText(f"{STATUS_LABELS[status]}  ({shown})")

    def _tooltip(self, action: ActionItem) -> str:
        lines = [f"{action.ref}: {action.title}"]
        vague = find_vagueness(action.title)
        if vague is not None:
            lines.append(vague.message)
        cause = self.causes.get(action.cause_id or "")
        if cause is not None:
            lines.append(f"Addresses {cause.ref}: {cause.text}")
        return "\n\n".join(lines)

    # ---- selection -------------------------------------------------------------------------

    def current_action_id(self) -> str | None:
        for column in self.columns.values():
            found = column.current_action_id()
            if found is not None:
                return found
        return None

    def current_action(self) -> ActionItem | None:
        action_id = self.current_action_id()
        return self.action_items.get(action_id) if action_id else None

    def item_for(self, action_id: str) -> QListWidgetItem | None:
        for column in self.columns.values():
            for row in range(column.count()):
                item = column.item(row)
                if item.data(ACTION_ID) == action_id:
                    return item
        return None

    def select_action(self, action_id: str, *, focus: bool = True) -> bool:
        item = self.item_for(action_id)
        if item is None:
            return False
        if item.isHidden():  # the filter hides it: show everyone rather than lose it
            self.set_owner_filter(EVERYONE)
        column = item.listWidget()
        assert isinstance(column, BoardList)
        column.setCurrentItem(item)
        item.setSelected(True)
        column.scrollToItem(item)
        self.sideways.ensureWidgetVisible(column, 0, 0)
        if focus:
            column.setFocus()
        return True

    def _selected_in(self, column: BoardList) -> None:
        if self._building:
            return
        if column.selectedItems():
            for other in self.columns.values():
                if other is not column:
                    other.clearSelection()
        self.current_changed.emit(self.current_action())

    def focus_column(self, status: ActionStatus, step: int) -> None:
        order = list(BOARD_COLUMNS)
        target = self.columns[order[max(0, min(len(order) - 1, order.index(status) + step))]]
        self.sideways.ensureWidgetVisible(target, 0, 0)
        target.setFocus()
        if target.currentItem() is None and target.count():
            target.setCurrentRow(0)

    def move_to(self, action_id: str, status: ActionStatus) -> None:
        action = self.action_items.get(action_id)
        if action is not None and action.status is not status:
            self.move_requested.emit(action_id, status)

    def move_by(self, action_id: str, step: int) -> None:
        action = self.action_items.get(action_id)
        if action is None:
            return
        order = list(BOARD_COLUMNS)
        at = order.index(action.status) + step
        if 0 <= at < len(order):
            self.move_requested.emit(action_id, order[at])

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._building:
            return
        action = self.action_items.get(str(item.data(ACTION_ID)))
        if action is not None and item.text() != action.title:
            self.title_edited.emit(action.id, item.text())


class Look(Enum):
    PLAIN = auto()
    LACKING = auto()  # something an open action needs and does not have
    LATE = auto()
    QUIET = auto()


def card_rows(action: ActionItem, cause: Cause | None, today: date) -> list[tuple[str, Look]]:
    """The card's lines under the title: owner, due date, and the cause it addresses."""
    lacking = Look.LACKING if action.status.is_active else Look.QUIET
    owner = (action.owner or "").strip()
    rows = [(owner, Look.PLAIN) if owner else ("no owner", lacking)]
    if action.due is None:
        rows.append(("no due date", lacking))
    else:
        late = (today - action.due).days if action.status.is_active else 0
        if late > 0:
            rows.append((f"due {action.due.isoformat()} · {late} d late", Look.LATE))
        else:
            rows.append((f"due {action.due.isoformat()}", Look.PLAIN))
    if cause is not None:
        rows.append((f"→ {cause.ref}  {' '.join(cause.text.split())}", Look.QUIET))
    else:
        rows.append(("addresses no cause", lacking))
    return rows


class CardDelegate(QStyledItemDelegate):
    """Paints an action as a card: ref and priority, the whole title, owner and due date, the
    cause. Each card is as tall as its text needs at its column's width."""

    def __init__(self, column: BoardList) -> None:
        super().__init__(column)
        self._column = column

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAccessibleName("Action title")
        editor.textEdited.connect(self._column.board.title_typed)
        return editor

    def card(self, index: Index, font: QFont, width: int) -> CardText | None:
        """The text of the card at `index`, laid out for a card `width` wide."""
        board = self._column.board
        action = board.action_items.get(str(index.data(ACTION_ID)))
        if action is None:
            return None
        cause = board.causes.get(action.cause_id or "")
        inside = width - 2 * (CARD_MARGIN.width() + CARD_PADDING.width())
        return CardText(action, cause, board.today(), font, inside)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        width = self._column.card_width()
        card = self.card(index, option.font, width)
        text = card.height if card is not None else QFontMetrics(option.font).lineSpacing()
        return QSize(width, text + 2 * (CARD_MARGIN.height() + CARD_PADDING.height()))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        card = self.card(index, option.font, option.rect.width())
        if card is None:
            return
        colours = current_colours()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        margin, padding = CARD_MARGIN, CARD_PADDING
        rect: QRect = option.rect.adjusted(
            margin.width(), margin.height(), -margin.width(), -margin.height()
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = QColor(colours.highlight if selected else colours.muted)
        painter.setPen(QPen(border, 2.5 if selected else 1))
        painter.setBrush(QColor(colours.base))
        painter.drawRoundedRect(rect, 6, 6)
        inner = rect.adjusted(padding.width(), padding.height(), -padding.width(), 0)
        origin = inner.topLeft()
        if card.pill is not None:
            pill, label, urgent = card.pill
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colours.error if urgent else colours.muted))
            painter.drawRoundedRect(pill.translated(origin), 4, 4)
            painter.setFont(card.small)
            painter.setPen(QColor(colours.base))
            painter.drawText(pill.translated(origin), Qt.AlignmentFlag.AlignCenter, label)
        for piece in card.pieces:
            painter.setFont(piece.font)
            painter.setPen(QColor(getattr(colours, piece.colour)))
            painter.drawText(piece.rect.translated(origin), piece.flags, piece.text)
        painter.restore()


LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextSingleLine
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextSingleLine
NO_BREAK = "\u00a0"
COLOUR_OF = {Look.PLAIN: "text", Look.LACKING: "warning", Look.LATE: "error", Look.QUIET: "muted"}


@dataclass(frozen=True)
class Piece:
    """One line of a card's text and where it goes, inside the card's padding."""

    text: str
    font: QFont
    colour: str  # the name of one of the theme's colours
    rect: QRect
    flags: int = LEFT


class CardText:
    """What a card shows, line by line, in `font` at `width` inside its padding; `height` is how
    tall that is. The title, owner and due date wrap onto as many lines as they need (a word
    wider than the card breaks where it must); the cause keeps to one line."""

    def __init__(
        self, action: ActionItem, cause: Cause | None, today: date, font: QFont, width: int
    ) -> None:
        width = max(1, width)
        self.pieces: list[Piece] = []
        self.pill: tuple[QRect, str, bool] | None = None
        self.small = QFont(font)
        self.small.setPointSizeF(font.pointSizeF() * 0.9)
        small = QFontMetrics(self.small)
        bold = QFont(font)
        bold.setBold(True)
        line = QFontMetrics(font).lineSpacing()
        box = line_box(self.small)

        # first line: ref, priority, and what is vague (beside them, or under them if too long)
        self.pieces.append(Piece(action.ref, self.small, "muted", QRect(0, 0, width, box)))
        x = small.horizontalAdvance(action.ref) + 8
        if action.priority is not None:
            label = action.priority.value
            pill = QRect(x, 0, small.horizontalAdvance(label) + 10, small.height() + 2)
            self.pill = (pill, label, label in ("P0", "P1"))
            x = pill.right() + 1
        y = line
        if action.status.is_active and find_vagueness(action.title) is not None:
            vague = "vague: say what changes"
            if x + 8 + small.horizontalAdvance(vague) <= width:
                self.pieces.append(
                    Piece(vague, self.small, "warning", QRect(0, 0, width, box), RIGHT)
                )
            else:
                y = self._wrap(vague, self.small, "warning", y, width)

        y = self._wrap(action.title, bold, "text", y, width)

        # owner, due date and cause; what an open action lacks is said
        for text, look in card_rows(action, cause, today):
            if text.startswith("→"):  # the cause: one line, its ref first
                shown = small.elidedText(text, Qt.TextElideMode.ElideRight, width)
                rect = QRect(0, y, width, box)
                self.pieces.append(Piece(shown, self.small, COLOUR_OF[look], rect))
                y += small.lineSpacing()
            else:
                if text.startswith("due "):  # "due 2026-04-10 · 3 d late" breaks at the dot
                    text = " · ".join(part.replace(" ", NO_BREAK) for part in text.split(" · "))
                y = self._wrap(text, font, COLOUR_OF[look], y, width)
        self.height = y

    def _wrap(self, text: str, font: QFont, colour: str, top: int, width: int) -> int:
        step, box = QFontMetrics(font).lineSpacing(), line_box(font)
        for shown in wrap_lines(text, font, width):
            self.pieces.append(Piece(shown, font, colour, QRect(0, top, width, box)))
            top += step
        return top


def line_box(font: QFont) -> int:
    """How tall a rectangle one line of text in `font` is drawn in without clipping it (a pixel
    more than the line spacing, in some fonts and sizes)."""
    metrics = QFontMetrics(font)
    return max(
        metrics.lineSpacing(),
        metrics.boundingRect(QRect(0, 0, 1 << 16, 1 << 16), LEFT, "Ág").height(),
    )


def wrap_lines(text: str, font: QFont, width: int) -> list[str]:
    """`text` in lines no wider than `width`: broken between words, or inside a word wider than
    the whole width. Nothing is left out."""
    text = " ".join(text.split())
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    lines: list[str] = []
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(max(1, width))
        lines.append(text[line.textStart() : line.textStart() + line.textLength()].strip())
    layout.endLayout()
    return lines or [""]
