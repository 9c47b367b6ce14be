"""Action items, shown read-only until the action board arrives.

The readiness panel points at actions too, so the section can select one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
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
