"""The five-whys tree as an outline a scribe can keep up with.

Each cause is a row: its depth ("why 2"), its ref and text, and at the right what it still needs
(a quiet "keep asking why" on a leaf that is not systemic, a "no action" badge on a systemic cause
nothing addresses). Systemic causes carry a coloured bar and a bold text. Actions hang under the
cause they address. Blame language in a cause is underlined.

New causes are typed into a draft row: Enter stores it and opens the next sibling, Ctrl+Enter
stores it as systemic (the chain of whys ends there, so the next line opens a level up), Tab moves
the draft one level deeper (a why of the row above), Shift+Tab one level up, Escape closes it.
While the draft is open, the selected cause is the one just typed from it, so the pane beside the
tree, Ctrl+M and Ctrl+Shift+A are about that cause. The view never changes the tree itself: drops
and keyboard moves are requests the section turns into undoable edits, and the tree is redrawn
from what the library then holds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from pmdesk.domain.blame import BlameHit
from pmdesk.domain.cause_tree import CauseTree, actions_by_cause, addressed, why_label
from pmdesk.domain.language import find_blame
from pmdesk.domain.model import ActionItem, ActionStatus, Cause, Postmortem
from pmdesk.ui.themes import current_colours

Index = QModelIndex | QPersistentModelIndex
ITEM_ID = Qt.ItemDataRole.UserRole + 1


class RowKind(IntEnum):
    CAUSE = QTreeWidgetItem.ItemType.UserType.value + 1
    ACTION = QTreeWidgetItem.ItemType.UserType.value + 2
    DRAFT = QTreeWidgetItem.ItemType.UserType.value + 3


@dataclass(frozen=True, slots=True)
class CauseRow:
    """What a cause's row shows, worked out once per redraw."""

    cause: Cause
    depth: int
    leaf: bool
    blame: BlameHit | None
    needs_action: bool  # systemic, and no action (other than a dropped one) addresses it

    @property
    def keep_asking(self) -> bool:
        return self.leaf and not self.cause.systemic


@dataclass(frozen=True, slots=True)
class Draft:
    """A cause being typed: where it will hang, and what has been typed so far."""

    parent_id: str | None
    index: int | None  # among the parent's children; None for the last
    text: str = ""
    systemic: bool = False  # stored with Ctrl+Enter: a condition of the system
    after: str | None = None  # the cause typed just before from this line, if any


STATUS_MARKS = {
    ActionStatus.OPEN: "○",
    ActionStatus.IN_PROGRESS: "◐",
    ActionStatus.DONE: "●",
    ActionStatus.DROPPED: "✕",
}


class DraftEditor(QLineEdit):
    """The line a new cause is typed into; Tab and Shift+Tab change its level, Enter stores it
    and Ctrl+Enter stores it as systemic."""

    submitted = Signal(bool)  # systemic
    cancelled = Signal()
    deeper = Signal()
    shallower = Signal()

    def event(self, event: QEvent) -> bool:
        # Tab never reaches keyPressEvent: the focus chain takes it first.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if (
                event.key() == Qt.Key.Key_Tab
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            ):
                self.deeper.emit()
                return True
            if event.key() == Qt.Key.Key_Backtab:
                self.shallower.emit()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit(bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
        elif event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)


