"""The editor gets the room: at a laptop's size and a projector's zoom the cause tree has half the
Causes tab and the editor most of the window; the library list and the readiness panel collapse
to strips (by their keys, and by themselves when the window is too narrow for them), and the
readiness panel lists each finding in a compact row that still leads to what it is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain import readiness
from pmdesk.domain.readiness import Finding
from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.readiness_panel import FINDING_ROLE, WHERE_ROLE
from pmdesk.ui.settings import UiSettings
from pmdesk.ui.themes import BASE_POINT_SIZE
from tests.ui.conftest import close_and_delete, show_active

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ZOOM_IN_PRESSES = {1.0: 0, 1.5: 3, 2.0: 5}  # 115, 130, 150, 175, 200%


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = CTRL) -> None:
    """A key, pressed where the keyboard is."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "nothing has the keyboard"
    QTest.keyClick(target, key, modifiers)


def size_window(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size() == QSize(width, height))


def zoom_to(window: MainWindow, zoom: float) -> None:
    """Ctrl+= as many times as it takes, from 100%."""
    for _ in range(ZOOM_IN_PRESSES[zoom]):
        QTest.keyClick(window, Qt.Key.Key_Equal, CTRL)
    assert QApplication.font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * zoom)


def settle(qtbot: QtBot) -> None:
    """Let the layouts take the new size (and a window manager's resize arrive)."""
    qtbot.wait(50)


def library_shown(window: MainWindow) -> bool:
    return window.library_panel.isVisible() and not window.library_panel.strip.isVisible()


def readiness_shown(window: MainWindow) -> bool:
    return window.readiness.isVisible() and not window.readiness.strip.isVisible()


@pytest.mark.parametrize(
    ("width", "height", "zoom"),
    [(1366, 768, 1.0), (1280, 720, 1.5), (1920, 1080, 2.0)],
    ids=["1366x768-100", "1280x720-150", "1920x1080-200"],
)
def test_the_cause_tree_has_half_the_causes_tab_and_the_editor_most_of_the_window(
    qtbot: QtBot, opened: MainWindow, width: int, height: int, zoom: float
) -> None:
    size_window(qtbot, opened, width, height)
    zoom_to(opened, zoom)
    press(Qt.Key.Key_4)  # the Causes tab
    settle(qtbot)
    assert opened.size() == QSize(width, height)
    causes = opened.editor.causes
    assert opened.editor.current_view() is View.CAUSES
    assert causes.tree.width() >= causes.width() / 2, (causes.tree.width(), causes.width())
    assert causes.detail.width() < causes.tree.width()
    assert opened.editor.width() >= 0.6 * opened.width(), (opened.editor.width(), width)
    # What collapsed is there to bring back, the readiness strip with its count.
    assert opened.readiness.strip.isVisible()
    assert opened.readiness.strip.summary != "no postmortem open"


def test_the_splitters_keep_their_shares_as_the_window_grows_and_after_a_drag(
    qtbot: QtBot, opened: MainWindow
) -> None:
    size_window(qtbot, opened, 1400, 900)
    press(Qt.Key.Key_4)
    settle(qtbot)
    splitter = opened.editor.causes.splitter
    tree, pane = splitter.sizes()
    assert tree >= pane
    size_window(qtbot, opened, 1900, 1000)
    settle(qtbot)
    wider_tree, wider_pane = splitter.sizes()
    assert wider_tree > tree  # not all of the new room to one side
    assert wider_tree >= wider_pane
    # Dragged, the handle's new place is kept as a share when the window changes again.
    handle = splitter.handle(1)
    start = handle.rect().center()
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(handle, start - type(start)(200, 0))
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=start - type(start)(200, 0))
    settle(qtbot)
    dragged = splitter.sizes()
    assert dragged[0] < wider_tree - 100
    share = dragged[0] / sum(dragged)
    size_window(qtbot, opened, 1500, 1000)
    settle(qtbot)
    after = splitter.sizes()
    assert after[0] / sum(after) == pytest.approx(share, abs=0.02)


