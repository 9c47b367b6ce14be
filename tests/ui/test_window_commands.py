"""Every command of the window's table, reached as a user reaches it: by its keys, pressed where
the keyboard is, and by its menu entry, picked from the open menu. Each must do its job.

Calling the method behind a command proves nothing about the command: F5 once crashed from the
key and the menu (the action's `triggered(bool)` arriving as a window size) while every test that
called `start_meeting()` passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import PostmortemKind
from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui import window_actions
from pmdesk.ui.editor import View
from pmdesk.ui.help import AboutDialog, ShortcutSheet, keys_text
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.themes import Theme
from pmdesk.ui.window_actions import Command
from tests.conftest import REPO


@dataclass
class Seen:
    """What a command left behind: the titles of the modal dialogs it opened (each cancelled)."""

    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def seen() -> Iterator[Seen]:
    """Cancel every modal dialog as it opens, noting its title, as a user pressing Escape."""
    found = Seen()

    def cancel_modal() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog) and modal.isVisible():
            found.dialogs.append(modal.windowTitle())
            modal.reject()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(cancel_modal)
    timer.start()
    yield found
    timer.stop()


def titles(window: MainWindow) -> list[str]:
    return [s.title for s in postmortems.list_postmortems(window.library)]


def visible(kind: type[QWidget]) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def close_all(kind: type[QWidget]) -> None:
    for widget in visible(kind):
        widget.close()


Check = Callable[[MainWindow, Seen, Library], Callable[[], None]]


def opens_dialog(title: str) -> Check:
    def before(window: MainWindow, seen: Seen, _library: Library) -> Callable[[], None]:
        def after() -> None:
            assert title in seen.dialogs, seen.dialogs

        return after

    return before


def adds_a_postmortem(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
    count = len(titles(window))

    def after() -> None:
        assert len(titles(window)) == count + 1

    return after


def undoes(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
    window.edits.create_postmortem(PostmortemKind.INCIDENT)
    count = len(titles(window))

    def after() -> None:
        assert len(titles(window)) == count - 1

    return after


def redoes(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
    window.edits.create_postmortem(PostmortemKind.INCIDENT)
    window.undo_group.undo()
    count = len(titles(window))

    def after() -> None:
        assert len(titles(window)) == count + 1

    return after


def asks_before_deleting(window: MainWindow, seen: Seen, _library: Library) -> Callable[[], None]:
    count = len(titles(window))

    def after() -> None:
        assert seen.dialogs, "no question was asked"
        assert len(titles(window)) == count  # cancelled: nothing deleted

    return after


def focuses_search(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
    def after() -> None:
        assert window.library_panel.filter_edit.hasFocus()

    return after


def zooms(direction: int) -> Check:
    def before(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
        window.set_zoom(1.0 if direction else 1.25)
        start = window.settings.zoom

        def after() -> None:
            now = window.settings.zoom
            if direction > 0:
                assert now > start
            elif direction < 0:
                assert now < start
            else:
                assert now == 1.0
            window.set_zoom(1.0)

        return after

    return before


def toggles_full_screen(window: MainWindow, _s: Seen, _l: Library) -> Callable[[], None]:
    was = window.isFullScreen()

    def after() -> None:
        assert window.isFullScreen() != was
        window.toggle_full_screen()  # back, for the next command

    return after


def toggles_dock(attribute: str) -> Check:
    def before(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
        dock = getattr(window, attribute)
        was = dock.isVisibleTo(window)

        def after() -> None:
            assert dock.isVisibleTo(window) != was
            dock.setVisible(was)

        return after

    return before


def toggles_panel(panel: str) -> Check:
    """The side panel collapses to its strip, or comes back from it."""

    def before(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
        was = window.panel_collapsed(panel)
        side = window.library_panel if panel == "library" else window.readiness

        def after() -> None:
            assert window.panel_collapsed(panel) != was
            assert side.strip.isVisible() != was
            window.toggle_panel(panel)  # back, for the next command

        return after

    return before


def shows(page: str) -> Check:
    def before(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
        def after() -> None:
            assert window.center.currentWidget() is getattr(window, page)

        return after

    return before


def starts_meeting(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
    def after() -> None:
        assert window.meeting is not None
        window.meeting.leave()
        assert window.meeting is None

    return after


def shows_window(kind: type[QWidget]) -> Check:
    def before(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
        def after() -> None:
            assert visible(kind)
            close_all(kind)

        return after

    return before


def quits(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
    def after() -> None:
        assert not window.isVisible()
        window.show()

    return after


def shows_section(view: View) -> Check:
    def before(window: MainWindow, _seen: Seen, _library: Library) -> Callable[[], None]:
        def after() -> None:
            assert window.center.currentWidget() is window.editor
            assert window.editor.current_view() is view
            assert window.editor.entry(view).hasFocus(), QApplication.focusWidget()

        return after

    return before


# What each command of the table does, checked before and after it runs.
DOES: dict[str, Check] = {
    "file.new_incident": adds_a_postmortem,
    "file.new_near_miss": opens_dialog("New near miss"),
    "file.open_library": opens_dialog("Open library"),
    "file.new_library": opens_dialog("New library"),
    "file.open_team_library": opens_dialog("Open team library"),
    "file.import": opens_dialog("Import postmortems"),
    "file.export": opens_dialog("Export postmortem"),
    "file.export_report": opens_dialog("Export report"),
    "file.export_report_stakeholders": opens_dialog("Export report"),
    "file.export_learning_review": opens_dialog("Export learning review"),
    "file.add_evidence": opens_dialog("Add evidence to the timeline"),
    "file.add_evidence_folder": opens_dialog("Choose a Slack export folder"),
    "file.quit": quits,
    "edit.undo": undoes,
    "edit.redo": redoes,
    "edit.delete_postmortem": asks_before_deleting,
    "edit.find": focuses_search,
    "edit.library_themes": opens_dialog("Library themes"),
    **{f"view.{view.value}": shows_section(view) for view in View},
    "view.zoom_in": zooms(1),
    "view.zoom_out": zooms(-1),
    "view.actual_size": zooms(0),
    "view.full_screen": toggles_full_screen,
    "view.library_list": toggles_panel("library"),
    "view.readiness": toggles_panel("readiness"),
    "view.similar": toggles_dock("similar_dock"),
    "view.follow_up": shows("followup"),
    "view.library_overview": shows("overview_page"),
    "view.patterns": shows("patterns_page"),
    "view.meeting_mode": starts_meeting,
    "help.shortcuts": shows_window(ShortcutSheet),
    "help.about": shows_window(AboutDialog),
}


def test_every_command_of_the_table_is_checked() -> None:
    assert sorted(DOES) == sorted(c.name for c in window_actions.commands())


def reopen(qtbot: QtBot, window: MainWindow, postmortem_id: str, view: View) -> None:
    """Back to the postmortem and section, as a user would have it before pressing a key."""
    if window.meeting is not None:
        window.meeting.leave()
    window.open_postmortem(postmortem_id)
    window.editor.show_view(view)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def press(keys: QKeySequence) -> None:
    """The keys, pressed where the keyboard is (the focused widget, else the active window)."""
    combination = keys[0]  # type: ignore[index]  # the stubs lack QKeySequence.__getitem__
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "nothing has the keyboard"
    QTest.keyClick(target, combination.key(), combination.keyboardModifiers())


def where_one_types(widget: QWidget) -> QWidget:
    """Where a user of this section most likely has the keyboard: its first visible text field,
    or in a section without one (the cause tree), its first list or tree."""
    shown = [w for w in widget.findChildren(QWidget) if w.isVisible()]
    fields = [w for w in shown if isinstance(w, QLineEdit | QTextEdit | QPlainTextEdit)]
    views = [w for w in shown if isinstance(w, QAbstractItemView)]
    assert fields or views, f"nowhere to type in {widget}"
    return (fields or views)[0]


def choose_from_menu(window: MainWindow, command: Command) -> None:
    """Open the command's menu and pick its entry with Return, as from the keyboard."""
    action = window.command(command.name)
    menu = next(
        a.menu()
        for a in window.menuBar().actions()
        if a.text() == window_actions.MENUS[command.menu]
    )
    assert isinstance(menu, QMenu)
    menu.popup(window.mapToGlobal(window.rect().topLeft()))
    QTest.qWaitForWindowExposed(menu)
    menu.setActiveAction(action)
    QTest.keyClick(menu, Qt.Key.Key_Return)


