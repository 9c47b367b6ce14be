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

import math
from dataclasses import dataclass, replace
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
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
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QResizeEvent,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QPlainTextEdit,
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
from pmdesk.ui.causes.reframing import ASK, accent, finding_text, questions_text
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
        # Rows grow with their text. Each row is measured once, in constant time, and the
        # measure is kept until the tree is redrawn, so a thousand causes still scroll at once.
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        # By the pixel: a cause taller than the view (a long one at a projector's zoom) is read
        # by scrolling through it.
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
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
        self.delegate = CauseDelegate(self)
        self.setItemDelegate(self.delegate)
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
        # A wider or narrower column wraps every text anew.
        self.header().sectionResized.connect(lambda *_: self.scheduleDelayedItemsLayout())

    # ---- showing ---------------------------------------------------------------------------

    def show_postmortem(self, postmortem: Postmortem) -> None:
        """Redraw from the stored postmortem, keeping what is collapsed, selected and drafted."""
        people = tuple(p.name for p in postmortem.participants)
        key = (
            [
                (c.id, c.ref, c.text, c.parent_id, c.systemic, tuple(c.evidence), tuple(c.themes))
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
            tips.append(f"{finding_text(row.blame)} {row.blame.suggestion}")
            if row.blame.questions:
                tips.append(f"{ASK}\n{questions_text(row.blame, '•  ')}")
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

    def drawBranches(self, painter: QPainter, rect: QRect, index: Index) -> None:
        # The arrow that folds a branch stands beside the first line of a row that wraps.
        first_line = round(QFontMetrics(self.font()).height() * 1.9)
        super().drawBranches(
            painter,
            QRect(rect.left(), rect.top(), rect.width(), min(rect.height(), first_line)),
            index,
        )

    def dropEvent(self, event: QDropEvent) -> None:
        moving = self.current_id()
        pos = event.position().toPoint()
        target = self.drop_target(self.itemAt(pos), self.indicator_at(pos), moving or "")
        # The tree is redrawn from the library after the move: never let Qt move rows itself.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if moving is not None and self.current_action_id() is None and target is not None:
            self.move_requested.emit(moving, *target)


# The notes (or an action's owner and date) stand beside a text that fits on one line next to
# them, or that has at least this many characters' room there; else on a line under the text.
BESIDE_CHARS = 36
# Room beside the labels (depth, ref) below which the text starts under them instead.
STACK_BELOW_CHARS = 12
# The least width a text is wrapped to; a row with less room shows it on one line.
LEAST_TEXT_CHARS = 4
UNWRAPPED = 1_000_000
NOTE_GAP = 12
PLANS_KEPT = 20_000


def wrapped(text: str, font: QFont, width: float) -> tuple[QTextLayout, float]:
    """`text` laid out in lines at most `width` wide, broken between words (inside a word only
    when it is longer than a line, such as a path): nothing is ever cut. Returns the layout, its
    lines placed one under the other, and their height."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


@dataclass(frozen=True, slots=True)
class Note:
    """One of the quiet notes of a cause ("keep asking why", "no action"), or an action's owner
    and date."""

    text: str
    colour: str  # a name in the theme's colours
    filled: bool = False  # a badge
    italic: bool = False


@dataclass(frozen=True, slots=True)
class RowSpec:
    """What a row shows, which is all its layout depends on besides its width and font."""

    text: str
    lead: tuple[str, ...]  # a cause's depth and ref, or an action's status mark and ref
    bold: bool  # a systemic cause
    notes: tuple[Note, ...]

    @property
    def is_action(self) -> bool:
        return len(self.lead) == 1


@dataclass(slots=True)
class RowPlan:
    """Where everything of one row goes, relative to its top left. The same plan sizes the row
    and paints it, so the painted text always fits in the row."""

    height: int
    pad: int  # above the first line, and below the last
    text_x: int
    text_y: int
    middle: int  # the middle of the first line: the labels beside it are centred on it
    note_font: QFont
    notes: list[tuple[Note, int]]  # each with its width
    notes_beside: bool  # at the right of the first line; else on a line of their own below
    notes_y: int  # the top of that line of notes
    pill_height: int
    right: int
    text: str
    text_font: QFont
    room: float  # the width the text wraps to
    laid_out: QTextLayout | None = None  # the lines, once painted

    def layout(self) -> QTextLayout:
        """The text's lines: laid out when the row is first painted, since a text that fits
        on one line is measured without them."""
        if self.laid_out is None:
            self.laid_out = wrapped(self.text, self.text_font, self.room)[0]
        return self.laid_out


class CauseEditor(QPlainTextEdit):
    """Edits a row's cause in place (F2 or a double-click), wrapped as the row is and as tall
    as the text needs, so the whole cause stays in view while a word of it changes. Enter
    stores it, Escape leaves it as it was, Tab stores it and moves on."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Cause text")
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._least = 0  # the row's height
        self.textChanged.connect(self._grow)

    def place(self, rect: QRect) -> None:
        """Over the row's text, and taller than the row if the text needs it."""
        self._least = rect.height()
        height = rect.height()
        if self.isVisible() and rect.width() == self.width():
            height = max(height, self._needed())
        self.setGeometry(QRect(rect.topLeft(), QSize(rect.width(), height)))

    def _needed(self) -> int:
        lines = self.document().documentLayout().documentSize().height()  # lines, for plain text
        frame = self.height() - self.viewport().height()
        spacing = QFontMetricsF(self.font()).lineSpacing()
        return math.ceil(lines * spacing + 2 * self.document().documentMargin()) + frame

    def _grow(self) -> None:
        if self.isVisible():
            self.resize(self.width(), max(self._least, self._needed()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._grow()  # the text was wrapped anew

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
        else:
            super().keyPressEvent(event)


class CauseDelegate(QStyledItemDelegate):
    """Paints a cause row (depth, ref, text, what it still needs) or an action row under its
    cause.

    A row's text wraps onto as many lines as it needs at the width the column gives its row (the
    indentation of its depth taken off), and the row grows to hold them: in a review the room
    reads every cause and every action in full, at any zoom. The depth and the ref stand beside
    the first line; the quiet notes too, unless they would leave the text too little room, and
    then they go on a line of their own under it.
    """

    def __init__(self, view: CauseTreeView) -> None:
        super().__init__(view)
        self._view = view
        # Each row's plan, by what it shows, its width and its font: a row is measured once and
        # painted many times, and a redraw after an edit measures only the rows that changed.
        self._plans: dict[tuple[RowSpec, int, str], RowPlan] = {}

    def _item(self, index: Index) -> QTreeWidgetItem | None:
        view = self._view
        if isinstance(index, QPersistentModelIndex):
            index = view.model().index(index.row(), index.column(), index.parent())
        return view.itemFromIndex(index)

    # ---- sizing ------------------------------------------------------------------------------

    def row_width(self, item: QTreeWidgetItem) -> int:
        """The width the view gives `item`'s row: its column less the indentation. The depth
        comes from the redraw's table, not from walking up the tree, so that measuring every row
        of a chain thousands deep stays linear."""
        view = self._view
        item_id = str(item.data(0, ITEM_ID))
        if item.type() == RowKind.ACTION.value:
            action = view.action_items.get(item_id)
            cause = view.rows.get(action.cause_id or "") if action is not None else None
            level = cause.depth if cause is not None else 1
        else:
            row = view.rows.get(item_id)
            level = row.depth - 1 if row is not None else 0
        if view.rootIsDecorated():
            level += 1
        return view.columnWidth(0) - level * view.indentation()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        item = self._item(index)
        width = 0 if item is None else self.row_width(item)
        plan = None if item is None else self.plan(option.font, item, width)
        if plan is None:  # the draft row: its line edit decides
            return QSize(width, round(QFontMetrics(option.font).height() * 1.9))
        return QSize(width, plan.height)

    def plan(self, font: QFont, item: QTreeWidgetItem, width: int) -> RowPlan | None:
        """How `item`'s row is laid out at `width` in `font`; None for the draft row."""
        spec = self._spec(item)
        if spec is None:
            return None
        key = (spec, width, font.key())
        found = self._plans.get(key)
        if found is None:
            if len(self._plans) > PLANS_KEPT:  # a window dragged through many widths
                self._plans.clear()
            found = self._plans[key] = _plan(spec, font, width)
        return found

    def _spec(self, item: QTreeWidgetItem) -> RowSpec | None:
        view = self._view
        item_id = str(item.data(0, ITEM_ID))
        if item.type() == RowKind.ACTION.value:
            action = view.action_items.get(item_id)
            if action is None:
                return None
            details = " · ".join(
                (
                    action.owner or "no owner",
                    action.due.isoformat() if action.due else "no due date",
                )
            )
            return RowSpec(action.title, (_action_mark(action),), False, (Note(details, "muted"),))
        row = view.rows.get(item_id) if item.type() == RowKind.CAUSE.value else None
        if row is None:
            return None
        cause = row.cause
        notes: list[Note] = []
        if cause.evidence:
            count = len(cause.evidence)
            notes.append(Note(f"⏱ {count} event{'s' * (count != 1)}", "muted"))
        if row.needs_action:
            notes.append(Note("no action", "warning", filled=True))
        if row.keep_asking:
            notes.append(Note("keep asking why", "muted", italic=True))
        return RowSpec(cause.text, (why_label(row.depth), cause.ref), cause.systemic, tuple(notes))

    # ---- editing in place --------------------------------------------------------------------

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = CauseEditor(parent)
        editor.submitted.connect(lambda: self._submit(editor))
        return editor

    def _submit(self, editor: CauseEditor) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, CauseEditor):
            editor.setPlainText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            editor.selectAll()
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, CauseEditor):
            model.setData(index, " ".join(editor.toPlainText().splitlines()))
        else:
            super().setModelData(editor, model, index)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        rect = QRect(option.rect)
        item = self._item(index)
        plan = None if item is None else self.plan(option.font, item, rect.width())
        if plan is not None:  # over the text, which stays where it was
            rect.setLeft(rect.left() + plan.text_x - 6)
            rect.setTop(rect.top() + plan.text_y - plan.pad)
        if isinstance(editor, CauseEditor):
            editor.place(rect)
        else:
            editor.setGeometry(rect)

    # ---- painting ----------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        view = self._view
        item = self._item(index)
        rect = QRect(option.rect)
        plan = None if item is None else self.plan(option.font, item, rect.width())
        if item is None or plan is None:
            return
        colours = current_colours()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.fillRect(rect, option.palette.highlight())
        text_colour = (
            option.palette.highlightedText().color() if selected else option.palette.text().color()
        )
        muted = QColor(text_colour if selected else colours.muted)
        middle = rect.top() + plan.middle
        item_id = str(item.data(0, ITEM_ID))
        row = view.rows.get(item_id) if item.type() == RowKind.CAUSE.value else None
        action = view.action_items.get(item_id) if item.type() == RowKind.ACTION.value else None
        if row is not None:
            self._paint_labels(
                painter, option.font, row, rect, middle, text_colour, muted, selected
            )
        elif action is not None:
            painter.setFont(option.font)
            painter.setPen(text_colour if selected else QColor(colours.link))
            painter.drawText(
                QRect(
                    rect.left() + 6, middle - plan.pill_height, rect.width(), 2 * plan.pill_height
                ),
                Qt.AlignmentFlag.AlignVCenter,
                _action_mark(action),
            )
        self._paint_notes(painter, plan, rect, middle, text_colour, selected)
        painter.setPen(text_colour)
        origin = QPointF(rect.left() + plan.text_x, rect.top() + plan.text_y)
        plan.layout().draw(painter, origin)
        if row is not None and row.blame is not None:
            # the card's calm edge colour: a nudge toward the questions, not an error
            self._underline(painter, plan.layout(), row.blame, origin, QColor(accent(colours)))
        painter.restore()

    @staticmethod
    def _paint_labels(
        painter: QPainter,
        font: QFont,
        row: CauseRow,
        rect: QRect,
        middle: int,
        text_colour: QColor,
        muted: QColor,
        selected: bool,
    ) -> None:
        """The systemic bar, and the depth pill and the ref beside the first line."""
        colours = current_colours()
        cause = row.cause
        if cause.systemic:
            painter.fillRect(
                QRect(rect.left(), rect.top() + 3, 4, rect.height() - 6), QColor(colours.ok)
            )
        small = _smaller(font)
        pill = _pill_rect(row, small, rect.left() + 6, middle)
        pill_colour = QColor(colours.ok if cause.systemic else colours.muted)
        painter.setPen(QPen(text_colour if selected else pill_colour, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setFont(small)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, why_label(row.depth))
        painter.setPen(muted)
        ref_x = pill.right() + 8
        painter.drawText(
            QRect(ref_x, pill.top(), max(0, rect.right() - ref_x), pill.height()),
            Qt.AlignmentFlag.AlignVCenter,
            cause.ref,
        )

    @staticmethod
    def _paint_notes(
        painter: QPainter,
        plan: RowPlan,
        rect: QRect,
        middle: int,
        text_colour: QColor,
        selected: bool,
    ) -> None:
        """The notes: at the right of the first line, or on a line of their own under the
        text (from its left edge)."""
        if not plan.notes:
            return
        colours = current_colours()
        if plan.notes_beside:
            right = rect.left() + plan.right
            centre = middle
        else:
            right = rect.left() + plan.text_x + _notes_width(plan.notes)
            centre = rect.top() + plan.notes_y + plan.pill_height // 2
        radius = plan.pill_height / 2
        for note, width in reversed(plan.notes):
            box = QRect(right - width, centre - plan.pill_height // 2, width, plan.pill_height)
            font = QFont(plan.note_font)
            font.setItalic(note.italic)
            painter.setFont(font)
            colour = QColor(getattr(colours, note.colour))
            if note.filled:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRoundedRect(box, radius, radius)
                painter.setPen(QColor(colours.base))
            else:
                painter.setPen(text_colour if selected else colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, note.text)
            right = box.left() - NOTE_GAP

    @staticmethod
    def _underline(
        painter: QPainter, layout: QTextLayout, hit: BlameHit, origin: QPointF, colour: QColor
    ) -> None:
        """A wavy line under the blaming words, on every line they run over."""
        text = layout.text()
        phrase = " ".join(hit.phrase.split())
        start = text.find(phrase)
        if start < 0:
            return
        end = start + len(phrase)
        path = QPainterPath()
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            first, last = line.textStart(), line.textStart() + line.textLength()
            if last <= start or first >= end:
                continue
            left = origin.x() + _x_of(line, max(start, first))
            right = origin.x() + _x_of(line, min(end, last))
            y = origin.y() + line.y() + line.ascent() + max(2.0, line.descent() / 2 + 1)
            path.moveTo(left, y)
            step, up = 3.0, True
            position = left
            while position < right:
                position = min(position + step, right)
                path.lineTo(position, y - 2 if up else y)
                up = not up
        painter.setPen(QPen(colour, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)


def _smaller(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * 0.85)
    return small


def _pill_rect(row: CauseRow, small: QFont, x: int, middle: int) -> QRect:
    """The depth pill ("why 2") of a row, centred on `middle`."""
    metrics = QFontMetrics(small)
    height = metrics.height() + 4
    width = metrics.horizontalAdvance(why_label(row.depth)) + 14
    return QRect(x, middle - height // 2, width, height)


def _action_mark(action: ActionItem) -> str:
    return f"→ {STATUS_MARKS[action.status]} {action.ref}"


def _notes_width(notes: list[tuple[Note, int]]) -> int:
    return sum(width for _, width in notes) + NOTE_GAP * max(0, len(notes) - 1)


@dataclass(frozen=True, slots=True)
class Measures:
    """What laying a row out needs of its font, worked out once per font."""

    regular: QFont
    bold: QFont
    small: QFont  # the labels' and notes' size
    metrics: QFontMetrics
    small_metrics: QFontMetrics
    text_metrics: dict[bool, QFontMetricsF]  # by boldness
    char: int  # an average character's width
    least: int  # a one-line row's height
    pad: int  # above the first line and below the last

    @staticmethod
    def of(font: QFont) -> Measures:
        key = font.key()
        found = _MEASURES.get(key)
        if found is None:
            regular, bold, small = QFont(font), QFont(font), _smaller(font)
            bold.setBold(True)
            metrics = QFontMetrics(regular)
            least = round(metrics.height() * 1.9)
            found = _MEASURES[key] = Measures(
                regular,
                bold,
                small,
                metrics,
                QFontMetrics(small),
                {False: QFontMetricsF(regular), True: QFontMetricsF(bold)},
                metrics.averageCharWidth(),
                least,
                (least - metrics.height()) // 2,
            )
        return found


_MEASURES: dict[str, Measures] = {}


def _plan(spec: RowSpec, font: QFont, width: int) -> RowPlan:
    """Lay a row out: its text wraps from after its labels to the right edge, or to the notes
    when they fit beside it; the row is at least as high as a one-line row and grows with the
    text. In a row too narrow for the labels and a few words beside them, the text starts under
    the labels, from the row's left edge."""
    m = Measures.of(font)
    if spec.is_action:  # the owner and date as large as the title
        note_font, note_metrics = m.regular, m.metrics
        text_x = 6 + m.metrics.horizontalAdvance(spec.lead[0]) + 8
    else:
        note_font, note_metrics = m.small, m.small_metrics
        label, ref = spec.lead
        text_x = 6 + note_metrics.horizontalAdvance(label) + 14 + 8
        text_x += note_metrics.horizontalAdvance(ref) + 8
    notes = spec.notes
    pill_height = note_metrics.height() + 4
    pad = m.pad
    right = width - 8
    stacked = right - text_x < m.char * STACK_BELOW_CHARS
    text_y = pad
    if stacked:
        text_x, text_y = 6, pad + max(m.metrics.height(), pill_height) + 2
    measured = [
        (note, note_metrics.horizontalAdvance(note.text) + (14 if note.filled else 0))
        for note in notes
    ]
    beside_room = right - text_x - (_notes_width(measured) + NOTE_GAP if notes else 0)
    text = " ".join(spec.text.split())
    text_font = m.bold if spec.bold else m.regular
    text_metrics = m.text_metrics[spec.bold]
    advance = text_metrics.horizontalAdvance(text)
    beside = not notes or (
        not stacked and (advance < beside_room or beside_room >= m.char * BESIDE_CHARS)
    )
    room: float = beside_room if beside else right - text_x
    if room < m.char * LEAST_TEXT_CHARS:
        # A row indented past the column's edge (a chain of whys deeper than the view is wide)
        # has no room to wrap into: one line.
        room = UNWRAPPED
    layout: QTextLayout | None = None
    if advance < room:  # one line: no need to lay it out yet
        text_height = first_line = text_metrics.height()
    else:
        layout, text_height = wrapped(text, text_font, room)
        first_line = layout.lineAt(0).height() if layout.lineCount() else text_metrics.height()
    text_bottom = text_y + math.ceil(max(text_height, first_line))
    notes_y = text_bottom + 2
    bottom = notes_y + pill_height if notes and not beside else text_bottom
    return RowPlan(
        height=max(m.least, bottom + pad),
        pad=pad,
        text_x=text_x,
        text_y=text_y,
        middle=pad + (m.metrics.height() // 2 if stacked else round(first_line / 2)),
        note_font=note_font,
        notes=measured,
        notes_beside=beside,
        notes_y=notes_y,
        pill_height=pill_height,
        right=right,
        text=text,
        text_font=text_font,
        room=room,
        laid_out=layout,
    )


def _x_of(line: QTextLine, position: int) -> float:
    found = line.cursorToX(position)  # PySide answers (x, position)
    return float(found[0] if isinstance(found, tuple) else found)  # type: ignore[arg-type]


def _clip(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
