"""What the middle of the window shows when no postmortem is open, and, while the library is
empty, the offer of the sample postmortem that ships with pmdesk."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from pmdesk.ui.resources import resources_dir

NOTHING_OPEN = (
    "<h2>No postmortem open</h2>"
    "<p>Choose one on the left, or start a new one with <b>New incident</b> (Ctrl+N).</p>"
    "<p>To bring one in from a file: <b>File ▸ Import…</b> (Ctrl+I).</p>"
)
EMPTY_LIBRARY = (
    "<h2>This library is empty</h2>"
    "<p>Start your first postmortem with <b>New incident</b> (Ctrl+N), bring one in with "
    "<b>File ▸ Import…</b> (Ctrl+I), or look around a finished one first: the sample below is a "
    "complete review, from its timeline to its action items and its meeting.</p>"
)


def sample_path() -> Path:
    return resources_dir() / "sample" / "search-index-migration.json"


class NothingOpen(QWidget):
    sample_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel(NOTHING_OPEN)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.sample = QPushButton("Open the sample postmortem")
        self.sample.setAccessibleName("Open the sample postmortem")
        self.sample.clicked.connect(self.sample_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 0, 48, 0)
        layout.addStretch(1)
        layout.addWidget(self.text)
        layout.addSpacing(8)
        layout.addWidget(self.sample, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.offer_sample(False)

    def offer_sample(self, library_is_empty: bool) -> None:
        self.text.setText(EMPTY_LIBRARY if library_is_empty else NOTHING_OPEN)
        self.sample.setVisible(library_is_empty)
