"""Benchmarks for the window's start-up, measured side by side as whole processes.

    .venv/bin/python -m tests.bench.startup_and_open [--runs 9]

Against a bare PySide6 window (a QMainWindow shown, painted once, quit), on a library of 200
postmortems:
1. First paint: from the moment the process is started to the first paint event of the window
   (pmdesk's frame: menus, the library's place saying it is opening, the section area), read on
   the system's monotonic clock that both processes and this one share. Target at most 2.0x.
2. `--smoke`: the whole process, the window painted with the library listed, then quit. Target
   at most 4x.
3. Opening a 5,000-event postmortem on the timeline against opening a small one: both whole
   `--smoke --open ID --view timeline` runs, start-up included, since that is what a person
   waits for. Target at most 1.3x.

The processes run with .pyc files, as an installed pmdesk has them: PYTHONDONTWRITEBYTECODE is
taken out of their environment, and a first run of each side writes them. Runs alternate
between the sides, so load on the machine hits both alike; medians are compared. Exit status 1
when a target is missed.
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from tests.documents import example

REPO = Path(__file__).resolve().parents[2]

# Prints the monotonic time of its first paint, as pmdesk does with PMDESK_STARTUP_TIMES=1.
BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            print(f"startup frame {time.monotonic():.6f}", file=sys.stderr, flush=True)

app = QApplication(sys.argv[:1])
window = Window()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, lambda: (window.grab(), app.quit()))
app.exec()
"""


@dataclass(frozen=True)
class Run:
    first_paint: float  # seconds from the start of the process to its window's first paint
    whole: float  # seconds from its start to its end


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


def child_environment(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["XDG_CONFIG_HOME"] = str(config)  # no real settings read or written
    env["PMDESK_STARTUP_TIMES"] = "1"
    return env


def timed(command: Sequence[str], env: dict[str, str]) -> Run:
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=REPO, env=env, check=True, capture_output=True, text=True, timeout=120
    )
    ended = time.monotonic()
    painted = next(
        float(line.split()[2])
        for line in done.stderr.splitlines()
        if line.startswith("startup frame ")
    )
    return Run(painted - started, ended - started)


def side_by_side(
    a: Sequence[str], b: Sequence[str], runs: int, env: dict[str, str]
) -> tuple[list[Run], list[Run]]:
    timed(a, env), timed(b, env)  # write .pyc files, warm the file cache for both
    runs_a, runs_b = [], []
    for _ in range(runs):
        runs_a.append(timed(a, env))
        runs_b.append(timed(b, env))
    return runs_a, runs_b


def median(runs: list[Run], field: str) -> float:
    return float(statistics.median(getattr(run, field) for run in runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = child_environment(Path(folder) / "config")
        library, small_id, big_id = build_library(Path(folder))
        app = [sys.executable, "main.py", "--db", str(library), "--smoke"]
        bare, listing = side_by_side([sys.executable, "-c", BARE_WINDOW], app, args.runs, env)
        small, big = side_by_side(
            [*app, "--open", small_id, "--view", "timeline"],
            [*app, "--open", big_id, "--view", "timeline"],
            args.runs,
            env,
        )
    results = [
        (
            "first paint vs a bare window's",
            median(listing, "first_paint"),
            median(bare, "first_paint"),
            2.0,
        ),
        (
            "--smoke listing 200 postmortems vs a bare window",
            median(listing, "whole"),
            median(bare, "whole"),
            4.0,
        ),
        (
            "opening a 5,000-event timeline vs an 8-event one",
            median(big, "whole"),
            median(small, "whole"),
            1.3,
        ),
    ]
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
