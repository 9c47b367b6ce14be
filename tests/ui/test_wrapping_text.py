"""Nothing the room must read is cut off: every cause and action in the cause tree, and every
event's "What happened", wraps onto as many lines as it needs, at a laptop's size and a
projector's zoom. Checked on the window's real geometry: a row is never shorter than its text
needs even if the text had the row's whole width."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPlainTextEdit, QScrollBar, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import Postmortem
from pmdesk.services import postmortems
from pmdesk.ui.causes.section import CausesSection
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.timeline.model import Column
from pmdesk.ui.timeline.section import TimelineSection
from tests import documents

# A laptop at 100%, a small laptop at 150%, a projector's 1920 at 200%.
SIZES = [(1366, 768, 1.0), (1280, 720, 1.5), (1920, 1080, 2.0)]
SIZE_IDS = [f"{w}x{h}-{round(z * 100)}%" for w, h, z in SIZES]

SENTENCE = (
    "the config pipeline accepted a value that pointed checkout at a payment host which "
    "did not exist in any region because the schema allowed any string and nobody had "
    "written down which hosts were valid so the push went out everywhere at once"
)
WORDS = SENTENCE.split()
LONG_CAUSE = " ".join(WORDS[i % len(WORDS)] for i in range(80)).capitalize()
assert len(LONG_CAUSE.split()) == 80


def stored(window: MainWindow) -> Postmortem:
    postmortem_id = window.current_id()
    assert postmortem_id is not None
    return postmortems.get_postmortem(window.library, postmortem_id)


def show_at(qtbot: QtBot, window: MainWindow, width: int, height: int, zoom: float) -> None:
    """The window at this size and zoom (or its least size there, if larger), laid out and
    painted."""
    window.set_zoom(zoom)
    window.resize(width, height)
    qtbot.waitUntil(
        lambda: (
            window.size()
            == QSize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
        )
    )
    window.grab()  # laid out and painted, as the user sees it


def lines_needed(text: str, font: QFont, width: int) -> int:
    """The fewest lines `text` can take at `width`, even broken anywhere."""
    metrics = QFontMetrics(font)
    flags = Qt.TextFlag.TextWordWrap.value | Qt.TextFlag.TextWrapAnywhere.value
    bounds = metrics.boundingRect(QRect(0, 0, max(1, width), 1_000_000), flags, text)
    return max(1, round(bounds.height() / metrics.lineSpacing()))


def needed_height(text: str, font: QFont, width: int) -> int:
    return lines_needed(text, font, width) * QFontMetrics(font).lineSpacing()


def readable(rect: QRect, height: int, bar: QScrollBar) -> bool:
    """A row scrolled to starts in view, and the rest of it, if any, is a scroll away."""
    return 0 <= rect.top() < height and rect.bottom() - height <= bar.maximum() - bar.value()


def cut_rows(causes: CausesSection, postmortem: Postmortem) -> list[str]:
    """The causes and actions whose row is shorter than their text needs."""
    tree = causes.tree
    texts = {c.id: (c.text, c.systemic) for c in postmortem.causes}
    texts |= {a.id: (a.title, False) for a in postmortem.actions}
    cut = []
    stack: list[QTreeWidgetItem] = [tree.invisibleRootItem()]
    while stack:
        item = stack.pop()
        stack.extend(c for i in range(item.childCount()) if (c := item.child(i)) is not None)
        found = texts.get(str(item.data(0, Qt.ItemDataRole.UserRole + 1)))
        if found is None:
            continue
        text, bold = found
        font = QFont(tree.font())
        font.setBold(bold)
        rect = tree.visualItemRect(item)
        if rect.height() < needed_height(text, font, rect.width()):
            cut.append(f"{text[:40]}… ({rect.width()}x{rect.height()})")
    return cut


def cut_events(qtbot: QtBot, timeline: TimelineSection) -> list[str]:
    """The events whose "What happened" cell is shorter than its text needs, each looked at
    scrolled into view."""
    table = timeline.table
    cut = []
    for row in range(timeline.model.rowCount()):
        index = timeline.model.index(row, Column.TEXT)
        table.scrollTo(index)
        table.viewport().grab()  # painted, as when the user scrolls there
        qtbot.wait(1)  # and the scroll bar follows
        rect = table.visualRect(index)
        text = str(index.data())
        if not readable(rect, table.viewport().height(), table.verticalScrollBar()):
            cut.append(f"{text[:40]}… out of reach ({rect})")
        elif rect.height() < needed_height(text, table.font(), rect.width()):
            cut.append(f"{text[:40]}… ({rect.width()}x{rect.height()})")
    return cut


def add_long_cause(opened: MainWindow, causes: CausesSection) -> None:
    """Typed as the scribe does: select c3, Tab asks why, type, Enter, Escape."""
    causes.select_cause(next(c.id for c in stored(opened).causes if c.ref == "c3"))
    QTest.keyClick(causes.tree, Qt.Key.Key_Tab)
    editor = causes.tree.draft_editor
    assert editor is not None
    QTest.keyClicks(editor, LONG_CAUSE)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    next_line = causes.tree.draft_editor  # the line for the next factor: not wanted
    assert next_line is not None
    QTest.keyClick(next_line, Qt.Key.Key_Escape)
    assert LONG_CAUSE in [c.text for c in stored(opened).causes]


@pytest.mark.parametrize(("width", "height", "zoom"), SIZES, ids=SIZE_IDS)
def test_every_cause_and_action_in_the_tree_reads_in_full(
    qtbot: QtBot, opened: MainWindow, width: int, height: int, zoom: float
) -> None:
    opened.editor.show_view(View.CAUSES)
    causes = opened.editor.causes
    add_long_cause(opened, causes)
    show_at(qtbot, opened, width, height, zoom)
    assert cut_rows(causes, stored(opened)) == []


@pytest.mark.parametrize(("width", "height", "zoom"), SIZES, ids=SIZE_IDS)
def test_every_event_reads_in_full(
    qtbot: QtBot, opened: MainWindow, width: int, height: int, zoom: float
) -> None:
    opened.editor.show_view(View.TIMELINE)
    timeline = opened.editor.timeline
    show_at(qtbot, opened, width, height, zoom)
    timeline.quick_add.setFocus()
    QTest.keyClicks(timeline.quick_add, "+5m " + LONG_CAUSE)
    QTest.keyClick(timeline.quick_add, Qt.Key.Key_Return)
    assert stored(opened).timeline[-1].text == LONG_CAUSE
    assert cut_events(qtbot, timeline) == []


def test_a_long_cause_wraps_anew_when_the_window_narrows_or_zooms(
    qtbot: QtBot, opened: MainWindow
) -> None:
    opened.editor.show_view(View.CAUSES)
    causes = opened.editor.causes
    add_long_cause(opened, causes)
    show_at(qtbot, opened, 1920, 1080, 1.0)
    long_id = next(c.id for c in stored(opened).causes if c.text == LONG_CAUSE)
    item = causes.tree.item_for(long_id)
    assert item is not None
    wide = causes.tree.visualItemRect(item)
    show_at(qtbot, opened, 1366, 768, 1.0)
    narrow = causes.tree.visualItemRect(item)
    assert narrow.width() < wide.width() and narrow.height() > wide.height()
    show_at(qtbot, opened, 1280, 720, 2.0)
    zoomed = causes.tree.visualItemRect(item)
    assert zoomed.height() > narrow.height()
    assert cut_rows(causes, stored(opened)) == []
    # taller than the view at that zoom: it starts in view, and the rest is a scroll away
    tree = causes.tree
    tree.scrollToItem(item)
    qtbot.wait(1)
    assert readable(tree.visualItemRect(item), tree.viewport().height(), tree.verticalScrollBar())


def test_f2_edits_a_wrapped_cause_in_place_with_all_of_it_in_view(
    qtbot: QtBot, opened: MainWindow
) -> None:
    opened.editor.show_view(View.CAUSES)
    causes = opened.editor.causes
    add_long_cause(opened, causes)
    show_at(qtbot, opened, 1366, 768, 1.0)
    long_id = next(c.id for c in stored(opened).causes if c.text == LONG_CAUSE)
    item = causes.tree.item_for(long_id)
    assert item is not None
    rect = causes.tree.visualItemRect(item)
    QTest.mouseClick(causes.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert causes.tree.current_id() == long_id
    QTest.keyClick(causes.tree, Qt.Key.Key_F2)
    editor = causes.tree.focusWidget()
    assert isinstance(editor, QPlainTextEdit)
    assert editor.toPlainText() == LONG_CAUSE
    assert editor.height() >= rect.height()  # the whole cause, wrapped, not a single line
    assert editor.verticalScrollBar().maximum() == 0
    QTest.keyClick(editor, Qt.Key.Key_Escape)  # changes nothing
    assert next(c for c in stored(opened).causes if c.id == long_id).text == LONG_CAUSE

    QTest.keyClick(causes.tree, Qt.Key.Key_F2)
    editor = causes.tree.focusWidget()
    assert isinstance(editor, QPlainTextEdit)
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, "Any string passed the schema")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            next(c for c in stored(opened).causes if c.id == long_id).text
            == "Any string passed the schema"
        )
    )
    opened.command("edit.undo").trigger()
    assert next(c for c in stored(opened).causes if c.id == long_id).text == LONG_CAUSE


def test_ctrl_end_shows_the_last_of_a_long_timeline_in_full(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    document = documents.example()
    start = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    document["postmortem"]["timeline"] += [
        {"at": (start + timedelta(minutes=n)).isoformat(), "kind": "event", "text": LONG_CAUSE}
        for n in range(400)
    ]
    source = tmp_path / "long.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    (postmortem_id,) = postmortems.import_files(window.library, [source]).postmortem_ids
    window.refresh_library()
    assert window.open_postmortem(postmortem_id)
    window.editor.show_view(View.TIMELINE)
    show_at(qtbot, window, 1366, 768, 1.0)
    table = window.editor.timeline.table
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    table.viewport().grab()
    qtbot.wait(1)
    last = window.editor.timeline.model.rowCount() - 1
    assert table.currentIndex().row() == last
    index = table.model().index(last, Column.TEXT)
    rect = table.visualRect(index)
    assert readable(rect, table.viewport().height(), table.verticalScrollBar())
    assert rect.height() >= needed_height(LONG_CAUSE, table.font(), rect.width())
    # only the rows seen were measured: a long timeline is never measured whole
    header = table.verticalHeader()
    grown = sum(header.sectionSize(r) != header.defaultSectionSize() for r in range(last + 1))
    assert grown < 100
