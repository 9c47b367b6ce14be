"""Meeting mode, driven from the keyboard as a facilitator would on a shared screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontInfo, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.meeting import Role, Step
from pmdesk.domain.model import PostmortemStatus
from pmdesk.domain.readiness import Target
from pmdesk.services import meeting as meeting_service
from pmdesk.services import postmortems
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.meeting.mode import MeetingMode, choose_screens
from pmdesk.ui.themes import COLOURS, apply_zoom
from tests.conftest import REPO


@dataclass
class FakeClock:
    seconds: float = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mode(qtbot: QtBot, opened: MainWindow, clock: FakeClock) -> Iterator[MeetingMode]:
    opened.meeting_clock = clock
    started = opened.start_meeting()
    assert started is not None
    assert QTest.qWaitForWindowExposed(started.stage)
    started.stage.activateWindow()
    qtbot.waitUntil(started.stage.isActiveWindow)
    started.stage.setFocus()
    QApplication.processEvents()
    yield started
    if opened.meeting is not None:
        opened.meeting.leave()


NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def press(widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
    QTest.keyClick(widget, key, modifier)
    QApplication.processEvents()


def current(mode: MeetingMode) -> Step:
    """The step shown now (a call, so that no assert narrows it for the next one)."""
    return mode.step


def page(mode: MeetingMode) -> QWidget:
    current = mode.stage.stack.currentWidget()
    assert current is not None
    return current


def test_the_facilitator_walks_every_step_by_keyboard(mode: MeetingMode) -> None:
    stage = mode.stage
    assert current(mode) is Step.GROUND_RULES and page(mode) is mode.ground_rules
    for expected in list(Step)[1:]:
        press(stage, Qt.Key.Key_PageDown)
        assert current(mode) is expected
        assert page(mode) is mode.pages[expected]
        assert stage.step_title.text().startswith(f"{expected.number} ")
    press(stage, Qt.Key.Key_PageDown)  # past the last step: stays at the wrap-up
    assert current(mode) is Step.WRAP_UP
    press(stage, Qt.Key.Key_PageUp)
    assert current(mode) is Step.FOLLOW_UP
    press(stage, Qt.Key.Key_Left)
    assert current(mode) is Step.ACTIONS
    press(stage, Qt.Key.Key_Right)
    assert current(mode) is Step.FOLLOW_UP
    press(stage, Qt.Key.Key_2)
    assert current(mode) is Step.TIMELINE and page(mode) is mode.timeline
    press(stage, Qt.Key.Key_1)
    assert current(mode) is Step.GROUND_RULES


def test_step_keys_leave_a_focused_editor_alone_and_ctrl_forms_always_work(
    mode: MeetingMode,
) -> None:
    stage = mode.stage
    press(stage, Qt.Key.Key_2)
    line = mode.timeline.quick_add
    line.setFocus()
    press(line, Qt.Key.Key_Left)  # the caret moves; the meeting stays on the timeline
    press(line, Qt.Key.Key_4)
    assert current(mode) is Step.TIMELINE and line.text() == "4"
    press(line, Qt.Key.Key_PageDown, CTRL)
    assert current(mode) is Step.IMPACT
    press(stage, Qt.Key.Key_7, CTRL)
    assert current(mode) is Step.WRAP_UP


def test_escape_leaves_an_editor_so_the_step_keys_work_again(mode: MeetingMode) -> None:
    press(mode.stage, Qt.Key.Key_2)
    table = mode.timeline.table
    table.setFocus()
    press(table, Qt.Key.Key_PageDown)
    assert current(mode) is Step.TIMELINE  # the table scrolled, nothing else
    press(table, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is mode.stage
    press(mode.stage, Qt.Key.Key_PageDown)
    assert current(mode) is Step.IMPACT


def test_an_edit_on_the_stage_is_one_undoable_step_seen_everywhere(
    opened: MainWindow, mode: MeetingMode
) -> None:
    postmortem_id = mode.postmortem.id
    before = len(mode.postmortem.timeline)
    press(mode.stage, Qt.Key.Key_2)
    line = mode.timeline.quick_add
    line.setFocus()
    QTest.keyClicks(line, "+5m Rollback of config v42 confirmed by the on-call")
    press(line, Qt.Key.Key_Return)
    stored = postmortems.get_postmortem(opened.library, postmortem_id)
    assert len(stored.timeline) == before + 1
    assert len(mode.postmortem.timeline) == before + 1
    assert mode.timeline.model.rowCount() == before + 1
    press(mode.stage, Qt.Key.Key_Z, CTRL)
    assert len(postmortems.get_postmortem(opened.library, postmortem_id).timeline) == before
    assert mode.timeline.model.rowCount() == before
    press(
        mode.stage,
        Qt.Key.Key_Z,
        CTRL_SHIFT,
    )
    assert len(postmortems.get_postmortem(opened.library, postmortem_id).timeline) == before + 1


def test_the_timer_counts_down_runs_over_gently_and_is_stored(
    opened: MainWindow, mode: MeetingMode, clock: FakeClock
) -> None:
    stage = mode.stage
    assert "paused" in stage.countdown.text() and stage.countdown.text().startswith("5:00")
    press(stage, Qt.Key.Key_T)
    assert mode.clock.running and mode.meeting.started is not None
    clock.advance(125)
    mode.tick()
    assert stage.countdown.text() == "2:55"
    assert mode.controls.countdown.text() == "2:55"
    clock.advance(205)  # 5:30 in a 5-minute timebox
    mode.tick()
    assert stage.countdown.text() == "+0:30 over"
    press(stage, Qt.Key.Key_PageDown)  # the clock runs on, now for the timeline
    clock.advance(60)
    mode.tick()
    assert stage.countdown.text() == "9:00"
    press(stage, Qt.Key.Key_Space)
    assert not mode.clock.running
    clock.advance(600)  # paused: nothing counts
    mode.tick()
    assert stage.countdown.text().startswith("9:00")
    stored = meeting_service.get_meeting(opened.library, mode.postmortem.id)
    assert stored.timebox(Step.GROUND_RULES).spent_seconds == 330
    assert stored.timebox(Step.TIMELINE).spent_seconds == 60
    assert stored.started is not None and stored.ended is None


def test_timeboxes_are_adjusted_per_meeting_and_undone(
    opened: MainWindow, mode: MeetingMode
) -> None:
    spin = mode.controls.minutes[Step.FIVE_WHYS]
    assert spin.value() == 15
    spin.setValue(20)
    QApplication.processEvents()
    stored = meeting_service.get_meeting(opened.library, mode.postmortem.id)
    assert stored.timebox(Step.FIVE_WHYS).minutes == 20
    assert mode.meeting.total_minutes == 65
    press(mode.stage, Qt.Key.Key_Z, CTRL)
    stored = meeting_service.get_meeting(opened.library, mode.postmortem.id)
    assert stored.timebox(Step.FIVE_WHYS).minutes == 15
    assert spin.value() == 15


def test_a_point_is_parked_without_leaving_the_step_and_becomes_an_action(
    opened: MainWindow, mode: MeetingMode
) -> None:
    stage = mode.stage
    press(stage, Qt.Key.Key_4)
    press(stage, Qt.Key.Key_L, CTRL)
    assert mode.stage.capture.isVisible()
    QTest.keyClicks(stage.capture.line, "Staging has no config parity with production")
    press(stage.capture.line, Qt.Key.Key_Return)
    assert not stage.capture.isVisible()
    assert current(mode) is Step.FIVE_WHYS
    (point,) = mode.meeting.parking_lot
    assert point.text == "Staging has no config parity with production"

    press(stage, Qt.Key.Key_7)
    wrap = mode.wrap_up
    assert wrap.parked.count() == 1
    wrap.parked.setCurrentRow(0)
    wrap.parked.setFocus()
    assert wrap.convert.isEnabled()
    press(wrap.parked, Qt.Key.Key_Return, CTRL)
    stored = postmortems.get_postmortem(opened.library, mode.postmortem.id)
    made = [a for a in stored.actions if a.title == point.text]
    assert len(made) == 1
    assert stored.meeting is not None and stored.meeting.parking_lot[0].action_id == made[0].id
    assert not wrap.convert.isEnabled()  # a point becomes an action once

    press(stage, Qt.Key.Key_Z, CTRL)
    stored = postmortems.get_postmortem(opened.library, mode.postmortem.id)
    assert not [a for a in stored.actions if a.title == point.text]
    assert stored.meeting is not None and stored.meeting.parking_lot[0].action_id is None


def test_a_capture_can_be_cancelled_and_a_decision_recorded(mode: MeetingMode) -> None:
    stage = mode.stage
    press(stage, Qt.Key.Key_L, CTRL)
    QTest.keyClicks(stage.capture.line, "never mind")
    press(stage.capture.line, Qt.Key.Key_Escape)
    assert not stage.capture.isVisible() and mode.meeting.parking_lot == []
    press(stage, Qt.Key.Key_D, CTRL_SHIFT)
    QTest.keyClicks(stage.capture.line, "Config pushes go through the canary")
    press(stage.capture.line, Qt.Key.Key_Return)
    assert [d.text for d in mode.meeting.decisions] == ["Config pushes go through the canary"]
    assert "Config pushes go through the canary" in mode.wrap_up.decisions.item(0).text()


def test_participants_check_in_with_their_roles(opened: MainWindow, mode: MeetingMode) -> None:
    controls = mode.controls
    people = [p.name for p in mode.postmortem.participants]
    assert len(people) >= 2
    assert controls.check_in(people[0])
    assert controls.set_role(people[0], Role.FACILITATOR)
    assert controls.check_in(people[1])
    assert controls.set_role(people[1], Role.SCRIBE)
    controls.add_person.setText("Visiting SRE")
    press(controls.add_person, Qt.Key.Key_Return)
    stored = meeting_service.get_meeting(opened.library, mode.postmortem.id)
    assert [(a.name, a.role) for a in stored.attendees] == [
        (people[0], Role.FACILITATOR),
        (people[1], Role.SCRIBE),
        ("Visiting SRE", Role.ATTENDEE),
    ]
    text = mode.ground_rules.people.text()
    assert f"Facilitator: {people[0]}" in text and "Visiting SRE" in text
    assert controls.check_in(people[1], here=False)
    stored = meeting_service.get_meeting(opened.library, mode.postmortem.id)
    assert people[1] not in [a.name for a in stored.attendees]


def test_wrap_up_marks_the_postmortem_ready_for_review_in_one_step(
    opened: MainWindow, mode: MeetingMode
) -> None:
    assert opened.edits.update_fields(
        mode.postmortem.id, {"status": "draft"}, mode.postmortem.version
    )
    press(mode.stage, Qt.Key.Key_7)
    wrap = mode.wrap_up
    assert wrap.ready.isEnabled() and "Draft" in wrap.status.text()
    assert wrap.findings.count() >= 1
    wrap.ready.click()
    QApplication.processEvents()
    stored = postmortems.get_postmortem(opened.library, mode.postmortem.id)
    assert stored.status is PostmortemStatus.REVIEW
    assert not wrap.ready.isEnabled() and "Review" in wrap.status.text()
    wrap.end.click()
    stored = postmortems.get_postmortem(opened.library, mode.postmortem.id)
    assert stored.meeting is not None and stored.meeting.ended is not None


def test_the_follow_up_step_lists_only_earlier_overdue_and_due_soon_actions(
    mode: MeetingMode,
) -> None:
    press(mode.stage, Qt.Key.Key_6)
    listed = mode.follow_up.items()
    assert all(item.postmortem_id != mode.postmortem.id for item in listed)


def test_the_stage_is_large_enough_to_read_across_a_room(mode: MeetingMode) -> None:
    for step in Step:
        press(mode.stage, Qt.Key.Key_PageDown if step is not Step.GROUND_RULES else Qt.Key.Key_1)
    for widget in (
        mode.stage,
        mode.ground_rules.heading,
        mode.timeline.table,
        mode.timeline.quick_add,
        mode.causes,
        mode.action_items,
        mode.wrap_up.owners,
    ):
        assert QFontInfo(widget.font()).pointSizeF() >= 20, widget
    assert QFontInfo(mode.controls.agenda.font()).pointSizeF() < 14  # the laptop's controls


def test_f5_ends_presenting_and_keeps_the_clock(
    opened: MainWindow, mode: MeetingMode, clock: FakeClock
) -> None:
    press(mode.stage, Qt.Key.Key_T)
    clock.advance(42)
    press(mode.stage, Qt.Key.Key_F5)
    assert opened.meeting is None
    stored = meeting_service.get_meeting(opened.library, mode.postmortem.id)
    assert stored.timebox(Step.GROUND_RULES).spent_seconds == 42


def test_the_stage_goes_to_the_second_screen_and_the_controls_stay_home() -> None:
    laptop, projector = object(), object()
    assert choose_screens([laptop, projector], laptop) == (projector, laptop)
    assert choose_screens([projector, laptop], laptop) == (projector, laptop)
    assert choose_screens([laptop], laptop) == (laptop, None)


def test_the_meeting_is_stored_with_the_postmortem_and_exported(
    opened: MainWindow, mode: MeetingMode, tmp_path: Path
) -> None:
    press(mode.stage, Qt.Key.Key_L, CTRL)
    QTest.keyClicks(mode.stage.capture.line, "Pager rotation is unclear")
    press(mode.stage.capture.line, Qt.Key.Key_Return)
    target = tmp_path / "out.json"
    assert opened.export_to(mode.postmortem.id, str(target))
    assert "Pager rotation is unclear" in target.read_text(encoding="utf-8")


def test_stage_type_follows_the_window_zoom_and_its_own(mode: MeetingMode) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFontInfo(mode.timeline.table.font()).pointSizeF()
    apply_zoom(app, 1.5)
    assert QFontInfo(mode.timeline.table.font()).pointSizeF() == pytest.approx(before * 1.5, 0.05)
    heading = mode.ground_rules.heading.font()
    assert heading.bold() and QFontInfo(heading).pointSizeF() > before * 1.5
    apply_zoom(app, 1.0)
    press(mode.stage, Qt.Key.Key_Equal, CTRL)
    assert QFontInfo(mode.timeline.table.font()).pointSizeF() > before
    press(mode.stage, Qt.Key.Key_0, CTRL)
    assert QFontInfo(mode.timeline.table.font()).pointSizeF() == pytest.approx(before, 0.05)


def test_smoke_run_presents_step_one_at_projector_size(tmp_path: Path, fixture_file: Path) -> None:
    db = tmp_path / "library.pmdesk"
    subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "import", str(fixture_file)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    shot = tmp_path / "stage.png"
    smoke = ["--smoke", "--view", "meeting", "--screenshot", str(shot)]
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(db), *smoke],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 1080)
    # The agenda strip lights the first step's segment (five of sixty minutes wide) and no other.
    highlights = {QColor(colours.highlight).rgb() for colours in COLOURS.values()}

    def lit(x0: int, x1: int) -> bool:
        return any(image.pixel(x, y) in highlights for x in range(x0, x1) for y in range(40, 160))

    assert lit(0, 170)
    assert not lit(190, 480)


def test_with_a_second_screen_the_stage_goes_there_and_the_controls_stay(
    tmp_path: Path, fixture_file: Path
) -> None:
    """On a real (offscreen) platform with two screens: the laptop and a 1920x1080 projector."""
    screen = {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1, "y": 0}
    config = tmp_path / "screens.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {**screen, "name": "laptop", "x": 0, "width": 1366, "height": 768},
                    {**screen, "name": "projector", "x": 1366, "width": 1920, "height": 1080},
                ]
            }
        ),
        encoding="utf-8",
    )
    child = ["-m", "tests.ui.two_screens_child", str(tmp_path / "l.pmdesk"), str(fixture_file)]
    result = subprocess.run(
        [sys.executable, *child],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    where = json.loads(result.stdout.strip().splitlines()[-1])
    assert where["stage"] == "projector" and where["stage_full_screen"]
    assert where["stage_size"] == [1920, 1080]
    assert where["controls"] == "laptop" and not where["controls_inside_stage"]
    assert where["step_after_next"] == "timeline"
    assert where["after_unplug"] == {
        "stage": "laptop",
        "controls_inside_stage": True,
        "control_window_shown": False,
    }
    assert where["after_replug_controls_inside_stage"] is False


def test_a_wrap_up_finding_leads_to_the_step_that_puts_it_right(mode: MeetingMode) -> None:
    press(mode.stage, Qt.Key.Key_7)
    findings = mode.wrap_up._finding_list
    on_action = next(f for f in findings if f.target is Target.ACTION)
    mode.wrap_up.findings.setCurrentRow(findings.index(on_action))
    mode.wrap_up.findings.setFocus()
    press(mode.wrap_up.findings, Qt.Key.Key_Return)
    assert current(mode) is Step.ACTIONS
    assert on_action.target_id is not None
    selected = mode.action_items.board.current_action()
    assert selected is not None and selected.id == on_action.target_id


def test_closing_the_stage_window_ends_presenting(opened: MainWindow, mode: MeetingMode) -> None:
    mode.stage.close()
    QApplication.processEvents()
    assert opened.meeting is None
    again = opened.start_meeting()  # ended cleanly: a new one starts
    assert again is not None and again is not mode and again.stage.isVisible()
