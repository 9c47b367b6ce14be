"""Meeting mode: the review walked step by step on a shared screen, with a timer.

The mode owns the stage (what the room sees), the controls (what the facilitator uses), the
meeting's clock, and the stage's own copies of the postmortem's editors. Those editors use the
window's `Edits`, so an edit in the meeting is the same undoable step as anywhere else, and the
whole window hears about it. With a second screen the stage fills it and the controls stay on
the laptop; with one, the stage fills it and the controls sit beside it (F2 hides them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QScreen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from pmdesk.domain.actions import DueGroup
from pmdesk.domain.meeting import Attendee, Decision, Meeting, ParkedPoint, Step, StepClock
from pmdesk.domain.model import ActionItem, Postmortem
from pmdesk.domain.readiness import Finding, Target
from pmdesk.services import meeting as meeting_service
from pmdesk.services.changes import EVERYTHING, Changes
from pmdesk.services.postmortems import NotFoundError
from pmdesk.storage.errors import LibraryError
from pmdesk.ui.actions.followup import FollowUpView
from pmdesk.ui.actions.section import ActionsSection
from pmdesk.ui.causes.section import CausesSection
from pmdesk.ui.edits import Edits
from pmdesk.ui.meeting.controls import ControlPanel
from pmdesk.ui.meeting.edits import MeetingEdits
from pmdesk.ui.meeting.pages import GroundRulesPage, WrapUpPage
from pmdesk.ui.meeting.stage import STAGE_SCALE, STEPS, MeetingStage, facilitator_hint
from pmdesk.ui.sections.impact import ImpactSection
from pmdesk.ui.themes import set_stage_scale
from pmdesk.ui.timeline.section import TimelineSection

S = TypeVar("S")
# The clock is saved this often while it runs, so a crash loses at most this much of the record.
SAVE_EVERY_SECONDS = 30.0
FOLLOW_UP_GROUPS = frozenset({DueGroup.OVERDUE, DueGroup.DUE_SOON})


def choose_screens(screens: Sequence[S], home: S) -> tuple[S, S | None]:
    """Where the stage and the controls go: with a second screen, the stage on it and the
    controls at `home` (the laptop, where the main window is); with one, both at home."""
    others = [screen for screen in screens if screen is not home]
    if others:
        return others[0], home
    return home, None


class ControlWindow(QWidget):
    """The controls as a window of their own, on the laptop while the stage is elsewhere."""

    closing = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("pmdesk meeting controls")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def hold(self, controls: QWidget) -> None:
        self._layout.addWidget(controls)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)


class MeetingMode(QObject):
    finished = Signal()

    def __init__(
        self,
        edits: Edits,
        postmortem: Postmortem,
        *,
        now: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC).astimezone(),
        today: Callable[[], date] = date.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.edits = edits
        self.meeting_edits = MeetingEdits(edits)
        self.postmortem = postmortem
        self.meeting = postmortem.meeting or Meeting()
        self.now, self.wall_clock, self.today = now, wall_clock, today
        self.clock = StepClock(
            spent={box.step: float(box.spent_seconds) for box in self.meeting.agenda}
        )
        self._last_saved = now()
        self._active = False
        self._home: QScreen | None = None
        self._watching_screens = False

        self.ground_rules = GroundRulesPage()
        self.timeline = TimelineSection(edits)
        self.impact = ImpactSection(edits)
        self.causes = CausesSection(edits)
        # The room reads the questions that reframe a blaming cause; how to reword it is the
        # scribe's, in the stage's small type.
        facilitator_hint(self.causes.detail.reframing.suggestion)
        self.action_items = ActionsSection(edits)
        self.action_items.presenting = True
        self.follow_up = FollowUpView(edits)
        self.follow_up.keep = lambda item: (
            item.group in FOLLOW_UP_GROUPS and item.postmortem_id != self.postmortem.id
        )
        self.follow_up.today = today
        self.follow_up.hint.setText(
            "Go down the list: Ctrl+Return marks an action done, Ctrl+R re-scopes it with a new "
            "date and a reason, Ctrl+Shift+E escalates it."
        )
        self.follow_up.empty.setText(
            "Nothing to follow up: no earlier postmortem has an action overdue or due in the "
            "next two weeks."
        )
        # Opening another postmortem would leave the meeting: that stays in the main window.
        self.follow_up.open_action.setVisible(False)
        self.follow_up.open_action.setEnabled(False)
        self.wrap_up = WrapUpPage()
        self.pages: dict[Step, QWidget] = {
            Step.GROUND_RULES: self.ground_rules,
            Step.TIMELINE: self.timeline,
            Step.IMPACT: self.impact,
            Step.FIVE_WHYS: self.causes,
            Step.ACTIONS: self.action_items,
            Step.FOLLOW_UP: self.follow_up,
            Step.WRAP_UP: self.wrap_up,
        }
        self.stage = MeetingStage(self.pages)
        self.controls = ControlPanel()
        self.control_window: ControlWindow | None = None
        self._connect()
        self._build_actions()
        set_stage_scale(self.stage, STAGE_SCALE)
        set_stage_scale(self.controls, 1.0)

        self.ticker = QTimer(self)
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self.tick)
        self._show_everything()
        self.go_to(Step.GROUND_RULES)

    # ---- wiring ----------------------------------------------------------------------------

    def _connect(self) -> None:
        stage, controls, wrap = self.stage, self.controls, self.wrap_up
        for source in (stage, controls):
            source.next_requested.connect(self.next_step)
            source.previous_requested.connect(self.previous_step)
            source.step_requested.connect(self.go_to)
            source.timer_toggled.connect(self.toggle_timer)
        stage.leave_requested.connect(self.leave)
        stage.capture.captured.connect(self._captured)
        controls.minutes_changed.connect(self.set_minutes)
        controls.attendance_changed.connect(self.set_attendance)
        controls.park_requested.connect(lambda: self.capture("park"))
        controls.decide_requested.connect(lambda: self.capture("decide"))
        controls.leave_requested.connect(self.leave)
        wrap.convert_requested.connect(self.convert_point)
        wrap.point_removed.connect(self.remove_point)
        wrap.decision_removed.connect(self.remove_decision)
        wrap.action_activated.connect(self._show_action)
        wrap.finding_activated.connect(self._show_finding)
        wrap.ready_requested.connect(self.mark_ready)
        wrap.end_requested.connect(self.end_meeting)
        self.causes.action_requested.connect(self._show_action)
        self.causes.cause_shown.connect(self.controls.show_cause)
        self.causes.event_requested.connect(self._show_event)
        self.edits.workspace.changed.connect(self._changed)
        self.edits.workspace.changed_elsewhere.connect(self._changed)

    def _build_actions(self) -> None:
        """Keys that work wherever focus is, in the stage and in the controls window alike."""
        stack = self.edits.workspace.undo_stack
        undo = stack.createUndoAction(self, "Undo")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(self, "Redo")
        redo.setShortcuts(QKeySequence.StandardKey.Redo)
        self.actions: list[QAction] = [undo, redo]
        keyed: list[tuple[str, list[str], Callable[[], object]]] = [
            ("Next step", ["Ctrl+PgDown"], self.next_step),
            ("Previous step", ["Ctrl+PgUp"], self.previous_step),
            ("Start or pause the timer", ["Ctrl+T"], self.toggle_timer),
            ("Park a point", ["Ctrl+L"], lambda: self.capture("park")),
            ("Record a decision", ["Ctrl+Shift+D"], lambda: self.capture("decide")),
            ("Show or hide the controls", ["F2"], self.toggle_controls),
            ("End presenting", ["F5"], self.leave),
            ("Larger", ["Ctrl+=", "Ctrl++"], lambda: self.zoom_stage(1.15)),
            ("Smaller", ["Ctrl+-"], lambda: self.zoom_stage(1 / 1.15)),
            ("Normal size", ["Ctrl+0"], lambda: self.zoom_stage(None)),
        ]
        keyed += [
            (f"Go to step {step.number}", [f"Ctrl+{step.number}"], partial(self.go_to, step))
            for step in Step
        ]
        for text, keys, slot in keyed:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(key) for key in keys])
            action.triggered.connect(_runner(slot))
            self.actions.append(action)
        for action in self.actions:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.stage.addAction(action)

    # ---- entering and leaving ---------------------------------------------------------------

    def start(self, home: QScreen | None = None, *, size: QSize | None = None) -> None:
        """Show the stage full screen, and the controls where they belong; or, given a `size`,
        in a window that big (for screenshots of a projector's view on any screen)."""
        self._active = True
        self._home = home or QGuiApplication.primaryScreen()
        self.place(QGuiApplication.screens(), self._home, size)
        if size is None:
            # A projector plugged in or pulled out mid-meeting: everything moves to suit.
            app = QGuiApplication.instance()
            if isinstance(app, QGuiApplication):
                app.screenAdded.connect(self._screens_changed)
                app.screenRemoved.connect(self._screens_changed)
                self._watching_screens = True
        self.ticker.start()
        self.stage.activateWindow()
        self.stage.setFocus()

    def place(self, screens: Sequence[QScreen], home: QScreen, size: QSize | None = None) -> None:
        stage_screen, controls_screen = choose_screens(screens, home)
        if controls_screen is not None:
            self._controls_in_window(controls_screen)
            self.controls.show_screens("The stage is on the other screen.")
        else:
            self._controls_beside_stage()
            self.controls.show_screens("One screen: F2 hides or shows these controls.")
        self.stage.setScreen(stage_screen)
        if size is not None:
            self.stage.resize(size)
            self.stage.show()
            return
        self.stage.setGeometry(stage_screen.geometry())
        self.stage.showFullScreen()

    def _screens_changed(self, _screen: QScreen) -> None:
        if not self._active or self._home is None:
            return
        screens = QGuiApplication.screens()
        if self._home not in screens:
            self._home = QGuiApplication.primaryScreen()
        self.place(screens, self._home)

    def _controls_in_window(self, screen: QScreen) -> None:
        if self.control_window is None:
            self.control_window = ControlWindow()
            self.control_window.closing.connect(self.leave)
            for action in self.actions:
                self.control_window.addAction(action)
        window = self.control_window
        window.hold(self.controls)
        self.controls.setMaximumWidth(16777215)
        self.controls.show()
        window.setScreen(screen)
        window.resize(460, screen.availableGeometry().height() - 80)
        window.move(screen.availableGeometry().topLeft())
        window.show()

    def _controls_beside_stage(self) -> None:
        self.stage.row.addWidget(self.controls)
        self.controls.setMaximumWidth(440)
        self.controls.setVisible(False)
        if self.control_window is not None:
            self.control_window.hide()

    def toggle_controls(self) -> None:
        if self.control_window is not None and self.control_window.isVisible():
            self.control_window.raise_()
            self.control_window.activateWindow()
            return
        self.controls.setVisible(not self.controls.isVisible())

    def leave(self) -> None:
        """Stop the clock, save it, and close the meeting's windows."""
        if not self._active:
            return
        self._active = False
        if self.clock.running:
            self.clock.pause(self.now())
        if self.meeting.started is not None:  # a meeting never started has no clock to keep
            self.save_clock()
        self.ticker.stop()
        self.edits.workspace.changed.disconnect(self._changed)
        self.edits.workspace.changed_elsewhere.disconnect(self._changed)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication) and self._watching_screens:
            app.screenAdded.disconnect(self._screens_changed)
            app.screenRemoved.disconnect(self._screens_changed)
            self._watching_screens = False
        if self.control_window is not None:
            self.control_window.closing.disconnect(self.leave)
            self.control_window.close()
        self.stage.close()
        self.finished.emit()

    def dispose(self) -> None:
        """Delete the windows; the mode is not used again after this."""
        if self.control_window is not None:
            self.control_window.deleteLater()
        self.stage.deleteLater()
        self.deleteLater()

    # ---- the steps -------------------------------------------------------------------------

    @property
    def step(self) -> Step:
        return self.clock.current

    def go_to(self, step: Step) -> None:
        self.clock.move_to(step, self.now())
        self.stage.show_step(step)
        self.controls.show_step(step)
        if step is Step.FOLLOW_UP:
            self.follow_up.refresh()
        self.tick()
        QTimer.singleShot(0, self, self._focus_step)

    def _focus_step(self) -> None:
        # The stage itself, not an editor: the step keys work at once, and Tab enters the page.
        if self.stage.isVisible() and not self.stage.capture.isVisible():
            self.stage.setFocus()

    def next_step(self) -> None:
        index = STEPS.index(self.step)
        if index + 1 < len(STEPS):
            self.go_to(STEPS[index + 1])

    def previous_step(self) -> None:
        index = STEPS.index(self.step)
        if index > 0:
            self.go_to(STEPS[index - 1])

    # ---- the clock -------------------------------------------------------------------------

    def toggle_timer(self) -> None:
        now = self.now()
        if self.clock.running:
            self.clock.pause(now)
            self.save_clock()
            self.stage.say("Timer paused")
        else:
            if self.meeting.started is None:
                self.meeting.started = self.wall_clock()
            self.clock.start(now)
            self.save_clock()
            self.stage.say("Timer running")
        self.tick()

    def tick(self) -> None:
        now = self.now()
        step = self.step
        remaining = self.clock.remaining(step, self.meeting.timebox(step).minutes, now)
        elapsed = {s: self.clock.elapsed(s, now) for s in Step}
        self.stage.show_time(remaining, self.clock.running)
        self.stage.strip.show_state(self.meeting.agenda, step, elapsed)
        self.controls.show_time(remaining, self.clock.running, elapsed, self.clock.total(now))
        if self.clock.running and now - self._last_saved >= SAVE_EVERY_SECONDS:
            self.save_clock()

    def save_clock(self) -> None:
        now = self.now()
        spent = {step: int(self.clock.elapsed(step, now)) for step in Step}
        self._last_saved = now
        for box in self.meeting.agenda:
            box.spent_seconds = spent[box.step]
        self.meeting_edits.record_clock(
            self.postmortem.id, spent, self.meeting.started, self.meeting.ended
        )

    def end_meeting(self) -> None:
        if self.clock.running:
            self.clock.pause(self.now())
        if self.meeting.started is None:
            self.meeting.started = self.wall_clock()
        self.meeting.ended = self.wall_clock()
        self.save_clock()
        self.stage.say("Meeting ended. Thank you all.")
        self._show_everything()
        self.tick()

    # ---- what the room decides -------------------------------------------------------------

    def set_minutes(self, step: Step, minutes: int) -> None:
        if self.meeting.timebox(step).minutes != minutes:
            self.meeting_edits.set_minutes(self.postmortem.id, step, minutes)

    def set_attendance(self, attendees: list[Attendee]) -> None:
        self.meeting_edits.set_attendees(self.postmortem.id, attendees, "Check-in")

    def capture(self, what: str) -> None:
        self.stage.open_capture(what)
        self.stage.activateWindow()

    def _captured(self, what: str, text: str) -> None:
        if what == "park":
            self.park(text)
        else:
            self.decide(text)

    def park(self, text: str) -> bool:
        points = [*self.meeting.parking_lot, ParkedPoint(text)]
        made = self.meeting_edits.set_parking_lot(self.postmortem.id, points, "Park a point")
        if made:
            self.stage.say(f"Parked: {text}")
        return made

    def decide(self, text: str) -> bool:
        decisions = [*self.meeting.decisions, Decision(text)]
        made = self.meeting_edits.set_decisions(self.postmortem.id, decisions, "Record a decision")
        if made:
            self.stage.say(f"Decision noted: {text}")
        return made

    def remove_point(self, point_id: str) -> None:
        kept = [p for p in self.meeting.parking_lot if p.id != point_id]
        self.meeting_edits.set_parking_lot(self.postmortem.id, kept, "Remove a parked point")

    def remove_decision(self, decision_id: str) -> None:
        kept = [d for d in self.meeting.decisions if d.id != decision_id]
        self.meeting_edits.set_decisions(self.postmortem.id, kept, "Remove a decision")

    def convert_point(self, point_id: str) -> bool:
        point = next((p for p in self.meeting.parking_lot if p.id == point_id), None)
        if point is None or point.action_id is not None:
            return False
        action = ActionItem(ref="", title=point.text)
        made = self.meeting_edits.park_as_action(self.postmortem.id, point, action)
        if made:
            self.stage.say("The parked point is now an action item: give it an owner and a date.")
        return made

    def mark_ready(self) -> bool:
        return self.meeting_edits.mark_ready_for_review(self.postmortem.id, self.postmortem.version)

    # ---- keeping up with the library --------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        if self.postmortem.id in changes.removed:
            self.leave()
            return
        if self.postmortem.id in changes.postmortem_ids or EVERYTHING in changes.updated:
            self.reload()
        elif self.step is Step.FOLLOW_UP:
            self.follow_up.refresh()

    def reload(self) -> None:
        try:
            postmortem = self.edits.workspace.load(self.postmortem.id)
            stored = meeting_service.get_meeting(self.edits.workspace.library, self.postmortem.id)
        except (LibraryError, NotFoundError) as error:
            self.edits.report("The meeting could not be refreshed", str(error))
            return
        if postmortem is None:
            self.leave()
            return
        # The clock lives here while the meeting runs: what is stored may be a moment behind.
        stored.started, stored.ended = self.meeting.started, self.meeting.ended
        for box in stored.agenda:
            box.spent_seconds = self.meeting.timebox(box.step).spent_seconds
        self.postmortem, self.meeting = postmortem, stored
        self._show_everything()
        self.tick()

    def _show_everything(self) -> None:
        pm, meeting = self.postmortem, self.meeting
        self.ground_rules.show_meeting(meeting)
        self.timeline.show_postmortem(pm)
        self.impact.show_postmortem(pm)
        self.causes.show_postmortem(pm)
        self.action_items.show_postmortem(pm)
        if self.step is Step.FOLLOW_UP:
            self.follow_up.refresh()
        self.wrap_up.show_meeting(pm, meeting, self.today())
        self.controls.show_meeting(pm.title, pm.participants, meeting)

    def _show_action(self, action_id: str) -> None:
        self.go_to(Step.ACTIONS)
        self.action_items.select_action(action_id)

    def _show_event(self, event_id: str) -> None:
        self.go_to(Step.TIMELINE)
        self.timeline.select_event(event_id)

    def _show_finding(self, finding: Finding) -> None:
        """Go to the step where a readiness finding can be put right, and select its subject."""
        target, target_id = finding.target, finding.target_id
        if target is Target.ACTION and target_id:
            self._show_action(target_id)
        elif target is Target.CAUSE:
            self.go_to(Step.FIVE_WHYS)
            if target_id:
                self.causes.select_cause(target_id)
        elif target is Target.TIMELINE and target_id:
            self._show_event(target_id)
        elif target is Target.TIMELINE:
            self.go_to(Step.TIMELINE)
        elif finding.rule == "impact-not-quantified":
            self.go_to(Step.IMPACT)
        else:
            # The summary and the lessons have no step of their own: they wait for the window.
            self.stage.say("That one is put right in the main window, after the meeting.")

    def zoom_stage(self, factor: float | None) -> None:
        current = self.stage.property("pmdesk_stage_scale")
        scale = (
            STAGE_SCALE if factor is None or not isinstance(current, float) else current * factor
        )
        set_stage_scale(self.stage, max(1.2, min(4.0, scale)))
        set_stage_scale(self.controls, 1.0)


def _runner(slot: Callable[[], object]) -> Callable[[bool], None]:
    def run(_checked: bool = False) -> None:
        slot()

    return run
