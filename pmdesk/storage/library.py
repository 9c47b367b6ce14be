"""Opening a library, and the open `Library` that services work through.

`open_library` is the only place pmdesk makes a database engine. It takes a file path or an
SQLAlchemy URL and hands back a library at the newest schema: a new one is created and stamped, an
older one is backed up and upgraded, and anything else (not SQLite, another program's database, a
newer pmdesk's library, damaged, read-only) is refused with a LibraryError, the file left as it was.

A URL may also name a database on a PostgreSQL server (`postgresql+psycopg://USER:PASSWORD@HOST/
DATABASE`, with `pip install 'pmdesk[postgres]'`): an empty database becomes a library the same way
(create_all and stamp, in one transaction), an older one is upgraded by the same migrations (the
server's database is the server's to back up), and the server's refusals (unreachable, login,
missing database, permission) come out as LibraryErrors whose messages never show the password.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy import URL, Connection, Engine, RootTransaction, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError

from pmdesk.storage import errors, held_files
from pmdesk.storage.engine import DEFAULT_BUSY_TIMEOUT_MS, for_writing, make_engine
from pmdesk.storage.held_files import FileHold, Loss
from pmdesk.storage.schema import REVISION, metadata
from pmdesk.storage.sqlite_file import (
    Contents,
    back_up,
    backup_path,
    examined,
    integrity_check,
    is_writable,
    library_mark,
    new_library_mark,
    quick_check,
    read_contents,
    read_only_connection,
)

# Tables only a pmdesk library has together; "alembic_version" alone could be any Alembic user's.
_MARKER_TABLES = frozenset({"alembic_version", "postmortems"})


class Library:
    """An open library. Changes go through `transaction()`, reads through `connect()`.

    Errors that are the environment's fault (locked, read-only, full, damaged) come out of both as
    LibraryError; the database is then unchanged by that transaction.
    """

    def __init__(
        self,
        engine: Engine,
        path: Path | None,
        location: str,
        busy_timeout_ms: int,
        hold: FileHold | None = None,
    ) -> None:
        self.engine = engine
        self.path = path  # the SQLite file, or None for a URL to a database server
        self.location = location  # for messages: the path, or the URL without its password
        self._busy_timeout_s = busy_timeout_ms / 1000
        # An SQLite file's hold: checked before every transaction and read, and after commits.
        self._hold = hold
        self._reopening = threading.Lock()
        self._held_token = held_files.hold(path) if path is not None else None
        self._password = engine.url.password  # masked in messages, should a server repeat it
        # On PostgreSQL a read sees one snapshot only under REPEATABLE READ (READ COMMITTED,
        # the default that writes keep, takes a new one for every statement).
        self._snapshot_reads = engine.dialect.name == "postgresql"

    @property
    def url(self) -> URL:
        return self.engine.url

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        with errors.translated(self.location, self._busy_timeout_s, self._password):
            self._keep_hold()
            conn, begun = self._begin_writing()
            with conn, begun:
                yield conn
            loss = self._hold.lost() if self._hold is not None else None
            if loss is not None:
                self._reopen()
                if loss is Loss.WAL_REPLACED:
                    # The commit may have gone into a "-wal" that was no longer the library's.
                    raise errors.lost_hold(self.location, loss.value)

    def _begin_writing(self) -> tuple[Connection, RootTransaction]:
        """A connection and its write transaction, begun. A write transaction's first statement
        takes the write lock (see `for_writing`); should it find that the server dropped the
        connection (restarted, or a network that came and went since the connection was last
        used), nothing has been done yet, so one fresh connection tries again.
        """
        try:
            return self._try_begin_writing()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        return self._try_begin_writing()

    def _try_begin_writing(self) -> tuple[Connection, RootTransaction]:
        conn = self._checkout()
        try:
            return conn, for_writing(conn).begin()
        except BaseException:
            conn.close()
            raise

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading; its reads share one snapshot until the block ends.

        Nothing is committed: a write here would be rolled back (on a server, refused); use
        `transaction()` to write.
        """
        with errors.translated(self.location, self._busy_timeout_s, self._password):
            self._keep_hold()
        with (
            errors.translated(self.location, self._busy_timeout_s, self._password),
            self._checkout() as conn,
        ):
            if not self._snapshot_reads:
                yield conn
                return
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            yield conn
            # A read-only transaction ends alike either way, but psycopg forgets its prepared
            # statements at every rollback: ended by a rollback, reads would never reuse a
            # query plan, and each postmortem opened would cost the server planning them all.
            conn.commit()

    def _keep_hold(self) -> None:
        """Before a transaction or a read: if this process no longer holds the library file as
        its connections opened it, close them all and let the next one open it afresh.

        Safe, because nothing was written since the hold was last seen kept: every commit is
        checked after it (see `transaction`), so the only changes in a "-wal" file deleted
        meanwhile were already copied into the library by whoever deleted it.
        """
        if self._hold is not None and self._hold.lost() is not None:
            self._reopen()

    def _checkout(self) -> Connection:
        with self._reopening:  # not while the connections are being opened afresh
            return self.engine.connect()

    def _reopen(self) -> None:
        """Close every connection to the file, so that SQLite's next one takes its locks anew.

        A connection still lent out (a reader on another thread) would keep SQLite's record of
        the file, and with it the stale locks, alive: wait for it to come back first, and lend
        none meanwhile.
        """
        with self._reopening:
            pool = self.engine.pool
            deadline = time.monotonic() + self._busy_timeout_s
            while getattr(pool, "checkedout", lambda: 0)() > 0:
                if time.monotonic() > deadline:
                    raise errors.locked(self.location, self._busy_timeout_s)
                time.sleep(0.005)
            self.engine.dispose()
            # One connection at once, kept by the pool: its switch to WAL reads the file, which
            # takes SQLite's lock again, and the library is held as after `open_library`.
            self.engine.connect().close()

    def close(self) -> None:
        self.engine.dispose()
        if self._held_token is not None:
            held_files.release(self._held_token)
            self._held_token = None

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Library {self.location}>"


