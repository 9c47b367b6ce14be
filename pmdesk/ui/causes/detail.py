"""The selected cause in full: its text, the questions that reframe blame in it, its systemic
mark, evidence and actions."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.action_entry import ActionEntry
from pmdesk.domain.cause_tree import why_label
from pmdesk.domain.model import ActionStatus, Postmortem, TimelineEvent
from pmdesk.domain.themes import theme_key
from pmdesk.domain.validation import is_timezone_name
from pmdesk.ui.actions.action_line import PLACEHOLDER, ActionLine
from pmdesk.ui.causes.reframing import ReframingCard
from pmdesk.ui.causes.themes_row import ThemesRow
from pmdesk.ui.causes.tree import STATUS_MARKS, CauseRow
from pmdesk.ui.scrolling import PageScroller
from pmdesk.ui.widgets import CommittingTextEdit, emphasise, heading, muted

ITEM_ID = Qt.ItemDataRole.UserRole + 1


class CauseDetail(QWidget):
    text_changed = Signal(str, str)  # cause id, text
    systemic_changed = Signal(str, bool)
    evidence_changed = Signal(str, list)  # cause id, event ids in order
    themes_changed = Signal(str, list)  # cause id, theme names in order
    action_added = Signal(str, object, object)  # cause id, ActionEntry, ActionStatus
    event_requested = Signal(str)
    action_requested = Signal(str)
    ask_why_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cause_id: str | None = None
        self._evidence: list[str] = []
        self.title = emphasise(QLabel(""), 1.15)
        self.text = CommittingTextEdit()
        self.text.setAccessibleName("Cause text")
        self.text.setPlaceholderText("What happened, or which condition allowed it")
        self.text.editing_finished.connect(self._text_finished)
        self.text.installEventFilter(self)
        self._fit_text_height()

        self.reframing = ReframingCard()
        self.reframing.reword_requested.connect(self._select_blame)
        self._blame_span = (0, 0)

        self.hint = muted("")
        self.hint.setWordWrap(True)
        ask = QPushButton("Ask why")
        ask.clicked.connect(self.ask_why_requested)
        self.hint_box = _row(self.hint, ask)

        self.systemic = QCheckBox("Systemic cause")
        self.systemic.setToolTip(
            "A condition of the system, where the asking of why stops: no validation, no "
            "canary, a slow alert"
        )
        self.systemic.toggled.connect(self._systemic_toggled)
        self._themes: list[str] = []
        self.themes = ThemesRow()
        self.themes.theme_added.connect(self.add_theme)
        self.themes.theme_removed.connect(self._remove_theme)

        self.evidence = QListWidget()
        self.evidence.setAccessibleName("Evidence")
        self.evidence.setMaximumHeight(120)
        self.evidence.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.evidence.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.evidence.itemActivated.connect(
            lambda item: self.event_requested.emit(item.data(ITEM_ID))
        )
        _on_delete(self.evidence, self._remove_evidence)
        self.cite = QComboBox()
        self.cite.setAccessibleName("Cite a timeline event")
        self.cite.activated.connect(self._cite)

        self.actions_list = QListWidget()
        self.actions_list.setAccessibleName("Actions for this cause")
        self.actions_list.setMaximumHeight(120)
        self.actions_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.actions_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.actions_list.itemActivated.connect(
            lambda item: self.action_requested.emit(item.data(ITEM_ID))
        )
        self.new_action = ActionLine()
        self.new_action.setAccessibleName("New action for this cause")
        self.new_action.statuses = frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE})
        self.new_action.setToolTip("Enter adds the action; Alt+2 adds it in progress, Alt+3 done")
        self.new_action.entered.connect(self._add_action)
        self.new_action.entered_as.connect(self._add_action)
        self.new_action_box = _column(
            self.new_action,
            self.new_action.preview,
            self.new_action.problem,
            self.new_action.vagueness,
        )

        self.empty = muted("Select a cause to see its evidence and actions.")
        self._parts: list[QWidget] = [
            self.title,
            self.text,
            self.reframing,
            self.hint_box,
            self.systemic,
            self.themes,
            heading("Evidence from the timeline"),
            self.evidence,
            self.cite,
            heading("Actions for this cause"),
            self.actions_list,
            self.new_action_box,
        ]
        contents = QWidget()
        layout = QVBoxLayout(contents)
        layout.setContentsMargins(8, 0, 0, 0)
        for part in [*self._parts, self.empty]:
            layout.addWidget(part)
        layout.addStretch(1)
        # Large type (a high zoom, the meeting's stage) may need more height than the pane has:
        # it scrolls then, rather than squeeze the questions for the room to a line each.
        self.scroller = PageScroller(contents)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)
        self.show_cause(None, None)

    def show_cause(self, postmortem: Postmortem | None, row: CauseRow | None) -> None:
        for part in self._parts:
            part.setVisible(row is not None and part is not self.empty)
        self.empty.setVisible(row is None)
        if postmortem is None or row is None:
            self.cause_id = None
            return
        cause = row.cause
        changed_cause = self.cause_id != cause.id
        self.cause_id = cause.id
        systemic = " · systemic" if cause.systemic else ""
        self.title.setText(f"{cause.ref} · {why_label(row.depth)}{systemic}")
        if changed_cause:
            self.text.commit()  # typing left in the field belongs to the cause shown before
        self.text.set_committed_text(cause.text)
        self.reframing.setVisible(row.blame is not None)
        if row.blame is not None:
            self.reframing.show_hit(row.blame)
            self._blame_span = (row.blame.start, row.blame.end)
        self.hint_box.setVisible(row.keep_asking)
        self.hint.setText(
            "Keep asking why: this chain stops at something that is not yet a condition of the "
            "system (no validation, no canary, a slow alert)."
        )
        blocked = self.systemic.blockSignals(True)
        self.systemic.setChecked(cause.systemic)
        self.systemic.blockSignals(blocked)
        # Themes are for the conditions of the system: an unmarked cause keeps its themes
        # stored, unshown, for when it is marked again.
        self._themes = list(cause.themes)
        self.themes.setVisible(cause.systemic)
        if cause.systemic:
            self.themes.show_cause(cause)

        events = {e.id: e for e in postmortem.timeline}
        self._evidence = [e for e in cause.evidence if e in events]
        self.evidence.clear()
        for event_id in self._evidence:
            item = QListWidgetItem(event_label(events[event_id], postmortem))
            item.setData(ITEM_ID, event_id)
            self.evidence.addItem(item)
        self.evidence.setVisible(bool(self._evidence))
        self.cite.clear()
        self.cite.addItem("Cite a timeline event…", None)
        for event in postmortem.timeline:
            if event.id not in self._evidence:
                self.cite.addItem(event_label(event, postmortem), event.id)
        self.cite.setEnabled(self.cite.count() > 1)

        self.actions_list.clear()
        for action in postmortem.actions:
            if action.cause_id == cause.id:
                owner = action.owner or "no owner"
                due = action.due.isoformat() if action.due else "no due date"
                item = QListWidgetItem(
                    f"{STATUS_MARKS[action.status]} {action.ref}  {action.title}  ({owner}, {due})"
                )
                item.setData(ITEM_ID, action.id)
                self.actions_list.addItem(item)
        self.actions_list.setVisible(self.actions_list.count() > 0)
        self.new_action.show_postmortem(postmortem)
        self.new_action.setPlaceholderText(
            "This systemic cause has no action yet: what changes, on which thing @owner due fri P1"
            if row.needs_action
            else PLACEHOLDER
        )
        if changed_cause:
            # Where the pane scrolls (large type, the meeting's stage), a cause newly shown
            # starts at the top, or, if it blames a person, with its questions in view: they are
            # what the room is to read next. Once the pane has settled: the card was hidden a
            # moment ago, and a scroll bar coming with it narrows the words, which then wrap.
            self.scroller.verticalScrollBar().setValue(0)
            if row.blame is not None:
                QTimer.singleShot(0, self, self._bring_questions_into_view)

    def _bring_questions_into_view(self) -> None:
        contents = self.scroller.widget()
        if contents is None or not self.reframing.isVisible():
            return
        top = self.reframing.mapTo(contents, QPoint(0, 0)).y()
        bottom = top + self.reframing.questions_end()
        room = self.scroller.viewport().height()
        if bottom > room:  # every question in view, and as much as fits above them
            self.scroller.verticalScrollBar().setValue(bottom - room)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text and event.type() == QEvent.Type.FontChange:
            self._fit_text_height()
        return False

    def _fit_text_height(self) -> None:
        # Three to five lines of the field's own type, at every zoom and on the stage: a pane
        # short of room gives it the three, not a line and a scroll bar.
        edit = self.text
        chrome = 2 * edit.frameWidth() + 2 * round(edit.document().documentMargin()) + 8
        line = edit.fontMetrics().lineSpacing()
        edit.setMinimumHeight(3 * line + chrome)
        edit.setMaximumHeight(5 * line + chrome)

    def _text_finished(self, text: str) -> None:
        if self.cause_id is not None:
            self.text_changed.emit(self.cause_id, text)

    def _systemic_toggled(self, checked: bool) -> None:
        if self.cause_id is not None:
            self.systemic_changed.emit(self.cause_id, checked)

    def add_theme(self, name: str) -> None:
        if self.cause_id is not None and theme_key(name) not in map(theme_key, self._themes):
            self.themes_changed.emit(self.cause_id, [*self._themes, name])

    def accept_suggestion(self) -> bool:
        """The first theme suggested for the cause shown, given to it; False if there is none."""
        name = self.themes.first_suggestion() if self.themes.isVisibleTo(self) else None
        if name is not None:
            self.add_theme(name)
        return name is not None

    def _remove_theme(self, name: str) -> None:
        if self.cause_id is not None:
            gone = theme_key(name)
            self.themes_changed.emit(
                self.cause_id, [t for t in self._themes if theme_key(t) != gone]
            )

    def _select_blame(self) -> None:
        start, end = self._blame_span
        cursor = self.text.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)
        self.text.setFocus()

    def _cite(self, index: int) -> None:
        event_id = self.cite.itemData(index)
        if self.cause_id is not None and event_id is not None:
            self.evidence_changed.emit(self.cause_id, [*self._evidence, event_id])

    def _remove_evidence(self) -> None:
        item = self.evidence.currentItem()
        if self.cause_id is not None and item is not None:
            gone = item.data(ITEM_ID)
            self.evidence_changed.emit(self.cause_id, [e for e in self._evidence if e != gone])

    def _add_action(self, entry: ActionEntry, status: ActionStatus = ActionStatus.OPEN) -> None:
        if self.cause_id is not None:
            self.action_added.emit(self.cause_id, entry, status)

    def focus_new_action(self) -> None:
        self.new_action.setFocus()


def event_label(event: TimelineEvent, postmortem: Postmortem) -> str:
    zone = ZoneInfo(postmortem.timezone) if is_timezone_name(postmortem.timezone) else None
    local = event.at.astimezone(zone) if zone is not None else event.at
    text = " ".join(event.text.split())
    return f"{local:%H:%M}  {text if len(text) <= 70 else text[:69] + '…'}"


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1 if isinstance(widget, QLabel) else 0)
    return box


def _column(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return box


def _on_delete(widget: QWidget, slot: Callable[[], None]) -> None:
    shortcut = QShortcut(QKeySequence.StandardKey.Delete, widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(slot)
