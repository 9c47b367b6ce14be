"""Every command of the main window, declared once: its menu, words, keys and what it does.

The menus are built from `COMMANDS`, Help ▸ Keyboard shortcuts lists it, and the tests press each
command's keys and pick each menu entry from it. A handler takes the window and nothing else: the
QAction's `triggered(bool checked)` is dropped before the handler runs, so no signal argument can
land in a handler's parameter (F5 once crashed that way, the flag arriving as a window size).

Two event filters keep the keys with the window: `CommandKeys` takes the window's keys back from
text fields that would keep them, and `KeyboardBack` gives the window the keyboard again when a
dialog over it closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from pmdesk.domain.kinds import PostmortemKind
from pmdesk.report.audience import Audience
from pmdesk.ui.themes import Theme
from pmdesk.ui.views import View

if TYPE_CHECKING:
    from pmdesk.ui.main_window import MainWindow


# The menus, in the menu bar's order, with their mnemonics.
MENUS = {"File": "&File", "Edit": "&Edit", "View": "&View", "Help": "&Help"}


@dataclass(frozen=True, slots=True)
class Command:
    """One entry of a menu that does something when chosen or when its keys are pressed."""

    name: str  # how tests and code find it: "file.open_library"
    menu: str  # a key of MENUS
    text: str  # as the menu shows it, with its & mnemonic
    run: Callable[[MainWindow], object] | None = None
    # Written out ("Ctrl+Shift+Z"), not the platform's standard keys: those differ between
    # platforms and desktops (a bare X display has no F11 for full screen, nor Ctrl+Y for redo),
    # and the README promises these. Ctrl is Command on macOS. The first is what the menu shows.
    keys: tuple[str, ...] = ()
    # Keys that work too without being shown: Ctrl+= for Ctrl++, which needs Shift on most
    # keyboards.
    also: tuple[str, ...] = ()
    separator: bool = False  # a line above it
    needs_postmortem: bool = False  # enabled only while a postmortem is open
    checkable: bool = False
    tip: str = ""
    # Actions Qt makes (undo and redo follow the undo stack, a dock's toggle follows the dock):
    # the table places them and gives them their keys.
    made: Callable[[MainWindow], QAction] | None = None
    # Works while the library is still opening (the window's frame is up before it is).
    before_library: bool = False


@dataclass(frozen=True, slots=True)
class Submenu:
    """A menu inside a menu, filled by the window (recent libraries, themes)."""

    name: str
    menu: str
    text: str
    fill: Callable[[MainWindow, QMenu], None]
    separator: bool = False
    before_library: bool = False


Entry = Command | Submenu


def _named(action: QAction, text: str) -> QAction:
    action.setText(text)
    return action


def _show_section(window: MainWindow, view: View) -> None:
    window.show_section(view)


def _fill_recent(window: MainWindow, menu: QMenu) -> None:
    window.recent_menu = menu
    menu.aboutToShow.connect(window.fill_recent_menu)


def _fill_themes(window: MainWindow, menu: QMenu) -> None:
    group = QActionGroup(menu)
    for theme in Theme:
        action = QAction(f"&{theme.label}", menu, checkable=True)
        action.triggered.connect(lambda _checked=False, t=theme: window.set_theme(t))
        group.addAction(action)
        menu.addAction(action)
        window.theme_actions[theme] = action


def _export_learning_review(window: MainWindow) -> None:
    from pmdesk.ui import review_export

    review_export.choose_and_export(window)


def _edit_library_themes(window: MainWindow) -> None:
    from pmdesk.ui import theme_vocabulary

    theme_vocabulary.edit_themes(window)


COMMANDS: tuple[Entry, ...] = (
    # File
    Command(
        "file.new_incident",
        "File",
        "&New incident",
        lambda w: w.new_postmortem(PostmortemKind.INCIDENT),
        ("Ctrl+N",),
    ),
    Command(
        "file.new_near_miss",
        "File",
        "New near &miss",
        lambda w: w.new_postmortem(PostmortemKind.NEAR_MISS),
        ("Ctrl+Shift+N",),
    ),
    Command(
        "file.open_library",
        "File",
        "&Open library…",
        lambda w: w.choose_library(),
        ("Ctrl+O",),
        separator=True,
    ),
    Command("file.new_library", "File", "New &library…", lambda w: w.choose_new_library()),
    Command(
        "file.open_team_library",
        "File",
        "Open &team library…",
        lambda w: w.choose_team_library(),
        ("Ctrl+Shift+O",),
    ),
    Submenu("file.recent_libraries", "File", "&Recent libraries", _fill_recent),
    Command(
        "file.import",
        "File",
        "&Import…",
        lambda w: w.choose_and_import(),
        ("Ctrl+I",),
        separator=True,
    ),
    Command(
        "file.export",
        "File",
        "&Export…",
        lambda w: w.choose_and_export(),
        ("Ctrl+E",),
        needs_postmortem=True,
    ),
    Command(
        "file.export_report",
        "File",
        "Export re&port…",
        lambda w: w.choose_and_export_report(Audience.TEAM),
        ("Ctrl+Shift+P",),
        needs_postmortem=True,
    ),
    Command(
        "file.export_report_stakeholders",
        "File",
        "Export report for &stakeholders…",
        lambda w: w.choose_and_export_report(Audience.STAKEHOLDERS),
        needs_postmortem=True,
    ),
    # The library's review, not the open postmortem's: it needs the library alone.
    Command(
        "file.export_learning_review",
        "File",
        "Export le&arning review…",
        _export_learning_review,
    ),
    Command(
        "file.add_evidence",
        "File",
        "Add e&vidence to the timeline…",
        lambda w: w.choose_evidence_file(),
        ("Ctrl+Shift+I",),
        separator=True,
        needs_postmortem=True,
    ),
    Command(
        "file.add_evidence_folder",
        "File",
        "Add evidence from a Slack export &folder…",
        lambda w: w.choose_evidence_folder(),
        needs_postmortem=True,
    ),
    Command(
        "file.quit",
        "File",
        "&Quit",
        lambda w: w.close(),
        ("Ctrl+Q",),
        separator=True,
        before_library=True,
    ),
    # Edit
    Command(
        "edit.undo",
        "Edit",
        "&Undo",
        keys=("Ctrl+Z",),
        made=lambda w: w.undo_group.createUndoAction(w, "&Undo"),
    ),
    Command(
        "edit.redo",
        "Edit",
        "&Redo",
        keys=("Ctrl+Shift+Z", "Ctrl+Y"),
        made=lambda w: w.undo_group.createRedoAction(w, "&Redo"),
    ),
    Command(
        "edit.delete_postmortem",
        "Edit",
        "&Delete postmortem…",
        lambda w: w.delete_current(),
        ("Ctrl+Shift+Del",),
        separator=True,
        needs_postmortem=True,
    ),
    Command("edit.find", "Edit", "&Find postmortem", lambda w: w.focus_filter(), ("Ctrl+F",)),
    # The library's vocabulary of contributing-factor themes: rename, describe, add, remove.
    Command(
        "edit.library_themes", "Edit", "Library t&hemes…", _edit_library_themes, separator=True
    ),
    # View: the open postmortem's sections first, as its tabs number them
    *(
        Command(
            f"view.{view.value}",
            "View",
            f"&{number} {view.value.capitalize()}",
            partial(_show_section, view=view),
            (f"Ctrl+{number}",),
            needs_postmortem=True,
        )
        for number, view in enumerate(View, start=1)
    ),
    Command(
        "view.zoom_in",
        "View",
        "Zoom &in",
        lambda w: w.zoom_by(1),
        ("Ctrl++",),
        also=("Ctrl+=",),
        separator=True,
        before_library=True,
    ),
    Command(
        "view.zoom_out",
        "View",
        "Zoom &out",
        lambda w: w.zoom_by(-1),
        ("Ctrl+-",),
        before_library=True,
    ),
    Command(
        "view.actual_size",
        "View",
        "&Actual size",
        lambda w: w.reset_zoom(),
        ("Ctrl+0",),
        before_library=True,
    ),
    Submenu("view.theme", "View", "&Theme", _fill_themes, separator=True, before_library=True),
    Command(
        "view.full_screen",
        "View",
        "&Full screen",
        lambda w: w.toggle_full_screen(),
        ("F11",),
        checkable=True,
        before_library=True,
    ),
    # The side panels collapse to a strip along their edge, and come back (checked: shown).
    Command(
        "view.library_list",
        "View",
        "&Library list",
        lambda w: w.toggle_panel("library"),
        ("Ctrl+B",),
        separator=True,
        checkable=True,
        tip="Collapse the library list to a strip, or bring it back (Ctrl+B)",
    ),
    Command(
        "view.readiness",
        "View",
        "&Readiness",
        lambda w: w.toggle_panel("readiness"),
        ("Ctrl+Shift+B",),
        checkable=True,
        tip="Collapse the readiness panel to a strip with its count, or bring it back",
    ),
    Command(
        "view.similar",
        "View",
        "&Similar",
        made=lambda w: _named(w.similar_dock.toggleViewAction(), "&Similar"),
    ),
    Command(
        "view.follow_up",
        "View",
        "Follow-&up review",
        lambda w: w.show_follow_up(),
        ("Ctrl+Shift+R",),
        separator=True,
    ),
    Command(
        "view.library_overview",
        "View",
        "Library o&verview",
        lambda w: w.show_overview(),
        ("Ctrl+Shift+L",),
    ),
    Command(
        "view.patterns",
        "View",
        "&Patterns",
        lambda w: w.show_patterns(),
        ("Ctrl+Shift+G",),
        tip="Themes across the library by quarter, follow-through by theme, and what came back",
    ),
    Command(
        "view.meeting_mode",
        "View",
        "&Meeting mode",
        lambda w: w.start_meeting(),
        ("F5",),
        separator=True,
        needs_postmortem=True,
        tip="Present the open postmortem's review meeting (F5)",
    ),
    # Help
    Command(
        "help.shortcuts",
        "Help",
        "&Keyboard shortcuts",
        lambda w: w.show_shortcuts(),
        ("F1",),
        before_library=True,
    ),
    Command("help.about", "Help", "&About pmdesk", lambda w: w.show_about()),
)


def commands() -> list[Command]:
    """The table's commands, submenus left out."""
    return [entry for entry in COMMANDS if isinstance(entry, Command)]