def open_library(
    location: str | os.PathLike[str], *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
) -> Library:
    """Open the library at a file path or SQLAlchemy URL (anything containing "://"), creating it
    if the file does not exist or is empty. Raises LibraryError with a message for the user.
    """
    url, path = _resolve(location)
    where = str(path) if path is not None else url.render_as_string(hide_password=True)
    being_created = path is not None and _is_new_file(path)
    for attempt in range(_CREATION_ATTEMPTS):
        try:
            with errors.translated(where, busy_timeout_ms / 1000, url.password):
                return _open(url, path, where, busy_timeout_ms)
        except _CreatedMeanwhileError:
            continue  # another process created the library between our look and our write
        except errors.LibraryError as error:
            # Two processes creating one new file can both ask SQLite to switch it to WAL at
            # once; one is told "busy" straight away. Once either has finished, all is well.
            if not (being_created and error.problem is errors.Problem.LOCKED):
                raise
            if attempt == _CREATION_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
        except OSError as error:  # a folder we may not enter, no room for the backup, …
            raise errors.unreadable(where, error.strerror or str(error)) from error
    with errors.translated(where, busy_timeout_ms / 1000, url.password):  # created meanwhile
        return _open(url, path, where, busy_timeout_ms)


_CREATION_ATTEMPTS = 5


def _is_new_file(path: Path) -> bool:
    """Missing or empty: a library this call may be about to create. Unreadable counts as not
    new; opening it says why."""
    try:
        return not path.exists() or path.stat().st_size == 0
    except OSError:
        return False


# "scheme://user:password@" in an address that did not parse.
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^/]*@")


class _CreatedMeanwhileError(Exception):
    """Another process created the library after we found the file empty."""


def _resolve(location: str | os.PathLike[str]) -> tuple[URL, Path | None]:
    """The URL to connect to, and the SQLite file behind it if there is one."""
    text_location = os.fspath(location)
    if "://" not in text_location:
        path = Path(text_location).expanduser().absolute()
        return URL.create("sqlite+pysqlite", database=str(path)), path
    try:
        url = make_url(text_location)
    except (ArgumentError, ValueError) as error:  # e.g. a port that is not a number
        # Not parsed, so the password cannot be told apart: mask what sits where one would.
        where = _PASSWORD_IN_URL.sub(r"\1***@", text_location)
        raise errors.unsupported(
            where,
            "the address is not a database URL (a PostgreSQL library's looks like "
            "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE)",
        ) from error
    database = url.database or ""
    is_file = (
        url.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")  # an SQLite URI: passed through untouched
    )
    if not is_file:
        return url, None
    path = Path(database).expanduser().absolute()
    return url.set(database=str(path)), path


