"""View ▸ Patterns in the window: reached by its keys, every number a cell that shows the
postmortems behind it, and Enter there opening a postmortem at its cause or action."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableView, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from pmdesk.services import postmortems, recurrences
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.patterns_view import EMPTY_TITLE, HEAT_ROLE, PatternsView, heat_fill
from pmdesk.ui.themes import Theme, apply_theme, apply_zoom, current_colours
from pmdesk.ui.views import View
from tests.conftest import FIXTURES

CHANGE = "Change management"


def themed_copy(tmp_path: Path, name: str, shift_years: int, status: str) -> Path:
    """The checkout example, `shift_years` earlier, its systemic causes on change management
    (the first on validation too), and every action in `status`."""
    document = json.loads((FIXTURES / "checkout-config-push.json").read_text(encoding="utf-8"))
    pm = document["postmortem"]
    pm["title"] = name
    for event in pm["timeline"]:
        year = int(event["at"][:4])
        event["at"] = f"{year - shift_years}{event['at'][4:]}"
    systemic = [c for c in pm["causes"] if c["systemic"]]
    for cause in systemic:
        cause["themes"] = [CHANGE]
    systemic[0]["themes"].append("Validation and testing")
    for action in pm["actions"]:
        action["status"] = status
    target = tmp_path / f"{name}.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


@pytest.fixture
def themed(window: MainWindow, tmp_path: Path) -> tuple[MainWindow, list[str]]:
    """A library of the example twice: last year's, whose actions were dropped, and this
    year's, a recurrence of it."""
    files = [
        themed_copy(tmp_path, "Earlier checkout outage", 1, "dropped"),
        themed_copy(tmp_path, "Checkout outage again", 0, "open"),
    ]
    ids = postmortems.import_files(window.library, files).postmortem_ids
    recurrences.link(window.library, ids[1], ids[0])
    window.refresh_library()
    window.activateWindow()
    return window, ids


def press(window: MainWindow, keys: str) -> None:
    combination = QKeySequence(keys)[0]  # type: ignore[index]
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, combination.key(), combination.keyboardModifiers())


def click_cell(qtbot: QtBot, table: QTableView, row: int, column: int) -> None:
    rect = table.visualRect(table.model().index(row, column))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def text(table: QTableView, row: int, column: int) -> str:
    return str(table.model().index(row, column).data() or "")


def header_texts(table: QTableView) -> list[str]:
    model = table.model()
    return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]


def page_of(window: MainWindow) -> PatternsView:
    page = window.center.currentWidget()
    assert isinstance(page, PatternsView)
    return page


def test_ctrl_shift_g_shows_the_patterns_with_the_keyboard_in_the_heat_map(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]]
) -> None:
    window, _ = themed
    press(window, "Ctrl+Shift+G")
    page = page_of(window)
    assert [text(page.heat, r, 0) for r in range(page.heat.rowCount())] == [
        CHANGE,
        "Validation and testing",
    ]
    # The keyboard is on the first theme's total, and the panel shows what it stands for.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.heat)
    assert page.heat.currentColumn() == page.heat.columnCount() - 1
    assert text(page.heat, 0, page.heat.columnCount() - 1) == "2"
    assert page.behind.title.text() == f"{CHANGE}: 2 postmortems in all"
    assert page.behind.tree.topLevelItemCount() == 2
    assert window.current_id() is None
    # Both postmortems' causes on two themes; the second came back on both, and as a recurrence.
    assert re.sub("<[^>]+>", "", page.summary.text()).startswith(
        "6 themed causes in 2 postmortems, 2 themes; failures came back 3 times."
    )


def test_a_quarter_cell_clicked_shows_the_postmortems_of_that_quarter(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]]
) -> None:
    window, ids = themed
    window.command("view.patterns").trigger()
    page = page_of(window)
    heat = page.heat
    headers = header_texts(heat)
    # The example started on 2 March 2026; last year's copy on 2 March 2025.
    this_year = headers.index("Q1\n2026")
    click_cell(qtbot, heat, 0, this_year)
    assert text(heat, 0, this_year) == "1"
    assert page.behind.title.text() == f"{CHANGE}, 2026 Q1: 1 postmortem"
    assert page.behind.behind is not None
    assert page.behind.behind.postmortem_ids == [ids[1]]
    # Its causes on the theme are under it; it came back (last year's actions were dropped).
    top = page.behind.tree.topLevelItem(0)
    assert top is not None and top.text(0) == "Checkout outage again"
    assert top.childCount() == 3
    cell = heat.item(0, this_year)
    assert cell is not None and cell.data(HEAT_ROLE) == 1.0
    assert "came back 1 time" in cell.toolTip()
    # An empty quarter stands for nobody.
    empty = headers.index("Q3\n2025")
    click_cell(qtbot, heat, 0, empty)
    assert page.behind.behind is not None and page.behind.behind.entries == ()


