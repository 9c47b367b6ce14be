"""The GUI tests run where they were asked to: on Qt's offscreen platform with a desktop-sized
screen (tests/conftest.py), or on a real X display with Qt's xcb platform (`scripts/test --xcb`,
as CI does too). A run meant for a real display that fell back to offscreen would show none of
what only a real display shows: focus without a window manager, X11's keys, window sizes."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QApplication


def test_the_gui_runs_on_the_platform_asked_for(qapp: QApplication) -> None:
    asked = os.environ["QT_QPA_PLATFORM"].partition(":")[0]
    assert QApplication.platformName() == asked
    if asked == "xcb":
        assert os.environ.get("DISPLAY")


def test_the_screen_is_the_size_of_a_desktop(qapp: QApplication) -> None:
    screen = QApplication.primaryScreen()
    assert screen is not None
    size = screen.size()
    assert size.width() >= 1280 and size.height() >= 800, size
