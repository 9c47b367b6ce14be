"""Importing timeline evidence from a CSV file or a Slack export, through the preview dialog."""

from __future__ import annotations

import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QItemSelectionModel, Qt, QTime, QTimeZone
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import EventKind, Postmortem, PostmortemKind, TimelineEvent
from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.timeline.evidence_dialog import ALREADY_THERE, Column, EvidenceDialog
from tests.conftest import FIXTURES
from tests.ui.conftest import show_active

SLACK = FIXTURES / "slack" / "slack-export-viewer-testarchive.zip"

CSV = """time,text,kind,source
2026-03-02 13:58,Payment gateway latency p99 above 2 s,detection,grafana
2026-03-02 14:20,Decide to roll back config 4127,decision,
2026-03-02 14:24,Rollback started,,deploy log
"""


def reported(window: MainWindow) -> list[tuple[str, str]]:
    messages: list[tuple[str, str]] = window.reported  # type: ignore[attr-defined]
    return messages


def stored(library: Library, postmortem_id: str) -> list[TimelineEvent]:
    return postmortems.get_postmortem(library, postmortem_id).timeline


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def show(qtbot: QtBot, dialog: EvidenceDialog) -> None:
    """Shown, not run modally: shortcuts need the dialog to be the active window."""
    show_active(qtbot, dialog)


