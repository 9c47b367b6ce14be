"""The timeline editor, driven from the keyboard as a scribe would in a live review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import EventKind, TimelineEvent
from pmdesk.domain.quick_entry import PastePreview
from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.timeline.model import Column, TimelineModel
from pmdesk.ui.timeline.section import TimelineSection

BERLIN = timezone(timedelta(hours=1))


@pytest.fixture
def section(opened: MainWindow) -> TimelineSection:
    opened.editor.show_view(View.TIMELINE)
    return opened.editor.timeline


def stored(library: Library, postmortem_id: str) -> list[TimelineEvent]:
    return postmortems.get_postmortem(library, postmortem_id).timeline


def type_line(section: TimelineSection, line: str) -> None:
    section.quick_add.setFocus()
    QTest.keyClicks(section.quick_add, line)
    QTest.keyClick(section.quick_add, Qt.Key.Key_Return)


def select_rows(section: TimelineSection, *rows: int) -> None:
    selection = section.table.selectionModel()
    selection.clear()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(section.model.index(row, 0), flags)
    selection.setCurrentIndex(
        section.model.index(rows[0], Column.TEXT), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    section.table.setFocus()


def event_kinds(n: int) -> list[TimelineEvent]:
    start = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    return [
        TimelineEvent(start + timedelta(minutes=i), list(EventKind)[i % 8], f"event {i}")
        for i in range(n)
    ]


def test_timeline_model_passes_the_model_tester_through_every_kind_of_change(
    qtbot: QtBot,
) -> None:
    model = TimelineModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    events = event_kinds(6)
    model.reset_events(events)
    model.set_events([*events[:2], *events[3:]])  # one removed
    moved = TimelineEvent(
        events[0].at + timedelta(hours=1), events[0].kind, "moved", id=events[0].id
    )
    model.set_events([*events[1:2], *events[3:], moved])  # one moved to the end
    assert [model.event_at(r).text for r in range(model.rowCount())][-1] == "moved"
    added = TimelineEvent(events[1].at + timedelta(seconds=30), EventKind.EVENT, "added")
    model.set_events([events[1], added, *events[3:], moved])  # one inserted
    assert model.row_of(added.id) == 1
    renamed = TimelineEvent(added.at, added.kind, "renamed", id=added.id)
    model.set_events([events[1], renamed, *events[3:], moved])  # one changed in place
    assert model.data(model.index(1, Column.TEXT)) == "renamed"
    model.set_events(event_kinds(300))  # a big paste: a reset
    assert model.rowCount() == 300


def test_times_show_the_date_when_the_incident_spans_days(qtbot: QtBot) -> None:
    model = TimelineModel()
    model.set_zones("Europe/Berlin", "UTC")
    first = TimelineEvent(datetime(2026, 3, 2, 13, 5, tzinfo=UTC), EventKind.TRIGGER, "a")
    model.reset_events([first])
    assert model.data(model.index(0, Column.TIME)) == "14:05"
    assert model.data(model.index(0, Column.SECOND_TIME)) == "13:05"
    later = TimelineEvent(datetime(2026, 3, 3, 8, 0, tzinfo=UTC), EventKind.RESOLUTION, "b")
    model.set_events([first, later])
    assert model.data(model.index(0, Column.TIME)) == "Mon 2026-03-02 14:05"
    assert model.data(model.index(1, Column.TIME)) == "Tue 2026-03-03 09:00"


def test_quick_add_keeps_the_focus_for_the_next_line(
    section: TimelineSection, library: Library, example_id: str
) -> None:
    type_line(section, "14:55 Rollback verified on all regions")
    events = stored(library, example_id)
    added = next(e for e in events if e.text == "Rollback verified on all regions")
    assert added.at == datetime(2026, 3, 2, 14, 55, tzinfo=BERLIN)
    assert added.kind is EventKind.EVENT
    assert section.quick_add.text() == "" and section.quick_add.hasFocus()
    type_line(section, "+5m comms: Status page set to resolved")
    events = stored(library, example_id)
    comms = next(e for e in events if e.text == "Status page set to resolved")
    assert comms.kind is EventKind.COMMUNICATION
    assert comms.at == datetime(2026, 3, 2, 15, 35, tzinfo=BERLIN)  # 5 min after the last event


def test_quick_add_with_a_date_and_a_kind(
    section: TimelineSection, library: Library, example_id: str
) -> None:
    type_line(section, "2026-03-03 09:30 decision: Freeze config pushes for a week")
    event = stored(library, example_id)[-1]
    assert (event.at, event.kind, event.text) == (
        datetime(2026, 3, 3, 9, 30, tzinfo=BERLIN),
        EventKind.DECISION,
        "Freeze config pushes for a week",
    )
    assert section.model.data(section.model.index(0, Column.TIME)).startswith("Mon 2026-03-02")


def test_a_line_that_cannot_be_read_says_why_and_keeps_the_text(
    section: TimelineSection, library: Library, example_id: str
) -> None:
    before = stored(library, example_id)
    type_line(section, "25:00 something")
    assert section.quick_error.isVisible()
    assert "25:00" in section.quick_error.text()
    assert section.quick_add.text() == "25:00 something"
    assert stored(library, example_id) == before
    type_line(section, "")  # an empty Enter adds nothing and keeps the message
    assert stored(library, example_id) == before


def test_edit_text_inline_from_the_keyboard_and_undo(
    qtbot: QtBot, opened: MainWindow, section: TimelineSection, library: Library, example_id: str
) -> None:
    section.table.setCurrentIndex(section.model.index(1, Column.TEXT))
    section.table.setFocus()
    QTest.keyClick(section.table, Qt.Key.Key_F2)
    editor = section.table.focusWidget()
    assert editor is not None and editor is not section.table
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, "Error rate reaches 96%")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on Enter through a queued call: let the event loop run it.
    qtbot.waitUntil(lambda: stored(library, example_id)[1].text == "Error rate reaches 96%")
    assert section.model.data(section.model.index(1, Column.TEXT)) == "Error rate reaches 96%"
    opened.command("edit.undo").trigger()
    assert stored(library, example_id)[1].text == "Checkout error rate rises from 0.1% to 96%"


def test_editing_a_time_moves_the_event_into_order(
    section: TimelineSection, library: Library, example_id: str
) -> None:
    index = section.model.index(7, Column.TIME)  # the resolution at 15:30
    assert section.model.setData(index, "2026-03-02 14:00")
    events = stored(library, example_id)
    assert events[0].kind is EventKind.RESOLUTION
    assert section.model.event_at(0).kind is EventKind.RESOLUTION
    assert section.moments.cards[EventKind.RESOLUTION].out_of_order.isVisibleTo(section)
    assert section.moments.problem.isVisibleTo(section)


def test_delete_several_events_in_one_step(
    opened: MainWindow, section: TimelineSection, library: Library, example_id: str
) -> None:
    before = postmortems.get_postmortem(library, example_id)
    select_rows(section, 1, 3)
    QTest.keyClick(section.table, Qt.Key.Key_Delete)
    after = stored(library, example_id)
    assert len(after) == 6
    assert {e.text for e in before.timeline} - {e.text for e in after} == {
        "Checkout error rate rises from 0.1% to 96%",
        "Incident declared SEV2; incident commander joins",
    }
    opened.command("edit.undo").trigger()
    assert postmortems.get_postmortem(library, example_id) == before


def test_change_the_kind_of_several_events_at_once(
    opened: MainWindow, section: TimelineSection, library: Library, example_id: str
) -> None:
    select_rows(section, 1, 5)
    QTest.keyClick(section.table, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)  # escalation
    events = stored(library, example_id)
    assert (events[1].kind, events[5].kind) == (EventKind.ESCALATION, EventKind.ESCALATION)
    opened.command("edit.undo").trigger()
    events = stored(library, example_id)
    assert (events[1].kind, events[5].kind) == (EventKind.EVENT, EventKind.DECISION)


def test_paste_a_chat_log_as_one_step(
    opened: MainWindow, section: TimelineSection, library: Library, example_id: str
) -> None:
    previews: list[PastePreview] = []

    def confirm(preview: PastePreview) -> bool:
        previews.append(preview)
        return True

    section.confirm_paste = confirm
    chat = (
        "[15:40] dana: starting the review notes\n"
        "[15:42] sam: config diff attached\n"
        "not a timestamped line, continues sam's message\n"
        "[15:45] lena: ticket CHG-4127 reopened\n"
    )
    assert section.paste_text(chat)
    assert len(previews) == 1 and len(previews[0].events) == 3
    texts = [e.text for e in stored(library, example_id)]
    assert texts[-3:] == [
        "dana: starting the review notes",
        "sam: config diff attached\nnot a timestamped line, continues sam's message",
        "lena: ticket CHG-4127 reopened",
    ]
    opened.command("edit.undo").trigger()
    assert len(stored(library, example_id)) == 8


def test_a_paste_can_be_cancelled_and_nonsense_is_explained(
    opened: MainWindow, section: TimelineSection, library: Library, example_id: str
) -> None:
    section.confirm_paste = lambda _preview: False
    assert not section.paste_text("14:00 something\n14:01 something else")
    assert len(stored(library, example_id)) == 8
    assert not section.paste_text("just some words\nand more words")
    title, message = opened.reported[-1]  # type: ignore[attr-defined]
    assert title == "Nothing to paste" and "14:05 Config pushed" in message


def test_key_moments_show_the_durations(section: TimelineSection) -> None:
    cards = section.moments.cards
    assert cards[EventKind.TRIGGER].when.text() == "Mon 02 Mar, 14:05"
    assert cards[EventKind.DETECTION].span.text() == "16 min to detect"
    assert cards[EventKind.MITIGATION].span.text() == "47 min to mitigate"
    assert cards[EventKind.RESOLUTION].span.text() == "1 h 25 min to resolve"
    assert not section.moments.problem.isVisibleTo(section)


def test_a_second_time_zone_column(section: TimelineSection) -> None:
    assert section.table.isColumnHidden(Column.SECOND_TIME)
    section.second_zone.setCurrentIndex(section.second_zone.findData("UTC"))
    assert not section.table.isColumnHidden(Column.SECOND_TIME)
    assert section.model.data(section.model.index(0, Column.SECOND_TIME)) == "13:05"
    assert section.model.headerData(Column.SECOND_TIME, Qt.Orientation.Horizontal) == "Time (UTC)"
