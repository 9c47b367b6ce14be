"""How pmdesk connects to a library's database: one engine, set up for a desktop app.

Only `open_library` (and tests that drive the migrations directly) calls `make_engine`. On SQLite
every new connection gets WAL (readers never wait for a writer), synchronous=NORMAL (safe with WAL,
and fast commits), foreign keys (the cascades rely on them) and a busy timeout; and SQLAlchemy,
not the sqlite3 module, emits BEGIN, so that DDL and reads are inside the transaction too.

On PostgreSQL the same promises are kept with the server's means: a write transaction first takes
one advisory lock of the database (`pg_advisory_xact_lock`), so writers take turns as on SQLite and
a use case that reads, then writes (the next position, the next ref) never races another pmdesk;
`lock_timeout` is the busy timeout; commits are as durable as SQLite's (see `_DURABILITY`); a
connection that lay idle for IDLE_BEFORE_PING_S is checked before use (a laptop that slept finds
the server again; one used moments ago costs no extra round trip, see `Library.transaction` for a
write that finds it dropped), and connecting gives up after CONNECT_TIMEOUT_S.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import InvalidatePoolError, NoSuchModuleError

from pmdesk.storage import errors

DEFAULT_BUSY_TIMEOUT_MS = 5000
# Seconds to wait for a database server to answer a new connection.
CONNECT_TIMEOUT_S = 10

# Execution option read by the BEGIN hooks: "IMMEDIATE" begins a write transaction (SQLite's write
# lock at BEGIN; on PostgreSQL the advisory lock below).
_BEGIN_OPTION = "pmdesk_sqlite_begin"
# The advisory lock every pmdesk write transaction on a PostgreSQL library takes ("pmdesk" in
# ASCII). Advisory locks belong to one database, so libraries on one server do not wait for
# each other.
WRITE_LOCK_KEY = 0x706D6465736B
# A server connection unused for this long is checked before it is handed out again. The window
# looks for others' changes every few seconds, so while it is open its connection never waits
# this long, and a save or a read costs no check.
IDLE_BEFORE_PING_S = 10.0
_LAST_USED = "pmdesk_last_used"
# A commit on SQLite (WAL, synchronous=NORMAL) survives pmdesk or the computer crashing, except
# that a power cut may lose the last moments; it never leaves the library inconsistent. The same
# promise on PostgreSQL is synchronous_commit=off: the server reports the commit before its WAL
# reaches the disk, which it does within a fraction of a second, and a crash of the server loses
# at most those last commits, never consistency. Commits then cost no wait for the disk. A
# setting made for the library's database, its role or the connection (ALTER DATABASE ... SET,
# ALTER ROLE ... SET, PGOPTIONS) is the server's owner asking for something else, and is kept.
_DURABILITY = (
    "SELECT set_config('synchronous_commit', 'off', false) FROM pg_settings "
    "WHERE name = 'synchronous_commit' "
    "AND source NOT IN ('database', 'user', 'database user', 'client')"
)


def make_engine(url: URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Engine:
    """The engine for `url`; a LibraryError if its driver is missing or the kind is unknown."""
    backend = url.get_backend_name()
    options: dict[str, Any] = {}
    if backend == "postgresql":
        # Text as UTF-8 whatever PGCLIENTENCODING says, so that a database of another encoding
        # is refused by open_library with a message and not by the driver with bytes.
        defaults = {"connect_timeout": CONNECT_TIMEOUT_S, "client_encoding": "utf8"}
        options["connect_args"] = {k: v for k, v in defaults.items() if k not in url.query}
    try:
        engine = create_engine(url, **options)
    except NoSuchModuleError as error:
        where = url.render_as_string(hide_password=True)
        raise errors.unsupported(
            where,
            f"it knows SQLite files and PostgreSQL servers "
            f"(postgresql+psycopg://USER:PASSWORD@HOST/DATABASE), not “{url.drivername}”",
        ) from error
    except ImportError as error:  # the dialect is known, its DBAPI module is not installed
        where = url.render_as_string(hide_password=True)
        raise errors.no_driver(where, backend, str(error)) from error
    if engine.dialect.name == "sqlite":
        _set_up_sqlite(engine, busy_timeout_ms)
    elif engine.dialect.name == "postgresql":
        _set_up_postgresql(engine, busy_timeout_ms)
    return engine


def for_writing(conn: Connection) -> Connection:
    """Make the connection's next transaction a write transaction from its BEGIN.

    In WAL mode a transaction that starts by reading and then writes fails at once with "database
    is locked" if another process wrote in between, whatever the busy timeout; one that takes the
    write lock at BEGIN waits for its turn instead. On PostgreSQL it takes the advisory lock; the
    driver is told to leave the transaction alone ("AUTOCOMMIT"), because its own BEGIN would be
    a round trip of its own, and the BEGIN hook sends BEGIN with the lock in one message.
    """
    options: dict[str, Any] = {_BEGIN_OPTION: "IMMEDIATE"}
    if conn.dialect.name == "postgresql":
        options["isolation_level"] = "AUTOCOMMIT"
    return conn.execution_options(**options)


def set_sqlite_foreign_keys(conn: Connection, *, enabled: bool) -> None:
    """Switch foreign key enforcement; SQLite ignores this inside a transaction, so refuse there."""
    if conn.in_transaction():
        raise RuntimeError("foreign keys can only be switched outside a transaction")
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    driver.execute(f"PRAGMA foreign_keys = {'ON' if enabled else 'OFF'}")


def _set_up_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        assert isinstance(dbapi_connection, sqlite3.Connection)
        # The sqlite3 module would otherwise BEGIN only before INSERT/UPDATE/DELETE, leaving
        # CREATE TABLE and SELECT outside the transaction; the "begin" hook below takes over.
        dbapi_connection.isolation_level = None
        # First, so that the pragmas after it wait for a lock instead of failing.
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _set_up_postgresql(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Waiting for a lock (the writers' turn, a row) ends as SQLite's busy timeout does.
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
            cursor.execute(_DURABILITY)
        dbapi_connection.commit()

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last_used = record.info.get(_LAST_USED)  # None: connected just now
        if last_used is None or time.monotonic() - last_used < IDLE_BEFORE_PING_S:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            # The pool connects again; the server dropped the others too, most likely.
            raise InvalidatePoolError("the server dropped the connection") from error

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_BEGIN_OPTION) == "IMMEDIATE":
            # Sent without parameters, so as one simple query: one round trip for both. The
            # commit or rollback that ends it goes through the driver, which sends COMMIT or
            # ROLLBACK whenever the server is in a transaction, autocommit or not.
            conn.exec_driver_sql(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
