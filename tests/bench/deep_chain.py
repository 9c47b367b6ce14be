"""Benchmark: a deep chain of whys costs time linear in its depth.

    .venv/bin/python -m tests.bench.deep_chain [--runs 5]

Writes two interchange files, each the shared example with one chain of whys 1,000 and 3,000
causes deep (each cause the answer to "why?" for the one before), and times, through the
command line as a user runs it, side by side:
1. `pmdesk import FILE` into a fresh library,
2. `pmdesk check FILE` (read and judged, no library),
3. `pmdesk export ID --to FILE.pdf` of the imported postmortem.
Linear is a ratio of about 3; target: at most 4.5x for each. Runs alternate between the sizes,
so load on the machine hits both alike; medians are compared. Exit status 1 when a target is
missed.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pmdesk.cli import run
from tests.documents import deep_chain

DEPTHS = (1_000, 3_000)
TARGET = 4.5


def pmdesk(*args: str | Path) -> tuple[float, str]:
    """Seconds taken, and what was printed; fails loudly on a refusal or a crash."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    code = run([str(a) for a in args], out, err)
    took = time.perf_counter() - start
    if code not in (0, 1):  # check says 1 for "not ready"
        raise SystemExit(f"pmdesk {' '.join(map(str, args))} failed ({code}): {err.getvalue()}")
    return took, out.getvalue()


def once(source: Path, folder: Path, run_number: int) -> dict[str, float]:
    db = folder / f"lib-{source.stem}-{run_number}.pmdesk"
    pdf = folder / f"{source.stem}-{run_number}.pdf"
    imported, printed = pmdesk("--db", db, "import", source)
    checked, _ = pmdesk("check", "--today", "2026-03-10", source)
    exported, _ = pmdesk("--db", db, "export", printed.strip(), "--to", pdf)
    db.unlink()
    pdf.unlink()
    return {"import": imported, "check FILE": checked, "PDF export": exported}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files = []
        for depth in DEPTHS:
            path = folder / f"chain{depth}.json"
            path.write_text(json.dumps(deep_chain(depth)), encoding="utf-8")
            files.append(path)
        once(files[0], folder, -1)  # warm up: imports, fonts
        runs = [[once(path, folder, n) for path in files] for n in range(args.runs)]
    missed = False
    for step in ("import", "check FILE", "PDF export"):
        small = statistics.median(r[0][step] for r in runs)
        big = statistics.median(r[1][step] for r in runs)
        ratio = big / small
        verdict = "ok" if ratio <= TARGET else "MISSED"
        missed |= ratio > TARGET
        print(
            f"{step}: {DEPTHS[0]:,} deep {small:.3f} s, {DEPTHS[1]:,} deep {big:.3f} s = "
            f"{ratio:.2f}x (linear ≈ 3x, target ≤ {TARGET}x) {verdict}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