class CauseTreeView(QTreeWidget):
    move_requested = Signal(str, object, object)  # cause id, new parent id or None, index or None
    text_edited = Signal(str, str)  # cause id, new text
    draft_submitted = Signal(object)  # the Draft, with its text
    draft_changed = Signal()  # opened, moved or closed
    ask_why_requested = Signal()
    add_factor_requested = Signal()
    action_activated = Signal(str)  # action id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Cause tree")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setUniformRowHeights(True)  # a thousand causes scroll without measuring each row
        self.setIndentation(22)
        self.setAnimated(False)
        self.setExpandsOnDoubleClick(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setItemDelegate(CauseDelegate(self))
        self.rows: dict[str, CauseRow] = {}
        self.action_items: dict[str, ActionItem] = {}
        self.tree = CauseTree([])
        self.draft: Draft | None = None
        self.draft_editor: DraftEditor | None = None
        self._items: dict[str, QTreeWidgetItem] = {}
        self._collapsed: set[str] = set()
        self._shown: object = None
        self._building = False
        self.itemChanged.connect(self._item_changed)
        self.itemExpanded.connect(lambda item: self._collapsed.discard(item.data(0, ITEM_ID)))
        self.itemCollapsed.connect(lambda item: self._collapsed.add(item.data(0, ITEM_ID)))
        self.itemActivated.connect(self._activated)

    # ---- showing ---------------------------------------------------------------------------

    def show_postmortem(self, postmortem: Postmortem) -> None:
        """Redraw from the stored postmortem, keeping what is collapsed, selected and drafted."""
        people = tuple(p.name for p in postmortem.participants)
        key = (
            [
                (c.id, c.ref, c.text, c.parent_id, c.systemic, tuple(c.evidence))
                for c in postmortem.causes
            ],
            [
                (a.id, a.ref, a.title, a.owner, a.due, a.status, a.cause_id)
                for a in postmortem.actions
            ],
            people,
        )
        if key == self._shown:
            return
        self._shown = key
        tree = CauseTree(postmortem.causes)
        covered = addressed(postmortem.actions)
        by_cause = actions_by_cause(postmortem.actions)
        self.tree = tree
        self.action_items = {a.id: a for a in postmortem.actions}
        self.rows = {
            c.id: CauseRow(
                c,
                tree.depth(c.id),
                tree.is_leaf(c.id),
                find_blame(c.text, people),
                c.systemic and c.id not in covered,
            )
            for c in tree.preorder()
        }
        current = self.current_id()
        scroll = self.verticalScrollBar().value()
        # An edit made while typing (Ctrl+M on the cause just typed) leaves the keyboard there.
        typing = self.draft_editor is not None and self.draft_editor.hasFocus()
        self._building = True
        self.setUpdatesEnabled(False)
        try:
            self.draft_editor = None
            self._empty()
            pending: list[tuple[QTreeWidgetItem | None, Cause]] = [
                (None, c) for c in reversed(tree.roots)
            ]
            top: list[QTreeWidgetItem] = []
            while pending:
                parent_item, cause = pending.pop()
                item = self._cause_item(cause)
                if parent_item is None:
                    top.append(item)
                else:
                    parent_item.addChild(item)
                for action in by_cause.get(cause.id, []):
                    item.addChild(self._action_item(action))
                pending.extend((item, child) for child in reversed(tree.children(cause.id)))
            self.addTopLevelItems(top)
            for cause_id, item in self._items.items():
                if cause_id not in self._collapsed and item.childCount():
                    item.setExpanded(True)
        finally:
            self._building = False
            self.setUpdatesEnabled(True)
        if self.draft is not None:
            self._place_draft(focus=typing)
        if current is not None:
            self.select(current, focus=False)
        self.verticalScrollBar().setValue(scroll)

    def let_go(self) -> None:
        """Take every row apart as the window closes. Qt's own teardown of the view deletes a
        branch whole, which costs n² for a chain n deep (6 s at 10,000 whys); this is linear.
        Showing a postmortem again draws it anew."""
        self._shown = None
        self._empty()

    def _empty(self) -> None:
        """Remove every row in time linear in their number, however deep the tree.

        Deleting a branch whole walks, for each item, all the items below it again, and taking
        rows out of the view checks each expanded row's ancestors: a chain n deep would cost n
        squared steps either way (seconds for a few thousand whys). So the rows are first folded
        (quietly: what the user collapsed is remembered apart), then taken out of the view in one
        go, then apart leaf first, so that each item is deleted on its own.
        """
        blocked = self.blockSignals(True)
        try:
            self.collapseAll()
        finally:
            self.blockSignals(blocked)
        self.invisibleRootItem().takeChildren()
        for item in reversed(self._items.values()):  # preorder reversed: children first
            item.takeChildren()
        self._items = {}
        self.clear()

    def _cause_item(self, cause: Cause) -> QTreeWidgetItem:
        item = QTreeWidgetItem(RowKind.CAUSE.value)
        item.setText(0, cause.text)
        item.setData(0, ITEM_ID, cause.id)
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )
        row = self.rows[cause.id]
        tips = [f"{cause.ref} · {why_label(row.depth)}", cause.text]
        if row.blame is not None:
            tips.append(
                f"“{row.blame.phrase}” puts the failure on a person. {row.blame.suggestion}"
            )
        if row.keep_asking:
            tips.append("Keep asking why until the answer is a condition of the system.")
        if row.needs_action:
            tips.append("Systemic, but no action addresses it yet.")
        item.setToolTip(0, "\n\n".join(tips))
        self._items[cause.id] = item
        return item

    def _action_item(self, action: ActionItem) -> QTreeWidgetItem:
        item = QTreeWidgetItem(RowKind.ACTION.value)
        item.setText(0, action.title)
        item.setData(0, ITEM_ID, action.id)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setToolTip(0, f"Action {action.ref}: {action.title}")
        return item

    # ---- selection -------------------------------------------------------------------------

    def item_for(self, cause_id: str) -> QTreeWidgetItem | None:
        return self._items.get(cause_id)

    def current_id(self) -> str | None:
        """The selected cause, or the cause of the selected action. While a new cause is typed,
        the cause typed just before it from the same line, else the one it answers."""
        item = self.currentItem()
        if item is None:
            return None
        if item.type() == RowKind.DRAFT.value:
            if self.draft is None:
                return None
            after = self.draft.after
            return after if after is not None and after in self.tree else self.draft.parent_id
        if item.type() == RowKind.ACTION.value and item.parent() is not None:
            item = item.parent()
        if item is None or item.type() != RowKind.CAUSE.value:
            return None
        value = item.data(0, ITEM_ID)
        return str(value) if value is not None else None

    def current_action_id(self) -> str | None:
        item = self.currentItem()
        if item is not None and item.type() == RowKind.ACTION.value:
            return str(item.data(0, ITEM_ID))
        return None

    def select(self, cause_id: str, *, focus: bool = True) -> bool:
        item = self._items.get(cause_id)
        if item is None:
            return False
        parent = item.parent()
        while parent is not None:  # show it, even inside a collapsed branch
            parent.setExpanded(True)
            parent = parent.parent()
        self.setCurrentItem(item)
        self.scrollToItem(item)
        if focus:
            self.setFocus()
        return True

    # ---- the draft row ---------------------------------------------------------------------

    def open_draft(self, draft: Draft) -> None:
        self.close_draft(keep_selection=True)
        self.draft = draft
        self._place_draft(focus=True)
        self.draft_changed.emit()

    def close_draft(self, *, keep_selection: bool = False) -> None:
        if self.draft is None:
            return
        self.draft = None
        self._remove_draft_item()
        self.draft_changed.emit()
        if not keep_selection:
            self.setFocus()

    def draft_placeholder(self) -> str:
        assert self.draft is not None
        parent = self.tree.get(self.draft.parent_id) if self.draft.parent_id else None
        if parent is None:
            return "Problem statement: what went wrong, for whom, for how long?"
        return f"Why did “{_clip(parent.text)}” happen?"

    def _place_draft(self, *, focus: bool) -> None:
        assert self.draft is not None
        self._remove_draft_item()
        draft = self.draft
        if draft.parent_id is not None and draft.parent_id not in self._items:
            self.draft = None  # its parent was deleted (an undo, another window)
            return
        item = QTreeWidgetItem(RowKind.DRAFT.value)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        parent_item = self._items.get(draft.parent_id) if draft.parent_id else None
        # Place among causes only: the parent's action rows stay last.
        causes_before = self.tree.children(draft.parent_id)[: draft.index]
        if parent_item is None:
            self.insertTopLevelItem(len(causes_before), item)
        else:
            parent_item.insertChild(len(causes_before), item)
            parent_item.setExpanded(True)
        editor = DraftEditor()
        editor.setAccessibleName("New cause")
        editor.setText(draft.text)
        editor.textEdited.connect(self._draft_typed)
        editor.submitted.connect(self._submit_draft)
        editor.cancelled.connect(self.close_draft)
        editor.deeper.connect(lambda: self._shift_draft(+1))
        editor.shallower.connect(lambda: self._shift_draft(-1))
        self.setItemWidget(item, 0, editor)
        editor.setPlaceholderText(self.draft_placeholder())
        self.draft_editor = editor
        self.scrollToItem(item)
        if focus:
            editor.setFocus()

    def _remove_draft_item(self) -> None:
        self.draft_editor = None
        for item in self._draft_items():
            parent = item.parent()
            if parent is None:
                self.takeTopLevelItem(self.indexOfTopLevelItem(item))
            else:
                parent.removeChild(item)

    def _draft_items(self) -> list[QTreeWidgetItem]:
        found = []
        stack = [self.invisibleRootItem()]
        while stack:
            item = stack.pop()
            if item.type() == RowKind.DRAFT.value:
                found.append(item)
            for i in range(item.childCount()):
                child = item.child(i)
                if child is not None:
                    stack.append(child)
        return found

    def _draft_typed(self, text: str) -> None:
        if self.draft is not None:
            self.draft = replace(self.draft, text=text)

    def _submit_draft(self, systemic: bool) -> None:
        if self.draft is None:
            return
        if not self.draft.text.strip():
            self.close_draft()
            return
        self.draft_submitted.emit(replace(self.draft, systemic=systemic))

    def _shift_draft(self, step: int) -> None:
        """Tab: become a why of the cause just above; Shift+Tab: a sibling of the parent."""
        draft = self.draft
        if draft is None:
            return
        siblings = self.tree.children(draft.parent_id)
        position = len(siblings) if draft.index is None else draft.index
        if step > 0:
            if position == 0:
                return  # nothing above to hang under
            moved = replace(draft, parent_id=siblings[position - 1].id, index=None)
        else:
            if draft.parent_id is None:
                return
            parent = self.tree.get(draft.parent_id)
            assert parent is not None
            grand = parent.parent_id if parent.parent_id in self.tree else None
            moved = replace(
                draft, parent_id=grand, index=self.tree.index_among_siblings(parent.id) + 1
            )
        self.draft = moved
        self._place_draft(focus=True)
        self.draft_changed.emit()

    # ---- keys, edits, drops ----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        alt = mods & Qt.KeyboardModifier.AltModifier
        if alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._keyboard_move(key)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods:
            if self.current_action_id() is not None:
                self.action_activated.emit(self.current_action_id())
            else:
                self.add_factor_requested.emit()
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and not event.modifiers()
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.ask_why_requested.emit()
            return True
        return super().event(event)

    def _keyboard_move(self, key: int) -> None:
        cause_id = self.current_id()
        if cause_id is None or self.current_action_id() is not None:
            return
        cause = self.tree.get(cause_id)
        assert cause is not None
        parent_id = cause.parent_id if cause.parent_id in self.tree else None
        index = self.tree.index_among_siblings(cause_id)
        siblings = self.tree.children(parent_id)
        if key == Qt.Key.Key_Up and index > 0:
            self.move_requested.emit(cause_id, parent_id, index - 1)
        elif key == Qt.Key.Key_Down and index < len(siblings) - 1:
            self.move_requested.emit(cause_id, parent_id, index + 1)
        elif key == Qt.Key.Key_Right and index > 0:
            self.move_requested.emit(cause_id, siblings[index - 1].id, None)
        elif key == Qt.Key.Key_Left and parent_id is not None:
            grand = self.tree.parent(parent_id)
            after = self.tree.index_among_siblings(parent_id) + 1
            self.move_requested.emit(cause_id, grand.id if grand else None, after)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._building or item.type() != RowKind.CAUSE.value:
            return
        cause_id = str(item.data(0, ITEM_ID))
        row = self.rows.get(cause_id)
        if row is not None and item.text(0) != row.cause.text:
            self.text_edited.emit(cause_id, item.text(0))

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        if item.type() == RowKind.ACTION.value:
            self.action_activated.emit(str(item.data(0, ITEM_ID)))

    def drop_target(
        self,
        item: QTreeWidgetItem | None,
        indicator: QAbstractItemView.DropIndicatorPosition,
        moving: str,
    ) -> tuple[str | None, int | None] | None:
        """Where a cause dropped here would hang: (parent id, index), or None for nowhere."""
        positions = QAbstractItemView.DropIndicatorPosition
        if item is None or indicator is positions.OnViewport:
            return None, None
        if item.type() == RowKind.ACTION.value:
            item, indicator = item.parent(), positions.OnItem
        if item is None or item.type() != RowKind.CAUSE.value:
            return None
        target_id = str(item.data(0, ITEM_ID))
        if indicator is positions.OnItem:
            return target_id, None
        target = self.tree.get(target_id)
        assert target is not None
        parent_id = target.parent_id if target.parent_id in self.tree else None
        siblings = [c.id for c in self.tree.children(parent_id) if c.id != moving]
        index = siblings.index(target_id) if target_id in siblings else len(siblings)
        return parent_id, index + (1 if indicator is positions.BelowItem else 0)

    def indicator_at(self, pos: QPoint) -> QAbstractItemView.DropIndicatorPosition:
        """Above, below or on the row under `pos`, the way the drop indicator shows it."""
        positions = QAbstractItemView.DropIndicatorPosition
        item = self.itemAt(pos)
        if item is None:
            return positions.OnViewport
        rect = self.visualItemRect(item)
        margin = max(2, rect.height() // 4)
        if pos.y() - rect.top() < margin:
            return positions.AboveItem
        if rect.bottom() - pos.y() < margin:
            return positions.BelowItem
        return positions.OnItem

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        moving = self.current_id()
        pos = event.position().toPoint()
        target = self.drop_target(self.itemAt(pos), self.indicator_at(pos), moving or "")
        if moving is None or target is None or self.tree.would_loop(moving, target[0]):
            event.ignore()  # a cause cannot hang below itself: show that before the drop

    def dropEvent(self, event: QDropEvent) -> None:
        moving = self.current_id()
        pos = event.position().toPoint()
        target = self.drop_target(self.itemAt(pos), self.indicator_at(pos), moving or "")
        # The tree is redrawn from the library after the move: never let Qt move rows itself.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if moving is not None and self.current_action_id() is None and target is not None:
            self.move_requested.emit(moving, *target)


class CauseDelegate(QStyledItemDelegate):
    """Paints a cause row (badge, text, hints) or an action row under its cause."""

    def __init__(self, view: CauseTreeView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        size.setHeight(max(size.height(), round(QFontMetrics(option.font).height() * 1.9)))
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        view = self._view
        if isinstance(index, QPersistentModelIndex):
            index = view.model().index(index.row(), index.column(), index.parent())
        item = view.itemFromIndex(index)
        if item is None or item.type() == RowKind.DRAFT.value:
            return
        colours = current_colours()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect: QRect = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.fillRect(rect, option.palette.highlight())
        text_colour = (
            option.palette.highlightedText().color() if selected else option.palette.text().color()
        )
        muted = QColor(text_colour if selected else colours.muted)
        font = QFont(option.font)
        metrics = QFontMetrics(font)
        x, right = rect.left() + 6, rect.right() - 8
        middle = rect.center().y()
        if item.type() == RowKind.ACTION.value:
            action = view.action_items.get(str(item.data(0, ITEM_ID)))
            if action is not None:
                self._paint_action(painter, action, rect, x, right, text_colour, muted, selected)
            painter.restore()
            return
        row = view.rows.get(str(item.data(0, ITEM_ID)))
        if row is None:
            painter.restore()
            return
        cause = row.cause
        if cause.systemic:
            painter.fillRect(
                QRect(rect.left(), rect.top() + 3, 4, rect.height() - 6), QColor(colours.ok)
            )
        # the depth pill
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.85)
        small_metrics = QFontMetrics(small)
        label = why_label(row.depth)
        pill_w = small_metrics.horizontalAdvance(label) + 14
        pill_h = small_metrics.height() + 4
        pill = QRect(x, middle - pill_h // 2, pill_w, pill_h)
        pill_colour = QColor(colours.ok if cause.systemic else colours.muted)
        painter.setPen(QPen(text_colour if selected else pill_colour, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(pill, pill_h / 2, pill_h / 2)
        painter.setFont(small)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        x = pill.right() + 8
        # what the row still needs, at the right
        notes: list[tuple[str, QColor, bool]] = []  # text, colour, filled badge
        if cause.evidence:
            count = len(cause.evidence)
            notes.append((f"⏱ {count} event{'s' * (count != 1)}", muted, False))
        if row.needs_action:
            notes.append(("no action", QColor(colours.warning), True))
        if row.keep_asking:
            notes.append(("keep asking why", muted, False))
        for text, colour, filled in reversed(notes):
            width = small_metrics.horizontalAdvance(text) + (14 if filled else 0)
            box = QRect(right - width, middle - pill_h // 2, width, pill_h)
            if filled:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRoundedRect(box, pill_h / 2, pill_h / 2)
                painter.setPen(QColor(colours.base))
            else:
                small.setItalic(text == "keep asking why")
                painter.setFont(small)
                painter.setPen(text_colour if selected else colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            small.setItalic(False)
            painter.setFont(small)
            right = box.left() - 12
        # ref and text
        painter.setFont(small)
        painter.setPen(muted)
        ref_w = small_metrics.horizontalAdvance(cause.ref) + 8
        painter.drawText(
            QRect(x, rect.top(), ref_w, rect.height()), Qt.AlignmentFlag.AlignVCenter, cause.ref
        )
        x += ref_w
        font.setBold(cause.systemic)
        metrics = QFontMetrics(font)
        painter.setFont(font)
        painter.setPen(text_colour)
        width = max(0, right - x)
        shown = metrics.elidedText(" ".join(cause.text.split()), Qt.TextElideMode.ElideRight, width)
        baseline = middle + (metrics.ascent() - metrics.descent()) // 2
        painter.drawText(QPoint(x, baseline), shown)
        if row.blame is not None:
            self._underline(
                painter, cause.text, shown, row.blame, metrics, x, baseline, QColor(colours.error)
            )
        painter.restore()

    def _paint_action(
        self,
        painter: QPainter,
        action: ActionItem,
        rect: QRect,
        x: int,
        right: int,
        text: QColor,
        muted: QColor,
        selected: bool,
    ) -> None:
        colours = current_colours()
        link = text if selected else QColor(colours.link)
        painter.setPen(link)
        mark = f"→ {STATUS_MARKS[action.status]} {action.ref}"
        metrics = QFontMetrics(painter.font())
        painter.drawText(
            QRect(x, rect.top(), rect.width(), rect.height()), Qt.AlignmentFlag.AlignVCenter, mark
        )
        x += metrics.horizontalAdvance(mark) + 8
        details = " · ".join(
            (action.owner or "no owner", action.due.isoformat() if action.due else "no due date")
        )
        details_w = metrics.horizontalAdvance(details)
        if right - x - details_w - 16 < metrics.averageCharWidth() * 24:
            details_w = 0  # too narrow for both: the title matters more
        else:
            painter.setPen(muted)
            painter.drawText(
                QRect(right - details_w, rect.top(), details_w, rect.height()),
                Qt.AlignmentFlag.AlignVCenter,
                details,
            )
        painter.setPen(text)
        room = max(0, right - x - (details_w + 16 if details_w else 0))
        title = metrics.elidedText(action.title, Qt.TextElideMode.ElideRight, room)
        painter.drawText(
            QRect(x, rect.top(), room, rect.height()), Qt.AlignmentFlag.AlignVCenter, title
        )

    @staticmethod
    def _underline(
        painter: QPainter,
        full: str,
        shown: str,
        hit: BlameHit,
        metrics: QFontMetrics,
        x: int,
        baseline: int,
        colour: QColor,
    ) -> None:
        """A wavy line under the blaming words, as far as they are visible."""
        collapsed = " ".join(full.split())
        start = collapsed.find(" ".join(hit.phrase.split()))
        if start < 0:
            return
        visible = shown[:-1] if shown.endswith("…") else shown
        end = min(start + len(" ".join(hit.phrase.split())), len(visible))
        if end <= start:
            return
        left = x + metrics.horizontalAdvance(visible[:start])
        right = x + metrics.horizontalAdvance(visible[:end])
        y = baseline + max(2, metrics.descent() // 2 + 1)
        path = QPainterPath()
        path.moveTo(left, y)
        step, up = 3.0, True
        position = float(left)
        while position < right:
            position = min(position + step, right)
            path.lineTo(position, y - 2 if up else y)
            up = not up
        painter.setPen(QPen(colour, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)


def _clip(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
