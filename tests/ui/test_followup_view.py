"""The follow-up review, driven from the keyboard as a facilitator would in the team's meeting."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from pmdesk.domain.actions import DueGroup
from pmdesk.domain.model import (
    ActionField,
    ActionItem,
    ActionStatus,
    Postmortem,
    Priority,
)
from pmdesk.services import actions, postmortems
from pmdesk.services.followup import FollowUpItem
from pmdesk.storage import repository
from pmdesk.storage.library import Library
from pmdesk.ui.actions.followup import (
    ACTION,
    DUE,
    EMPTY_MESSAGE,
    OWNER,
    PRIORITY,
    STATUS,
    FollowUpView,
    NoteDialog,
    RescopeDialog,
)
from pmdesk.ui.conflicts import Conflict
from pmdesk.ui.edits import Edits
from pmdesk.ui.themes import COLOURS, Theme, apply_theme
from pmdesk.ui.workspace import Workspace
from tests.ui.conftest import show_active

TODAY = date(2026, 4, 10)  # a Friday
CTRL = Qt.KeyboardModifier.ControlModifier
NO_KEYS = Qt.KeyboardModifier.NoModifier


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@dataclass
class Review:
    view: FollowUpView
    library: Library
    workspace: Workspace
    failed: list[tuple[str, str]]

    def titles(self) -> list[str]:
        return [item.action.title for item in self.view.items()]

    def rows(self) -> list[str]:
        return [self.row(i).text(ACTION) for i in range(self.view.tree.topLevelItemCount())]

    def current_title(self) -> str | None:
        item = self.view.current_item()
        return item.action.title if item is not None else None

    def stored(self, postmortem: Postmortem, action: ActionItem) -> ActionItem:
        found = postmortems.get_postmortem(self.library, postmortem.id).actions
        return next(a for a in found if a.id == action.id)

    def row(self, index: int) -> QTreeWidgetItem:
        found = self.view.tree.topLevelItem(index)
        assert found is not None
        return found

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO_KEYS) -> None:
        self.view.tree.setFocus()
        QTest.keyClick(self.view.tree, key, modifiers)


def store(library: Library, *shown: Postmortem) -> None:
    with library.transaction() as conn:
        for postmortem in shown:
            repository.insert_postmortem(conn, postmortem)


@pytest.fixture
def review(qtbot: QtBot, library: Library) -> Review:
    workspace = Workspace(library)
    failed: list[tuple[str, str]] = []
    workspace.failed.connect(lambda title, message: failed.append((title, message)))
    view = FollowUpView(Edits(workspace))
    qtbot.addWidget(view)
    view.today = lambda: TODAY
    view.resize(1200, 700)
    show_active(qtbot, view)
    return Review(view, library, workspace, failed)


@pytest.fixture
def two(review: Review) -> tuple[Postmortem, Postmortem]:
    """Actions due yesterday, today, in 14 and 15 days and never, across two postmortems, and
    a done and a dropped one that the review leaves out."""
    checkout = Postmortem(
        "Checkout outage",
        actions=[
            ActionItem("A1", "Canary stage", owner="Platform", due=days(15)),
            ActionItem("A2", "Alert per region", due=days(-1), priority=Priority.P2),
            ActionItem("A3", "Finished", due=days(-5), status=ActionStatus.DONE),
        ],
    )
    search = Postmortem(
        "Search latency",
        actions=[
            ActionItem("A1", "Cap fan-out", owner="Search", due=TODAY, priority=Priority.P0),
            ActionItem("A2", "Dropped", status=ActionStatus.DROPPED),
            ActionItem("A3", "Shard dashboards", due=days(14), status=ActionStatus.IN_PROGRESS),
            ActionItem("A4", "Cache TTLs", owner="Ravi"),
        ],
    )
    store(review.library, checkout, search)
    review.view.refresh()
    return checkout, search


def test_groups_with_headers_in_due_order_and_nothing_done_or_dropped(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    assert review.rows() == [
        "Overdue (1)",
        "A2  Alert per region",
        "Due soon (2)",
        "A1  Cap fan-out",
        "A3  Shard dashboards",
        "Later (1)",
        "A1  Canary stage",
        "No due date (1)",
        "A4  Cache TTLs",
    ]
    assert [item.group for item in review.view.items()] == [
        DueGroup.OVERDUE,
        DueGroup.DUE_SOON,
        DueGroup.DUE_SOON,
        DueGroup.LATER,
        DueGroup.NO_DUE,
    ]
    assert review.view.summary.text() == (
        "5 open actions in 2 postmortems · 1 overdue · as of Friday 10 April 2026"
    )

    tree = review.view.tree
    header, overdue = review.row(0), review.row(1)
    assert not header.flags() & Qt.ItemFlag.ItemIsSelectable
    assert header.font(ACTION).bold()
    assert header.foreground(ACTION).color() == QColor(COLOURS[Theme.LIGHT].error)
    assert overdue.text(DUE) == "9 Apr 2026 (1 day overdue)"
    assert overdue.foreground(DUE).color() == QColor(COLOURS[Theme.LIGHT].error)
    assert overdue.text(OWNER) == "no owner"
    assert [review.row(3).text(c) for c in range(6)] == [
        "A1  Cap fan-out",
        "Search",
        "10 Apr 2026 (today)",
        "P0",
        "Open",
        "Search latency",
    ]
    assert review.row(4).text(STATUS) == "In progress"
    assert tree.uniformRowHeights() and not tree.wordWrap()


def test_the_arrow_keys_step_over_the_group_headers(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    assert review.current_title() == "Alert per region"  # the first action, ready to go
    review.key(Qt.Key.Key_Down)
    assert review.current_title() == "Cap fan-out"
    review.key(Qt.Key.Key_Up)
    assert review.current_title() == "Alert per region"
    review.key(Qt.Key.Key_End)
    assert review.current_title() == "Cache TTLs"


def test_mark_done_by_keyboard_goes_on_to_the_next_and_undo_brings_it_back(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    checkout, _ = two
    assert review.view.select_action(checkout.actions[1].id)
    review.key(Qt.Key.Key_Return, CTRL)

    assert "Alert per region" not in review.titles()
    assert "Overdue" not in " ".join(review.rows())  # an emptied group has no header
    assert review.current_title() == "Cap fan-out"
    assert review.stored(checkout, checkout.actions[1]).status is ActionStatus.DONE
    assert review.workspace.undo_stack.undoText() == "Mark “Alert per region” done"

    review.workspace.undo_stack.undo()
    review.view.refresh()
    assert review.titles()[0] == "Alert per region"
    assert review.current_title() == "Cap fan-out"  # refresh keeps the selection


def test_mark_done_goes_on_to_the_next_when_the_window_refreshes_first(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    """The main window refreshes the page on every change, before `mark_done` itself does."""
    checkout, _ = two
    review.workspace.changed.connect(lambda _changes: review.view.refresh())
    review.view.select_action(checkout.actions[1].id)
    assert review.view.mark_done()
    assert review.current_title() == "Cap fan-out"


def test_marking_the_last_action_done_goes_back_to_the_one_before(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    _, search = two
    review.view.select_action(search.actions[3].id)
    assert review.view.mark_done()
    assert review.current_title() == "Canary stage"


def test_rescope_moves_the_action_to_its_new_group(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    checkout, _ = two
    asked: list[FollowUpItem] = []

    def answer(item: FollowUpItem) -> tuple[date | None, str]:
        asked.append(item)
        return days(30), "Waiting on the network team"

    review.view.ask_rescope = answer
    review.view.select_action(checkout.actions[1].id)
    review.key(Qt.Key.Key_R, CTRL)

    assert [item.action.title for item in asked] == ["Alert per region"]
    moved = next(i for i in review.view.items() if i.action.id == checkout.actions[1].id)
    assert moved.group is DueGroup.LATER
    assert review.current_title() == "Alert per region"  # followed to its new place
    stored = review.stored(checkout, checkout.actions[1])
    assert stored.due == days(30)
    assert stored.history[-1].field is ActionField.DUE
    assert stored.history[-1].note == "Waiting on the network team"
    assert review.failed == []


def test_a_cancelled_rescope_changes_nothing_and_a_blank_reason_is_refused(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    checkout, _ = two
    review.view.select_action(checkout.actions[1].id)
    review.view.ask_rescope = lambda item: None
    assert not review.view.rescope()
    assert review.workspace.undo_stack.count() == 0

    review.view.ask_rescope = lambda item: (days(30), "   ")
    assert not review.view.rescope()
    assert review.stored(checkout, checkout.actions[1]).due == days(-1)
    assert review.workspace.undo_stack.count() == 0
    ((title, message),) = review.failed
    assert title == "That change was not made" and "re-scoped" in message
    assert review.current_title() == "Alert per region"


def test_rescope_to_the_same_date_says_so(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    checkout, _ = two
    review.view.select_action(checkout.actions[0].id)
    review.view.ask_rescope = lambda item: (days(15), "No change really")
    assert not review.view.rescope()
    assert "Pick another date" in review.failed[0][1]


def test_escalate_raises_the_priority_with_the_note_in_its_history(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    checkout, _ = two
    asked: list[tuple[str, str]] = []

    def note(title: str, prompt: str) -> str:
        asked.append((title, prompt))
        return "Blocked on the vendor's API"

    review.view.ask_note = note
    review.view.select_action(checkout.actions[1].id)
    review.key(Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.ShiftModifier)

    ((title, prompt),) = asked
    assert "Alert per region" in title and prompt.startswith("Raise to P1")
    stored = review.stored(checkout, checkout.actions[1])
    assert stored.priority is Priority.P1
    assert (stored.history[-1].field, stored.history[-1].old, stored.history[-1].new) == (
        ActionField.PRIORITY,
        "P2",
        "P1",
    )
    assert stored.history[-1].note == "Blocked on the vendor's API"
    assert review.current_title() == "Alert per region"
    assert review.row(1).text(PRIORITY) == "P1"

    review.view.ask_note = lambda title, prompt: None  # cancelled
    assert not review.view.escalate()
    assert review.workspace.undo_stack.count() == 1


def test_a_p0_cannot_be_escalated_and_says_what_to_do(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    _, search = two
    asked: list[str] = []

    def note(title: str, prompt: str) -> str:
        asked.append(title)
        return "why"

    review.view.ask_note = note
    review.view.select_action(search.actions[0].id)
    assert not review.view.escalate()
    assert asked == []  # no note is asked for a change that cannot be made
    ((title, message),) = review.failed
    assert title == "That change was not made" and "already P0" in message
    assert review.stored(search, search.actions[0]).priority is Priority.P0


def renamed_meanwhile(review: Review, postmortem: Postmortem, action: ActionItem) -> None:
    """Someone else renames the action after the review listed it (the review has not looked)."""
    stored = review.stored(postmortem, action)
    actions.change_action(review.library, postmortem.id, replace(stored, title="Renamed there"))


def applied_again(review: Review) -> list[Conflict]:
    """Answer every conflict with Apply Mine Again; the conflicts, as asked."""
    asked: list[Conflict] = []

    def apply(conflict: Conflict) -> None:
        asked.append(conflict)
        conflict.apply()

    review.workspace.conflicted.connect(apply)
    return asked


def test_a_rescope_refused_as_made_on_an_older_version_keeps_its_reason_to_apply_again(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    checkout, _ = two
    review.view.select_action(checkout.actions[1].id)
    renamed_meanwhile(review, checkout, checkout.actions[1])
    asked = applied_again(review)
    review.view.ask_rescope = lambda item: (days(30), "Waiting on the network team")
    review.view.rescope()

    ((conflict,),) = [asked]
    assert conflict.message.startswith(
        "Someone else changed the action “Renamed there” while you were editing it, so your "
        "change (Re-scope “Alert per region”) was not saved."
    )
    assert conflict.yours == f"Due: {days(30).isoformat()}\nReason: Waiting on the network team"
    stored = review.stored(checkout, checkout.actions[1])
    assert (stored.title, stored.due) == ("Renamed there", days(30))
    assert stored.history[-1].note == "Waiting on the network team"
    assert review.workspace.undo_stack.count() == 1


def test_an_escalation_applied_again_raises_to_the_priority_chosen(
    review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    checkout, _ = two
    review.view.select_action(checkout.actions[1].id)  # P2
    renamed_meanwhile(review, checkout, checkout.actions[1])
    asked = applied_again(review)
    review.view.ask_note = lambda title, prompt: "Blocked on the vendor's API"
    review.view.escalate()

    assert [c.yours for c in asked] == ["Priority: P1\nReason: Blocked on the vendor's API"]
    stored = review.stored(checkout, checkout.actions[1])
    assert (stored.title, stored.priority) == ("Renamed there", Priority.P1)
    assert stored.history[-1].note == "Blocked on the vendor's API"


def test_open_by_return_or_double_click_asks_for_the_postmortem(
    qtbot: QtBot, review: Review, two: tuple[Postmortem, Postmortem]
) -> None:
    _, search = two
    opened: list[tuple[str, str]] = []
    review.view.open_requested.connect(lambda pm, action: opened.append((pm, action)))
    review.view.select_action(search.actions[2].id)
    review.key(Qt.Key.Key_Return)
    assert opened == [(search.id, search.actions[2].id)]

    tree = review.view.tree
    row = review.row(8)
    rect = tree.visualItemRect(row)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened[-1] == (search.id, search.actions[3].id)


def test_the_buttons_name_their_shortcuts(review: Review) -> None:
    view = review.view
    assert view.mark_done_action.toolTip() == "Mark done (Ctrl+Return)"
    assert view.rescope_action.toolTip() == "Re-scope (Ctrl+R)"
    assert view.escalate_action.toolTip() == "Escalate (Ctrl+Shift+E)"
    assert view.open_action.toolTip() == "Open postmortem (Return or double-click)"


def test_nothing_open_shows_a_message_and_no_actions(review: Review) -> None:
    store(
        review.library,
        Postmortem("Quiet", actions=[ActionItem("A1", "Done", status=ActionStatus.DONE)]),
    )
    review.view.refresh()
    assert review.view.items() == []
    assert review.view.pages.currentWidget() is review.view.empty
    assert review.view.empty.text() == EMPTY_MESSAGE
    assert not review.view.mark_done_action.isEnabled()
    assert not review.view.mark_done() and not review.view.rescope()
    review.view.open_current()  # nothing to open, nothing happens


def many(count: int, per_postmortem: int) -> list[Postmortem]:
    return [
        Postmortem(
            f"Incident {p:03}",
            actions=[
                ActionItem(f"A{i + 1}", f"Action {p}-{i}", due=days((p * per_postmortem + i) - 60))
                for i in range(per_postmortem)
            ],
        )
        for p in range(count // per_postmortem)
    ]


def test_refresh_of_five_hundred_actions_is_quick_and_keeps_selection_and_scroll(
    review: Review,
) -> None:
    store(review.library, *many(500, 25))
    start = time.perf_counter()
    review.view.refresh()
    elapsed = time.perf_counter() - start
    assert len(review.view.items()) == 500
    assert elapsed < 1.0, f"{elapsed:.2f} s"

    chosen = review.view.items()[250].action.id
    assert review.view.select_action(chosen)
    scroll = review.view.tree.verticalScrollBar()
    scroll.setValue(scroll.value() + 3)  # the chosen row still in view
    before = scroll.value()
    review.view.refresh()
    assert review.view.current_item() is not None
    assert review.view.current_item().action.id == chosen  # type: ignore[union-attr]
    assert scroll.value() == before


def test_a_new_theme_recolours_the_rows(qtbot: QtBot, review: Review) -> None:
    store(review.library, Postmortem("Late", actions=[ActionItem("A1", "Late", due=days(-3))]))
    review.view.refresh()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    dark = QColor(COLOURS[Theme.DARK].error)
    try:
        apply_theme(app, Theme.DARK)
        qtbot.waitUntil(lambda: review.row(0).foreground(ACTION).color() == dark)
        assert review.current_title() == "Late"
    finally:
        apply_theme(app, Theme.LIGHT)


def test_the_rescope_dialog_waits_for_a_reason(qtbot: QtBot) -> None:
    action = ActionItem("A1", "Canary stage", due=days(-3))
    dialog = RescopeDialog(FollowUpItem("pm", "Checkout", action, DueGroup.OVERDUE), TODAY)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.due.date().toPython() == days(14)  # an overdue date is no place to start
    assert not ok.isEnabled()
    dialog.reason.setText("   ")
    assert not ok.isEnabled()
    dialog.reason.setText(" Scope cut ")
    assert ok.isEnabled()
    assert dialog.value() == (days(14), "Scope cut")
    dialog.no_due.setChecked(True)
    assert not dialog.due.isEnabled()
    assert dialog.value() == (None, "Scope cut")

    later = ActionItem("A2", "Later", due=days(40))
    starts = RescopeDialog(FollowUpItem("pm", "Checkout", later, DueGroup.LATER), TODAY)
    qtbot.addWidget(starts)
    assert starts.due.date().toPython() == days(40)


def test_the_note_dialog_waits_for_a_note(qtbot: QtBot) -> None:
    dialog = NoteDialog("Escalate", "Raise to P1: why?")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.text.setText("  Blocked  ")
    assert ok.isEnabled() and dialog.note() == "Blocked"
