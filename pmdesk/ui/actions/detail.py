"""The selected action card in full: every field editable, and its dated history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.language import find_vagueness
from pmdesk.domain.model import ActionChange, ActionField, ActionItem, Postmortem, Priority
from pmdesk.ui.actions.board import STATUS_LABELS
from pmdesk.ui.widgets import (
    CommittingTextEdit,
    DateField,
    emphasise,
    heading,
    keyboard_comes_back,
    muted,
    show_stored_text,
)

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


class DueNote(QWidget):
    """Under the due date: how to set one while it is being chosen, and, for a day in the past,
    the question whether it is meant (Keep it / Change it)."""

    keep = Signal()
    change = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = muted("")
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setProperty("role", "error")  # the colour of a card's overdue date
        self.warning.setAccessibleName("Due date warning")
        self.keep_button = QPushButton("Keep it")
        self.keep_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.keep_button.clicked.connect(self.keep)
        self.change_button = QPushButton("Change it")
        self.change_button.setAutoDefault(True)
        self.change_button.clicked.connect(self.change)
        self.buttons = QWidget()
        buttons = QVBoxLayout(self.buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.keep_button)
        row.addWidget(self.change_button)
        row.addStretch(1)
        buttons.addLayout(row)
        buttons.addWidget(muted("In the date: Enter keeps it, Esc changes it."))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.warning)
        layout.addWidget(self.buttons)
        self.clear()

    def say(self, hint: str) -> None:
        self.hint.setText(hint)
        self.hint.show()
        self.warning.hide()
        self.buttons.hide()
        self.show()

    def ask(self, warning: str) -> None:
        self.warning.setText(warning)
        self.warning.show()
        self.buttons.show()
        self.hint.hide()
        self.show()

    def asking(self) -> bool:
        return self.warning.isVisibleTo(self)

    def clear(self) -> None:
        self.hide()
        self.hint.hide()
        self.warning.hide()
        self.buttons.hide()


PICKING_HINT = "Type the date or pick it (F4). Enter sets it; Esc leaves it unset."


def in_the_past(day: date, today: date) -> str:
    days = (today - day).days
    ago = "yesterday" if days == 1 else f"{days} days ago"
    return f"{day.isoformat()} is in the past ({ago}): the action would start overdue."


class ActionDetail(QWidget):
    """Edits one action; each finished field is announced as the action it would become."""

    changed = Signal(object, str)  # the changed ActionItem, the undo text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action: ActionItem | None = None
        # The day a due date being chosen starts from (the section asks about a day in the past
        # by the board's today, the one its cards are late by).
        self.today: Callable[[], date] = date.today
        # The due date row between the stored date and the next: ticked with none stored yet
        # (nothing is stored until a date is chosen), a day in the past held back until kept,
        # and a change being announced (its question takes the keyboard, which ends the field's
        # editing once more: that is not a second change).
        self._picking = False
        self._touched = False
        self._past: date | None = None
        self._kept: tuple[str, date] | None = None
        self._announcing = False
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
        self.has_due.installEventFilter(self)
        self.due = DateField()
        self.due.setAccessibleName("Due date")
        self.due.chosen.connect(self._due_chosen)
        self.due.dateChanged.connect(self._due_touched)
        self.due.installEventFilter(self)
        self.due_note = DueNote()
        self.due_note.keep.connect(self._keep_past)
        self.due_note.change.connect(self._change_past)
        for button in (self.due_note.keep_button, self.due_note.change_button):
            button.installEventFilter(self)
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
        form.addRow("", self.due_note)
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
        shown_before, self.action = self.action, action
        self.body.setVisible(action is not None)
        self.empty.setVisible(action is None)
        if action is None or postmortem is None:
            self._show_due(None)
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
        if not self._due_in_hand(shown_before, action):
            self._show_due(action)
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

    # ---- the due date ----------------------------------------------------------------------

    def ask_about_past(self, day: date, today: date) -> None:
        """Hold `day` back as in the past, asking whether it is meant: Keep it (or Enter again on
        it) announces it once more as kept; Change it or Esc go back. Nothing is stored."""
        self._past = day
        blocked = self.due.blockSignals(True)
        self.due.set_day(day)
        self.due.blockSignals(blocked)
        self.due_note.ask(in_the_past(day, today))

    def kept_past(self, action_id: str, day: date) -> bool:
        """Whether `day`, in the past, is announced for the action as kept after asking."""
        return self._kept == (action_id, day)

    def _show_due(self, action: ActionItem | None) -> None:
        """Show the stored due date, leaving whatever was chosen, asked or typed in the row."""
        self._picking = False
        self._past = None
        self.due_note.clear()
        due = action.due if action is not None else None
        for widget in (self.has_due, self.due):
            widget.blockSignals(True)
        self.has_due.setChecked(due is not None)
        self.due.setEnabled(due is not None)
        self.due.set_day(due or self.today())
        for widget in (self.has_due, self.due):
            widget.blockSignals(False)

    def _due_in_hand(self, before: ActionItem | None, action: ActionItem) -> bool:
        """Whether the row holds the user's own doing on this action's unchanged due date (a
        date being chosen or typed, a past day asked about), which a reload must not undo."""
        if before is None or before.id != action.id or before.due != action.due:
            return False
        typing = self.due.hasFocus() and self.due.day() != action.due
        return self._picking or self._past is not None or typing

    def _due_toggled(self, on: bool) -> None:
        if self.action is None:
            return
        if on:
            self._start_picking()
        elif self.action.due is None:  # unticked before a date was chosen: nothing happened
            self._show_due(self.action)
        else:  # an agreed date taken away: a re-scope
            self._announce_due(None)

    def _start_picking(self) -> None:
        """Ticked: open the field for a date, from today's; nothing is stored until one is
        chosen."""
        self._picking = True
        self._past = None
        blocked = self.has_due.blockSignals(True)
        self.has_due.setChecked(True)
        self.has_due.blockSignals(blocked)
        self.due.setEnabled(True)
        self.due.set_day(self.today())
        self._touched = False  # today's date is only where choosing starts
        self.due_note.say(PICKING_HINT)
        self.due.setFocus(Qt.FocusReason.OtherFocusReason)
        self.due.select_first_section()

    def _due_chosen(self) -> None:
        """Enter, a day picked, or the field left: the day shown is the one chosen."""
        if self.action is None or self._announcing or not self.has_due.isChecked():
            return
        if not self.due.hasFocus() and QApplication.focusWidget() is self.has_due:
            return  # on the way to the box, to untick it or to come back: still in hand
        day = self.due.day()
        if self._picking and not self._touched and not self.due.hasFocus():
            self._show_due(self.action)  # left without a date chosen: nothing is set
            return
        if day == self.action.due:
            self._show_due(self.action)  # back to what is stored: nothing to do
        elif day != self._past:
            self._announce_due(day)
        elif self.due.hasFocus():
            self._keep_past()  # Enter again on the day asked about keeps it
        # else: the field was left on the day asked about, which waits for its answer

    def _due_touched(self) -> None:
        self._touched = True

    def _keep_past(self) -> None:
        if self.action is not None and self._past is not None:
            self._kept = (self.action.id, self._past)
            self._announce_due(self._past)

    def _change_past(self) -> None:
        """Not the day in the past: back to the date before it (the stored one, or today's while
        one is chosen), in the field, to type another."""
        if self.action is None:
            return
        if self._picking:
            self._start_picking()
            return
        self._show_due(self.action)
        self.due.setFocus(Qt.FocusReason.OtherFocusReason)
        self.due.select_first_section()

    def _escape(self) -> bool:
        """Esc in the due date row: a day in the past is not kept, a date being chosen for an
        action without one is not set, typing is undone. False when there is nothing to undo."""
        if self.action is None:
            return False
        if self._past is not None:
            self._change_past()
        elif self._picking:
            self._show_due(self.action)
            self.has_due.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.action.due is not None and self.due.day() != self.action.due:
            self._show_due(self.action)
            self.due.select_first_section()
        else:
            return False
        return True

    def _announce_due(self, due: date | None) -> None:
        if self.action is None:
            return
        self._past = None
        self.due_note.clear()
        self._announcing = True
        try:
            self._emit(replace(self.action, due=due), "Change due date")
        finally:
            self._announcing = False
            self._kept = None
        if self._past is None:
            # Stored, refused, or its question cancelled (not held back as a day in the past
            # to ask about): the row shows what is stored now.
            self._show_due(self.action)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
            and watched in (self.due, self.due_note.keep_button, self.due_note.change_button)
            and self._escape()
        ):
            return True
        if (
            watched is self.has_due
            and isinstance(event, QFocusEvent)
            and event.type() == QEvent.Type.FocusOut
            and not keyboard_comes_back(event)
            and QApplication.focusWidget() is not self.due
        ):
            # The row left by way of its box, still ticked: the day shown is the one chosen.
            self._due_chosen()
        return super().eventFilter(watched, event)

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
