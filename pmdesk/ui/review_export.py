"""File ▸ Export learning review: the period and audience asked in a small dialog, then the
library's review of that period written as a PDF or Markdown in a worker thread.

The review reads the whole library, so the worker reads it as well as writing the file (as the
similar-incidents panel ranks in its thread); the window shows a busy bar meanwhile.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.periods import DASH, Period, PeriodError, Quarter, parse_period
from pmdesk.report.audience import Audience
from pmdesk.services import learning, postmortems
from pmdesk.storage.errors import LibraryError
from pmdesk.storage.library import Library
from pmdesk.ui.report_export import Writer

if TYPE_CHECKING:
    from pmdesk.ui.main_window import MainWindow

TITLE = "Export learning review"
BOUNDS_HINT = "Type a day (2026-03-02), a month (2026-03), a quarter (2026-Q1) or a year (2026)."
FILTERS = "PDF learning review (*.pdf);;Markdown learning review (*.md)"
NOT_WRITTEN = "The learning review was not written"


def last_full_quarter(today: date) -> str:
    """The quarter before today's, as typed in the dialog: "2026-Q3" on 8 December 2026."""
    quarter = Quarter.of(today).previous()
    return f"{quarter.year}-Q{quarter.number}"


def describe(period: Period) -> str:
    """The period's label and its days, as the review names them ("2026 Q3: 1 July to 30
    September 2026", with an en dash); a span of days is its days alone, its label already."""
    start, end = period.start, period.end
    days = period.dates
    quarters = period.quarters()
    whole_quarters = start == quarters[0].start and end == quarters[-1].end
    one_month = start.day == 1 and (end + timedelta(days=1)).day == 1
    one_month = one_month and (start.year, start.month) == (end.year, end.month)
    return f"{period.label}: {days}" if whole_quarters or one_month else days


def file_name(start: str, end: str) -> str:
    """The name the file dialog suggests: "learning-review-2026-Q3.pdf"."""
    bounds = [start.strip().upper()]
    if end.strip().upper() != bounds[0]:
        bounds.append(end.strip().upper())
    return f"learning-review-{'-to-'.join(bounds)}.pdf"


class ReviewDialog(QDialog):
    """From, To and the audience; OK only while the two bounds make a period."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        quarter = last_full_quarter(today)
        self.from_edit = QLineEdit(quarter)
        self.from_edit.setAccessibleName("From")
        self.to_edit = QLineEdit(quarter)
        self.to_edit.setAccessibleName("To")
        self.period_label = QLabel("")
        self.period_label.setAccessibleName("Period")
        self.problem = QLabel("")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.audience_box = QComboBox()
        self.audience_box.addItem("Team", Audience.TEAM)
        self.audience_box.addItem("Stakeholders: roles, never names", Audience.STAKEHOLDERS)
        self.audience_box.setAccessibleName("Audience")

        from_label = QLabel("&From")
        from_label.setBuddy(self.from_edit)
        to_label = QLabel("T&o")
        to_label.setBuddy(self.to_edit)
        audience_label = QLabel("&Audience")
        audience_label.setBuddy(self.audience_box)
        # A grid, not a form: a form row kept the height of two lines for a one-line message
        # and cut a three-line one.
        form = QGridLayout()
        form.addWidget(from_label, 0, 0)
        form.addWidget(self.from_edit, 0, 1)
        form.addWidget(to_label, 1, 0)
        form.addWidget(self.to_edit, 1, 1)
        form.addWidget(self.period_label, 2, 1)
        form.addWidget(self.problem, 3, 1)
        form.addWidget(audience_label, 4, 0)
        form.addWidget(self.audience_box, 4, 1)

        hint = QLabel(BOUNDS_HINT)
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)

        self.from_edit.textChanged.connect(self._read_period)
        self.to_edit.textChanged.connect(self._read_period)
        self._read_period()
        # Wide enough for the longest description of a span without the dialog growing as one
        # types; the error may wrap below.
        widest = f"2026 Q1 {DASH} 2027 Q4: 1 January 2026 {DASH} 31 December 2027"
        width = max(self.fontMetrics().horizontalAdvance(t) for t in (widest, BOUNDS_HINT))
        self.resize(max(self.sizeHint().width(), width + 140), self.sizeHint().height())
        self._fit_height()
        self.from_edit.selectAll()

    def _read_period(self) -> None:
        try:
            period = parse_period(self.from_edit.text(), self.to_edit.text())
        except PeriodError as error:
            self.period_label.hide()
            self.problem.setText(str(error))
            self.problem.show()
            self.ok.setEnabled(False)
            self._fit_height()
            return
        self.problem.hide()
        self.period_label.setText(describe(period))
        self.period_label.show()
        self.ok.setEnabled(True)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as the message says at this width: a long one wraps, and is not cut."""
        layout = self.layout()
        if layout is None:
            return  # still being made; the size comes at the end of __init__
        layout.activate()
        height = max(layout.totalHeightForWidth(self.width()), layout.totalMinimumSize().height())
        self.resize(self.width(), height)

    def bounds(self) -> tuple[str, str]:
        return self.from_edit.text().strip(), self.to_edit.text().strip()

    def audience(self) -> Audience:
        return Audience(self.audience_box.currentData())  # Qt hands the str enum back as a str


