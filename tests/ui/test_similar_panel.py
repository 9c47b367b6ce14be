"""The similar-incidents panel: ranked off the window's thread, links made and removed as undoable
steps, an incident opened by double-click, and its empty states."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThread
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import Cause, EventKind, Postmortem, TimelineEvent
from pmdesk.services import library_edits, recurrences
from pmdesk.storage import repository
from pmdesk.storage.library import Library
from pmdesk.ui.edits import Edits
from pmdesk.ui.similar_panel import NOT_LINKED, NOTHING_OPEN, SimilarPanel, shown_rows
from pmdesk.ui.workspace import Workspace


def stored(
    library: Library, title: str, tags: list[str], text: str, day: datetime | None = None
) -> Postmortem:
    postmortem = Postmortem(
        title=title,
        tags=tags,
        summary=text,
        causes=[Cause("c1", text)],
        timeline=[TimelineEvent(day, EventKind.TRIGGER, "It began")] if day else [],
    )
    with library.transaction() as conn:
        repository.insert_postmortem(conn, postmortem)
    return postmortem


@dataclass
class Incidents:
    this: Postmortem  # the open one, started 2 March
    search: Postmortem  # the most alike, started before it
    sale: Postmortem  # alike by a tag, started after it
    printer: Postmortem  # alike in nothing


@pytest.fixture
def incidents(library: Library) -> Incidents:
    return Incidents(
        stored(
            library,
            "Checkout down after a config push",
            ["config", "checkout"],
            "A config push without a canary took checkout down. The pipeline has no schema.",
            datetime(2026, 3, 2, 14, 5, tzinfo=UTC),
        ),
        stored(
            library,
            "Search down after a config push",
            ["Config", "search"],
            "A config change reached every region at once: the pipeline has no canary stage.",
            datetime(2026, 1, 12, 9, tzinfo=UTC),
        ),
        stored(
            library,
            "Checkout slow during the sale",
            ["checkout", "capacity"],
            "The database ran out of connections under sale traffic.",
            datetime(2026, 4, 1, 10, tzinfo=UTC),
        ),
        stored(library, "Printer jammed", [], "Printer jammed in the office."),
    )


@pytest.fixture
def edits(library: Library) -> Edits:
    return Edits(Workspace(library))


@pytest.fixture
def panel(qtbot: QtBot, edits: Edits) -> Iterator[SimilarPanel]:
    shown = SimilarPanel(edits)
    qtbot.addWidget(shown)
    shown.resize(440, 640)
    with qtbot.waitExposed(shown):
        shown.show()
    yield shown
    shown.wait()


def showing(qtbot: QtBot, panel: SimilarPanel, postmortem: Postmortem | None) -> None:
    panel.show_postmortem(postmortem)
    qtbot.waitUntil(lambda: not panel.busy)


def click_row(qtbot: QtBot, view: QListWidget, title: str) -> None:
    row = next(i for i, shown in enumerate(shown_rows(view)) if shown[0] == title)
    rect = view.visualItemRect(view.item(row))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.currentRow() == row


def test_similar_incidents_are_ranked_off_the_window_thread(
    qtbot: QtBot, panel: SimilarPanel, incidents: Incidents
) -> None:
    panel.show_postmortem(incidents.this)
    assert panel.busy
    assert panel.similar_note.text() == "Looking for similar incidents…"
    qtbot.waitUntil(lambda: not panel.busy)

    assert panel.last_thread_id not in (None, threading.get_ident())
    assert [m.id for m in panel.matches] == [incidents.search.id, incidents.sale.id]
    (title, why, when), sale = shown_rows(panel.similar_list)
    assert title == "Search down after a config push"
    assert why.startswith("shares tags config · words ")
    assert "canary" in why and "pipeline" in why
    assert when == "started 2026-01-12"
    assert sale == ("Checkout slow during the sale", "shares tags checkout", "started 2026-04-01")
    assert "similarity 0." in panel.similar_list.item(0).text()  # what a screen reader says
    assert panel.similar_list.isVisible() and not panel.similar_note.isVisible()
    assert panel.recurrence_note.isVisible() and panel.recurrence_note.text() == NOT_LINKED
    assert not panel.recurrence_list.isVisible() and not panel.remove_button.isVisible()
    assert not panel.mark_button.isEnabled()  # nothing selected yet


def test_the_library_is_ranked_again_only_when_what_similarity_reads_changed(
    qtbot: QtBot, panel: SimilarPanel, incidents: Incidents
) -> None:
    showing(qtbot, panel, incidents.this)
    incidents.this.title = "A new title"  # not read by the ranking
    panel.show_postmortem(incidents.this)
    assert not panel.busy
    incidents.this.tags.append("search")
    panel.show_postmortem(incidents.this)
    assert panel.busy
    qtbot.waitUntil(lambda: not panel.busy)
    panel.refresh()  # other postmortems may have changed: always ranks
    assert panel.busy


def test_marking_a_recurrence_is_one_undoable_step(
    qtbot: QtBot, panel: SimilarPanel, edits: Edits, library: Library, incidents: Incidents
) -> None:
    this, search = incidents.this, incidents.search
    showing(qtbot, panel, this)
    click_row(qtbot, panel.similar_list, search.title)
    assert panel.mark_button.isEnabled()
    assert "this incident is a recurrence of the selected one" in panel.mark_button.toolTip()

    QTest.mouseClick(panel.mark_button, Qt.MouseButton.LeftButton)

    (linked,) = recurrences.recurrences_of(library, this.id)
    assert (linked.link.postmortem_id, linked.link.earlier_id) == (this.id, search.id)
    assert shown_rows(panel.recurrence_list) == [
        (search.title, "2026-01-12 · this one is a recurrence of it")
    ]
    assert panel.recurrence_list.isVisible() and not panel.recurrence_note.isVisible()
    assert "linked as a recurrence" in panel.similar_list.item(0).text()
    assert not panel.mark_button.isEnabled()  # the selected one is linked now
    stack = edits.workspace.undo_stack
    assert stack.count() == 1 and stack.undoText() == "Mark as a recurrence"

    stack.undo()
    assert recurrences.recurrences_of(library, this.id) == []
    panel.refresh()  # the main window shows the postmortem again after every undo
    assert panel.recurrence_note.isVisible() and panel.recurrence_list.count() == 0
    assert "linked" not in panel.similar_list.item(0).text()

    stack.redo()
    (again,) = recurrences.recurrences_of(library, this.id)
    assert again.link == linked.link  # the same link, created at the same moment


def test_an_incident_that_started_later_is_marked_as_the_recurrence(
    qtbot: QtBot, panel: SimilarPanel, library: Library, incidents: Incidents
) -> None:
    showing(qtbot, panel, incidents.this)
    click_row(qtbot, panel.similar_list, incidents.sale.title)
    assert "which started later, is a recurrence of this one" in panel.mark_button.toolTip()
    assert panel.mark_selected_as_recurrence()

    (linked,) = recurrences.recurrences_of(library, incidents.this.id)
    assert (linked.link.postmortem_id, linked.link.earlier_id) == (
        incidents.sale.id,
        incidents.this.id,
    )
    assert shown_rows(panel.recurrence_list) == [
        (incidents.sale.title, "2026-04-01 · a recurrence of this one")
    ]


def test_removing_a_link_is_one_undoable_step_that_puts_it_back_exactly(
    qtbot: QtBot, panel: SimilarPanel, edits: Edits, library: Library, incidents: Incidents
) -> None:
    this, search = incidents.this, incidents.search
    recurrences.link(library, this.id, search.id, "Same pipeline, same missing check")
    (before,) = recurrences.recurrences_of(library, this.id)
    showing(qtbot, panel, this)
    assert shown_rows(panel.recurrence_list) == [
        (
            search.title,
            "2026-01-12 · this one is a recurrence of it",
            "Same pipeline, same missing check",
        )
    ]
    assert not panel.remove_button.isEnabled()
    click_row(qtbot, panel.recurrence_list, search.title)
    assert panel.remove_button.isEnabled()

    QTest.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)

    assert recurrences.recurrences_of(library, this.id) == []
    assert panel.recurrence_note.isVisible() and not panel.remove_button.isVisible()
    stack = edits.workspace.undo_stack
    assert stack.undoText() == "Remove recurrence link"
    stack.undo()
    assert recurrences.recurrences_of(library, this.id) == [before]  # note and time too
    stack.redo()
    assert recurrences.recurrences_of(library, this.id) == []


def test_a_link_refused_by_the_library_leaves_no_step(
    qtbot: QtBot, panel: SimilarPanel, edits: Edits, library: Library, incidents: Incidents
) -> None:
    showing(qtbot, panel, incidents.this)
    click_row(qtbot, panel.similar_list, incidents.search.title)
    library_edits.delete_postmortem(library, incidents.search.id)  # in another window

    with qtbot.waitSignal(edits.workspace.failed) as failed:
        assert not panel.mark_selected_as_recurrence()

    assert "no longer in this library" in failed.args[1]
    assert edits.workspace.undo_stack.count() == 0
    assert recurrences.recurrences_of(library, incidents.this.id) == []


def test_double_click_or_enter_opens_an_incident(
    qtbot: QtBot, panel: SimilarPanel, library: Library, incidents: Incidents
) -> None:
    recurrences.link(library, incidents.sale.id, incidents.this.id)
    showing(qtbot, panel, incidents.this)
    view = panel.similar_list
    centre = view.visualItemRect(view.item(0)).center()
    asked: list[str] = []
    panel.open_requested.connect(asked.append)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert asked == []  # a click only selects
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert asked == [incidents.search.id]

    panel.recurrence_list.setFocus()
    panel.recurrence_list.setCurrentRow(0)
    with qtbot.waitSignal(panel.open_requested) as opened:
        QTest.keyClick(panel.recurrence_list, Qt.Key.Key_Return)
    assert opened.args == [incidents.sale.id]


def test_a_library_with_nothing_alike_says_so(
    qtbot: QtBot, panel: SimilarPanel, library: Library
) -> None:
    alone = stored(library, "Checkout down", ["checkout"], "A config push took checkout down.")
    stored(library, "Printer jammed", [], "Printer jammed in the office.")
    showing(qtbot, panel, alone)

    assert panel.matches == []
    assert panel.similar_note.isVisible()
    assert panel.similar_note.text().startswith("No similar incidents in this library yet")
    assert not panel.similar_list.isVisible() and not panel.mark_button.isVisible()


def test_with_nothing_open_the_panel_says_what_it_is_for(
    qtbot: QtBot, panel: SimilarPanel, incidents: Incidents
) -> None:
    showing(qtbot, panel, incidents.this)
    panel.show_postmortem(None)
    assert panel.similar_note.text() == NOTHING_OPEN and panel.similar_note.isVisible()
    for hidden in (
        panel.similar_list,
        panel.recurrence_list,
        panel.recurrence_note,
        panel.recurrence_heading,
        panel.mark_button,
        panel.remove_button,
    ):
        assert not hidden.isVisible()


def test_a_ranking_for_a_postmortem_no_longer_shown_is_dropped(
    qtbot: QtBot, panel: SimilarPanel, incidents: Incidents
) -> None:
    panel.show_postmortem(incidents.this)
    panel.show_postmortem(incidents.printer)  # before the first ranking is back
    qtbot.waitUntil(lambda: not panel.busy)
    assert panel.matches == []  # the printer is like nothing, and this one's list is not shown
    assert panel.similar_note.text().startswith("No similar incidents")


def test_a_panel_deleted_while_ranking_leaves_the_thread_to_finish(
    qtbot: QtBot, edits: Edits, incidents: Incidents
) -> None:
    doomed = SimilarPanel(edits)
    doomed.show_postmortem(incidents.this)
    assert doomed.busy
    doomed.deleteLater()
    # The thread belongs to the application, not the panel, so deleting the panel never destroys
    # a running thread (which would abort); the thread deletes itself once done.
    app = QCoreApplication.instance()
    assert app is not None
    qtbot.waitUntil(lambda: not app.findChildren(QThread))
