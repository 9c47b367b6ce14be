"""Benchmark: the learning review of a library of 2,000 postmortems.

    .venv/bin/python -m tests.bench.learning_review [--runs 5]

Libraries of 500, 1,000 and 2,000 postmortems (the shared example, spread over four years, with
themes on its systemic causes, a recurrence link for one in ten, and its actions in every state):
how long reading the library and computing the review of its last year (March 2025 to February
2026, about a quarter of the postmortems) takes, and writing it as a PDF as `pmdesk review` does
(reading, computing and rendering). Targets (issue 24): the review PDF of 2,000 postmortems
within 2 s, and the time growing linearly, checked as the cost per postmortem at 2,000 within
1.5x of that at 500. Medians of warm runs in this process: the library is built
once per size, outside the timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pmdesk.domain.periods import parse_period
from pmdesk.services import learning, postmortems, recurrences
from pmdesk.storage.library import open_library
from tests.documents import example

SIZES = (500, 1000, 2000)
TODAY = date(2026, 12, 8)
THEMES = ("Change management", "Validation and testing", "Detection and alerting")
STATES = ("open", "in_progress", "done", "dropped")
FIXED_TIME = {"SOURCE_DATE_EPOCH": "1796731200"}  # 8 December 2026, 12:00 UTC


def document(n: int) -> dict[str, Any]:
    """The shared example, moved `n` days back from the end of 2026 (so over four years)."""
    doc = example()
    pm = doc["postmortem"]
    shift = timedelta(days=(n * 37) % 1460)
    pm["title"] = f"Postmortem {n:04d}: checkout errors after a config push"
    for event in pm["timeline"]:
        event["at"] = (datetime.fromisoformat(event["at"]) - shift).isoformat()
    for i, cause in enumerate(c for c in pm["causes"] if c["systemic"]):
        cause["themes"] = [THEMES[(n + i) % len(THEMES)]]
    start = datetime.fromisoformat(pm["timeline"][0]["at"])
    for i, action in enumerate(pm["actions"]):
        action["status"] = STATES[(n + i) % len(STATES)]
        if action["due"]:
            action["due"] = (date.fromisoformat(action["due"]) - shift).isoformat()
        if action["status"] == "done":  # marked done one to eight weeks after the incident
            at = start + timedelta(days=7 * (1 + (n + i) % 8))
            action["history"] = [
                {"at": at.isoformat(), "field": "status", "from": "open", "to": "done"}
            ]
    return doc


def build(folder: Path, count: int) -> Path:
    path = folder / f"bench-{count}.pmdesk"
    files = []
    for n in range(count):
        file = folder / f"pm{n}.json"
        file.write_text(json.dumps(document(n)), encoding="utf-8")
        files.append(file)
    with open_library(path) as library:
        ids = postmortems.import_files(library, files).postmortem_ids
        for later, earlier in zip(ids[10::10], ids[::10], strict=False):
            recurrences.link(library, later, earlier)
    return path


def timed(path: Path, folder: Path, runs: int) -> tuple[float, float, int]:
    """Medians of computing the review, and of writing it as a PDF (reading, computing and
    rendering, as `pmdesk review` does), and how many postmortems the period holds."""
    period = parse_period("2025-03", "2026-02")  # the last year of the four
    computed, written = [], []
    found = 0
    with open_library(path) as library:
        for _ in range(runs + 1):  # the first run warms up
            start = time.perf_counter()
            review = learning.learning_review(library, period, TODAY)
            computed.append(time.perf_counter() - start)
            found = len(review.postmortems)
            start = time.perf_counter()
            learning.export_review(
                library, "2025-03", "2026-02", folder / "review.pdf", environ=FIXED_TIME
            )
            written.append(time.perf_counter() - start)
    return statistics.median(computed[1:]), statistics.median(written[1:]), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    medians: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in SIZES:
            started = time.perf_counter()
            path = build(Path(folder), count)
            print(f"built {count} postmortems in {time.perf_counter() - started:.1f} s")
            computed, medians[count], found = timed(path, Path(folder), args.runs)
            print(
                f"{count:5d} postmortems: a year's review ({found} in it) computed in "
                f"{computed:.3f} s, written as a PDF in {medians[count]:.3f} s"
            )
    largest = medians[SIZES[-1]]
    ratio = (largest / SIZES[-1]) / (medians[SIZES[0]] / SIZES[0])
    print(
        f"review PDF at {SIZES[-1]}: {largest:.3f} s (target within 2 s) "
        f"{'ok' if largest <= 2 else 'MISSED'}; cost per postmortem {SIZES[-1]} vs "
        f"{SIZES[0]}: {ratio:.2f}x (within 1.5x) {'ok' if ratio <= 1.5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
