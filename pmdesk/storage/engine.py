"""How pmdesk connects to a library's database: one engine, with SQLite set up for a desktop app.

Only `open_library` (and tests that drive the migrations directly) calls `make_engine`. On SQLite
every new connection gets WAL (readers never wait for a writer), synchronous=NORMAL (safe with WAL,
and fast commits), foreign keys (the cascades rely on them) and a busy timeout; and SQLAlchemy,
not the sqlite3 module, emits BEGIN, so that DDL and reads are inside the transaction too.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event

DEFAULT_BUSY_TIMEOUT_MS = 5000

# Execution option read by the BEGIN hook: "IMMEDIATE" takes SQLite's write lock at BEGIN.
_BEGIN_OPTION = "pmdesk_sqlite_begin"


def make_engine(url: URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _set_up_sqlite(engine, busy_timeout_ms)
    return engine


def for_writing(conn: Connection) -> Connection:
    """Make the connection's next transaction a write transaction from its BEGIN.

    In WAL mode a transaction that starts by reading and then writes fails at once with "database
    is locked" if another process wrote in between, whatever the busy timeout; one that takes the
    write lock at BEGIN waits for its turn instead.
    """
    return conn.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


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
