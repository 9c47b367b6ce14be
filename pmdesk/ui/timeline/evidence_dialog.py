"""Importing timeline events from evidence: a CSV file, or a channel of a Slack workspace export.

The dialog reads the file, shows what it found, and lets the scribe tick the lines that become
events and set their kinds; lines already on the timeline (the same second, the same words) are
greyed and left unticked. The ticked lines are added as one step that one undo takes back.

A CSV file is small and read at once. A Slack export can be big, so it is opened and each channel
read in a worker thread with a progress bar; the dialog stays usable, and a new choice of channel
or window stops a read that is under way and starts another. Reading failures are shown in the
dialog itself, and nothing is imported from a file that could not be read.
"""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QDateTime,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QThread,
    QTime,
    QTimer,
    QTimeZone,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QColor, QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import EventKind, Postmortem
from pmdesk.interchange.evidence import Candidate, EvidenceError, dedupe
from pmdesk.interchange.slack import SlackChannel, SlackExport
from pmdesk.services.evidence import is_slack_export, read_evidence
from pmdesk.ui.edits import Edits
from pmdesk.ui.themes import current_colours
from pmdesk.ui.timeline import kinds
from pmdesk.ui.timeline.model import zone_or_utc
from pmdesk.ui.widgets import emphasise

__all__ = ["ALREADY_THERE", "CandidateModel", "Column", "EvidenceDialog"]

Index = QModelIndex | QPersistentModelIndex
Progress = Callable[[int, int], None]

ALREADY_THERE = "already on the timeline"
_ALREADY_THERE_TIP = (
    "Already on the timeline: an event in the same second says the same thing, so this line "
    "is not added again."
)
# The window's edits wait this long after the last change before reading again, so that
# stepping through minutes does not start a read per step.
_REREAD_DELAY_MS = 400
_CHANNEL_NAME_RE = re.compile(r"[^\s,]+")
_NO_TIME = datetime(2000, 1, 1)


class Column(IntEnum):
    ADD = 0
    TIME = 1
    KIND = 2
    TEXT = 3
    SOURCE = 4


_GREYED = Qt.ItemFlag.NoItemFlags
_SHOWN = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
# By column, worked out once: Qt asks for every cell's flags when a selection changes.
_EXTRA = {Column.ADD: Qt.ItemFlag.ItemIsUserCheckable, Column.KIND: Qt.ItemFlag.ItemIsEditable}
_FLAGS = tuple(_SHOWN | _EXTRA.get(column, Qt.ItemFlag.NoItemFlags) for column in Column)
_COLUMNS = len(Column)


