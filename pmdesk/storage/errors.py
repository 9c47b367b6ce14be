"""What can go wrong with a library that is not a bug, told to a person: what, where, what to do.

`LibraryError` is the one exception the storage layer raises for the environment's faults: a file
that is not a library, read-only, damaged, locked, full, or from a newer pmdesk; a database server
that cannot be reached, refuses the login, lacks the database or the permission, or whose driver
is not installed. Bugs (an IntegrityError from a wrong insert, a misspelt column) are not
translated and stay what they are. No message ever holds a password: a server's address is shown
as `URL.render_as_string(hide_password=True)` gives it, and a password found in a server's
message is masked.
"""

from __future__ import annotations

import re
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
    STRAY_WAL = "stray_wal"  # a "-wal" beside the library that does not fit it
    LOST_HOLD = "lost_hold"  # the library's files were changed under an open connection
    # A database server's library (PostgreSQL):
    LOGIN_REFUSED = "login_refused"
    NO_DATABASE = "no_database"
    NO_PERMISSION = "no_permission"
    NO_DRIVER = "no_driver"
    UNSUPPORTED = "unsupported"


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


def not_a_library(where: str, *, server: bool = False) -> LibraryError:
    if server:
        return LibraryError(
            f"The database “{where}” holds tables of another program, not a pmdesk library; "
            "pmdesk has left it as it was. Give pmdesk an empty database of its own (for "
            "example, CREATE DATABASE pmdesk) or the address of an existing pmdesk library.",
            problem=Problem.NOT_A_LIBRARY,
            location=where,
        )
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


def corrupt(where: str, detail: str, *, server: bool = False) -> LibraryError:
    if server:
        return LibraryError(
            f"The library database “{where}” is damaged ({detail}). pmdesk has not changed it. "
            "Restore it from the server's backup, or ask the server's administrator.",
            problem=Problem.CORRUPT,
            location=where,
        )
    return LibraryError(
        f"The library “{where}” is damaged (SQLite says: {detail}). pmdesk has not changed it. "
        "Restore it from a backup — before each upgrade pmdesk keeps one beside it, named "
        "“….backup-<revision>-<time>.sqlite3” — or try to rescue its contents with the sqlite3 "
        "tool's “.recover” command.",
        problem=Problem.CORRUPT,
        location=where,
    )


def stray_wal(where: str) -> LibraryError:
    wal, shm = f"{where}-wal", f"{where}-shm"
    return LibraryError(
        f"The library “{where}” is intact, but the file “{wal}” beside it does not fit it: it "
        "was left by another library of the same name, copied in, or damaged in a crash. pmdesk "
        f"has changed neither. Move “{wal}” (and “{shm}”, if there is one) to another folder, "
        "then open the library again: it then holds what it held before the changes in that "
        "file. If that file holds changes you need, restore the library from a backup instead.",
        problem=Problem.STRAY_WAL,
        location=where,
    )


