"""`pmdesk copy-library`: a library to PostgreSQL and back; every refusal writes nothing."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, make_url, select, text

from pmdesk.domain.model import Postmortem
from pmdesk.domain.themes import DEFAULT_THEMES
from pmdesk.services import copy_library, postmortems, recurrences
from pmdesk.services import search as search_service
from pmdesk.storage import migrator, repository, search
from pmdesk.storage.engine import make_engine
from pmdesk.storage.library import Library, open_library
from pmdesk.storage.schema import metadata
from tests import documents
from tests.cli.test_cli import pmdesk, write
from tests.storage.examples import rich_postmortem, without_themes
from tests.storage.older import insert_into_older

PASSWORD = "s3cret-Pa55"  # trust authentication lets any password in; it must never be printed
TABLES = [table.name for table in metadata.sorted_tables]


# `postgres_url` (tests/conftest.py): a fresh, empty database on the session's PostgreSQL server.


def with_password(url: str) -> str:
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


# --- a library with everything in it ----------------------------------------------------------

BIG_EVENTS = 5000


def build_library(path: Path, fixture_file: Path, folder: Path) -> list[str]:
    """The shared example, a 5,000-event postmortem, the rich documents (evidence, action
    history, a meeting), a 300-deep chain of whys and a recurrence link; returns their ids."""
    big = documents.example()
    big["postmortem"]["title"] = "A long incident with 5,000 events"
    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    big["postmortem"]["timeline"] += [
        {
            "at": (start + timedelta(seconds=7 * i)).isoformat(),
            "kind": "event",
            "text": "the zanzibar shard answered again"
            if i == 4321
            else f"worker {i % 31} retried payment call {i}",
            "source": "logs",
        }
        for i in range(BIG_EVENTS - len(big["postmortem"]["timeline"]))
    ]
    chain = documents.example()
    chain["postmortem"]["title"] = "Why after why"
    chain["postmortem"]["causes"] = [
        {
            "id": f"c{i}",
            "parent": f"c{i - 1}" if i else None,
            "text": f"why {i}",
            "systemic": i == 299,
        }
        for i in range(300)
    ]
    chain["postmortem"]["actions"] = [
        {**action, "cause": "c299"} for action in chain["postmortem"]["actions"]
    ]
    files = [
        fixture_file,
        write(folder / "big.json", big),
        write(folder / "rich.json", documents.rich()),
        write(folder / "chain.json", chain),
    ]
    with open_library(path) as library:
        ids = postmortems.import_files(library, files).postmortem_ids
        rich = rich_postmortem()
        with library.transaction() as conn:
            repository.insert_postmortem(conn, rich)
        recurrences.link(library, ids[1], ids[0], note="the same push, again")
    return [*ids, rich.id]


def every_row(location: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    with open_library(location) as library, library.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
        }


def every_postmortem(location: str | Path, ids: list[str]) -> dict[str, Postmortem]:
    with open_library(location) as library:
        return {i: postmortems.get_postmortem(library, i) for i in ids}


def found(location: str | Path, query: str) -> list[str]:
    with open_library(location) as library:
        return [hit.postmortem_id for hit in search_service.search(library, query)]


def indexed_texts(location: str | Path) -> int | None:
    """How many texts the full-text index holds (None: the library has no index)."""
    with open_library(location) as library, library.connect() as conn:
        if not search.has_index(conn):
            return None
        return int(conn.execute(text(f"SELECT count(*) FROM {search.TEXT_TABLE}")).scalar_one())


def row_counts(location: str | Path) -> dict[str, int]:
    return {name: len(rows) for name, rows in every_row(location).items()}


def assert_only_the_default_themes(location: str | Path) -> None:
    """As open_library made it: no row but the vocabulary every new library starts with."""
    counts = row_counts(location)
    assert counts.pop("themes") == len(DEFAULT_THEMES)
    assert set(counts.values()) == {0}


# --- there and back ---------------------------------------------------------------------------


def test_a_library_goes_to_postgresql_and_back_unchanged(
    tmp_path: Path, fixture_file: Path, postgres_url: str
) -> None:
    source, back = tmp_path / "source.pmdesk", tmp_path / "back.pmdesk"
    ids = build_library(source, fixture_file, tmp_path)
    server = with_password(postgres_url)

    started = time.perf_counter()
    there = pmdesk("--db", source, "copy-library", "--to", server)
    again = pmdesk("--db", server, "copy-library", "--to", back, "--json")
    took = time.perf_counter() - started

    assert (there.code, there.err) == (0, ""), there.err
    assert (again.code, again.err) == (0, ""), again.err
    assert PASSWORD not in there.out + again.out
    shown = make_url(server).render_as_string(hide_password=True)
    assert there.out.splitlines()[-1].startswith(f"copied {len(ids)} postmortems (")
    assert there.out.splitlines()[-1].endswith(f" from {source} to {shown}")
    report = again.json()
    assert (report["source"], report["target"], report["postmortems"]) == (shown, str(back), 5)

    rows = every_row(source)
    assert rows["timeline_events"] and len(rows["timeline_events"]) > BIG_EVENTS
    tables = ("cause_evidence", "action_history", "recurrences", "meetings", "meeting_points")
    for table in (*tables, "cause_themes"):
        assert rows[table], f"the example library should have rows in {table}"
    assert len(rows["themes"]) == len(DEFAULT_THEMES) + 1  # the rich example's own theme too
    assert every_row(postgres_url) == rows
    assert every_row(back) == rows
    assert [t["rows"] for t in report["tables"]] == [len(rows[name]) for name in TABLES]

    originals = every_postmortem(source, ids)
    assert every_postmortem(postgres_url, ids) == originals
    assert every_postmortem(back, ids) == originals

    texts = indexed_texts(source)
    assert texts is not None and texts > BIG_EVENTS
    assert indexed_texts(postgres_url) == texts
    assert indexed_texts(back) == texts
    for query in ("zanzibar", "canary", "why 299", "retried payment"):
        expected = found(source, query)
        assert expected, query
        assert sorted(found(postgres_url, query)) == sorted(expected), query
        assert found(back, query) == expected, query
    assert took < 30, f"the round trip took {took:.1f} s"


def test_sqlite_to_sqlite_prints_a_line_per_table(tmp_path: Path, fixture_file: Path) -> None:
    source, target = tmp_path / "source.pmdesk", tmp_path / "copy.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file, fixture_file).code == 0

    result = pmdesk("--db", source, "copy-library", "--to", target)

    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    counts = row_counts(source)
    assert [line.split() for line in lines[:-1]] == [[name, str(counts[name])] for name in TABLES]
    total = sum(counts.values())
    assert lines[-1] == (
        f"copied 2 postmortems ({total} rows in {len(TABLES)} tables) from {source} to {target}"
    )
    assert every_row(target) == every_row(source)
    assert found(target, "canary") == found(source, "canary") != []


def test_json_names_every_table_with_its_count(tmp_path: Path, fixture_file: Path) -> None:
    source, target = tmp_path / "source.pmdesk", tmp_path / "copy.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    result = pmdesk("--db", source, "copy-library", "--to", f"sqlite:///{target}", "--json")
    assert result.code == 0, result.err
    counts = row_counts(source)
    assert result.json() == {
        "source": str(source),
        "target": str(target),
        "postmortems": 1,
        "rows": sum(counts.values()),
        "tables": [{"table": name, "rows": counts[name]} for name in TABLES],
    }


def test_an_empty_library_is_a_target_too(tmp_path: Path, fixture_file: Path) -> None:
    source, target = tmp_path / "source.pmdesk", tmp_path / "empty.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    open_library(target).close()
    assert pmdesk("--db", source, "copy-library", "--to", target).code == 0
    assert every_row(target) == every_row(source)


def test_an_empty_postgresql_library_is_a_target_too(
    tmp_path: Path, fixture_file: Path, postgres_library_url: str
) -> None:
    source = tmp_path / "source.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    result = pmdesk("--db", source, "copy-library", "--to", postgres_library_url)
    assert result.code == 0, result.err
    assert every_row(postgres_library_url) == every_row(source)


# --- refusals ---------------------------------------------------------------------------------


def test_a_target_with_rows_is_refused_and_left_as_it_was(
    tmp_path: Path, fixture_file: Path
) -> None:
    source, target = tmp_path / "source.pmdesk", tmp_path / "target.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    assert pmdesk("--db", target, "import", write(tmp_path / "r.json", documents.rich())).code == 0
    before, files = every_row(target), sorted(tmp_path.iterdir())

    result = pmdesk("--db", source, "copy-library", "--to", target)

    assert result.code == 2 and result.out == ""
    assert f"“{target}” is not empty" in result.err and "copied nothing" in result.err
    assert "Traceback" not in result.err
    assert every_row(target) == before
    assert sorted(tmp_path.iterdir()) == files  # no backup, no new file


def test_a_postgresql_target_with_rows_is_refused_and_left_as_it_was(
    tmp_path: Path, fixture_file: Path, postgres_url: str
) -> None:
    source = tmp_path / "source.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    assert pmdesk("--db", postgres_url, "import", fixture_file).code == 0
    before = every_row(postgres_url)

    result = pmdesk("--db", source, "copy-library", "--to", with_password(postgres_url))

    assert result.code == 2 and result.out == ""
    assert "is not empty" in result.err and PASSWORD not in result.err
    assert every_row(postgres_url) == before


def old_library(path: Path) -> Postmortem:
    """A library at revision 0005 (before meetings) holding the rich example, meeting left out."""
    engine = make_engine(URL.create("sqlite+pysqlite", database=str(path)))
    migrator.upgrade(engine, "0005")
    postmortem = without_themes(rich_postmortem())  # 0005 has nowhere to keep themes
    postmortem.meeting = None
    insert_into_older(engine, [postmortem], path.with_name(f"{path.name}.scratch"))
    engine.dispose()
    return postmortem


def test_an_older_library_with_rows_is_refused_before_it_is_upgraded(
    tmp_path: Path, fixture_file: Path
) -> None:
    source, target = tmp_path / "source.pmdesk", tmp_path / "old.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    old_library(target)

    result = pmdesk("--db", source, "copy-library", "--to", target)

    assert result.code == 2 and "is not empty" in result.err
    assert list(tmp_path.glob("*.backup-*")) == []  # it was not upgraded
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0005",)]


def test_an_older_source_is_upgraded_then_copied(tmp_path: Path) -> None:
    source, target = tmp_path / "old.pmdesk", tmp_path / "copy.pmdesk"
    postmortem = old_library(source)
    result = pmdesk("--db", source, "copy-library", "--to", target)
    assert result.code == 0, result.err
    assert every_postmortem(target, [postmortem.id]) == {postmortem.id: postmortem}
    assert len(list(tmp_path.glob("old.pmdesk.backup-0005-*"))) == 1


@pytest.mark.parametrize("spelling", ["same", "relative", "url"])
def test_the_source_itself_is_refused(
    tmp_path: Path, fixture_file: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    source = tmp_path / "source.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    monkeypatch.chdir(tmp_path)
    target = {"same": str(source), "relative": "./source.pmdesk", "url": f"sqlite:///{source}"}
    before = every_row(source)

    result = pmdesk("--db", source, "copy-library", "--to", target[spelling])

    assert result.code == 2 and result.out == ""
    assert "is the library being copied" in result.err
    assert every_row(source) == before


def test_the_same_database_under_another_user_is_refused(postgres_url: str) -> None:
    open_library(postgres_url).close()
    other = make_url(postgres_url).set(username="someone", password=PASSWORD)
    result = pmdesk(
        "--db", postgres_url, "copy-library", "--to", other.render_as_string(hide_password=False)
    )
    assert result.code == 2 and "is the library being copied" in result.err
    assert PASSWORD not in result.err


def test_an_unreachable_server_is_refused_without_its_password(
    tmp_path: Path, fixture_file: Path
) -> None:
    source = tmp_path / "source.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    unreachable = f"postgresql+psycopg://pat:{PASSWORD}@127.0.0.1:1/team"

    result = pmdesk("--db", source, "copy-library", "--to", unreachable)

    assert result.code == 2 and result.out == ""
    assert "cannot reach" in result.err and "postgresql+psycopg://pat:***@127.0.0.1:1/team" in (
        result.err
    )
    assert PASSWORD not in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(
    "target",
    [
        f"nosuchdb://pat:{PASSWORD}@host/x",
        f"postgresql+psycopg://pat:{PASSWORD}@host:54x/x",
        f"pg sql://pat:{PASSWORD}@host/x",
    ],
)
def test_an_address_pmdesk_cannot_use_is_refused(
    tmp_path: Path, fixture_file: Path, target: str
) -> None:
    source = tmp_path / "source.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    result = pmdesk("--db", source, "copy-library", "--to", target)
    assert result.code == 2 and result.out == ""
    assert f"“{target.replace(PASSWORD, '***')}”" in result.err
    assert PASSWORD not in result.err and "Traceback" not in result.err


def test_a_missing_source_is_refused_and_not_created(tmp_path: Path) -> None:
    result = pmdesk("--db", tmp_path / "nothing.pmdesk", "copy-library", "--to", tmp_path / "b")
    assert result.code == 2 and "There is no library at" in result.err
    assert list(tmp_path.iterdir()) == []


# --- a copy that goes wrong is undone ---------------------------------------------------------


def drop_one_row_of(table_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lose the last row of one table's batches: the counts at the end must catch it."""
    insert = copy_library._insert_rows

    def lossy(conn: Any, table: Any, rows: Any) -> None:
        insert(conn, table, rows[:-1] if table.name == table_name else rows)

    monkeypatch.setattr(copy_library, "_insert_rows", lossy)


