"""A library on a PostgreSQL server: created and upgraded by the same migrations as a file, writers
taking turns, reads in one snapshot, and every refusal told as a LibraryError that says what to do
and never shows the password.

What both back ends share (round trips, edits, search, the services) is tested once, on both, by
the tests that take the parametrized `library` fixture; this file holds what only a server has.
"""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import psycopg.errors
import pytest
from alembic import command
from sqlalchemy import URL, inspect, make_url, select, text
from sqlalchemy.exc import OperationalError

from pmdesk.domain.themes import DEFAULT_THEMES
from pmdesk.storage import engine as engine_module
from pmdesk.storage import errors, migrator, repository, search, search_postgres, themes
from pmdesk.storage.engine import WRITE_LOCK_KEY, for_writing, make_engine
from pmdesk.storage.errors import LibraryError, Problem
from pmdesk.storage.library import Library, open_library
from pmdesk.storage.schema import REVISION, metadata, postmortems
from tests.conftest import (
    POSTGRES_INSTALL_HINT,
    POSTGRES_PASSWORD,
    POSTGRES_PASSWORD_ROLE,
    POSTGRES_VISITOR_ROLE,
    PostgresServer,
    start_postgres,
)
from tests.storage.examples import rich_postmortem, without_themes
from tests.storage.older import insert_into_older
from tests.storage.test_migrations import schema_differences


def refused(location: str, problem: Problem) -> LibraryError:
    with pytest.raises(LibraryError) as caught:
        open_library(location, busy_timeout_ms=500)
    assert caught.value.problem is problem, caught.value
    assert "Traceback" not in str(caught.value)
    return caught.value


def hidden(location: str) -> str:
    return make_url(location).render_as_string(hide_password=True)


