"""The one-line way to add an action: `TITLE @OWNER due DATE P1`, read as it is typed.

Under the line, a preview says what it understood (title, owner, due date with its weekday,
priority) and the vagueness hint says how to make a vague title concrete. After `@`, the
postmortem's participants and the owners known across the library are offered; Tab or Enter
takes the one highlighted. Enter on the line hands the whole action over as one entry; where the
host stores a status with it (`statuses`), Alt+2, Alt+3 or Alt+4 instead hands it over already
in progress, done or dropped, as the board's columns are numbered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QWidget

from pmdesk.domain.action_entry import ActionEntry, describe, owner_at, parse_action_entry
from pmdesk.domain.model import ActionStatus, Postmortem
from pmdesk.ui.actions.detail import VaguenessHint
from pmdesk.ui.widgets import muted

PLACEHOLDER = "New action: what changes, on which thing @owner due fri P1 (Enter adds it)"
# Alt+2 … Alt+4 instead of Enter: the action starts in that column of the board.
STATUS_KEYS = {
    Qt.Key.Key_2: ActionStatus.IN_PROGRESS,
    Qt.Key.Key_3: ActionStatus.DONE,
    Qt.Key.Key_4: ActionStatus.DROPPED,
}


class ActionLine(QLineEdit):
    """A line edit for new actions, with its preview and vagueness hint beside it."""

    entered = Signal(object)  # the ActionEntry, ready to store
    entered_as = Signal(object, object)  # the ActionEntry, and the ActionStatus it starts in

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(PLACEHOLDER)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._zone = ZoneInfo("UTC")
        self._names: list[str] = []
        # The owners known across the library, most used first; the host fills it in.
        self.known_owners: Callable[[], Sequence[str]] = lambda: ()
        # The statuses the host stores from `entered_as`: only their Alt keys add the action.
        self.statuses: frozenset[ActionStatus] = frozenset()
        self.preview = muted("")
        self.preview.setWordWrap(True)
        self.preview.hide()
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setProperty("role", "error")
        self.problem.hide()
        self.vagueness = VaguenessHint()
        self.owners = QStringListModel(self)
        self.owner_completer = QCompleter(self.owners, self)
        self.owner_completer.setWidget(self)
        self.owner_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.owner_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.owner_completer.activated.connect(self._take_owner)
        popup = self.owner_completer.popup()
        assert popup is not None  # QCompleter makes its list on first asking
        self.owner_popup = popup
        popup.installEventFilter(self)
        self.textEdited.connect(self._typed)
        self.returnPressed.connect(self._enter)

    # ---- context ---------------------------------------------------------------------------

    def show_postmortem(self, postmortem: Postmortem) -> None:
        """Offer this postmortem's people and owners first; read dates in its zone."""
        try:
            self._zone = ZoneInfo(postmortem.timezone)
        except (ValueError, KeyError):
            self._zone = ZoneInfo("UTC")
        names = [p.name for p in postmortem.participants]
        self._names = names + [a.owner for a in postmortem.actions if a.owner]
        self._offer([])
        self._typed(self.text())

    def _offer(self, known_owners: Sequence[str]) -> None:
        names = (n.strip() for n in [*self._names, *known_owners])
        self.owners.setStringList(list(dict.fromkeys(n for n in names if n)))

    def focusInEvent(self, event: QFocusEvent) -> None:
        # The library's owners as of now: another postmortem may have named a team meanwhile.
        self._offer(self.known_owners())
        super().focusInEvent(event)

    def today(self) -> date:
        return self.clock().astimezone(self._zone).date()

    def entry(self) -> ActionEntry:
        return parse_action_entry(self.text(), self.today())

    def clear_entry(self) -> None:
        """Empty the line once its action is stored; Ctrl+Z then undoes the add itself."""
        self.setText("")
        self._typed("")

    # ---- typing ----------------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        entry = self.entry()
        has_text = bool(text.strip())
        self.preview.setText(describe(entry, self.today()) if has_text and entry.title else "")
        self.preview.setVisible(bool(self.preview.text()))
        self.problem.setText((entry.problem or "") if has_text else "")
        self.problem.setVisible(bool(self.problem.text()))
        self.vagueness.check(entry.title)
        self._offer_owners()

    def _offer_owners(self) -> None:
        typing = owner_at(self.text(), self.cursorPosition())
        popup = self.owner_popup
        if typing is None or not self.hasFocus():
            popup.hide()
            return
        self.owner_completer.setCompletionPrefix(typing[1])
        if self.owner_completer.completionCount() == 0:
            popup.hide()
            return
        rect = self.cursorRect()
        rect.setWidth(max(240, popup.sizeHintForColumn(0) + 24))
        self.owner_completer.complete(rect)
        popup.setCurrentIndex(self.owner_completer.completionModel().index(0, 0))

    def _take_owner(self, name: str) -> None:
        typing = owner_at(self.text(), self.cursorPosition())
        if typing is None:
            return
        at = typing[0]
        text, cursor = self.text(), self.cursorPosition()
        filled = f"{text[: at + 1]}{name} "
        rest = text[cursor:].lstrip(" ")
        self.setText(filled + rest)
        self.setCursorPosition(len(filled))
        self._typed(self.text())
        self.owner_popup.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Tab in the list of owners takes the highlighted one, as Enter does."""
        popup = self.owner_popup
        if (
            watched is popup
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Tab
        ):
            current = popup.currentIndex()
            if current.isValid():
                self._take_owner(str(current.data()))
            popup.hide()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        status = STATUS_KEYS.get(Qt.Key(event.key()))
        alt = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if status in self.statuses and alt == Qt.KeyboardModifier.AltModifier:
            self._enter(status)
            return
        super().keyPressEvent(event)

    def _enter(self, status: ActionStatus = ActionStatus.OPEN) -> None:
        if self.owner_popup.isVisible():
            return
        entry = self.entry()
        if entry.ready and status is ActionStatus.OPEN:
            self.entered.emit(entry)
        elif entry.ready:
            self.entered_as.emit(entry, status)
        elif self.text().strip():
            self._typed(self.text())  # the problem is on show already; nothing is stored
