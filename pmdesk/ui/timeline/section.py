"""The timeline editor: key moments, the table of events, and a quick-add line for the scribe."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import EventKind, Postmortem, TimelineEvent
from pmdesk.domain.quick_entry import (
    PastePreview,
    QuickEntryError,
    parse_pasted_lines,
    parse_quick_entry,
)
from pmdesk.ui.causes.tree import wrapped
from pmdesk.ui.edits import Edits
from pmdesk.ui.timeline import kinds
from pmdesk.ui.timeline.key_moments import KeyMomentsStrip
from pmdesk.ui.timeline.model import Column, TimelineModel, kind_from_value, zone_or_utc
from pmdesk.ui.timeline.paste_dialog import PastePreviewDialog, nothing_to_paste_message
from pmdesk.ui.widgets import emphasise

Index = QModelIndex | QPersistentModelIndex

QUICK_ADD_HINT = "14:05 Config pushed   ·   +5m detection: Alert fired   ·   2026-03-02 14:05 …"
SECOND_ZONES = (
    "",
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


# The columns drawn as wrapped text: each wraps onto as many lines as it needs, never cut short
# (the kind's name is never longer than its column, which is fitted to the longest).
WRAPPED = (Column.TIME, Column.SECOND_TIME, Column.TEXT, Column.SOURCE)
HEIGHTS_KEPT = 20_000
# The least part of the table's width "What happened" gets while other columns can give way.
TEXT_SHARE = 0.45


def text_margin(widget: QWidget | None) -> int:
    """The room Qt's item views leave each side of a cell's text."""
    style = widget.style() if widget is not None else QApplication.style()
    return style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1


def _text_colour(cell: QStyleOptionViewItem) -> QColor:
    state = cell.state
    if not state & QStyle.StateFlag.State_Enabled:
        group = QPalette.ColorGroup.Disabled
    elif not state & QStyle.StateFlag.State_Active:
        group = QPalette.ColorGroup.Inactive
    else:
        group = QPalette.ColorGroup.Normal
    selected = bool(state & QStyle.StateFlag.State_Selected)
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    return cell.palette.color(group, role)


class WrappingDelegate(QStyledItemDelegate):
    """Paints a cell's text wrapped onto as many lines as it needs. The first line stands where
    a one-line row has it, so the time, the kind and the first line of what happened read
    across; the table gives the row the height for the rest (`EventsTable.row_height`)."""

    def __init__(self, table: EventsTable) -> None:
        super().__init__(table)
        self._table = table

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        text, cell.text = cell.text, ""
        widget = cell.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The cell as Qt draws it (background, selection, focus), then the text in full.
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, widget)
        margin = text_margin(widget)
        rect = cell.rect.adjusted(margin, 0, -margin, 0)
        layout, _ = wrapped(text, cell.font, max(1, rect.width()))
        first = layout.lineAt(0).height() if layout.lineCount() else 0.0
        top = rect.top() + max(0.0, (min(rect.height(), self._table.one_line()) - first) / 2)
        painter.save()
        painter.setPen(_text_colour(cell))
        painter.setClipRect(cell.rect)
        layout.draw(painter, QPointF(rect.left(), top))
        painter.restore()


class KindCellDelegate(kinds.KindDelegate):
    """The kind's shape and name beside the first line of a row that wraps."""

    def __init__(self, table: EventsTable) -> None:
        super().__init__(table)
        self._table = table

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        one_line = self._table.one_line()
        if option.rect.height() <= one_line:
            super().paint(painter, option, index)
            return
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        cell.text = ""
        cell.icon = QIcon()
        features = QStyleOptionViewItem.ViewItemFeature
        cell.features &= ~(features.HasDisplay | features.HasDecoration)
        widget = cell.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, widget)
        top = QStyleOptionViewItem(option)
        top.rect = QRect(option.rect.left(), option.rect.top(), option.rect.width(), one_line)
        top.state &= ~QStyle.StateFlag.State_HasFocus
        super().paint(painter, top, index)


