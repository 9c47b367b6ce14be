"""The library list as a Qt table model: a thin adapter over PostmortemSummary values."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pmdesk.domain.model import PostmortemSummary

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 3


class Column(IntEnum):
    TITLE = 0
    KIND = 1
    SEVERITY = 2
    STATUS = 3
    STARTED = 4
    OPEN_ACTIONS = 5


HEADERS = {
    Column.TITLE: "Title",
    Column.KIND: "Kind",
    Column.SEVERITY: "Severity",
    Column.STATUS: "Status",
    Column.STARTED: "Started",
    Column.OPEN_ACTIONS: "Open actions",
}


class LibraryModel(QAbstractTableModel):
    """Rows are summaries held in memory; `data()` never touches the database."""

    def __init__(self, summaries: list[PostmortemSummary] | None = None) -> None:
        super().__init__()
        self._rows: list[PostmortemSummary] = list(summaries or [])

    def set_summaries(self, summaries: list[PostmortemSummary]) -> None:
        self.beginResetModel()
        self._rows = list(summaries)
        self.endResetModel()

    def summary(self, row: int) -> PostmortemSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == SORT_ROLE:
            return _sort_key(row, column)
        if role == ID_ROLE:
            return row.id
        if role == SUMMARY_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.TITLE:
            return row.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.OPEN_ACTIONS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _display(row: PostmortemSummary, column: Column) -> str:
    if column == Column.TITLE:
        return row.title
    if column == Column.KIND:
        return "Near miss" if row.kind.value == "near-miss" else "Incident"
    if column == Column.SEVERITY:
        return row.severity.value if row.severity else "—"
    if column == Column.STATUS:
        return row.status.value.capitalize()
    if column == Column.STARTED:
        return row.started.strftime("%Y-%m-%d %H:%M") if row.started else "—"
    return str(row.open_actions)


def _sort_key(row: PostmortemSummary, column: Column) -> Any:
    if column == Column.STARTED:
        return row.started.timestamp() if row.started else 0.0
    if column == Column.OPEN_ACTIONS:
        return row.open_actions
    if column == Column.SEVERITY:
        return row.severity.value if row.severity else "SEV9"
    return _display(row, column).casefold()
