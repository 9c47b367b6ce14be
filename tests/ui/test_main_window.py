"""The library window: lists what is stored, filters, imports, and paints headless."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import PostmortemKind, PostmortemStatus, PostmortemSummary, Severity
from pmdesk.storage.library import Library, open_library
from pmdesk.ui.library_model import ID_ROLE, SORT_ROLE, Column, LibraryModel
from pmdesk.ui.main_window import MainWindow
from tests import documents
from tests.conftest import REPO


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with open_library(tmp_path / "library.pmdesk") as opened:
        yield opened


@pytest.fixture
def window(qtbot: QtBot, library: Library) -> MainWindow:
    shown = MainWindow(library)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


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


def test_library_model_passes_the_model_tester(qtbot: QtBot) -> None:
    model = LibraryModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_summaries([summary(n, datetime(2026, 3, n, tzinfo=UTC)) for n in range(1, 6)])
    model.set_summaries([summary(7, None)])
    index = model.index(0, Column.STARTED)
    assert model.data(index) == "—"
    assert model.data(index, SORT_ROLE) == 0.0
    assert model.data(model.index(0, Column.TITLE), ID_ROLE) == "id7"
    assert model.data(model.index(0, Column.OPEN_ACTIONS)) == "7"


def test_an_empty_library_says_how_to_start(window: MainWindow) -> None:
    assert window.stack.currentWidget() is window.empty_label
    assert "No postmortems yet" in window.empty_label.text()
    assert window.statusBar().currentMessage().startswith("0 postmortems in ")


def test_import_lists_the_postmortem(window: MainWindow, fixture_file: Path) -> None:
    (postmortem_id,) = window.import_files([str(fixture_file)])
    assert window.stack.currentWidget() is window.table
    proxy = window.proxy
    assert proxy.rowCount() == 1
    assert proxy.data(proxy.index(0, Column.TITLE)).startswith("Checkout errors")
    assert proxy.data(proxy.index(0, Column.STARTED)) == "2026-03-02 14:05"
    assert proxy.data(proxy.index(0, Column.TITLE), ID_ROLE) == postmortem_id
    assert window.statusBar().currentMessage().startswith("1 postmortem in ")


def test_filter_narrows_the_list(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    paths = []
    for title in ("Checkout outage", "DNS near miss", "Checkout latency"):
        document = documents.example()
        document["postmortem"]["title"] = title
        path = tmp_path / f"{title}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(str(path))
    window.import_files(paths)
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_edit.hasFocus()
    QTest.keyClicks(window.filter_edit, "checkout")
    assert window.proxy.rowCount() == 2
    window.filter_edit.clear()
    assert window.proxy.rowCount() == 3


def test_a_bad_file_shows_why_and_imports_nothing(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "pmdesk", "version": 3}', encoding="utf-8")
    assert window.import_files([str(bad)]) == []
    assert len(shown) == 1 and "newer pmdesk" in shown[0]
    assert window.model.rowCount() == 0


def test_smoke_run_paints_and_saves_a_screenshot(tmp_path: Path, fixture_file: Path) -> None:
    db = tmp_path / "library.pmdesk"
    subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "import", str(fixture_file)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    shot = tmp_path / "window.png"
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "--smoke", "--screenshot", str(shot)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert image.width() >= 800 and image.height() >= 500


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


def test_the_app_icon_is_found_and_renders() -> None:
    from pmdesk.ui.resources import app_icon

    icon = app_icon()
    assert not icon.isNull()
    image = icon.pixmap(64, 64).toImage()
    assert image.width() == 64 and image.pixelColor(32, 8).alpha() > 0  # the blue frame
