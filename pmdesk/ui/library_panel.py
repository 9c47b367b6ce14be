"""The library sidebar: every postmortem as a two-line row, a filter, and "New" buttons."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import PostmortemKind, PostmortemSummary
from pmdesk.ui.library_model import ID_ROLE, SORT_ROLE, SUMMARY_ROLE, Column, LibraryModel

Index = QModelIndex | QPersistentModelIndex


class SummaryDelegate(QStyledItemDelegate):
    """Title in bold on the first line; kind, severity, status and date quietly below it."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + metrics.height() // 2 + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        summary = index.data(SUMMARY_ROLE)
        if not isinstance(summary, PostmortemSummary):
            super().paint(painter, option, index)
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.save()
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = option.rect.adjusted(8, 5, -8, -5)
        bold = QFont(option.font)
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        painter.setFont(bold)
        painter.setPen(palette.color(text_role))
        title_rect = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
        painter.drawText(
            title_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(summary.title, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.setFont(option.font)
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        detail_rect = QRect(rect.left(), title_rect.bottom() + 3, rect.width(), metrics.height())
        small = QFontMetrics(option.font)
        painter.drawText(
            detail_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            small.elidedText(describe(summary), Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()


def describe(summary: PostmortemSummary) -> str:
    kind = "Near miss" if summary.kind is PostmortemKind.NEAR_MISS else "Incident"
    parts = [kind]
    if summary.severity:
        parts.append(summary.severity.value)
    parts.append(summary.status.value.capitalize())
    if summary.started:
        parts.append(summary.started.strftime("%Y-%m-%d"))
    if summary.open_actions:
        noun = "action" if summary.open_actions == 1 else "actions"
        parts.append(f"{summary.open_actions} open {noun}")
    return " · ".join(parts)


class LibraryPanel(QWidget):
    opened = Signal(str)  # postmortem id
    new_requested = Signal(object)  # PostmortemKind
    delete_requested = Signal(str)  # postmortem id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LibraryModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(Column.TITLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.sort(Column.STARTED, Qt.SortOrder.DescendingOrder)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by title")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter postmortems by title")
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)

        self.list = QListView()
        self.list.setAccessibleName("Postmortems in this library")
        self.list.setModel(self.proxy)
        self.list.setModelColumn(Column.TITLE)
        self.list.setItemDelegate(SummaryDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.activated.connect(self._activated)
        self.list.clicked.connect(self._activated)

        self.new_incident = QPushButton("New incident")
        self.new_incident.setAccessibleName("New incident postmortem")
        self.new_incident.clicked.connect(lambda: self.new_requested.emit(PostmortemKind.INCIDENT))
        self.new_near_miss = QPushButton("New near miss")
        self.new_near_miss.setAccessibleName("New near-miss postmortem")
        self.new_near_miss.clicked.connect(
            lambda: self.new_requested.emit(PostmortemKind.NEAR_MISS)
        )

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_incident)
        buttons.addWidget(self.new_near_miss)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_current)

    def set_summaries(self, summaries: list[PostmortemSummary]) -> None:
        self.model.set_summaries(summaries)

    def current_id(self) -> str | None:
        index = self.list.currentIndex()
        value = index.data(ID_ROLE) if index.isValid() else None
        return value if isinstance(value, str) else None

    def select(self, postmortem_id: str | None) -> None:
        """Select that postmortem's row, or none."""
        if postmortem_id is None:
            self.list.clearSelection()
            self.list.setCurrentIndex(QModelIndex())
            return
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, Column.TITLE)
            if index.data(ID_ROLE) == postmortem_id:
                self.list.setCurrentIndex(index)
                return

    def _activated(self, index: QModelIndex) -> None:
        value = index.data(ID_ROLE)
        if isinstance(value, str):
            self.opened.emit(value)

    def _delete_current(self) -> None:
        current = self.current_id()
        if current is not None:
            self.delete_requested.emit(current)
