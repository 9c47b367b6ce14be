"""One typed line makes a whole action, in each place the scribe types one: the Actions tab's
new-action line, the cause pane's action line and the meeting stage's actions step."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.domain.action_entry import EXAMPLE
from pmdesk.domain.meeting import Step
from pmdesk.domain.model import ActionField, ActionItem, ActionStatus, Postmortem, Priority
from pmdesk.services import postmortems
from pmdesk.ui.actions.action_line import ActionLine
from pmdesk.ui.actions.section import ActionsSection
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.meeting.mode import MeetingMode
from tests import documents
from tests.ui.conftest import show_active
from tests.ui.test_meeting import FakeClock

# The list of owners is a popup: offscreen, Qt cannot raise it or let it grab the keyboard.
pytestmark = pytest.mark.qt_log_ignore(
    ".*does not support raise.*", ".*does not support grabbing the keyboard.*"
)

# 23:30 UTC on Wednesday 4 March is already Thursday 5 March in Berlin, the example's zone.
NOW = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
TODAY_IN_BERLIN = date(2026, 3, 5)


@pytest.fixture
def board(qtbot: QtBot, opened: MainWindow) -> ActionsSection:
    show_active(qtbot, opened)
    opened.editor.show_view(View.ACTIONS)
    section = opened.editor.action_items
    section.new_action.clock = lambda: NOW
    section.new_action.setFocus()
    qtbot.waitUntil(section.new_action.hasFocus)
    return section


def stored(window: MainWindow) -> Postmortem:
    assert window.editor.postmortem is not None
    return postmortems.get_postmortem(window.library, window.editor.postmortem.id)


def type_line(line: ActionLine, text: str) -> None:
    QTest.keyClicks(line, text)
    QApplication.processEvents()


def enter(line: ActionLine) -> None:
    QTest.keyClick(line, Qt.Key.Key_Return)
    QApplication.processEvents()


def test_the_readme_example_stores_every_field_as_one_undo_step(
    opened: MainWindow, board: ActionsSection
) -> None:
    before = stored(opened).actions
    steps = opened.workspace.undo_stack.count()
    type_line(board.new_action, EXAMPLE)
    assert board.new_action.preview.isVisibleTo(board)
    assert board.new_action.preview.text() == (
        "“Add a canary stage for config pushes” · owner Platform team · due Fri 2026-04-10 · P1"
    )
    enter(board.new_action)
    added = stored(opened).actions[-1]
    assert (added.title, added.owner, added.due, added.priority) == (
        "Add a canary stage for config pushes",
        "Platform team",
        date(2026, 4, 10),
        Priority.P1,
    )
    assert board.board.current_action_id() == added.id
    assert board.new_action.text() == "" and not board.new_action.preview.isVisibleTo(board)
    assert board.new_action.hasFocus()  # the next action is typed at once
    assert opened.workspace.undo_stack.count() == steps + 1
    opened.workspace.undo_stack.undo()
    assert stored(opened).actions == before


def test_relative_dates_count_from_today_in_the_postmortems_zone(
    opened: MainWindow, board: ActionsSection
) -> None:
    type_line(board.new_action, "Add a canary stage due +1d P2")
    assert "due Fri 2026-03-06" in board.new_action.preview.text()
    enter(board.new_action)
    assert stored(opened).actions[-1].due == TODAY_IN_BERLIN + timedelta(days=1)
    type_line(board.new_action, "Add an error-rate alert due fri")
    enter(board.new_action)
    assert stored(opened).actions[-1].due == date(2026, 3, 6)  # the next Friday after Thursday


def test_text_that_only_looks_like_a_field_stays_in_the_title(
    opened: MainWindow, board: ActionsSection
) -> None:
    for text in ("Send the rollback email @ 5pm", "Split the P10 queue from the P1 alerts"):
        type_line(board.new_action, text)
        enter(board.new_action)
        added = stored(opened).actions[-1]
        assert (added.title, added.owner, added.due, added.priority) == (text, None, None, None)


def test_a_date_that_is_no_date_is_said_and_nothing_is_stored(
    opened: MainWindow, board: ActionsSection
) -> None:
    count = len(stored(opened).actions)
    type_line(board.new_action, "Add schema validation due 2026-02-30 P1")
    assert board.new_action.problem.isVisibleTo(board)
    assert "“2026-02-30” is not a date" in board.new_action.problem.text()
    assert "not a date" not in board.new_action.preview.text()  # said once, in the error colour
    enter(board.new_action)
    assert len(stored(opened).actions) == count
    assert board.new_action.text() == "Add schema validation due 2026-02-30 P1"  # kept to fix


def test_a_past_due_date_is_flagged_in_the_preview(board: ActionsSection) -> None:
    type_line(board.new_action, "Add schema validation due 2026-03-01")
    assert "due Sun 2026-03-01 (in the past)" in board.new_action.preview.text()


def test_the_vagueness_hint_judges_the_title_without_its_fields(board: ActionsSection) -> None:
    type_line(board.new_action, "Improve monitoring @Platform team due fri P1")
    assert board.new_action.vagueness.isVisibleTo(board)
    assert "what changes on which thing" in board.new_action.vagueness.text()


def test_tab_takes_an_owner_offered_after_the_at_sign(
    opened: MainWindow, board: ActionsSection
) -> None:
    line = board.new_action
    type_line(line, "Add a canary stage @pla")
    popup = line.owner_popup
    assert popup.isVisible()
    assert popup.currentIndex().data() == "Platform team"  # a participant of the example
    QTest.keyClick(popup, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert line.text() == "Add a canary stage @Platform team "
    assert line.hasFocus() and not popup.isVisible()
    type_line(line, "due +2w P2")
    enter(line)
    added = stored(opened).actions[-1]
    assert (added.owner, added.due, added.priority) == (
        "Platform team",
        date(2026, 3, 19),
        Priority.P2,
    )


def test_enter_in_the_offered_owners_takes_one_and_does_not_store_yet(
    opened: MainWindow, board: ActionsSection
) -> None:
    count = len(stored(opened).actions)
    line = board.new_action
    type_line(line, "Add a canary stage @Dan")
    assert line.owner_popup.isVisible()
    QTest.keyClick(line.owner_popup, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert line.text() == "Add a canary stage @Dana Okafor "
    assert len(stored(opened).actions) == count
    enter(line)
    assert stored(opened).actions[-1].owner == "Dana Okafor"


def test_owners_of_other_postmortems_in_the_library_are_offered(
    opened: MainWindow, board: ActionsSection, tmp_path: Path
) -> None:
    other = documents.example()
    other["postmortem"]["title"] = "Another incident"
    other["postmortem"]["actions"][0]["owner"] = "Database reliability team"
    source = tmp_path / "other.json"
    source.write_text(json.dumps(other), encoding="utf-8")
    postmortems.import_files(opened.library, [source])
    board.new_action.clearFocus()  # the library's owners are read as the line gets the keyboard
    board.new_action.setFocus()
    type_line(board.new_action, "Add an index @datab")
    assert board.new_action.owner_popup.isVisible()
    assert board.new_action.owner_popup.currentIndex().data() == "Database reliability team"


def test_the_cause_panes_line_stores_a_whole_action_for_its_cause(
    qtbot: QtBot, opened: MainWindow
) -> None:
    show_active(qtbot, opened)
    opened.editor.show_view(View.CAUSES)
    causes = opened.editor.causes
    c6 = next(c.id for c in stored(opened).causes if c.ref == "c6")
    causes.select_cause(c6)
    QTest.keyClick(
        causes.tree,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    line = causes.detail.new_action
    assert line.hasFocus()
    line.clock = lambda: NOW
    type_line(line, "Page the checkout on-call on errors @Checkout team due eom P0")
    assert "owner Checkout team · due Tue 2026-03-31 · P0" in line.preview.text()
    enter(line)
    added = stored(opened).actions[-1]
    assert added == ActionItem(
        added.ref,
        "Page the checkout on-call on errors",
        owner="Checkout team",
        due=date(2026, 3, 31),
        priority=Priority.P0,
        cause_id=c6,
        id=added.id,
        version=added.version,
    )
    assert line.text() == ""


@pytest.fixture
def meeting(qtbot: QtBot, opened: MainWindow) -> Iterator[MeetingMode]:
    opened.meeting_clock = FakeClock()
    started = opened.start_meeting()
    assert started is not None
    assert QTest.qWaitForWindowExposed(started.stage)
    started.stage.activateWindow()
    qtbot.waitUntil(started.stage.isActiveWindow)
    yield started
    if opened.meeting is not None:
        opened.meeting.leave()


def test_the_meeting_stages_actions_step_takes_the_same_line(
    qtbot: QtBot, opened: MainWindow, meeting: MeetingMode
) -> None:
    QTest.keyClick(meeting.stage, Qt.Key.Key_5)
    QApplication.processEvents()
    assert meeting.step is Step.ACTIONS
    line = meeting.action_items.new_action
    line.clock = lambda: NOW
    QTest.keyClick(meeting.stage, Qt.Key.Key_Tab)  # Tab enters the page, at its first field
    qtbot.waitUntil(line.hasFocus)
    type_line(line, "Alert on checkout errors above 2% @Checkout team due 2026-03-15 P0")
    enter(line)
    added = stored(opened).actions[-1]
    assert (added.title, added.owner, added.due, added.priority) == (
        "Alert on checkout errors above 2%",
        "Checkout team",
        date(2026, 3, 15),
        Priority.P0,
    )


# Today is Thursday 2026-03-05 in Berlin (see NOW).
EVERY_FORM = [
    ("Fix it @Platform team", ("Fix it", "Platform team", None, None)),
    ("Fix it @dana", ("Fix it", "dana", None, None)),
    ("Fix it due 2026-04-10", ("Fix it", None, date(2026, 4, 10), None)),
    ("Fix it due +10d", ("Fix it", None, date(2026, 3, 15), None)),
    ("Fix it due +2w", ("Fix it", None, date(2026, 3, 19), None)),
    ("Fix it due fri", ("Fix it", None, date(2026, 3, 6), None)),
    ("Fix it due thursday", ("Fix it", None, date(2026, 3, 12), None)),
    ("Fix it due eom", ("Fix it", None, date(2026, 3, 31), None)),
    ("Fix it due today", ("Fix it", None, TODAY_IN_BERLIN, None)),
    ("Fix it due tomorrow", ("Fix it", None, date(2026, 3, 6), None)),
    ("Fix it P0", ("Fix it", None, None, Priority.P0)),
    ("Fix it p3", ("Fix it", None, None, Priority.P3)),
    (
        "Fix it P2 due fri @Checkout team",
        ("Fix it", "Checkout team", date(2026, 3, 6), Priority.P2),
    ),
    ("Send the email @ 5pm", ("Send the email @ 5pm", None, None, None)),
    ("Mail dana@example.com the notes", ("Mail dana@example.com the notes", None, None, None)),
    ("Split the P10 queue", ("Split the P10 queue", None, None, None)),
    ("Ask @dana about the P1 queue", ("Ask @dana about the P1 queue", None, None, None)),
    ("Review the due process", ("Review the due process", None, None, None)),
]


@pytest.mark.parametrize(("typed", "fields"), EVERY_FORM, ids=[typed for typed, _ in EVERY_FORM])
def test_every_form_of_the_line_through_the_keyboard(
    opened: MainWindow,
    board: ActionsSection,
    typed: str,
    fields: tuple[str, str | None, date | None, Priority | None],
) -> None:
    type_line(board.new_action, typed)
    popup = board.new_action.owner_popup
    if popup.isVisible():  # a name offered after "@": Escape keeps what was typed
        QTest.keyClick(popup, Qt.Key.Key_Escape)
        assert not popup.isVisible() and board.new_action.hasFocus()
    enter(board.new_action)
    added = stored(opened).actions[-1]
    assert (added.title, added.owner, added.due, added.priority) == fields


def test_alt_keys_store_the_line_in_progress_done_or_dropped_with_its_reason(
    opened: MainWindow, board: ActionsSection
) -> None:
    asked: list[str] = []
    answers: list[str | None] = [None, "Replaced by a3 and a4"]

    def answer(title: str, question: str) -> str | None:
        asked.append(question)
        return answers.pop(0)

    board.ask_text = answer
    alt = Qt.KeyboardModifier.AltModifier
    type_line(board.new_action, "Add a canary stage @Platform team P1")
    QTest.keyClick(board.new_action, Qt.Key.Key_2, alt)
    assert stored(opened).actions[-1].status is ActionStatus.IN_PROGRESS
    type_line(board.new_action, "Add an error-rate alert")
    QTest.keyClick(board.new_action, Qt.Key.Key_3, alt)
    assert stored(opened).actions[-1].status is ActionStatus.DONE

    count = len(stored(opened).actions)
    type_line(board.new_action, "Improve monitoring")
    QTest.keyClick(board.new_action, Qt.Key.Key_4, alt)  # the question cancelled: nothing
    assert len(stored(opened).actions) == count
    assert board.new_action.text() == "Improve monitoring"
    steps = opened.workspace.undo_stack.count()
    QTest.keyClick(board.new_action, Qt.Key.Key_4, alt)
    dropped = stored(opened).actions[-1]
    assert len(asked) == 2 and "Why is “Improve monitoring” dropped?" in asked[0]
    assert (dropped.title, dropped.status) == ("Improve monitoring", ActionStatus.DROPPED)
    (change,) = dropped.history
    assert (change.field, change.old, change.new, change.note) == (
        ActionField.STATUS,
        "open",
        "dropped",
        "Replaced by a3 and a4",
    )
    assert board.new_action.text() == ""
    assert opened.workspace.undo_stack.count() == steps + 1
