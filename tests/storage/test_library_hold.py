"""The library stays safe while other processes read and write it beside pmdesk.

SQLite's locks are the process's: closing any descriptor of the library file drops them all, and
another process that then closes its connection deletes the "-wal" pmdesk still writes to. These
tests check, through /proc/locks, that pmdesk's own paths (opening the library again, copying a
library, importing and exporting files) keep SQLite's lock; that a lock lost anyway is noticed and
mended before the next write; and that a file pmdesk refuses, or a "-wal" that does not fit the
library, is left exactly as it was.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from pmdesk.interchange.evidence import EvidenceError
from pmdesk.services import copy_library, evidence, postmortems
from pmdesk.storage import held_files, sqlite_file
from pmdesk.storage.errors import LibraryError, Problem
from pmdesk.storage.held_files import holds_shared_lock
from pmdesk.storage.library import Library, open_library
from pmdesk.storage.repository import insert_postmortem, list_summaries
from tests.conftest import REPO
from tests.storage.examples import shaped_postmortem

pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="the lock checks read Linux's /proc/locks"
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def another_process(code: str, *args: str) -> str:
    """Run Python in a process of its own (whose locks are its own) and return what it printed."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=60,
    )
    return result.stdout


OPEN_AND_CLOSE = """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    conn.close()
"""

TITLES_AND_CHECK = """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    print(conn.execute("PRAGMA integrity_check").fetchone()[0])
    for (title,) in conn.execute("SELECT title FROM postmortems ORDER BY title"):
        print(title)
    conn.close()
"""

CRASH_AFTER_WRITING = """
    import os, sys
    from pmdesk.storage.library import open_library
    from pmdesk.storage.repository import insert_postmortem
    from tests.storage.examples import shaped_postmortem
    library = open_library(sys.argv[1])
    with library.transaction() as conn:
        insert_postmortem(conn, shaped_postmortem(sys.argv[2]))
    os._exit(0)  # no close: the -wal keeps the change, as after a crash
"""


def seen_from_outside(path: Path) -> tuple[str, list[str]]:
    """integrity_check and the titles, as another process finds them on disk."""
    check, *titles = another_process(TITLES_AND_CHECK, str(path)).splitlines()
    return check, titles


def add(library: Library, title: str) -> None:
    with library.transaction() as conn:
        insert_postmortem(conn, shaped_postmortem(title))


def drop_the_locks_as_a_careless_reader_would(path: Path) -> None:
    """What Qt's file dialog or a header sniff did: open the file outside SQLite, and close it."""
    with path.open("rb") as file:
        file.read(16)


