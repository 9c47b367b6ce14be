"""Creating, stamping and upgrading libraries; the schema and the migrations agree."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import URL, Engine, inspect
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

from pmdesk.domain.themes import DEFAULT_THEMES
from pmdesk.storage import meetings, migrator, themes
from pmdesk.storage.default_location import default_library_path
from pmdesk.storage.engine import for_writing, make_engine
from pmdesk.storage.errors import LibraryError, Problem
from pmdesk.storage.library import open_library
from pmdesk.storage.repository import insert_postmortem, load_postmortem
from pmdesk.storage.schema import REVISION, metadata
from pmdesk.storage.search import SEARCH_TABLES
from tests.storage.examples import rich_postmortem, without_themes
from tests.storage.older import insert_into_older


@pytest.fixture
def engine(library_path: Path) -> Iterator[Engine]:
    """An engine on a file no library has been made in, for driving the migrations directly."""
    engine = make_engine(URL.create("sqlite+pysqlite", database=str(library_path)))
    yield engine
    engine.dispose()


def schema_differences(engine: Engine) -> list[Any]:
    """What Alembic's autogenerate would change to make the database match schema.py."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _not_search_index}
        )
        return list(compare_metadata(context, metadata))


def _not_search_index(name: str | None, type_: str, _parent: object) -> bool:
    # The full-text index (revision 0004) is an FTS5 virtual table, its shadow tables and a table
    # of texts, all filled by triggers: none of it can be Table metadata, so schema.py leaves it
    # out and storage/search.py creates it. tests/storage/test_search.py checks it instead.
    return not (type_ == "table" and name in SEARCH_TABLES)


