"""File ▸ Export learning review, as the user reaches it: the menu entry, the period dialog
driven by keys, the file dialog, and the review written in the background."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.report.audience import Audience
from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui import review_export
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.review_export import ReviewDialog
from pmdesk.ui.settings import UiSettings
from tests.ui.conftest import close_and_delete, show_active
from tests.ui.test_file_dialogs import choose

COMMAND = "file.export_learning_review"
PARTICIPANT = "Dana Okafor"


def reported(window: MainWindow) -> list[tuple[str, str]]:
    messages: list[tuple[str, str]] = window.reported  # type: ignore[attr-defined]
    return messages


def when_the_dialog_opens(handle: Callable[[ReviewDialog], None]) -> list[ReviewDialog]:
    """Hand the period dialog to `handle` once it is up and has the keyboard."""
    seen: list[ReviewDialog] = []
    tries = iter(range(500))

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        ready = isinstance(dialog, ReviewDialog) and dialog.isVisible()
        if not isinstance(dialog, ReviewDialog) or not ready or not dialog.isActiveWindow():
            if next(tries, None) is not None:
                QTimer.singleShot(10, look)
            return
        seen.append(dialog)
        try:
            handle(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, look)
    return seen


def focused() -> QWidget:
    field = QApplication.focusWidget()
    assert field is not None
    return field


def type_into_focus(text: str) -> None:
    """Replace the focused field's text, as typed."""
    field = focused()
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(field, text)


def review_period(
    first: str, last: str, stakeholders: bool = False
) -> Callable[[ReviewDialog], None]:
    def fill(dialog: ReviewDialog) -> None:
        assert QApplication.focusWidget() is dialog.from_edit
        type_into_focus(first)
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.to_edit
        type_into_focus(last)
        if stakeholders:
            QTest.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
            assert focused() is dialog.audience_box
            QTest.keyClick(focused(), Qt.Key.Key_Down)
            assert dialog.audience() is Audience.STAKEHOLDERS
        QTest.keyClick(focused(), Qt.Key.Key_Return)

    return fill


def export_through_the_menu(
    qtbot: QtBot, window: MainWindow, target: Path, stakeholders: bool = False
) -> None:
    seen = when_the_dialog_opens(review_period("2026-q1", "2026-Q1", stakeholders))
    choose(qtbot, target)
    window.command(COMMAND).trigger()
    assert seen, "no period dialog came"
    writer = review_export.exporter(window)
    qtbot.waitUntil(lambda: target.exists() and not writer.busy, timeout=20_000)
    qtbot.waitUntil(lambda: not window.report_progress.isVisible())
    assert window.statusBar().currentMessage() == f"Learning review written to {target}"
    assert writer.last_thread_id not in (None, threading.get_ident())
    assert reported(window) == []


def test_the_period_dialog_opens_on_the_last_full_quarter(qtbot: QtBot, window: MainWindow) -> None:
    shown: list[tuple[str, str, str, bool]] = []

    def look(dialog: ReviewDialog) -> None:
        shown.append(
            (
                dialog.from_edit.text(),
                dialog.to_edit.text(),
                dialog.period_label.text(),
                dialog.ok.isEnabled(),
            )
        )

    when_the_dialog_opens(look)
    window.command(COMMAND).trigger()  # with no postmortem open: it is the library's review
    quarter = review_export.last_full_quarter(date.today())
    assert shown and shown[0][:2] == (quarter, quarter) and shown[0][3]
    assert shown[0][2].startswith(quarter.replace("-", " ") + ": ")

    dialog = ReviewDialog(date(2026, 12, 8))
    qtbot.addWidget(dialog)
    assert (dialog.from_edit.text(), dialog.to_edit.text()) == ("2026-Q3", "2026-Q3")
    assert dialog.period_label.text() == "2026 Q3: 1 July \u2013 30 September 2026"
    assert review_export.file_name(*dialog.bounds()) == "learning-review-2026-Q3.pdf"
    assert review_export.file_name("2025-q4", "2026-03") == "learning-review-2025-Q4-to-2026-03.pdf"