@pytest.fixture(autouse=True)
def look_at_the_lock_at_every_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app looks into /proc/locks at most every 2 s (it is slow to read); these tests look
    at every check, so that a lock dropped a moment ago is seen at once."""
    monkeypatch.setattr(held_files, "LOCK_LOOK_INTERVAL_S", 0.0)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with open_library(tmp_path / "library.pmdesk") as opened:
        add(opened, "first")
        yield opened


def test_the_check_sees_the_lock_go_when_a_descriptor_is_closed(library: Library) -> None:
    assert library.path is not None
    assert holds_shared_lock(library.path) is True
    drop_the_locks_as_a_careless_reader_would(library.path)
    assert holds_shared_lock(library.path) is False


def test_opening_the_open_library_again_keeps_its_lock(library: Library) -> None:
    assert library.path is not None
    with open_library(library.path) as again:
        assert holds_shared_lock(library.path) is True
        add(again, "from the second")
    assert holds_shared_lock(library.path) is True
    another_process(OPEN_AND_CLOSE, str(library.path))
    add(library, "after the other process")
    assert seen_from_outside(library.path) == (
        "ok",
        ["after the other process", "first", "from the second"],
    )


def test_a_lost_lock_is_mended_before_the_next_write_and_nothing_is_lost(
    library: Library,
) -> None:
    assert library.path is not None
    wal = library.path.with_name(library.path.name + "-wal")
    drop_the_locks_as_a_careless_reader_would(library.path)
    # Believing itself the last, the other process checkpoints and deletes the -wal.
    another_process(OPEN_AND_CLOSE, str(library.path))
    assert not wal.exists()
    add(library, "typed after the loss")
    assert holds_shared_lock(library.path) is True
    assert seen_from_outside(library.path) == ("ok", ["first", "typed after the loss"])


def test_a_lost_lock_is_mended_before_a_read_too(library: Library) -> None:
    assert library.path is not None
    drop_the_locks_as_a_careless_reader_would(library.path)
    with library.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert holds_shared_lock(library.path) is True


def test_a_write_made_after_the_other_process_wrote_sees_its_change(library: Library) -> None:
    assert library.path is not None
    drop_the_locks_as_a_careless_reader_would(library.path)
    another_process(
        CRASH_AFTER_WRITING.replace("os._exit(0)", "library.close()"), str(library.path), "theirs"
    )
    with library.connect() as conn:
        titles = [summary.title for summary in list_summaries(conn)]
    assert "theirs" in titles


def write_while_the_wal_is_deleted(library: Library) -> None:
    assert library.path is not None
    with library.transaction() as conn:
        insert_postmortem(conn, shaped_postmortem("in flight"))
        drop_the_locks_as_a_careless_reader_would(library.path)
        another_process(OPEN_AND_CLOSE, str(library.path))


def test_a_commit_into_a_wal_deleted_meanwhile_is_reported(library: Library) -> None:
    assert library.path is not None
    with pytest.raises(LibraryError) as caught:
        write_while_the_wal_is_deleted(library)
    assert caught.value.problem is Problem.LOST_HOLD
    message = str(caught.value)
    assert "may not have been stored" in message
    assert "make it again if it is missing" in message
    # The library was opened afresh: the next change is on disk, and the file is intact.
    add(library, "made again")
    assert holds_shared_lock(library.path) is True
    check, titles = seen_from_outside(library.path)
    assert check == "ok"
    assert "made again" in titles


def test_a_lock_dropped_during_a_save_is_taken_again_without_a_word(library: Library) -> None:
    assert library.path is not None
    with library.transaction() as conn:
        insert_postmortem(conn, shaped_postmortem("saved"))
        drop_the_locks_as_a_careless_reader_would(library.path)
    # The -wal is still the library's, so the save is on disk: no error, and the lock is back.
    assert holds_shared_lock(library.path) is True
    assert seen_from_outside(library.path) == ("ok", ["first", "saved"])


def test_a_reader_on_another_thread_is_waited_for_before_the_library_is_opened_afresh(
    library: Library,
) -> None:
    """A worker (the Similar panel's ranking, say) may be reading when the hold is found lost:
    its connection would keep SQLite's stale record of the file alive, so the save waits for it
    to come back before it opens the library afresh."""
    assert library.path is not None
    reading, release = threading.Event(), threading.Event()

    def reader() -> None:
        with library.connect() as conn:
            conn.execute(text("SELECT count(*) FROM postmortems"))
            reading.set()
            release.wait(10)

    worker = threading.Thread(target=reader)
    worker.start()
    assert reading.wait(10)
    drop_the_locks_as_a_careless_reader_would(library.path)
    another_process(OPEN_AND_CLOSE, str(library.path))
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    add(library, "saved after the reader")
    assert time.monotonic() - started >= 0.25  # it waited for the reader
    worker.join(10)
    assert holds_shared_lock(library.path) is True
    assert seen_from_outside(library.path) == ("ok", ["first", "saved after the reader"])


def test_copying_a_library_keeps_the_locks_of_both(tmp_path: Path, library: Library) -> None:
    assert library.path is not None
    with open_library(tmp_path / "filled.pmdesk") as filled:
        add(filled, "filled")
        assert filled.path is not None
        with pytest.raises(copy_library.TargetNotEmptyError):
            copy_library.copy_to(library, str(filled.path))
        assert holds_shared_lock(filled.path) is True
    report = copy_library.copy_to(library, str(tmp_path / "copy.pmdesk"))
    assert report.postmortems == 1
    assert holds_shared_lock(library.path) is True


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_open_library_is_never_imported_or_read_as_evidence(
    library: Library, suffix: str
) -> None:
    assert library.path is not None
    named = library.path.with_name(library.path.name + suffix)
    with pytest.raises(postmortems.ImportRefusedError) as refused:
        postmortems.import_files(library, [named])
    assert "is the library pmdesk has open" in str(refused.value)
    with pytest.raises(EvidenceError) as not_evidence:
        evidence.read_evidence(named, "UTC")
    assert "it is the library pmdesk has open" in str(not_evidence.value)
    assert not evidence.is_slack_export(named)
    assert holds_shared_lock(library.path) is True


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_an_export_never_replaces_the_open_library(library: Library, suffix: str) -> None:
    assert library.path is not None
    named = library.path.with_name(library.path.name + suffix)
    before = held_files.identity(named)
    with pytest.raises(postmortems.ExportWriteError) as caught:
        postmortems.write_export(named, b"{}")
    assert "writing there would destroy the library" in (caught.value.strerror or "")
    assert held_files.identity(named) == before
    assert holds_shared_lock(library.path) is True


def test_a_link_to_the_open_library_counts_as_the_library(tmp_path: Path, library: Library) -> None:
    assert library.path is not None
    link = tmp_path / "elsewhere.json"
    link.symlink_to(library.path)
    assert held_files.held_library(link) == library.path
    assert held_files.held_library(tmp_path / "other.json") is None


# --- files refused, and -wal files that do not fit ---------------------------------------------


def closed_library(path: Path, *titles: str) -> Path:
    with open_library(path) as library:
        for title in titles:
            add(library, title)
    assert not path.with_name(path.name + "-wal").exists()
    return path


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def damage(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    with path.open("r+b") as file:
        file.seek(2 * page_size)
        file.write(bytes(page_size))


def from_a_newer_pmdesk(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (truncate, Problem.CORRUPT),
        (damage, Problem.CORRUPT),
        (from_a_newer_pmdesk, Problem.NEWER),
    ],
    ids=["truncated", "damaged", "newer"],
)
def test_a_refused_library_is_left_exactly_as_it_was(
    tmp_path: Path, spoil: object, problem: Problem
) -> None:
    path = closed_library(tmp_path / "library.pmdesk", "one", "two")
    assert callable(spoil)
    spoil(path)
    before = snapshot(tmp_path)
    with pytest.raises(LibraryError) as caught:
        open_library(path)
    assert caught.value.problem is problem
    assert snapshot(tmp_path) == before  # byte for byte, and no -wal or -shm beside it


def test_a_wal_from_another_library_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    ours = closed_library(tmp_path / "ours" / "library.pmdesk", "ours-1", "ours-2")
    theirs = closed_library(tmp_path / "theirs" / "library.pmdesk", "theirs-1")
    another_process(CRASH_AFTER_WRITING, str(theirs), "theirs-late")
    # A stale -wal of another library of the same name, copied in beside ours.
    shutil.copy(theirs.with_name("library.pmdesk-wal"), ours.with_name("library.pmdesk-wal"))
    before = snapshot(ours.parent)
    with pytest.raises(LibraryError) as caught:
        open_library(ours)
    assert caught.value.problem is Problem.STRAY_WAL
    message = str(caught.value)
    assert f"“{ours}-wal” beside it does not fit it" in message
    assert "Move" in message and "backup" in message
    assert snapshot(ours.parent) == before
    # Moved aside as the message says, the library opens with what it held.
    ours.with_name("library.pmdesk-wal").rename(tmp_path / "aside-wal")
    with open_library(ours) as library, library.connect() as conn:
        assert [s.title for s in list_summaries(conn)] == ["ours-1", "ours-2"]


def test_a_wal_that_breaks_an_unmarked_library_is_refused_as_not_fitting(tmp_path: Path) -> None:
    """A library of an earlier pmdesk has no mark yet: the full check tells a stray -wal."""
    ours = closed_library(tmp_path / "ours" / "library.pmdesk", "o-1", "o-2", "o-3")
    with closing(sqlite3.connect(ours)) as conn, conn:
        conn.execute("PRAGMA user_version = 0")
    theirs = closed_library(tmp_path / "theirs" / "library.pmdesk", "t-1", "t-2", "t-3")
    another_process(CRASH_AFTER_WRITING, str(theirs), "t-late")
    shutil.copy(theirs.with_name("library.pmdesk-wal"), ours.with_name("library.pmdesk-wal"))
    before = snapshot(ours.parent)
    with pytest.raises(LibraryError) as caught:
        open_library(ours)
    assert caught.value.problem is Problem.STRAY_WAL
    assert snapshot(ours.parent) == before


def test_a_library_left_by_a_crash_gets_the_full_check_and_keeps_its_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = closed_library(tmp_path / "library.pmdesk", "before")
    another_process(CRASH_AFTER_WRITING, str(path), "in the -wal")
    assert path.with_name("library.pmdesk-wal").stat().st_size > 0
    full_checks: list[str] = []
    real = sqlite_file.integrity_check

    def counted(conn: sqlite3.Connection) -> str | None:
        full_checks.append("ran")
        return real(conn)

    monkeypatch.setattr("pmdesk.storage.library.integrity_check", counted)
    with open_library(path) as library, library.connect() as conn:
        assert [s.title for s in list_summaries(conn)] == ["before", "in the -wal"]
    assert full_checks == ["ran"]
    # A clean close leaves no -wal, so the next opening is quick again.
    with open_library(path):
        pass
    assert full_checks == ["ran"]


def test_a_library_another_process_has_open_gets_no_full_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = closed_library(tmp_path / "library.pmdesk", "before")
    ran: list[str] = []
    monkeypatch.setattr("pmdesk.storage.library.integrity_check", lambda conn: ran.append("ran"))
    writes_then_waits = CRASH_AFTER_WRITING.replace(
        "os._exit(0)", "print('written', flush=True); sys.stdin.readline(); library.close()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(writes_then_waits), str(path), "theirs"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as child:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "written"
        assert path.with_name("library.pmdesk-wal").stat().st_size > 0  # theirs, and live
        with open_library(path) as library, library.connect() as conn:
            assert [s.title for s in list_summaries(conn)] == ["before", "theirs"]
        child.stdin.write("done\n")
        child.stdin.flush()
    assert child.returncode == 0
    assert ran == []
