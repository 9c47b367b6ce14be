"""A real library file and a real main window for each GUI test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.services import postmortems
from pmdesk.storage.library import Library, open_library
from pmdesk.ui.collector import GuiThreadCollector
from pmdesk.ui.conflicts import Conflict
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.settings import UiSettings
from pmdesk.ui.themes import BASE_POINT_SIZE, Theme, apply_theme, apply_zoom


@pytest.fixture(scope="session", autouse=True)
def collect_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app: cycles holding Qt objects are collected on the GUI thread, never in a
    worker thread that happened to allocate (see pmdesk/ui/collector.py)."""
    collector = GuiThreadCollector()
    collector.install()
    yield
    collector.uninstall()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with open_library(tmp_path / "library.pmdesk") as opened:
        yield opened


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


def show_active(qtbot: QtBot, shown: QWidget) -> None:
    """Show a window and give it the keyboard, as a desktop's window manager does with a window
    that opens. On a real display both happen later, when the X server says so; and Xvfb has no
    window manager, so the window is active only once asked. (A bare `qtbot.waitExposed(w)`,
    outside a `with`, waits for nothing; and `qtbot.waitActive` takes a dialog for active as
    soon as the window it belongs to is.)"""
    with qtbot.waitExposed(shown):
        shown.show()
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow)


def close_and_delete(window: MainWindow) -> None:
    """Close and really delete a window, so later tests do not restyle a pile of old ones."""
    window.close()
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture
def window(qtbot: QtBot, library: Library, ui_settings: UiSettings) -> Iterator[MainWindow]:
    shown = MainWindow(library, ui_settings)
    # A modal message box would wait forever for a click: collect the messages instead.
    reported: list[tuple[str, str]] = []
    shown.report = lambda title, message: reported.append((title, message))  # type: ignore[method-assign]
    shown.reported = reported  # type: ignore[attr-defined]
    # Nor may the question after a refused edit wait: a test that expects one answers it.

    def refuse(conflict: Conflict) -> bool:
        reported.append(("Conflict", conflict.message))
        return False

    shown.ask_apply_again = refuse
    show_active(qtbot, shown)
    yield shown
    # No edit of a test was refused as made on an outdated item unless the test made it so.
    assert [m for title, m in reported if title == "Conflict"] == []
    close_and_delete(shown)
    # The theme and zoom are application-wide: put them back for the next test.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, Theme.LIGHT)
    apply_zoom(app, 1.0)
    assert app.font().pointSizeF() == BASE_POINT_SIZE


@pytest.fixture
def example_id(library: Library, fixture_file: Path) -> str:
    (postmortem_id,) = postmortems.import_files(library, [fixture_file]).postmortem_ids
    return postmortem_id


@pytest.fixture
def opened(window: MainWindow, example_id: str) -> MainWindow:
    window.refresh_library()
    assert window.open_postmortem(example_id)
    return window
