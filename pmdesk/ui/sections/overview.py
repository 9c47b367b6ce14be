"""Overview: title, kind, severity, status, time zone, summary, participants and tags."""

from __future__ import annotations

import zoneinfo
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from pmdesk.domain.model import (
    Participant,
    Postmortem,
    PostmortemKind,
    PostmortemStatus,
    Severity,
)
from pmdesk.ui.edits import Edits
from pmdesk.ui.widgets import (
    CommittingTextEdit,
    EditableRows,
    set_combo_data,
    show_stored_text,
)


@cache
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class ZoneCombo(QComboBox):
    """An editable list of the IANA zones, read from disk only when someone reaches for it:
    listing 600 zones costs 50 ms that start-up need not pay."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._filled = False

    def fill(self) -> None:
        if self._filled:
            return
        self._filled = True
        typed = self.currentText()
        blocked = self.blockSignals(True)
        self.clear()
        self.addItems(timezone_names())
        self.setCurrentText(typed)
        self.blockSignals(blocked)
        completer = QCompleter(timezone_names(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)

    def showPopup(self) -> None:
        self.fill()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.fill()
        super().focusInEvent(event)


def tags_from_text(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


class OverviewSection(QWidget):
    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits = edits
        self._postmortem: Postmortem | None = None

        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.title.setMaxLength(300)
        self.title.editingFinished.connect(self._title_finished)

        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind")
        self.kind.addItem("Incident", PostmortemKind.INCIDENT)
        self.kind.addItem("Near miss", PostmortemKind.NEAR_MISS)
        self.kind.activated.connect(lambda _: self._set("kind", self.kind.currentData()))

        self.severity = QComboBox()
        self.severity.setAccessibleName("Severity")
        self.severity.addItem("Not set", None)
        for severity in Severity:
            self.severity.addItem(severity.value, severity)
        self.severity.activated.connect(
            lambda _: self._set("severity", self.severity.currentData())
        )

        self.status = QComboBox()
        self.status.setAccessibleName("Status")
        for status in PostmortemStatus:
            self.status.addItem(status.value.capitalize(), status)
        self.status.activated.connect(lambda _: self._set("status", self.status.currentData()))

        self.timezone = ZoneCombo()
        self.timezone.setAccessibleName("Time zone")
        self.timezone.activated.connect(
            lambda _: self._set("timezone", self.timezone.currentText())
        )
        line = self.timezone.lineEdit()
        if line is not None:
            line.editingFinished.connect(self._timezone_finished)

        self.summary = CommittingTextEdit()
        self.summary.setAccessibleName("Summary")
        self.summary.setPlaceholderText(
            "What happened, in a few sentences: what broke, for whom, for how long, how it ended."
        )
        self.summary.editing_finished.connect(lambda text: self._set("summary", text))

        self.tags = QLineEdit()
        self.tags.setAccessibleName("Tags")
        self.tags.setPlaceholderText("config, checkout, alerting")
        self.tags.editingFinished.connect(self._tags_finished)

        self.participants = EditableRows(["Name", "Role"], "Add participant")
        self.participants.table.setAccessibleName("Participants")
        self.participants.edited.connect(self._participants_changed)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Title", self.title)
        row = QHBoxLayout()
        for widget in (self.kind, self.severity, self.status):
            row.addWidget(widget, 1)
        form.addRow("Kind, severity, status", row)
        form.addRow("Time &zone", self.timezone)
        form.addRow("&Summary", self.summary)
        form.addRow("Tags", self.tags)
        form.addRow("Participants", self.participants)

    def show_postmortem(self, postmortem: Postmortem) -> None:
        self._postmortem = postmortem
        show_stored_text(self.title, postmortem.title)
        set_combo_data(self.kind, postmortem.kind)
        set_combo_data(self.severity, postmortem.severity)
        set_combo_data(self.status, postmortem.status)
        zone_line = self.timezone.lineEdit()
        if zone_line is not None:
            blocked = self.timezone.blockSignals(True)
            show_stored_text(zone_line, postmortem.timezone)
            self.timezone.blockSignals(blocked)
        self.summary.set_committed_text(postmortem.summary)
        show_stored_text(self.tags, ", ".join(postmortem.tags))
        self._show_participants(postmortem.participants)

    def _show_participants(self, participants: list[Participant]) -> None:
        self.participants.set_rows([[p.name, p.role or ""] for p in participants])

    def _table_participants(self) -> list[Participant]:
        return [Participant(name, role or None) for name, role in self.participants.rows() if name]

    def _set(self, field: str, value: object) -> None:
        if self._postmortem is not None and getattr(self._postmortem, field) != value:
            self._edits.update_fields(self._postmortem.id, {field: value}, self._postmortem.version)

    def _title_finished(self) -> None:
        typed = self.title.text()
        if self._postmortem is None or typed == self._postmortem.title:
            return
        if not self._edits.update_fields(
            self._postmortem.id, {"title": typed}, self._postmortem.version
        ):
            self.title.setText(self._postmortem.title)  # refused: show what is stored

    def _timezone_finished(self) -> None:
        typed = self.timezone.currentText().strip()
        if self._postmortem is None or typed == self._postmortem.timezone:
            return
        if not self._edits.update_fields(
            self._postmortem.id, {"timezone": typed}, self._postmortem.version
        ):
            self.timezone.setCurrentText(self._postmortem.timezone)  # refused: show what is stored

    def _tags_finished(self) -> None:
        if self._postmortem is None:
            return
        tags = tags_from_text(self.tags.text())
        if tags != self._postmortem.tags and not self._edits.set_tags(
            self._postmortem.id, tags, self._postmortem.version
        ):
            self.tags.setText(", ".join(self._postmortem.tags))

    def _participants_changed(self) -> None:
        if self._postmortem is None:
            return
        people = self._table_participants()
        if people != self._postmortem.participants:
            self._edits.set_participants(self._postmortem.id, people, self._postmortem.version)