def test_enter_on_a_cause_behind_a_number_opens_it_in_its_postmortem(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]]
) -> None:
    window, ids = themed
    press(window, "Ctrl+Shift+G")
    page = page_of(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.heat)
    press(window, "Down")  # Validation and testing, every postmortem
    assert page.behind.title.text() == "Validation and testing: 2 postmortems in all"
    press(window, "Return")  # to the postmortems behind the number
    assert QApplication.focusWidget() is page.behind.tree
    press(window, "Down")  # from the first postmortem to its first cause
    cause_item = page.behind.tree.currentItem()
    assert isinstance(cause_item, QTreeWidgetItem) and cause_item.parent() is not None
    _, what, cause_id = cause_item.data(0, Qt.ItemDataRole.UserRole)
    assert what == "cause"
    press(window, "Return")
    assert window.current_id() == ids[0]  # the earlier one comes first
    assert window.editor.current_view() is View.CAUSES
    current = window.editor.causes.current_cause()
    assert current is not None and current.id == cause_id


def test_dropped_actions_by_theme_open_at_the_action(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]]
) -> None:
    window, ids = themed
    window.command("view.patterns").trigger()
    page = page_of(window)
    table = page.follow_through
    headers = header_texts(table)
    row = [text(table, r, 0) for r in range(table.rowCount())].index(CHANGE)
    dropped = text(table, row, headers.index("Dropped"))
    agreed = int(text(table, row, headers.index("Agreed")))
    assert int(dropped) > 0 and agreed > int(dropped)
    assert text(table, row, headers.index("Drop\nrate")) == f"{int(dropped) / agreed:.0%}"
    click_cell(qtbot, table, row, headers.index("Dropped"))
    behind = page.behind.behind
    assert behind is not None
    assert behind.postmortem_ids == [ids[0]]  # only last year's were dropped
    assert all(word == "dropped" for e in behind.entries for _, word in e.actions)
    action_item = page.behind.tree.topLevelItem(0).child(0)  # type: ignore[union-attr]
    assert isinstance(action_item, QTreeWidgetItem)
    _, what, _ = action_item.data(0, Qt.ItemDataRole.UserRole)
    assert what == "action"
    page.behind.tree.itemActivated.emit(action_item, 0)  # as a double click does
    assert window.current_id() == ids[0]
    assert window.editor.current_view() is View.ACTIONS


def test_came_back_lists_the_recurrence_and_the_theme(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]]
) -> None:
    window, ids = themed
    window.command("view.patterns").trigger()
    page = page_of(window)
    table = page.came_back
    rows = [(text(table, r, 1), text(table, r, 2)) for r in range(table.rowCount())]
    assert ("Checkout outage again", "Recurrence") in rows
    assert ("Checkout outage again", CHANGE) in rows
    assert "dropped (Earlier checkout outage)" in text(table, 0, 3)
    link = next(r for r, (_, theme) in enumerate(rows) if theme == "Recurrence")
    click_cell(qtbot, table, link, 1)
    behind = page.behind.behind
    assert behind is not None and behind.postmortem_ids == [ids[1], ids[0]]
    assert not page.no_came_back.isVisible()


def test_the_patterns_follow_an_edit_of_the_library(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]]
) -> None:
    window, ids = themed
    window.command("view.patterns").trigger()
    page = page_of(window)
    assert text(page.heat, 0, page.heat.columnCount() - 1) == "2"
    window.edits.delete_postmortem(ids[0], "Earlier checkout outage")
    assert window.center.currentWidget() is page
    assert text(page.heat, 0, page.heat.columnCount() - 1) == "1"
    assert page.came_back.rowCount() == 0 and not page.came_back.isVisible()