def test_each_key_collapses_its_panel_to_a_strip_and_brings_it_back(
    qtbot: QtBot, opened: MainWindow
) -> None:
    size_window(qtbot, opened, 1920, 1080)
    settle(qtbot)
    assert library_shown(opened) and readiness_shown(opened)
    editor = opened.editor.width()

    press(Qt.Key.Key_B)  # Ctrl+B: the library list
    settle(qtbot)
    assert not opened.library_panel.isVisible() and opened.library_panel.strip.isVisible()
    assert not opened.command("view.library_list").isChecked()
    assert opened.editor.width() > editor
    press(Qt.Key.Key_B)
    settle(qtbot)
    assert library_shown(opened) and opened.command("view.library_list").isChecked()

    press(Qt.Key.Key_B, CTRL | SHIFT)  # Ctrl+Shift+B: readiness
    settle(qtbot)
    assert not opened.readiness_dock.isVisible() and not opened.similar_dock.isVisible()
    strip = opened.readiness.strip
    assert strip.isVisible() and strip.width() < 60
    findings = opened.readiness.findings
    errors = sum(f.severity is readiness.ERROR for f in findings)
    counts = [count for _icon, count in strip.badges]
    assert counts == ([str(errors)] if errors else []) + (
        [str(len(findings) - errors)] if len(findings) > errors else []
    ) or (counts == ["✓"] and not findings)
    assert opened.editor.width() > editor
    press(Qt.Key.Key_B, CTRL | SHIFT)
    settle(qtbot)
    assert readiness_shown(opened) and opened.similar_dock.isVisibleTo(opened)
    assert opened.command("view.readiness").isChecked()


def test_the_readiness_strip_counts_the_findings_as_they_change(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    size_window(qtbot, opened, 1280, 800)  # too narrow for readiness at 100%
    settle(qtbot)
    strip = opened.readiness.strip
    assert strip.isVisible() and not opened.readiness_dock.isVisible()
    before = [count for _icon, count in strip.badges]
    stored = postmortems.get_postmortem(library, example_id)
    a1 = next(a for a in stored.actions if a.ref == "a1")
    assert opened.edits.change_action(example_id, a1, replace(a1, owner=None), "No owner")
    expected = readiness.check(postmortems.get_postmortem(library, example_id), date.today())
    errors = sum(f.severity is readiness.ERROR for f in expected)
    assert errors == 1
    after = [count for _icon, count in strip.badges]
    assert after[0] == "1" and after != before
    assert strip.summary.startswith("1 to fix")
    # Its name and counts are drawn on it.
    image = strip.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(60)}
    assert len(colours) > 3


def test_panels_collapse_by_themselves_when_the_window_is_too_narrow_for_them(
    qtbot: QtBot, opened: MainWindow
) -> None:
    size_window(qtbot, opened, 1920, 1080)
    settle(qtbot)
    assert library_shown(opened) and readiness_shown(opened)
    size_window(qtbot, opened, 1366, 768)
    settle(qtbot)
    assert library_shown(opened) and not readiness_shown(opened)
    size_window(qtbot, opened, 1000, 700)
    settle(qtbot)
    assert not library_shown(opened) and not readiness_shown(opened)
    size_window(qtbot, opened, 1920, 1080)
    settle(qtbot)
    assert library_shown(opened) and readiness_shown(opened)
    # At 150% the same window is too narrow for readiness (2,100), not for the list (1,650).
    zoom_to(opened, 1.5)
    settle(qtbot)
    assert library_shown(opened) and not readiness_shown(opened)


def test_a_panel_brought_back_in_a_narrow_window_stays_until_the_window_was_wide(
    qtbot: QtBot, opened: MainWindow
) -> None:
    size_window(qtbot, opened, 1366, 768)
    settle(qtbot)
    assert not readiness_shown(opened)
    press(Qt.Key.Key_B, CTRL | SHIFT)
    settle(qtbot)
    assert readiness_shown(opened)
    size_window(qtbot, opened, 1300, 768)
    settle(qtbot)
    assert readiness_shown(opened)  # the user asked for it here
    size_window(qtbot, opened, 1600, 900)
    settle(qtbot)
    size_window(qtbot, opened, 1300, 768)
    settle(qtbot)
    assert not readiness_shown(opened)  # wide, then narrow again: it goes by itself again