def table_names(location: str) -> set[str]:
    engine = make_engine(make_url(location))
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_without_postgresql_installed_the_tests_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The `postgres_server` fixture fails (never skips) with this error and the hint."""
    monkeypatch.setattr("tests.conftest._postgres_bindir", lambda: None)
    with pytest.raises(RuntimeError, match="initdb was found neither"):
        start_postgres()
    assert "apt-get install postgresql" in POSTGRES_INSTALL_HINT


# --- creating and upgrading ---------------------------------------------------------------------


def test_an_empty_database_becomes_a_library_at_head(postgres_url: str) -> None:
    with open_library(postgres_url) as library:
        assert library.path is None
        assert library.location == hidden(postgres_url)
        assert schema_differences(library.engine) == []
        with library.connect() as conn:
            assert migrator.current_revision(conn) == REVISION
            assert search_postgres.is_complete(conn)
        with library.transaction() as conn:
            repository.insert_postmortem(conn, rich_postmortem())
    with open_library(postgres_url) as again, again.connect() as conn:  # opened, not made again
        assert len(repository.list_summaries(conn)) == 1


def test_the_migrations_build_exactly_the_schema_and_the_index(postgres_url: str) -> None:
    engine = make_engine(make_url(postgres_url))
    try:
        migrator.upgrade(engine)
        assert schema_differences(engine) == []
        with engine.connect() as conn:
            assert migrator.current_revision(conn) == REVISION
            assert search_postgres.is_complete(conn)
    finally:
        engine.dispose()


def test_an_older_server_library_is_upgraded_with_its_postmortems(
    postgres_url: str, tmp_path: Path
) -> None:
    engine = make_engine(make_url(postgres_url))
    migrator.upgrade(engine, "0001")
    pm = without_themes(rich_postmortem())  # 0001 has nowhere to keep them
    for action in pm.actions:
        action.history = []  # nor these
    pm.meeting = None  # nor this
    insert_into_older(engine, [pm], tmp_path / "scratch.pmdesk")
    engine.dispose()

    with open_library(postgres_url) as library:
        with library.connect() as conn:
            assert migrator.current_revision(conn) == REVISION
            assert repository.load_postmortem(conn, pm.id) == pm
            assert search.search(conn, pm.title)[0].postmortem_id == pm.id
        assert schema_differences(library.engine) == []


def test_a_0007_server_library_keeps_everything_and_is_given_the_default_themes(
    postgres_url: str, tmp_path: Path
) -> None:
    engine = make_engine(make_url(postgres_url))
    migrator.upgrade(engine, "0007")
    pm = without_themes(rich_postmortem())  # 0007 has nowhere to keep them
    insert_into_older(engine, [pm], tmp_path / "scratch.pmdesk")
    engine.dispose()

    with open_library(postgres_url) as library:
        with library.connect() as conn:
            assert migrator.current_revision(conn) == REVISION
            assert repository.load_postmortem(conn, pm.id) == pm
            assert themes.list_themes(conn) == list(DEFAULT_THEMES)
        assert schema_differences(library.engine) == []
        themed = rich_postmortem()
        with library.transaction() as conn:
            repository.insert_postmortem(conn, themed)
        with library.connect() as conn:
            assert repository.load_postmortem(conn, themed.id) == themed


def test_the_meeting_migration_goes_down_and_up_again(postgres_url: str) -> None:
    engine = make_engine(make_url(postgres_url))
    try:
        migrator.upgrade(engine)
        with engine.connect() as conn, for_writing(conn).begin():
            command.downgrade(migrator.alembic_config(conn), "0003")  # the index goes too
        with engine.connect() as conn:
            assert not search.has_index(conn)
            assert "meetings" not in inspect(conn).get_table_names()
        migrator.upgrade(engine)
        assert schema_differences(engine) == []
        with engine.connect() as conn:
            assert search_postgres.is_complete(conn)
    finally:
        engine.dispose()


def test_two_programs_creating_one_library_at_once_both_open_it(postgres_url: str) -> None:
    opened: list[Library] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def create() -> None:
        start.wait()
        try:
            opened.append(open_library(postgres_url))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for library in opened:
        library.close()
    assert failures == []
    assert len(opened) == 2
    assert {"postmortems", "alembic_version", "search_text"} <= table_names(postgres_url)


# --- what is refused, and what it says ------------------------------------------------------------


def test_a_library_from_a_newer_pmdesk_is_refused_untouched(postgres_library_url: str) -> None:
    engine = make_engine(make_url(postgres_library_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0042_from_the_future'"))
    engine.dispose()
    error = refused(postgres_library_url, Problem.NEWER)
    assert "newer pmdesk" in str(error)
    assert hidden(postgres_library_url) in str(error)


@pytest.mark.parametrize(
    "statements",
    [
        ["CREATE TABLE people (name text)"],
        ["CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"],
    ],
    ids=["other tables", "another Alembic user"],
)
def test_another_programs_database_is_refused_untouched(
    postgres_url: str, statements: list[str]
) -> None:
    engine = make_engine(make_url(postgres_url))
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()
    before = table_names(postgres_url)
    error = refused(postgres_url, Problem.NOT_A_LIBRARY)
    assert "holds tables of another program" in str(error)
    assert "empty database" in str(error)
    assert "SQLite" not in str(error)
    assert table_names(postgres_url) == before


def test_a_server_that_is_not_there_is_unreachable(postgres_server: PostgresServer) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    location = f"postgresql+psycopg://someone:{POSTGRES_PASSWORD}@127.0.0.1:{port}/library"
    error = refused(location, Problem.UNREACHABLE)
    message = str(error)
    assert message.startswith("pmdesk cannot reach the library database “postgresql+psycopg")
    assert "Connection refused" in message
    assert "Check the address, the network and the database server" in message
    assert POSTGRES_PASSWORD not in message
    assert error.location == hidden(location)


def test_a_wrong_password_is_a_refused_login_and_never_shown(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    database = make_url(postgres_url).database
    assert database is not None
    wrong = postgres_server.url(database, POSTGRES_PASSWORD_ROLE, "Wrong-pa55word-42")
    error = refused(wrong, Problem.LOGIN_REFUSED)
    message = str(error)
    assert "refused pmdesk's login" in message
    assert f'password authentication failed for user "{POSTGRES_PASSWORD_ROLE}"' in message
    assert "Check the user name and the password" in message
    assert "Wrong-pa55word-42" not in message and "***" in message
    # The right one lets the same user in, and it makes its library in its own database.
    postgres_server.sql(f'ALTER DATABASE "{database}" OWNER TO {POSTGRES_PASSWORD_ROLE}')
    right = postgres_server.url(database, POSTGRES_PASSWORD_ROLE, POSTGRES_PASSWORD)
    with open_library(right) as library:
        assert POSTGRES_PASSWORD not in repr(library) + library.location
        with library.transaction() as conn:
            repository.insert_postmortem(conn, rich_postmortem())


def test_an_unknown_user_is_a_refused_login(postgres_server: PostgresServer) -> None:
    error = refused(postgres_server.url("postgres", "nobody_here"), Problem.LOGIN_REFUSED)
    assert 'role "nobody_here" does not exist' in str(error)


def test_a_missing_database_says_how_to_create_it(postgres_server: PostgresServer) -> None:
    location = postgres_server.url("team_library", password="not-needed-but-given")
    error = refused(location, Problem.NO_DATABASE)
    message = str(error)
    assert "has no database “team_library”" in message
    assert "createdb team_library" in message and "CREATE DATABASE" in message
    assert "not-needed-but-given" not in message


def test_a_user_that_may_not_create_tables_is_told_why(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    database = make_url(postgres_url).database
    assert database is not None
    # Since PostgreSQL 15 only the database's owner may create in its schema "public".
    error = refused(postgres_server.url(database, POSTGRES_VISITOR_ROLE), Problem.NO_PERMISSION)
    assert "permission denied for schema public" in str(error)
    assert "OWNER TO" in str(error)
    assert "nothing was changed" in str(error)
    assert table_names(postgres_url) == set()  # the creation was one transaction


def test_a_database_that_is_not_utf8_is_refused_before_anything_is_made(
    postgres_server: PostgresServer,
) -> None:
    name = "pmdesk_test_latin1"
    postgres_server.sql(f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' TEMPLATE template0")
    try:
        location = postgres_server.url(name)
        error = refused(location, Problem.UNSUPPORTED)
        assert "its encoding is SQL_ASCII" in str(error)
        assert "ENCODING 'UTF8'" in str(error)
        assert table_names(location) == set()
    finally:
        postgres_server.drop_database(name)


def test_a_missing_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def without_psycopg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ModuleNotFoundError("No module named 'psycopg'", name="psycopg")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_psycopg)
    location = "postgresql+psycopg://team:Secret-42@db.example.org/library"
    error = refused(location, Problem.NO_DRIVER)
    message = str(error)
    assert "the driver for postgresql is not installed" in message
    assert "pip install 'pmdesk[postgres]'" in message
    assert "Secret-42" not in message
    assert "postgresql+psycopg://team:***@db.example.org/library" in message


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("nosuchdb://team:Secret-42@host/library", "nosuchdb://team:***@host/library"),
        ("postgresql+psycopg://team:Secret-42@host:port/x", "postgresql+psycopg://team:***@"),
    ],
    ids=["unknown kind", "not a URL"],
)
def test_an_address_pmdesk_cannot_use_is_refused(location: str, shown: str) -> None:
    error = refused(location, Problem.UNSUPPORTED)
    assert "Secret-42" not in str(error)
    assert shown in str(error)
    assert "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE" in str(error)


@pytest.mark.parametrize(
    ("error", "problem", "words"),
    [
        (psycopg.errors.DiskFull("could not extend file"), Problem.DISK_FULL, "no room left"),
        (psycopg.errors.LockNotAvailable("lock timeout"), Problem.LOCKED, "was busy"),
        (psycopg.errors.DeadlockDetected("deadlock"), Problem.LOCKED, "Try again"),
        (psycopg.errors.ReadOnlySqlTransaction("read-only"), Problem.READ_ONLY, "only be read"),
        (psycopg.errors.AdminShutdown("terminating"), Problem.UNREACHABLE, "cannot reach"),
        (psycopg.errors.InsufficientPrivilege("denied"), Problem.NO_PERMISSION, "may not"),
        (psycopg.OperationalError("server closed the connection"), Problem.UNREACHABLE, ""),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else "",
)
def test_server_errors_are_told_by_their_sqlstate(
    error: Exception, problem: Problem, words: str
) -> None:
    wrapped = OperationalError("SELECT 1", {}, error)
    found = errors.from_database_error(wrapped, "postgresql+psycopg://u:***@h/d", 5.0)
    assert found is not None
    assert found.problem is problem
    assert words in str(found)


def test_bugs_on_the_server_stay_bugs() -> None:
    for bug in (
        psycopg.errors.UniqueViolation("duplicate key"),
        psycopg.errors.UndefinedTable("no such table"),
        psycopg.errors.SyntaxError("syntax error"),
    ):
        assert errors.from_database_error(bug, "x", 5.0) is None


# --- while open -----------------------------------------------------------------------------------


@pytest.fixture
def held_write_lock(postgres_library_url: str) -> Iterator[None]:
    """Another program in the middle of a write transaction on the library."""
    url = make_url(postgres_library_url)
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database
    ) as holder:
        holder.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        yield
        holder.rollback()


def test_writers_take_turns_and_one_that_waits_too_long_is_told(
    postgres_library_url: str, held_write_lock: None
) -> None:
    with open_library(postgres_library_url, busy_timeout_ms=300) as library:
        with library.connect() as conn:  # reading does not wait
            assert repository.list_summaries(conn) == []
        started = time.monotonic()
        with pytest.raises(LibraryError) as caught, library.transaction() as conn:
            repository.insert_postmortem(conn, rich_postmortem())
        assert time.monotonic() - started >= 0.3
    assert caught.value.problem is Problem.LOCKED
    assert "another pmdesk or program kept it for more than 0.3 s" in str(caught.value)


def test_a_write_that_waited_too_long_leaves_the_library_ready_for_the_next(
    postgres_library_url: str,
) -> None:
    url = make_url(postgres_library_url)
    with open_library(postgres_library_url, busy_timeout_ms=200) as library:
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database
        ) as holder:
            holder.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            with pytest.raises(LibraryError), library.transaction() as conn:
                repository.insert_postmortem(conn, rich_postmortem())
            holder.rollback()
        with library.connect() as conn:
            # The connection came back to the pool as it was lent: the driver runs transactions.
            assert conn.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
            assert repository.list_summaries(conn) == []
        with library.transaction() as conn:
            repository.insert_postmortem(conn, rich_postmortem())
        with library.connect() as conn:
            assert len(repository.list_summaries(conn)) == 1


def test_a_write_waits_for_the_writer_before_it(postgres_library_url: str) -> None:
    """Two use cases that read the next position, then write, one after the other."""
    with open_library(postgres_library_url) as first, open_library(postgres_library_url) as second:
        pm = rich_postmortem()
        with first.transaction() as conn:
            repository.insert_postmortem(conn, pm)
        order: list[str] = []
        entered = threading.Event()

        def slow_writer() -> None:
            with first.transaction() as conn:
                conn.execute(select(postmortems.c.id))
                entered.set()
                time.sleep(0.3)
                order.append("first")

        thread = threading.Thread(target=slow_writer)
        thread.start()
        entered.wait()
        with second.transaction() as conn:
            order.append("second")
        thread.join()
    assert order == ["first", "second"]


def test_a_read_sees_one_snapshot(postgres_library: Library, postgres_library_url: str) -> None:
    with open_library(postgres_library_url) as other, postgres_library.connect() as conn:
        before = repository.list_summaries(conn)
        with other.transaction() as writing:
            repository.insert_postmortem(writing, rich_postmortem())
        assert repository.list_summaries(conn) == before
    with postgres_library.connect() as conn:
        assert len(repository.list_summaries(conn)) == 1


def test_a_read_cannot_write(postgres_library: Library) -> None:
    """The server refuses it (the transaction is read-only), where SQLite would roll it back."""
    with (
        pytest.raises(LibraryError, match="read-only transaction") as caught,
        postgres_library.connect() as conn,
    ):
        repository.insert_postmortem(conn, rich_postmortem())
    assert caught.value.problem is Problem.READ_ONLY
    with postgres_library.connect() as conn:
        assert repository.list_summaries(conn) == []


def test_reads_keep_their_query_plans_from_one_read_to_the_next(
    postgres_library: Library,
) -> None:
    """psycopg prepares a query it has sent five times, and forgets them all at a rollback: a read
    that ended by rolling back would never get there."""
    pm = rich_postmortem()
    with postgres_library.transaction() as conn:
        repository.insert_postmortem(conn, pm)
    for _ in range(6):
        with postgres_library.connect() as conn:
            assert repository.load_postmortem(conn, pm.id) == pm
    with postgres_library.connect() as conn:
        prepared = conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements")
        assert prepared.scalar_one() >= 10


def drop_connections(server: PostgresServer, library: Library) -> None:
    """What a server that restarted does to the pool's connections: end them all."""
    server.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{library.url.database}' AND pid <> pg_backend_pid()"
    )


