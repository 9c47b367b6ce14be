"""Benchmark: a PDF report's time is linear in the length of one long paragraph.

    .venv/bin/python -m tests.bench.long_paragraph [--runs 5]

Imports the shared example twice, its summary replaced by one paragraph of 5,000 and of 40,000
words (no blank line anywhere), and times `pmdesk export ID --to FILE.pdf` of each, as a user
runs it, side by side. Linear is a ratio of about 8 (the rest of the report adds a little to
both); target: at most 10x. Before pmdesk set a long paragraph in chunks, it took 0.43 s for
5,000 words and 18 s for 40,000 (42x). Runs alternate between the sizes, so load on the machine hits
both alike; medians are compared. Exit status 1 when the target is missed.
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
from tests.documents import example

WORDS = (5_000, 40_000)
TARGET = 10.0
PROSE = (
    "the config push reached every region at once while the checkout service kept its old pool "
    "and latency climbed until the alert fired fifteen minutes later"
)


def summary(words: int) -> str:
    """`words` words of plain prose, in one paragraph."""
    vocabulary = PROSE.split()
    return " ".join(vocabulary[n % len(vocabulary)] for n in range(words))


def pmdesk(*args: str | Path) -> tuple[float, str]:
    """Seconds taken, and what was printed; fails loudly on a refusal or a crash."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    code = run([str(a) for a in args], out, err)
    took = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"pmdesk {' '.join(map(str, args))} failed ({code}): {err.getvalue()}")
    return took, out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = folder / "library.pmdesk"
        ids = []
        for words in WORDS:
            document = example()
            document["postmortem"]["summary"] = summary(words)
            source = folder / f"summary{words}.json"
            source.write_text(json.dumps(document), encoding="utf-8")
            ids.append(pmdesk("--db", db, "import", source)[1].strip())
        pdf = folder / "report.pdf"
        pmdesk("--db", db, "export", ids[0], "--to", pdf)  # warm up: imports, fonts
        times: list[list[float]] = [[], []]
        for _ in range(args.runs):
            for n, postmortem in enumerate(ids):
                times[n].append(pmdesk("--db", db, "export", postmortem, "--to", pdf)[0])
    small, big = (statistics.median(t) for t in times)
    ratio = big / small
    verdict = "ok" if ratio <= TARGET else "MISSED"
    print(
        f"PDF export: {WORDS[0]:,} words {small:.3f} s, {WORDS[1]:,} words {big:.3f} s = "
        f"{ratio:.2f}x (linear ≈ 8x, target ≤ {TARGET:g}x) {verdict}"
    )
    return 1 if ratio > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