def test_a_library_without_themes_says_how_to_start(window: MainWindow, example_id: str) -> None:
    window.command("view.patterns").trigger()
    page = page_of(window)
    assert page.pages.currentIndex() == 1
    assert page.empty_title.text() == EMPTY_TITLE
    assert "Ctrl+Shift+T" in page.empty_message.text()


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK, Theme.HIGH_CONTRAST])
def test_the_heat_map_paints_its_cells_in_the_themes_colours(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]], theme: Theme
) -> None:
    window, _ = themed
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    apply_zoom(app, 1.5)
    try:
        window.command("view.patterns").trigger()
        page = page_of(window)
        heat = page.heat
        headers = header_texts(heat)
        column = headers.index("Q1\n2026")  # one postmortem: the largest count of a quarter
        qtbot.waitUntil(lambda: heat.isVisible())
        image = heat.viewport().grab().toImage()
        rect = heat.visualRect(heat.model().index(0, column))
        # a point inside the cell, clear of the number in its middle and the mark in its corner
        sample = QColor(image.pixel(rect.left() + 5, rect.bottom() - 5))
        expected = heat_fill(1.0, current_colours())
        assert abs(sample.red() - expected.red()) <= 3
        assert abs(sample.blue() - expected.blue()) <= 3
        # the table is as wide as its columns, at this zoom too
        assert heat.width() >= heat.horizontalHeader().length()
    finally:
        apply_theme(app, Theme.LIGHT)
        apply_zoom(app, 1.0)


def test_what_came_back_names_the_latest_unkept_actions_and_counts_the_rest() -> None:
    from datetime import date

    from pmdesk.domain.kinds import ActionStatus, PostmortemKind
    from pmdesk.domain.library_patterns import ActionRef, CameBack, CaseRef
    from pmdesk.ui.patterns_view import came_back_behind

    earlier = CaseRef("e", "Earlier", PostmortemKind.INCIDENT, date(2026, 1, 5))
    later = CaseRef("l", "Later", PostmortemKind.INCIDENT, date(2026, 3, 2))
    dropped = ActionRef("a", "e", None, "Add a canary", None, ActionStatus.DROPPED, None, None)
    late = ActionRef("b", "e", None, "Alert", None, ActionStatus.OPEN, date(2026, 2, 1), None)
    event = CameBack(later, CHANGE, ((late, earlier), (dropped, earlier)), unkept=5)
    behind = came_back_behind(event)
    assert behind.title == (
        f"“{CHANGE}” came back in Later, 2 Mar 2026: the 2 latest of 5 unkept actions"
    )
    assert behind.postmortem_ids == ["l", "e"]
    assert behind.entries[1].actions == (
        (late, "overdue then (due 1 Feb 2026)"),
        (dropped, "dropped"),
    )


def test_on_a_narrow_window_the_panel_goes_under_the_tables_and_the_notes_still_wrap(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]]
) -> None:
    window, _ = themed
    window.command("view.patterns").trigger()
    page = page_of(window)
    page.resize(2000, 900)
    qtbot.waitUntil(lambda: page.splitter.orientation() is Qt.Orientation.Horizontal)
    page.resize(700, 900)  # narrower than the actions table and the panel side by side
    qtbot.waitUntil(lambda: page.splitter.orientation() is Qt.Orientation.Vertical)
    viewport = page._scroll.viewport()
    qtbot.waitUntil(lambda: all(n.maximumWidth() <= viewport.width() for n in page._notes))
    assert page.follow_through.width() >= page.follow_through.horizontalHeader().length()


def test_the_summarys_numbers_are_links_too(
    qtbot: QtBot, themed: tuple[MainWindow, list[str]]
) -> None:
    window, ids = themed
    press(window, "Ctrl+Shift+G")
    page = page_of(window)
    # A click on the first words: the link to every themed cause.
    at = QPoint(4, page.summary.height() // 2)
    QTest.mouseClick(page.summary, Qt.MouseButton.LeftButton, pos=at)
    behind = page.behind.behind
    assert behind is not None and behind.title == "Every themed cause: 2 postmortems"
    assert sorted(behind.postmortem_ids) == sorted(ids)
    assert sum(len(e.causes) for e in behind.entries) == 6
    assert QApplication.focusWidget() is page.behind.tree
    # The second link (as its click says) goes to what came back, the newest first.
    page.summary.linkActivated.emit("came-back")
    assert QApplication.focusWidget() is page.came_back
    assert page.behind.behind is not None
    assert page.behind.behind.title.startswith(f"“{CHANGE}” came back in Checkout outage again")


def test_a_library_that_cannot_be_read_is_said_and_the_window_stays(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmdesk.services import learning
    from pmdesk.storage.errors import LibraryError, Problem

    def unreadable(*_args: object) -> None:
        raise LibraryError(
            "The library file is damaged: restore it from its backup.",
            problem=Problem.CORRUPT,
            location="library.pmdesk",
        )

    monkeypatch.setattr(learning, "library_patterns", unreadable)
    shown = window.center.currentWidget()
    window.command("view.patterns").trigger()
    assert window.reported == [  # type: ignore[attr-defined]
        (
            "The library could not be read",
            "The library file is damaged: restore it from its backup.",
        )
    ]
    assert window.center.currentWidget() is shown
    assert QApplication.overrideCursor() is None  # the wait cursor is gone again