@pytest.fixture
def pings(postgres_library: Library, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every check of a pooled connection before use, as the dialect's ping."""
    dialect = postgres_library.engine.dialect
    sent: list[object] = []
    real = dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        sent.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


def test_a_connection_used_moments_ago_is_used_without_a_check(
    postgres_library: Library, pings: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    with postgres_library.connect() as conn:
        repository.list_summaries(conn)
    with postgres_library.transaction() as conn:
        repository.insert_postmortem(conn, rich_postmortem())
    with postgres_library.connect() as conn:
        assert len(repository.list_summaries(conn)) == 1
    assert pings == []
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING_S", 0.0)  # as if it had lain idle
    with postgres_library.connect() as conn:
        repository.list_summaries(conn)
    assert len(pings) == 1


def test_an_idle_connection_the_server_dropped_is_replaced_unnoticed(
    postgres_server: PostgresServer,
    postgres_library: Library,
    pings: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A laptop that slept: the pool's connections are dead, and the check finds them out."""
    with postgres_library.connect() as conn:
        repository.list_summaries(conn)
    drop_connections(postgres_server, postgres_library)
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING_S", 0.0)
    with postgres_library.connect() as conn:
        assert repository.list_summaries(conn) == []
    assert len(pings) == 1


def test_a_write_on_a_connection_the_server_just_dropped_is_made_on_a_new_one(
    postgres_server: PostgresServer, postgres_library: Library, pings: list[object]
) -> None:
    """A server that restarted moments after the connection was used: no check was made, and
    the write lock's statement finds the connection dead before anything is written."""
    with postgres_library.connect() as conn:
        repository.list_summaries(conn)
    drop_connections(postgres_server, postgres_library)
    with postgres_library.transaction() as conn:
        repository.insert_postmortem(conn, rich_postmortem())
    assert pings == []
    with postgres_library.connect() as conn:
        assert len(repository.list_summaries(conn)) == 1


def test_a_read_on_a_connection_the_server_just_dropped_says_try_again_and_next_works(
    postgres_server: PostgresServer, postgres_library: Library
) -> None:
    with postgres_library.connect() as conn:
        repository.list_summaries(conn)
    drop_connections(postgres_server, postgres_library)
    with pytest.raises(LibraryError) as caught, postgres_library.connect() as conn:
        repository.list_summaries(conn)
    assert caught.value.problem is Problem.UNREACHABLE
    assert "try again" in str(caught.value)
    with postgres_library.connect() as conn:
        assert repository.list_summaries(conn) == []


def synchronous_commit(location: str) -> str:
    with open_library(location) as library, library.connect() as conn:
        return str(conn.exec_driver_sql("SHOW synchronous_commit").scalar_one())


def test_commits_wait_for_the_disk_only_where_the_database_asks_for_it(
    postgres_server: PostgresServer, postgres_library_url: str
) -> None:
    """As durable as SQLite's WAL with synchronous=NORMAL, unless the server's owner set more
    for this database."""
    database = make_url(postgres_library_url).database
    assert postgres_server.sql("SHOW synchronous_commit") == [("on",)]  # the server's default
    assert synchronous_commit(postgres_library_url) == "off"
    postgres_server.sql(f'ALTER DATABASE "{database}" SET synchronous_commit = on')
    assert synchronous_commit(postgres_library_url) == "on"


def test_the_schema_is_the_same_as_on_sqlite(postgres_library: Library) -> None:
    assert {t.name for t in metadata.sorted_tables} <= set(
        inspect(postgres_library.engine).get_table_names()
    )
    assert isinstance(postgres_library.url, URL)
    assert engine_module.CONNECT_TIMEOUT_S > 0
