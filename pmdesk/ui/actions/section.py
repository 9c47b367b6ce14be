"""The Actions tab: the board, a line for new actions, an owner filter, and the selected card.

Every change is one undoable step through `Edits`. Dropping an action asks for the reason and
moving an agreed due date asks for a note; both are kept in the action's history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.action_entry import ActionEntry
from pmdesk.domain.model import ActionChange, ActionField, ActionItem, ActionStatus, Postmortem
from pmdesk.ui.actions.action_line import ActionLine
from pmdesk.ui.actions.board import EVERYONE, NO_OWNER, ActionBoard
from pmdesk.ui.actions.detail import ActionDetail
from pmdesk.ui.edits import Edits
from pmdesk.ui.side_panels import ShareSplitter
from pmdesk.ui.widgets import elide_choices

# (window title, question) → the typed answer, or None when cancelled. Tests replace it.
AskText = Callable[[str, str], str | None]


class ActionsSection(QWidget):
    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits = edits
        self.postmortem: Postmortem | None = None
        self.ask_text: AskText = self._ask_with_dialog
        self.presenting = False  # on the meeting's stage (see _show_detail)

        self.new_action = ActionLine()
        self.new_action.setAccessibleName("New action")
        self.new_action.known_owners = edits.known_owners
        self.new_action.entered.connect(self._add)
        self.new_action.statuses = frozenset(ActionStatus) - {ActionStatus.OPEN}
        self.new_action.entered_as.connect(self._add)
        self.owner_filter = QComboBox()
        self.owner_filter.setAccessibleName("Show actions of")
        self.owner_filter.activated.connect(self._owner_chosen)

        self.board = ActionBoard()
        self.board.move_requested.connect(self.move_action)
        self.board.title_edited.connect(self._title_edited)
        self.board.current_changed.connect(self._show_detail)
        self.detail = ActionDetail()
        self.detail.today = self.board.today  # the day cards are late by, and a date in the past
        self.detail.changed.connect(self.change_action)
        self.board.title_typed.connect(self.detail.vagueness.check)
        for column in self.board.columns.values():
            delete = QShortcut(QKeySequence.StandardKey.Delete, column)
            delete.setContext(Qt.ShortcutContext.WidgetShortcut)
            delete.activated.connect(self.delete_current)

        top = QHBoxLayout()
        top.addWidget(self.new_action, 1)
        top.addWidget(self.owner_filter)
        self.splitter = ShareSplitter([0.72, 0.28], narrowest=[None, 30], widest=[None, 50])
        self.splitter.addWidget(self.board)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        elide_choices(self.detail)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.new_action.preview)
        layout.addWidget(self.new_action.problem)
        layout.addWidget(self.new_action.vagueness)
        layout.addWidget(self.splitter, 1)

    # ---- showing ---------------------------------------------------------------------------

    def show_postmortem(self, postmortem: Postmortem) -> None:
        self.postmortem = postmortem
        self.new_action.show_postmortem(postmortem)
        self._fill_owner_filter(postmortem)
        self.board.show_postmortem(postmortem)
        self._show_detail(self.board.current_action())

    def _fill_owner_filter(self, postmortem: Postmortem) -> None:
        owners = sorted({(a.owner or "").strip() for a in postmortem.actions} - {""})
        wanted = [("Everyone", EVERYONE), *((o, o) for o in owners), ("No owner", NO_OWNER)]
        current = [
            (self.owner_filter.itemText(i), self.owner_filter.itemData(i))
            for i in range(self.owner_filter.count())
        ]
        if current == wanted:
            return
        chosen = self.board.owner_filter
        self.owner_filter.clear()
        for text, data in wanted:
            self.owner_filter.addItem(text, data)
        if self.owner_filter.findData(chosen) < 0:  # the owner filtered on has no actions left
            chosen = EVERYONE
            self.board.set_owner_filter(EVERYONE)
        self.owner_filter.setCurrentIndex(self.owner_filter.findData(chosen))

    def _show_detail(self, action: ActionItem | None) -> None:
        if action is not None and self.postmortem is not None:
            # the board's copy may predate a history entry: show the stored action
            action = next((a for a in self.postmortem.actions if a.id == action.id), action)
        self.detail.show_action(self.postmortem, action)
        if self.presenting:
            # On the meeting's stage the room reads the board: the card's pane, in the stage's
            # large type half the width, comes out only for a card that is selected.
            self.detail.setVisible(action is not None)
            self.splitter.fit()

    def _owner_chosen(self, index: int) -> None:
        self.board.set_owner_filter(self.owner_filter.itemData(index))

    def select_action(self, action_id: str) -> None:
        self.board.select_action(action_id)

    def filter_by_owner(self, owner: str) -> None:
        self.owner_filter.setCurrentIndex(max(0, self.owner_filter.findData(owner)))
        self.board.set_owner_filter(self.owner_filter.currentData())

    # ---- edits -----------------------------------------------------------------------------

    def _add(self, entry: ActionEntry, status: ActionStatus = ActionStatus.OPEN) -> None:
        """Store the typed line as one action, all its fields in one undo step, in the status
        its key gave: Enter open, Alt+2 in progress, Alt+3 done, Alt+4 dropped (asking why)."""
        if self.postmortem is None:
            return
        history = []
        if status is ActionStatus.DROPPED:
            reason = self.ask_text("Drop action", _why_dropped(entry.title))
            if reason is None:
                return  # the line keeps its text
            dropped = ActionChange(
                datetime.now(UTC), ActionField.STATUS, ActionStatus.OPEN.value, status.value, reason
            )
            history.append(dropped)
        new = entry.action(status=status, history=history)
        new_id = self._edits.add_action(self.postmortem.id, new)
        if new_id is not None:
            self.new_action.clear_entry()  # with no typing left to undo: Ctrl+Z undoes the add
            self.board.select_action(new_id, focus=False)

    def _stored(self, action_id: str) -> ActionItem | None:
        if self.postmortem is None:
            return None
        return next((a for a in self.postmortem.actions if a.id == action_id), None)

    def move_action(self, action_id: str, status: ActionStatus) -> bool:
        """Move a card to another column; dropping asks why first."""
        action = self._stored(action_id)
        if self.postmortem is None or action is None or action.status is status:
            return False
        note = ""
        if status is ActionStatus.DROPPED:
            answer = self.ask_text("Drop action", _why_dropped(action.title))
            if answer is None:
                return False
            note = answer
        label = {
            ActionStatus.OPEN: "Reopen",
            ActionStatus.IN_PROGRESS: "Start",
            ActionStatus.DONE: "Finish",
            ActionStatus.DROPPED: "Drop",
        }[status]
        changed = replace(action, status=status)
        made = self._edits.change_action(
            self.postmortem.id, action, changed, f"{label} “{_clip(action.title)}”", note
        )
        if made:
            self.board.select_action(action_id)
        return made

    def change_action(self, changed: ActionItem, text: str) -> bool:
        """Apply an edit from the card's detail; a moved due date asks for a note first, and a
        due date in the past whether it is meant."""
        action = self._stored(changed.id)
        if self.postmortem is None or action is None:
            return False
        today = self.board.today()  # the day the board's cards are late by
        if (
            changed.due is not None
            and changed.due != action.due
            and changed.due < today
            and not self.detail.kept_past(changed.id, changed.due)
        ):
            # A day in the past makes the action overdue at once: the detail asks whether it
            # is meant (Keep it announces it again as kept). Nothing is stored meanwhile.
            self.detail.ask_about_past(changed.due, today)
            return False
        note = ""
        if action.due is not None and changed.due != action.due:
            if self._asking_about(action.id):
                # Its question is open (the dialog taking the keyboard ends the field's editing
                # once more): one question per change, answered once.
                return False
            new = changed.due.isoformat() if changed.due else "no date"
            answer = self._ask_about(
                action.id,
                "Re-scope action",
                f"“{action.title}” was due {action.due.isoformat()}; it moves to {new}. Why?",
            )
            if answer is None:
                # Cancelled: nothing changes, and the card's detail shows what is stored.
                self.detail.show_action(self.postmortem, self._stored(changed.id))
                return False
            note = answer
            text = "Re-scope action"
        made = self._edits.change_action(self.postmortem.id, action, changed, text, note)
        if not made:
            # Refused: show what is stored now, which is someone else's version if theirs was
            # the reason (the window has reloaded it by now).
            self.detail.show_action(self.postmortem, self._stored(changed.id))
        return made

    def _asking_about(self, action_id: str) -> bool:
        return bool(self.property("pmdesk_asking_about") == action_id)

    def _ask_about(self, action_id: str, title: str, question: str) -> str | None:
        """Ask the question of a change to an action, noting that it is open until answered."""
        self.setProperty("pmdesk_asking_about", action_id)
        try:
            return self.ask_text(title, question)
        finally:
            self.setProperty("pmdesk_asking_about", None)

    def _title_edited(self, action_id: str, title: str) -> None:
        action = self._stored(action_id)
        if action is not None and title.strip() and title.strip() != action.title:
            self.change_action(replace(action, title=title.strip()), "Edit action title")
        elif self.postmortem is not None:
            self.board.show_postmortem(self.postmortem)

    def delete_current(self) -> None:
        action = self.board.current_action()
        if self.postmortem is not None and action is not None:
            self._edits.delete_actions(self.postmortem.id, [action])

    def _ask_with_dialog(self, title: str, question: str) -> str | None:
        while True:
            text, ok = QInputDialog.getText(self, title, question)
            if not ok:
                return None
            if text.strip():
                return text.strip()


def _why_dropped(title: str) -> str:
    return (
        f"Why is “{title}” dropped? (done another way, replaced by another action, no longer "
        "needed)"
    )


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
