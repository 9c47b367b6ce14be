"""The window's start-up: its frame paints before the storage layer is imported, the library
follows, and each section of a postmortem is made the first time it is shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.settings import UiSettings
from pmdesk.ui.views import View
from tests.conftest import REPO
from tests.ui.conftest import close_and_delete, show_active

# What the window's first paint must do without: the storage layer and all it brings, the report,
# the sections' code.
NOT_AT_FIRST_PAINT = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "reportlab",
    "pmdesk.storage.library",
    "pmdesk.storage.repository",
    "pmdesk.services.postmortems",
    "pmdesk.services.search",
    "pmdesk.services.copy_library",
    "pmdesk.services.similar",
    "pmdesk.domain.similarity",
    "pmdesk.interchange.slack",
    "pmdesk.report.pdf",
    "pmdesk.ui.editor",
    "pmdesk.ui.library_panel",
    "pmdesk.ui.timeline.section",
    "pmdesk.ui.causes.section",
    "pmdesk.ui.actions.section",
)


def run_app(
    library: Path, tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run(
        [sys.executable, "-m", "tests.ui.startup_child", "--db", str(library), "--smoke", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    modules = json.loads(result.stderr.strip().splitlines()[-1])
    return result, modules


def loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(f"{name}.") for m in modules)


@pytest.fixture
def stored(tmp_path: Path, fixture_file: Path) -> tuple[Path, str]:
    """A library file with the example postmortem in it, closed again; and its id."""
    from pmdesk.storage.library import open_library

    path = tmp_path / "library.pmdesk"
    with open_library(path) as library:
        (postmortem_id,) = postmortems.import_files(library, [fixture_file]).postmortem_ids
    return path, postmortem_id


def test_the_frame_paints_before_the_storage_layer_is_imported(
    tmp_path: Path, stored: tuple[Path, str]
) -> None:
    path, _ = stored
    result, modules = run_app(path, tmp_path)
    assert result.returncode == 0, result.stderr
    early = [name for name in NOT_AT_FIRST_PAINT if loaded(modules["first_paint"], name)]
    assert early == []
    # The library came after: listed, then the run ended. No postmortem was open, so no
    # section was made; nor was any PDF code needed.
    assert loaded(modules["end"], "sqlalchemy") and loaded(
        modules["end"], "pmdesk.ui.library_panel"
    )
    assert not loaded(modules["end"], "reportlab")
    assert not loaded(modules["end"], "pmdesk.ui.timeline.section")
    # Nor, with nothing open, the readiness rules, the ranking of similar incidents or the
    # search (they load with the first postmortem shown, or the first search).
    for later in ("pmdesk.domain.readiness", "pmdesk.services.similar", "pmdesk.services.search"):
        assert not loaded(modules["end"], later), later


def test_opening_on_a_section_makes_that_section_alone(
    tmp_path: Path, stored: tuple[Path, str]
) -> None:
    path, postmortem_id = stored
    result, modules = run_app(path, tmp_path, "--open", postmortem_id, "--view", "timeline")
    assert result.returncode == 0, result.stderr
    end = modules["end"]
    assert loaded(end, "pmdesk.ui.timeline.section")
    assert not loaded(end, "pmdesk.ui.causes.section")
    assert not loaded(end, "pmdesk.ui.actions.section")
    assert not loaded(end, "pmdesk.ui.overview_view")  # the library's charts


def test_the_frame_offers_only_what_needs_no_library(
    qtbot: QtBot, ui_settings: UiSettings, library: Library
) -> None:
    frame = MainWindow(settings=ui_settings)
    frame.show_opening("/somewhere/team.pmdesk")
    show_active(qtbot, frame)
    assert frame.opening.label.text() == "Opening the library…"
    assert "opening /somewhere/team.pmdesk" in frame.windowTitle()
    # A server's address is named, its password never.
    frame.show_opening("postgresql+psycopg://dana:hunter2@db.example.com/postmortems")
    shown = frame.windowTitle() + frame.statusBar().currentMessage()
    assert "dana:***@db.example.com/postmortems" in shown and "hunter2" not in shown
    enabled = {name for name, action in frame.commands.items() if action.isEnabled()}
    assert {"file.quit", "view.zoom_in", "view.zoom_out", "help.shortcuts"} <= enabled
    assert not enabled & {"file.new_incident", "file.import", "file.open_library", "edit.find"}
    # A key of a command that needs the library does nothing yet, and breaks nothing.
    QTest.keyClick(frame, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(frame, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert not frame.attached
    # Zoom works while the library opens, and stays when it has come.
    QTest.keyClick(frame, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert frame.zoom > 1.0

    frame.attach(library)
    assert frame.attached and frame.zoom > 1.0
    assert frame.command("file.new_incident").isEnabled()
    assert not frame.command("file.export").isEnabled()  # no postmortem open yet
    assert frame.windowTitle() == "pmdesk — library.pmdesk"
    QTest.keyClick(frame, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is frame.library_panel.filter_edit
    close_and_delete(frame)


def test_a_section_is_made_the_first_time_it_is_shown(opened: MainWindow, qtbot: QtBot) -> None:
    editor = opened.editor
    made = set(editor._sections)
    assert View.CAUSES not in made and View.LESSONS not in made
    opened.setFocus()
    QTest.keyClick(opened, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert View.CAUSES in editor._sections
    assert editor.current_view() is View.CAUSES
    # Made with the open postmortem in it, and the keyboard on its tree.
    assert editor.causes.tree.model().rowCount() > 0
    assert QApplication.focusWidget() is editor.causes.tree
    # A section made later still follows the postmortem's edits, as the others do.
    QTest.keyClick(opened, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is editor.entry(View.LESSONS)
