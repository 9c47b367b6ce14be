"""Looking at an SQLite file without changing it, and backing one up.

Before pmdesk lets its engine near a file (the engine switches it to WAL, which rewrites the
header), it finds out here through a read-only connection whether the file is SQLite at all, what
it holds, which migration revision it is at and whether SQLite finds it intact. A file that is
refused is thus never modified.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# Every SQLite 3 database starts with these 16 bytes.
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class Contents:
    """What an SQLite database holds, as far as telling a pmdesk library apart needs."""

    tables: frozenset[str]
    has_other_objects: bool  # views or triggers: a database with only these is not empty either
    revisions: tuple[str, ...]  # rows of alembic_version; one for a pmdesk library

    @property
    def is_empty(self) -> bool:
        return not self.tables and not self.has_other_objects


def has_sqlite_header(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def is_writable(path: Path) -> bool:
    """Whether SQLite can write the file, and beside it the WAL's "-wal" and "-shm" files."""
    if not os.access(path, os.W_OK):
        return False
    if os.access(path.parent, os.W_OK):
        return True
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    return all(os.access(p, os.W_OK) for p in companions)


@contextmanager
def read_only_connection(path: Path, timeout_s: float) -> Iterator[sqlite3.Connection]:
    # A URI, because only a URI can ask for read-only; as_uri() escapes "?", "#" and "%" in names.
    uri = f"{path.resolve().as_uri()}?mode=ro"
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
    rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)").fetchall()]
    if rows == ["ok"]:
        return None
    # Rows look like "*** in database main ***\nPage 3: btreeInitPage() returns error code 11".
    lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    return "; ".join(lines) or "quick_check failed"


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