class CandidateModel(QAbstractTableModel):
    """The lines read, with the scribe's choices: ticked or not, and the kind of each.

    Choices are kept by the line's key, so they survive showing the lines again (another
    window of time, housekeeping shown or hidden). Rows already on the timeline are disabled:
    they can be neither ticked nor edited.
    """

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self._zone = zone
        self._rows: list[Candidate] = []
        self._there: list[bool] = []
        self._kinds: list[EventKind] = []
        self._checked: list[bool] = []
        self._spans_days = False
        self._chosen_kinds: dict[str, EventKind] = {}
        self._unticked: set[str] = set()

    # ---- what is shown ---------------------------------------------------------------------

    def set_rows(self, candidates: Sequence[Candidate], there: Sequence[bool]) -> None:
        self.beginResetModel()
        self._rows = list(candidates)
        self._there = list(there)
        self._kinds = [self._chosen_kinds.get(c.key, c.kind) for c in self._rows]
        self._checked = [
            not already and c.key not in self._unticked
            for c, already in zip(self._rows, self._there, strict=True)
        ]
        first = self._rows[0].at.astimezone(self._zone).date() if self._rows else None
        last = self._rows[-1].at.astimezone(self._zone).date() if self._rows else None
        self._spans_days = first != last
        self.endResetModel()

    def candidate(self, row: int) -> Candidate:
        """The line in `row`, with the kind chosen for it."""
        found = self._rows[row]
        kind = self._kinds[row]
        return found if found.kind is kind else replace(found, kind=kind)

    def candidates(self) -> list[Candidate]:
        return [self.candidate(row) for row in range(len(self._rows))]

    def checked(self) -> list[Candidate]:
        return [self.candidate(row) for row, ticked in enumerate(self._checked) if ticked]

    def is_there(self, row: int) -> bool:
        return self._there[row]

    def is_checked(self, row: int) -> bool:
        return self._checked[row]

    def count_checked(self) -> int:
        return sum(self._checked)

    def count_there(self) -> int:
        return sum(self._there)

    def sources(self) -> set[str]:
        return {c.source for c in self._rows if c.source}

    def format_time(self, moment: datetime) -> str:
        """As the timeline shows times: seconds only when there are some, the date only when
        the lines span days."""
        local = moment.astimezone(self._zone)
        pattern = "%H:%M:%S" if local.second or local.microsecond else "%H:%M"
        if self._spans_days:
            pattern = "%a %Y-%m-%d " + pattern
        return local.strftime(pattern)

    # ---- the scribe's choices --------------------------------------------------------------

    def set_checked(self, rows: Iterable[int], ticked: bool) -> None:
        changed = [row for row in rows if not self._there[row] and self._checked[row] != ticked]
        if not changed:
            return
        for row in changed:
            self._checked[row] = ticked
            key = self._rows[row].key
            if ticked:
                self._unticked.discard(key)
            else:
                self._unticked.add(key)
        self.dataChanged.emit(
            self.index(min(changed), Column.ADD),
            self.index(max(changed), Column.ADD),
            [Qt.ItemDataRole.CheckStateRole],
        )

    def set_kind(self, rows: Iterable[int], kind: EventKind) -> None:
        changed = [row for row in rows if not self._there[row] and self._kinds[row] is not kind]
        if not changed:
            return
        for row in changed:
            self._kinds[row] = kind
            self._chosen_kinds[self._rows[row].key] = kind
        self.dataChanged.emit(
            self.index(min(changed), Column.KIND), self.index(max(changed), Column.KIND)
        )

    # ---- Qt's model interface --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            Column.ADD: "Add",
            Column.TIME: f"Time ({self._zone.key})",
            Column.KIND: "Kind",
            Column.TEXT: "What happened",
            Column.SOURCE: "Source",
        }.get(Column(section))

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = index.row()  # -1 for an invalid index
        if row < 0 or self._there[row]:
            return _GREYED  # nothing to choose for a line already there
        return _FLAGS[index.column()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = index.row(), Column(index.column())
        found = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, found, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.ADD:
            ticked = self._checked[row]
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.EditRole and column == Column.KIND:
            return self._kinds[row].value
        if role == Qt.ItemDataRole.DecorationRole and column == Column.KIND:
            return kinds.icon(self._kinds[row])
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._there[row]:
                return _ALREADY_THERE_TIP
            if column == Column.TEXT:
                return f"{found.text}\n\n{found.origin}" if found.origin else found.text
            if column == Column.TIME:
                return found.at.isoformat()
        return None

    def _display(self, row: int, found: Candidate, column: Column) -> str | None:
        if column == Column.ADD:
            return ALREADY_THERE if self._there[row] else None
        if column == Column.TIME:
            return self.format_time(found.at)
        if column == Column.KIND:
            return kinds.LABELS[self._kinds[row]]
        if column == Column.TEXT:
            return " ".join(found.text.split("\n"))
        return found.source or ""

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self._there[index.row()]:
            return False
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == Column.ADD:
            self.set_checked([index.row()], _is_checked(value))
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == Column.KIND:
            try:
                kind = EventKind(str(value))
            except ValueError:
                return False
            self.set_kind([index.row()], kind)
            return True
        return False


def _is_checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return int(value) == Qt.CheckState.Checked.value


class _CheckDelegate(QStyledItemDelegate):
    """Fusion outlines a check box in the window colour made darker, which a dark theme makes
    invisible; the boxes are this dialog's main control, so they get the muted colour there."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        palette = QPalette(option.palette)
        if palette.color(QPalette.ColorRole.Base).lightness() < 128:
            palette.setColor(QPalette.ColorRole.Window, QColor(current_colours().muted))
            option.palette = palette


class _CancelledError(Exception):
    """A read that a newer one replaced; raised from the progress callback to stop it."""


class _Reader(QThread):
    """Runs one read off the window's thread; what it read or why it failed comes back as a
    signal, which Qt delivers on the window's thread."""

    progressed = Signal(int, int, int)  # generation, done, total
    succeeded = Signal(int, object)  # generation, a SlackExport or a list of candidates
    failed = Signal(int, str)  # generation, what went wrong and what to do
    ended = Signal(int)  # generation; always last

    def __init__(self, generation: int, name: str, job: Callable[[Progress], object]) -> None:
        super().__init__()
        self.generation = generation
        self.name = name
        self.job = job
        self.thread_id: int | None = None

    def run(self) -> None:
        self.thread_id = threading.get_ident()
        try:
            result = self.job(self._progress)
        except _CancelledError:
            pass
        except EvidenceError as error:
            self.failed.emit(self.generation, str(error))
        except OSError as error:
            self.failed.emit(self.generation, _os_error_message(self.name, error))
        except (zipfile.BadZipFile, zlib.error) as error:
            self.failed.emit(
                self.generation,
                f"Cannot import {self.name}: the zip file is damaged ({error}).\n"
                "Nothing was imported. Export the workspace from Slack again.",
            )
        except Exception as error:
            # A bug or an export unlike any seen: say so rather than leave the dialog waiting.
            self.failed.emit(
                self.generation,
                f"Cannot import {self.name}: pmdesk could not read it "
                f"({type(error).__name__}: {error}).\nNothing was imported.",
            )
        else:
            self.succeeded.emit(self.generation, result)
        finally:
            self.ended.emit(self.generation)

    def _progress(self, done: int, total: int) -> None:
        if self.isInterruptionRequested():
            raise _CancelledError
        self.progressed.emit(self.generation, done, total)


def _os_error_message(name: str, error: OSError) -> str:
    return (
        f"Cannot import {name}: it cannot be read ({error.strerror or error}).\n"
        "Nothing was imported. Check that the file is there and that you may read it."
    )


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'s' * (count != 1)}"


