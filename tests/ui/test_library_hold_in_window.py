"""What a user typing into the window sees when the library's files are taken from under it.

The timeline's quick-add line is the edit a scribe makes most: typed, Enter. If pmdesk's hold on
the library was lost before (another program in the process read the file, and another process
then removed its "-wal"), the event must still reach the disk; if it was lost during the save, the
user is told and the window shows what is stored.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import Connection

from pmdesk.storage.held_files import holds_shared_lock
from pmdesk.storage.library import Library
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.settings import UiSettings
from pmdesk.ui.timeline.section import TimelineSection
from tests.conftest import REPO
from tests.storage.test_library_hold import (
    OPEN_AND_CLOSE,
    another_process,
    drop_the_locks_as_a_careless_reader_would,
    seen_from_outside,
)
from tests.ui.test_timeline import type_line

pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="the lock checks read Linux's /proc/locks"
)

EVENTS_SEEN_FROM_OUTSIDE = """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    for (text,) in conn.execute("SELECT text FROM timeline_events ORDER BY text"):
        print(text)
    conn.close()
"""


@pytest.fixture
def section(opened: MainWindow) -> TimelineSection:
    opened.editor.show_view(View.TIMELINE)
    return opened.editor.timeline


def events_on_disk(path: Path) -> list[str]:
    return another_process(EVENTS_SEEN_FROM_OUTSIDE, str(path)).splitlines()


def test_an_event_typed_after_the_hold_was_lost_reaches_the_disk(
    section: TimelineSection, library: Library, opened: MainWindow
) -> None:
    assert library.path is not None
    drop_the_locks_as_a_careless_reader_would(library.path)
    another_process(OPEN_AND_CLOSE, str(library.path))  # removes the -wal pmdesk wrote to
    type_line(section, "14:55 Rollback verified on all regions")
    assert "Rollback verified on all regions" in events_on_disk(library.path)
    assert holds_shared_lock(library.path) is True
    assert opened.reported == []  # type: ignore[attr-defined]
    assert seen_from_outside(library.path)[0] == "ok"


def test_an_event_saved_while_the_wal_went_away_is_reported_and_the_window_reloads(
    section: TimelineSection,
    library: Library,
    opened: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert library.path is not None
    path = library.path
    real = Library.transaction

    @contextmanager
    def taken_from_under_it(self: Library) -> Iterator[Connection]:
        with real(self) as conn:
            yield conn
            drop_the_locks_as_a_careless_reader_would(path)
            another_process(OPEN_AND_CLOSE, str(path))

    monkeypatch.setattr(Library, "transaction", taken_from_under_it)
    rows_before = section.model.rowCount()
    type_line(section, "14:55 Rollback verified on all regions")
    monkeypatch.setattr(Library, "transaction", real)
    titles = [title for title, _ in opened.reported]  # type: ignore[attr-defined]
    assert titles == ["The library could not be changed"]
    message = opened.reported[0][1]  # type: ignore[attr-defined]
    assert "lost its hold on the library" in message
    assert "make it again if it is missing" in message
    # The window shows what the library holds, whichever way the save went; no undo step.
    on_disk = events_on_disk(path)
    shown = [section.model.index(row, 0).data() for row in range(section.model.rowCount())]
    assert section.model.rowCount() in (rows_before, rows_before + 1)
    assert (section.model.rowCount() == rows_before + 1) == (
        "Rollback verified on all regions" in on_disk
    ), shown
    assert not opened.workspace.undo_stack.canUndo()
    # What was typed stays in the line, not lost; typed over, the next event lands.
    assert section.quick_add.text() == "14:55 Rollback verified on all regions"
    QTest.keyClick(section.quick_add, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_line(section, "14:56 Rollback verified again")
    assert "Rollback verified again" in events_on_disk(path)
    assert seen_from_outside(path)[0] == "ok"


def test_opening_the_open_library_again_from_the_recent_menu_keeps_its_lock(
    window: MainWindow, library: Library, ui_settings: UiSettings
) -> None:
    assert library.path is not None
    path = library.path
    ui_settings.remember_library(str(path))
    window.recent_menu.aboutToShow.emit()  # what opening File ▸ Recent libraries does
    (entry,) = [a for a in window.recent_menu.actions() if a.text() == str(path)]
    entry.trigger()
    assert window.library is not library and window.library.path == path
    assert holds_shared_lock(path) is True
    another_process(OPEN_AND_CLOSE, str(path))
    assert path.with_name(path.name + "-wal").exists()  # the other process saw it was not last
    # A new incident, made from the button, is on disk and the library intact.
    QTest.mouseClick(window.library_panel.new_incident, Qt.MouseButton.LeftButton)
    check, titles = seen_from_outside(path)
    assert check == "ok"
    assert len(titles) == 1


def test_a_screenshot_is_never_saved_over_the_open_library(tmp_path: Path) -> None:
    db = tmp_path / "library.pmdesk"
    closed = subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "list"], cwd=REPO, check=True, timeout=60
    )
    assert closed.returncode == 0
    before = db.read_bytes()
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "--smoke", "--screenshot", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "is the library pmdesk has open" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before
