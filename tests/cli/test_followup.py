"""`pmdesk followup`: the follow-up review on the command line, around a fixed today."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import db, imported, pmdesk, write  # noqa: F401 - db is a fixture
from tests.documents import example

KEYS = ["postmortem_id", "postmortem_title", "id", "title", "owner", "due", "status", "priority"]


def test_followup_json_is_one_flat_array_grouped_around_today(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
) -> None:
    first = imported(db, fixture_file)
    document = example()
    document["postmortem"]["title"] = "Search latency, again"
    actions = document["postmortem"]["actions"]
    actions[0].update(status="open", due=None)  # no due date
    actions[1].update(due="2026-04-01")  # later than today + 14
    second = imported(db, write(tmp_path / "second.json", document))

    result = pmdesk("--db", db, "followup", "--json", "--today", "2026-03-17")
    assert result.code == 0 and result.err == ""
    rows = json.loads(result.out)
    assert all(list(row) == [*KEYS, "group"] for row in rows)
    summary = [(r["postmortem_id"], r["id"], r["due"], r["group"]) for r in rows]
    # by due date inside each group; equal dates in the order of the postmortems' titles
    assert summary == [
        (first, "a4", "2026-03-15", "overdue"),
        (second, "a4", "2026-03-15", "overdue"),
        (first, "a1", "2026-03-20", "due_soon"),
        (second, "a2", "2026-04-01", "later"),
        (first, "a2", "2026-04-10", "later"),
        (second, "a1", None, "no_due"),
    ]
    # sorted by due date inside each group
    later = [r["due"] for r in rows if r["group"] == "later"]
    assert later == sorted(later)
    titles = {r["postmortem_id"]: r["postmortem_title"] for r in rows}
    assert titles[second] == "Search latency, again"


def test_followup_table_and_the_edges_of_due_soon(db: Path, tmp_path: Path) -> None:  # noqa: F811
    document = example()
    actions = document["postmortem"]["actions"]
    for action, due in zip(
        actions, ["2026-03-16", "2026-03-17", "2026-03-31", "2026-04-01"], strict=False
    ):
        action.update(status="open", due=due)
    imported(db, write(tmp_path / "edges.json", document))
    result = pmdesk("--db", db, "followup", "--json", "--today", "2026-03-17")
    groups = {r["due"]: r["group"] for r in json.loads(result.out)}
    assert groups == {
        "2026-03-16": "overdue",  # yesterday
        "2026-03-17": "due_soon",  # today
        "2026-03-31": "due_soon",  # today + 14
        "2026-04-01": "later",  # today + 15
    }
    table = pmdesk("--db", db, "followup", "--today", "2026-03-17").out
    assert table.splitlines()[0] == "Overdue (1)"
    assert "Due soon (2)" in table and "Later (1)" in table
    assert "2026-03-31" in table


def test_followup_of_an_empty_library_says_so(db: Path) -> None:  # noqa: F811
    result = pmdesk("--db", db, "followup")
    assert result.code == 0 and result.out == ""
    assert "Nothing to follow up" in result.err
    assert json.loads(pmdesk("--db", db, "followup", "--json").out) == []


def test_followup_refuses_a_bad_today(db: Path) -> None:  # noqa: F811
    result = pmdesk("--db", db, "followup", "--today", "17/03/2026")
    assert result.code == 2 and "YYYY-MM-DD" in result.err


def test_similar_lists_the_closest_postmortems(
    db: Path,  # noqa: F811
    fixture_file: Path,
    tmp_path: Path,
) -> None:
    first = imported(db, fixture_file)
    document = example()
    document["postmortem"]["title"] = "Search errors after a config push"
    second = imported(db, write(tmp_path / "second.json", document))
    other = example()
    other["postmortem"].update(
        title="Printer jam",
        summary="Paper.",
        tags=[],
        causes=[],
        impact={"summary": "", "metrics": []},
    )
    other["postmortem"]["actions"] = []
    imported(db, write(tmp_path / "other.json", other))
    rows = json.loads(pmdesk("--db", db, "similar", first, "--json").out)
    assert [r["id"] for r in rows] == [second]
    assert rows[0]["shared_tags"] == ["alerting", "checkout", "config"]
    table = pmdesk("--db", db, "similar", first[:8]).out
    assert "Search errors after a config push" in table
