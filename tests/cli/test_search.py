"""`pmdesk search`: ranked results, phrases, filters, and queries that are not FTS syntax."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import db, imported, pmdesk, write  # noqa: F401 - db is a fixture
from tests.documents import example


def test_search_ranks_and_marks_the_hits(db: Path, fixture_file: Path, tmp_path: Path) -> None:  # noqa: F811
    first = imported(db, fixture_file)
    other = example()
    other["postmortem"].update(title="Search latency", summary="A canary would have helped.")
    other["postmortem"]["tags"] = ["search"]
    second = imported(db, write(tmp_path / "other.json", other))
    rows = json.loads(pmdesk("--db", db, "search", "canary stage", "--json").out)
    assert {r["id"] for r in rows} == {first, second}  # the copy has the same causes
    assert all(list(row) == ["id", "title", "snippet", "score"] for row in rows)
    assert rows == sorted(rows, key=lambda r: -r["score"])
    assert "«canary»" in rows[0]["snippet"]
    only_search = json.loads(
        pmdesk("--db", db, "search", "canary", "--tag", "search", "--json").out
    )
    assert [r["id"] for r in only_search] == [second]


def test_a_hostile_query_is_just_words(db: Path, fixture_file: Path) -> None:  # noqa: F811
    imported(db, fixture_file)
    for query in ['"unbalanced', "AND OR NOT", "*", "col:x", ")", "NEAR(", "-rollback"]:
        result = pmdesk("--db", db, "search", "--json", "--", query)
        assert result.code == 0, (query, result.err)
        json.loads(result.out)
    assert pmdesk("--db", db, "search", "zeppelin").err.startswith("Nothing found")
