"""The timeline as a Qt table model: a thin adapter over the postmortem's events.

Rows are the domain events in time order, held in memory: `data()` never touches the database.
When the library changes, `set_events` moves, inserts and removes only the rows that changed, so
a selection and the scroll position survive an edit, and 5,000 rows stay cheap to update.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pmdesk.domain.model import EventKind, TimelineEvent
from pmdesk.ui.timeline import kinds

Index = QModelIndex | QPersistentModelIndex
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(IntEnum):
    TIME = 0
    SECOND_TIME = 1
    KIND = 2
    TEXT = 3
    SOURCE = 4


# More new rows than this at once (a big paste) and a reset is cheaper than inserting each.
BULK_INSERT = 200

EventEditor = Callable[[TimelineEvent, Column, Any], bool]


def zone_or_utc(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class TimelineModel(QAbstractTableModel):
    def __init__(self, editor: EventEditor | None = None) -> None:
        super().__init__()
        self._events: list[TimelineEvent] = []
        self._row_of: dict[str, int] = {}
        self._zone = zone_or_utc("UTC")
        self._second_zone: zoneinfo.ZoneInfo | None = None
        self._spans_days = False
        self._editor = editor

    # ---- what is shown -----------------------------------------------------------------------

    @property
    def events(self) -> Sequence[TimelineEvent]:
        return self._events

    def event_at(self, row: int) -> TimelineEvent:
        return self._events[row]

    def row_of(self, event_id: str) -> int | None:
        return self._row_of.get(event_id)

    def set_zones(self, zone: str, second_zone: str | None) -> None:
        self._zone = zone_or_utc(zone)
        self._second_zone = zone_or_utc(second_zone) if second_zone else None
        self._spans_days = self._compute_spans_days()
        if self._events:
            self.dataChanged.emit(
                self.index(0, Column.TIME), self.index(len(self._events) - 1, Column.SECOND_TIME)
            )
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.TIME, Column.SECOND_TIME)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self._zone)

    def format_time(self, moment: datetime, zone: zoneinfo.ZoneInfo | None = None) -> str:
        local = moment.astimezone(zone or self._zone)
        pattern = "%H:%M:%S" if local.second or local.microsecond else "%H:%M"
        if self._spans_days:
            pattern = "%a %Y-%m-%d " + pattern
        return local.strftime(pattern)

    def _compute_spans_days(self) -> bool:
        if not self._events:
            return False
        first = self._events[0].at.astimezone(self._zone).date()
        last = self._events[-1].at.astimezone(self._zone).date()
        return first != last

    # ---- keeping rows in step with the library ----------------------------------------------

    def reset_events(self, events: Sequence[TimelineEvent]) -> None:
        """Show another postmortem's events: a reset, since no row carries over."""
        self.beginResetModel()
        self._events = list(events)
        self._reindex()
        self._spans_days = self._compute_spans_days()
        self.endResetModel()

    def set_events(self, events: Sequence[TimelineEvent]) -> None:
        """Show `events` (in time order), changing only the rows that differ from before."""
        new = list(events)
        new_ids = [e.id for e in new]
        new_set = set(new_ids)
        if len(new_set - self._row_of.keys()) > BULK_INSERT:
            self.reset_events(new)  # inserting row by row would cost more than a reset
            return
        # 1. rows that are gone, from the bottom up so the row numbers above stay right
        for row in range(len(self._events) - 1, -1, -1):
            if self._events[row].id not in new_set:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._events[row]
                self.endRemoveRows()
        self._reindex()
        # 2. rows that moved (a changed time): one layout change that keeps selections
        by_id = {e.id: e for e in new}
        kept_order = [i for i in new_ids if i in self._row_of]
        if kept_order != [e.id for e in self._events]:
            self.layoutAboutToBeChanged.emit()
            old_persistent = self.persistentIndexList()
            old_rows = [(p.row(), p.column()) for p in old_persistent]
            old_ids = [self._events[row].id for row, _ in old_rows]
            self._events = [by_id[i] for i in kept_order]
            self._reindex()
            self.changePersistentIndexList(
                old_persistent,
                [
                    self.index(self._row_of[i], col)
                    for i, (_, col) in zip(old_ids, old_rows, strict=True)
                ],
            )
            self.layoutChanged.emit()
        # 3. new rows, top down, each where it belongs
        for row, event in enumerate(new):
            if event.id not in self._row_of:
                self.beginInsertRows(QModelIndex(), row, row)
                self._events.insert(row, event)
                self.endInsertRows()
                self._reindex(start=row)
        # 4. rows whose contents changed in place
        spans_days = self._compute_spans_days()
        for row, event in enumerate(new):
            if self._events[row] is not event:
                changed = self._events[row] != event
                self._events[row] = event
                if changed:
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        if spans_days != self._spans_days:
            self._spans_days = spans_days
            if self._events:
                self.dataChanged.emit(
                    self.index(0, Column.TIME),
                    self.index(len(self._events) - 1, Column.SECOND_TIME),
                )

    def _reindex(self, start: int = 0) -> None:
        if start == 0:
            self._row_of = {}
        for row in range(start, len(self._events)):
            self._row_of[self._events[row].id] = row

    # ---- Qt's model interface ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == Column.TIME:
            return f"Time ({self._zone.key})"
        if section == Column.SECOND_TIME:
            return f"Time ({self._second_zone.key})" if self._second_zone else "Second zone"
        return {Column.KIND: "Kind", Column.TEXT: "What happened", Column.SOURCE: "Source"}.get(
            Column(section)
        )

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() != Column.SECOND_TIME and self._editor is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(event, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(event, column)
        if role == EVENT_ROLE:
            return event
        if role == Qt.ItemDataRole.DecorationRole and column == Column.KIND:
            return kinds.icon(event.kind)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.TEXT:
            return event.text
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.TIME:
            return event.at.isoformat()
        return None

    def _display(self, event: TimelineEvent, column: Column) -> str:
        if column == Column.TIME:
            return self.format_time(event.at)
        if column == Column.SECOND_TIME:
            return self.format_time(event.at, self._second_zone) if self._second_zone else ""
        if column == Column.KIND:
            return kinds.LABELS[event.kind]
        if column == Column.TEXT:
            return " ".join(event.text.split("\n"))
        return event.source or ""

    def _edit_value(self, event: TimelineEvent, column: Column) -> Any:
        if column == Column.TIME:
            return self.local(event.at).strftime("%Y-%m-%d %H:%M:%S")
        if column == Column.KIND:
            return event.kind.value
        if column == Column.TEXT:
            return event.text
        if column == Column.SOURCE:
            return event.source or ""
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._editor is None:
            return False
        event = self._events[index.row()]
        column = Column(index.column())
        if self._edit_value(event, column) == value:
            return False
        # The library is the source of truth: the model changes when the edit comes back.
        return self._editor(event, column, value)


def kind_from_value(value: Any) -> EventKind | None:
    try:
        return EventKind(str(value))
    except ValueError:
        return None
