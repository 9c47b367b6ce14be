"""Benchmark: what keeping hold of the library file costs each read and save.

    .venv/bin/python -m tests.bench.library_hold [--runs 301]

Before every read and write, an SQLite library checks that its connections still hold the file
(a stat of the "-wal", and on Linux a read of /proc/locks; see `pmdesk/storage/held_files.py`).
This times the steps of `postgres_vs_sqlite` (opening a 5,000-event and an 8-event postmortem,
saving one event's text and one action's status) on one library, with the check and with it
switched off, alternating run by run, and prints the medians side by side and their ratio, and
what the check alone costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pmdesk.storage.held_files import FileHold
from pmdesk.storage.library import Library, open_library
from tests.bench.postgres_vs_sqlite import steps, timed
from tests.bench.startup_and_open import build_library


def ids(library: Library) -> tuple[str, str]:
    from pmdesk.storage import repository

    with library.connect() as conn:
        summaries = repository.list_summaries(conn)
    big = next(s.id for s in summaries if s.title.startswith("A long incident"))
    return next(s.id for s in summaries if s.id != big), big


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=301)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path, _, _ = build_library(Path(folder))
        with open_library(path) as library:
            hold: FileHold | None = library._hold  # switched off and on below
            assert hold is not None
            small, big = ids(library)
            started = time.perf_counter()
            for _ in range(10_000):
                hold.lost()
            check_us = (time.perf_counter() - started) / 10_000 * 1e6
            print(f"the check alone: {check_us:.1f} µs")
            print(f"{'step':<44} {'with':>9} {'without':>9} {'ratio':>6}")
            for name, step in steps(small, big):
                for run in range(3):
                    step(library, run)
                times: dict[bool, list[float]] = {True: [], False: []}
                for run in range(args.runs):
                    for checking in (True, False) if run % 2 else (False, True):
                        library._hold = hold if checking else None
                        times[checking].append(timed(step, library, run))
                library._hold = hold
                with_check = statistics.median(times[True]) * 1000
                without = statistics.median(times[False]) * 1000
                print(
                    f"{name:<44} {with_check:>7.2f}ms {without:>7.2f}ms "
                    f"{with_check / without:>6.2f}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
