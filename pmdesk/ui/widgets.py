"""Small widgets the editor sections share."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyleOptionComboBox,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui import themes


def elide_choices(pane: QWidget, letters: int = 16) -> None:
    """Let each drop-down list in `pane` be narrower than its longest entry (it shows the entry
    cut short; its list opens at full width), so that a splitter can give the pane the width
    its share says rather than the width of a long timeline event."""
    for combo in pane.findChildren(QComboBox):
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(letters)


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


def keyboard_comes_back(event: QFocusEvent) -> bool:
    """Whether a widget loses the keyboard only for a while: with its window (to another one, or
    to a dialog that opens) or to a popup (a menu, a calendar, and clicks inside it)."""
    return (
        event.reason() in (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)
        or QApplication.activePopupWidget() is not None
    )


class DateField(QDateEdit):
    """A date, yyyy-MM-dd, that takes a date typed whole, as it reads, and says when the user has
    chosen one (`chosen`): Enter, a day picked in its calendar (F4 or Alt+Down opens it), or the
    keyboard leaving the field for another widget of the window (each of which ends its editing,
    `editingFinished`).

    Not when the window loses the keyboard (to another window, or to a dialog that opens: the
    field has it again when the window is back), nor when its calendar opens.

    Qt's own date field drops the digits typed over its selected text: a digit alone is not a
    date of the format, so its validator refuses it and the year stays. Here a digit typed over
    text selected from the start begins the first section. And a section that fills up moves on
    by itself (the year's fourth digit moves to the month), so the separator typed next would skip
    the month too: here it is taken as typed already. `/` and `.` separate as `-` does.
    """

    chosen = Signal()
    SEPARATORS = "-/."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self._moved_on = False  # the last digit filled its section, and the next is current
        self._pick_pending = False
        self._coming_back = False  # while the keyboard leaves only for a while
        self.editingFinished.connect(self._editing_finished)
        calendar = self.calendarWidget()
        calendar.clicked.connect(self._picked)
        calendar.activated.connect(self._picked)

    def set_day(self, day: date) -> None:
        self.setDate(QDate(day.year, day.month, day.day))

    def day(self) -> date:
        shown = self.date()
        return date(shown.year(), shown.month(), shown.day())

    def select_first_section(self) -> None:
        """Select the year, so that typing replaces the date from its start."""
        self.setCurrentSectionIndex(0)
        self.setSelectedSection(self.sectionAt(0))

    def open_calendar(self) -> None:
        """Open the calendar as a click on the field's arrow does (Qt has no other way in)."""
        option = QStyleOptionComboBox()
        option.initFrom(self)
        option.editable = True
        option.subControls = QStyle.SubControl.SC_All
        arrow = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, self
        )
        at = QPointF(arrow.center())
        press = QMouseEvent(
            QEvent.Type.MouseButtonPress,
            at,
            QPointF(self.mapToGlobal(at)),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(self, press)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers, text = event.key(), event.modifiers(), event.text()
        plain = not modifiers & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if key == Qt.Key.Key_F4 or (
            key == Qt.Key.Key_Down and modifiers == Qt.KeyboardModifier.AltModifier
        ):
            self.open_calendar()
            event.accept()
            return
        if plain and text and text in self.SEPARATORS:
            if self._moved_on:
                self._moved_on = False
                event.accept()
                return
            if text != "-":
                event = QKeyEvent(event.type(), Qt.Key.Key_Minus, modifiers, "-")
        digit = plain and len(text) == 1 and text.isdigit()
        line = self.lineEdit()
        first = self.sectionText(self.sectionAt(0))
        if digit and line.selectionStart() == 0 and len(line.selectedText()) > len(first):
            self.select_first_section()  # the whole date is selected: type it from the start
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._moved_on = digit and self.currentSectionIndex() != before

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._moved_on = False
        super().mousePressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._moved_on = False
        self._coming_back = keyboard_comes_back(event)
        try:
            super().focusOutEvent(event)  # ends the editing: editingFinished
        finally:
            self._coming_back = False

    def _editing_finished(self) -> None:
        if not self._coming_back:
            self.chosen.emit()

    def _picked(self, _day: QDate) -> None:
        # Said once the calendar has set the day and closed (a double-click says it twice).
        if not self._pick_pending:
            self._pick_pending = True
            QTimer.singleShot(0, self, self._say_picked)

    def _say_picked(self) -> None:
        self._pick_pending = False
        self.chosen.emit()


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


def library_page(
    owner: QWidget, heading: QLabel, summary: QLabel, content: QWidget, empty: QWidget
) -> QStackedWidget:
    """Lay out a page of the whole library: its heading and a line of summary over either its
    content or, while it has nothing to show, `empty` (shown first). The stack, to switch."""
    pages = QStackedWidget()
    pages.addWidget(content)
    pages.addWidget(empty)
    pages.setCurrentWidget(empty)
    layout = QVBoxLayout(owner)
    layout.addWidget(heading)
    layout.addWidget(summary)
    layout.addWidget(pages, 1)
    return pages


class EmptyNote(QWidget):
    """A page's word while it has nothing to show: a title and a few muted sentences, centred,
    the sentences kept to a readable width at every zoom (`keep_width` after a zoom)."""

    def __init__(self, title: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = emphasise(QLabel(title), 1.5)
        self.message = muted(message)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (self.title, self.message):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.keep_width()

    def keep_width(self) -> None:
        em = QFontMetricsF(QApplication.font()).height()
        self.message.setMaximumWidth(math.ceil(em * 36))
