"""Copying a whole library to another database: SQLite to PostgreSQL, back, or to a new file.

The copy is one transaction on the target. Every table of the schema goes across in dependency
order (`metadata.sorted_tables`), in batches, with its ids, so causes keep their parents and
actions their history; a table that refers to itself (a cause's parent) is written parents first.
Then the full-text index is built once from the copied texts, and every table's row count in the
target is compared with the source's (read in one snapshot): any difference, or any row the
target refuses, rolls the whole copy back.

The target must be empty: a new SQLite file, an empty database, or a library whose tables hold no
rows but the vocabulary of themes every new library is given, which the source's then replaces.
Anything else is refused before a row is written; a new file made for a copy that then fails is
removed again.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Table, delete, func, make_url, select, text
from sqlalchemy.exc import ArgumentError, DataError, IntegrityError

from pmdesk.services.locations import SERVER_EXAMPLE as SERVER_EXAMPLE
from pmdesk.storage import search
from pmdesk.storage.held_files import is_held
from pmdesk.storage.library import Library, open_library
from pmdesk.storage.schema import REVISION, metadata
from pmdesk.storage.sqlite_file import examined, read_contents

# Rows per INSERT batch (one executemany), and per fetch from the source.
BATCH_ROWS = 2000

# Tables a new library is given rows in (the default themes): they leave a target empty, and the
# copy replaces their rows with the source's.
SEEDED_TABLES = frozenset({"themes"})


class CopyError(Exception):
    """The copy was refused or undone; `str()` says what is wrong and what to do. The target
    holds no copied row."""


class SameLocationError(CopyError):
    pass


class TargetNotEmptyError(CopyError):
    pass


class NoSourceError(CopyError):
    pass


class BadLocationError(CopyError):
    pass


class CountMismatchError(CopyError):
    def __init__(self, message: str, table: str, source_rows: int, target_rows: int) -> None:
        super().__init__(message)
        self.table = table
        self.source_rows = source_rows
        self.target_rows = target_rows


class RowRefusedError(CopyError):
    """The target database refused a row (a text PostgreSQL cannot store, say)."""

    def __init__(self, message: str, table: str) -> None:
        super().__init__(message)
        self.table = table


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    rows: int


@dataclass(frozen=True, slots=True)
class CopyReport:
    source: str  # where the library came from, a URL without its password
    target: str  # where it went, likewise
    tables: tuple[TableCount, ...]  # every table, in the order copied

    @property
    def postmortems(self) -> int:
        return next(t.rows for t in self.tables if t.table == "postmortems")

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


# --- opening both ends ---------------------------------------------------------------------


def shown(location: str) -> str:
    """A location as it may be printed: a path as it is, a URL without its password."""
    if "://" not in location:
        return location
    try:
        return make_url(location).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # Not a URL SQLAlchemy can read; still hide whatever stands between "user:" and "@".
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", location)


def open_source(location: str) -> Library:
    """Open the library to copy; a file that does not exist is refused rather than created."""
    _check_address(location)
    path = _file_of(location)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        raise NoSourceError(
            f"There is no library at “{path}” to copy. Name the library to copy with "
            "`pmdesk --db LOC copy-library --to LOC2`."
        )
    return open_library(location)


def copy_to(source: Library, location: str) -> CopyReport:
    """Copy `source` into the library at `location`, which must be empty; create it if needed.

    Refused before anything is written: the source's own location, an unusable location, a
    target that holds rows. A new SQLite file made here is removed if the copy then fails.
    """
    _check_address(location)
    path = _file_of(location)
    if _same_place(source, location, path):
        raise SameLocationError(
            f"“{shown(location)}” is the library being copied. Give --to a new file or an "
            "empty database elsewhere."
        )
    existed = path is not None and path.exists()
    if path is not None and path.is_file() and path.stat().st_size > 0:
        _refuse_rows_in_file(path)
    try:
        with open_library(location) as target:
            return copy_library(source, target)
    except TargetNotEmptyError:
        raise  # someone else filled the new file meanwhile: theirs to keep
    except BaseException:
        if path is not None and not existed:
            _remove_library_file(path)
        raise


def _check_address(location: str) -> None:
    """Refuse a URL whose port is not a number: SQLAlchemy's parser says so with a bare
    ValueError, which open_library does not expect. Its other refusals are open_library's."""
    if "://" in location:
        try:
            make_url(location)
        except ArgumentError:
            return
        except ValueError:
            raise BadLocationError(
                f"“{shown(location)}” is not a library pmdesk can open: its port is not a "
                f"number. Give an SQLite file path or a URL such as {SERVER_EXAMPLE}."
            ) from None


def _file_of(location: str) -> Path | None:
    """The SQLite file a location names (as open_library reads it), or None for a server."""
    if "://" not in location:
        return Path(location).expanduser().absolute()
    try:
        url = make_url(location)
    except ArgumentError:
        return None  # opening it will say what is wrong
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser().absolute()


def _same_place(source: Library, location: str, path: Path | None) -> bool:
    if source.path is not None or path is not None:
        if source.path is None or path is None:
            return False
        if source.path.exists() and path.exists():
            return os.path.samefile(source.path, path)
        return source.path.resolve() == path.resolve()
    try:
        url = make_url(location)
    except ArgumentError:
        return False
    return _server_key(url) == _server_key(source.url)


_LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})
_DEFAULT_PORTS = {"postgresql": 5432}


