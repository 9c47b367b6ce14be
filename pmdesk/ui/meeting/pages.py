"""The two stage pages that no editor provides: the ground rules that open the meeting and the
wrap-up that closes it. The other steps show the postmortem's own editors."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain import readiness
from pmdesk.domain.meeting import Meeting, Role, Step
from pmdesk.domain.model import Postmortem, PostmortemStatus
from pmdesk.domain.readiness import Finding
from pmdesk.ui.actions.followup import RoomyRows
from pmdesk.ui.themes import current_colours
from pmdesk.ui.widgets import emphasise, flat_table, muted, tint

ID_ROLE = Qt.ItemDataRole.UserRole + 1

# What the facilitator reads on the laptop while the room looks at the step.
GUIDE: dict[Step, str] = {
    Step.GROUND_RULES: (
        "Read the ground rules aloud. Then open with a mistake of your own: something you once "
        "broke, and what the system let you do. It tells the room this is safe."
    ),
    Step.TIMELINE: (
        "Walk the events in order. Ask what was known at each moment: facts and times, not "
        "opinions. Add what is missing as it comes up."
    ),
    Step.IMPACT: (
        "Who was affected, for how long, how badly? Put numbers in the metrics: "
        "“a lot of users” is not a number."
    ),
    Step.FIVE_WHYS: (
        "Start from the problem and keep asking why. When an answer names a person, ask why the "
        "system let that happen. Stop at a condition of the system and mark it systemic."
    ),
    Step.ACTIONS: (
        "Every systemic cause needs an action: specific, owned by a named person or team, with "
        "a due date. “Improve monitoring” is not an action."
    ),
    Step.FOLLOW_UP: (
        "Go through the overdue and due-soon actions of earlier postmortems: done, re-scoped "
        "with a reason, or escalated. Nothing is silently dropped."
    ),
    Step.WRAP_UP: (
        "Read back the decisions and who owns what by when. Turn parked points into actions or "
        "let them go. Then mark the postmortem ready for review."
    ),
}

GROUND_RULES = (
    "We are here to learn how the system let this happen, not to find someone to blame.",
    "Human error is where our questions start, never their answer: when someone did X, we ask "
    "what let X happen.",
    "Everyone acted in good faith, with what they knew at the time.",
    "Say what you saw, even when it is uncomfortable. Candour is never punished here.",
    "Off-topic points go to the parking lot; we come back to them at the wrap-up.",
)


def in_the_room(meeting: Meeting) -> str:
    if not meeting.attendees:
        return "No one is checked in yet: the controls list the participants to check in."
    by_role = {role: [a.name for a in meeting.attendees if a.role is role] for role in Role}
    parts = []
    for role, title in (
        (Role.FACILITATOR, "Facilitator"),
        (Role.SCRIBE, "Scribe"),
        (Role.ATTENDEE, "With"),
    ):
        if by_role[role]:
            parts.append(f"{title}: {', '.join(by_role[role])}")
    return "   ·   ".join(parts)


class GroundRulesPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = emphasise(QLabel("This review is blameless"), 1.4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.heading)
        layout.addSpacing(12)
        for rule in GROUND_RULES:
            label = emphasise(QLabel(f"•  {rule}"), 1.15, bold=False)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            layout.addWidget(label)
            layout.addSpacing(10)
        layout.addSpacing(24)
        self.opening = QLabel(
            "Facilitator, open with a mistake of your own: a time you broke something, and what "
            "the system let you do."
        )
        self.opening.setWordWrap(True)
        emphasise(self.opening, 1.15)
        layout.addWidget(self.opening)
        layout.addStretch(1)
        self.people = muted("")
        layout.addWidget(self.people)

    def show_meeting(self, meeting: Meeting) -> None:
        self.people.setText(in_the_room(meeting))
        tint(self.opening, current_colours().link)


class WrapUpPage(QWidget):
    """Decisions, who owns what by when, the parked points, what readiness still finds, and one
    button that marks the postmortem ready for review."""

    convert_requested = Signal(str)  # parked point id
    point_removed = Signal(str)
    decision_removed = Signal(str)
    action_activated = Signal(str)  # action id
    finding_activated = Signal(object)  # Finding
    ready_requested = Signal()
    end_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.owners = flat_table("Who owns what by when", ["Action", "Owner", "Due"])
        self.owners.itemActivated.connect(self._action_activated)
        self.owners.setItemDelegate(RoomyRows(self.owners))

        self.decisions = self._list("Decisions", self.decision_removed)
        self.parked = self._list("Parking lot", self.point_removed)
        self.parked.currentItemChanged.connect(lambda *_: self._sync())
        self.findings = QListWidget()
        self.findings.setAccessibleName("Readiness findings still open")
        self.findings.setWordWrap(True)
        self.findings.itemActivated.connect(self._finding_activated)
        self.findings.setSpacing(6)
        self._finding_list: list[Finding] = []
        self._converted: set[str] = set()

        self.convert = QPushButton("Make it an action item")
        self.convert.setToolTip("Make the selected parked point an action item (Ctrl+Return)")
        self.convert.clicked.connect(self._convert)
        convert_key = QAction(self.parked)
        convert_key.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        convert_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        convert_key.triggered.connect(self._convert)
        self.parked.addAction(convert_key)

        self.status = emphasise(QLabel(""))
        self.ready = QPushButton("Mark ready for review")
        self.ready.setAccessibleName("Mark the postmortem ready for review")
        self.ready.clicked.connect(self.ready_requested)
        self.end = QPushButton("End the meeting")
        self.end.clicked.connect(self.end_requested)

        self.owners_heading = emphasise(QLabel("Who owns what by when"), 1.1)
        self.decisions_heading = emphasise(QLabel("Decisions"), 1.1)
        self.parked_heading = emphasise(QLabel("Parking lot"), 1.1)
        self.findings_heading = emphasise(QLabel("Still open before review"), 1.1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.addWidget(self.owners_heading, 0, 0)
        grid.addWidget(self.owners, 1, 0)
        grid.addWidget(self.decisions_heading, 2, 0)
        grid.addWidget(self.decisions, 3, 0)
        grid.addWidget(self.parked_heading, 0, 1)
        parked = QVBoxLayout()
        parked.addWidget(self.parked, 1)
        parked.addWidget(self.convert, 0, Qt.AlignmentFlag.AlignLeft)
        grid.addLayout(parked, 1, 1)
        grid.addWidget(self.findings_heading, 2, 1)
        grid.addWidget(self.findings, 3, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(3, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.end)
        bottom.addWidget(self.ready)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(grid, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.owners)
        self._sync()

    def _list(self, name: str, removed: SignalInstance) -> QListWidget:
        widget = QListWidget()
        widget.setAccessibleName(name)
        widget.setWordWrap(True)
        widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        widget.setItemDelegate(RoomyRows(widget))
        remove = QAction(f"Remove from {name.lower()}", widget)
        remove.setShortcut(QKeySequence.StandardKey.Delete)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

        def emit_current() -> None:
            item = widget.currentItem()
            if item is not None:
                removed.emit(item.data(ID_ROLE))

        remove.triggered.connect(emit_current)
        widget.addAction(remove)
        return widget

    def show_meeting(
        self, postmortem: Postmortem, meeting: Meeting, today: date | None = None
    ) -> None:
        colours = current_colours()
        self.owners.clear()
        for action in postmortem.actions:
            if not action.status.is_active:
                continue
            owner = action.owner or "no owner yet"
            due = action.due.strftime("%d %b %Y") if action.due else "no date yet"
            row = QTreeWidgetItem([f"{action.ref}  {action.title}", owner, due])
            row.setData(0, ID_ROLE, action.id)
            row.setToolTip(0, action.title)
            for column, missing in ((1, action.owner is None), (2, action.due is None)):
                if missing:
                    row.setForeground(column, _brush(colours.warning))
            self.owners.addTopLevelItem(row)
        if not self.owners.topLevelItemCount():
            self.owners.addTopLevelItem(QTreeWidgetItem(["No open action items yet", "", ""]))

        refs = {a.id: a.ref for a in postmortem.actions}
        self._fill(self.decisions, [(d.id, d.text) for d in meeting.decisions], "None recorded")
        self._fill(
            self.parked,
            [
                (p.id, f"{p.text}   → {refs.get(p.action_id, 'action')}" if p.action_id else p.text)
                for p in meeting.parking_lot
            ],
            "Nothing parked",
        )
        self._converted = {p.id for p in meeting.parking_lot if p.action_id}
        self.decisions_heading.setText(f"Decisions ({len(meeting.decisions)})")
        self.parked_heading.setText(f"Parking lot ({len(meeting.parking_lot)})")

        self._finding_list = readiness.check(postmortem, today or date.today())
        self.findings.clear()
        for finding in self._finding_list:
            item = QListWidgetItem(f"•  {finding.message}")
            if finding.severity is readiness.ERROR:
                item.setForeground(_brush(colours.warning))
            self.findings.addItem(item)
        if not self._finding_list:
            self.findings.addItem(QListWidgetItem("Nothing: every readiness check passes."))
        self.findings_heading.setText(f"Still open before review ({len(self._finding_list)})")

        status = postmortem.status
        self.status.setText(f"Status: {status.value.capitalize()}")
        self.ready.setEnabled(status is PostmortemStatus.DRAFT)
        self.ready.setText(
            "Mark ready for review" if status is PostmortemStatus.DRAFT else "Ready for review ✓"
        )
        self.end.setEnabled(meeting.ended is None)
        self.end.setText("End the meeting" if meeting.ended is None else "Meeting ended")
        self._sync()

    def _fill(self, widget: QListWidget, rows: list[tuple[str, str]], empty: str) -> None:
        kept = widget.currentRow()
        widget.clear()
        for item_id, text in rows:
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, item_id)
            widget.addItem(item)
        if not rows:
            placeholder = QListWidgetItem(empty)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            widget.addItem(placeholder)
        elif kept >= 0:
            widget.setCurrentRow(min(kept, len(rows) - 1))

    def current_point(self) -> str | None:
        item = self.parked.currentItem()
        point_id = item.data(ID_ROLE) if item is not None else None
        return point_id if isinstance(point_id, str) else None

    def _sync(self) -> None:
        point = self.current_point()
        self.convert.setEnabled(point is not None and point not in self._converted)

    def _convert(self) -> None:
        point = self.current_point()
        if point is not None and point not in self._converted:
            self.convert_requested.emit(point)

    def _action_activated(self, item: QTreeWidgetItem) -> None:
        action_id = item.data(0, ID_ROLE)
        if isinstance(action_id, str):
            self.action_activated.emit(action_id)

    def _finding_activated(self, item: QListWidgetItem) -> None:
        row = self.findings.row(item)
        if 0 <= row < len(self._finding_list):
            self.finding_activated.emit(self._finding_list[row])


def _brush(colour: str) -> QBrush:
    return QBrush(QColor(colour))
