"""Zoom keeps the window on its screen and Ctrl+0 gives back its size at 100%; `--smoke --size
WxH --zoom PCT` paints the window at exactly that size and zoom, for layouts to be checked."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from pmdesk.cli import build_parser, run
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from tests.conftest import REPO
from tests.ui.conftest import show_active

CTRL = Qt.KeyboardModifier.ControlModifier


def within(inner: QRect, outer: QRect) -> bool:
    return outer.contains(inner.topLeft()) and outer.contains(inner.bottomRight())


def test_zooming_in_keeps_the_window_on_its_screen_and_ctrl_0_gives_its_size_back(
    qtbot: QtBot, opened: MainWindow
) -> None:
    opened.resize(1500, 800)
    opened.move(QPoint(400, 100))  # near the right edge of the 1920-wide screen
    show_active(qtbot, opened)
    opened.editor.show_view(View.CAUSES)
    room = opened.screen().availableGeometry()
    for _ in range(5):  # 115, 130, 150, 175, 200%
        QTest.keyClick(opened, Qt.Key.Key_Equal, CTRL)
        assert within(opened.frameGeometry(), room), (opened.zoom, opened.frameGeometry())
    assert opened.zoom == 2.0
    # The lessons' columns, made now at 200%, need more room than any other section: the
    # window stays on its screen as it grows.
    QTest.keyClick(opened, Qt.Key.Key_6, CTRL)
    assert opened.editor.current_view() is View.LESSONS
    assert within(opened.frameGeometry(), room), opened.frameGeometry()
    # Too narrow for them at 200%, the side panels folded to strips; brought back, they make
    # the window grow, and it stays on its screen all the same.
    QTest.keyClick(opened, Qt.Key.Key_B, CTRL)
    QTest.keyClick(opened, Qt.Key.Key_B, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert opened.library_panel.isVisible() and opened.readiness_dock.isVisible()
    assert within(opened.frameGeometry(), room), opened.frameGeometry()
    assert opened.width() > 1500
    QTest.keyClick(opened, Qt.Key.Key_0, CTRL)
    assert opened.zoom == 1.0
    assert opened.size() == QSize(1500, 800)
    assert within(opened.frameGeometry(), room)


def test_zoom_given_on_the_command_line_is_not_kept_for_next_time(
    qtbot: QtBot, opened: MainWindow
) -> None:
    opened.settings.zoom = 1.0
    opened.set_zoom(1.5, remember=False)
    assert opened.zoom == 1.5 and opened.settings.zoom == 1.0
    opened.set_zoom(1.0)


@pytest.mark.parametrize(
    ("argument", "value", "words"),
    [
        ("--size", "1366x768", None),
        ("--size", "1366 X 768", None),
        ("--size", "wide", "is not a window size"),
        ("--size", "100x100", "each side 320 to 16,384"),
        ("--zoom", "150", None),
        ("--zoom", "150%", None),
        ("--zoom", "1000", "a percentage from 50 to 400"),
        ("--zoom", "big", "is not a zoom"),
    ],
)
def test_size_and_zoom_arguments_are_read_or_refused_with_what_to_give(
    argument: str, value: str, words: str | None
) -> None:
    if words is None:
        parsed = build_parser().parse_args([argument, value, "--smoke"])
        assert (parsed.size, parsed.zoom) in (((1366, 768), None), (None, 1.5))
        return
    out, err = io.StringIO(), io.StringIO()
    assert run([argument, value, "--smoke"], out, err) == 2
    assert words in err.getvalue() and f"argument {argument}" in err.getvalue()


def smoke(db: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "--smoke", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.fixture
def imported(tmp_path: Path, fixture_file: Path) -> tuple[Path, str]:
    db = tmp_path / "library.pmdesk"
    done = subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "import", str(fixture_file)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return db, done.stdout.strip()


@pytest.mark.parametrize(
    ("size", "zoom"), [((1366, 768), "100"), ((1280, 720), "150"), ((1920, 1080), "200")]
)
def test_a_smoke_screenshot_is_exactly_the_size_asked_at_the_zoom_asked(
    imported: tuple[Path, str], tmp_path: Path, size: tuple[int, int], zoom: str
) -> None:
    db, postmortem_id = imported
    shot = tmp_path / "causes.png"
    result = smoke(
        db,
        *("--size", f"{size[0]}x{size[1]}", "--zoom", zoom),
        *("--open", postmortem_id, "--view", "causes", "--screenshot", str(shot)),
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == size


def test_a_size_the_layout_cannot_take_is_said_and_no_screenshot_is_saved(
    imported: tuple[Path, str], tmp_path: Path
) -> None:
    db, postmortem_id = imported
    shot = tmp_path / "small.png"
    result = smoke(
        db, "--size", "400x320", "--zoom", "300", "--open", postmortem_id, "--screenshot", str(shot)
    )
    assert result.returncode == 2
    assert "cannot be 400x320 at this zoom; the least it can be is" in result.stderr
    assert not shot.exists()
