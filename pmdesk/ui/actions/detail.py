"""The selected action card in full: every field editable, and its dated history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.language import find_vagueness
from pmdesk.domain.model import ActionChange, ActionField, ActionItem, Postmortem, Priority
from pmdesk.ui.actions.board import STATUS_LABELS
from pmdesk.ui.widgets import CommittingTextEdit, emphasise, heading, muted, show_stored_text

NO_PRIORITY = "—"


class VaguenessHint(QLabel):
    """Says, while a title is typed, how to make a vague one concrete; empty when it is fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setProperty("role", "error")
        self.hide()

    def check(self, title: str) -> None:
        found = find_vagueness(title) if title.strip() else None
        self.setText(found.message if found else "")
        self.setVisible(found is not None)


class ActionDetail(QWidget):
    """Edits one action; each finished field is announced as the action it would become."""

    changed = Signal(object, str)  # the changed ActionItem, the undo text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action: ActionItem | None = None
        self.heading = emphasise(QLabel(""), 1.15)
        self.title = QLineEdit()
        self.title.setAccessibleName("Action title")
        self.title.setPlaceholderText("What changes, on which thing, by when")
        self.title.editingFinished.connect(self._title_finished)
        self.vagueness = VaguenessHint()
        self.title.textEdited.connect(self.vagueness.check)
        self.owner = QLineEdit()
        self.owner.setAccessibleName("Owner")
        self.owner.setPlaceholderText("The team or person who will do it")
        self.owner.editingFinished.connect(self._owner_finished)
        self.has_due = QCheckBox("Due")
        self.has_due.toggled.connect(self._due_toggled)
        self.due = QDateEdit()
        self.due.setAccessibleName("Due date")
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.editingFinished.connect(self._due_finished)
        self.priority = QComboBox()
        self.priority.setAccessibleName("Priority")
        self.priority.addItem(NO_PRIORITY, None)
        for priority in Priority:
            self.priority.addItem(priority.value, priority)
        self.priority.activated.connect(self._priority_chosen)
        self.cause = QComboBox()
        self.cause.setAccessibleName("Addresses cause")
        self.cause.activated.connect(self._cause_chosen)
        self.notes = CommittingTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setMaximumHeight(90)
        self.notes.editing_finished.connect(self._notes_finished)
        self.history = QListWidget()
        self.history.setAccessibleName("History")
        self.history.setWordWrap(True)

        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due, 1)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Title", self.title)
        form.addRow("", self.vagueness)
        form.addRow("Owner", self.owner)
        form.addRow("Due date", due_row)
        form.addRow("Priority", self.priority)
        form.addRow("Addresses", self.cause)
        form.addRow("Notes", self.notes)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.heading)
        body.addLayout(form)
        body.addWidget(heading("History"))
        body.addWidget(self.history, 1)
        self.empty = muted("Select a card to edit it and see its history.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.empty)
        layout.addStretch(0)
        self.show_action(None, None)

    def show_action(self, postmortem: Postmortem | None, action: ActionItem | None) -> None:
        if action is not None and self.action is not None and action.id != self.action.id:
            self.notes.commit()  # typing left in the notes belongs to the card shown before
        self.action = action
        self.body.setVisible(action is not None)
        self.empty.setVisible(action is None)
        if action is None or postmortem is None:
            return
        self.heading.setText(f"{action.ref} · {STATUS_LABELS[action.status]}")
        show_stored_text(self.title, action.title)
        if not self.title.hasFocus():
            self.title.setCursorPosition(0)  # the start of a long title says what it is
        self.vagueness.check(action.title if action.status.is_active else "")
        show_stored_text(self.owner, action.owner or "")
        owners = sorted(
            {p.name for p in postmortem.participants}
            | {a.owner for a in postmortem.actions if a.owner}
        )
        self.owner.setCompleter(QCompleter(owners, self.owner))
        for widget in (self.has_due, self.due):
            widget.blockSignals(True)
        self.has_due.setChecked(action.due is not None)
        self.due.setEnabled(action.due is not None)
        shown = action.due or date.today()
        self.due.setDate(QDate(shown.year, shown.month, shown.day))
        for widget in (self.has_due, self.due):
            widget.blockSignals(False)
        self.priority.setCurrentIndex(max(0, self.priority.findData(action.priority)))
        self.cause.clear()
        self.cause.addItem("No cause", None)
        for cause in postmortem.causes:
            text = " ".join(cause.text.split())
            self.cause.addItem(f"{cause.ref}  {text[:70]}", cause.id)
        self.cause.setCurrentIndex(max(0, self.cause.findData(action.cause_id)))
        self.notes.set_committed_text(action.notes)
        self.history.clear()
        for change in reversed(action.history):  # newest first: what the review asks about
            self.history.addItem(describe(change))
        if not action.history:
            self.history.addItem("No changes yet.")

    def _emit(self, changed: ActionItem, text: str) -> None:
        if self.action is not None and changed != self.action:
            self.changed.emit(changed, text)

    def _title_finished(self) -> None:
        if self.action is not None and self.title.text().strip():
            self._emit(replace(self.action, title=self.title.text().strip()), "Edit action title")

    def _owner_finished(self) -> None:
        if self.action is not None:
            owner = self.owner.text().strip() or None
            self._emit(replace(self.action, owner=owner), "Change owner")

    def _due_toggled(self, on: bool) -> None:
        self.due.setEnabled(on)
        self._due_finished()

    def _due_finished(self) -> None:
        if self.action is None:
            return
        picked = self.due.date()
        due = (
            date(picked.year(), picked.month(), picked.day()) if self.has_due.isChecked() else None
        )
        self._emit(replace(self.action, due=due), "Change due date")

    def _priority_chosen(self, index: int) -> None:
        if self.action is not None:
            chosen = self.priority.itemData(index)  # Qt hands enum data back as plain text
            priority = Priority(chosen) if chosen else None
            self._emit(replace(self.action, priority=priority), "Change priority")

    def _cause_chosen(self, index: int) -> None:
        if self.action is not None:
            self._emit(
                replace(self.action, cause_id=self.cause.itemData(index)), "Link action to cause"
            )

    def _notes_finished(self, text: str) -> None:
        if self.action is not None:
            self._emit(replace(self.action, notes=text), "Edit action notes")


FIELD_NAMES = {
    ActionField.STATUS: "status",
    ActionField.OWNER: "owner",
    ActionField.DUE: "due date",
    ActionField.PRIORITY: "priority",
}


def describe(change: ActionChange) -> str:
    """A history entry as one line: when, what changed from what to what, and why."""

    def shown(value: str | None) -> str:
        if value is None:
            return "none"
        if change.field is ActionField.STATUS:
            return next((v for k, v in STATUS_LABELS.items() if k.value == value), value)
        return value

    when = change.at.strftime("%Y-%m-%d %H:%M")
    text = f"{when}  {FIELD_NAMES[change.field]}: {shown(change.old)} → {shown(change.new)}"
    return f"{text}\n“{change.note}”" if change.note else text
