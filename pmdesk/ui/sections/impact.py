"""Impact: who was affected, how long, how badly — a summary and a table of numbers."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.model import ImpactMetric, Number, Postmortem
from pmdesk.ui.edits import Edits
from pmdesk.ui.widgets import CommittingTextEdit, EditableRows, heading, muted


def parse_number(text: str) -> Number | None:
    """A metric value as typed: "12400", "12,400", "0.5", "2.5e3"; None if it is no number."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace("\u202f", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def format_number(value: Number) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"


class ImpactSection(QWidget):
    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits = edits
        self._postmortem: Postmortem | None = None
        self.summary = CommittingTextEdit()
        self.summary.setAccessibleName("Impact summary")
        self.summary.setPlaceholderText("Who was affected, and how: customers, regions, features.")
        self.summary.setMaximumHeight(140)
        self.summary.editing_finished.connect(self._summary_finished)

        self.metrics = EditableRows(["Metric", "Value", "Unit"], "Add metric")
        self.metrics.table.setAccessibleName("Impact metrics")
        self.metrics.edited.connect(self._metrics_changed)
        self.message = muted("")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Summary"))
        layout.addWidget(self.summary)
        layout.addWidget(heading("In numbers"))
        layout.addWidget(
            muted("Minutes of downtime, failed requests, customers or orders affected, money.")
        )
        layout.addWidget(self.metrics, 1)
        layout.addWidget(self.message)

    def show_postmortem(self, postmortem: Postmortem) -> None:
        self._postmortem = postmortem
        self.summary.set_committed_text(postmortem.impact_summary)
        if postmortem.metrics != self._table_metrics():
            self.metrics.set_rows(
                [[m.name, format_number(m.value), m.unit or ""] for m in postmortem.metrics]
            )

    def _summary_finished(self, text: str) -> None:
        if self._postmortem is not None and text != self._postmortem.impact_summary:
            self._edits.update_fields(
                self._postmortem.id, {"impact_summary": text}, self._postmortem.version
            )

    def _table_metrics(self) -> list[ImpactMetric] | None:
        """The metrics as the table shows them, or None while a row is incomplete or wrong."""
        metrics = []
        for name, value_text, unit in self.metrics.rows():
            value = parse_number(value_text)
            if not name or value is None:
                return None
            metrics.append(ImpactMetric(name, value, unit or None))
        return metrics

    def _metrics_changed(self) -> None:
        if self._postmortem is None:
            return
        metrics = self._table_metrics()
        if metrics is None:
            self.message.setText("A metric needs a name and a number (such as 12400 or 0.5).")
            return
        self.message.setText("")
        if metrics != self._postmortem.metrics:
            self._edits.set_metrics(self._postmortem.id, metrics, self._postmortem.version)
