"""Writing a report (PDF or Markdown) in a worker thread, so the window stays responsive.

The postmortem is read on the window's thread; the worker only lays out pages and writes the file,
which needs neither Qt widgets nor the library. Progress and the outcome come back as signals,
which Qt delivers on the window's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from pmdesk.domain.model import Postmortem
from pmdesk.report.audience import Audience
from pmdesk.services import postmortems
from pmdesk.services.postmortems import ReportLine


class _Worker(QThread):
    progressed = Signal(int, int)  # done, total
    succeeded = Signal(str)  # the path written
    failed = Signal(str)  # what went wrong and what to do

    def __init__(
        self,
        postmortem: Postmortem,
        path: Path,
        fmt: str,
        audience: Audience,
        links: tuple[Sequence[ReportLine], Sequence[ReportLine]],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.postmortem, self.path, self.fmt, self.audience = postmortem, path, fmt, audience
        self.links = links
        self.thread_id: int | None = None  # for tests: proof that the work left the window's thread

    def run(self) -> None:
        self.thread_id = threading.get_ident()
        try:
            data = postmortems.render_export(
                self.postmortem,
                self.fmt,
                self.audience,
                postmortems.generation_time(),
                self.progressed.emit,
                self.links,
            )
            postmortems.write_export(self.path, data)
        except postmortems.ExportFormatError as error:
            self.failed.emit(str(error))
        except OSError as error:
            self.failed.emit(error.strerror or str(error))
        else:
            self.succeeded.emit(str(self.path))


class Writer(QObject):
    """Runs one worker thread at a time; `busy` while it runs. The worker sets `thread_id`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker: QThread | None = None
        self.last_thread_id: int | None = None  # the thread the last export ran on

    @property
    def busy(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def _finished(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            self.last_thread_id = getattr(worker, "thread_id", None)
            worker.deleteLater()

    def wait(self) -> None:
        """Let a running export finish (the window is closing: never leave half a file)."""
        if self.worker is not None and self.worker.isRunning():
            self.worker.wait()


class ReportExporter(Writer):
    """Writes one postmortem's report at a time."""

    progressed = Signal(int, int)
    succeeded = Signal(str)
    failed = Signal(str)

    def start(
        self,
        postmortem: Postmortem,
        path: Path,
        audience: Audience,
        links: tuple[Sequence[ReportLine], Sequence[ReportLine]] = ((), ()),
    ) -> bool:
        """Begin writing the report; False if one is being written already. `links` are the
        incidents it names as recurrences (`postmortems.report_links`)."""
        if self.busy:
            return False
        fmt = "md" if path.suffix.lower() == ".md" else "pdf"
        worker = _Worker(postmortem, path, fmt, audience, links, self)
        worker.progressed.connect(self.progressed)
        worker.succeeded.connect(self.succeeded)
        worker.failed.connect(self.failed)
        worker.finished.connect(self._finished)
        self.worker = worker
        worker.start()
        return True
