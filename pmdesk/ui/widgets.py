"""Small widgets the editor sections share."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFocusEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui import themes


class ShareSplitter(QSplitter):
    """A splitter that divides its width by fixed shares the first time it is shown, once the
    width is known; after that the user's dragging decides.
    """

    def __init__(self, shares: Sequence[float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shares = list(shares)
        self._sized = False
        self.setChildrenCollapsible(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            width = self.width()
            self.setSizes([round(width * share) for share in self._shares])


class CommittingTextEdit(QPlainTextEdit):
    """A multi-line text that reports its new text when the user leaves it, like a line edit."""

    editing_finished = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._committed = ""

    def set_committed_text(self, text: str) -> None:
        """Show stored text, unless the user is in the middle of typing here."""
        if self.hasFocus() and self.toPlainText() != self._committed:
            return
        self._committed = text
        if self.toPlainText() != text:
            self.setPlainText(text)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.commit()

    def commit(self) -> None:
        text = self.toPlainText()
        if text != self._committed:
            self._committed = text
            self.editing_finished.emit(text)


def show_stored_text(edit: QLineEdit, text: str) -> None:
    """Show stored text in a line edit, unless it holds typing the user has not finished.

    The text last shown is kept on the widget: if the field still shows it, nothing of the
    user's is lost by replacing it (an undo, another window's change).
    """
    if edit.text() == text:
        edit.setProperty("pmdesk_shown", text)
        return
    shown = edit.property("pmdesk_shown")
    pending = edit.hasFocus() and shown is not None and edit.text() != shown
    if not pending and edit.text() != text:
        edit.setText(text)
    if not pending:
        edit.setProperty("pmdesk_shown", text)


def set_combo_data(combo: QComboBox, value: object) -> None:
    """Select the entry whose data is `value`, without announcing it as a user's choice."""
    index = combo.findData(value)
    if index >= 0 and index != combo.currentIndex():
        blocked = combo.blockSignals(True)
        combo.setCurrentIndex(index)
        combo.blockSignals(blocked)


def emphasise(label: QLabel, scale: float = 1.0, *, bold: bool = True) -> QLabel:
    """Bold (and `scale` times larger), following the window's zoom."""
    themes.emphasise(label, scale, bold=bold)
    return label


def heading(text: str) -> QLabel:
    return emphasise(QLabel(text))


def flat_table(name: str, headers: Sequence[str]) -> QTreeWidget:
    """A list with columns: rows selected whole, the first column taking the spare width and the
    others as wide as their contents."""
    tree = QTreeWidget()
    tree.setAccessibleName(name)
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAllColumnsShowFocus(True)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return tree


def tint(label: QLabel, colour: str) -> None:
    """Draw a label's text in `colour`. Through the palette, not a style sheet of its own: that
    would re-polish the label and drop the size its stage gave it."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    label.setPalette(palette)


def muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "muted")
    label.setWordWrap(True)
    return label


class EditableRows(QWidget):
    """A small table the user fills in row by row, with Add and Remove buttons.

    It holds text only; the section that owns it turns rows into domain values and back, and
    hears `edited` after every change the user makes (never after `set_rows`).
    """

    edited = Signal()

    def __init__(self, headers: list[str], add_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _item: self.edited.emit())
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_current_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def rows(self) -> list[list[str]]:
        """Every row's cells, stripped; rows left wholly empty are not rows yet."""
        rows = []
        for row in range(self.table.rowCount()):
            cells = []
            for column in range(self.table.columnCount()):
                item = self.table.item(row, column)
                cells.append(item.text().strip() if item else "")
            if any(cells):
                rows.append(cells)
        return rows

    def set_rows(self, rows: list[list[str]]) -> None:
        if rows == self.rows():
            return
        blocked = self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.blockSignals(blocked)

    def add_row(self) -> None:
        row = self.table.rowCount()
        blocked = self.table.blockSignals(True)
        self.table.insertRow(row)
        for column in range(self.table.columnCount()):
            self.table.setItem(row, column, QTableWidgetItem(""))
        self.table.blockSignals(blocked)
        self.table.setCurrentCell(row, 0)
        first = self.table.item(row, 0)
        if first is not None:
            self.table.editItem(first)

    def remove_current_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()


def is_typing() -> bool:
    """Whether the user is in the middle of typing: focus in a text field, or a cell editor open."""
    focus = QApplication.focusWidget()
    if isinstance(focus, QAbstractSpinBox):
        return True
    if isinstance(focus, QLineEdit | QTextEdit | QPlainTextEdit):
        return not focus.isReadOnly()
    view = focus
    while view is not None and not isinstance(view, QAbstractItemView):
        view = view.parentWidget()
    return isinstance(view, QAbstractItemView) and (
        view.state() == QAbstractItemView.State.EditingState
    )