def _open(url: URL, path: Path | None, where: str, busy_timeout_ms: int) -> Library:
    timeout_s = busy_timeout_ms / 1000
    revision = _examine_file(path, where, timeout_s) if path is not None else None
    engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
    hold = None
    if path is not None:
        hold = FileHold(path)
        hold.attach(engine)
    try:
        if path is None:
            with engine.connect() as conn:
                server = url.get_backend_name() != "sqlite"
                revision = _revision_of(_contents(conn), where, server=server)
                if revision is None:
                    _check_server_database(conn, where)
        if revision is None:
            _create(engine)
        elif revision != REVISION:
            _upgrade(engine, path, revision, timeout_s)
        if path is not None:
            # Connect once now, so that a problem shows when opening and not at the first change
            # (a server's library was connected to above, to read its revision).
            _mark_if_unmarked(engine)
    except BaseException:
        engine.dispose()
        raise
    return Library(engine, path, where, busy_timeout_ms, hold)


def _examine_file(path: Path, where: str, timeout_s: float) -> str | None:
    """The revision of the library in the file, or None if the library is still to be created.

    Raises LibraryError for a file pmdesk must not open, before anything has written to it, and
    leaves such a file exactly as it was (see `sqlite_file.examined`).
    """
    if path.is_dir():
        raise errors.is_folder(where)
    if not path.exists() or path.stat().st_size == 0:
        # SQLite treats an empty file as an empty database; a file dialog may have made it.
        _prepare_folder(path, where)
        if path.exists() and not is_writable(path):
            raise errors.read_only(where)
        return None
    with examined(path, timeout_s, held=held_files.is_held(path)) as look:
        # A "-wal" left by a crash, or put beside the library, is replayed into what is read:
        # it must be the library's own, and leave it intact, before anything writes to it.
        if look.hot_wal and _mark_changed_by_wal(path, look.conn, timeout_s):
            raise errors.stray_wal(where)
        try:
            revision = _checked_revision(look.conn, where, full=look.hot_wal)
        except (errors.LibraryError, sqlite3.DatabaseError) as error:
            if look.hot_wal and not _busy(error) and _intact_alone(path, timeout_s):
                raise errors.stray_wal(where) from error
            raise
    if not is_writable(path):
        raise errors.read_only(where)
    return revision


def _checked_revision(conn: sqlite3.Connection, where: str, *, full: bool) -> str | None:
    """The library's revision (None: an empty database), once SQLite finds it intact: by the
    full check, or the quick one that skips comparing indexes with their tables."""
    revision = _revision_of(read_contents(conn), where)
    if revision is not None:
        problem = (integrity_check if full else quick_check)(conn)
        if problem is not None:
            raise errors.corrupt(where, problem)
    return revision


def _busy(error: Exception) -> bool:
    """Whether a refusal only says that another connection held the file at the time."""
    if isinstance(error, errors.LibraryError):
        return error.problem is errors.Problem.LOCKED
    return isinstance(error, sqlite3.OperationalError)


def _mark_changed_by_wal(path: Path, through_wal: sqlite3.Connection, timeout_s: float) -> bool:
    """Whether the "-wal" carries another library's mark: the first page, as the file alone
    has it, names one library, and as the "-wal" has it, another."""
    try:
        with read_only_connection(path, timeout_s, immutable=True) as alone:
            mark = library_mark(alone)
        return mark != 0 and library_mark(through_wal) != mark
    except sqlite3.Error:
        return False  # what is wrong shows in the checks that follow


def _intact_alone(path: Path, timeout_s: float) -> bool:
    """Whether the file is an intact pmdesk library when its "-wal" is left out."""
    try:
        with read_only_connection(path, timeout_s, immutable=True) as conn:
            contents = read_contents(conn)
            return (
                contents.tables.issuperset(_MARKER_TABLES)
                and len(contents.revisions) == 1
                and integrity_check(conn) is None
            )
    except sqlite3.Error:
        return False


