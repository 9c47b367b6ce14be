"""The facilitator's controls: the agenda with its timeboxes, the timer, notes for the step (at
the five whys, with the questions that reframe a cause that blames a person), the check-in, and
the parking lot. They stay on the laptop while the stage is on the projector (or
beside the stage, hidden with F2, when there is one screen)."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.meeting import (
    MAX_MINUTES,
    MIN_MINUTES,
    Attendee,
    Meeting,
    Role,
    Step,
    countdown_text,
)
from pmdesk.domain.model import Participant
from pmdesk.ui.causes.reframing import ASK, finding_text, questions_text
from pmdesk.ui.causes.tree import CauseRow
from pmdesk.ui.meeting.pages import GUIDE
from pmdesk.ui.scrolling import PageScroller
from pmdesk.ui.widgets import emphasise, flat_table, heading, muted

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def role_for(participant: Participant) -> Role:
    """A participant's role in the postmortem, if it is one of the meeting's, else attendee."""
    text = (participant.role or "").strip().lower()
    return next((role for role in Role if role.value == text), Role.ATTENDEE)


def check_in_list(people: list[Participant], meeting: Meeting) -> list[tuple[str, Role, bool]]:
    """Everyone to show in the check-in: the postmortem's participants, then anyone checked in
    who is not one of them; each with their role and whether they are here."""
    here = {a.name.casefold(): a for a in meeting.attendees}
    rows: list[tuple[str, Role, bool]] = []
    seen: set[str] = set()
    for person in people:
        key = person.name.casefold()
        if key in seen:
            continue
        seen.add(key)
        attendee = here.get(key)
        rows.append((person.name, attendee.role if attendee else role_for(person), bool(attendee)))
    rows.extend((a.name, a.role, True) for a in meeting.attendees if a.name.casefold() not in seen)
    return rows


class ControlPanel(QWidget):
    step_requested = Signal(object)  # Step
    next_requested = Signal()
    previous_requested = Signal()
    timer_toggled = Signal()
    minutes_changed = Signal(object, int)  # Step, minutes
    attendance_changed = Signal(list)  # list[Attendee]
    park_requested = Signal()
    decide_requested = Signal()
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Meeting controls")
        self.title = muted("")
        self.countdown = emphasise(QLabel(""), 1.8)
        self.countdown.setAccessibleName("Time left in this step")
        self.total = muted("")
        self.back = QPushButton("◀ Back")
        self.back.setToolTip("Previous step (Page Up)")
        self.back.clicked.connect(self.previous_requested)
        self.timer = QPushButton("Start timer")
        self.timer.setToolTip("Start or pause the timer (T, or Ctrl+T anywhere)")
        self.timer.clicked.connect(self.timer_toggled)
        self.forward = QPushButton("Next ▶")
        self.forward.setToolTip("Next step (Page Down)")
        self.forward.clicked.connect(self.next_requested)
        buttons = QHBoxLayout()
        for button in (self.back, self.timer, self.forward):
            buttons.addWidget(button)

        self.agenda = flat_table("Agenda and timeboxes", ["Step", "Minutes", "Spent"])
        self.minutes: dict[Step, QSpinBox] = {}
        self._rows: dict[Step, QTreeWidgetItem] = {}
        for step in Step:
            row = QTreeWidgetItem([f"{step.number}  {step.label}", "", ""])
            row.setData(0, NAME_ROLE, step.value)
            self.agenda.addTopLevelItem(row)
            spin = QSpinBox()
            spin.setRange(MIN_MINUTES, MAX_MINUTES)
            spin.setSuffix(" min")
            spin.setAccessibleName(f"Minutes for {step.label}")
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda value, s=step: self.minutes_changed.emit(s, value))
            self.agenda.setItemWidget(row, 1, spin)
            self.minutes[step] = spin
            self._rows[step] = row
        self.agenda.itemActivated.connect(self._row_activated)
        self.agenda_total = muted("")

        self.guide = QLabel("")
        self.guide.setWordWrap(True)
        self.guide.setProperty("role", "card")
        self.guide.setMargin(8)
        # At the five whys, under the notes: what to ask about the cause the stage shows, when
        # it puts the failure on a person.
        self.reframing = QLabel("")
        self.reframing.setAccessibleName("Questions for the room")
        self.reframing.setTextFormat(Qt.TextFormat.PlainText)  # the cause's words, as typed
        self.reframing.setWordWrap(True)
        self.reframing.setProperty("role", "card")
        self.reframing.setMargin(8)
        self.reframing.hide()
        self._step = Step.GROUND_RULES
        self._cause: CauseRow | None = None

        self.people = flat_table("Check-in", ["Here", "Role"])
        self.people.itemChanged.connect(lambda *_: self._attendance_edited())
        self.add_person = QLineEdit()
        self.add_person.setPlaceholderText("Check in someone else: name, then Return")
        self.add_person.setAccessibleName("Check in someone else")
        self.add_person.returnPressed.connect(self._add_person)

        self.park = QPushButton("Park a point  (Ctrl+L)")
        self.park.clicked.connect(self.park_requested)
        self.decide = QPushButton("Decision  (Ctrl+Shift+D)")
        self.decide.clicked.connect(self.decide_requested)
        self.parked = muted("")
        capture = QHBoxLayout()
        capture.addWidget(self.park)
        capture.addWidget(self.decide)
        self.screens = muted("")
        self.leave = QPushButton("End presenting  (F5)")
        self.leave.clicked.connect(self.leave_requested)

        contents = QWidget()
        layout = QVBoxLayout(contents)
        layout.addWidget(heading("Meeting"))
        layout.addWidget(self.title)
        layout.addWidget(self.countdown)
        layout.addWidget(self.total)
        layout.addLayout(buttons)
        layout.addWidget(heading("Agenda"))
        layout.addWidget(self.agenda, 3)
        layout.addWidget(self.agenda_total)
        layout.addWidget(heading("Notes for this step"))
        layout.addWidget(self.guide)
        layout.addWidget(self.reframing)
        layout.addWidget(heading("Check-in"))
        layout.addWidget(self.people, 2)
        layout.addWidget(self.add_person)
        layout.addWidget(heading("Parking lot and decisions"))
        layout.addWidget(self.parked)
        layout.addLayout(capture)
        layout.addWidget(self.screens)
        layout.addWidget(self.leave)
        # A laptop's short screen, or a large zoom: the panel scrolls rather than squeeze the
        # notes and the questions for the room into a clipped line or two.
        self.scroller = PageScroller(contents)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)
        self._attendees: list[Attendee] = []

    # ---- showing ---------------------------------------------------------------------------

    def show_meeting(self, title: str, people: list[Participant], meeting: Meeting) -> None:
        self.title.setText(title)
        for box in meeting.agenda:
            spin = self.minutes[box.step]
            if spin.value() != box.minutes:
                with QSignalBlocker(spin):
                    spin.setValue(box.minutes)
        total = meeting.total_minutes
        self.agenda_total.setText(f"{total} minutes in all")
        self._attendees = list(meeting.attendees)
        self._fill_people(check_in_list(people, meeting))
        self.parked.setText(
            f"{len(meeting.parking_lot)} parked · {len(meeting.decisions)} decided"
            " · both shown at the wrap-up"
        )

    def show_step(self, step: Step) -> None:
        row = self._rows[step]
        with QSignalBlocker(self.agenda):
            self.agenda.setCurrentItem(row)
        for other, item in self._rows.items():
            font = item.font(0)
            font.setBold(other is step)
            item.setFont(0, font)
        self.guide.setText(GUIDE[step])
        self.back.setEnabled(step is not Step.GROUND_RULES)
        self.forward.setEnabled(step is not Step.WRAP_UP)
        self._step = step
        self._show_reframing()

    def show_cause(self, row: CauseRow | None) -> None:
        """The cause selected on the stage's five whys, or None."""
        self._cause = row
        self._show_reframing()

    def _show_reframing(self) -> None:
        row = self._cause
        hit = row.blame if row is not None else None
        shown = self._step is Step.FIVE_WHYS and row is not None and hit is not None
        if row is not None and hit is not None and hit.questions:
            kind = hit.kind.label
            self.reframing.setText(
                f"{row.cause.ref}: “{hit.phrase}” is {kind[:1].lower()}{kind[1:]}. {ASK}\n"
                + questions_text(hit, "•  ")
            )
        elif row is not None and hit is not None:
            self.reframing.setText(f"{row.cause.ref}: {finding_text(hit)}")
        self.reframing.setVisible(shown)

    def show_time(
        self, remaining: float, running: bool, spent: dict[Step, float], total: float
    ) -> None:
        over = remaining <= -1
        text = countdown_text(remaining)
        self.countdown.setText(f"{text} over" if over else text)
        self.timer.setText("Pause timer" if running else "Start timer")
        planned = sum(spin.value() for spin in self.minutes.values())
        self.total.setText(f"Meeting: {countdown_text(total)} of {planned}:00")
        for step, row in self._rows.items():
            seconds = spent.get(step, 0.0)
            row.setText(2, countdown_text(seconds) if seconds >= 1 else "")

    def _fill_people(self, rows: list[tuple[str, Role, bool]]) -> None:
        # A tick or a role change reloads the meeting from inside the item's own signal: update
        # the rows in place then, since deleting the item being changed would crash.
        existing = self._people_rows()
        if [str(item.data(0, NAME_ROLE)) for item in existing] == [name for name, _, _ in rows]:
            with QSignalBlocker(self.people):
                for item, (_, role, here) in zip(existing, rows, strict=True):
                    state = Qt.CheckState.Checked if here else Qt.CheckState.Unchecked
                    if item.checkState(0) != state:
                        item.setCheckState(0, state)
                    combo = self.people.itemWidget(item, 1)
                    if isinstance(combo, QComboBox) and combo.currentData() != role.value:
                        with QSignalBlocker(combo):
                            combo.setCurrentIndex(list(Role).index(role))
            return
        with QSignalBlocker(self.people):
            self.people.clear()
            for name, role, here in rows:
                item = QTreeWidgetItem([name, ""])
                item.setData(0, NAME_ROLE, name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked if here else Qt.CheckState.Unchecked)
                self.people.addTopLevelItem(item)
                combo = QComboBox()
                combo.setAccessibleName(f"Role of {name}")
                for choice in Role:
                    combo.addItem(choice.label, choice.value)
                combo.setCurrentIndex(list(Role).index(role))
                combo.currentIndexChanged.connect(lambda *_: self._attendance_edited())
                self.people.setItemWidget(item, 1, combo)

    # ---- what the facilitator changes -------------------------------------------------------

    def _people_rows(self) -> list[QTreeWidgetItem]:
        rows = (self.people.topLevelItem(i) for i in range(self.people.topLevelItemCount()))
        return [row for row in rows if row is not None]

    def attendance(self) -> list[Attendee]:
        """Who is checked in now, in list order, each with the role chosen for them."""
        chosen: list[Attendee] = []
        for item in self._people_rows():
            if item.checkState(0) != Qt.CheckState.Checked:
                continue
            combo = self.people.itemWidget(item, 1)
            role = Role(combo.currentData()) if isinstance(combo, QComboBox) else Role.ATTENDEE
            chosen.append(Attendee(str(item.data(0, NAME_ROLE)), role))
        return chosen

    def check_in(self, name: str, here: bool = True) -> bool:
        """Tick (or untick) someone already in the list; False if they are not in it."""
        for item in self._people_rows():
            if str(item.data(0, NAME_ROLE)).casefold() == name.casefold():
                item.setCheckState(0, Qt.CheckState.Checked if here else Qt.CheckState.Unchecked)
                return True
        return False

    def set_role(self, name: str, role: Role) -> bool:
        for item in self._people_rows():
            combo = self.people.itemWidget(item, 1)
            if str(item.data(0, NAME_ROLE)).casefold() == name.casefold() and isinstance(
                combo, QComboBox
            ):
                combo.setCurrentIndex(list(Role).index(role))
                return True
        return False

    def _attendance_edited(self) -> None:
        chosen = self.attendance()
        if chosen != self._attendees:
            self._attendees = chosen
            self.attendance_changed.emit(chosen)

    def _add_person(self) -> None:
        name = self.add_person.text().strip()
        if not name:
            return
        self.add_person.clear()
        if self.check_in(name):
            return
        self.attendance_changed.emit([*self.attendance(), Attendee(name, Role.ATTENDEE)])

    def _row_activated(self, item: QTreeWidgetItem) -> None:
        self.step_requested.emit(Step(item.data(0, NAME_ROLE)))

    def show_screens(self, text: str) -> None:
        self.screens.setText(text)