def run_and_check(
    qtbot: QtBot,
    window: MainWindow,
    seen: Seen,
    library: Library,
    name: str,
    how: Callable[[], None],
) -> None:
    seen.dialogs.clear()
    after = DOES[name](window, seen, library)
    how()
    qtbot.wait(120)  # let a dialog open and be cancelled, a view change, a timer fire
    after()


SECTIONS = list(View)
KEYED = [c for c in window_actions.commands() if c.keys and c.name != "file.quit"]
# Where the keyboard may be when a key is pressed: in a text field of each section (fields keep
# many keys to themselves), or in the library's search box, where it is after start-up.
PLACES = [*(v.value for v in SECTIONS), "search box"]


@pytest.mark.parametrize("place", PLACES)
def test_every_key_does_its_job_wherever_the_keyboard_is(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str, seen: Seen, place: str
) -> None:
    view = View(place) if place in View.__members__.values() else View.TIMELINE
    for command in KEYED:
        reopen(qtbot, opened, example_id, view)
        if place == "search box":
            field: QWidget = opened.library_panel.filter_edit
        else:
            field = where_one_types(opened.editor)
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        keys = window_actions.key_sequences(command)[0]
        run_and_check(qtbot, opened, seen, library, command.name, partial(press, keys))


# An open menu asks to be raised and to grab the keyboard, which the offscreen platform cannot.
@pytest.mark.qt_log_ignore(
    ".*does not support raise.*", ".*does not support grabbing the keyboard.*"
)
def test_every_menu_entry_does_its_job(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str, seen: Seen
) -> None:
    for command in window_actions.commands():
        reopen(qtbot, opened, example_id, View.TIMELINE)
        run_and_check(
            qtbot,
            opened,
            seen,
            library,
            command.name,
            partial(choose_from_menu, opened, command),
        )


def test_quit_from_its_key(qtbot: QtBot, opened: MainWindow, library: Library, seen: Seen) -> None:
    opened.activateWindow()
    keys = window_actions.key_sequences(
        next(c for c in window_actions.commands() if c.name == "file.quit")
    )
    run_and_check(qtbot, opened, seen, library, "file.quit", lambda: press(keys[0]))


def test_a_theme_is_chosen_from_its_submenu(opened: MainWindow) -> None:
    opened.theme_actions[Theme.DARK].trigger()
    assert opened.settings.theme is Theme.DARK
    opened.theme_actions[Theme.LIGHT].trigger()


def test_the_readme_lists_every_command_with_its_keys() -> None:
    """The README's table of menu commands is the action table, row for row."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("| menu | command | keys |")
    rows = []
    for line in readme[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        menu, command, keys = (cell.strip() for cell in line.strip("|").split("|"))
        rows.append((menu, command, keys))
    expected = [
        (c.menu, c.text.replace("&", ""), keys_text(c) if c.keys else "")
        for c in window_actions.commands()
    ]
    assert rows == expected
