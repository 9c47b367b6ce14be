"""The follow-up review inside the window, and the action exports from the File menu."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from pmdesk.domain.model import ActionStatus
from pmdesk.services import postmortems
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow


def test_the_review_stays_on_screen_while_actions_are_marked_done(
    opened: MainWindow, example_id: str
) -> None:
    opened.followup.today = lambda: date(2026, 3, 18)
    opened.command("view.follow_up").trigger()
    assert opened.center.currentWidget() is opened.followup
    assert opened.current_id() is None and not opened.command("file.export").isEnabled()
    first = opened.followup.items()[0]
    assert first.postmortem_id == example_id
    opened.followup.select_action(first.action.id)
    assert opened.followup.mark_done()
    # a change of another postmortem would normally open it: the review keeps the screen
    assert opened.center.currentWidget() is opened.followup
    assert first.action.id not in {i.action.id for i in opened.followup.items()}
    stored = postmortems.get_postmortem(opened.library, example_id)
    assert next(a for a in stored.actions if a.id == first.action.id).status is ActionStatus.DONE
    opened.workspace.undo_stack.undo()
    assert first.action.id in {i.action.id for i in opened.followup.items()}
    assert opened.center.currentWidget() is opened.followup


def test_opening_an_action_from_the_review_shows_it_on_its_board(
    opened: MainWindow, example_id: str
) -> None:
    opened.show_follow_up()
    item = opened.followup.items()[-1]
    opened.followup.open_requested.emit(item.postmortem_id, item.action.id)
    assert opened.current_id() == example_id
    assert opened.editor.current_view() is View.ACTIONS
    assert opened.editor.action_items.board.current_action_id() == item.action.id


def test_the_window_exports_the_actions_as_csv_and_ics(
    opened: MainWindow, example_id: str, tmp_path: Path
) -> None:
    assert opened.export_to(example_id, str(tmp_path / "actions.csv"))
    with (tmp_path / "actions.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [r["id"] for r in rows] == ["a2", "a4", "a1", "a3", "a5"]  # the board's order
    assert opened.export_to(example_id, str(tmp_path / "actions.ics"))
    assert (tmp_path / "actions.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
