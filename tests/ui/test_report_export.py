"""Reports written from the window: in a worker thread, with progress, and failures said."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from pmdesk.report.contents import Audience
from pmdesk.ui.main_window import MainWindow


def reported(window: MainWindow) -> list[tuple[str, str]]:
    messages: list[tuple[str, str]] = window.reported  # type: ignore[attr-defined]
    return messages


def test_a_report_is_written_off_the_window_thread(
    qtbot: QtBot, opened: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "report.pdf"
    progress: list[tuple[int, int]] = []
    opened.reports.progressed.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(opened.reports.succeeded, timeout=60_000) as finished:
        assert opened.export_report(target, Audience.STAKEHOLDERS)
        assert opened.report_progress.isVisible()  # the window shows the work going on
    assert finished.args == [str(target)]
    assert target.read_bytes().startswith(b"%PDF-")
    assert progress and progress[-1][0] == progress[-1][1]  # counted up to the end
    qtbot.waitUntil(lambda: opened.reports.last_thread_id is not None)
    assert opened.reports.last_thread_id != threading.get_ident()
    assert not opened.report_progress.isVisible()
    assert reported(opened) == []


def test_a_markdown_report_and_a_failed_one(
    qtbot: QtBot, opened: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "report.md"
    with qtbot.waitSignal(opened.reports.succeeded, timeout=60_000):
        opened.export_report(target, Audience.TEAM)
    assert target.read_text(encoding="utf-8").startswith("# Checkout errors")

    missing = tmp_path / "no such folder" / "report.md"
    with qtbot.waitSignal(opened.reports.failed, timeout=60_000):
        opened.export_report(missing, Audience.TEAM)
    ((title, message),) = reported(opened)
    assert title == "The report was not written" and "create the folder" in message
    assert not missing.parent.exists()