def _channel_label(channel: SlackChannel) -> str:
    """Channels as Slack shows them, "#general"; direct messages by their people's names."""
    return f"#{channel.name}" if _CHANNEL_NAME_RE.fullmatch(channel.name) else channel.name


def _to_qt(moment: datetime) -> QDateTime:
    """A wall-clock time as a QDateTime in UTC: Qt then never moves it for a DST change of the
    computer's own zone; the postmortem's zone is applied when the export is read."""
    return QDateTime(
        QDate(moment.year, moment.month, moment.day),
        QTime(moment.hour, moment.minute),
        QTimeZone.utc(),
    )


def _from_qt(value: QDateTime) -> datetime:
    day, time = value.date(), value.time()
    return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())


def _floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _after_minute(moment: datetime) -> datetime:
    """The first whole minute after `moment`: a window ending there still holds it."""
    return _floor_minute(moment) + timedelta(minutes=1)


class EvidenceDialog(QDialog):
    """Preview and import of timeline events from a CSV file or a Slack export."""

    read_finished = Signal()  # a read ended, with candidates or with an error

    def __init__(
        self, edits: Edits, postmortem: Postmortem, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._edits = edits
        self._postmortem = postmortem
        self._path = path
        self._zone = zone_or_utc(postmortem.timezone)
        self._slack = is_slack_export(path)
        self._export: SlackExport | None = None
        self._read: list[Candidate] = []  # everything read, housekeeping included
        self._left_out = 0
        self._read_label = path.name  # where the shown lines came from, for the undo text
        self._worker: _Reader | None = None
        self._generation = 0
        self._pending = False  # a read was asked for while another was running
        self._error: str | None = None
        self.last_read_thread: int | None = None  # for tests: where the last read ran

        self.setWindowTitle(f"Import events from {path.name}")
        self.model = CandidateModel(self._zone)

        what = "messages" if self._slack else "lines"
        self.intro = QLabel(
            f"Tick the {what} that belong on the timeline and choose their kinds. They are "
            "added in one step you can undo."
        )
        self.intro.setWordWrap(True)
        self.source_label = emphasise(
            QLabel(f"Slack export {path.name}" if self._slack else f"CSV file {path.name}")
        )

        self.channel = QComboBox()
        self.channel.setAccessibleName("Slack channel")
        self.channel.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.since = self._date_time_edit("From")
        self.until = self._date_time_edit("Until")
        self.whole_channel = QPushButton("Whole channel")
        self.whole_channel.setToolTip("Show every message of the channel")
        self.housekeeping = QCheckBox("Include joins and other housekeeping")
        self.housekeeping.setToolTip(
            "Joins and leaves, topic changes, integrations added, pins and reminders"
        )

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Reading progress")
        self.progress.hide()
        self.error = QLabel("")
        emphasise(self.error).setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        self.table = QTableView()
        self.table.setAccessibleName("Lines to import")
        self.table.setModel(self.model)
        # The header asks its selection model whether each column is wholly selected, which
        # walks every row: after Ctrl+A on 50,000 rows, seconds per repaint. The header
        # highlights nothing here (whole rows are selected), so it gets a selection of its own.
        self.table.horizontalHeader().setSelectionModel(QItemSelectionModel(self.model, self))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setItemDelegateForColumn(Column.ADD, _CheckDelegate(self.table))
        self.table.setItemDelegateForColumn(Column.KIND, kinds.KindDelegate(self.table))
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Fixed row heights: measuring 50,000 rows' contents would freeze the dialog.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.toggle_action = QAction("Tick or untick", self)
        self.toggle_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.toggle_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.toggle_action.triggered.connect(self.toggle_selected)
        self.table.addAction(self.toggle_action)
        self.kind_actions = kinds.kind_actions(self, self.table, self.set_kind_of_selected)

        self.select_all = QPushButton("Select all")
        self.select_all.setToolTip("Tick every line that is not on the timeline yet")
        self.select_all.clicked.connect(self.tick_all)
        self.select_none = QPushButton("Select none")
        self.select_none.clicked.connect(self.tick_none)
        self.summary = QLabel("")
        self.summary.setAccessibleName("Import summary")
        self.summary.setWordWrap(True)
        last = len(EventKind)
        self.hint = QLabel(
            f"Space ticks or unticks the selected rows · Alt+1 … Alt+{last} sets their kind, "
            f"from 1 {kinds.LABELS[EventKind.EVENT].lower()} to {last} "
            f"{kinds.LABELS[list(EventKind)[-1]].lower()}, in the order of the kind list"
        )
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.import_checked)
        self.buttons.rejected.connect(self.reject)

        self._reread_timer = QTimer(self)
        self._reread_timer.setSingleShot(True)
        self._reread_timer.setInterval(_REREAD_DELAY_MS)
        self._reread_timer.timeout.connect(self._request_read)

        self._lay_out()
        self.model.modelReset.connect(self._update_summary)
        self.model.dataChanged.connect(self._update_summary)
        self.resize(1160, 680)
        self.table.setFocus()

        if self._slack:
            self._set_slack_controls_enabled(False)
            self.channel.setPlaceholderText("Opening the export…")
            since, until = self._incident_window()
            if since is not None and until is not None:
                self._set_window(since, until)
            self._start(
                "Opening the export: %v of %m day files",
                lambda progress: SlackExport.open(path, progress),
            )
        else:
            self._read_csv()
        self._fit_columns()
        self._update_summary()

    def _date_time_edit(self, name: str) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setAccessibleName(f"{name} ({self._zone.key})")
        edit.setTimeZone(QTimeZone.utc())
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setCalendarPopup(True)
        # Blank, not Qt's 2000-01-01, until the export says when its channel ran; Slack's
        # own exports start in 2013.
        edit.setMinimumDateTime(_to_qt(_NO_TIME))
        edit.setSpecialValueText(" ")
        edit.setDateTime(_to_qt(_NO_TIME))
        return edit

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_label)
        layout.addWidget(self.intro)
        if self._slack:
            grid = QGridLayout()
            grid.setColumnStretch(5, 1)
            grid.addWidget(QLabel("Channel"), 0, 0)
            channel_row = QHBoxLayout()
            channel_row.addWidget(self.channel)
            channel_row.addStretch(1)
            grid.addLayout(channel_row, 0, 1, 1, 5)
            grid.addWidget(QLabel("From"), 1, 0)
            grid.addWidget(self.since, 1, 1)
            grid.addWidget(QLabel("until"), 1, 2)
            grid.addWidget(self.until, 1, 3)
            zone = QLabel(f"({self._zone.key})")
            zone.setProperty("role", "muted")
            grid.addWidget(zone, 1, 4)
            grid.addWidget(self.whole_channel, 1, 5, Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(self.housekeeping, 2, 1, 1, 5)
            layout.addLayout(grid)
            self.channel.currentIndexChanged.connect(self._channel_changed)
            self.since.dateTimeChanged.connect(self._window_changed)
            self.until.dateTimeChanged.connect(self._window_changed)
            self.whole_channel.clicked.connect(self.show_whole_channel)
            self.housekeeping.toggled.connect(self._show_rows)
        else:
            for widget in (self.channel, self.since, self.until, self.whole_channel):
                widget.hide()
            self.housekeeping.hide()
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.select_all)
        row.addWidget(self.select_none)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addStretch(0)  # takes the table's room while an error hides it
        layout.addWidget(self.buttons)

    # ---- what the dialog offers --------------------------------------------------------------

    def candidates(self) -> list[Candidate]:
        """The lines shown, in order, with the kinds chosen for them."""
        return self.model.candidates()

    def checked(self) -> list[Candidate]:
        """The lines that would be imported, with the kinds chosen for them."""
        return self.model.checked()

    def import_checked(self) -> int:
        """Add the ticked lines as one undoable step and close; the number added (0 if none
        were, or the library refused them: that has been reported already)."""
        if self._busy() or self._error is not None:
            return 0
        chosen = self.checked()
        if not chosen:
            return 0
        events = [candidate.to_event() for candidate in chosen]
        text = f"Import {_plural(len(events), 'event')} from {self._read_label}"
        if not self._edits.add_events(self._postmortem.id, events, text):
            return 0
        self.accept()
        return len(events)

    def wait_until_read(self) -> None:
        """Block until the read under way (and any asked for after it) has finished."""
        while True:
            if self._reread_timer.isActive():
                self._reread_timer.stop()
                self._request_read()
            worker = self._worker
            if worker is None:
                return
            worker.wait()
            QCoreApplication.sendPostedEvents()
            if self._worker is worker:  # its signals were not delivered: never spin forever
                self._ended(worker.generation)

    def tick_all(self) -> None:
        self.model.set_checked(range(self.model.rowCount()), True)

    def tick_none(self) -> None:
        self.model.set_checked(range(self.model.rowCount()), False)

    def selected_rows(self) -> list[int]:
        rows: set[int] = set()
        selection = self.table.selectionModel().selection()
        for number in range(selection.count()):
            selected = selection.at(number)
            rows.update(range(selected.top(), selected.bottom() + 1))
        return sorted(row for row in rows if not self.model.is_there(row))

    def toggle_selected(self) -> None:
        """Tick the selected rows, or untick them if the current one is ticked: a mixed
        selection ends up all one way, as the current row's box shows."""
        rows = self.selected_rows()
        if not rows:
            return
        current = self.table.currentIndex().row()
        lead = current if current in rows else rows[0]
        self.model.set_checked(rows, not self.model.is_checked(lead))

    def set_kind_of_selected(self, kind: EventKind) -> None:
        self.model.set_kind(self.selected_rows(), kind)

    def show_whole_channel(self) -> None:
        self._set_window_to_channel()
        self._request_read()

    def done(self, result: int) -> None:
        # A thread still running when the dialog goes would take the application down with it.
        self._reread_timer.stop()
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.requestInterruption()
            worker.wait()
        super().done(result)

    # ---- reading -----------------------------------------------------------------------------

    def _read_csv(self) -> None:
        try:
            found = read_evidence(self._path, self._zone.key)
        except EvidenceError as error:
            self._show_error(str(error))
            return
        except OSError as error:
            self._show_error(_os_error_message(self._path.name, error))
            return
        self._read = found
        self._show_rows()

    def _start(self, progress_format: str, job: Callable[[Progress], object]) -> None:
        self._generation += 1
        worker = _Reader(self._generation, self._path.name, job)
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.ended.connect(self._ended)
        self._worker = worker
        self._clear_error()
        self.progress.setFormat(progress_format)
        self.progress.setRange(0, 0)  # busy until the first count comes
        self.progress.show()
        self._update_summary()
        worker.start()

    def _request_read(self) -> None:
        """Read the chosen channel in the chosen window: now, or after the read under way."""
        self._reread_timer.stop()
        export, channel = self._export, self._current_channel()
        if export is None or channel is None:
            return  # still opening: its end starts the first read
        if self._worker is not None:
            self._worker.requestInterruption()
            self._pending = True
            return
        since, until = _from_qt(self.since.dateTime()), _from_qt(self.until.dateTime())
        self._read = []
        self._show_rows()
        if until <= since:
            self._show_error("The window ends before it starts: choose a later “until” time.")
            return
        zone = self._zone.key
        label = _channel_label(channel)

        def read(progress: Progress) -> object:
            return export.messages(
                channel.id,
                since=since,
                until=until,
                zone=zone,
                include_housekeeping=True,  # shown or hidden without reading again
                progress=progress,
            )

        self._read_label = label
        self._start(f"Reading {label}: %v of %m day files", read)

    @Slot(int, int, int)
    def _progressed(self, generation: int, done: int, total: int) -> None:
        if self._is_current(generation):
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)

    @Slot(int, object)
    def _succeeded(self, generation: int, result: object) -> None:
        if not self._is_current(generation):
            return
        if isinstance(result, SlackExport):
            self._opened(result)
            return
        if self._worker is not None:
            self.last_read_thread = self._worker.thread_id
        self._read = result if isinstance(result, list) else []
        self._show_rows()

    @Slot(int, str)
    def _failed(self, generation: int, message: str) -> None:
        if self._is_current(generation):
            self._show_error(message)

    @Slot(int)
    def _ended(self, generation: int) -> None:
        worker = self._worker
        if worker is None or worker.generation != generation:
            return
        worker.wait()  # it has emitted its last signal; let its thread end
        self._worker = None
        if self._pending:
            self._pending = False
            self._request_read()
            return
        self.progress.hide()
        self._update_summary()
        self.read_finished.emit()

    def _is_current(self, generation: int) -> bool:
        worker = self._worker
        return worker is not None and worker.generation == generation and not self._pending

    def _busy(self) -> bool:
        return self._worker is not None or self._reread_timer.isActive()

    # ---- a Slack export's channel and window -----------------------------------------------

    def _opened(self, export: SlackExport) -> None:
        self._export = export
        if not export.channels:
            self._show_error(
                f"Cannot import {self._path.name}: this Slack export has no channels.\n"
                "Nothing was imported. Export the workspace again with its public channels."
            )
            return
        since, until = self._incident_window()
        blocked = self.channel.blockSignals(True)
        for channel in export.channels:
            self.channel.addItem(self._channel_text(channel), channel.id)
        self.channel.setCurrentIndex(self._likely_channel(export.channels, since, until))
        self.channel.blockSignals(blocked)
        if since is None or until is None:
            self._set_window_to_channel()
        else:
            self._set_window(since, until)
        self._set_slack_controls_enabled(True)
        self._request_read()

    def _channel_text(self, channel: SlackChannel) -> str:
        label = _channel_label(channel)
        if channel.first is None or channel.last is None:
            return f"{label} — no messages"
        first = channel.first.astimezone(self._zone)
        last = channel.last.astimezone(self._zone)
        days = (
            f"{first:%Y-%m-%d}"
            if first.date() == last.date()
            else f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"
        )
        return f"{label} — {_plural(channel.message_count, 'message')}, {days}"

    def _incident_window(self) -> tuple[datetime | None, datetime | None]:
        """From a day before the first event to a day after the last, as wall-clock times in
        the postmortem's zone; (None, None) for an empty timeline."""
        timeline = self._postmortem.timeline
        if not timeline:
            return None, None
        first = min(event.at for event in timeline) - timedelta(days=1)
        last = max(event.at for event in timeline) + timedelta(days=1)
        until = last.astimezone(self._zone).replace(tzinfo=None)
        if until.second or until.microsecond:
            until = _after_minute(until)
        return _floor_minute(first.astimezone(self._zone).replace(tzinfo=None)), until

    def _likely_channel(
        self, channels: Sequence[SlackChannel], since: datetime | None, until: datetime | None
    ) -> int:
        """The busiest channel with messages in the incident's window, else the busiest."""

        def overlaps(channel: SlackChannel) -> bool:
            if channel.first is None or channel.last is None or since is None or until is None:
                return False
            first = channel.first.astimezone(self._zone).replace(tzinfo=None)
            last = channel.last.astimezone(self._zone).replace(tzinfo=None)
            return first < until and last >= since

        ranked = sorted(
            range(len(channels)),
            key=lambda i: (not overlaps(channels[i]), -channels[i].message_count),
        )
        return ranked[0]

    def _current_channel(self) -> SlackChannel | None:
        if self._export is None:
            return None
        wanted = self.channel.currentData()
        return next((c for c in self._export.channels if c.id == wanted), None)

    def _set_window(self, since: datetime, until: datetime) -> None:
        for edit, moment in ((self.since, since), (self.until, until)):
            blocked = edit.blockSignals(True)
            edit.setDateTime(_to_qt(moment))
            edit.blockSignals(blocked)

    def _set_window_to_channel(self) -> None:
        channel = self._current_channel()
        if channel is None or channel.first is None or channel.last is None:
            return
        self._set_window(
            _floor_minute(channel.first.astimezone(self._zone).replace(tzinfo=None)),
            _after_minute(channel.last.astimezone(self._zone).replace(tzinfo=None)),
        )

    def _channel_changed(self) -> None:
        if not self._postmortem.timeline:
            self._set_window_to_channel()  # nothing to centre on: the channel's whole range
        self._request_read()

    def _window_changed(self) -> None:
        self._reread_timer.start()
        self._update_summary()

    def _set_slack_controls_enabled(self, enabled: bool) -> None:
        for widget in (self.channel, self.since, self.until, self.whole_channel):
            widget.setEnabled(enabled)

    # ---- showing -----------------------------------------------------------------------------

    def _show_rows(self) -> None:
        include = self.housekeeping.isChecked()
        shown = [c for c in self._read if include or not c.housekeeping]
        self._left_out = len(self._read) - len(shown)
        _, there = dedupe(shown, self._postmortem.timeline)
        there_ids = {id(c) for c in there}
        self.model.set_rows(shown, [id(c) in there_ids for c in shown])
        self._fit_columns()

    def _show_error(self, message: str) -> None:
        self._error = message
        self._read = []
        self.model.set_rows([], [])
        self.error.setText(message)
        self.error.show()
        self._show_preview(False)
        self._update_summary()

    def _clear_error(self) -> None:
        self._error = None
        self.error.hide()
        self._show_preview(True)

    def _show_preview(self, visible: bool) -> None:
        for widget in (self.intro, self.table, self.select_all, self.select_none, self.hint):
            widget.setVisible(visible)

    def _update_summary(self) -> None:
        rows = self.model.rowCount()
        ticked = self.model.count_checked()
        self.import_button.setText(f"Import {_plural(ticked, 'event')}" if ticked else "Import")
        self.import_button.setEnabled(ticked > 0 and not self._busy() and self._error is None)
        for button in (self.select_all, self.select_none):
            button.setEnabled(rows > 0)
        if self._error is not None:
            self.summary.setText("")  # the error says that nothing was imported
        elif self._worker is not None:
            self.summary.setText(f"Reading {self._read_label}…")
        elif self._reread_timer.isActive():
            self.summary.setText("")
        elif self._slack and not self._read and self._export is not None:
            self.summary.setText(self._nothing_in_window())
        else:
            parts = [
                _plural(rows, "message" if self._slack else "row"),
                f"{ticked:,} to add",
            ]
            if there := self.model.count_there():
                parts.append(f"{there:,} {ALREADY_THERE}")
            if self._left_out:
                parts.append(f"{self._left_out:,} housekeeping left out")
            self.summary.setText(" · ".join(parts))

    def _nothing_in_window(self) -> str:
        channel = self._current_channel()
        if channel is None:
            return ""
        label = _channel_label(channel)
        if channel.first is None or channel.last is None:
            return f"{label} has no messages."
        since, until = _from_qt(self.since.dateTime()), _from_qt(self.until.dateTime())
        first = channel.first.astimezone(self._zone)
        last = channel.last.astimezone(self._zone)
        return (
            f"No messages in {label} from {since:%Y-%m-%d %H:%M} until {until:%Y-%m-%d %H:%M}; "
            f"its messages run from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}. "
            "“Whole channel” shows them all."
        )

    def _fit_columns(self) -> None:
        """Widths from the font and a few samples, never from measuring every row."""
        metrics = QFontMetrics(self.table.font())
        header_metrics = QFontMetrics(self.table.horizontalHeader().font())
        padding = metrics.averageCharWidth() * 3
        style = self.table.style()
        box = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + padding
        check = box + (metrics.horizontalAdvance(ALREADY_THERE) if self.model.count_there() else 0)
        self.table.setColumnWidth(
            Column.ADD, max(check, header_metrics.horizontalAdvance("Add") + padding)
        )
        sample = self.model.format_time(datetime(2026, 12, 30, 23, 59, 59, tzinfo=self._zone))
        title = str(self.model.headerData(Column.TIME, Qt.Orientation.Horizontal))
        self.table.setColumnWidth(
            Column.TIME,
            max(metrics.horizontalAdvance(sample), header_metrics.horizontalAdvance(title))
            + padding,
        )
        label_width = max(metrics.horizontalAdvance(label) for label in kinds.LABELS.values())
        icon = self.table.iconSize().width() if self.table.iconSize().isValid() else 16
        self.table.setColumnWidth(Column.KIND, label_width + max(icon, 16) + padding)
        sources = self.model.sources()
        longest = max(sources, key=len) if sources else "Source"
        self.table.setColumnWidth(
            Column.SOURCE,
            min(metrics.horizontalAdvance(longest), metrics.averageCharWidth() * 36) + padding,
        )
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + metrics.height() // 2)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_columns()  # the zoom or the theme changed while the dialog was open

    def _context_menu(self, position: QPoint) -> None:
        if not self.selected_rows():
            return
        menu = QMenu(self)
        menu.addAction(self.toggle_action)
        kind_menu = menu.addMenu("Change kind")
        for action in self.kind_actions.values():
            kind_menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(position))
