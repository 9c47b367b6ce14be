"""Opening a library, and the open `Library` that services work through.

`open_library` is the only place pmdesk makes a database engine. It takes a file path or an
SQLAlchemy URL and hands back a library at the newest schema: a new one is created and stamped, an
older one is backed up and upgraded, and anything else (not SQLite, another program's database, a
newer pmdesk's library, damaged, read-only) is refused with a LibraryError, the file left as it was.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import platformdirs
from sqlalchemy import URL, Connection, Engine, inspect, make_url, text

from pmdesk.storage import errors, search
from pmdesk.storage.engine import DEFAULT_BUSY_TIMEOUT_MS, for_writing, make_engine
from pmdesk.storage.schema import REVISION, metadata
from pmdesk.storage.sqlite_file import (
    Contents,
    back_up,
    backup_path,
    has_sqlite_header,
    is_writable,
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
        self, engine: Engine, path: Path | None, location: str, busy_timeout_ms: int
    ) -> None:
        self.engine = engine
        self.path = path  # the SQLite file, or None for a URL to a database server
        self.location = location  # for messages: the path, or the URL without its password
        self._busy_timeout_s = busy_timeout_ms / 1000

    @property
    def url(self) -> URL:
        return self.engine.url

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        with (
            errors.translated(self.location, self._busy_timeout_s),
            self.engine.connect() as conn,
            for_writing(conn).begin(),
        ):
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading; its reads share one snapshot until the block ends.

        Nothing is committed: a write here would be rolled back; use `transaction()` to write.
        """
        with errors.translated(self.location, self._busy_timeout_s), self.engine.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

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


def default_library_path() -> Path:
    """Where the library lives when the user names none: e.g. ~/.local/share/pmdesk on Linux."""
    return Path(platformdirs.user_data_dir("pmdesk", appauthor=False)) / "library.pmdesk"


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
            with errors.translated(where, busy_timeout_ms / 1000):
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
    with errors.translated(where, busy_timeout_ms / 1000):  # created meanwhile every time
        return _open(url, path, where, busy_timeout_ms)


_CREATION_ATTEMPTS = 5


def _is_new_file(path: Path) -> bool:
    """Missing or empty: a library this call may be about to create. Unreadable counts as not
    new; opening it says why."""
    try:
        return not path.exists() or path.stat().st_size == 0
    except OSError:
        return False


class _CreatedMeanwhileError(Exception):
    """Another process created the library after we found the file empty."""


def _resolve(location: str | os.PathLike[str]) -> tuple[URL, Path | None]:
    """The URL to connect to, and the SQLite file behind it if there is one."""
    text_location = os.fspath(location)
    if "://" not in text_location:
        path = Path(text_location).expanduser().absolute()
        return URL.create("sqlite+pysqlite", database=str(path)), path
    url = make_url(text_location)
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
    try:
        if path is None:
            with engine.connect() as conn:
                revision = _revision_of(_contents(conn), where)
        if revision is None:
            _create(engine)
        elif revision != REVISION:
            _upgrade(engine, path, revision, timeout_s)
        # Connect once now, so that a problem shows when opening and not at the first change.
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except BaseException:
        engine.dispose()
        raise
    return Library(engine, path, where, busy_timeout_ms)


def _examine_file(path: Path, where: str, timeout_s: float) -> str | None:
    """The revision of the library in the file, or None if the library is still to be created.

    Raises LibraryError for a file pmdesk must not open, before anything has written to it.
    """
    if path.is_dir():
        raise errors.is_folder(where)
    if not path.exists() or path.stat().st_size == 0:
        # SQLite treats an empty file as an empty database; a file dialog may have made it.
        _prepare_folder(path, where)
        if path.exists() and not is_writable(path):
            raise errors.read_only(where)
        return None
    if not has_sqlite_header(path):
        raise errors.not_sqlite(where)
    if not is_writable(path):
        raise errors.read_only(where)
    with read_only_connection(path, timeout_s) as conn:
        revision = _revision_of(read_contents(conn), where)
        if revision is not None:
            problem = quick_check(conn)
            if problem is not None:
                raise errors.corrupt(where, problem)
    return revision


def _prepare_folder(path: Path, where: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        # Name the folder the user has to change: the deepest one that exists.
        existing = next(p for p in path.parents if p.exists())
        raise errors.cannot_create(where, str(existing), error.strerror or str(error)) from error
    if not os.access(path.parent, os.W_OK):
        raise errors.cannot_create(where, str(path.parent), os.strerror(errno.EACCES))


def _revision_of(contents: Contents, where: str) -> str | None:
    """The revision of a pmdesk library, None for an empty database; refuses anything else."""
    if contents.is_empty:
        return None
    if not contents.tables.issuperset(_MARKER_TABLES):
        raise errors.not_a_library(where)
    if len(contents.revisions) != 1:
        raise errors.corrupt(where, "the record of its format revision is missing or doubled")
    revision = contents.revisions[0]
    if revision != REVISION:
        from pmdesk.storage import migrator  # Alembic only when not up to date (0.3 s)

        if revision not in migrator.known_revisions():
            raise errors.newer(where, revision)
    return revision


def _contents(conn: Connection) -> Contents:
    inspector = inspect(conn)
    tables = frozenset(inspector.get_table_names())
    revisions: tuple[str, ...] = ()
    if "alembic_version" in tables:
        found = conn.scalars(text("SELECT version_num FROM alembic_version"))
        revisions = tuple(str(version) for version in found)
    return Contents(tables, bool(inspector.get_view_names()), revisions)


def _create(engine: Engine) -> None:
    """Create the tables and stamp the head revision in one transaction: all or nothing."""
    from pmdesk.storage import migrator  # Alembic only when needed (0.3 s to import)

    with engine.connect() as conn, for_writing(conn).begin():
        if not _contents(conn).is_empty:
            raise _CreatedMeanwhileError
        metadata.create_all(conn)
        search.ensure_index(conn)  # the full-text index is not Table metadata
        migrator.stamp_head(conn)


def _upgrade(engine: Engine, path: Path | None, revision: str, timeout_s: float) -> None:
    """Back up a library file (a server's database is the server's to back up), then upgrade."""
    from pmdesk.storage import migrator  # Alembic only when needed (0.3 s to import)

    if path is not None:
        with read_only_connection(path, timeout_s) as source:
            back_up(source, backup_path(path, revision))
    migrator.upgrade(engine)
