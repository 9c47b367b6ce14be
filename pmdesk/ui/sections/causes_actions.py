"""Causes and actions, shown read-only until their own editors arrive.

The readiness panel points at causes and actions too, so both sections can select an item.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import ActionStatus, Postmortem
from pmdesk.ui.widgets import muted

ITEM_ID = Qt.ItemDataRole.UserRole + 1
STATUS_LABELS = {
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}


class CausesSection(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Cause tree")
        self.tree.setHeaderLabels(["Cause", "Depth", "Systemic"])
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                "The five whys: each answer hangs under the cause it explains. Systemic causes "
                "are where the asking stops."
            )
        )
        layout.addWidget(self.tree, 1)

    def show_postmortem(self, postmortem: Postmortem) -> None:
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        bold = QFont(self.font())
        bold.setBold(True)
        pending = list(postmortem.causes)
        while pending:  # parents may come after their children in the list
            waiting = []
            for cause in pending:
                parent = items.get(cause.parent_id) if cause.parent_id else None
                if cause.parent_id and parent is None:
                    waiting.append(cause)
                    continue
                depth = postmortem.cause_depth(cause)
                item = QTreeWidgetItem(
                    [
                        f"{cause.ref}  {cause.text}",
                        "problem" if depth == 1 else f"why {depth - 1}",
                        "systemic" if cause.systemic else "",
                    ]
                )
                item.setData(0, ITEM_ID, cause.id)
                if cause.systemic:
                    item.setFont(0, bold)
                if parent is None:
                    self.tree.addTopLevelItem(item)
                else:
                    parent.addChild(item)
                items[cause.id] = item
            if len(waiting) == len(pending):
                break  # unreachable for a stored tree; never loop forever
            pending = waiting
        self.tree.expandAll()

    def select_cause(self, cause_id: str) -> None:
        for item in self.tree.findItems(
            "", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive
        ):
            if item.data(0, ITEM_ID) == cause_id:
                self.tree.setCurrentItem(item)
                self.tree.setFocus()
                return


class ActionsSection(QWidget):
    HEADERS = ("Id", "Action", "Owner", "Due", "Status", "Priority", "Addresses")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setAccessibleName("Action items")
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for column in range(len(self.HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(6, 160)
        layout = QVBoxLayout(self)
        layout.addWidget(muted("Specific, owned, deadlined, each tied to a cause."))
        layout.addWidget(self.table, 1)

    def show_postmortem(self, postmortem: Postmortem) -> None:
        causes = {c.id: c for c in postmortem.causes}
        self.table.setRowCount(len(postmortem.actions))
        for row, action in enumerate(postmortem.actions):
            cause = causes.get(action.cause_id) if action.cause_id else None
            cells = [
                action.ref,
                action.title,
                action.owner or "—",
                action.due.isoformat() if action.due else "—",
                STATUS_LABELS[action.status],
                action.priority.value if action.priority else "—",
                f"{cause.ref} {cause.text}" if cause else "—",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ITEM_ID, action.id)
                self.table.setItem(row, col, item)

    def select_action(self, action_id: str) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(ITEM_ID) == action_id:
                self.table.selectRow(row)
                self.table.setFocus()
                return
