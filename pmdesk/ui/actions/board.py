"""The action board: one column per status, one card per action.

A card shows what makes an action followable at a glance: its title, its owner, its due date
(red once overdue), its priority and the cause it addresses; a missing owner or date says so on the
card. Cards move between columns by drag and drop, with Alt+Left / Alt+Right, or straight to a
column with Alt+1 … Alt+4; the board never moves a card itself: it asks, and redraws from what the
library holds after the change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from enum import Enum, auto

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QDropEvent, QFont, QFontMetrics, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
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
TITLE_LINES = 3
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
        self.setUniformItemSizes(True)
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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for status in BOARD_COLUMNS:
            column = BoardList(self, status)
            column.itemSelectionChanged.connect(lambda c=column: self._selected_in(c))
            column.itemChanged.connect(self._item_changed)
            header = emphasise(QLabel(STATUS_LABELS[status]))
            box = QVBoxLayout()
            box.addWidget(header)
            box.addWidget(column, 1)
            layout.addLayout(box, 1)
            self.columns[status] = column
            self.headers[status] = header

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


class CardDelegate(QStyledItemDelegate):
    """Paints an action as a card: ref and priority, title, owner and due date, the cause."""

    def __init__(self, column: BoardList) -> None:
        super().__init__(column)
        self._column = column

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAccessibleName("Action title")
        editor.textEdited.connect(self._column.board.title_typed)
        return editor

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(200, line * (TITLE_LINES + 4) + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        board = self._column.board
        action = board.action_items.get(str(index.data(ACTION_ID)))
        if action is None:
            return
        colours = current_colours()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect: QRect = option.rect.adjusted(2, 1, -2, -1)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = QColor(colours.highlight if selected else colours.muted)
        painter.setPen(QPen(border, 2.5 if selected else 1))
        painter.setBrush(QColor(colours.base))
        painter.drawRoundedRect(rect, 6, 6)
        inner = rect.adjusted(10, 7, -10, -7)
        font = QFont(option.font)
        metrics = QFontMetrics(font)
        line = metrics.lineSpacing()
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.9)
        small_metrics = QFontMetrics(small)

        # first line: ref, priority, and what is missing or vague
        painter.setFont(small)
        painter.setPen(QColor(colours.muted))
        x = inner.left()
        painter.drawText(QRect(x, inner.top(), inner.width(), line), 0, action.ref)
        x += small_metrics.horizontalAdvance(action.ref) + 8
        if action.priority is not None:
            label = action.priority.value
            width = small_metrics.horizontalAdvance(label) + 10
            pill = QRect(x, inner.top() + 1, width, small_metrics.height())
            urgent = action.priority.value in ("P0", "P1")
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colours.error if urgent else colours.muted))
            painter.drawRoundedRect(pill, 4, 4)
            painter.setPen(QColor(colours.base))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        if action.status.is_active and find_vagueness(action.title) is not None:
            painter.setPen(QColor(colours.warning))
            painter.drawText(
                QRect(inner.left(), inner.top(), inner.width(), line),
                Qt.AlignmentFlag.AlignRight,
                "vague: say what changes",
            )

        # the title, up to three lines
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(colours.text))
        title_rect = QRect(inner.left(), inner.top() + line, inner.width(), line * TITLE_LINES)
        painter.drawText(title_rect, _wrapped(action.title, QFontMetrics(bold), inner.width()))

        # owner, due date and cause, one line each; what an open action lacks is said
        cause = board.causes.get(action.cause_id or "")
        looks = {
            Look.PLAIN: (colours.text, font),
            Look.LACKING: (colours.warning, font),
            Look.LATE: (colours.error, font),
            Look.QUIET: (colours.muted, font),
        }
        rows = []
        for text, look in card_rows(action, cause, board.today()):
            colour, row_font = looks[look]
            rows.append((text, colour, small if text.startswith("→") else row_font))
        y = inner.top() + line * (1 + TITLE_LINES)
        for text, colour, row_font in rows:
            painter.setFont(row_font)
            painter.setPen(QColor(colour))
            row_metrics = QFontMetrics(row_font)
            shown = row_metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
            painter.drawText(inner.left(), y + row_metrics.ascent(), shown)
            y += line
        painter.restore()


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


def _wrapped(text: str, metrics: QFontMetrics, width: int) -> str:
    """The text wrapped by words into at most TITLE_LINES lines, the last elided if it runs over."""
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < TITLE_LINES - 1:
        line = ""
        while words and metrics.horizontalAdvance(f"{line} {words[0]}".strip()) <= width:
            line = f"{line} {words.pop(0)}".strip()
        if not line:  # one word wider than the card: cut it
            line = metrics.elidedText(words.pop(0), Qt.TextElideMode.ElideRight, width)
        lines.append(line)
    if words:
        lines.append(metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width))
    return "\n".join(lines)
