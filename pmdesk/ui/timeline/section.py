"""The timeline editor: key moments, the table of events, and a quick-add line for the scribe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
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


class TimelineSection(QWidget):
    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits = edits
        self._postmortem: Postmortem | None = None
        self.model = TimelineModel(self._edit_event)
        # Asked before a paste lands; tests answer it without a modal dialog.
        self.confirm_paste: Callable[[PastePreview], bool] = self._confirm_with_dialog

        self.moments = KeyMomentsStrip()

        self.table = QTableView()
        self.table.setAccessibleName("Timeline events")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setItemDelegateForColumn(Column.KIND, kinds.KindDelegate(self.table))
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Fixed row heights: measuring 5,000 rows' contents would freeze the window.
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
        right again after a zoom or a theme change."""
        # The section's own font: a zoom reaches it before the table inside it.
        metrics = QFontMetrics(self.font())
        header_metrics = metrics
        padding = metrics.averageCharWidth() * 3
        side = max(16, round(metrics.height() * 0.7))  # the kind's shape grows with the text
        self.table.setIconSize(QSize(side, side))
        sample_time = self.model.format_time(datetime(2026, 12, 30, 23, 59, 59, tzinfo=UTC))
        for column in (Column.TIME, Column.SECOND_TIME):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = max(
                metrics.horizontalAdvance(sample_time), header_metrics.horizontalAdvance(title)
            )
            self.table.setColumnWidth(column, width + padding)
        label_width = max(metrics.horizontalAdvance(label) for label in kinds.LABELS.values())
        self.table.setColumnWidth(Column.KIND, label_width + side + padding)
        self.table.setColumnWidth(Column.SOURCE, metrics.horizontalAdvance("status page") + padding)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + metrics.height() // 2)

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
