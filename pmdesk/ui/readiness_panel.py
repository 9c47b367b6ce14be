"""The readiness panel: the checks' findings, live, each leading to what it is about."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from pmdesk.domain import readiness
from pmdesk.domain.model import Postmortem
from pmdesk.domain.readiness import Finding
from pmdesk.ui.widgets import emphasise

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1


def severity_icon(severity: readiness.FindingSeverity, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#cf222e" if severity is readiness.ERROR else "#bf8700"))
    if severity is readiness.ERROR:
        painter.drawEllipse(1, 1, size - 2, size - 2)
    else:
        painter.drawRect(2, 2, size - 4, size - 4)
    painter.end()
    return QIcon(pixmap)


class ReadinessPanel(QWidget):
    finding_activated = Signal(object)  # Finding

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdict = QLabel("")
        emphasise(self.verdict)
        self.verdict.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Readiness findings")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.verdict)
        layout.addWidget(self.list, 1)
        self.findings: list[Finding] = []

    def show_postmortem(self, postmortem: Postmortem | None, today: date | None = None) -> None:
        self.list.clear()
        if postmortem is None:
            self.findings = []
            self.verdict.setText("Open a postmortem to see what it still needs.")
            return
        self.findings = readiness.check(postmortem, today or date.today())
        errors = sum(f.severity is readiness.ERROR for f in self.findings)
        warnings = len(self.findings) - errors
        if not self.findings:
            self.verdict.setText("Ready to share: every check passes.")
        elif not errors:
            self.verdict.setText(
                f"Ready to share, with {warnings} thing{'s' * (warnings != 1)} worth a look."
            )
        else:
            self.verdict.setText(f"Not ready yet: {errors} to fix, {warnings} to consider.")
        for finding in self.findings:
            item = QListWidgetItem(severity_icon(finding.severity), finding.message)
            item.setData(FINDING_ROLE, finding)
            item.setToolTip(f"{finding.rule} ({finding.severity.value})")
            self.list.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        finding = item.data(FINDING_ROLE)
        if isinstance(finding, Finding):
            self.finding_activated.emit(finding)
