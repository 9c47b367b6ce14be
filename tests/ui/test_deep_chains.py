"""A chain of whys thousands deep opens in the window, and its outline is redrawn in time linear
in its length."""

from __future__ import annotations

import json
from pathlib import Path

import shiboken6
from pytestqt.qtbot import QtBot

from pmdesk.domain.model import Cause, Postmortem
from pmdesk.services import postmortems
from pmdesk.storage.library import Library
from pmdesk.ui.causes.tree import CauseTreeView
from pmdesk.ui.editor import View
from pmdesk.ui.main_window import MainWindow
from tests import documents


def chain(depth: int) -> Postmortem:
    causes = [Cause("p1", "The problem")]
    for n in range(1, depth):
        causes.append(Cause(f"c{n}", f"Why number {n}", parent_id=causes[-1].id))
    return Postmortem(title="Deep", causes=causes)


def test_a_redraw_takes_a_deep_outline_apart_row_by_row(qtbot: QtBot) -> None:
    # Deleting a branch whole walks everything below each of its rows again: n squared for a
    # chain. Each row must be taken out on its own, leaf first, before it is deleted.
    view = CauseTreeView()
    qtbot.addWidget(view)
    deep = chain(3000)
    view.show_postmortem(deep)
    rows = [view.item_for(c.id) for c in deep.causes]
    view.show_postmortem(Postmortem(title="Other", causes=[Cause("p1", "Another problem")]))
    assert view.topLevelItemCount() == 1
    for row in rows:
        assert row is not None and shiboken6.isValid(row)
        assert row.parent() is None and row.childCount() == 0


def test_a_deep_outline_keeps_what_was_folded_across_a_redraw(qtbot: QtBot) -> None:
    view = CauseTreeView()
    qtbot.addWidget(view)
    deep = chain(3000)
    view.show_postmortem(deep)
    folded = view.item_for(deep.causes[1000].id)
    assert folded is not None and folded.isExpanded()
    folded.setExpanded(False)
    deep.causes[0].text = "The problem, reworded"
    view.show_postmortem(deep)
    for n, cause in enumerate(deep.causes[:-1]):
        row = view.item_for(cause.id)
        assert row is not None and row.isExpanded() == (n != 1000)
    assert view.select(deep.causes[-1].id, focus=False)
    assert view.current_id() == deep.causes[-1].id
    view.show_postmortem(Postmortem(title="Empty"))


def open_deep_chain(window: MainWindow, library: Library, tmp_path: Path) -> str:
    """A chain of whys 3,000 deep, imported from a file and open on the Causes tab."""
    source = tmp_path / "deep.json"
    source.write_text(json.dumps(documents.deep_chain(3000)), encoding="utf-8")
    (postmortem_id,) = postmortems.import_files(library, [source]).postmortem_ids
    window.refresh_library()
    assert window.open_postmortem(postmortem_id)
    window.editor.show_view(View.CAUSES)
    return postmortem_id


def test_a_chain_3000_deep_opens_in_the_window(
    window: MainWindow, library: Library, tmp_path: Path
) -> None:
    postmortem_id = open_deep_chain(window, library, tmp_path)
    tree = window.editor.causes.tree
    stored = postmortems.get_postmortem(library, postmortem_id)
    deepest = next(c for c in stored.causes if c.ref == "c2999")
    assert tree.select(deepest.id, focus=False)
    assert tree.rows[deepest.id].depth == 3000


def test_closing_the_window_takes_a_deep_outline_apart_first(
    window: MainWindow, library: Library, tmp_path: Path
) -> None:
    # Qt's teardown of the view would delete the chain as one branch: n squared (6 s at 10,000).
    open_deep_chain(window, library, tmp_path)
    tree = window.editor.causes.tree
    rows = [tree.item_for(cause_id) for cause_id in tree.rows]
    assert tree.topLevelItemCount() == 1
    assert window.close()
    assert tree.topLevelItemCount() == 0
    for row in rows:
        assert row is not None and shiboken6.isValid(row)
        assert row.parent() is None and row.childCount() == 0
