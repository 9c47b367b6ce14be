"""The follow-up review: every open and in-progress action of every postmortem, for a meeting.

The facilitator goes down the list, overdue first, and for each action marks it done, re-scopes it
with a reason, escalates it with a note, or opens its postmortem; all from the keyboard, each as one
undoable change through `Edits`. The list is reloaded from the library after every change, so what
is shown is always what is stored. Dialogs are hooks (`ask_rescope`, `ask_note`) that tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from itertools import groupby

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.actions import DUE_SOON_DAYS, DueGroup
from pmdesk.domain.model import ActionStatus, Priority

# Dates are read out in the meeting: spelled the same on every machine.
from pmdesk.domain.periods import long_date, short_date
from pmdesk.services import followup
from pmdesk.services.followup import FollowUpItem
from pmdesk.storage.errors import LibraryError
from pmdesk.ui.conflicts import describe_fields
from pmdesk.ui.edits import Edits
from pmdesk.ui.themes import Colours, current_colours
from pmdesk.ui.widgets import emphasise, muted

Index = QModelIndex | QPersistentModelIndex
ACTION_ID = Qt.ItemDataRole.UserRole + 1
HEADERS = ("Action", "Owner", "Due", "Priority", "Status", "Postmortem")
ACTION, OWNER, DUE, PRIORITY, STATUS, POSTMORTEM = range(len(HEADERS))
STATUS_LABELS = {ActionStatus.OPEN: "Open", ActionStatus.IN_PROGRESS: "In progress"}
EMPTY_MESSAGE = "Nothing to follow up: every action is done or dropped."
HINT = (
    "Go down the list: Ctrl+Return marks an action done, Ctrl+R re-scopes it, Ctrl+Shift+E "
    "escalates it, Return (or a double-click) opens its postmortem."
)
RESCOPE_DAYS = 14  # a re-scope with no better guess proposes two weeks from today
DIALOG_CHARS = 80  # wide enough for a reason's placeholder in full
MOST_FOR_DETAILS = 0.65  # of the list's width; the rest is the Action column's


def due_text(due: date | None, today: date) -> str:
    if due is None:
        return "no due date"
    days = (due - today).days
    if days < 0:
        return f"{short_date(due)} ({plural(-days, 'day')} overdue)"
    if days == 0:
        return f"{short_date(due)} (today)"
    if days == 1:
        return f"{short_date(due)} (tomorrow)"
    return short_date(due)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def quoted(title: str, limit: int = 40) -> str:
    """An action's title for an undo step's text: short enough for the Edit menu."""
    words = " ".join(title.split())
    return f"“{words if len(words) <= limit else words[: limit - 1] + '…'}”"


def summary(items: list[FollowUpItem], today: date) -> str:
    """12 open actions in 5 postmortems · 3 overdue · as of Monday 10 April 2026."""
    as_of = f"as of {long_date(today)}"
    if not items:
        return f"No open actions · {as_of}"
    postmortems = len({item.postmortem_id for item in items})
    overdue = sum(item.group is DueGroup.OVERDUE for item in items)
    return (
        f"{plural(len(items), 'open action')} in {plural(postmortems, 'postmortem')} · "
        f"{f'{overdue} overdue' if overdue else 'none overdue'} · {as_of}"
    )


class RoomyRows(QStyledItemDelegate):
    """Rows half a line taller than the text, so a projected list is easy to follow along."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        height = option.fontMetrics.height()
        return QSize(size.width(), max(size.height(), height + height // 2 + 4))


class FollowUpView(QWidget):
    open_requested = Signal(str, str)  # postmortem id, action id: open the postmortem there

    def __init__(self, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits = edits
        self.today: Callable[[], date] = date.today
        # Asked before a re-scope or an escalation; tests answer them without a modal dialog.
        self.ask_rescope: Callable[[FollowUpItem], tuple[date | None, str] | None] = (
            self._rescope_with_dialog
        )
        self.ask_note: Callable[[str, str], str | None] = self._note_with_dialog
        # Which items to list: all of them here; the meeting keeps earlier postmortems' overdue
        # and due-soon ones.
        self.keep: Callable[[FollowUpItem], bool] = lambda item: True
        self._items: list[FollowUpItem] = []
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._by_id: dict[str, FollowUpItem] = {}
        self._shown_today = self.today()

        self.summary = muted("")
        self.summary.setWordWrap(False)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Actions to follow up")
        self.tree.setColumnCount(len(HEADERS))
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setIndentation(0)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setItemDelegate(RoomyRows(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionsMovable(False)
        for column in range(len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ACTION, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(lambda *_: self._sync_actions())
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_current())
        self.setFocusProxy(self.tree)

        self.empty = muted(EMPTY_MESSAGE)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tree)
        self.pages.addWidget(self.empty)

        self.toolbar = QToolBar("Follow-up review")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.mark_done_action = self._action(
            "Mark done", self.mark_done, ["Ctrl+Return", "Ctrl+Enter"]
        )
        self.rescope_action = self._action("Re-scope…", self.rescope, ["Ctrl+R"])
        self.escalate_action = self._action("Escalate…", self.escalate, ["Ctrl+Shift+E"])
        self.toolbar.addSeparator()
        # Plain Return belongs to the list only: in a toolbar button it presses the button.
        self.open_action = self._action(
            "Open postmortem", self.open_current, ["Return", "Enter"], self.tree
        )
        self.open_action.setToolTip("Open postmortem (Return or double-click)")

        layout = QVBoxLayout(self)
        layout.addWidget(emphasise(QLabel("Follow-up review"), 1.4))
        layout.addWidget(self.summary)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.pages, 1)
        self.hint = muted(HINT)
        layout.addWidget(self.hint)
        # A new theme is announced before `current_colours` names it: redraw once it does.
        self._restyle = QTimer(self)
        self._restyle.setSingleShot(True)
        self._restyle.setInterval(0)
        self._restyle.timeout.connect(lambda: self._show(self._items))
        self.fit_columns()
        self.tree.viewport().installEventFilter(self)
        self._ready = True
        # Empty until the window shows the page and refreshes it: start-up reads nothing more.
        self._sync_actions()

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcuts: list[str],
        owner: QWidget | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut
            if owner is not None
            else Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        shown = QKeySequence(shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.rstrip('…')} ({shown})")
        action.triggered.connect(lambda _=False: slot())
        (owner or self).addAction(action)
        self.toolbar.addAction(action)
        return action

    # ---- showing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload from the library, keeping the selected action (or its place) and the scroll."""
        today = self.today()
        try:
            items = followup.follow_up(self._edits.workspace.library, today)
        except LibraryError as error:
            self._edits.report("The follow-up review could not be loaded", str(error))
            return
        self._shown_today = today
        self._show([item for item in items if self.keep(item)])

    def items(self) -> list[FollowUpItem]:
        return list(self._items)

    def current_item(self) -> FollowUpItem | None:
        row = self.tree.currentItem()
        action_id = row.data(ACTION, ACTION_ID) if row is not None else None
        return self._by_id.get(action_id) if isinstance(action_id, str) else None

    def select_action(self, action_id: str) -> bool:
        row = self._rows.get(action_id)
        if row is None:
            return False
        self.tree.setCurrentItem(row)
        self.tree.scrollToItem(row, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _show(self, items: list[FollowUpItem]) -> None:
        kept = self.current_item()
        place = next(
            (i for i, item in enumerate(self._items) if kept and item.action.id == kept.action.id),
            None,
        )
        scroll = self.tree.verticalScrollBar().value()
        self._items = items
        self._by_id = {item.action.id: item for item in items}
        self._build()
        self.summary.setText(summary(items, self._shown_today))
        self.pages.setCurrentWidget(self.tree if items else self.empty)
        self.hint.setVisible(bool(items))
        # Lay the rows out now, so the scroll bar has its new range before it is put back.
        self.tree.doItemsLayout()
        self.tree.verticalScrollBar().setValue(scroll)
        if kept is not None and kept.action.id in self._rows:
            self.select_action(kept.action.id)
        elif items:
            # The selected action left the list (done elsewhere, say): the one now in its place,
            # so the facilitator carries on from where they were.
            following = items[min(place, len(items) - 1)] if place is not None else items[0]
            self.select_action(following.action.id)
        self._sync_actions()

    def _build(self) -> None:
        colours = current_colours()
        font = self.tree.font()
        bold = QFont(font)
        bold.setBold(True)
        rows: list[QTreeWidgetItem] = []
        headers: list[QTreeWidgetItem] = []
        self._rows = {}
        for group, members in groupby(self._items, key=lambda item: item.group):
            listed = list(members)
            header = self._group_row(group, len(listed), colours, bold)
            headers.append(header)
            rows.append(header)
            for item in listed:
                row = self._action_row(item, colours, bold)
                self._rows[item.action.id] = row
                rows.append(row)
        self.tree.setUpdatesEnabled(False)
        blocked = self.tree.blockSignals(True)
        try:
            self.tree.clear()
            self.tree.addTopLevelItems(rows)
            for header in headers:
                header.setFirstColumnSpanned(True)
        finally:
            self.tree.blockSignals(blocked)
            self.tree.setUpdatesEnabled(True)

    def _group_row(
        self, group: DueGroup, count: int, colours: Colours, bold: QFont
    ) -> QTreeWidgetItem:
        row = QTreeWidgetItem([f"{group.label} ({count})"])
        # Neither selectable nor enabled: the arrow keys step over a group's header row.
        row.setFlags(Qt.ItemFlag.NoItemFlags)
        row.setFont(ACTION, bold)
        colour = colours.error if group is DueGroup.OVERDUE else colours.text
        row.setForeground(ACTION, QBrush(QColor(colour)))
        background = QBrush(QColor(colours.button))
        for column in range(len(HEADERS)):
            row.setBackground(column, background)
        if group is DueGroup.DUE_SOON:
            row.setToolTip(ACTION, f"Due today or in the next {DUE_SOON_DAYS} days")
        return row

    def _action_row(self, item: FollowUpItem, colours: Colours, bold: QFont) -> QTreeWidgetItem:
        action = item.action
        today = self._shown_today
        priority = action.priority.value if action.priority is not None else "—"
        row = QTreeWidgetItem(
            [
                f"{action.ref}  {action.title}",
                action.owner or "no owner",
                due_text(action.due, today),
                priority,
                STATUS_LABELS.get(action.status, action.status.value),
                item.postmortem_title,
            ]
        )
        row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        row.setData(ACTION, ACTION_ID, action.id)
        row.setToolTip(ACTION, action.title)
        row.setToolTip(POSTMORTEM, item.postmortem_title)
        mute = QBrush(QColor(colours.muted))
        if not action.owner:
            row.setForeground(OWNER, mute)
        if action.due is None:
            row.setForeground(DUE, mute)
        elif item.group is DueGroup.OVERDUE:
            row.setForeground(DUE, QBrush(QColor(colours.error)))
        elif action.due == today:
            row.setForeground(DUE, QBrush(QColor(colours.warning)))
        if action.priority is None:
            row.setForeground(PRIORITY, mute)
        elif action.priority in (Priority.P0, Priority.P1):
            row.setFont(PRIORITY, bold)
            urgent = colours.error if action.priority is Priority.P0 else colours.warning
            row.setForeground(PRIORITY, QBrush(QColor(urgent)))
        return row

    def fit_columns(self) -> None:
        """Widths from the font, not from the rows: the columns stay put while the list shrinks
        during a meeting, and follow the zoom."""
        # The view's own font: when the zoom changes, it hears of it before the list inside does.
        metrics = QFontMetrics(self.font())
        header_metrics = metrics
        padding = metrics.averageCharWidth() * 3

        def width(column: int, *samples: str) -> int:
            title = header_metrics.horizontalAdvance(HEADERS[column])
            return max(title, *(metrics.horizontalAdvance(s) for s in samples)) + padding

        self._wanted = {
            OWNER: width(OWNER, "Platform Reliability"),
            DUE: width(DUE, "30 Sep 2026 (99 days overdue)"),
            PRIORITY: width(PRIORITY, "P0"),
            STATUS: width(STATUS, *STATUS_LABELS.values()),
            POSTMORTEM: width(POSTMORTEM, "Checkout outage after a config push"),
        }
        self._least = {
            OWNER: width(OWNER, "Platform"),
            POSTMORTEM: width(POSTMORTEM, "Checkout"),
            DUE: width(DUE, "30 Sep 2026"),
        }
        self._fit_to_width()

    def _fit_to_width(self) -> None:
        """The Action column is what the room reads: when the window is narrow or zoomed in, the
        postmortem and then the owner give way, down to a few words each, before it does."""
        widths = dict(self._wanted)
        excess = sum(widths.values()) - round(self.tree.viewport().width() * MOST_FOR_DETAILS)
        for column in (POSTMORTEM, OWNER, DUE):
            cut = max(0, min(excess, widths[column] - self._least[column]))
            widths[column] -= cut
            excess -= cut
        if excess > 0:  # still too wide: every detail column gives way alike (text elides)
            scale = 1 - excess / sum(widths.values())
            widths = {column: max(24, round(w * scale)) for column, w in widths.items()}
        for column, wanted in widths.items():
            self.tree.setColumnWidth(column, wanted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The list's own width, once it is laid out: the page's may not be passed on yet.
        if watched is self.tree.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_to_width()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if not getattr(self, "_ready", False):
            return
        kind = event.type()
        if kind == QEvent.Type.FontChange:
            self.fit_columns()
        if kind in (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._restyle.start()  # the rows carry the colours and fonts of the old look

    def _sync_actions(self) -> None:
        has_item = self.current_item() is not None
        for action in (
            self.mark_done_action,
            self.rescope_action,
            self.escalate_action,
            self.open_action,
        ):
            action.setEnabled(has_item)

    # ---- changes ---------------------------------------------------------------------------

    def mark_done(self) -> bool:
        item = self.current_item()
        if item is None:
            return False
        following = self._neighbour(item)
        made = self._edits.follow_up(
            item.postmortem_id,
            f"Mark {quoted(item.action.title)} done",
            item.action,
            partial(followup.mark_done, self._edits.workspace.library, item.postmortem_id),
            describe_fields({"status": ActionStatus.DONE}),
        )
        if made:
            self.refresh()
            if following is not None:
                self.select_action(following)
        return made

    def _neighbour(self, item: FollowUpItem) -> str | None:
        """The action to go on with once `item` leaves the list: the next one, else the one
        before."""
        ids = [shown.action.id for shown in self._items]
        at = ids.index(item.action.id)
        if at + 1 < len(ids):
            return ids[at + 1]
        return ids[at - 1] if at > 0 else None

    def rescope(self) -> bool:
        item = self.current_item()
        if item is None:
            return False
        answer = self.ask_rescope(item)
        if answer is None:
            return False
        due, reason = answer
        if due == item.action.due:
            self._edits.report(
                "That change was not made",
                f"{quoted(item.action.title, 80)} is already {due_text(due, self._shown_today)}"
                ". Pick another date (or no due date) to re-scope it.",
            )
            return False
        library, postmortem_id = self._edits.workspace.library, item.postmortem_id
        made = self._edits.follow_up(
            postmortem_id,
            f"Re-scope {quoted(item.action.title)}",
            item.action,
            lambda on: followup.rescope(library, postmortem_id, on, due, reason),
            describe_fields({"due": due, "reason": reason}),
        )
        if made:
            self.refresh()
            self.select_action(item.action.id)  # in its new group
        return made

    def escalate(self) -> bool:
        item = self.current_item()
        if item is None:
            return False
        action = item.action
        raised = followup.escalated(action.priority)
        note: str | None = ""
        # A P0 cannot go higher: the service's refusal says what to do instead, without first
        # asking for a note that would be thrown away.
        if action.priority is not Priority.P0:
            before = action.priority.value if action.priority is not None else "no priority"
            note = self.ask_note(
                f"Escalate {quoted(action.title)}",
                f"Raise to {raised.value} (from {before}): why? Say what it is blocked on or at "
                "risk of, for its owner.",
            )
        if note is None:
            return False
        library, postmortem_id, why = self._edits.workspace.library, item.postmortem_id, note
        made = self._edits.follow_up(
            postmortem_id,
            f"Escalate {quoted(action.title)} to {raised.value}",
            action,
            # Applied again on someone else's version, it still raises to what the user chose,
            # not one step above whatever they set.
            lambda on: followup.escalate(
                library, postmortem_id, replace(on, priority=action.priority), why
            ),
            describe_fields({"priority": raised, "reason": note}),
        )
        if made:
            self.refresh()
            self.select_action(action.id)
        return made

    def open_current(self) -> None:
        item = self.current_item()
        if item is not None:
            self.open_requested.emit(item.postmortem_id, item.action.id)

    # ---- the default dialogs ---------------------------------------------------------------

    def _rescope_with_dialog(self, item: FollowUpItem) -> tuple[date | None, str] | None:
        dialog = RescopeDialog(item, self._shown_today, self)
        if dialog.exec() != RescopeDialog.DialogCode.Accepted:
            return None
        return dialog.value()

    def _note_with_dialog(self, title: str, prompt: str) -> str | None:
        dialog = NoteDialog(title, prompt, self)
        if dialog.exec() != NoteDialog.DialogCode.Accepted:
            return None
        return dialog.note()


class RescopeDialog(QDialog):
    """A new due date (or none) and the reason it moves; OK waits for a reason."""

    def __init__(self, item: FollowUpItem, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        action = item.action
        self.setWindowTitle(f"Re-scope {quoted(action.title)}")
        # An overdue date is no start for a new one: propose two weeks out instead.
        start = (
            action.due
            if action.due is not None and action.due >= today
            else today + timedelta(days=RESCOPE_DAYS)
        )
        self.due = QDateEdit(QDate(start.year, start.month, start.day))
        self.due.setAccessibleName("New due date")
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("ddd d MMM yyyy")
        self.due.setMinimumDate(QDate(today.year, today.month, today.day))
        self.no_due = QCheckBox("No due date")
        self.no_due.toggled.connect(lambda on: self.due.setEnabled(not on))
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why the date moves: scope cut, waiting on another team, …")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(lambda _: self._sync())

        title = emphasise(QLabel(f"{action.ref}  {action.title}"))
        title.setWordWrap(True)
        form = QFormLayout()
        form.addRow("New due date", self.due)
        form.addRow("", self.no_due)
        form.addRow("Reason", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(muted(f"Currently: {due_text(action.due, today)}"))
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.reason.setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * DIALOG_CHARS)
        self._sync()

    def _sync(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.text().strip()))

    def value(self) -> tuple[date | None, str]:
        picked = self.due.date()
        due = None if self.no_due.isChecked() else date(picked.year(), picked.month(), picked.day())
        return due, self.reason.text().strip()


class NoteDialog(QDialog):
    """One line of text with a prompt, like QInputDialog, but OK waits for a non-blank note."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.text = QLineEdit()
        self.text.setAccessibleName("Note")
        label.setBuddy(self.text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(lambda _: self._sync())
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * DIALOG_CHARS)
        self._sync()

    def _sync(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.text.text().strip()))

    def note(self) -> str:
        return self.text.text().strip()