class _Worker(QThread):
    succeeded = Signal(str)  # the path written
    failed = Signal(str)  # what went wrong and what to do

    def __init__(
        self,
        library: Library,
        bounds: tuple[str, str],
        path: Path,
        audience: Audience,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.library, self.bounds, self.path, self.audience = library, bounds, path, audience
        self.thread_id: int | None = None  # for tests: proof that the work left the window's thread

    def run(self) -> None:
        self.thread_id = threading.get_ident()
        try:
            learning.export_review(self.library, *self.bounds, self.path, self.audience)
        except (PeriodError, postmortems.ExportFormatError, LibraryError) as error:
            self.failed.emit(str(error))
        except OSError as error:
            self.failed.emit(error.strerror or str(error))
        else:
            self.succeeded.emit(str(self.path))


class ReviewExporter(Writer):
    """Writes one review at a time for its window; a window closing waits for it, so no file is
    left half-written."""

    succeeded = Signal(str)
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.installEventFilter(self)

    def start(self, bounds: tuple[str, str], path: Path, audience: Audience) -> bool:
        """Begin writing; False (and said) if a review or a report is being written already."""
        window = self.window
        if self.busy or window.reports.busy:
            window.report(
                "A report is being written",
                "Wait for the report being written now to finish, then export this one.",
            )
            return False
        worker = _Worker(window.library, bounds, path, audience, self)
        worker.succeeded.connect(self._written)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._finished)
        self.worker = worker
        window.report_progress.setRange(0, 0)  # busy: the review counts no pages
        window.report_progress.show()
        window.statusBar().showMessage(f"Writing the learning review to {path}…")
        worker.start()
        return True

    def _written(self, path: str) -> None:
        self.window.report_progress.hide()
        self.window.statusBar().showMessage(f"Learning review written to {path}", 8000)
        self.succeeded.emit(path)

    def _failed(self, message: str) -> None:
        self.window.report_progress.hide()
        self.window.statusBar().clearMessage()
        self.window.report(NOT_WRITTEN, message)
        self.failed.emit(message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.wait()
        return False


def exporter(window: MainWindow) -> ReviewExporter:
    """The window's review writer, made the first time it is asked for."""
    found = window.findChild(ReviewExporter)
    return found if isinstance(found, ReviewExporter) else ReviewExporter(window)


def choose_and_export(window: MainWindow) -> None:
    """Ask the period and audience, then the file, and write the review in the background."""
    if not window.attached:
        return
    from pmdesk.ui.file_dialogs import save_file_name

    dialog = ReviewDialog(date.today(), window)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        bounds, audience = dialog.bounds(), dialog.audience()
    finally:
        dialog.deleteLater()
    path, chosen = save_file_name(
        window, TITLE, file_name(*bounds), FILTERS, kind="report", folders=window.settings
    )
    if not path:
        return
    if Path(path).suffix.lower() not in (".pdf", ".md"):
        path += ".md" if "*.md" in chosen else ".pdf"
    exporter(window).start(bounds, Path(path), audience)