def _prepare_folder(path: Path, where: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        # Name the folder the user has to change: the deepest one that exists.
        existing = next(p for p in path.parents if p.exists())
        raise errors.cannot_create(where, str(existing), error.strerror or str(error)) from error
    if not os.access(path.parent, os.W_OK):
        raise errors.cannot_create(where, str(path.parent), os.strerror(errno.EACCES))


def _revision_of(contents: Contents, where: str, *, server: bool = False) -> str | None:
    """The revision of a pmdesk library, None for an empty database; refuses anything else."""
    if contents.is_empty:
        return None
    if not contents.tables.issuperset(_MARKER_TABLES):
        raise errors.not_a_library(where, server=server)
    if len(contents.revisions) != 1:
        raise errors.corrupt(
            where, "the record of its format revision is missing or doubled", server=server
        )
    revision = contents.revisions[0]
    if revision != REVISION:
        from pmdesk.storage import migrator  # Alembic only when not up to date (0.3 s)

        if revision not in migrator.known_revisions():
            raise errors.newer(where, revision)
    return revision


def _contents(conn: Connection) -> Contents:
    if conn.dialect.name == "postgresql":
        # One query where the inspector takes two, at every opening of a server's library.
        rows = conn.execute(_SERVER_RELATIONS).all()
        tables = frozenset(str(name) for name, kind in rows if kind in ("r", "p", "f"))
        has_views = any(kind in ("v", "m") for _, kind in rows)
    else:
        inspector = inspect(conn)
        tables = frozenset(inspector.get_table_names())
        has_views = bool(inspector.get_view_names())
    revisions: tuple[str, ...] = ()
    if "alembic_version" in tables:
        found = conn.scalars(text("SELECT version_num FROM alembic_version"))
        revisions = tuple(str(version) for version in found)
    return Contents(tables, has_views, revisions)


# Tables (plain, partitioned, foreign) and views in the schema the library's tables go to.
_SERVER_RELATIONS = text(
    "SELECT relname, relkind FROM pg_catalog.pg_class "
    "WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'f', 'v', 'm')"
)


_OLDEST_POSTGRESQL = 120000  # server_version_num of 12.0


def _check_server_database(conn: Connection, where: str) -> None:
    """Refuse, before creating anything, a server database pmdesk could not search correctly."""
    if conn.dialect.name != "postgresql":
        return
    version = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
    if version < _OLDEST_POSTGRESQL:
        raise errors.unsupported(
            where,
            "its server is older than PostgreSQL 12, the first with the generated columns its "
            "full-text search is made of. Use a server of version 12 or later",
        )
    encoding = conn.exec_driver_sql("SHOW server_encoding").scalar_one()
    if str(encoding).upper() not in ("UTF8", "UTF-8"):
        raise errors.unsupported(
            where,
            f"its encoding is {encoding}, and pmdesk keeps every text as written only in UTF8. "
            "Create the database with ENCODING 'UTF8' (for example, CREATE DATABASE pmdesk "
            "ENCODING 'UTF8' TEMPLATE template0) and open that one",
        )


def _create(engine: Engine) -> None:
    """Create the tables and stamp the head revision in one transaction: all or nothing."""
    # Alembic only when needed (0.3 s to import); the search index only for a new library.
    from pmdesk.storage import migrator, search, themes

    with engine.connect() as conn, for_writing(conn).begin():
        if not _contents(conn).is_empty:
            raise _CreatedMeanwhileError
        metadata.create_all(conn)
        search.ensure_index(conn)  # the full-text index is not Table metadata
        themes.seed_defaults(conn)  # as migration 0008 gives an older library
        migrator.stamp_head(conn)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA user_version = {new_library_mark()}")


def _mark_if_unmarked(engine: Engine) -> None:
    """Give a library file made by an earlier pmdesk its mark (see `sqlite_file.library_mark`)."""
    with engine.connect() as conn:
        if conn.exec_driver_sql("PRAGMA user_version").scalar_one() != 0:
            return
    with engine.connect() as conn, for_writing(conn).begin():
        if conn.exec_driver_sql("PRAGMA user_version").scalar_one() == 0:
            conn.exec_driver_sql(f"PRAGMA user_version = {new_library_mark()}")


def _upgrade(engine: Engine, path: Path | None, revision: str, timeout_s: float) -> None:
    """Back up a library file (a server's database is the server's to back up), then upgrade."""
    from pmdesk.storage import migrator  # Alembic only when needed (0.3 s to import)

    if path is not None:
        with read_only_connection(path, timeout_s) as source:
            back_up(source, backup_path(path, revision))
    migrator.upgrade(engine)