def test_a_bound_that_cannot_be_read_disables_ok(qtbot: QtBot) -> None:
    dialog = ReviewDialog(date(2026, 12, 8))
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.from_edit
    type_into_focus("2026-13")
    assert not dialog.ok.isEnabled()
    assert dialog.problem.isVisible() and not dialog.period_label.isVisible()
    assert dialog.problem.property("role") == "error"
    assert "2026-13" in dialog.problem.text()
    QTest.keyClick(dialog.from_edit, Qt.Key.Key_Return)  # Return does not accept it either
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted

    type_into_focus("2026-03")
    assert dialog.ok.isEnabled() and not dialog.problem.isVisible()
    assert dialog.period_label.text() == "1 March \u2013 30 September 2026"
    dialog.to_edit.setFocus()
    type_into_focus("2025")  # ends before it starts
    assert not dialog.ok.isEnabled() and "before it starts" in dialog.problem.text()


def test_a_pdf_and_a_markdown_review_from_the_menu(
    qtbot: QtBot, window: MainWindow, library: Library, fixture_file: Path, tmp_path: Path
) -> None:
    postmortems.import_files(library, [fixture_file])
    window.refresh_library()
    pdf = tmp_path / "out" / "learning-review-2026-Q1.pdf"
    pdf.parent.mkdir()
    export_through_the_menu(qtbot, window, pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    markdown = tmp_path / "out" / "learning-review-2026-Q1.md"
    export_through_the_menu(qtbot, window, markdown)
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("# Learning review · 2026 Q1") and "Prepared for: Team" in text
    assert sorted(p.name for p in pdf.parent.iterdir()) == [markdown.name, pdf.name]


def test_stakeholders_see_roles_never_names(
    qtbot: QtBot, window: MainWindow, library: Library, fixture_file: Path, tmp_path: Path
) -> None:
    document = json.loads(fixture_file.read_text(encoding="utf-8"))
    overdue = next(a for a in document["postmortem"]["actions"] if a["id"] == "a4")
    overdue["owner"] = PARTICIPANT  # a participant's name, listed among overdue actions by owner
    fixture_file.write_text(json.dumps(document), encoding="utf-8")
    postmortems.import_files(library, [fixture_file])
    team, stakeholders = tmp_path / "team.md", tmp_path / "stakeholders.md"
    export_through_the_menu(qtbot, window, team)
    export_through_the_menu(qtbot, window, stakeholders, stakeholders=True)
    assert PARTICIPANT in team.read_text(encoding="utf-8")
    text = stakeholders.read_text(encoding="utf-8")
    assert "Prepared for: Stakeholders" in text and "| facilitator |" in text
    people = [p["name"] for p in document["postmortem"]["participants"] if " team" not in p["name"]]
    assert people and all(name not in text for name in people)


def test_a_review_that_cannot_be_written_is_said(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    missing = tmp_path / "no such folder" / "review.md"
    writer = review_export.exporter(window)
    with qtbot.waitSignal(writer.failed, timeout=60_000):
        assert writer.start(("2026-Q1", "2026-Q1"), missing, Audience.TEAM)
    ((title, message),) = reported(window)
    assert title == "The learning review was not written" and "create the folder" in message
    assert not missing.parent.exists()
    assert not window.report_progress.isVisible()


def test_the_entry_waits_for_the_library(
    qtbot: QtBot, ui_settings: UiSettings, library: Library
) -> None:
    frame = MainWindow(settings=ui_settings)
    frame.show_opening("/somewhere/team.pmdesk")
    show_active(qtbot, frame)
    assert not frame.command(COMMAND).isEnabled()
    frame.attach(library)
    assert frame.command(COMMAND).isEnabled()  # with no postmortem open
    close_and_delete(frame)
