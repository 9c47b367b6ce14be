"""The two stage pages that no editor provides: the ground rules that open the meeting and the
wrap-up that closes it. The other steps show the postmortem's own editors."""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionViewItem,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain import readiness
from pmdesk.domain.meeting import Meeting, Role, Step
from pmdesk.domain.model import Postmortem, PostmortemStatus
from pmdesk.domain.readiness import Finding
from pmdesk.ui.actions.followup import RoomyRows
from pmdesk.ui.scrolling import PageScroller
from pmdesk.ui.themes import current_colours
from pmdesk.ui.widgets import emphasise, flat_table, muted, tint

ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex

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
    """The rules, read aloud to open the meeting. Where the stage's type is too large for them
    all (a small screen, a high zoom) they scroll, rather than make the stage taller than its
    screen for every step after this one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = emphasise(QLabel("This review is blameless"), 1.4)
        self.heading.setWordWrap(True)
        rules = QWidget()
        layout = QVBoxLayout(rules)
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
        self.scroller = PageScroller(rules)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)

    def show_meeting(self, meeting: Meeting) -> None:
        self.people.setText(in_the_room(meeting))
        tint(self.opening, current_colours().link)


class WrappedRows(RoomyRows):
    """Rows as tall as their cells' text wrapped at the columns' widths, so a table the room
    reads shows every word. The first column takes the width the others leave; each other
    column is as wide as its text, up to its share of the table (`shares`), and wraps beyond."""

    def __init__(self, tree: QTreeWidget, shares: dict[int, float]) -> None:
        super().__init__(tree)
        self._tree = tree
        self._shares = shares
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        tree.setAlternatingRowColors(True)
        # A row taller than the list still scrolls into view line by line.
        tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in shares:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.sectionResized.connect(self._column_resized)
        tree.installEventFilter(self)
        tree.model().rowsInserted.connect(lambda *_: self.share_columns())

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        # Qt's tree asks with no width, which wraps nothing: give the cell its column's.
        sized = QStyleOptionViewItem(option)
        sized.rect = QRect(0, 0, self._tree.header().sectionSize(index.column()), 1 << 16)
        size = super().sizeHint(sized, index)
        # Wrapped rows a little apart, so where one action ends and the next begins is plain.
        line = option.fontMetrics.lineSpacing()
        return size if size.height() < 2 * line else QSize(size.width(), size.height() + line // 2)

    def share_columns(self) -> None:
        tree, header = self._tree, self._tree.header()
        width = tree.viewport().width()
        margin = 2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        metrics = tree.fontMetrics()
        for column, share in self._shares.items():
            rows = [tree.headerItem()] + [
                tree.topLevelItem(r) for r in range(tree.topLevelItemCount())
            ]
            texts = [row.text(column) for row in rows if row is not None]
            needed = max(metrics.horizontalAdvance(text) for text in texts) + margin + 2
            header.resizeSection(column, min(needed, round(width * share)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._tree and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.FontChange,
            QEvent.Type.Show,
        ):
            self.share_columns()
        return False

    def _column_resized(self, column: int, old: int, new: int) -> None:
        if new != old and self._tree.topLevelItemCount():
            self.sizeHintChanged.emit(self._tree.model().index(0, column))


class AsTallAsItsRows(QObject):
    """Keeps a list at least as tall as all its rows, at its width now, so none of them is out
    of sight in it: where the page is too short for everything, the page scrolls instead. With
    `exactly`, no taller either: the room left goes to the lists around it."""

    def __init__(self, view: QAbstractItemView, *, exactly: bool = False) -> None:
        super().__init__(view)
        self._view = view
        self._exactly = exactly
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.fit)
        model = view.model()
        for changed in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            changed.connect(self._later.start)
        if isinstance(view, QTreeView):
            view.header().sectionResized.connect(self._later.start)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange, QEvent.Type.Show):
            self._later.start()
        return False

    def fit(self) -> None:
        view = self._view
        view.doItemsLayout()
        model = view.model()
        spacing = view.spacing() if isinstance(view, QListView) else 0
        height = 2 * view.frameWidth() + spacing
        if isinstance(view, QTreeView) and not view.isHeaderHidden():
            height += view.header().sizeHint().height()
        for row in range(model.rowCount()):
            height += view.visualRect(model.index(row, 0)).height() + spacing
        if view.minimumHeight() != height:
            view.setMinimumHeight(height)
        if self._exactly and view.maximumHeight() != height:
            view.setMaximumHeight(height)


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
        self.owners.setItemDelegate(WrappedRows(self.owners, {1: 0.3, 2: 0.25}))

        self.decisions = self._list("Decisions", self.decision_removed)
        self.parked = self._list("Parking lot", self.point_removed)
        self.parked.currentItemChanged.connect(lambda *_: self._sync())
        self.findings = QListWidget()
        self.findings.setAccessibleName("Readiness findings still open")
        self.findings.setWordWrap(True)
        self.findings.itemActivated.connect(self._finding_activated)
        self.findings.setSpacing(6)
        self.findings.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
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
        for heading in (
            self.owners_heading,
            self.decisions_heading,
            self.parked_heading,
            self.findings_heading,
        ):
            heading.setWordWrap(True)  # on two lines rather than wider than the stage
            heading.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # Who owns what by when, what the room reads back, has the page's whole height at the
        # left; decisions, parked points and what readiness still finds share the right.
        owned = QVBoxLayout()
        owned.addWidget(self.owners_heading)
        owned.addWidget(self.owners, 1)
        rest = QVBoxLayout()
        rest.addWidget(self.decisions_heading)
        rest.addWidget(self.decisions)
        rest.addWidget(self.parked_heading)
        rest.addWidget(self.parked)
        rest.addWidget(self.convert, 0, Qt.AlignmentFlag.AlignLeft)
        rest.addWidget(self.findings_heading)
        rest.addWidget(self.findings, 1)
        grid = QHBoxLayout()
        grid.addLayout(owned, 3)
        grid.addSpacing(24)
        grid.addLayout(rest, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.end)
        bottom.addWidget(self.ready)
        # What is read back (who owns what, the decisions, the parked points) is as tall as its
        # rows, never cut; where the stage is too short for them (large type on a small
        # screen), the page scrolls, following the row the keyboard is on. The findings, the
        # facilitator's list, take what is left and scroll on their own.
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(grid, 1)
        layout.addLayout(bottom)
        self.scroller = PageScroller(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)
        self._fitted: list[AsTallAsItsRows] = []
        for view in (self.owners, self.decisions, self.parked, self.findings):
            if view is not self.findings:
                self._fitted.append(AsTallAsItsRows(view, exactly=view is not self.owners))
            follow = partial(self._show_row, view)
            view.selectionModel().currentChanged.connect(lambda index, _old, f=follow: f(index))
        self.setFocusProxy(self.owners)
        self._sync()

    def _show_row(self, view: QAbstractItemView, index: QModelIndex) -> None:
        """Scroll the page so the row the keyboard moved to is in sight, whole if it fits."""
        content = self.scroller.widget()
        if not index.isValid() or content is None:
            return
        for fitted in self._fitted:  # the page as it is to be, not as it was a moment ago
            fitted.fit()
        layout = content.layout()
        if layout is not None:
            layout.activate()
        view.scrollTo(index)
        row = view.visualRect(index)
        top = view.viewport().mapTo(content, row.topLeft()).y()
        middle = row.height() // 2
        self.scroller.ensureVisible(0, top + middle, 0, row.height() - middle)

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
