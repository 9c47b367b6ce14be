"""Looking at an SQLite file without changing it, and backing one up.

Before pmdesk lets its engine near a file (the engine switches it to WAL, which rewrites the
header), it finds out here through a read-only connection whether the file is SQLite at all, what
it holds, which migration revision it is at and whether SQLite finds it intact. A file that is
refused is left exactly as it was: not a byte changed, no file left beside it.

Only SQLite opens the file, never `open()`: in a process that has the library open already, closing
a descriptor of our own would drop SQLite's locks on it (see `held_files`).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pmdesk.storage.held_files import COMPANION_SUFFIXES, companion, locked


@dataclass(frozen=True, slots=True)
class Contents:
    """What an SQLite database holds, as far as telling a pmdesk library apart needs."""

    tables: frozenset[str]
    has_other_objects: bool  # views or triggers: a database with only these is not empty either
    revisions: tuple[str, ...]  # rows of alembic_version; one for a pmdesk library

    @property
    def is_empty(self) -> bool:
        return not self.tables and not self.has_other_objects


@dataclass(frozen=True, slots=True)
class Examination:
    """A read-only connection to a file being examined, and what was found beside it."""

    conn: sqlite3.Connection
    # A "-wal" file with content beside a database that no connection has open: left by a crash
    # (or copied in beside the library), and replayed into what `conn` reads. It may not be the
    # library's own.
    hot_wal: bool


@contextmanager
def examined(path: Path, timeout_s: float, *, held: bool) -> Iterator[Examination]:
    """Look into an SQLite file and leave it, and its folder, as they were found.

    With no "-wal" or "-journal" beside it, and unless this process has it open (`held`), the
    file alone is the whole database: it is read as immutable, which takes no lock and creates
    nothing. Otherwise an ordinary read-only connection reads it through its "-wal", and may have
    to create the "-shm" to do so; if the block raises (the file is refused), the companion files
    this look created are removed again, unless another connection has the file open by then.

    A file that is not SQLite at all raises sqlite3.DatabaseError ("file is not a database") at
    the first query.
    """
    present = {suffix: companion(path, suffix).exists() for suffix in COMPANION_SUFFIXES}
    immutable = not held and not present["-wal"] and not present["-journal"]
    hot_wal = (
        not held
        and present["-wal"]
        and _size(companion(path, "-wal")) > 0
        and locked(path) is not True
    )
    try:
        with read_only_connection(path, timeout_s, immutable=immutable) as conn:
            yield Examination(conn, hot_wal)
    except BaseException:
        if not held and not locked(path):
            for suffix, was_there in present.items():
                if not was_there:
                    with suppress(OSError):
                        companion(path, suffix).unlink(missing_ok=True)
        raise


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def is_writable(path: Path) -> bool:
    """Whether SQLite can write the file, and beside it the WAL's "-wal" and "-shm" files."""
    if not os.access(path, os.W_OK):
        return False
    if os.access(path.parent, os.W_OK):
        return True
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    return all(os.access(p, os.W_OK) for p in companions)


@contextmanager
def read_only_connection(
    path: Path, timeout_s: float, *, immutable: bool = False
) -> Iterator[sqlite3.Connection]:
    """A read-only connection; `immutable` reads the file alone, ignoring any "-wal", taking no
    lock and creating nothing beside it (only for a file no one else has open)."""
    # A URI, because only a URI can ask for read-only; as_uri() escapes "?", "#" and "%" in names.
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    with closing(sqlite3.connect(uri, uri=True, timeout=timeout_s)) as conn:
        yield conn


def read_contents(conn: sqlite3.Connection) -> Contents:
    rows = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    ).fetchall()
    tables = frozenset(name for kind, name in rows if kind == "table")
    revisions: tuple[str, ...] = ()
    if "alembic_version" in tables:
        found = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        revisions = tuple(str(version) for (version,) in found)
    return Contents(
        tables=tables,
        has_other_objects=any(kind in ("view", "trigger") for kind, _ in rows),
        revisions=revisions,
    )


def quick_check(conn: sqlite3.Connection) -> str | None:
    """None if SQLite finds the structure intact, else its complaints (up to five) in one line.

    `quick_check` reads every page and checks the b-tree structure but skips comparing indexes with
    their tables: on a 5 MB library it took 12 ms (integrity_check: 40 ms), cheap enough to run
    at every opening.
    """
    return _complaints([str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")])


def _complaints(rows: list[str]) -> str | None:
    if rows == ["ok"]:
        return None
    # Rows look like "*** in database main ***\nPage 3: btreeInitPage() returns error code 11".
    lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    return "; ".join(lines) or "quick_check failed"


def library_mark(conn: sqlite3.Connection) -> int:
    """The number that tells this library file apart from others (0: none given yet).

    pmdesk keeps a random number in the header's user_version, drawn when the library is made.
    The header is on the first page, which most writes change, so a "-wal" that holds another
    library's changes usually carries that library's number: a stray "-wal" shows itself.
    """
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def new_library_mark() -> int:
    return secrets.randbelow(2**31 - 1) + 1  # user_version is a signed 32-bit number


def integrity_check(conn: sqlite3.Connection) -> str | None:
    """As `quick_check`, and also every index against its table: the full check, for a library
    whose "-wal" was left by a crash or put beside it (40 ms on a 5 MB library)."""
    return _complaints([str(row[0]) for row in conn.execute("PRAGMA integrity_check(5)")])


def backup_path(path: Path, revision: str, now: datetime | None = None) -> Path:
    """A free sibling name like "library.pmdesk.backup-0001-20261129T194501Z.sqlite3"."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = f"{path.name}.backup-{revision}-{stamp}"
    candidate, n = path.with_name(f"{base}.sqlite3"), 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{base}-{n}.sqlite3")
    return candidate


def back_up(source: sqlite3.Connection, target: Path) -> None:
    """Copy a live database with SQLite's backup API, which sees one consistent snapshot even
    while another process writes (a file copy could catch it half-written, and would miss what
    is still in the -wal file). The copy appears under its name only once complete.
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # left over from an attempt that was cut short
    with closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)
        # The copied header says WAL; a backup is better as one self-contained file.
        copy.execute("PRAGMA journal_mode = DELETE")
    os.replace(partial, target)
