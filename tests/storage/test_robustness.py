"""A library survives a writer killed at any moment, and two writers at the same time."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from pmdesk.storage.library import open_library
from pmdesk.storage.repository import list_summaries, load_postmortem
from tests.conftest import REPO
from tests.storage.examples import (
    SHAPE_ACTIONS,
    SHAPE_CAUSES,
    SHAPE_EVENTS,
    SHAPE_LESSONS,
    shaped_postmortem,
)

pytestmark = pytest.mark.slow


def spawn_writer(path: Path, name: str, count: int, *, wait: bool = False) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.storage.writer_child", str(path), name, str(count)]
    return subprocess.Popen(
        [*command, "--wait"] if wait else command,
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    if line != "ready\n":
        child.kill()
        _, stderr = child.communicate()
        pytest.fail(f"the writer did not start: {line!r}\n{stderr}")


def check_every_postmortem_is_whole(path: Path) -> list[str]:
    """Integrity is "ok", and each stored postmortem equals the one its writer built."""
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    titles = []
    with open_library(path) as library, library.connect() as conn:
        for summary in list_summaries(conn):
            loaded = load_postmortem(conn, summary.id)
            assert loaded is not None
            assert len(loaded.timeline) == SHAPE_EVENTS
            assert len(loaded.causes) == SHAPE_CAUSES
            assert len(loaded.actions) == SHAPE_ACTIONS
            assert len(loaded.lessons) == SHAPE_LESSONS
            assert loaded == shaped_postmortem(loaded.title)
            titles.append(loaded.title)
    return titles


def test_a_writer_killed_at_random_moments_leaves_only_whole_postmortems(
    library_path: Path,
) -> None:
    open_library(library_path).close()
    rng = random.Random(20261129)
    for round_number in range(8):
        writer = spawn_writer(library_path, f"round{round_number}", 0)
        wait_until_ready(writer)
        try:
            # After "ready" the child does nothing but write, so the kill lands amid a write.
            time.sleep(rng.uniform(0.05, 0.4))
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.communicate()
        assert writer.returncode == -signal.SIGKILL
    titles = check_every_postmortem_is_whole(library_path)
    rounds_that_wrote = {title.split("-")[0] for title in titles}
    assert len(rounds_that_wrote) >= 4, titles  # the kills did land amid real writing
    # Each round wrote its postmortems in order, and no transaction left a gap behind it.
    for name in rounds_that_wrote:
        numbers = sorted(int(t.split("-")[1]) for t in titles if t.startswith(f"{name}-"))
        assert numbers == list(range(len(numbers)))


def test_two_writers_at_once_both_get_everything_in(library_path: Path) -> None:
    # No library yet: both children race to create it, and one must find the other's.
    writers = [spawn_writer(library_path, name, 20, wait=True) for name in ("left", "right")]
    for writer in writers:
        wait_until_ready(writer)
    for writer in writers:  # both are open and waiting: let them go together
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, stderr = writer.communicate(timeout=60)
        assert writer.returncode == 0, stderr
    titles = check_every_postmortem_is_whole(library_path)
    assert sorted(titles) == sorted(f"{side}-{n}" for side in ("left", "right") for n in range(20))
