"""The dialog that says pmdesk itself failed (see `crash`): in a module of its own, made only
when something went wrong, so that no start pays for its widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui.crash import SAFE
from pmdesk.ui.widgets import emphasise, muted


class CrashDialog(QDialog):
    """Says what happened and what is safe, where the log is, and offers to go on or to quit."""

    def __init__(
        self, what: str, log_path: Path | None, details: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("pmdesk hit a problem")
        self.quit_chosen = False
        heading = emphasise(QLabel("Something went wrong inside pmdesk."), 1.2)
        safe = QLabel(SAFE)
        safe.setWordWrap(True)
        where = (
            f"A report was written to {log_path}. If it keeps happening, send that file to whoever "
            "looks after pmdesk for your team."
            if log_path is not None
            else "The report could not be written to the log folder; the details are below."
        )
        self.where = muted(where)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.what = muted(what)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Technical details")
        self.details.setMinimumHeight(140)
        buttons = QDialogButtonBox()
        self.keep = buttons.addButton("Keep working", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit = buttons.addButton("Quit pmdesk", QDialogButtonBox.ButtonRole.RejectRole)
        self.copy = QPushButton("Copy details")
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy.clicked.connect(self._copy)
        self.folder = QPushButton("Open log folder")
        self.folder.setEnabled(log_path is not None)
        buttons.addButton(self.folder, QDialogButtonBox.ButtonRole.ActionRole)
        self.folder.clicked.connect(lambda: self._open_folder(log_path))
        self.keep.clicked.connect(self.accept)
        self.quit.clicked.connect(self._quit)
        self.keep.setDefault(True)
        layout = QVBoxLayout(self)
        for widget in (heading, safe, self.where, self.what, self.details):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.resize(620, 420)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())

    def _open_folder(self, log_path: Path | None) -> None:
        if log_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent)))

    def _quit(self) -> None:
        self.quit_chosen = True
        self.reject()