class EventsTable(QTableView):
    """The events, every text wrapped onto as many lines as it needs: nothing the room must
    read is cut off.

    Qt never measures the rows (measuring 5,000 rows' contents would freeze the window): just
    before it paints, the table sizes the rows it shows and the last page of rows, and before a
    scroll to a row, the rows around it. A resize, a zoom or an edit re-wraps what is seen, in
    time that does not grow with the timeline; a row not yet seen counts as one line.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # By the pixel: a row taller than the view (a long text at a projector's zoom) is read
        # by scrolling through it.
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.wrapping = WrappingDelegate(self)
        for column in WRAPPED:
            self.setItemDelegateForColumn(column, self.wrapping)
        self.setItemDelegateForColumn(Column.KIND, KindCellDelegate(self))
        header = self.horizontalHeader()
        header.setDefaultAlignment(
            Qt.AlignmentFlag(Qt.AlignmentFlag.AlignCenter.value | Qt.TextFlag.TextWordWrap.value)
        )
        header.sectionResized.connect(lambda *_: self.fit_header())
        self._widths: dict[Column, tuple[int, int]] = {}
        # The height each text needs, by text, width and font: each is laid out once.
        self._heights: dict[tuple[str, int, str], tuple[float, float]] = {}

    def set_column_widths(self, widths: dict[Column, tuple[int, int]]) -> None:
        """Each column's (wanted, least) width; "What happened" stretches over the rest."""
        self._widths = widths
        self.share_width()

    def share_width(self) -> None:
        """Give each column the width it wants, unless that leaves "What happened" less than
        its share of the table: then the source, the times and the kind give way, in that
        order, down to their least (their texts wrap)."""
        shown = [c for c in self._widths if not self.isColumnHidden(c)]
        room = self.viewport().width()
        wanted = {c: self._widths[c][0] for c in shown}
        short = sum(wanted.values()) + round(room * TEXT_SHARE) - room
        for column in (Column.SOURCE, Column.SECOND_TIME, Column.TIME, Column.KIND):
            if short <= 0 or column not in wanted:
                continue
            give = min(short, wanted[column] - self._widths[column][1])
            if give > 0:
                wanted[column] -= give
                short -= give
        for column, width in wanted.items():
            if self.columnWidth(column) != width:
                self.setColumnWidth(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.share_width()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_header()

    def fit_header(self, metrics: QFontMetrics | None = None) -> None:
        """Make the header tall enough for its longest title, wrapped at its column's width."""
        header = self.horizontalHeader()
        metrics = metrics or QFontMetrics(header.font())
        model = self.model()
        margin = 2 * text_margin(self) + 4
        lines = 1
        for column in range(model.columnCount()):
            if self.isColumnHidden(column):
                continue
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            bounds = metrics.boundingRect(
                QRect(0, 0, max(1, self.columnWidth(column) - margin), 10_000),
                Qt.TextFlag.TextWordWrap.value,
                title,
            )
            lines = max(lines, math.ceil(bounds.height() / metrics.lineSpacing()))
        header.setMinimumHeight(header.sizeHint().height() + (lines - 1) * metrics.lineSpacing())

    def one_line(self) -> int:
        """The height of a one-line row's cell (the grid line below it not counted)."""
        return self.verticalHeader().defaultSectionSize() - (1 if self.showGrid() else 0)

    def row_height(self, row: int) -> int:
        """The height `row` needs: a one-line row's, or more for a text that wraps."""
        model = self.model()
        least = self.verticalHeader().defaultSectionSize()
        font = self.font()
        margin = text_margin(self)
        needed = least
        for column in WRAPPED:
            if self.isColumnHidden(column):
                continue
            text = str(model.data(model.index(row, column)) or "")
            height, first = self._text_height(text, font, self.columnWidth(column) - 2 * margin)
            # as much room above the first line and below the last as a one-line row has
            needed = max(needed, math.ceil(height + least - first))
        return needed

    def _text_height(self, text: str, font: QFont, width: int) -> tuple[float, float]:
        """The wrapped text's height, and its first line's."""
        key = (text, width, font.key())
        found = self._heights.get(key)
        if found is None:
            if len(self._heights) > HEIGHTS_KEPT:
                self._heights.clear()
            layout, height = wrapped(text, font, max(1, width))
            first = layout.lineAt(0).height() if layout.lineCount() else height
            found = self._heights[key] = (height, first)
        return found

    def fit_row(self, row: int) -> int:
        """Give `row` the height its texts need; returns it."""
        needed = self.row_height(row)
        if self.verticalHeader().sectionSize(row) != needed:
            self.verticalHeader().resizeSection(row, needed)
        return needed

    def fit_rows(self, start: int, step: int) -> None:
        """Size the rows from `start` on (down for a `step` of 1, up for -1), as many as fill
        the view's height."""
        count = self.model().rowCount()
        room = self.viewport().height()
        row, used = start, 0
        while 0 <= row < count and used < room:
            if not self.isRowHidden(row):
                used += self.fit_row(row)
            row += step

    def fit_shown_rows(self) -> None:
        """Size the rows in view, from the top down (so nothing in view moves), and the last
        page of rows below them, so that the table scrolls exactly to its end."""
        count = self.model().rowCount() if self.model() is not None else 0
        if not count:
            return
        room = self.viewport().height()
        row = max(0, self.rowAt(0))
        while row < count and self.rowViewportPosition(row) < room:
            if not self.isRowHidden(row):
                self.fit_row(row)
            row += 1
        last_shown, used = row - 1, 0
        row = count - 1
        while row > last_shown and used < room:
            if not self.isRowHidden(row):
                used += self.fit_row(row)
            row -= 1

    def paintEvent(self, event: QPaintEvent) -> None:
        self.fit_shown_rows()
        super().paintEvent(event)

    def scrollTo(
        self,
        index: Index,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if index.isValid():
            # The rows a scroll to this one may bring into view, at the heights they will have,
            # and the scroll bar's reach with them.
            self.fit_rows(index.row(), -1)
            self.fit_rows(index.row(), 1)
            self.updateGeometries()
        super().scrollTo(index, hint)


class TimelineSection(QWidget):
    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits = edits
        self._postmortem: Postmortem | None = None
        self.model = TimelineModel(self._edit_event)
        # Asked before a paste lands; tests answer it without a modal dialog.
        self.confirm_paste: Callable[[PastePreview], bool] = self._confirm_with_dialog

        self.moments = KeyMomentsStrip()

        self.table = EventsTable()
        self.table.setAccessibleName("Timeline events")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Qt never measures rows itself (5,000 rows' contents would freeze the window): the
        # table sizes the rows it shows, to the lines their texts wrap onto.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        for column in (Column.TIME, Column.SECOND_TIME, Column.KIND, Column.SOURCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.second_zone = QComboBox()
        self.second_zone.setAccessibleName("Second time zone column")
        for name in SECOND_ZONES:
            self.second_zone.addItem(name or "No second zone", name)
        self.second_zone.currentIndexChanged.connect(self._second_zone_changed)
        self.table.setColumnHidden(Column.SECOND_TIME, True)

        self.quick_add = QLineEdit()
        self.quick_add.setAccessibleName("Quick add event")
        self.quick_add.setPlaceholderText(QUICK_ADD_HINT)
        self.quick_add.returnPressed.connect(self.add_from_quick_line)
        self.quick_error = QLabel("")
        emphasise(self.quick_error).setProperty("role", "error")
        self.quick_error.setWordWrap(True)
        self.quick_error.hide()

        self.delete_action = QAction("Delete events", self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)
        self.paste_action = QAction("Paste events…", self)
        self.paste_action.setShortcut(QKeySequence.StandardKey.Paste)
        self.paste_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.paste_action.triggered.connect(self.paste_from_clipboard)
        self.table.addAction(self.paste_action)
        self.kind_actions = kinds.kind_actions(self, self.table, self.set_kind_of_selected)

        top = QHBoxLayout()
        top.addWidget(QLabel("Also show times in"))
        top.addWidget(self.second_zone)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.moments)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.quick_add)
        layout.addWidget(self.quick_error)

    # ---- showing ------------------------------------------------------------------------------

    def show_postmortem(self, postmortem: Postmortem) -> None:
        switched = self._postmortem is None or self._postmortem.id != postmortem.id
        self._postmortem = postmortem
        self.model.set_zones(postmortem.timezone, self.second_zone.currentData() or None)
        if switched:
            self.model.reset_events(postmortem.timeline)
        else:
            self.model.set_events(postmortem.timeline)
        self.moments.show_postmortem(postmortem)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Widths from the font, not from measuring every row: cheap for 5,000 events, and
        right again after a zoom or a theme change. Each column has the width its contents
        want and the least it can do with (wrapping); "What happened" takes the rest, and the
        others give way down to their least when it would get too little (`EventsTable`)."""
        # The section's own font: a zoom reaches it before the table inside it.
        metrics = QFontMetrics(self.font())
        padding = metrics.averageCharWidth() * 3
        tight = 2 * text_margin(self.table) + metrics.averageCharWidth()
        side = max(16, round(metrics.height() * 0.7))  # the kind's shape grows with the text
        self.table.setIconSize(QSize(side, side))

        def widest(*texts: str) -> int:
            return max(metrics.horizontalAdvance(text) for text in texts)

        sample_time = self.model.format_time(datetime(2026, 12, 30, 23, 59, 59, tzinfo=UTC))
        widths: dict[Column, tuple[int, int]] = {}
        for column in (Column.TIME, Column.SECOND_TIME):
            # A zone's long name wraps in the header rather than widen the column past its
            # times; a time with its date wraps between them when room is short.
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            words = title.replace("/", "/ ").split()
            widths[column] = (
                widest(sample_time, *title.split()) + padding,
                widest(*sample_time.split(), *words) + tight,
            )
        label = widest(*kinds.LABELS.values()) + side
        # the shape and the name each with Qt's margins: the name is never cut
        widths[Column.KIND] = (label + padding, label + tight + 2 * text_margin(self.table))
        widths[Column.SOURCE] = (widest("status page") + padding, widest("metrics") + tight)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + metrics.height() // 2)
        self.table.set_column_widths(widths)
        self.table.fit_header(metrics)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_columns()

    def select_event(self, event_id: str) -> None:
        row = self.model.row_of(event_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, Column.TEXT))
            self.table.setFocus()

    def selected_events(self) -> list[TimelineEvent]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.event_at(row) for row in rows]

    def _second_zone_changed(self) -> None:
        zone = self.second_zone.currentData() or None
        self.table.setColumnHidden(Column.SECOND_TIME, zone is None)
        if self._postmortem is not None:
            self.model.set_zones(self._postmortem.timezone, zone)
            self.fit_columns()

    # ---- editing ------------------------------------------------------------------------------

    def _reference(self) -> datetime | None:
        events = self.model.events
        return events[-1].at if events else None

    def add_from_quick_line(self) -> None:
        if self._postmortem is None:
            return
        line = self.quick_add.text()
        if not line.strip():
            return
        try:
            entry = parse_quick_entry(
                line, zone_or_utc(self._postmortem.timezone), self._reference(), date.today()
            )
        except QuickEntryError as error:
            self.quick_error.setText(str(error))
            self.quick_error.show()
            return
        event = entry.to_event()
        if self._edits.add_events(self._postmortem.id, [event], "Add event"):
            self.quick_add.setText("")  # not clear(): Ctrl+Z then undoes the event, not this
            self.quick_error.hide()
            self.select_event(event.id)
            self.quick_add.setFocus()  # ready for the next line

    def _edit_event(self, event: TimelineEvent, column: Column, value: Any) -> bool:
        if self._postmortem is None:
            return False
        if column == Column.KIND:
            kind = kind_from_value(value)
            if kind is None:
                return False
            changed = replace(event, kind=kind)
        elif column == Column.TEXT:
            changed = replace(event, text=str(value))
        elif column == Column.SOURCE:
            changed = replace(event, source=str(value).strip() or None)
        elif column == Column.TIME:
            try:
                entry = parse_quick_entry(
                    f"{value} {event.text}",
                    zone_or_utc(self._postmortem.timezone),
                    event.at,
                    event.at.date(),
                )
            except QuickEntryError as error:
                self._edits.report("That time was not changed", str(error))
                return False
            changed = replace(event, at=entry.at)
        else:
            return False
        return self._edits.update_events(self._postmortem.id, [event], [changed], "Edit event")

    def delete_selected(self) -> None:
        events = self.selected_events()
        if self._postmortem is None or not events:
            return
        row = min(self.model.row_of(e.id) or 0 for e in events)
        noun = "event" if len(events) == 1 else f"{len(events)} events"
        if self._edits.delete_events(self._postmortem.id, events, f"Delete {noun}"):
            remaining = self.model.rowCount()
            if remaining:
                self.table.selectRow(min(row, remaining - 1))

    def set_kind_of_selected(self, kind: EventKind) -> None:
        events = [e for e in self.selected_events() if e.kind is not kind]
        if self._postmortem is None or not events:
            return
        changed = [replace(e, kind=kind) for e in events]
        self._edits.update_events(
            self._postmortem.id,
            events,
            changed,
            f"Mark {len(changed)} as {kinds.LABELS[kind].lower()}",
        )

    def paste_from_clipboard(self) -> None:
        text = QApplication.clipboard().text()
        if text.strip():
            self.paste_text(text)

    def paste_text(self, text: str) -> bool:
        """Turn pasted lines into events, after the user has seen what will be added."""
        if self._postmortem is None:
            return False
        zone = zone_or_utc(self._postmortem.timezone)
        preview = parse_pasted_lines(text, zone, self._reference(), date.today())
        if not preview.events:
            self._edits.report("Nothing to paste", nothing_to_paste_message(preview))
            return False
        if not self.confirm_paste(preview):
            return False
        events = [entry.to_event() for entry in preview.events]
        noun = "event" if len(events) == 1 else f"{len(events)} events"
        return self._edits.add_events(self._postmortem.id, events, f"Paste {noun}")

    def _confirm_with_dialog(self, preview: PastePreview) -> bool:
        zone = zone_or_utc(self._postmortem.timezone if self._postmortem else None)
        dialog = PastePreviewDialog(preview, zone, self)
        return dialog.exec() == PastePreviewDialog.DialogCode.Accepted

    def _context_menu(self, position: Any) -> None:
        menu = QMenu(self)
        menu.addAction(self.paste_action)
        if self.selected_events():
            kind_menu = menu.addMenu("Change kind")
            for action in self.kind_actions.values():
                kind_menu.addAction(action)
            menu.addAction(self.delete_action)
        menu.exec(self.table.viewport().mapToGlobal(position))