def revision_in_file(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(revision)


def test_schema_revision_is_alembic_head() -> None:
    assert migrator.head_revision() == REVISION
    assert migrator.known_revisions() == {
        "0001",
        "0002",
        "0003",
        "0004",
        "0005",
        "0006",
        "0007",
        "0008",
    }


def test_migrations_from_empty_build_exactly_the_schema(engine: Engine) -> None:
    migrator.upgrade(engine)
    assert schema_differences(engine) == []
    with engine.connect() as conn:
        assert migrator.current_revision(conn) == REVISION


def test_new_library_is_created_at_head_with_the_schema(library_path: Path) -> None:
    with open_library(library_path) as library:
        assert library.path == library_path
        assert library.url.database == str(library_path)
        assert schema_differences(library.engine) == []
    assert revision_in_file(library_path) == REVISION


def test_new_library_makes_its_folders(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "team.pmdesk"
    with open_library(path):
        pass
    assert revision_in_file(path) == REVISION


def test_a_url_works_as_well_as_a_path(library_path: Path) -> None:
    with open_library(f"sqlite:///{library_path}") as library:
        assert library.path == library_path
    with open_library("sqlite://") as in_memory:
        assert in_memory.path is None
        with in_memory.transaction() as conn:
            insert_postmortem(conn, rich_postmortem())


def test_pragmas_are_in_effect(library_path: Path) -> None:
    with open_library(library_path) as library, library.connect() as conn:

        def pragma(name: str) -> object:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("busy_timeout") == 5000


def test_older_library_is_backed_up_then_upgraded(
    engine: Engine, library_path: Path, tmp_path: Path
) -> None:
    migrator.upgrade(engine, "0001")
    # The comparison does see a difference: 0001 lacks the indexes 0002 adds, 0003's table,
    # 0005's, 0006's, 0007's row versions and 0008's themes.
    assert {_described(diff) for diff in schema_differences(engine)} == {
        ("add_index", "ix_actions_postmortem_id_status"),
        ("add_index", "ix_timeline_events_postmortem_id_kind_at_utc_seq"),
        ("add_table", "action_history"),
        ("add_table", "recurrences"),
        ("add_index", "ix_recurrences_earlier_id"),
        ("add_table", "meetings"),
        ("add_table", "meeting_timeboxes"),
        ("add_table", "meeting_attendees"),
        ("add_table", "meeting_points"),
        ("add_index", "ix_meeting_points_postmortem_id_kind_position"),
        ("add_index", "ix_meeting_points_action_id"),
        ("add_table", "themes"),
        ("add_table", "cause_themes"),
        ("add_index", "ix_cause_themes_theme_id"),
        *(
            ("add_column", f"{table}.version")
            for table in ("postmortems", "timeline_events", "causes", "actions", "lessons")
        ),
    }
    pm = without_themes(rich_postmortem())  # 0001 has nowhere to keep them
    for action in pm.actions:
        action.history = []  # nor these
    pm.meeting = None  # nor this
    insert_into_older(engine, [pm], tmp_path / "scratch.sqlite3")
    engine.dispose()

    with open_library(library_path) as library:
        with library.connect() as conn:
            assert load_postmortem(conn, pm.id) == pm
        assert schema_differences(library.engine) == []
    assert revision_in_file(library_path) == REVISION

    (backup,) = library_path.parent.glob(f"{library_path.name}.backup-0001-*.sqlite3")
    assert revision_in_file(backup) == "0001"
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT title FROM postmortems").fetchall() == [(pm.title,)]
        # A self-contained file: no -wal beside it is needed to read it.
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not list(library_path.parent.glob("*.partial"))

    with open_library(library_path):  # at head now: no second backup
        pass
    assert len(list(library_path.parent.glob("*.backup-*"))) == 1


def _described(diff: Any) -> tuple[str, str]:
    if diff[0] == "add_column":  # ("add_column", schema, table, column)
        return diff[0], f"{diff[2]}.{diff[3].name}"
    return diff[0], diff[1].name


def test_a_0005_library_keeps_its_postmortems_and_takes_meetings(
    engine: Engine, library_path: Path, tmp_path: Path
) -> None:
    migrator.upgrade(engine, "0005")
    pm = without_themes(rich_postmortem())
    held = pm.meeting
    assert held is not None
    pm.meeting = None  # 0005 has nowhere to keep it
    insert_into_older(engine, [pm], tmp_path / "scratch.sqlite3")
    engine.dispose()

    with open_library(library_path) as library:
        with library.connect() as conn:
            assert migrator.current_revision(conn) == REVISION == "0008"
            assert load_postmortem(conn, pm.id) == pm  # no meeting: None, not an empty one
        with library.transaction() as conn:
            meetings.insert_meeting(conn, pm.id, held)
        with library.connect() as conn:
            loaded = load_postmortem(conn, pm.id)
    assert loaded is not None and loaded.meeting == held
    (backup,) = library_path.parent.glob(f"{library_path.name}.backup-0005-*.sqlite3")
    assert revision_in_file(backup) == "0005"


def test_the_meeting_migration_goes_down_and_up_again(engine: Engine) -> None:
    migrator.upgrade(engine)
    with engine.connect() as conn, for_writing(conn).begin():
        command.downgrade(migrator.alembic_config(conn), "0005")
    with engine.connect() as conn:
        assert not {"meetings", "meeting_points"} & set(inspect(conn).get_table_names())
    migrator.upgrade(engine)
    assert schema_differences(engine) == []


def test_row_versions_go_down_and_up_again_and_start_at_one(engine: Engine, tmp_path: Path) -> None:
    migrator.upgrade(engine, "0006")
    pm = without_themes(rich_postmortem())
    insert_into_older(engine, [pm], tmp_path / "scratch.sqlite3")
    migrator.upgrade(engine)
    with engine.connect() as conn:
        loaded = load_postmortem(conn, pm.id)
    assert loaded == pm
    assert loaded is not None
    lists: list[list[Any]] = [loaded.timeline, loaded.causes, loaded.actions, loaded.lessons]
    assert {loaded.version, *(item.version for items in lists for item in items)} == {1}

    with engine.connect() as conn, for_writing(conn).begin():
        command.downgrade(migrator.alembic_config(conn), "0006")
    with engine.connect() as conn:
        assert "version" not in {c["name"] for c in inspect(conn).get_columns("actions")}
    migrator.upgrade(engine)
    assert schema_differences(engine) == []


def test_a_0007_library_keeps_everything_and_is_given_the_default_themes(
    engine: Engine, library_path: Path, tmp_path: Path
) -> None:
    migrator.upgrade(engine, "0007")
    pm = without_themes(rich_postmortem())  # 0007 has nowhere to keep them
    insert_into_older(engine, [pm], tmp_path / "scratch.sqlite3")
    engine.dispose()

    with open_library(library_path) as library:
        with library.connect() as conn:
            assert migrator.current_revision(conn) == REVISION == "0008"
            assert load_postmortem(conn, pm.id) == pm
            assert themes.list_themes(conn) == list(DEFAULT_THEMES)
        assert schema_differences(library.engine) == []
        themed = rich_postmortem()  # and the upgraded library keeps themes from now on
        with library.transaction() as conn:
            insert_postmortem(conn, themed)
        with library.connect() as conn:
            assert load_postmortem(conn, themed.id) == themed
            assert load_postmortem(conn, pm.id) == pm
    (backup,) = library_path.parent.glob(f"{library_path.name}.backup-0007-*.sqlite3")
    assert revision_in_file(backup) == "0007"
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("SELECT count(*) FROM causes").fetchone() == (len(pm.causes),)


def test_the_themes_migration_goes_down_and_up_again(engine: Engine) -> None:
    migrator.upgrade(engine)
    with engine.connect() as conn, for_writing(conn).begin():
        command.downgrade(migrator.alembic_config(conn), "0007")
    with engine.connect() as conn:
        assert not {"themes", "cause_themes"} & set(inspect(conn).get_table_names())
    migrator.upgrade(engine)
    assert schema_differences(engine) == []
    with engine.connect() as conn:
        assert themes.list_themes(conn) == list(DEFAULT_THEMES)


def test_library_from_a_newer_pmdesk_is_refused_untouched(library_path: Path) -> None:
    with open_library(library_path):
        pass
    with closing(sqlite3.connect(library_path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0042_from_the_future'")
    before = library_path.read_bytes()

    with pytest.raises(LibraryError) as caught:
        open_library(library_path)

    assert caught.value.problem is Problem.NEWER
    assert "newer pmdesk" in str(caught.value)
    assert str(library_path) in str(caught.value)
    assert library_path.read_bytes() == before
    assert not list(library_path.parent.glob("*.backup-*"))


def test_default_library_path_is_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = default_library_path()
    assert path.name == "library.pmdesk"
    if sys.platform.startswith("linux"):
        assert path == tmp_path / "data" / "pmdesk" / "library.pmdesk"
    assert not path.parent.exists()  # naming it creates nothing


def test_schema_and_queries_compile_for_postgresql() -> None:
    """The same code is meant for a PostgreSQL server later: nothing SQLite-only in it."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    ddl = "\n".join(
        str(CreateTable(table).compile(dialect=dialect)) for table in metadata.sorted_tables
    )
    assert "ON DELETE CASCADE" in ddl
    assert "ON DELETE SET NULL" in ddl
    assert "AUTOINCREMENT" not in ddl