def key_sequences(command: Command) -> list[QKeySequence]:
    """The command's keys, shown ones first."""
    return [QKeySequence(key) for key in (*command.keys, *command.also)]


def install(window: MainWindow) -> dict[str, QAction]:
    """Build the window's menus from the table; the actions by name."""
    bar = window.menuBar()
    menus = {name: bar.addMenu(title) for name, title in MENUS.items()}
    actions: dict[str, QAction] = {}
    for entry in COMMANDS:
        menu = menus[entry.menu]
        if entry.separator and not menu.isEmpty():
            menu.addSeparator()
        if isinstance(entry, Submenu):
            sub = menu.addMenu(entry.text)
            entry.fill(window, sub)
            actions[entry.name] = sub.menuAction()
            continue
        action = _action(window, entry)
        menu.addAction(action)
        actions[entry.name] = action
    return actions


def _action(window: MainWindow, command: Command) -> QAction:
    if command.made is not None:
        action = command.made(window)  # with Qt's own words: "Undo add event", a dock's title
    else:
        action = QAction(command.text, window)
        run = command.run
        assert run is not None, command.name
        # The checked flag is taken here and dropped: handlers get the window alone.
        action.triggered.connect(lambda _checked=False: run(window))
    bindings = key_sequences(command)
    if bindings:
        action.setShortcuts(bindings)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setCheckable(command.checkable or action.isCheckable())
    if command.tip:
        action.setToolTip(command.tip)
    return action


