"""A systemic cause's themes in the cause pane: the suggestion with the words that led to it,
accepted with one key, taken off by the keyboard, picked from the library's vocabulary, each one
undo step and stored at once; and the same on the meeting's stage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.meeting import Step
from pmdesk.domain.model import Cause
from pmdesk.services import postmortems
from pmdesk.ui.causes.section import CausesSection
from pmdesk.ui.causes.tree import CauseTreeView
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.meeting.mode import MeetingMode
from pmdesk.ui.themes import COLOURS, Theme
from tests.ui.conftest import show_active

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
SHOTS = Path("/tmp/pmdesk-theme-shots")


def press(
    widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QTest.keyClick(widget, key, modifier)
    QApplication.processEvents()


def stored(window: MainWindow, ref: str) -> Cause:
    """The cause as the library holds it, read back from the file."""
    assert window.editor.postmortem is not None
    postmortem = postmortems.get_postmortem(window.library, window.editor.postmortem.id)
    return next(c for c in postmortem.causes if c.ref == ref)


def arrow_to(tree: CauseTreeView, target: str) -> None:
    """Home, then Down a key at a time, until the cause `target` is selected."""
    press(tree, Qt.Key.Key_Home)
    for _ in range(30):
        if tree.current_id() == target:
            return
        press(tree, Qt.Key.Key_Down)
    raise AssertionError(f"{target} not reached by Down")


def causes_tab(window: MainWindow, ref: str) -> CausesSection:
    press(window, Qt.Key.Key_4, CTRL)
    causes = window.editor.causes
    assert causes.tree.hasFocus()
    arrow_to(causes.tree, stored(window, ref).id)
    return causes


def test_a_suggested_theme_is_accepted_with_one_key_and_undone_with_ctrl_z(
    qtbot: QtBot, opened: MainWindow
) -> None:
    causes = causes_tab(opened, "c5")  # "Config pushes have no canary stage and no … rollback"
    row = causes.detail.themes
    assert row.isVisibleTo(causes.detail)
    assert [chip.theme for chip in row.suggested] == ["Change management"]
    reason = row.reasons[0].text()
    assert "“no canary”" in reason and "Ctrl+Shift+T" in reason
    assert row.chips == []

    press(causes.tree, Qt.Key.Key_T, CTRL_SHIFT)
    assert stored(opened, "c5").themes == ["Change management"]
    assert [chip.theme for chip in row.chips] == ["Change management"]
    assert row.suggested == []  # accepted: no longer offered
    assert causes.tree.hasFocus()

    press(causes.tree, Qt.Key.Key_Z, CTRL)
    assert stored(opened, "c5").themes == []
    assert row.chips == [] and [chip.theme for chip in row.suggested] == ["Change management"]


# The list is a popup: it asks to be raised and to grab the keyboard, which the offscreen
# platform cannot.
@pytest.mark.qt_log_ignore(
    ".*does not support raise.*", ".*does not support grabbing the keyboard.*"
)
def test_a_theme_is_added_from_the_vocabulary_and_taken_off_by_the_keyboard(
    qtbot: QtBot, opened: MainWindow
) -> None:
    causes = causes_tab(opened, "c7")  # the slow checkout alert
    row = causes.detail.themes
    assert [chip.theme for chip in row.suggested] == ["Detection and alerting"]
    names = [row.add.itemText(i) for i in range(1, row.add.count())]
    assert "Knowledge and runbooks" in names and len(names) == 7

    row.add.setFocus()
    press(row.add, Qt.Key.Key_Down)  # opens the list; passing a theme gives it to no one
    assert stored(opened, "c7").themes == []
    popup = row.add.view()
    qtbot.waitUntil(popup.isVisible)
    for _ in range(names.index("Knowledge and runbooks") + 1):
        press(popup, Qt.Key.Key_Down)
    press(popup, Qt.Key.Key_Return)
    assert stored(opened, "c7").themes == ["Knowledge and runbooks"]
    press(causes.tree, Qt.Key.Key_T, CTRL_SHIFT)
    assert stored(opened, "c7").themes == ["Knowledge and runbooks", "Detection and alerting"]
    assert "Knowledge and runbooks" not in [row.add.itemText(i) for i in range(row.add.count())]

    # Tab to the first chip, Delete: that theme goes; the keyboard stays on the next chip.
    row.chips[0].setFocus()
    press(row.chips[0], Qt.Key.Key_Delete)
    assert stored(opened, "c7").themes == ["Detection and alerting"]
    assert [chip.theme for chip in row.chips] == ["Detection and alerting"]
    assert row.chips[0].hasFocus()
    press(row.chips[0], Qt.Key.Key_Z, CTRL)
    assert stored(opened, "c7").themes == ["Knowledge and runbooks", "Detection and alerting"]


def test_a_cause_not_marked_systemic_shows_no_themes_and_keeps_them(
    qtbot: QtBot, opened: MainWindow
) -> None:
    causes = causes_tab(opened, "c5")
    press(causes.tree, Qt.Key.Key_T, CTRL_SHIFT)
    press(causes.tree, Qt.Key.Key_M, CTRL)  # no longer systemic
    assert not causes.detail.themes.isVisibleTo(causes.detail)
    assert stored(opened, "c5").themes == ["Change management"]
    press(causes.tree, Qt.Key.Key_T, CTRL_SHIFT)  # nothing to accept on it
    assert stored(opened, "c5").themes == ["Change management"]
    press(causes.tree, Qt.Key.Key_Up)  # c4, never systemic
    assert not causes.detail.themes.isVisibleTo(causes.detail)


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK])
def test_the_row_is_drawn_in_the_themes_colours(
    qtbot: QtBot, opened: MainWindow, theme: Theme
) -> None:
    opened.set_theme(theme)
    causes = causes_tab(opened, "c7")
    SHOTS.mkdir(exist_ok=True)
    causes.detail.grab().save(str(SHOTS / f"suggested-{theme.value}.png"))
    arrow_to(causes.tree, stored(opened, "c5").id)
    press(causes.tree, Qt.Key.Key_T, CTRL_SHIFT)
    row = causes.detail.themes
    colours = COLOURS[theme]
    chip = row.chips[0].grab().toImage()
    assert chip.pixelColor(chip.width() // 2, chip.height() - 1 - 3) == QColor(colours.base)
    causes.detail.grab().save(str(SHOTS / f"pane-{theme.value}.png"))
    opened.set_zoom(2.0)
    causes.tree.setFocus()
    press(causes.tree, Qt.Key.Key_Up)
    press(causes.tree, Qt.Key.Key_Down)
    causes.detail.scroller.ensureWidgetVisible(row)
    causes.detail.grab().save(str(SHOTS / f"pane-{theme.value}-zoom.png"))
    assert row.chips[0].width() >= row.chips[0].sizeHint().width()  # the whole name
    arrow_to(causes.tree, stored(opened, "c7").id)
    qtbot.waitUntil(
        lambda: all(label.height() >= label.heightForWidth(label.width()) for label in row.reasons)
    )
    causes.detail.scroller.ensureWidgetVisible(row)
    causes.detail.grab().save(str(SHOTS / f"suggested-{theme.value}-zoom.png"))


@pytest.fixture
def presenting(qtbot: QtBot, opened: MainWindow) -> Iterator[MeetingMode]:
    press(opened, Qt.Key.Key_F5)
    mode = opened.meeting
    assert mode is not None
    show_active(qtbot, mode.stage)
    yield mode
    if opened.meeting is not None:
        opened.meeting.leave()


def test_the_facilitator_accepts_a_theme_on_the_stage(
    qtbot: QtBot, opened: MainWindow, presenting: MeetingMode
) -> None:
    stage = presenting.stage
    press(stage, Qt.Key.Key_4)
    assert presenting.step is Step.FIVE_WHYS
    press(stage, Qt.Key.Key_Tab)
    tree = presenting.causes.tree
    assert tree.hasFocus()
    arrow_to(tree, stored(opened, "c3").id)
    row = presenting.causes.detail.themes
    assert [chip.theme for chip in row.suggested] == ["Validation and testing"]
    press(tree, Qt.Key.Key_T, CTRL_SHIFT)
    assert stored(opened, "c3").themes == ["Validation and testing"]
    assert [chip.theme for chip in row.chips] == ["Validation and testing"]
    SHOTS.mkdir(exist_ok=True)
    stage.grab().save(str(SHOTS / "stage.png"))
    press(tree, Qt.Key.Key_Z, CTRL)
    assert stored(opened, "c3").themes == []
