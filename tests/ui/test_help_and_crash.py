"""The Help menu, the crash dialog and its log, and the first run's sample postmortem."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from pmdesk import __version__
from pmdesk.domain.model import Lesson, LessonKind
from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from pmdesk.ui import empty_page
from pmdesk.ui.crash import SAFE, CrashHandler, write_crash_log
from pmdesk.ui.crash_dialog import CrashDialog
from pmdesk.ui.main_window import MainWindow
from tests.conftest import REPO


@dataclass
class Shown:
    calls: list[tuple[str, Path | None, str, int]] = field(default_factory=list)
    quit: bool = False

    def __call__(self, what: str, log: Path | None, details: str) -> bool:
        self.calls.append((what, log, details, threading.get_ident()))
        return self.quit


def boom() -> None:
    raise ValueError("the flux capacitor is <b>off</b>")


def caught() -> tuple[type[BaseException], BaseException, object]:
    try:
        boom()
    except ValueError as error:
        return type(error), error, error.__traceback__
    raise AssertionError("boom did not raise")


def test_a_crash_is_logged_with_versions_and_the_trace(tmp_path: Path) -> None:
    kind, error, tb = caught()
    path = write_crash_log((kind, error, tb), tmp_path / "log")  # type: ignore[arg-type]
    text = path.read_text(encoding="utf-8")
    assert path.parent == tmp_path / "log" and path.name.startswith("crash-")
    assert f"pmdesk {__version__} crashed at" in text
    assert "PySide6" in text and "Python" in text
    assert "in boom" in text and "ValueError: the flux capacitor is <b>off</b>" in text


def test_the_handler_logs_then_shows_one_dialog_and_quits_only_if_asked(
    qtbot: QtBot, tmp_path: Path
) -> None:
    shown, quits = Shown(), []
    handler = CrashHandler(tmp_path, shown, lambda: quits.append(True))
    handler.handle(*caught())  # type: ignore[arg-type]
    QApplication.processEvents()
    (what, log, details, _thread) = shown.calls[0]
    assert what == "ValueError: the flux capacitor is <b>off</b>"
    assert log is not None and log.is_file() and log == handler.logs[0]
    assert "Traceback" in details
    assert quits == []
    shown.quit = True
    handler.handle(*caught())  # type: ignore[arg-type]
    QApplication.processEvents()
    assert len(shown.calls) == 2 and quits == [True]
    assert len(list(tmp_path.glob("crash-*.log"))) == 2


def test_errors_while_the_dialog_is_open_are_logged_but_not_shown_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    calls: list[str] = []
    handler = CrashHandler(tmp_path, lambda what, log, details: False)

    def show_and_fail_again(what: str, log: Path | None, details: str) -> bool:
        calls.append(what)
        handler.handle(*caught())  # type: ignore[arg-type]
        QApplication.processEvents()  # the second report arrives while this one is open
        return False

    handler.show = show_and_fail_again
    handler.handle(*caught())  # type: ignore[arg-type]
    QApplication.processEvents()
    assert len(calls) == 1
    assert len(handler.logs) == 2


def test_a_crash_in_another_thread_is_shown_in_the_gui_thread(qtbot: QtBot, tmp_path: Path) -> None:
    shown = Shown()
    handler = CrashHandler(tmp_path, shown, lambda: None)
    handler.install()
    try:
        worker = threading.Thread(target=boom)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(shown.calls))
    finally:
        handler.uninstall()
    assert shown.calls[0][3] == threading.get_ident()
    assert threading.excepthook is not handler._handle_thread


@pytest.mark.qt_no_exception_capture
def test_a_crash_in_a_slot_leaves_every_finished_edit_on_disk(
    qtbot: QtBot, opened: MainWindow, example_id: str, tmp_path: Path
) -> None:
    lesson = Lesson(LessonKind.WENT_WELL, "Paging worked on the first try")
    assert opened.edits.add_lesson(example_id, lesson)
    shown = Shown()
    handler = CrashHandler(tmp_path / "log", shown, lambda: None)
    previous = sys.excepthook
    handler.install()
    try:
        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: bool(shown.calls))
    finally:
        handler.uninstall()
    assert sys.excepthook is previous
    assert shown.calls[0][1] is not None and shown.calls[0][1].parent == tmp_path / "log"
    # A second connection to the same file sees the edit made before the crash.
    assert opened.library.path is not None
    with open_library(opened.library.path) as again:
        texts = [x.text for x in postmortems.get_postmortem(again, example_id).lessons]
    assert lesson.text in texts


def test_the_crash_dialog_says_data_is_safe_and_offers_to_go_on_or_quit(
    qtbot: QtBot, tmp_path: Path
) -> None:
    log = tmp_path / "crash-1.log"
    dialog = CrashDialog("ValueError: nope", log, "Traceback …\nValueError: nope")
    qtbot.addWidget(dialog)
    dialog.show()
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.what)))
    assert SAFE in texts and str(log) in texts and "ValueError: nope" in texts
    dialog.copy.click()
    assert QGuiApplication.clipboard().text().endswith("ValueError: nope")
    dialog.quit.click()
    assert dialog.quit_chosen and dialog.result() == 0
    kept = CrashDialog("x", None, "y")
    qtbot.addWidget(kept)
    assert not kept.folder.isEnabled()
    kept.show()
    kept.keep.click()
    assert not kept.quit_chosen and kept.result() == 1


def test_the_shortcut_sheet_lists_menu_and_editor_keys_and_filters(window: MainWindow) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    keys = [a for a in help_menu.actions() if a.text() == "&Keyboard shortcuts"]
    assert keys and keys[0].shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    sheet = window.show_shortcuts()
    rows = sheet.visible_rows()
    assert ("Undo", "Ctrl+Z") in rows
    assert ("Redo", "Ctrl+Shift+Z, Ctrl+Y") in rows
    assert ("Meeting mode", "F5") in rows
    sheet.filter.setText("ctrl+m")
    assert sheet.visible_rows() == [("mark systemic: where the asking stops", "Ctrl+M")]
    sheet.filter.setText("meeting")
    assert ("park an off-topic point", "Ctrl+L") in sheet.visible_rows()
    sheet.filter.setText("no such thing")
    assert sheet.visible_rows() == []
    sheet.close()


def test_about_names_the_version_and_the_library(window: MainWindow) -> None:
    about = window.show_about()
    assert about.title.text() == f"pmdesk {__version__}"
    assert window.library.location in about.library.text()
    about.close()


def test_an_empty_library_offers_the_sample_and_undo_takes_it_back(window: MainWindow) -> None:
    page = window.placeholder
    assert page.sample.isVisibleTo(window) and "empty" in page.text.text()
    opened_id = None
    page.sample.click()
    opened_id = window.current_id()
    assert opened_id is not None
    sample = postmortems.get_postmortem(window.library, opened_id)
    assert sample.title.startswith("Empty search results")
    assert sample.meeting is not None and sample.meeting.decisions
    assert not page.sample.isVisibleTo(window)
    window.command("edit.undo").trigger()
    assert postmortems.list_postmortems(window.library) == []
    assert window.center.currentWidget() is page and page.sample.isVisibleTo(window)


def test_a_missing_sample_is_reported_not_raised(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(empty_page, "sample_path", lambda: tmp_path / "gone.json")
    assert window.open_sample() is None
    (title, message) = window.reported[-1]  # type: ignore[attr-defined]
    assert "sample" in title and "Reinstall" in message
    assert postmortems.list_postmortems(window.library) == []


def test_version_on_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "--version"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == f"pmdesk {__version__}"