def test_a_panel_the_user_collapsed_stays_collapsed_after_a_restart(
    qtbot: QtBot, library: Library, ui_settings: UiSettings
) -> None:
    def start() -> MainWindow:
        window = MainWindow(library, ui_settings)
        window.resize(1920, 1080)
        show_active(qtbot, window)
        settle(qtbot)
        return window

    first = start()
    assert library_shown(first) and readiness_shown(first)
    press(Qt.Key.Key_B)
    press(Qt.Key.Key_B, CTRL | SHIFT)
    close_and_delete(first)
    second = start()
    assert not library_shown(second) and not readiness_shown(second)
    # Brought back from its strip with a click, it is back after the next restart too.
    QTest.mouseClick(second.readiness.strip, Qt.MouseButton.LeftButton)
    QTest.mouseClick(second.library_panel.strip, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert library_shown(second) and readiness_shown(second)
    close_and_delete(second)
    third = start()
    assert library_shown(third) and readiness_shown(third)
    assert third.similar_dock.isVisibleTo(third)
    close_and_delete(third)


def test_the_keyboard_leaves_a_panel_that_collapses_for_the_editor(
    qtbot: QtBot, opened: MainWindow
) -> None:
    size_window(qtbot, opened, 1920, 1080)
    settle(qtbot)
    opened.library_panel.filter_edit.setFocus()
    qtbot.waitUntil(opened.library_panel.filter_edit.hasFocus)
    press(Qt.Key.Key_B)
    focus = QApplication.focusWidget()
    assert focus is not None and opened.editor.isAncestorOf(focus)
    # Ctrl+F brings the list back: finding a postmortem needs it.
    press(Qt.Key.Key_F)
    assert library_shown(opened) and opened.library_panel.filter_edit.hasFocus()


def rows(window: MainWindow) -> list[tuple[Finding, tuple[str, str], int]]:
    view = window.readiness.list
    return [
        (
            view.item(row).data(FINDING_ROLE),
            view.item(row).data(WHERE_ROLE),
            view.visualItemRect(view.item(row)).height(),
        )
        for row in range(view.count())
    ]


def test_a_compact_finding_says_what_where_and_a_line_of_advice_and_leads_to_it(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    size_window(qtbot, opened, 1400, 900)  # readiness just fits, as narrow as it gets shown
    settle(qtbot)
    assert readiness_shown(opened)
    stored = postmortems.get_postmortem(library, example_id)
    a2 = next(a for a in stored.actions if a.ref == "a2")
    assert opened.edits.change_action(example_id, a2, replace(a2, owner=None), "No owner")
    settle(qtbot)
    shown = rows(opened)
    (finding, place, _height) = next(r for r in shown if r[0].rule == "action-no-owner")
    assert finding.what == a2.title and place == ("Actions", "a2")
    assert finding.advice == "No owner: name the team or person"
    line = opened.readiness.list.fontMetrics().height()
    for _finding, _place, height in shown:
        assert height <= 3 * line + 16  # what and where on one line, the advice under it
    assert not opened.readiness.advice.isVisible()

    view = opened.readiness.list
    item = view.item([r[0].rule for r in shown].index("action-no-owner"))
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(item).center()
    )
    # The whole advice shows for the finding selected; the editor goes to the action.
    advice = opened.readiness.advice
    assert advice.isVisible() and "Name the team or person who will do it" in advice.text()
    assert opened.editor.current_view() is View.ACTIONS
    assert opened.editor.action_items.board.current_action_id() == a2.id

    # From the keyboard: select with the arrows, Enter goes.
    press(Qt.Key.Key_4)
    view.setFocus()
    view.setCurrentRow(0)
    first = rows(opened)[0][0]
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert opened.editor.current_view() is View.ACTIONS
    assert opened.editor.action_items.board.current_action_id() == first.target_id


def test_the_selected_finding_stays_selected_when_the_postmortem_changes(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    size_window(qtbot, opened, 1920, 1080)
    settle(qtbot)
    stored = postmortems.get_postmortem(library, example_id)
    a2 = next(a for a in stored.actions if a.ref == "a2")
    assert opened.edits.change_action(example_id, a2, replace(a2, owner=None), "No owner")
    view = opened.readiness.list
    row = [r[0].rule for r in rows(opened)].index("action-no-owner")
    view.setCurrentRow(row)
    stored = postmortems.get_postmortem(library, example_id)
    a3 = next(a for a in stored.actions if a.ref == "a3")
    assert opened.edits.change_action(example_id, a3, replace(a3, notes="Shipped"), "Note")
    current = view.currentItem()
    assert current is not None and current.data(FINDING_ROLE).rule == "action-no-owner"
    assert opened.readiness.advice.isVisible()


def test_every_strip_and_button_says_its_key(opened: MainWindow) -> None:
    widgets: list[QWidget] = [
        opened.library_panel.strip,
        opened.library_panel.collapse_button,
        opened.readiness.strip,
        opened.readiness.collapse_button,
    ]
    tips = [w.toolTip() for w in widgets]
    assert tips[0].endswith("(Ctrl+B)") and tips[1].endswith("(Ctrl+B)")
    assert tips[2].endswith("(Ctrl+Shift+B)") and tips[3].endswith("(Ctrl+Shift+B)")
