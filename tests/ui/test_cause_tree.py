"""The cause tree driven as a scribe would: asking why, adding factors, moving, marking, citing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.cause_tree import CauseTree
from pmdesk.domain.model import Postmortem
from pmdesk.services import postmortems
from pmdesk.ui.causes.section import CausesSection
from pmdesk.ui.causes.tree import RowKind
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow


@pytest.fixture
def causes(opened: MainWindow) -> CausesSection:
    opened.editor.show_view(View.CAUSES)
    return opened.editor.causes


def stored(window: MainWindow) -> Postmortem:
    assert window.editor.postmortem is not None
    return postmortems.get_postmortem(window.library, window.editor.postmortem.id)


def ref_id(window: MainWindow, ref: str) -> str:
    return next(c.id for c in stored(window).causes if c.ref == ref)


def outline(window: MainWindow) -> dict[str, list[str]]:
    """Each cause's text → its children's texts, as stored."""
    pm = stored(window)
    tree = CauseTree(pm.causes)
    return {c.text: [k.text for k in tree.children(c.id)] for c in tree.preorder()}


def children_refs(window: MainWindow, ref: str | None) -> list[str]:
    pm = stored(window)
    tree = CauseTree(pm.causes)
    parent = next((c.id for c in pm.causes if c.ref == ref), None)
    return [c.ref for c in tree.children(parent)]


def reported(window: MainWindow) -> list[tuple[str, str]]:
    messages: list[tuple[str, str]] = window.reported  # type: ignore[attr-defined]
    return messages


def undo(window: MainWindow) -> None:
    window.workspace.undo_stack.undo()


def draft(causes: CausesSection) -> QWidget:
    editor = causes.tree.draft_editor
    assert editor is not None
    return editor


def type_into_draft(qtbot: QtBot, causes: CausesSection, text: str) -> None:
    editor = causes.tree.draft_editor
    assert editor is not None and editor.hasFocus()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)


def test_tab_asks_why_and_enter_keeps_adding_factors(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    before = outline(opened)
    causes.select_cause(ref_id(opened, "c7"))
    QTest.keyClick(causes.tree, Qt.Key.Key_Tab)
    assert causes.tree.draft_editor is not None
    assert "Why did" in causes.tree.draft_editor.placeholderText()

    type_into_draft(qtbot, causes, "Latency was the only signal anyone had charted")
    # the next draft opens beside the new cause, ready for another factor
    type_into_draft(qtbot, causes, "Error rates were not exported")
    c7 = next(c for c in stored(opened).causes if c.ref == "c7")
    assert outline(opened)[c7.text] == [
        "Latency was the only signal anyone had charted",
        "Error rates were not exported",
    ]
    new = next(c for c in stored(opened).causes if c.text.startswith("Latency was"))
    assert CauseTree(stored(opened).causes).depth(new.id) == 4  # "why 3"

    # Enter on an empty draft ends the run; nothing blank is stored
    QTest.keyClick(draft(causes), Qt.Key.Key_Return)
    assert causes.tree.draft is None
    undo(opened)
    undo(opened)
    assert outline(opened) == before
    assert reported(opened) == []


def test_a_draft_goes_deeper_with_tab_and_back_with_shift_tab(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    causes.select_cause(ref_id(opened, "c4"))
    QTest.keyClick(causes.tree, Qt.Key.Key_Return)  # a contributing factor beside c4
    type_into_draft(qtbot, causes, "The rollout tool pushes to all regions at once")
    assert children_refs(opened, "p1") == ["c1", "c4", "c8", "c6"]

    editor = causes.tree.draft_editor
    assert editor is not None
    QTest.keyClick(editor, Qt.Key.Key_Tab)  # now a why of c8, the cause just above
    assert causes.tree.draft is not None and causes.tree.draft.parent_id == ref_id(opened, "c8")
    QTest.keyClick(draft(causes), Qt.Key.Key_Backtab)  # and back beside it
    assert causes.tree.draft is not None and causes.tree.draft.parent_id == ref_id(opened, "p1")
    QTest.keyClick(draft(causes), Qt.Key.Key_Tab)
    type_into_draft(qtbot, causes, "Regions are not staged in the deploy config")
    assert children_refs(opened, "c8") == ["c9"]

    QTest.keyClick(draft(causes), Qt.Key.Key_Escape)
    assert causes.tree.draft is None and causes.tree.draft_editor is None


def test_ctrl_enter_stores_a_systemic_cause_and_the_next_line_opens_a_level_up(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    causes.select_cause(ref_id(opened, "c5"))
    QTest.keyClick(causes.tree, Qt.Key.Key_Tab)  # why c5?
    QTest.keyClicks(draft(causes), "Rollbacks are manual and take an hour")
    QTest.keyClick(draft(causes), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    new = next(c for c in stored(opened).causes if c.text.startswith("Rollbacks"))
    assert new.systemic and children_refs(opened, "c5") == [new.ref]
    assert (
        opened.workspace.undo_stack.undoText()
        == "Add systemic cause “Rollbacks are manual and take an hour”"
    )
    # The asking stops there: the next line is another answer to why c4, beside c5.
    assert causes.tree.draft is not None
    assert causes.tree.draft.parent_id == ref_id(opened, "c4")
    type_into_draft(qtbot, causes, "Regions are not staged in the deploy config")
    assert children_refs(opened, "c4") == ["c5", "c9"]

    # Under a problem statement the line stays there, beside the systemic cause.
    QTest.keyClick(draft(causes), Qt.Key.Key_Backtab)
    assert causes.tree.draft is not None
    assert causes.tree.draft.parent_id == ref_id(opened, "p1")
    QTest.keyClicks(draft(causes), "Checkout has a single gateway host")
    QTest.keyClick(draft(causes), Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert children_refs(opened, "p1") == ["c1", "c4", "c10", "c6"]
    assert next(c for c in stored(opened).causes if c.ref == "c10").systemic
    assert causes.tree.draft is not None
    assert causes.tree.draft.parent_id == ref_id(opened, "p1")
    assert draft(causes).hasFocus()

    for _ in range(3):
        undo(opened)
    assert children_refs(opened, "c5") == [] and children_refs(opened, "c4") == ["c5"]


def test_while_typing_the_keys_for_a_cause_are_about_the_one_just_typed(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    causes.select_cause(ref_id(opened, "c6"))
    QTest.keyClick(causes.tree, Qt.Key.Key_Tab)
    type_into_draft(qtbot, causes, "Error rates are not exported by the checkout service")
    new = next(c for c in stored(opened).causes if c.text.startswith("Error rates"))
    assert causes.current_cause() == new  # not c6, which the open line still answers
    assert "Error rates" in causes.detail.text.toPlainText()

    QTest.keyClick(draft(causes), Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert next(c for c in stored(opened).causes if c.id == new.id).systemic
    assert not next(c for c in stored(opened).causes if c.ref == "c6").systemic
    assert draft(causes).hasFocus()  # still typing causes

    QTest.keyClick(
        draft(causes),
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    line = causes.detail.new_action
    assert line.hasFocus()
    QTest.keyClicks(line, "Export the checkout error rate to the metrics pipeline P2")
    QTest.keyClick(line, Qt.Key.Key_Return)
    added = stored(opened).actions[-1]
    assert added.cause_id == new.id
    assert draft(causes).hasFocus()  # back to the next cause
    type_into_draft(qtbot, causes, "Nobody owns the checkout dashboards")
    assert children_refs(opened, "c6") == ["c7", new.ref, "c9"]


def test_the_cause_panes_line_stores_an_action_in_progress_or_done_with_alt_digits(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    c6 = ref_id(opened, "c6")
    causes.select_cause(c6)
    line = causes.detail.new_action
    for title, key, status in (
        ("Page the checkout on-call on errors due 2026-03-20", Qt.Key.Key_2, "in_progress"),
        ("Chart the checkout error rate on the on-call dashboard", Qt.Key.Key_3, "done"),
    ):
        QTest.keyClick(
            causes.tree,
            Qt.Key.Key_A,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        QTest.keyClicks(line, title)
        QTest.keyClick(line, key, Qt.KeyboardModifier.AltModifier)
        added = stored(opened).actions[-1]
        assert (added.title, added.cause_id, added.status.value) == (
            title.partition(" due")[0],
            c6,
            status,
        )
        assert line.text() == "" and causes.tree.hasFocus()
    undo(opened)
    assert stored(opened).actions[-1].title.startswith("Page the checkout")

    # A just-typed action is not dropped from the cause pane: Alt+4 there adds nothing.
    count = len(stored(opened).actions)
    QTest.keyClick(
        causes.tree,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    QTest.keyClicks(line, "Chart the checkout error rate")
    QTest.keyClick(line, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert len(stored(opened).actions) == count


def test_a_new_problem_statement_starts_a_tree_of_its_own(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    causes.new_problem_action.trigger()
    assert causes.tree.draft is not None and causes.tree.draft.parent_id is None
    type_into_draft(qtbot, causes, "Support could not see which orders failed")
    assert children_refs(opened, None) == ["p1", "c8"]


def test_alt_arrows_move_a_cause_and_undo_puts_it_back(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    causes.select_cause(ref_id(opened, "c6"))
    QTest.keyClick(causes.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert children_refs(opened, "p1") == ["c1", "c6", "c4"]
    assert causes.tree.current_id() == ref_id(opened, "c6")  # the selection follows

    QTest.keyClick(causes.tree, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert children_refs(opened, "c1") == ["c2", "c6"]  # indented under the cause above
    assert children_refs(opened, "c6") == ["c7"]  # its subtree came along

    QTest.keyClick(causes.tree, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert children_refs(opened, "p1") == ["c1", "c6", "c4"]

    for _ in range(3):
        undo(opened)
    assert children_refs(opened, "p1") == ["c1", "c4", "c6"]


def drop(causes: CausesSection, moving_ref_id: str, target_id: str, where: str) -> None:
    """Drop the selected cause on, above or below another row, as a mouse drag ends.

    Qt hands a drop to a widget only inside a real drag session, which a test cannot start
    (QDrag.exec waits for the mouse), so the view's handler gets the event Qt would give it.
    """
    tree = causes.tree
    tree.select(moving_ref_id)
    item = tree.item_for(target_id)
    assert item is not None
    rect = tree.visualItemRect(item)
    y = {"above": rect.top() + 1, "on": rect.center().y(), "below": rect.bottom() - 1}[where]
    point = QPointF(QPoint(rect.center().x(), y))
    mime = QMimeData()
    event = QDropEvent(
        point,
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tree.dropEvent(event)
    assert event.dropAction() is Qt.DropAction.IgnoreAction  # Qt never moves rows itself


def test_dragging_a_cause_onto_another_moves_its_subtree_and_undo_restores(
    opened: MainWindow, causes: CausesSection
) -> None:
    drop(causes, ref_id(opened, "c6"), ref_id(opened, "c2"), "on")
    assert children_refs(opened, "c2") == ["c3", "c6"]
    assert children_refs(opened, "c6") == ["c7"]
    undo(opened)
    assert children_refs(opened, "p1") == ["c1", "c4", "c6"]

    drop(causes, ref_id(opened, "c6"), ref_id(opened, "c1"), "above")
    assert children_refs(opened, "p1") == ["c6", "c1", "c4"]
    drop(causes, ref_id(opened, "c6"), ref_id(opened, "c4"), "below")
    assert children_refs(opened, "p1") == ["c1", "c4", "c6"]
    assert reported(opened) == []


def test_a_drop_that_would_make_a_cycle_is_refused_and_says_why(
    opened: MainWindow, causes: CausesSection
) -> None:
    before = outline(opened)
    depth_before = opened.workspace.undo_stack.count()
    drop(causes, ref_id(opened, "c1"), ref_id(opened, "c3"), "on")
    assert outline(opened) == before
    assert opened.workspace.undo_stack.count() == depth_before
    (_title, message), *_ = reported(opened)
    assert "would loop" in message and "c1" in message


def test_marking_systemic_shows_and_can_be_undone(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    c6 = ref_id(opened, "c6")
    causes.select_cause(c6)
    assert not causes.tree.rows[c6].cause.systemic
    QTest.keyClick(causes.tree, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert next(c for c in stored(opened).causes if c.id == c6).systemic
    row = causes.tree.rows[c6]
    assert row.cause.systemic and row.needs_action  # systemic, and nothing addresses it yet
    assert causes.detail.systemic.isChecked()
    assert "systemic" in causes.detail.title.text()
    undo(opened)
    assert not causes.tree.rows[c6].cause.systemic
    assert not causes.detail.systemic.isChecked()


def test_hints_keep_asking_no_action_and_blame(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    # every leaf of the example is systemic and addressed: no hints anywhere
    assert not any(r.keep_asking or r.needs_action or r.blame for r in causes.tree.rows.values())

    causes.select_cause(ref_id(opened, "c7"))
    QTest.keyClick(causes.tree, Qt.Key.Key_Tab)
    type_into_draft(qtbot, causes, "The on-call engineer was careless with the dashboard")
    new = next(c for c in stored(opened).causes if "careless" in c.text)
    row = causes.tree.rows[new.id]
    assert row.keep_asking  # a leaf that is not systemic
    assert row.blame is not None and "careless" in row.blame.phrase
    # c7 is no longer a leaf: its own hint is gone
    assert not causes.tree.rows[ref_id(opened, "c7")].keep_asking

    QTest.keyClick(draft(causes), Qt.Key.Key_Escape)
    causes.select_cause(new.id)
    assert causes.detail.reframing.isVisibleTo(causes.detail)
    assert "puts the failure on a person" in causes.detail.reframing.finding.text()
    assert causes.detail.hint_box.isVisibleTo(causes.detail)
    causes.detail.reframing.reword.click()  # selects the blaming words, to type a blameless one
    assert causes.detail.text.textCursor().selectedText() == row.blame.phrase

    causes.detail.text.selectAll()
    QTest.keyClicks(causes.detail.text, "The dashboard hid the error rate below the fold")
    causes.tree.setFocus()  # leaving the field stores it
    updated = causes.tree.rows[new.id]
    assert updated.blame is None and updated.cause.text.startswith("The dashboard")
    causes.set_systemic(new.id, True)
    assert causes.tree.rows[new.id].needs_action and not causes.tree.rows[new.id].keep_asking


def test_citing_an_event_shows_it_and_leads_to_the_timeline(
    opened: MainWindow, causes: CausesSection
) -> None:
    c4 = ref_id(opened, "c4")
    causes.select_cause(c4)
    detail = causes.detail
    assert detail.cite.count() == len(stored(opened).timeline) + 1
    detail.cite.activated.emit(2)  # the second event of the timeline
    event = stored(opened).timeline[1]
    assert next(c for c in stored(opened).causes if c.id == c4).evidence == [event.id]
    assert detail.evidence.count() == 1 and detail.cite.count() == len(stored(opened).timeline)

    detail.evidence.itemActivated.emit(detail.evidence.item(0))
    assert opened.editor.current_view() is View.TIMELINE
    assert [e.id for e in opened.editor.timeline.selected_events()] == [event.id]

    # the node's menu leads there too
    opened.editor.show_view(View.CAUSES)
    opened.editor.timeline.table.clearSelection()
    menu = causes.context_menu()
    (cited,) = [a.menu() for a in menu.actions() if a.text() == "Go to evidence"]
    assert isinstance(cited, QMenu)
    (go,) = cited.actions()
    assert event.text[:20] in go.text()
    go.trigger()
    assert opened.editor.current_view() is View.TIMELINE
    assert [e.id for e in opened.editor.timeline.selected_events()] == [event.id]
    undo(opened)
    assert next(c for c in stored(opened).causes if c.id == c4).evidence == []


def test_an_action_added_for_a_cause_is_linked_to_it(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    c6 = ref_id(opened, "c6")
    causes.select_cause(c6)
    QTest.keyClick(
        causes.tree,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert causes.detail.new_action.hasFocus()
    QTest.keyClicks(causes.detail.new_action, "Page the checkout on-call on error rate above 2%")
    QTest.keyClick(causes.detail.new_action, Qt.Key.Key_Return)
    action = stored(opened).actions[-1]
    assert action.cause_id == c6 and action.title.startswith("Page the checkout")
    assert causes.detail.new_action.text() == ""
    assert causes.detail.actions_list.count() == 1
    item = causes.tree.item_for(c6)
    assert item is not None
    kinds = [item.child(i).type() for i in range(item.childCount())]  # type: ignore[union-attr]
    assert kinds.count(RowKind.ACTION.value) == 1
    undo(opened)
    assert all(a.cause_id != c6 for a in stored(opened).actions)


def test_deleting_a_cause_takes_its_branch_and_undo_brings_it_back(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    before = outline(opened)
    causes.select_cause(ref_id(opened, "c1"))
    QTest.keyClick(causes.tree, Qt.Key.Key_Delete)
    assert children_refs(opened, "p1") == ["c4", "c6"]
    assert len(stored(opened).causes) == 5
    assert causes.tree.current_id() == ref_id(opened, "c4")
    undo(opened)
    assert outline(opened) == before


def test_collapsed_branches_stay_collapsed_after_an_edit(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    c1_item = causes.tree.item_for(ref_id(opened, "c1"))
    assert c1_item is not None and c1_item.isExpanded()
    c1_item.setExpanded(False)
    causes.select_cause(ref_id(opened, "c6"))
    QTest.keyClick(causes.tree, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    again = causes.tree.item_for(ref_id(opened, "c1"))
    assert again is not None and again is not c1_item  # redrawn…
    assert not again.isExpanded()  # …as it was left


def test_editing_a_row_in_place_changes_the_text(
    qtbot: QtBot, opened: MainWindow, causes: CausesSection
) -> None:
    c4 = ref_id(opened, "c4")
    item = causes.tree.item_for(c4)
    assert item is not None
    item.setText(0, "The bad config reached every region within one minute")
    assert next(c for c in stored(opened).causes if c.id == c4).text.endswith("one minute")
    undo(opened)
    assert next(c for c in stored(opened).causes if c.id == c4).text.endswith("same moment")


def test_the_diagram_shows_the_same_tree_and_exports(
    opened: MainWindow, causes: CausesSection, tmp_path: Path
) -> None:
    causes.diagram_action.trigger()
    assert causes.views.currentWidget() is causes.diagram
    layout = causes.diagram.tree_layout
    assert layout is not None
    assert {n.cause_id for n in layout.nodes} == {c.id for c in stored(opened).causes}
    assert causes.export_diagram(str(tmp_path / "tree.svg"), svg=True)
    assert "config pipeline" in (tmp_path / "tree.svg").read_text(encoding="utf-8")
    assert causes.export_diagram(str(tmp_path / "tree"), svg=False)
    assert (tmp_path / "tree.png").read_bytes().startswith(b"\x89PNG")
    causes.diagram.cause_activated.emit(ref_id(opened, "c5"))
    assert causes.views.currentWidget() is causes.tree
    assert causes.tree.current_id() == ref_id(opened, "c5")
