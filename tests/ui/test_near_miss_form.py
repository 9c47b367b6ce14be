"""Near-miss quick capture: three answers, one undoable step, a refusal, and a nudge about blame."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import EventKind, LessonKind, PostmortemKind
from pmdesk.services import postmortems
from pmdesk.services.changes import Changes
from pmdesk.storage import repository
from pmdesk.storage.library import Library
from pmdesk.ui.edits import Edits
from pmdesk.ui.near_miss_form import (
    EMPTY_WHAT_HAPPENED,
    NearMissForm,
    near_miss_summary,
    near_miss_title,
)
from pmdesk.ui.workspace import Workspace
from tests.ui.conftest import show_active

CAUGHT_AT = datetime(2025, 3, 15, 9, 30, tzinfo=UTC)
WHAT = "A config push for all regions skipped its canary stage. It was rolled back."
COULD = "Checkout down in every region at once."
CAUGHT = "The deploy bot's diff showed 14 regions instead of 1."


@pytest.fixture
def workspace(library: Library) -> Workspace:
    return Workspace(library)


def open_form(qtbot: QtBot, workspace: Workspace, **options: object) -> NearMissForm:
    form = NearMissForm(Edits(workspace), clock=lambda: CAUGHT_AT, **options)  # type: ignore[arg-type]
    qtbot.addWidget(form)
    # Shown, not run modally: Tab and Ctrl+Return need the form to be the active window.
    show_active(qtbot, form)
    return form


def stored(library: Library) -> list[str]:
    with library.connect() as conn:
        return [s.id for s in repository.list_summaries(conn)]


def type_answers(form: NearMissForm, *answers: str) -> None:
    """Type each answer into the focused field, Tab to the next."""
    form.what_happened.setFocus()
    for i, answer in enumerate(answers):
        focused = QApplication.focusWidget()
        assert focused is not None
        if i:
            QTest.keyClick(focused, Qt.Key.Key_Tab)
            focused = QApplication.focusWidget()
            assert focused is not None
        QTest.keyClicks(focused, answer)


def test_three_answers_and_ctrl_return_make_a_near_miss(
    qtbot: QtBot, workspace: Workspace, library: Library
) -> None:
    form = open_form(qtbot, workspace)
    heard: list[Changes] = []
    workspace.changed.connect(heard.append)

    type_answers(form, WHAT, COULD, CAUGHT)
    assert form.what_happened.toPlainText() == WHAT
    assert form.could_have_happened.toPlainText() == COULD
    assert form.caught_by.toPlainText() == CAUGHT
    assert form.title_preview.text() == (
        "Title: “A config push for all regions skipped its canary stage”"
    )
    with qtbot.waitSignal(form.saved) as saved:
        QTest.keyClick(form.caught_by, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    postmortem_id = saved.args[0] if saved.args else None
    assert postmortem_id == form.saved_id and postmortem_id is not None
    assert form.result() == QDialog.DialogCode.Accepted
    assert form.caught_by.toPlainText() == CAUGHT  # Ctrl+Return saved; it typed no new line
    postmortem = postmortems.get_postmortem(library, postmortem_id)
    assert postmortem.kind is PostmortemKind.NEAR_MISS
    assert postmortem.title == "A config push for all regions skipped its canary stage"
    assert postmortem.summary == (
        f"What happened: {WHAT}\n\nWhat could have happened: {COULD}\n\nWhat caught it: {CAUGHT}"
    )
    assert postmortem.impact_summary == COULD
    assert postmortem.timezone == "UTC"
    (event,) = postmortem.timeline
    assert (event.kind, event.text, event.at) == (EventKind.DETECTION, CAUGHT, CAUGHT_AT)
    assert event.at.utcoffset() == timedelta(0)
    (lesson,) = postmortem.lessons
    assert (lesson.kind, lesson.text) == (LessonKind.LUCKY, f"Caught by: {CAUGHT}")
    assert [c.added for c in heard] == [frozenset({postmortem_id})]


def test_saving_is_one_step_that_undo_removes_and_redo_brings_back(
    qtbot: QtBot, workspace: Workspace, library: Library
) -> None:
    form = open_form(qtbot, workspace)
    type_answers(form, WHAT, COULD, CAUGHT)

    postmortem_id = form.save()

    assert postmortem_id is not None and stored(library) == [postmortem_id]
    stack = workspace.undo_stack
    assert stack.count() == 1
    assert stack.undoText().startswith("New near miss")
    before = postmortems.get_postmortem(library, postmortem_id)

    stack.undo()
    assert stored(library) == []

    stack.redo()
    assert stored(library) == [postmortem_id]
    after = postmortems.get_postmortem(library, postmortem_id)
    assert after == before


def test_an_empty_what_happened_is_refused_with_a_message_and_nothing_saved(
    qtbot: QtBot, workspace: Workspace, library: Library
) -> None:
    form = open_form(qtbot, workspace)
    form.what_happened.setFocus()
    QTest.keyClicks(form.what_happened, "   ")
    form.could_have_happened.setPlainText(COULD)
    form.caught_by.setPlainText(CAUGHT)

    QTest.keyClick(form.caught_by, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.save() is None

    assert form.error.isVisible() and form.error.text() == EMPTY_WHAT_HAPPENED
    assert form.isVisible() and form.result() == QDialog.DialogCode.Rejected
    assert QApplication.focusWidget() is form.what_happened
    assert stored(library) == [] and workspace.undo_stack.count() == 0

    form.what_happened.setPlainText(" . ")
    assert form.save() is None and form.error.isVisible()

    form.what_happened.clear()
    QTest.keyClicks(form.what_happened, "Backup job wrote to the wrong bucket")
    assert not form.error.isVisible()
    assert form.save() is not None and len(stored(library)) == 1


def test_blame_is_flagged_but_does_not_block(
    qtbot: QtBot, workspace: Workspace, library: Library
) -> None:
    form = open_form(qtbot, workspace)
    type_answers(
        form,
        "The on-call engineer forgot to pause the canary before the failover drill.",
        "Writes fail in eu-west during the drill.",
        "The drill checklist asks for the canary state first.",
    )

    what, could, caught = form.blame.values()
    assert what.isVisible() and "forgot to pause" in what.text()
    assert "puts the failure on a person" in what.text()
    assert not could.isVisible() and not caught.isVisible()

    form.could_have_happened.setPlainText("Human error would have taken eu-west down.")
    assert could.isVisible() and "Human error" in could.text()

    assert form.save() is not None and len(stored(library)) == 1


def test_the_time_zone_given_is_the_postmortems(
    qtbot: QtBot, workspace: Workspace, library: Library
) -> None:
    berlin = datetime(2025, 3, 15, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    form = NearMissForm(Edits(workspace), timezone="Europe/Berlin", clock=lambda: berlin)
    qtbot.addWidget(form)
    form.what_happened.setPlainText(WHAT)
    form.caught_by.setPlainText(CAUGHT)

    postmortem_id = form.save()

    assert postmortem_id is not None
    postmortem = postmortems.get_postmortem(library, postmortem_id)
    assert postmortem.timezone == "Europe/Berlin"
    assert postmortem.timeline[0].at == berlin
    assert postmortem.timeline[0].at.utcoffset() == timedelta(hours=1)


def test_the_clock_defaults_to_now_in_the_zone(
    qtbot: QtBot, workspace: Workspace, library: Library
) -> None:
    form = NearMissForm(Edits(workspace), timezone="Asia/Kolkata")
    qtbot.addWidget(form)
    form.what_happened.setPlainText(WHAT)
    form.caught_by.setPlainText(CAUGHT)
    before = datetime.now(UTC).replace(microsecond=0)

    postmortem_id = form.save()

    assert postmortem_id is not None
    (event,) = postmortems.get_postmortem(library, postmortem_id).timeline
    assert event.at.utcoffset() == timedelta(hours=5, minutes=30)
    assert before <= event.at <= datetime.now(UTC)


def test_only_what_happened_makes_a_near_miss_with_no_event_or_lesson(
    qtbot: QtBot, workspace: Workspace, library: Library
) -> None:
    form = open_form(qtbot, workspace)
    form.what_happened.setPlainText("Disk on db-3 reached 95%.\nCleanup ran in time.")

    postmortem_id = form.save()

    assert postmortem_id is not None
    postmortem = postmortems.get_postmortem(library, postmortem_id)
    assert postmortem.title == "Disk on db-3 reached 95%"
    assert postmortem.summary == "What happened: Disk on db-3 reached 95%.\nCleanup ran in time."
    assert postmortem.impact_summary == ""
    assert postmortem.timeline == [] and postmortem.lessons == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Config push skipped the canary. Rolled back.", "Config push skipped the canary"),
        ("  Was the v2.3 rollout paused? Yes.", "Was the v2.3 rollout paused?"),
        ("Cert nearly expired\nRenewed by hand", "Cert nearly expired"),
        ("Wait... the backup ran twice", "Wait..."),
        ("", ""),
        (" \n ", ""),
        (
            "The nightly export job wrote customer records into the shared staging bucket "
            "instead of the private one for three nights",
            "The nightly export job wrote customer records into the shared staging bucket…",
        ),
        ("x" * 100, "x" * 79 + "…"),
    ],
)
def test_the_title_is_the_first_sentence_up_to_80_characters(text: str, title: str) -> None:
    assert near_miss_title(text) == title
    assert len(near_miss_title(text)) <= 80


def test_the_summary_leaves_out_blank_answers() -> None:
    assert near_miss_summary(" a ", "", "c") == "What happened: a\n\nWhat caught it: c"
