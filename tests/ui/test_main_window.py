"""The window: the library sidebar, opening, creating and deleting postmortems, files, zoom,
themes, the readiness panel, and the headless smoke run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import (
    EventKind,
    PostmortemKind,
    PostmortemStatus,
    PostmortemSummary,
    Severity,
)
from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui.editor import View
from pmdesk.ui.library_model import ID_ROLE, SORT_ROLE, Column, LibraryModel
from pmdesk.ui.library_panel import describe
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.near_miss_form import NearMissForm
from pmdesk.ui.settings import UiSettings
from pmdesk.ui.themes import BASE_POINT_SIZE, COLOURS, Theme
from tests import documents
from tests.conftest import REPO
from tests.ui.conftest import close_and_delete


def summary(n: int, started: datetime | None) -> PostmortemSummary:
    return PostmortemSummary(
        id=f"id{n}",
        title=f"Postmortem {n}",
        kind=PostmortemKind.INCIDENT,
        severity=Severity.SEV3 if n % 2 else None,
        status=PostmortemStatus.DRAFT,
        started=started,
        open_actions=n,
    )


def app() -> QApplication:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance


CTRL = Qt.KeyboardModifier.ControlModifier


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = CTRL) -> None:
    """Type a shortcut into whatever has the focus, as a user would."""
    target = QApplication.focusWidget()
    assert target is not None
    QTest.keyClick(target, key, modifiers)


def test_library_model_passes_the_model_tester(qtbot: QtBot) -> None:
    model = LibraryModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_summaries([summary(n, datetime(2026, 3, n, tzinfo=UTC)) for n in range(1, 6)])
    model.set_summaries([summary(7, None)])
    index = model.index(0, Column.STARTED)
    assert model.data(index) == "—"
    assert model.data(index, SORT_ROLE) == 0.0
    assert model.data(model.index(0, Column.TITLE), ID_ROLE) == "id7"


def test_a_row_describes_kind_severity_status_date_and_open_actions() -> None:
    assert describe(summary(3, datetime(2026, 3, 2, tzinfo=UTC))) == (
        "Incident · SEV3 · Draft · 2026-03-02 · 3 open actions"
    )
    assert describe(summary(2, None)) == "Incident · Draft · 2 open actions"


def test_an_empty_library_says_how_to_start(window: MainWindow) -> None:
    assert window.center.currentWidget() is window.placeholder
    assert "New incident" in window.placeholder.text.text()
    assert window.statusBar().currentMessage().startswith("0 postmortems in ")
    assert not window.command("file.export").isEnabled()


def test_import_lists_and_opens_the_postmortem(window: MainWindow, fixture_file: Path) -> None:
    (postmortem_id,) = window.import_files([str(fixture_file)])
    proxy = window.library_panel.proxy
    assert proxy.rowCount() == 1
    assert proxy.data(proxy.index(0, Column.TITLE), ID_ROLE) == postmortem_id
    assert window.current_id() == postmortem_id
    assert window.editor.heading.text().startswith("Checkout errors")
    stored = postmortems.get_postmortem(window.library, postmortem_id)
    window.workspace.undo_stack.undo()  # an import is one step, and it can be taken back
    assert proxy.rowCount() == 0
    assert window.center.currentWidget() is window.placeholder
    window.workspace.undo_stack.redo()
    assert postmortems.get_postmortem(window.library, postmortem_id) == stored


def test_search_narrows_the_list_best_first(window: MainWindow, tmp_path: Path) -> None:
    paths = []
    for title in ("Checkout outage", "DNS near miss", "Checkout latency"):
        document = documents.example()
        document["postmortem"]["title"] = title
        path = tmp_path / f"{title}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(str(path))
    window.import_files(paths)
    window.activateWindow()
    window.library_panel.list.setFocus()
    QTest.keyClick(window.library_panel.list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.library_panel.filter_edit.hasFocus()
    panel = window.library_panel
    QTest.keyClicks(panel.filter_edit, "outage")  # only in one title: the example never says it
    panel.run_search()  # (it runs by itself once typing pauses)
    assert titles_shown(window) == ["Checkout outage"]
    assert panel.proxy.snippet(panel.proxy.index(0, Column.TITLE).data(ID_ROLE)) is not None
    panel.filter_edit.clear()
    assert len(titles_shown(window)) == 3
    QTest.keyClicks(panel.filter_edit, "dns miss")  # all words must match, anywhere
    panel.run_search()
    assert titles_shown(window) == ["DNS near miss"]
    panel.filter_edit.setText('"no canary"')  # a phrase
    panel.run_search()
    assert len(titles_shown(window)) == 3  # every copy of the example says it


def test_the_list_shows_the_latest_start_first_before_and_after_a_search(
    window: MainWindow, tmp_path: Path
) -> None:
    paths = []
    for title, day in (("March 3", "03"), ("March 9", "09"), ("March 5", "05")):
        document = documents.example()
        document["postmortem"]["title"] = title
        for event in document["postmortem"]["timeline"]:
            event["at"] = event["at"].replace("2026-03-02", f"2026-03-{day}")
        path = tmp_path / f"{title}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(str(path))
    window.import_files(paths)
    assert titles_shown(window) == ["March 9", "March 5", "March 3"]
    panel = window.library_panel
    panel.filter_edit.setText("March")
    panel.run_search()
    assert sorted(titles_shown(window)) == ["March 3", "March 5", "March 9"]
    panel.filter_edit.clear()
    panel.run_search()
    assert titles_shown(window) == ["March 9", "March 5", "March 3"]


def test_filters_narrow_a_sidebar_search(window: MainWindow, tmp_path: Path) -> None:
    paths = []
    for title, kind in (("Config outage", "incident"), ("Config near miss", "near-miss")):
        document = documents.example()
        document["postmortem"].update(title=title, kind=kind)
        path = tmp_path / f"{title}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(str(path))
    window.import_files(paths)
    panel = window.library_panel
    panel.filter_edit.setText("config")
    panel.run_search()
    assert sorted(titles_shown(window)) == ["Config near miss", "Config outage"]
    panel.filters_button.click()
    assert panel.filters_box.isVisible()
    kinds = panel.filters_box.kind
    kinds.setCurrentIndex(kinds.findData("near-miss"))
    kinds.activated.emit(kinds.currentIndex())
    assert titles_shown(window) == ["Config near miss"]
    panel.filters_box.owner.setText("nobody we know")
    panel.filters_box.owner.editingFinished.emit()
    assert titles_shown(window) == []


def titles_shown(window: MainWindow) -> list[str]:
    proxy = window.library_panel.proxy
    return [proxy.index(row, Column.TITLE).data() for row in range(proxy.rowCount())]


def test_a_bad_file_shows_why_and_imports_nothing(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(window, "report", lambda _title, text: shown.append(text))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "pmdesk", "version": 3}', encoding="utf-8")
    assert window.import_files([str(bad)]) == []
    assert len(shown) == 1 and "newer pmdesk" in shown[0]
    assert window.library_panel.model.rowCount() == 0
    assert window.workspace.undo_stack.count() == 0


def test_new_incident_and_near_miss_with_undo(window: MainWindow, library: Library) -> None:
    incident = window.new_postmortem(PostmortemKind.INCIDENT)
    assert incident is not None
    assert window.editor.overview.title.hasFocus()  # ready to type the title
    # A near miss is captured in three questions rather than opened blank.
    assert window.new_postmortem(PostmortemKind.NEAR_MISS) is None
    (form,) = window.findChildren(NearMissForm)
    assert form.isVisible()
    form.what_happened.setPlainText("A deploy to all regions was stopped by the canary at 2%.")
    form.caught_by.setPlainText("The canary's error-rate check")
    near_miss = form.save()
    assert near_miss is not None
    titles = {s.id: s.title for s in postmortems.list_postmortems(library)}
    assert titles[incident] == "Untitled incident"
    assert titles[near_miss].startswith("A deploy to all regions was stopped")
    assert window.current_id() == near_miss  # the saved near miss opens
    assert "(1 incident, 1 near miss)" in window.statusBar().currentMessage()
    window.workspace.undo_stack.undo()
    assert [s.id for s in postmortems.list_postmortems(library)] == [incident]
    window.workspace.undo_stack.redo()
    assert {s.id for s in postmortems.list_postmortems(library)} == {incident, near_miss}


def test_delete_asks_first_and_can_be_undone(
    window: MainWindow, example_id: str, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.refresh_library()
    window.open_postmortem(example_id)
    before = postmortems.get_postmortem(library, example_id)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: answers.pop(0))
    assert not window.delete_postmortem(example_id)
    assert postmortems.list_postmortems(library)
    assert window.delete_postmortem(example_id)
    assert postmortems.list_postmortems(library) == []
    assert window.center.currentWidget() is window.placeholder
    window.command("edit.undo").trigger()
    assert postmortems.get_postmortem(library, example_id) == before
    assert window.current_id() == example_id  # the undo shows what came back


def test_title_edits_reach_the_library_list_and_undo(
    qtbot: QtBot, opened: MainWindow, library: Library, example_id: str
) -> None:
    title = opened.editor.overview.title
    title.setFocus()
    title.selectAll()
    QTest.keyClicks(title, "Checkout outage, March 2")
    QTest.keyClick(title, Qt.Key.Key_Return)
    assert postmortems.get_postmortem(library, example_id).title == "Checkout outage, March 2"
    assert opened.library_panel.model.summary(0).title == "Checkout outage, March 2"
    assert opened.editor.heading.text() == "Checkout outage, March 2"
    opened.command("edit.undo").trigger()
    assert postmortems.get_postmortem(library, example_id).title.startswith("Checkout errors")
    assert opened.editor.overview.title.text().startswith("Checkout errors")


def test_an_empty_title_is_refused_with_a_message(
    opened: MainWindow, library: Library, example_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(opened, "report", lambda _title, text: shown.append(text))
    title = opened.editor.overview.title
    title.setText("   ")
    title.editingFinished.emit()
    assert shown and "title" in shown[0].lower()
    assert postmortems.get_postmortem(library, example_id).title.startswith("Checkout errors")
    assert title.text().startswith("Checkout errors")  # the field shows what is stored


def test_severity_timezone_tags_and_participants(
    opened: MainWindow, library: Library, example_id: str
) -> None:
    overview = opened.editor.overview
    overview.severity.setCurrentIndex(overview.severity.findData(Severity.SEV1))
    overview.severity.activated.emit(overview.severity.currentIndex())
    overview.tags.setText("config,  checkout , dns")
    overview.tags.editingFinished.emit()
    overview.participants.add_button.click()
    table = overview.participants.table
    item = table.item(table.rowCount() - 1, 0)
    assert item is not None
    item.setText("Priya Nair")
    stored = postmortems.get_postmortem(library, example_id)
    assert stored.severity is Severity.SEV1
    assert stored.tags == ["config", "checkout", "dns"]
    assert stored.participants[-1].name == "Priya Nair"
    assert opened.workspace.undo_stack.count() == 3


def test_impact_metrics_are_edited_in_the_table(
    opened: MainWindow, library: Library, example_id: str
) -> None:
    impact = opened.editor.impact
    value = impact.metrics.table.item(1, 1)
    assert value is not None and value.text() == "18,250"
    value.setText("19000")
    assert postmortems.get_postmortem(library, example_id).metrics[1].value == 19000
    value.setText("lots")
    assert "needs a name and a number" in impact.message.text()
    assert postmortems.get_postmortem(library, example_id).metrics[1].value == 19000


def test_lessons_are_added_by_keyboard(
    opened: MainWindow, library: Library, example_id: str
) -> None:
    opened.editor.show_view(View.LESSONS)
    column = next(iter(opened.editor.lessons.columns.values()))
    column.add.setFocus()
    QTest.keyClicks(column.add, "Paging worked on the first try")
    QTest.keyClick(column.add, Qt.Key.Key_Return)
    texts = [x.text for x in postmortems.get_postmortem(library, example_id).lessons]
    assert "Paging worked on the first try" in texts
    assert column.add.text() == ""
    column.list.setCurrentRow(column.list.count() - 1)
    column.list.setFocus()
    QTest.keyClick(column.list, Qt.Key.Key_Delete)
    texts = [x.text for x in postmortems.get_postmortem(library, example_id).lessons]
    assert "Paging worked on the first try" not in texts


def test_zoom_by_keyboard(opened: MainWindow, ui_settings: UiSettings) -> None:
    opened.editor.timeline.table.setFocus()
    press(Qt.Key.Key_Equal)
    press(Qt.Key.Key_Equal)
    assert app().font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * 1.3)
    # Everything grows together: plain text (which an application style sheet would keep at its
    # old size), bold labels and the heading.
    assert opened.library_panel.font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * 1.3)
    assert opened.editor.subheading.font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * 1.3)
    when = opened.editor.timeline.moments.cards[EventKind.TRIGGER].when
    assert when.font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * 1.3)
    assert when.font().bold()
    heading = opened.editor.heading.font().pointSizeF()
    assert heading == pytest.approx(BASE_POINT_SIZE * 1.3 * 1.5)
    press(Qt.Key.Key_Minus)
    assert app().font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * 1.15)
    assert ui_settings.zoom == pytest.approx(1.15)
    press(Qt.Key.Key_0)
    assert app().font().pointSizeF() == pytest.approx(BASE_POINT_SIZE)


@pytest.mark.parametrize("theme", list(Theme))
def test_themes_change_the_palette_and_are_remembered(
    window: MainWindow, ui_settings: UiSettings, theme: Theme
) -> None:
    window.theme_actions[theme].trigger()
    window_colour = app().palette().color(QPalette.ColorRole.Window).name()
    assert window_colour == COLOURS[theme].window
    assert ui_settings.theme is theme


def test_full_screen_toggles(window: MainWindow) -> None:
    window.command("view.full_screen").trigger()
    assert window.isFullScreen()
    window.command("view.full_screen").trigger()
    assert not window.isFullScreen()


def test_geometry_is_remembered(qtbot: QtBot, library: Library, ui_settings: UiSettings) -> None:
    first = MainWindow(library, ui_settings)
    first.show()
    first.resize(1100, 720)
    first.readiness_dock.hide()  # a layout choice, remembered with the geometry
    size = first.size()
    close_and_delete(first)
    assert ui_settings.geometry("geometry") is not None
    second = MainWindow(library, ui_settings)
    second.show()
    assert second.size() == size
    assert second.readiness_dock.isHidden()
    close_and_delete(second)


def test_readiness_lists_findings_and_leads_to_them(
    opened: MainWindow, library: Library, example_id: str
) -> None:
    panel = opened.readiness
    assert panel.verdict.text().startswith("Ready to share")
    stored = postmortems.get_postmortem(library, example_id)
    trigger = next(e for e in stored.timeline if e.kind is EventKind.TRIGGER)
    opened.edits.update_events(
        example_id, [trigger], [replace(trigger, kind=EventKind.EVENT)], "Unmark"
    )
    assert panel.verdict.text().startswith("Not ready yet")
    rules = [f.rule for f in panel.findings]
    assert "no-trigger" in rules
    item = panel.list.item(rules.index("no-trigger"))
    panel.list.itemActivated.emit(item)
    assert opened.editor.current_view() is View.TIMELINE
    assert opened.editor.timeline.quick_add.hasFocus()


def test_export_writes_the_interchange_file(
    opened: MainWindow, example_id: str, tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    assert opened.export_to(example_id, str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == documents.example()


def test_switching_library_keeps_each_undo_history_apart(
    window: MainWindow, tmp_path: Path, ui_settings: UiSettings
) -> None:
    window.new_postmortem(PostmortemKind.INCIDENT)
    other = tmp_path / "other.pmdesk"
    assert window.switch_library(str(other))
    assert window.library_panel.model.rowCount() == 0
    assert not window.command("edit.undo").isEnabled()
    assert ui_settings.recent_libraries[0] == str(other)


def test_a_broken_library_is_refused_with_a_message(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(window, "report", lambda _title, text: shown.append(text))
    before = window.library
    bad = tmp_path / "bad.pmdesk"
    bad.write_bytes(b"not a database at all" * 50)
    assert not window.switch_library(str(bad))
    assert "not a pmdesk library" in shown[0]
    assert window.library is before  # the open library stays open


def test_the_app_icon_is_found_and_renders() -> None:
    from pmdesk.ui.resources import app_icon

    icon = app_icon()
    assert not icon.isNull()
    image = icon.pixmap(64, 64).toImage()
    assert image.width() == 64 and image.pixelColor(32, 8).alpha() > 0  # the blue frame


def test_smoke_run_opens_a_view_and_saves_a_screenshot(tmp_path: Path, fixture_file: Path) -> None:
    db = tmp_path / "library.pmdesk"
    imported = subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "import", str(fixture_file)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    shot = tmp_path / "window.png"
    result = subprocess.run(
        [
            sys.executable,
            "main.py",
            "--db",
            str(db),
            "--smoke",
            "--open",
            imported.stdout.strip()[:8],
            "--view",
            "timeline",
            "--screenshot",
            str(shot),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert image.width() >= 800 and image.height() >= 500


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--open", "ffffffff"], "No postmortem"), (["--view", "meeting"], "meeting mode")],
)
def test_smoke_run_with_bad_arguments_exits_2(tmp_path: Path, args: list[str], words: str) -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(tmp_path / "l.pmdesk"), "--smoke", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2 and words in result.stderr


def test_smoke_run_on_a_broken_library_exits_2_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pmdesk"
    bad.write_bytes(b"\x00\x01 definitely not sqlite" * 100)
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(bad), "--smoke"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "not a pmdesk library" in result.stderr and "Traceback" not in result.stderr


def test_the_time_zone_list_is_filled_when_reached_for(opened: MainWindow) -> None:
    zone = opened.editor.overview.timezone
    assert zone.currentText() == "Europe/Berlin"
    zone.setFocus()
    assert zone.count() > 400
    assert zone.currentText() == "Europe/Berlin"
    completer = zone.completer()
    assert completer is not None
    completer.setCompletionPrefix("berl")
    assert completer.currentCompletion() == "Europe/Berlin"


def test_a_time_zone_is_checked_before_it_is_stored(
    opened: MainWindow, library: Library, example_id: str
) -> None:
    zone = opened.editor.overview.timezone
    line = zone.lineEdit()
    assert line is not None
    line.setText("Mars/Olympus_Mons")
    line.editingFinished.emit()
    _title, message = opened.reported[-1]  # type: ignore[attr-defined]
    assert "IANA" in message or "time zone" in message
    assert postmortems.get_postmortem(library, example_id).timezone == "Europe/Berlin"
    assert zone.currentText() == "Europe/Berlin"
    line.setText("America/New_York")
    line.editingFinished.emit()
    assert postmortems.get_postmortem(library, example_id).timezone == "America/New_York"
    # the timeline follows the zone
    assert opened.editor.timeline.model.data(opened.editor.timeline.model.index(0, 0)) == "08:05"


def test_without_a_display_the_app_says_what_to_do(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(tmp_path / "l.pmdesk")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no display" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr
