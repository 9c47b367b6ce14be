"""The library sidebar: every postmortem as a two-line row, a search, and "New" buttons.

Typing in the search box asks the window's searcher (full-text search over every postmortem's
words) and shows only what it found, best first, each with a snippet of where it matched in place
of its details. Without a searcher, the box filters by title.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import PostmortemKind, PostmortemStatus, PostmortemSummary, Severity
from pmdesk.ui.library_model import ID_ROLE, SORT_ROLE, SUMMARY_ROLE, Column, LibraryModel
from pmdesk.ui.side_panels import SideStrip

Index = QModelIndex | QPersistentModelIndex


if TYPE_CHECKING:
    # The search itself, and its filters, load with the first search: not to list the library.
    from pmdesk.services.search import SearchFilters, SearchHit

    Searcher = Callable[[str, SearchFilters], list[SearchHit]]
ANY = ""


class SearchFiltersBox(QWidget):
    """The filters a search can be narrowed by: kind, severity, status, tag, owner, dates."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = self._choice("Kind", [(k.value, _KIND_LABELS[k]) for k in PostmortemKind])
        self.severity = self._choice("Severity", [(s.value, s.value) for s in Severity])
        self.status = self._choice(
            "Status", [(s.value, s.value.capitalize()) for s in PostmortemStatus]
        )
        self.tag = self._text("Tag", "any tag")
        self.owner = self._text("Action owner", "anyone")
        self.since, self.since_on = self._date("Started from")
        self.until, self.until_on = self._date("Started until")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Kind", self.kind)
        form.addRow("Severity", self.severity)
        form.addRow("Status", self.status)
        form.addRow("Tag", self.tag)
        form.addRow("Owner", self.owner)
        form.addRow(self.since_on, self.since)
        form.addRow(self.until_on, self.until)

    def _choice(self, name: str, values: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(f"{name} filter")
        combo.addItem("Any", ANY)
        for value, label in values:
            combo.addItem(label, value)
        combo.activated.connect(lambda _: self.changed.emit())
        return combo

    def _text(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(f"{name} filter")
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.editingFinished.connect(self.changed)
        return edit

    def _date(self, label: str) -> tuple[QDateEdit, QCheckBox]:
        edit = QDateEdit(QDate.currentDate())
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        edit.dateChanged.connect(lambda _: self.changed.emit())
        box = QCheckBox(label)
        box.toggled.connect(edit.setEnabled)
        box.toggled.connect(lambda _: self.changed.emit())
        return edit, box

    def filters(self) -> SearchFilters:
        from pmdesk.services.search import SearchFilters

        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        def chosen(combo: QComboBox) -> str | None:
            return str(combo.currentData()) or None

        def day(edit: QDateEdit, on: QCheckBox) -> date | None:
            picked = edit.date()
            return date(picked.year(), picked.month(), picked.day()) if on.isChecked() else None

        return SearchFilters(
            tag=text(self.tag),
            severity=chosen(self.severity),
            kind=chosen(self.kind),
            status=chosen(self.status),
            since=day(self.since, self.since_on),
            until=day(self.until, self.until_on),
            owner=text(self.owner),
        )


_KIND_LABELS = {PostmortemKind.INCIDENT: "Incident", PostmortemKind.NEAR_MISS: "Near miss"}


class SearchProxy(QSortFilterProxyModel):
    """The library list, or only the postmortems a search found, in their rank order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hits: dict[str, tuple[int, str]] | None = None  # id -> (rank, snippet)

    def show_hits(self, hits: list[SearchHit] | None) -> None:
        self.beginResetModel()
        self.hits = (
            None
            if hits is None
            else {hit.postmortem_id: (rank, hit.snippet) for rank, hit in enumerate(hits)}
        )
        self.endResetModel()
        # The library comes in its order already (latest start first): only a search's hits
        # are sorted here, by rank. Sorting the whole list would call `lessThan` in Python
        # for every comparison.
        if self.hits is None:
            self.sort(-1)
        else:
            self.sort(Column.STARTED, Qt.SortOrder.DescendingOrder)
        self.invalidate()

    def snippet(self, postmortem_id: str) -> str | None:
        found = self.hits.get(postmortem_id) if self.hits is not None else None
        return found[1] if found is not None else None

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self.hits is None:
            return super().filterAcceptsRow(source_row, source_parent)
        index = self.sourceModel().index(source_row, Column.TITLE, source_parent)
        return index.data(ID_ROLE) in self.hits

    def lessThan(self, left: Index, right: Index) -> bool:
        if self.hits is None:
            return super().lessThan(left, right)
        # Sorted descending (latest start first), so the best rank must compare greatest.
        return bool(self.hits[left.data(ID_ROLE)][0] > self.hits[right.data(ID_ROLE)][0])


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
        proxy = index.model()
        snippet = proxy.snippet(summary.id) if isinstance(proxy, SearchProxy) else None
        if snippet is not None:
            self._paint_snippet(painter, option, detail_rect, snippet, selected)
        else:
            painter.drawText(
                detail_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                small.elidedText(describe(summary), Qt.TextElideMode.ElideRight, rect.width()),
            )
        painter.restore()

    @staticmethod
    def _paint_snippet(
        painter: QPainter, option: QStyleOptionViewItem, rect: QRect, snippet: str, selected: bool
    ) -> None:
        """Where the search matched, the matching words in bold."""
        palette = option.palette
        plain_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        hit_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        bold = QFont(option.font)
        bold.setBold(True)
        x, baseline = rect.left(), rect.center().y() + QFontMetrics(option.font).ascent() // 2
        from pmdesk.services.search import snippet_parts

        for text, hit in snippet_parts(" ".join(snippet.split())):
            font = bold if hit else option.font
            metrics = QFontMetrics(font)
            room = rect.right() - x
            if room <= 0:
                break
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
            painter.setFont(font)
            painter.setPen(hit_colour if hit else plain_colour)
            painter.drawText(x, baseline, shown)
            x += metrics.horizontalAdvance(shown)


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
    collapse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LibraryModel()
        self.searcher: Searcher | None = None  # the window sets it: full-text search
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(Column.TITLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Search every postmortem")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Search postmortems")
        self.filter_edit.setToolTip(
            'All words must match (a word also finds the words it begins); "quoted words" '
            "match as a phrase. Titles, summaries, timelines, causes, actions and lessons. "
            "Filters narrow a search."
        )
        # Search once typing pauses, not on every key.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.run_search)
        self.filter_edit.textChanged.connect(self._typed)
        # Down (or Return) from the search goes to the results, on the first of them.
        to_results = QShortcut(QKeySequence(Qt.Key.Key_Down), self.filter_edit)
        to_results.setContext(Qt.ShortcutContext.WidgetShortcut)
        to_results.activated.connect(self.focus_results)
        self.filter_edit.returnPressed.connect(self.focus_results)
        self.filters_button = QToolButton()
        self.filters_button.setText("Filters")
        self.filters_button.setCheckable(True)
        self.filters_button.setToolTip("Narrow a search: kind, severity, status, tag, owner, dates")
        self.filters_box = SearchFiltersBox()
        self.filters_box.hide()
        self.filters_box.changed.connect(self.run_search)
        self.filters_button.toggled.connect(self.filters_box.setVisible)
        self.collapse_button = QToolButton()
        self.collapse_button.setText("«")
        self.collapse_button.setAccessibleName("Collapse the library list")
        self.collapse_button.setAutoRaise(True)
        self.collapse_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.collapse_button.clicked.connect(self.collapse_requested)
        # Collapsed, the list is this strip along the window's left edge; a click brings it back.
        self.strip = SideStrip("Library", Qt.Edge.LeftEdge)
        self.strip.setAccessibleName("Library list")

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
        search_row = QHBoxLayout()
        search_row.addWidget(self.filter_edit, 1)
        search_row.addWidget(self.filters_button)
        search_row.addWidget(self.collapse_button)
        layout.addLayout(search_row)
        layout.addWidget(self.filters_box)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_current)

    def set_summaries(self, summaries: list[PostmortemSummary]) -> None:
        self.model.set_summaries(summaries)
        if self.filter_edit.text().strip():
            self.run_search()  # the library changed under a search: ask again

    def _typed(self, text: str) -> None:
        if self.searcher is None:
            self.proxy.setFilterFixedString(text)
        elif not text.strip():
            self._search_timer.stop()
            self.proxy.show_hits(None)
        else:
            self._search_timer.start()

    def run_search(self) -> None:
        """Show what the search box's words find now."""
        self._search_timer.stop()
        text = self.filter_edit.text()
        if self.searcher is None or not text.strip():
            return
        self.proxy.show_hits(self.searcher(text, self.filters_box.filters()))

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

    def focus_results(self) -> None:
        """The keyboard to the list, on its first postmortem if none is current."""
        if self.proxy.rowCount() == 0:
            return
        if not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.proxy.index(0, Column.TITLE))
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _activated(self, index: QModelIndex) -> None:
        value = index.data(ID_ROLE)
        if isinstance(value, str):
            self.opened.emit(value)

    def _delete_current(self) -> None:
        current = self.current_id()
        if current is not None:
            self.delete_requested.emit(current)
