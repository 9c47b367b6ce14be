"""Benchmarks for the editor window, measured side by side as whole processes.

    .venv/bin/python -m tests.bench.startup_and_open [--runs 7]

1. Start-up to the first painted window listing a library of 200 postmortems, against a bare
   PySide6 window shown and painted once: target at most 2.5x.
2. Opening a 5,000-event postmortem on the timeline, against opening a small one: target at most
   1.3x. Both are whole `--smoke --open ID --view timeline` runs, start-up included, since that
   is what a person waits for.

Runs alternate between the two sides, so load on the machine hits both alike; medians are
compared. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from tests.documents import example

REPO = Path(__file__).resolve().parents[2]

BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, lambda: (window.grab(), app.quit()))
app.exec()
"""


# The same bare window after importing the storage stack: how much of the budget the database
# layer spends before pmdesk's own code runs (reported, not a target).
BARE_WINDOW_WITH_STORAGE = "import sqlalchemy, sqlalchemy.dialects.sqlite\n" + BARE_WINDOW


def build_library(folder: Path) -> tuple[Path, str, str]:
    """A library of 200 postmortems, one of them with 5,000 events; returns it and two ids."""
    path = folder / "bench.pmdesk"
    files = []
    for n in range(199):
        document = example()
        document["postmortem"]["title"] = f"Postmortem {n:03d}: checkout errors after a push"
        file = folder / f"pm{n}.json"
        file.write_text(json.dumps(document), encoding="utf-8")
        files.append(file)
    big = example()
    big["postmortem"]["title"] = "A long incident with 5,000 events"
    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    big["postmortem"]["timeline"] += [
        {
            "at": (start + timedelta(seconds=7 * i)).isoformat(),
            "kind": "event",
            "text": f"worker {i % 31} retried payment call {i}",
            "source": "logs",
        }
        for i in range(5000 - len(big["postmortem"]["timeline"]))
    ]
    big_file = folder / "big.json"
    big_file.write_text(json.dumps(big), encoding="utf-8")
    with open_library(path) as library:
        ids = postmortems.import_files(library, [*files, big_file]).postmortem_ids
    return path, ids[0], ids[-1]


def timed(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - started


def side_by_side(a: Sequence[str], b: Sequence[str], runs: int) -> tuple[float, float]:
    timed(a), timed(b)  # warm the file cache for both
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(timed(a))
        times_b.append(timed(b))
    return statistics.median(times_a), statistics.median(times_b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CONFIG_HOME"] = folder  # no real settings read or written
        library, small_id, big_id = build_library(Path(folder))
        app = [sys.executable, "main.py", "--db", str(library), "--smoke"]
        bare, listing = side_by_side([sys.executable, "-c", BARE_WINDOW], app, args.runs)
        _, storage = side_by_side(
            [sys.executable, "-c", BARE_WINDOW],
            [sys.executable, "-c", BARE_WINDOW_WITH_STORAGE],
            args.runs,
        )
        small, big = side_by_side(
            [*app, "--open", small_id, "--view", "timeline"],
            [*app, "--open", big_id, "--view", "timeline"],
            args.runs,
        )
    results = [
        ("start-up listing 200 postmortems vs a bare window", listing, bare, 2.5),
        ("opening a 5,000-event timeline vs an 8-event one", big, small, 1.3),
    ]
    print(
        f"for reference, a bare window after importing SQLAlchemy: {storage:.3f} s = "
        f"{storage / bare:.2f}x"
    )
    missed = False
    for label, measured, baseline, target in results:
        ratio = measured / baseline
        verdict = "ok" if ratio <= target else "MISSED"
        missed |= ratio > target
        print(
            f"{label}: {measured:.3f} s vs {baseline:.3f} s = {ratio:.2f}x "
            f"(target {target}x) {verdict}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
