"""Where the keyboard is after each step a user takes: where the next thing is typed.

A key typed into the wrong place is worse than a key that does nothing: an event typed after
picking a postmortem once went into the library's search box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui.editor import View
from pmdesk.ui.help import ShortcutSheet
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.settings import UiSettings


def active(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def test_picking_a_postmortem_puts_the_keyboard_in_its_section(
    qtbot: QtBot, window: MainWindow, example_id: str
) -> None:
    window.refresh_library()
    active(qtbot, window)
    listing = window.library_panel.list
    listing.setFocus()
    listing.setCurrentIndex(listing.model().index(0, 0))
    QTest.keyClick(listing, Qt.Key.Key_Return)
    assert window.current_id() == example_id
    view = window.editor.current_view()
    assert focused() is window.editor.entry(view)


def test_the_section_keys_from_the_search_box_then_typing_adds_an_event(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    active(qtbot, opened)
    search = opened.library_panel.filter_edit
    search.setFocus()
    QTest.keyClick(search, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert opened.editor.current_view() is View.TIMELINE
    entry = opened.editor.timeline.quick_add
    assert focused() is entry
    QTest.keyClicks(entry, "14:55 Rollback verified")
    QTest.keyClick(entry, Qt.Key.Key_Return)
    texts = [e.text for e in postmortems.get_postmortem(library, example_id).timeline]
    assert "Rollback verified" in texts
    assert search.text() == ""


def test_a_click_on_a_tab_puts_the_keyboard_in_that_section(
    qtbot: QtBot, opened: MainWindow
) -> None:
    active(qtbot, opened)
    bar = opened.editor.tabs.tabBar()
    for index, view in enumerate(View):
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        assert opened.editor.current_view() is view
        assert focused() is opened.editor.entry(view), view


def test_ctrl_z_straight_after_an_event_from_the_entry_line_undoes_it(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    entry = opened.editor.timeline.quick_add
    before = len(postmortems.get_postmortem(library, example_id).timeline)
    QTest.keyClicks(entry, "14:55 Rollback verified")
    QTest.keyClick(entry, Qt.Key.Key_Return)
    assert len(postmortems.get_postmortem(library, example_id).timeline) == before + 1
    QTest.keyClick(entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(postmortems.get_postmortem(library, example_id).timeline) == before
    assert entry.text() == ""


def test_ctrl_z_in_a_field_undoes_the_typing_first_then_the_library(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    entry = opened.editor.timeline.quick_add
    QTest.keyClicks(entry, "14:55 Rollback verified")
    QTest.keyClick(entry, Qt.Key.Key_Return)
    count = len(postmortems.get_postmortem(library, example_id).timeline)
    QTest.keyClicks(entry, "half typed")
    QTest.keyClick(entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert entry.text() == ""  # the field's typing went first
    assert len(postmortems.get_postmortem(library, example_id).timeline) == count
    QTest.keyClick(entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(postmortems.get_postmortem(library, example_id).timeline) == count - 1


def test_after_an_action_from_the_cause_pane_the_keyboard_is_back_on_the_cause(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    causes = opened.editor.causes
    assert focused() is causes.tree
    cause = causes.current_cause()
    assert cause is not None
    QTest.keyClick(
        causes.tree,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert focused() is causes.detail.new_action
    QTest.keyClicks(causes.detail.new_action, "Add a canary stage to config pushes by May 1")
    QTest.keyClick(causes.detail.new_action, Qt.Key.Key_Return)
    titles = [a.title for a in postmortems.get_postmortem(library, example_id).actions]
    assert "Add a canary stage to config pushes by May 1" in titles
    assert focused() is causes.tree
    current = causes.current_cause()
    assert current is not None and current.id == cause.id


def test_after_a_dialog_closes_the_keyboard_is_back_where_it_was(
    qtbot: QtBot, opened: MainWindow
) -> None:
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    entry = opened.editor.timeline.quick_add
    assert focused() is entry
    seen: list[str] = []

    def cancel() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog):
            seen.append(modal.windowTitle())
            modal.reject()
        else:
            QTimer.singleShot(20, cancel)

    QTimer.singleShot(20, cancel)
    QTest.keyClick(entry, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Open library"]
    qtbot.waitUntil(lambda: focused() is entry)


def test_the_shortcut_sheet_opens_in_its_filter_and_escape_closes_it(
    qtbot: QtBot, opened: MainWindow
) -> None:
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_F1)
    sheets = [w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutSheet)]
    sheet = next(s for s in sheets if s.isVisible())
    qtbot.waitUntil(lambda: focused() is sheet.filter)
    QTest.keyClicks(sheet.filter, "undo")
    assert ("Undo", "Ctrl+Z") in sheet.visible_rows()
    QTest.keyClick(sheet.filter, Qt.Key.Key_Escape)
    assert not sheet.isVisible()


def test_the_app_reopens_the_postmortem_and_section_it_was_closed_on(
    qtbot: QtBot,
    opened: MainWindow,
    library: Library,
    ui_settings: UiSettings,
    example_id: str,
) -> None:
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    opened.close()
    again = MainWindow(library, ui_settings)
    qtbot.addWidget(again)
    assert again.restore_session()
    assert again.current_id() == example_id
    assert again.editor.current_view() is View.CAUSES
    # Another library's window starts with nothing open.
    ui_settings.remember_open("/elsewhere/other.pmdesk", example_id, "timeline")
    third = MainWindow(library, ui_settings)
    qtbot.addWidget(third)
    assert not third.restore_session()
    assert third.current_id() is None


def test_down_from_the_search_goes_to_the_first_result(
    qtbot: QtBot, window: MainWindow, example_id: str
) -> None:
    window.refresh_library()
    active(qtbot, window)
    search = window.library_panel.filter_edit
    search.setFocus()
    QTest.keyClick(search, Qt.Key.Key_Down)
    listing = window.library_panel.list
    assert focused() is listing
    QTest.keyClick(listing, Qt.Key.Key_Return)
    assert window.current_id() == example_id


def test_the_about_box_has_the_keyboard_and_gives_it_back(qtbot: QtBot, opened: MainWindow) -> None:
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    entry = opened.editor.timeline.quick_add
    about = opened.show_about()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is about)
    QTest.keyClick(QApplication.focusWidget() or about, Qt.Key.Key_Escape)
    assert not about.isVisible()
    qtbot.waitUntil(lambda: focused() is entry)


def test_the_cause_tree_shows_the_cause_the_keyboard_is_on(
    qtbot: QtBot, opened: MainWindow
) -> None:
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    tree = opened.editor.causes.tree
    current = tree.currentItem()
    assert current is not None and current.isSelected()


def test_an_edit_leaves_the_keyboard_where_the_user_has_it(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    # Each edit redraws the open postmortem; the redraw once put the keyboard back in the
    # new-action line, so the next date typed into the card's pane became a new action.
    active(qtbot, opened)
    QTest.keyClick(opened, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    section = opened.editor.action_items
    a2 = next(a for a in postmortems.get_postmortem(library, example_id).actions if a.ref == "a2")
    section.board.select_action(a2.id)
    owner = section.detail.owner
    owner.setFocus()
    qtbot.waitUntil(owner.hasFocus)
    owner.selectAll()
    QTest.keyClicks(owner, "Release team")
    QTest.keyClick(owner, Qt.Key.Key_Tab)
    QApplication.processEvents()
    stored = postmortems.get_postmortem(library, example_id)
    assert next(a for a in stored.actions if a.id == a2.id).owner == "Release team"
    assert focused() is section.detail.has_due  # the next field of the card, not the line
    count = len(stored.actions)
    QTest.keyClick(section.detail.has_due, Qt.Key.Key_Tab)
    assert focused() is section.detail.due
    assert len(postmortems.get_postmortem(library, example_id).actions) == count
