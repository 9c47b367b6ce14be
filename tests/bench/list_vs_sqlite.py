"""Benchmark: `pmdesk list --json` against Python's sqlite3 printing the same rows.

    .venv/bin/python -m tests.bench.list_vs_sqlite [--runs 11]

On a library of 200 postmortems, a whole `pmdesk --db LIB list --json` process against a whole
`python -c "import sqlite3 ..."` process that reads the same columns with one query and prints
the same JSON: how much pmdesk's start-up (SQLAlchemy, the library's checks on opening) costs over
the least a program could do. Reported, with no target. The two outputs are compared first.

Both run as a user's would, with the bytecode of pmdesk's modules cached (PYTHONDONTWRITEBYTECODE
removed from their environment, one warm-up run each); runs alternate between the two sides, so
load on the machine hits both alike, and medians are compared.
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
from pathlib import Path

from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from tests.documents import example

REPO = Path(__file__).resolve().parents[2]

# The rows `pmdesk list --json` prints (see storage/repository.py `list_summaries`), read by the
# sqlite3 module alone: the first trigger event gives the start, open and in-progress actions
# are counted. A time is stored as naive UTC text and its offset in seconds.
SQLITE_LIST = r"""
import json, sqlite3, sys
from datetime import datetime, timedelta, timezone

QUERY = '''
SELECT p.id, p.title, p.kind, p.severity, p.status, t.at_utc, t.utc_offset,
       coalesce(o.n, 0)
FROM postmortems AS p
LEFT JOIN timeline_events AS t ON t.id = (
    SELECT e.id FROM timeline_events AS e
    WHERE e.postmortem_id = p.id AND e.kind = 'trigger' ORDER BY e.at_utc, e.seq LIMIT 1)
LEFT JOIN (SELECT postmortem_id, count(*) AS n FROM actions
           WHERE status IN ('open', 'in_progress') GROUP BY postmortem_id) AS o
       ON o.postmortem_id = p.id
ORDER BY t.at_utc DESC NULLS LAST, p.title, p.id
'''

def started(at_utc, offset):
    if at_utc is None:
        return None
    moment = datetime.fromisoformat(at_utc).replace(tzinfo=timezone.utc)
    text = moment.astimezone(timezone(timedelta(seconds=offset))).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text

conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = [
    {"id": i, "title": title, "kind": kind, "severity": severity, "status": status,
     "started": started(at, offset), "open_actions": n}
    for i, title, kind, severity, status, at, offset, n in conn.execute(QUERY)
]
print(json.dumps(rows, ensure_ascii=False, indent=2))
"""


def build_library(folder: Path, count: int = 200) -> Path:
    path = folder / "bench.pmdesk"
    files = []
    for n in range(count):
        document = example()
        document["postmortem"]["title"] = f"Postmortem {n:03d}: checkout errors after a push"
        file = folder / f"pm{n}.json"
        file.write_text(json.dumps(document), encoding="utf-8")
        files.append(file)
    with open_library(path) as library:
        postmortems.import_files(library, files)
    return path


def user_environment() -> dict[str, str]:
    """This environment, but writing bytecode caches, as a user's Python does."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def output(command: Sequence[str], env: dict[str, str]) -> str:
    return subprocess.run(
        command, cwd=REPO, env=env, check=True, capture_output=True, text=True
    ).stdout


def timed(command: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def side_by_side(
    a: Sequence[str], b: Sequence[str], runs: int, env: dict[str, str]
) -> tuple[float, float]:
    timed(a, env), timed(b, env)  # warm up: bytecode written, file cache filled, for both
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(timed(a, env))
        times_b.append(timed(b, env))
    return statistics.median(times_a), statistics.median(times_b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    env = user_environment()
    with tempfile.TemporaryDirectory() as folder:
        env["XDG_CONFIG_HOME"] = env["XDG_DATA_HOME"] = folder  # no real settings or library
        library = build_library(Path(folder))
        pmdesk = [sys.executable, "-m", "pmdesk", "--db", str(library), "list", "--json"]
        plain = [sys.executable, "-c", SQLITE_LIST, str(library)]
        ours, theirs = json.loads(output(pmdesk, env)), json.loads(output(plain, env))
        if ours != theirs:
            print("the two lists differ; the comparison would be unfair", file=sys.stderr)
            return 1
        listed, baseline = side_by_side(pmdesk, plain, args.runs, env)
    print(
        f"pmdesk list --json on {len(ours)} postmortems: {listed:.3f} s vs sqlite3 "
        f"{baseline:.3f} s = {listed / baseline:.2f}x (reported, no target)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