class CommandKeys(QObject):
    """Lets the window's command keys through text fields, which would otherwise keep them.

    A text field claims every key it has a binding for, whether or not it can use it now: Ctrl+Z
    with nothing typed to undo, Ctrl+E (end of line on X11) or Ctrl+D (delete a character). Here
    the window's command wins, except for undo and redo while the field has typing of its own to
    undo or redo: Ctrl+Z there undoes the field's typing first, then the library's.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        by_name = {command.name: command for command in commands()}
        self._undo = _combinations(key_sequences(by_name["edit.undo"]))
        self._redo = _combinations(key_sequences(by_name["edit.redo"]))
        self._keys = _combinations(key for command in commands() for key in key_sequences(command))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QLineEdit | QTextEdit | QPlainTextEdit):
            return False
        combination = event.keyCombination().toCombined()
        if combination not in self._keys or watched.window() is not self.window:
            return False
        if combination in self._undo and _can_undo(watched):
            return False
        if combination in self._redo and _can_redo(watched):
            return False
        event.ignore()  # not the field's: the window's shortcut takes it
        return True

    def install(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)


def _combinations(keys: Iterable[QKeySequence]) -> frozenset[int]:
    """The single-chord keys, as the combined numbers a key event's keyCombination() gives."""
    return frozenset(
        key[0].toCombined()  # type: ignore[index]  # the stubs lack QKeySequence.__getitem__
        for key in keys
        if key.count() == 1
    )


def _can_undo(field: QWidget) -> bool:
    if isinstance(field, QLineEdit):
        return field.isUndoAvailable()
    assert isinstance(field, QTextEdit | QPlainTextEdit)
    return field.document().isUndoAvailable()


def _can_redo(field: QWidget) -> bool:
    if isinstance(field, QLineEdit):
        return field.isRedoAvailable()
    assert isinstance(field, QTextEdit | QPlainTextEdit)
    return field.document().isRedoAvailable()


class KeyboardBack(QObject):
    """When a dialog over the window closes, the window takes the keyboard back, to the widget
    that had it. A desktop's window manager does this; without one (Xvfb, some kiosks) or with
    one that forgets, the window would stay inactive and every key go nowhere."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Hide or not isinstance(watched, QDialog):
            return False
        parent = watched.parentWidget()
        if watched.isWindow() and parent is not None and parent.window() is self.window:
            self.window.activateWindow()
        return False

    def install(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