def lost_hold(where: str, reason: str) -> LibraryError:
    return LibraryError(
        f"pmdesk lost its hold on the library “{where}” while saving the last change ({reason}), "
        "so the change may not have been stored. pmdesk has opened the library afresh and shows "
        "what it holds now: look for the change, and make it again if it is missing.",
        problem=Problem.LOST_HOLD,
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


def login_refused(where: str, detail: str) -> LibraryError:
    return LibraryError(
        f"The database server refused pmdesk's login to “{where}” ({detail}). Check the user name "
        "and the password in the address (postgresql+psycopg://USER:PASSWORD@HOST/DATABASE), or "
        "ask the server's administrator to let that user in.",
        problem=Problem.LOGIN_REFUSED,
        location=where,
    )


def no_database(where: str, name: str) -> LibraryError:
    return LibraryError(
        f"The database server has no database “{name}” (at “{where}”). Create it, for example "
        f"with “createdb {name}” or CREATE DATABASE in psql, or correct its name in the address; "
        "pmdesk then makes its library in it.",
        problem=Problem.NO_DATABASE,
        location=where,
    )


def no_permission(where: str, detail: str) -> LibraryError:
    return LibraryError(
        f"The database user may not do what pmdesk needs in “{where}” ({detail}). pmdesk needs a "
        "user that may read and write the library's tables, and create them for a new library "
        "or an upgrade: ask the server's administrator to make the user the owner of the "
        "database (ALTER DATABASE … OWNER TO …) and of its tables, or to grant it those rights; "
        "nothing was changed.",
        problem=Problem.NO_PERMISSION,
        location=where,
    )


def busy_server(where: str, seconds: float) -> LibraryError:
    return LibraryError(
        f"The library “{where}” was busy: another pmdesk or program kept it for more than "
        f"{seconds:g} s. Try again in a moment; nothing was changed.",
        problem=Problem.LOCKED,
        location=where,
    )


def server_read_only(where: str, detail: str) -> LibraryError:
    return LibraryError(
        f"The library database “{where}” can only be read now ({detail}). Ask the server's "
        "administrator, or connect to the server that takes changes; nothing was changed.",
        problem=Problem.READ_ONLY,
        location=where,
    )


def server_disk_full(where: str) -> LibraryError:
    return LibraryError(
        f"The database server of the library “{where}” has no room left, so the last change was "
        "not saved. Ask the server's administrator to free some space, then try again.",
        problem=Problem.DISK_FULL,
        location=where,
    )


# Installing these packages gives SQLAlchemy the driver a URL names; pmdesk supports PostgreSQL.
_DRIVER_INSTALL = {"postgresql": "pip install 'pmdesk[postgres]'"}


def no_driver(where: str, backend: str, detail: str) -> LibraryError:
    install = _DRIVER_INSTALL.get(backend)
    if install is not None:
        advice = f"Install it with: {install}"
    else:
        advice = "Install the Python driver the address names"
    return LibraryError(
        f"pmdesk cannot open “{where}”: the driver for {backend} is not installed ({detail}). "
        f"{advice}, then try again.",
        problem=Problem.NO_DRIVER,
        location=where,
    )


def unsupported(where: str, detail: str) -> LibraryError:
    return LibraryError(
        f"pmdesk cannot keep a library in “{where}”: {detail}.",
        problem=Problem.UNSUPPORTED,
        location=where,
    )


# SQLite's primary result codes (the low byte of an extended code) that are the environment's fault.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26


def from_database_error(
    error: BaseException, where: str, busy_timeout_s: float, *, password: str | None = None
) -> LibraryError | None:
    """The LibraryError for a database error caused by the environment, or None for a bug.

    `password`, the one in the library's address, is masked wherever a server's message repeats it.
    """
    original = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    if isinstance(original, sqlite3.Error):
        return _from_sqlite_error(original, where, busy_timeout_s)
    found = _from_server_error(original, where, busy_timeout_s, password)
    if found is not None:
        return found
    # Any other driver: a lost or refused connection is the environment's fault; anything else,
    # constraint violations included, is left to the caller as a bug.
    if isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return unreachable(where, _masked(_first_line(original), password))
    return None


# SQLSTATE codes (PostgreSQL's, and the SQL standard's) that are the environment's fault.
_LOGIN_STATES = frozenset({"28000", "28P01"})
_BUSY_STATES = frozenset({"55P03", "40001", "40P01", "57014"})  # lock, serialization, deadlock
_GONE_STATES = frozenset({"57P01", "57P02", "57P03", "53300", "53200"})  # shutdown, no slots
# A login that fails reaches psycopg before any SQLSTATE does: only the server's words tell why.
_MISSING_DATABASE = re.compile(r'database "(?P<name>[^"]*)" does not exist')
_LOGIN_WORDS = (
    "password authentication failed",
    "no password supplied",
    "no pg_hba.conf entry",
    "role ",  # role "x" does not exist / is not permitted to log in
    "authentication failed",
    "permission denied for database",
)


def _from_server_error(
    error: BaseException, where: str, busy_timeout_s: float, password: str | None
) -> LibraryError | None:
    """A PostgreSQL (psycopg) error, told by its SQLSTATE or, for a failed login, its words."""
    if not type(error).__module__.startswith("psycopg"):
        return None
    state = getattr(error, "sqlstate", None)
    detail = _masked(_server_detail(error), password)
    missing = _MISSING_DATABASE.search(detail)
    if state == "3D000" or (state is None and missing):
        return no_database(where, missing.group("name") if missing else "?")
    if state in _LOGIN_STATES or (state is None and any(words in detail for words in _LOGIN_WORDS)):
        return login_refused(where, detail)
    if state == "42501":
        return no_permission(where, detail)
    if state in _BUSY_STATES:
        return busy_server(where, busy_timeout_s)
    if state == "25006":
        return server_read_only(where, detail)
    if state == "53100":
        return server_disk_full(where)
    if state is not None and (state.startswith("08") or state in _GONE_STATES):
        return unreachable(where, detail)
    if state is None and type(error).__name__ in ("OperationalError", "InterfaceError"):
        return unreachable(where, detail)  # refused, unknown host, lost connection, …
    return None


def _server_detail(error: BaseException) -> str:
    """The server's or libpq's own words, without psycopg's "connection failed:" in front."""
    line = _first_line(error)
    for prefix in ("connection failed: ",):
        line = line.removeprefix(prefix)
    # 'connection to server at "h", port 5432 failed: FATAL:  database "x" does not exist'
    if "FATAL:" in line:
        line = line.split("FATAL:", 1)[1].strip()
    return line


def _masked(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


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
def translated(where: str, busy_timeout_s: float, password: str | None = None) -> Iterator[None]:
    """Let database errors that are the environment's fault out as LibraryError, bugs unchanged."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as error:
        library_error = from_database_error(error, where, busy_timeout_s, password=password)
        if library_error is None:
            raise
        raise library_error from error