def select_rows(dialog: EvidenceDialog, *rows: int) -> None:
    selection = dialog.table.selectionModel()
    selection.clear()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(dialog.model.index(row, 0), flags)
    selection.setCurrentIndex(
        dialog.model.index(rows[0], Column.TEXT), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    dialog.table.setFocus()


def shown(dialog: EvidenceDialog, row: int, column: Column) -> object:
    return dialog.model.data(dialog.model.index(row, column))


def wall_clock(moment: datetime) -> QDateTime:
    return QDateTime(
        QDate(moment.year, moment.month, moment.day),
        QTime(moment.hour, moment.minute),
        QTimeZone.utc(),
    )


@pytest.fixture
def dialogs() -> Iterator[list[EvidenceDialog]]:
    """Dialogs to close after the test, so that no reading thread outlives it."""
    made: list[EvidenceDialog] = []
    yield made
    for dialog in made:
        dialog.reject()
        dialog.deleteLater()


@pytest.fixture
def example(opened: MainWindow, library: Library, example_id: str) -> Postmortem:
    return postmortems.get_postmortem(library, example_id)


@pytest.fixture
def empty(window: MainWindow, library: Library) -> Postmortem:
    """A postmortem with no events yet, in Berlin time."""
    postmortem_id = window.edits.create_postmortem(PostmortemKind.INCIDENT)
    assert postmortem_id is not None
    assert window.edits.update_fields(postmortem_id, {"timezone": "Europe/Berlin"}, 1)
    return postmortems.get_postmortem(library, postmortem_id)


def open_dialog(
    window: MainWindow, postmortem: Postmortem, path: Path, dialogs: list[EvidenceDialog]
) -> EvidenceDialog:
    dialog = EvidenceDialog(window.edits, postmortem, path, window)
    dialogs.append(dialog)
    dialog.wait_until_read()
    return dialog


# ---- CSV ----------------------------------------------------------------------------------------


def test_a_csv_file_is_previewed_and_imported_as_one_undoable_step(
    opened: MainWindow,
    library: Library,
    example: Postmortem,
    tmp_path: Path,
    dialogs: list[EvidenceDialog],
) -> None:
    path = write(tmp_path / "timeline.csv", CSV)
    dialog = open_dialog(opened, example, path, dialogs)
    QAbstractItemModelTester(dialog.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert [c.text for c in dialog.candidates()] == [
        "Payment gateway latency p99 above 2 s",
        "Decide to roll back config 4127",
        "Rollback started",
    ]
    assert [c.kind for c in dialog.candidates()] == [
        EventKind.DETECTION,
        EventKind.DECISION,
        EventKind.EVENT,
    ]
    assert dialog.model.headerData(Column.TIME, Qt.Orientation.Horizontal) == "Time (Europe/Berlin)"
    assert shown(dialog, 0, Column.TIME) == "13:58"  # one day: no date
    assert shown(dialog, 0, Column.KIND) == "Detection"
    assert shown(dialog, 1, Column.SOURCE) == "csv timeline.csv"
    assert dialog.summary.text() == "3 rows · 3 to add"
    assert dialog.import_button.text() == "Import 3 events"
    assert not dialog.error.isVisible()

    before = len(example.timeline)
    steps = opened.workspace.undo_stack.count()
    assert dialog.import_checked() == 3
    assert dialog.result() == EvidenceDialog.DialogCode.Accepted
    after = stored(library, example.id)
    assert len(after) == before + 3
    assert {"Rollback started", "Decide to roll back config 4127"} <= {e.text for e in after}
    assert opened.workspace.undo_stack.count() == steps + 1
    assert opened.workspace.undo_stack.undoText() == "Import 3 events from timeline.csv"
    opened.workspace.undo_stack.undo()
    assert [e.text for e in stored(library, example.id)] == [e.text for e in example.timeline]
    assert reported(opened) == []


def test_unticked_rows_are_left_out(
    qtbot: QtBot,
    opened: MainWindow,
    library: Library,
    example: Postmortem,
    tmp_path: Path,
    dialogs: list[EvidenceDialog],
) -> None:
    dialog = open_dialog(opened, example, write(tmp_path / "t.csv", CSV), dialogs)
    show(qtbot, dialog)
    select_rows(dialog, 0, 2)
    QTest.keyClick(dialog.table, Qt.Key.Key_Space)  # both were ticked: both unticked
    assert [c.text for c in dialog.checked()] == ["Decide to roll back config 4127"]
    assert dialog.summary.text() == "3 rows · 1 to add"
    QTest.keyClick(dialog.table, Qt.Key.Key_Space)
    assert len(dialog.checked()) == 3

    dialog.select_none.click()
    assert dialog.checked() == [] and not dialog.import_button.isEnabled()
    assert dialog.import_checked() == 0
    dialog.select_all.click()
    assert len(dialog.checked()) == 3
    # A click on a row's box, as the view passes it to the model.
    first = dialog.model.index(0, Column.ADD)
    assert dialog.model.setData(first, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert dialog.model.data(first, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked

    assert dialog.import_checked() == 2
    texts = {e.text for e in stored(library, example.id)}
    assert "Payment gateway latency p99 above 2 s" not in texts
    assert {"Decide to roll back config 4127", "Rollback started"} <= texts
    assert opened.workspace.undo_stack.undoText() == "Import 2 events from t.csv"


def test_kinds_are_changed_with_the_keyboard_or_the_kind_list(
    qtbot: QtBot,
    opened: MainWindow,
    library: Library,
    example: Postmortem,
    tmp_path: Path,
    dialogs: list[EvidenceDialog],
) -> None:
    dialog = open_dialog(opened, example, write(tmp_path / "t.csv", CSV), dialogs)
    show(qtbot, dialog)
    select_rows(dialog, 1, 2)
    QTest.keyClick(dialog.table, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert [c.kind for c in dialog.checked()] == [
        EventKind.DETECTION,
        EventKind.MITIGATION,
        EventKind.MITIGATION,
    ]
    # F2 opens the list of kinds; choosing one commits it.
    dialog.table.setCurrentIndex(dialog.model.index(0, Column.KIND))
    QTest.keyClick(dialog.table, Qt.Key.Key_F2)
    editor = dialog.table.focusWidget()
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())][:3] == [
        "Event",
        "Trigger",
        "Detection",
    ]
    editor.setCurrentIndex(editor.findData("trigger"))
    editor.activated.emit(editor.currentIndex())
    assert shown(dialog, 0, Column.KIND) == "Trigger"
    assert dialog.candidates()[0].kind is EventKind.TRIGGER

    dialog.import_checked()
    by_text = {e.text: e.kind for e in stored(library, example.id)}
    assert by_text["Payment gateway latency p99 above 2 s"] is EventKind.TRIGGER
    assert by_text["Rollback started"] is EventKind.MITIGATION


def test_lines_already_on_the_timeline_are_greyed_and_a_second_import_adds_nothing(
    opened: MainWindow,
    library: Library,
    example: Postmortem,
    tmp_path: Path,
    dialogs: list[EvidenceDialog],
) -> None:
    there = example.timeline[0]  # 14:05 Berlin, "Config change 4127 (payment gateway host) …"
    shouted = "  " + there.text.upper().replace(" ", "   ")  # the same words, all the same
    path = write(tmp_path / "t.csv", CSV + f'2026-03-02 14:05,"{shouted}",event,chat\n')
    dialog = open_dialog(opened, example, path, dialogs)
    row = len(dialog.candidates()) - 1
    assert dialog.model.flags(dialog.model.index(row, Column.ADD)) == Qt.ItemFlag.NoItemFlags
    assert shown(dialog, row, Column.ADD) == ALREADY_THERE
    check = dialog.model.data(dialog.model.index(row, Column.ADD), Qt.ItemDataRole.CheckStateRole)
    assert check == Qt.CheckState.Unchecked
    assert dialog.summary.text() == "4 rows · 3 to add · 1 already on the timeline"
    dialog.select_all.click()  # never ticks what is there
    assert len(dialog.checked()) == 3
    assert dialog.import_checked() == 3

    again = open_dialog(opened, postmortems.get_postmortem(library, example.id), path, dialogs)
    assert len(again.candidates()) == 4
    assert again.checked() == []
    assert again.summary.text() == "4 rows · 0 to add · 4 already on the timeline"
    assert not again.import_button.isEnabled()
    steps = opened.workspace.undo_stack.count()
    assert again.import_checked() == 0
    assert opened.workspace.undo_stack.count() == steps


def test_a_malformed_csv_is_refused_inside_the_dialog(
    opened: MainWindow,
    library: Library,
    example: Postmortem,
    tmp_path: Path,
    dialogs: list[EvidenceDialog],
) -> None:
    path = write(tmp_path / "broken.csv", "time,text\n2026-03-02 14:05,fine\nsoon,oops\n")
    dialog = open_dialog(opened, example, path, dialogs)
    dialog.show()
    assert dialog.error.isVisible()
    assert "broken.csv line 3" in dialog.error.text()
    assert "Nothing was imported" in dialog.error.text()
    assert "Traceback" not in dialog.error.text()
    assert not dialog.table.isVisible() and not dialog.import_button.isEnabled()
    assert dialog.candidates() == []
    assert dialog.import_checked() == 0
    assert len(stored(library, example.id)) == len(example.timeline)
    assert reported(opened) == []  # said in the dialog, not in a message box over it

    missing = open_dialog(opened, example, tmp_path / "gone.csv", dialogs)
    assert "there is no such file or folder" in missing.error.text()


def test_fifty_thousand_rows_stay_quick(
    qtbot: QtBot,
    opened: MainWindow,
    example: Postmortem,
    tmp_path: Path,
    dialogs: list[EvidenceDialog],
) -> None:
    rows = [
        f"2026-03-03 {i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d},line {i},event,log"
        for i in range(50_000)
    ]
    path = write(tmp_path / "big.csv", "time,text,kind,source\n" + "\n".join(rows) + "\n")
    dialog = open_dialog(opened, example, path, dialogs)
    show(qtbot, dialog)
    assert dialog.summary.text() == "50,000 rows · 50,000 to add"
    started = time.perf_counter()
    dialog.table.selectAll()
    dialog.table.setFocus()
    QTest.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.model.count_checked() == 0
    QTest.keyClick(dialog.table, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    dialog.select_all.click()
    dialog.table.scrollToBottom()
    dialog.repaint()
    assert time.perf_counter() - started < 2.0
    assert dialog.model.count_checked() == 50_000
    assert shown(dialog, 49_999, Column.KIND) == "Detection"


# ---- Slack --------------------------------------------------------------------------------------


def test_a_slack_export_lists_its_channels_and_reads_the_busiest(
    window: MainWindow, empty: Postmortem, dialogs: list[EvidenceDialog]
) -> None:
    dialog = open_dialog(window, empty, SLACK, dialogs)
    channels = [dialog.channel.itemText(i) for i in range(dialog.channel.count())]
    assert channels == [
        "#enrique — 102 messages, 2016-01-15 to 2016-03-29",
        "#traveling-sailor — 56 messages, 2016-01-17 to 2016-03-29",
    ]
    assert dialog.channel.currentText().startswith("#enrique")
    # An empty timeline: the channel's whole range, in Berlin time.
    assert dialog.since.dateTime() == wall_clock(datetime(2016, 1, 15, 6, 55))
    assert dialog.until.dateTime() == wall_clock(datetime(2016, 3, 29, 8, 45))
    found = dialog.candidates()
    assert len(found) == 96 and all(c.source == "slack #enrique" for c in found)
    assert dialog.summary.text() == "96 messages · 96 to add · 6 housekeeping left out"
    assert str(shown(dialog, 0, Column.TIME)).startswith("Fri 2016-01-15 06:55")
    assert dialog.last_read_thread not in (None, threading.get_ident())


def test_switching_channel_reads_it_again_off_the_window_thread(
    window: MainWindow, empty: Postmortem, dialogs: list[EvidenceDialog]
) -> None:
    dialog = open_dialog(window, empty, SLACK, dialogs)
    dialog.channel.setCurrentIndex(1)
    assert not dialog.import_button.isEnabled()  # reading: nothing to import until it is done
    assert dialog.summary.text() == "Reading #traveling-sailor…"
    dialog.wait_until_read()
    found = dialog.candidates()
    assert found and all(c.source == "slack #traveling-sailor" for c in found)
    assert dialog.summary.text() == "51 messages · 51 to add · 5 housekeeping left out"
    assert dialog.last_read_thread not in (None, threading.get_ident())
    assert dialog.import_button.isEnabled() and not dialog.progress.isVisible()

    # Switching again while a read is under way: only the last choice is shown.
    dialog.channel.setCurrentIndex(0)
    dialog.channel.setCurrentIndex(1)
    dialog.channel.setCurrentIndex(0)
    dialog.wait_until_read()
    assert {c.source for c in dialog.candidates()} == {"slack #enrique"}
    assert len(dialog.candidates()) == 96


def test_a_window_of_time_narrows_the_messages(
    window: MainWindow, empty: Postmortem, dialogs: list[EvidenceDialog]
) -> None:
    dialog = open_dialog(window, empty, SLACK, dialogs)
    dialog.since.setDateTime(wall_clock(datetime(2016, 1, 15, 9, 18)))
    dialog.until.setDateTime(wall_clock(datetime(2016, 1, 15, 10, 21)))
    assert dialog.summary.text() == ""  # waiting for the typing to stop before reading
    dialog.wait_until_read()
    found = dialog.candidates()
    assert [c.at.strftime("%H:%M:%S") for c in found] == [
        "09:18:44",  # 09:17:45 is before the window
        "09:19:16",
        "09:20:25",
        "10:20:41",  # 10:21:17 is after it
    ]
    assert dialog.summary.text() == "4 messages · 4 to add"
    assert str(found[0].at.tzinfo) == "UTC+01:00"

    dialog.until.setDateTime(wall_clock(datetime(2016, 1, 1, 0, 0)))  # before it starts
    dialog.wait_until_read()
    assert "ends before it starts" in dialog.error.text()
    assert dialog.import_checked() == 0
    dialog.whole_channel.click()
    dialog.wait_until_read()
    assert not dialog.error.isVisible() and len(dialog.candidates()) == 96


def test_the_window_starts_around_the_incident(
    opened: MainWindow, example: Postmortem, dialogs: list[EvidenceDialog]
) -> None:
    dialog = open_dialog(opened, example, SLACK, dialogs)
    # First event 2026-03-02 14:05, last 15:30 (Berlin): a day either side.
    assert dialog.since.dateTime() == wall_clock(datetime(2026, 3, 1, 14, 5))
    assert dialog.until.dateTime() == wall_clock(datetime(2026, 3, 3, 15, 30))
    assert dialog.candidates() == []
    assert dialog.summary.text().startswith("No messages in #enrique from 2026-03-01 14:05")
    assert "“Whole channel” shows them all" in dialog.summary.text()


def test_housekeeping_is_left_out_unless_asked_for(
    window: MainWindow, empty: Postmortem, dialogs: list[EvidenceDialog]
) -> None:
    dialog = open_dialog(window, empty, SLACK, dialogs)
    assert not any("has joined the channel" in c.text for c in dialog.candidates())
    dialog.housekeeping.setChecked(True)
    assert len(dialog.candidates()) == 102
    assert sum("has joined the channel" in c.text for c in dialog.candidates()) >= 4
    assert dialog.summary.text() == "102 messages · 102 to add"
    dialog.housekeeping.setChecked(False)
    assert len(dialog.candidates()) == 96


def test_slack_messages_are_imported_with_their_authors(
    window: MainWindow,
    library: Library,
    empty: Postmortem,
    dialogs: list[EvidenceDialog],
) -> None:
    dialog = open_dialog(window, empty, SLACK, dialogs)
    dialog.select_none.click()
    dialog.model.set_checked([0, 1, 2], True)
    dialog.model.set_kind([2], EventKind.DECISION)
    assert dialog.import_checked() == 3
    events = stored(library, empty.id)
    assert [e.text.split(":")[0] for e in events] == ["Hamza Faran", "Hamza Faran", "Harry Potter"]
    assert events[0].text.startswith("Hamza Faran: @Harry Potter: Created an issue")
    assert events[2].kind is EventKind.DECISION
    assert {e.source for e in events} == {"slack #enrique"}
    assert window.workspace.undo_stack.undoText() == "Import 3 events from #enrique"
    window.workspace.undo_stack.undo()
    assert stored(library, empty.id) == []


def test_a_zip_that_is_not_a_slack_export_is_refused_inside_the_dialog(
    window: MainWindow, empty: Postmortem, tmp_path: Path, dialogs: list[EvidenceDialog]
) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.txt", "not a Slack export")
    dialog = open_dialog(window, empty, path, dialogs)
    assert "there is no channels.json in it" in dialog.error.text()
    assert dialog.candidates() == [] and dialog.import_checked() == 0
    assert reported(window) == []


def test_closing_while_reading_stops_the_read(
    window: MainWindow, empty: Postmortem, dialogs: list[EvidenceDialog]
) -> None:
    dialog = EvidenceDialog(window.edits, empty, SLACK, window)
    dialogs.append(dialog)
    dialog.reject()  # the export is still being opened
    assert dialog.result() == EvidenceDialog.DialogCode.Rejected
    dialog.wait_until_read()  # nothing left running
    assert dialog.candidates() == []


def test_an_unzipped_slack_export_folder_reads_the_same(
    window: MainWindow, empty: Postmortem, tmp_path: Path, dialogs: list[EvidenceDialog]
) -> None:
    folder = tmp_path / "export"
    with zipfile.ZipFile(SLACK) as archive:
        archive.extractall(folder)
    dialog = open_dialog(window, empty, folder, dialogs)
    assert dialog.channel.count() == 2 and not dialog.error.isVisible()
    assert len(dialog.candidates()) == 96
