"""Files pmdesk must refuse, or cannot write, give a LibraryError for a person, and stay as they
were; database errors that are the environment's fault become LibraryErrors, bugs stay bugs.
"""

from __future__ import annotations

import os
import pwd
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from pmdesk.domain.model import Postmortem
from pmdesk.storage.errors import LibraryError, Problem
from pmdesk.storage.library import Library, open_library
from pmdesk.storage.repository import insert_postmortem, list_summaries, postmortem_exists
from pmdesk.storage.schema import REVISION
from tests.conftest import REPO
from tests.storage.examples import rich_postmortem

NOT_SQLITE_ADVICE = (
    "is not a pmdesk library (it is not an SQLite database). "
    "Choose another file or create a new library."
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def refused(path: Path, problem: Problem, *, busy_timeout_ms: int = 5000) -> LibraryError:
    """Open, expect a refusal for `problem`, and check that no file in the folder changed."""
    before = snapshot(path.parent)
    with pytest.raises(LibraryError) as caught:
        open_library(path, busy_timeout_ms=busy_timeout_ms)
    assert caught.value.problem is problem, caught.value
    assert snapshot(path.parent) == before
    assert str(path) in str(caught.value)
    return caught.value


def test_random_bytes_are_not_a_library(library_path: Path) -> None:
    library_path.write_bytes(random.Random(7).randbytes(64 * 1024))
    error = refused(library_path, Problem.NOT_SQLITE)
    assert str(error) == f"“{library_path}” {NOT_SQLITE_ADVICE}"


@pytest.mark.parametrize("content", ["Dear diary,\nthe database fell over.\n", "SQLite"])
def test_a_text_file_is_not_a_library(library_path: Path, content: str) -> None:
    library_path.write_text(content, encoding="utf-8")
    assert NOT_SQLITE_ADVICE in str(refused(library_path, Problem.NOT_SQLITE))


def test_a_folder_is_not_a_library(tmp_path: Path) -> None:
    folder = tmp_path / "folder.pmdesk"
    folder.mkdir()
    with pytest.raises(LibraryError) as caught:
        open_library(folder)
    assert caught.value.problem is Problem.NOT_SQLITE
    assert "is a folder" in str(caught.value)


def test_an_empty_file_becomes_a_new_library(library_path: Path) -> None:
    """A 0-byte file is an empty SQLite database to SQLite; a file dialog may have made it."""
    library_path.touch()
    with open_library(library_path) as library, library.connect() as conn:
        assert list_summaries(conn) == []
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == REVISION


def test_an_sqlite_database_without_tables_becomes_a_new_library(library_path: Path) -> None:
    with closing(sqlite3.connect(library_path)) as conn:
        conn.execute("PRAGMA user_version = 3")  # writes the header: a real, empty database
    assert library_path.stat().st_size > 0
    with open_library(library_path) as library, library.connect() as conn:
        assert list_summaries(conn) == []


@pytest.mark.parametrize(
    "tables",
    [
        ["CREATE TABLE people (name TEXT)", "INSERT INTO people VALUES ('Ada')"],
        # Another program that also uses Alembic, even at a revision pmdesk knows.
        [
            "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)",
            f"INSERT INTO alembic_version VALUES ('{REVISION}')",
            "CREATE TABLE invoices (id INTEGER PRIMARY KEY)",
        ],
    ],
)
def test_another_programs_database_is_refused_untouched(
    library_path: Path, tables: list[str]
) -> None:
    with closing(sqlite3.connect(library_path)) as conn, conn:
        for statement in tables:
            conn.execute(statement)
    error = refused(library_path, Problem.NOT_A_LIBRARY)
    assert "not a pmdesk library" in str(error)
    assert "left it as it was" in str(error)


def make_damaged_library(path: Path, page: int | None) -> int:
    """A real library with data, one of its pages then zeroed (None: the middle page)."""
    with open_library(path) as library, library.transaction() as conn:
        for _ in range(30):
            insert_postmortem(conn, rich_postmortem())
    assert not path.with_name(path.name + "-wal").exists()  # all of it is in the file itself
    with closing(sqlite3.connect(path)) as conn:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    pages = path.stat().st_size // page_size
    assert pages > 20
    number = page if page is not None else pages // 2
    with path.open("r+b") as file:
        file.seek((number - 1) * page_size)
        file.write(bytes(page_size))
    return number


@pytest.mark.parametrize("page", [3, None], ids=["page 3", "middle page"])
def test_a_damaged_library_is_refused_with_advice(library_path: Path, page: int | None) -> None:
    make_damaged_library(library_path, page)
    before = library_path.read_bytes()
    with pytest.raises(LibraryError) as caught:
        open_library(library_path)
    message = str(caught.value)
    assert caught.value.problem is Problem.CORRUPT
    assert f"The library “{library_path}” is damaged" in message
    assert "backup" in message
    assert "Traceback" not in message
    assert "sqlite3." not in message
    assert library_path.read_bytes() == before


def test_a_library_locked_by_another_program_is_refused_after_the_timeout(
    library_path: Path,
) -> None:
    with open_library(library_path):
        pass
    with closing(sqlite3.connect(library_path, isolation_level=None)) as holder:
        # Exclusive locking mode keeps even readers out until this connection closes.
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE alembic_version SET version_num = version_num")
        holder.execute("COMMIT")
        started = time.monotonic()
        with pytest.raises(LibraryError) as caught:
            open_library(library_path, busy_timeout_ms=200)
        assert time.monotonic() - started >= 0.2
    assert caught.value.problem is Problem.LOCKED
    assert "locked by another program" in str(caught.value)


def test_a_write_that_stays_locked_is_a_library_error(library_path: Path) -> None:
    with open_library(library_path, busy_timeout_ms=200) as library:
        with closing(sqlite3.connect(library_path, isolation_level=None)) as holder:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(LibraryError) as caught, library.transaction() as conn:
                insert_postmortem(conn, rich_postmortem())
            holder.execute("ROLLBACK")
        assert caught.value.problem is Problem.LOCKED
        with library.transaction() as conn:  # free again: the same library works
            insert_postmortem(conn, rich_postmortem())


def test_a_full_disk_is_a_library_error_and_nothing_is_half_written(
    sqlite_library: Library,
) -> None:
    library = sqlite_library
    big = Postmortem(title="big", summary="x" * 2_000_000)

    def insert_with_the_file_unable_to_grow() -> None:
        with library.transaction() as conn:
            # To SQLite, reaching max_page_count is exactly a full disk.
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
            insert_postmortem(conn, big)

    with pytest.raises(LibraryError) as caught:
        insert_with_the_file_unable_to_grow()
    assert caught.value.problem is Problem.DISK_FULL
    assert "is full" in str(caught.value)
    with library.connect() as conn:
        assert not postmortem_exists(conn, big.id)


def test_bugs_are_not_dressed_up_as_library_errors(library: Library) -> None:
    pm = rich_postmortem()
    with library.transaction() as conn:
        insert_postmortem(conn, pm)
    with pytest.raises(IntegrityError), library.transaction() as conn:
        insert_postmortem(conn, pm)  # the same ids again
    # SQLite calls a missing table an OperationalError, PostgreSQL a ProgrammingError.
    with pytest.raises((OperationalError, ProgrammingError)), library.connect() as conn:
        conn.exec_driver_sql("SELECT * FROM no_such_table")


def test_refusing_a_file_leaves_no_new_files(library_path: Path) -> None:
    """A database in rollback-journal mode (most programs' default) gets no -wal or -shm."""
    with closing(sqlite3.connect(library_path)) as conn, conn:
        conn.execute("CREATE TABLE t (x)")
    refused(library_path, Problem.NOT_A_LIBRARY)
    assert os.listdir(library_path.parent) == [library_path.name]


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder under /tmp that user nobody may enter (pytest's tmp_path is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="pmdesk-storage-test-"))
    folder.chmod(0o755)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder)


# Run by a child that starts as root and becomes nobody: the venv's interpreter lives under /root
# (mode 700), so a process started as nobody could not even run it. The child therefore opens a
# library once as root, which imports everything opening needs, and only then gives up root.
AS_NOBODY = """
import os, sys
from pmdesk.storage.errors import LibraryError
from pmdesk.storage.library import open_library

warm_up, uid, gid, *targets = sys.argv[1:]
open_library(warm_up).close()
os.setgroups([])
os.setgid(int(gid))
os.setuid(int(uid))
print(f"uid {os.getuid()} {os.geteuid()}")
for target in targets:
    try:
        open_library(target).close()
    except LibraryError as error:
        print(f"{error.problem}\t{error}")
    else:
        print("opened")
"""


def open_as_nobody(targets: list[Path], warm_up: Path) -> list[str]:
    nobody = pwd.getpwnam("nobody")
    arguments = [str(warm_up), str(nobody.pw_uid), str(nobody.pw_gid), *map(str, targets)]
    result = subprocess.run(
        [sys.executable, "-c", AS_NOBODY, *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    first, *lines = result.stdout.splitlines()
    assert first == f"uid {nobody.pw_uid} {nobody.pw_uid}"
    return lines


def open_with_write_permission_removed(targets: list[Path], folder: Path) -> list[str]:
    lines = []
    for path in folder.iterdir():
        path.chmod(0o000 if path.is_dir() else 0o444)
    folder.chmod(0o555)
    try:
        for target in targets:
            try:
                open_library(target).close()
            except LibraryError as error:
                lines.append(f"{error.problem}\t{error}")
            else:
                lines.append("opened")
    finally:
        folder.chmod(0o755)
        for path in folder.iterdir():
            path.chmod(0o755 if path.is_dir() else 0o644)
    return lines


def test_a_read_only_library_or_folder_is_refused_with_advice(
    open_folder: Path, tmp_path: Path
) -> None:
    """As root (CI), chmod would not stop writes, so the check runs as user nobody instead."""
    library_path = open_folder / "library.pmdesk"
    with open_library(library_path) as library, library.transaction() as conn:
        insert_postmortem(conn, rich_postmortem())
    library_path.chmod(0o644)
    before = snapshot(open_folder)
    beside = open_folder / "new.pmdesk"
    in_new_subfolder = open_folder / "sub" / "new.pmdesk"
    private = open_folder / "private"
    private.mkdir(mode=0o700)
    targets = [library_path, beside, in_new_subfolder, private / "library.pmdesk"]

    if os.geteuid() == 0:
        lines = open_as_nobody(targets, warm_up=tmp_path / "warm-up.pmdesk")
    else:
        lines = open_with_write_permission_removed(targets, open_folder)

    problems = [line.split("\t")[0] for line in lines]
    assert problems == [
        Problem.READ_ONLY,
        Problem.CANNOT_CREATE,
        Problem.CANNOT_CREATE,
        Problem.UNREADABLE,
    ], lines
    assert f"The library “{library_path}” is read-only" in lines[0]
    assert "Make both writable" in lines[0]
    assert "Permission denied" in lines[3]
    for line in lines[1:3]:
        assert f"the folder “{open_folder}” cannot be written (Permission denied)" in line
        assert "Choose a folder you can write to" in line
    assert snapshot(open_folder) == before
    assert not in_new_subfolder.parent.exists()


def test_a_library_that_turns_read_only_while_open_gives_a_library_error(
    library_path: Path,
) -> None:
    with open_library(library_path) as library:

        def write_while_read_only() -> None:
            with library.transaction() as conn:
                # SQLite answers exactly as for a file that lost its write permission.
                conn.exec_driver_sql("PRAGMA query_only = ON")
                insert_postmortem(conn, rich_postmortem())

        with pytest.raises(LibraryError) as caught:
            write_while_read_only()
    assert caught.value.problem is Problem.READ_ONLY
    assert "readonly" in str(caught.value)