def test_a_count_that_differs_undoes_the_copy_and_names_the_table(
    tmp_path: Path, fixture_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = tmp_path / "source.pmdesk", tmp_path / "copy.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    drop_one_row_of("tags", monkeypatch)

    result = pmdesk("--db", source, "copy-library", "--to", target)

    assert result.code == 2 and result.out == ""
    assert "was undone: its table tags had 2 rows where" in result.err
    assert "has 3" in result.err
    assert not target.exists()  # the new file made for the copy is gone again
    assert sorted(p.name for p in tmp_path.iterdir()) == [fixture_file.name, source.name]


def test_a_count_that_differs_leaves_postgresql_empty(
    tmp_path: Path, fixture_file: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    source = tmp_path / "source.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    drop_one_row_of("timeline_events", monkeypatch)

    result = pmdesk("--db", source, "copy-library", "--to", postgres_url)

    assert result.code == 2 and "its table timeline_events had" in result.err
    assert_only_the_default_themes(postgres_url)
    monkeypatch.undo()
    assert pmdesk("--db", source, "copy-library", "--to", postgres_url).code == 0  # try again
    assert every_row(postgres_url) == every_row(source)


def test_a_row_postgresql_cannot_store_undoes_the_copy(
    tmp_path: Path, fixture_file: Path, postgres_url: str
) -> None:
    source = tmp_path / "source.pmdesk"
    assert pmdesk("--db", source, "import", fixture_file).code == 0
    with open_library(source) as library, library.transaction() as conn:
        repository.insert_postmortem(conn, Postmortem(title="NUL \x00 in a title"))

    result = pmdesk("--db", source, "copy-library", "--to", postgres_url)

    assert result.code == 2 and "refused a row of the table postmortems" in result.err
    assert "Traceback" not in result.err
    assert_only_the_default_themes(postgres_url)


def test_the_service_reports_counts(tmp_path: Path, fixture_file: Path) -> None:
    source_path = tmp_path / "source.pmdesk"
    assert pmdesk("--db", source_path, "import", fixture_file).code == 0
    with open_library(source_path) as source, open_library(tmp_path / "b.pmdesk") as target:
        report = copy_library.copy_library(source, target)
        again: Library = target
        with pytest.raises(copy_library.TargetNotEmptyError):
            copy_library.copy_library(source, again)
    assert report.postmortems == 1
    assert {t.table: t.rows for t in report.tables} == row_counts(source_path)
    assert json.dumps(report.rows)
