"""The library's own pages in the window: the overview, and evidence for the open timeline."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from pmdesk.services import postmortems
from pmdesk.ui.main_window import MainWindow


def test_the_overview_page_counts_the_library(opened: MainWindow) -> None:
    opened.command("view.library_overview").trigger()
    assert opened.center.currentWidget() is opened.overview_page
    assert opened.current_id() is None and not opened.command("file.add_evidence").isEnabled()
    assert opened.overview_page.charts["per_month"].title
    assert "1" in opened.overview_page.summary.text()  # one incident in the library


def test_evidence_for_the_open_timeline_is_previewed_and_added(
    qtbot: QtBot, opened: MainWindow, example_id: str, tmp_path: Path
) -> None:
    csv_file = tmp_path / "pager.csv"
    csv_file.write_text(
        "time,text,kind\n2026-03-02 14:19,Error budget alert for checkout,detection\n",
        encoding="utf-8",
    )
    before = len(postmortems.get_postmortem(opened.library, example_id).timeline)
    dialog = opened.add_evidence(csv_file)
    assert dialog is not None
    dialog.wait_until_read()
    assert [c.text for c in dialog.checked()] == ["Error budget alert for checkout"]
    assert dialog.import_checked() == 1
    after = postmortems.get_postmortem(opened.library, example_id).timeline
    assert len(after) == before + 1
    opened.workspace.undo_stack.undo()
    assert len(postmortems.get_postmortem(opened.library, example_id).timeline) == before
