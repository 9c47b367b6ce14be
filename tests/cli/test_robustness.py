"""`pmdesk import` as real processes: killed at any moment, or racing another import."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import documents
from tests.conftest import REPO

EVENTS = 3000


def big_file(tmp_path: Path) -> Path:
    """A postmortem large enough that its import takes a while to kill in the middle of."""
    document: dict[str, Any] = documents.example()
    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    document["postmortem"]["timeline"] += [
        {
            "at": (start + timedelta(seconds=i)).isoformat(),
            "kind": "event",
            "text": f"Log line {i}: worker {i % 17} retried the payment call",
            "source": "logs",
        }
        for i in range(EVENTS)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def start_import(db: Path, *files: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "main.py", "--db", str(db), "import", *map(str, files)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def event_counts(db: Path) -> list[int]:
    """Events per stored postmortem, read with plain sqlite3 (no pmdesk code in the way)."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute(
            "SELECT p.id, COUNT(e.id) FROM postmortems p "
            "LEFT JOIN timeline_events e ON e.postmortem_id = p.id GROUP BY p.id"
        ).fetchall()
    conn.close()
    return sorted(count for _, count in rows)


@pytest.mark.slow
def test_an_import_killed_at_any_moment_leaves_the_library_whole(tmp_path: Path) -> None:
    db = tmp_path / "library.pmdesk"
    source = big_file(tmp_path)
    first = start_import(db, source)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    full = 8 + EVENTS
    assert event_counts(db) == [full]

    rng = random.Random(20260302)
    landed = 1
    for _ in range(8):
        process = start_import(db, source)
        time.sleep(rng.uniform(0.05, 1.2))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        if process.returncode == 0:
            landed += 1
        counts = event_counts(db)
        # Whole postmortems only: each either landed with every event or not at all.
        assert set(counts) == {full}, counts
        assert landed <= len(counts) <= landed + 1
        landed = len(counts)


@pytest.mark.slow
def test_two_imports_at_the_same_time_both_land(tmp_path: Path) -> None:
    db = tmp_path / "library.pmdesk"
    source = big_file(tmp_path)
    # Make the library first, so the race is between two writers, not two creators.
    subprocess.run(
        [sys.executable, "main.py", "--db", str(db), "list"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    racers = [start_import(db, source, source) for _ in range(2)]
    outputs = [racer.communicate(timeout=180) for racer in racers]
    for racer, (out, err) in zip(racers, outputs, strict=True):
        assert racer.returncode == 0, err
        assert len(out.split()) == 2
    assert event_counts(db) == [8 + EVENTS] * 4


@pytest.mark.slow
def test_two_processes_creating_the_same_new_library(tmp_path: Path, fixture_file: Path) -> None:
    db = tmp_path / "fresh.pmdesk"
    racers = [start_import(db, fixture_file) for _ in range(2)]
    for racer in racers:
        _, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
    assert event_counts(db) == [8, 8]