def _server_key(url: URL) -> tuple[str, str, int | None, str]:
    """Which database a server URL names, whoever connects and with whichever driver."""
    backend = url.get_backend_name()
    host = (url.host or "").lower()
    host = "localhost" if host in _LOCAL_HOSTS else host
    return backend, host, url.port or _DEFAULT_PORTS.get(backend), url.database or ""


def _refuse_rows_in_file(path: Path) -> None:
    """Refuse a library file with rows before open_library could upgrade it in place. A file
    that is no library, or damaged, is left for open_library to refuse with its own words."""
    try:
        # Through SQLite alone, never open(): this process may have the file open already.
        with examined(path, 5.0, held=is_held(path)) as look:
            contents = read_contents(look.conn)
            present = [t.name for t in metadata.sorted_tables if t.name in contents.tables]
            filled = [
                name
                for name in present
                if name not in SEEDED_TABLES and _file_table_has_rows(look.conn, name)
            ]
    except (OSError, sqlite3.Error):
        return
    if "postmortems" in contents.tables and filled:
        raise _not_empty(str(path), filled[0])


def _file_table_has_rows(conn: sqlite3.Connection, name: str) -> bool:
    return bool(conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone() != (0,))


def _not_empty(where: str, table: str) -> TargetNotEmptyError:
    return TargetNotEmptyError(
        f"“{where}” is not empty (its table {table} has rows), so pmdesk copied nothing into it. "
        "A copy goes only into a new file, an empty database or an empty library: choose "
        "another target, or empty this one first."
    )


def _remove_library_file(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm", path.name + "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(name).unlink(missing_ok=True)


# --- the copy ------------------------------------------------------------------------------


def copy_library(source: Library, target: Library) -> CopyReport:
    """Copy every row of `source` into the empty `target` in one transaction on the target."""
    # One snapshot of the source (on PostgreSQL, Library.connect reads at REPEATABLE READ), so
    # that every row refers to rows that are copied too.
    with source.connect() as read, target.transaction() as write:
        _check_revision(read, source.location)
        _check_revision(write, target.location)
        for table in metadata.sorted_tables:
            if table.name not in SEEDED_TABLES and _has_rows(write, table):
                raise _not_empty(target.location, table.name)
        for table in metadata.sorted_tables:
            if table.name in SEEDED_TABLES:  # no row refers to them: every other table is empty
                write.execute(delete(table))
        expected = {table.name: _count(read, table) for table in metadata.sorted_tables}
        # Filling the index once at the end is faster than row by row through its triggers.
        search.drop_index(write)
        for table in metadata.sorted_tables:
            _copy_table(read, write, table)
        search.rebuild_index(write)
        counts = tuple(TableCount(t.name, _count(write, t)) for t in metadata.sorted_tables)
        for count in counts:
            if count.rows != expected[count.table]:
                raise CountMismatchError(
                    f"The copy to “{target.location}” was undone: its table {count.table} had "
                    f"{count.rows} rows where “{source.location}” has {expected[count.table]}. "
                    "Nothing was written; check that nothing else writes to the target, then "
                    "try again.",
                    count.table,
                    expected[count.table],
                    count.rows,
                )
    return CopyReport(source.location, target.location, counts)


def _check_revision(conn: Connection, where: str) -> None:
    found = [str(v) for v in conn.scalars(text("SELECT version_num FROM alembic_version"))]
    if found != [REVISION]:
        raise CopyError(
            f"The library “{where}” is at format {', '.join(found) or 'none'}, not {REVISION}: "
            "open it with this pmdesk once to upgrade it, then copy it."
        )


def _has_rows(conn: Connection, table: Table) -> bool:
    return bool(conn.execute(select(select(table).exists())).scalar_one())


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _copy_table(read: Connection, write: Connection, table: Table) -> None:
    query = select(table).order_by(*table.primary_key.columns)
    if _self_reference(table) is None:
        result = read.execution_options(yield_per=BATCH_ROWS).execute(query)
        batches: Iterable[Sequence[dict[str, Any]]] = (
            [dict(row._mapping) for row in part] for part in result.partitions()
        )
    else:
        rows = _parents_first(table, [dict(row._mapping) for row in read.execute(query)])
        batches = _chunks(rows, BATCH_ROWS)
    for batch in batches:
        try:
            _insert_rows(write, table, batch)
        except (IntegrityError, DataError) as error:
            detail = str(error.orig or error).strip().splitlines()[0]
            raise RowRefusedError(
                f"The copy was undone: the target refused a row of the table {table.name} "
                f"({detail}). Nothing was written.",
                table.name,
            ) from error


def _insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One batch, as one executemany."""
    if rows:
        conn.execute(table.insert(), list(rows))


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _self_reference(table: Table) -> tuple[str, str] | None:
    """(key column, parent column) if the table's rows refer to rows of the same table."""
    for fk in table.foreign_keys:
        if fk.column.table is table:
            return fk.column.name, fk.parent.name
    return None


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows in an order where each comes after the row it refers to: the database checks
    the reference at every insert. Without recursion, since a chain of whys may be thousands
    deep. Rows caught in a loop (which the source's own checks forbid) come last, for the target
    to refuse."""
    reference = _self_reference(table)
    assert reference is not None
    key, parent = reference
    keys = {row[key] for row in rows}
    children: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    ordered = []
    for row in rows:
        if row[parent] is None or row[parent] not in keys:
            ordered.append(row)
        else:
            children[row[parent]].append(row)
    index = 0
    while index < len(ordered):
        ordered.extend(children.pop(ordered[index][key], ()))
        index += 1
    ordered.extend(row for waiting in children.values() for row in waiting)
    return ordered
