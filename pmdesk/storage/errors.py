"""What can go wrong with a library that is not a bug, told to a person: what, where, what to do.

`LibraryError` is the one exception the storage layer raises for the environment's faults: a file
that is not a library, read-only, damaged, locked, full, or from a newer pmdesk. Bugs (an
IntegrityError from a wrong insert, a misspelt column) are not translated and stay what they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


class Problem(StrEnum):
    """Why a library cannot be used; lets a caller choose an exit code or a dialog."""

    NOT_SQLITE = "not_sqlite"
    NOT_A_LIBRARY = "not_a_library"
    READ_ONLY = "read_only"
    CANNOT_CREATE = "cannot_create"
    CORRUPT = "corrupt"
    NEWER = "newer"
    LOCKED = "locked"
    DISK_FULL = "disk_full"
    UNREADABLE = "unreadable"
    UNREACHABLE = "unreachable"


class LibraryError(Exception):
    """A library cannot be opened or written; `str()` is the message to show as it is."""

    def __init__(self, message: str, *, problem: Problem, location: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.location = location  # the file path, or the URL without its password


def not_sqlite(where: str) -> LibraryError:
    return LibraryError(
        f"“{where}” is not a pmdesk library (it is not an SQLite database). "
        "Choose another file or create a new library.",
        problem=Problem.NOT_SQLITE,
        location=where,
    )


def is_folder(where: str) -> LibraryError:
    return LibraryError(
        f"“{where}” is a folder, not a pmdesk library. Choose a library file, or a new file name "
        "to create a library.",
        problem=Problem.NOT_SQLITE,
        location=where,
    )


def not_a_library(where: str) -> LibraryError:
    return LibraryError(
        f"“{where}” is an SQLite database of another program, not a pmdesk library; pmdesk has "
        "left it as it was. Choose another file or create a new library.",
        problem=Problem.NOT_A_LIBRARY,
        location=where,
    )


def read_only(where: str, detail: str = "") -> LibraryError:
    because = f" ({detail})" if detail else ""
    return LibraryError(
        f"The library “{where}” is read-only{because}. pmdesk needs to write to the file and to "
        "its folder (beside it go the “-wal” and “-shm” files). Make both writable, or copy the "
        "library to a folder you can write to and open the copy.",
        problem=Problem.READ_ONLY,
        location=where,
    )


def cannot_create(where: str, folder: str, detail: str) -> LibraryError:
    return LibraryError(
        f"pmdesk cannot create the library “{where}”: the folder “{folder}” cannot be written "
        f"({detail}). Choose a folder you can write to.",
        problem=Problem.CANNOT_CREATE,
        location=where,
    )


def corrupt(where: str, detail: str) -> LibraryError:
    return LibraryError(
        f"The library “{where}” is damaged (SQLite says: {detail}). pmdesk has not changed it. "
        "Restore it from a backup — before each upgrade pmdesk keeps one beside it, named "
        "“….backup-<revision>-<time>.sqlite3” — or try to rescue its contents with the sqlite3 "
        "tool's “.recover” command.",
        problem=Problem.CORRUPT,
        location=where,
    )


def newer(where: str, revision: str) -> LibraryError:
    return LibraryError(
        f"The library “{where}” was written by a newer pmdesk (its format “{revision}” is unknown "
        "to this version). Install the newer pmdesk to open it; this version has not changed it.",
        problem=Problem.NEWER,
        location=where,
    )


def locked(where: str, seconds: float) -> LibraryError:
    return LibraryError(
        f"The library “{where}” is locked by another program and was still locked after "
        f"{seconds:g} s. Close other pmdesk windows or programs that use it, then try again; "
        "nothing was changed.",
        problem=Problem.LOCKED,
        location=where,
    )


def disk_full(where: str) -> LibraryError:
    return LibraryError(
        f"The disk that holds the library “{where}” is full, so the last change was not saved. "
        "Free some space, then try again.",
        problem=Problem.DISK_FULL,
        location=where,
    )


def unreadable(where: str, detail: str) -> LibraryError:
    return LibraryError(
        f"pmdesk cannot read or write the library “{where}” ({detail}). Check that the disk is "
        "connected and that you may open the file, then try again.",
        problem=Problem.UNREADABLE,
        location=where,
    )


def unreachable(where: str, detail: str) -> LibraryError:
    return LibraryError(
        f"pmdesk cannot reach the library database “{where}” ({detail}). Check the address, the "
        "network and the database server, then try again.",
        problem=Problem.UNREACHABLE,
        location=where,
    )


# SQLite's primary result codes (the low byte of an extended code) that are the environment's fault.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26


def from_database_error(
    error: BaseException, where: str, busy_timeout_s: float
) -> LibraryError | None:
    """The LibraryError for a database error caused by the environment, or None for a bug."""
    original = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    if isinstance(original, sqlite3.Error):
        return _from_sqlite_error(original, where, busy_timeout_s)
    # Another database (PostgreSQL): a lost or refused connection is the environment's fault;
    # anything else, constraint violations included, is left to the caller as a bug.
    if isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return unreachable(where, _first_line(original))
    return None


def _from_sqlite_error(
    error: sqlite3.Error, where: str, busy_timeout_s: float
) -> LibraryError | None:
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    primary, detail = code & 0xFF, _first_line(error)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return locked(where, busy_timeout_s)
    if primary in (_SQLITE_READONLY, _SQLITE_PERM):
        return read_only(where, detail)
    if primary == _SQLITE_CORRUPT:
        return corrupt(where, detail)
    if primary == _SQLITE_NOTADB:
        return not_sqlite(where)
    if primary == _SQLITE_FULL:
        return disk_full(where)
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return unreadable(where, detail)
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def translated(where: str, busy_timeout_s: float) -> Iterator[None]:
    """Let database errors that are the environment's fault out as LibraryError, bugs unchanged."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as error:
        library_error = from_database_error(error, where, busy_timeout_s)
        if library_error is None:
            raise
        raise library_error from error
