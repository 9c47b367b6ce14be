"""Benchmark: the PDF report against the usual alternative, an HTML template printed by WeasyPrint.

    .venv/bin/pip install -e '.[bench]'      # WeasyPrint, for this benchmark only
    .venv/bin/python -m tests.bench.report_vs_weasyprint [--runs 3]

Both sides are whole processes that start from the same stored postmortem and write a PDF of the
same content (title block, summary, key numbers, timeline, causes, actions, lessons):
- pmdesk: `pmdesk --db LIB export ID --to report.pdf`, exactly what a user runs;
- WeasyPrint: a process that reads the postmortem from the same library, fills an HTML template
  with the same `ReportContents` and calls `weasyprint.HTML(...).write_pdf()`.

The typical postmortem is a real public outage report, `tests/fixtures/database-outage-2017.json`
(15 events, 21 causes, 19 actions); the large ones are the same report with its timeline
stretched to 1,000, 2,500 and 5,000 events.

The child processes run as a user's install does: PYTHONDONTWRITEBYTECODE is removed from their
environment (set, it would make every run compile pmdesk's sources again), and each side runs
once untimed first so that its .pyc files exist. Runs then alternate between the sides, and
medians are compared. Targets: at most 0.4x WeasyPrint's time for the typical postmortem, at
most 0.06x for 5,000 events, time growing linearly with the number of events (an extra event
costs no more at 5,000 than at 1,000), and peak memory under 200 MB at 5,000 events.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmdesk.domain.model import EventKind, TimelineEvent
from pmdesk.interchange import json_v1
from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from tests.conftest import FIXTURES

REPO = Path(__file__).resolve().parents[2]
FIXED_TIME = "1775000000"  # SOURCE_DATE_EPOCH: both sides print the same date
TYPICAL = FIXTURES / "database-outage-2017.json"  # a real outage report, 15 events
TARGETS = {"typical": 0.4, 5000: 0.06}  # at most this fraction of WeasyPrint's time

WEASYPRINT_SIDE = r'''
import html, sys
from datetime import UTC, datetime
from pmdesk.report.contents import Audience, build_contents
from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
import weasyprint

e = html.escape
with open_library(sys.argv[1]) as library:
    pm = postmortems.get_postmortem(library, sys.argv[2])
generated = datetime.fromtimestamp(int(sys.argv[4]), UTC)
c = build_contents(pm, Audience.TEAM, generated, generated.date())
parts = [f"""<!doctype html><html><head><meta charset="utf-8"><title>{e(pm.title)}</title><style>
@page {{ size: A4; margin: 20mm 18mm; @bottom-center {{ content: "Page " counter(page) " of "
  counter(pages) " · {e(pm.title[:60])} · Generated {generated:%Y-%m-%d}"; font-size: 8pt; }} }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #1f2328; }}
h1 {{ font-size: 22pt; margin: 0 0 4pt; }} h2 {{ font-size: 14pt; margin: 16pt 0 6pt; }}
.tiles {{ display: flex; flex-wrap: wrap; gap: 6pt; }} .tile {{ border: 1px solid #d0d7de;
  border-radius: 4pt; padding: 4pt 8pt; min-width: 90pt; }} .tile b {{ display: block;
  font-size: 13pt; }} table {{ width: 100%; border-collapse: collapse; }}
th, td {{ text-align: left; vertical-align: top; padding: 2pt 4pt; border-bottom: 1px solid #eee; }}
tr:nth-child(even) td {{ background: #f6f8fa; }} .draft {{ position: fixed; top: 40%;
  left: 10%; font-size: 90pt; color: rgba(0,0,0,.06); transform: rotate(-35deg); }}
</style></head><body>"""]
if c.draft:
    parts.append('<div class="draft">DRAFT</div>')
parts.append(f"<h1>{e(pm.title)}</h1><p>{e(c.kind)} · {e(c.severity)} · {e(c.status)}<br>"
             f"{e(c.incident_date)}<br>Facilitator: {e(c.facilitator)}</p>")
parts.append("<h2>Summary</h2>" + "".join(f"<p>{e(p)}</p>" for p in pm.summary.split("\n\n")))
parts.append('<h2>Key numbers</h2><div class="tiles">' + "".join(
    f'<div class="tile">{e(n.label)}<b>{e(n.value)}</b></div>' for n in c.numbers) + "</div>")
parts.append(f"<h2>Timeline</h2><table><tr><th>When ({e(c.zone)})</th><th>Kind</th>"
             "<th>What happened</th><th>Source</th></tr>" + "".join(
    f"<tr><td>{e(r.when)}</td><td>{e(r.kind)}</td><td>{e(r.event.text)}</td>"
    f"<td>{e(r.event.source or '')}</td></tr>" for r in c.timeline) + "</table>")
parts.append("<h2>Causes</h2><ol>" + "".join(
    f"<li style='margin-left:{(x.depth - 1) * 14}pt'>{e(x.number)} {e(x.label)}: "
    f"{e(x.cause.text)}{' (systemic)' if x.cause.systemic else ''}</li>" for x in c.causes)
    + "</ol>")
parts.append("<h2>Action items</h2><table><tr><th>Action</th><th>Owner</th><th>Due</th>"
             "<th>Status</th><th>Priority</th><th>Addresses</th></tr>" + "".join(
    f"<tr><td>{e(r.action.ref)} {e(r.action.title)}</td><td>{e(r.action.owner or '')}</td>"
    f"<td>{r.action.due or ''}</td><td>{e(r.action.status.value)}</td>"
    f"<td>{r.action.priority or ''}</td><td>{e(r.cause)}</td></tr>" for r in c.actions)
    + "</table>")
parts.append("<h2>Lessons</h2>" + "".join(
    f"<h3>{e(t)}</h3><ul>" + "".join(f"<li>{e(x)}</li>" for x in texts) + "</ul>"
    for t, texts in c.lessons))
parts.append("</body></html>")
weasyprint.HTML(string="".join(parts)).write_pdf(sys.argv[3])
'''


def postmortem_with(events: int) -> dict[str, object]:
    """The typical postmortem with its timeline stretched to `events` events, a minute apart."""
    pm = json_v1.read_file(TYPICAL).postmortem
    start = datetime(2017, 1, 31, 19, 0, tzinfo=UTC)
    extra = [
        TimelineEvent(
            start + timedelta(minutes=i),
            EventKind.EVENT,
            f"Error rate in region {i % 12} at {i % 97}%; the on-call engineer checks board {i}",
            source="metrics",
        )
        for i in range(max(0, events - len(pm.timeline)))
    ]
    pm.timeline = sorted([*pm.timeline, *extra], key=lambda e: e.at)
    return json_v1.to_document(pm)


def run_once(command: Sequence[str]) -> tuple[float, int]:
    """Wall time in seconds and peak resident memory in KB of one whole process."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_TIME, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has its .pyc files
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with {process.returncode}")
    return took, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python = sys.executable
    missed = False
    typical = len(json_v1.read_file(TYPICAL).postmortem.timeline)
    sizes = (typical, 1000, 2500, 5000)
    compared = {typical: TARGETS["typical"], 5000: TARGETS[5000]}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        library_path = work / "bench.pmdesk"
        ids: dict[int, str] = {}
        with open_library(library_path) as library:
            for size in sizes:
                file = work / f"pm{size}.json"
                json_v1.write_file(json_v1.read_document(postmortem_with(size)).postmortem, file)
                (ids[size],) = postmortems.import_files(library, [file]).postmortem_ids

        def ours_command(size: int) -> list[str]:
            output = str(work / f"ours{size}.pdf")
            command = [python, "-m", "pmdesk", "--db", str(library_path), "export", ids[size]]
            return [*command, "--to", output]

        def theirs_command(size: int) -> list[str]:
            output = str(work / f"theirs{size}.pdf")
            return [python, "-c", WEASYPRINT_SIDE, str(library_path), ids[size], output, FIXED_TIME]

        # Untimed: compiles both sides' .pyc files, as an installed program already has them.
        run_once(ours_command(typical))
        run_once(theirs_command(typical))
        ours: dict[int, tuple[float, int]] = {}
        for size in sizes:
            pairs = []
            for _ in range(args.runs):
                mine = run_once(ours_command(size))
                pairs.append((mine, run_once(theirs_command(size)) if size in compared else None))
            a = statistics.median(p[0][0] for p in pairs)
            memory = max(p[0][1] for p in pairs)
            ours[size] = (a, memory)
            if size not in compared:
                print(f"{size:>5} events: pmdesk {a:.2f} s, {memory / 1024:.0f} MB peak")
                continue
            b = statistics.median(p[1][0] for p in pairs if p[1] is not None)
            target = compared[size]
            ratio = a / b
            verdict = "ok" if ratio <= target else "MISSED"
            missed |= ratio > target
            pages = (work / f"ours{size}.pdf").read_bytes().count(b"/Type /Page\n")
            print(
                f"{size:>5} events: pmdesk {a:.2f} s vs WeasyPrint {b:.2f} s = {ratio:.3f}x "
                f"(target ≤ {target}x) {verdict}; pmdesk {memory / 1024:.0f} MB peak"
                + (f", {pages} pages" if pages else "")
            )
        # Linear growth: an extra event costs no more in a big report than in a small one (fixed
        # costs spread thin make it cheaper; only a rise would mean worse than linear).
        per_event = {
            size: (ours[size][0] - ours[typical][0]) / (size - typical) * 1000 for size in sizes[1:]
        }
        growth = per_event[sizes[-1]] / per_event[sizes[1]]
        linear = growth <= 1.5
        missed |= not linear
        shown = ", ".join(f"{size}: {ms:.2f} ms" for size, ms in per_event.items())
        verdict = "ok" if linear else "MISSED"
        print(f"cost per extra event ({shown}): 5,000 vs 1,000 = {growth:.2f}x (≤ 1.5x) {verdict}")
        peak_mb = ours[5000][1] / 1024
        missed |= peak_mb >= 200
        print(f"peak memory at 5,000 events: {peak_mb:.0f} MB (target < 200 MB)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
