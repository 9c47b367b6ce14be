"""Benchmark: importing a Slack export into a timeline grows linearly.

    .venv/bin/python -m tests.bench.slack_import [--runs 3]

Writes two synthetic workspace exports (zip files shaped like Slack's: channels.json, users.json,
one folder per channel of daily JSON files, with mentions, links, thread replies and joins), one of
5,000 and one of 50,000 messages, and times the whole import of each into a fresh library: open
the export, read the channel, leave out what the timeline has, store the events. Target: 50,000
messages cost at most 12x what 5,000 cost. Runs alternate between the sizes; medians compared.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmdesk.domain.model import PostmortemKind
from pmdesk.services import evidence, library_edits
from pmdesk.storage.library import open_library

TARGET = 12.0
PER_DAY = 250
USERS = [{"id": f"U{i:03d}", "name": f"person{i}", "real_name": f"Person {i}"} for i in range(40)]


def write_export(path: Path, messages: int) -> None:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.json", json.dumps(USERS))
        archive.writestr(
            "channels.json", json.dumps([{"id": "C001", "name": "incident", "created": 0}])
        )
        day_messages: list[dict[str, object]] = []
        parent_ts = ""
        for n in range(messages):
            at = start + timedelta(seconds=n * 7)
            ts = f"{int(at.timestamp())}.{n % 1_000_000:06d}"
            user = USERS[n % len(USERS)]["id"]
            message: dict[str, object] = {
                "type": "message",
                "user": user,
                "ts": ts,
                "text": f"<@{USERS[(n + 1) % len(USERS)]['id']}> error rate {n % 97}% in "
                f"region {n % 12}, see <https://status.example.com/{n}|dashboard {n}>",
            }
            if n % 10 == 0:
                parent_ts = ts
            elif n % 10 == 1:
                message["thread_ts"] = parent_ts
            if n % 50 == 7:
                message["subtype"] = "channel_join"
            day_messages.append(message)
            if len(day_messages) == PER_DAY or n == messages - 1:
                day = start + timedelta(days=n // PER_DAY)
                archive.writestr(f"incident/{day:%Y-%m-%d}.json", json.dumps(day_messages))
                day_messages = []


def import_once(export: Path, folder: Path, run: int) -> float:
    library_path = folder / f"lib{export.stem}{run}.pmdesk"
    with open_library(library_path) as library:
        postmortem, _ = library_edits.create_postmortem(library, PostmortemKind.INCIDENT, "Bench")
        start = time.perf_counter()
        candidates = evidence.read_evidence(export, "Europe/Berlin", channel="incident")
        evidence.add_evidence(library, postmortem.id, candidates)
        took = time.perf_counter() - start
    library_path.unlink()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        small, big = folder / "small.zip", folder / "big.zip"
        write_export(small, 5_000)
        write_export(big, 50_000)
        pairs = [
            (import_once(small, folder, run), import_once(big, folder, run))
            for run in range(args.runs)
        ]
    a = statistics.median(p[0] for p in pairs)
    b = statistics.median(p[1] for p in pairs)
    ratio = b / a
    verdict = "ok" if ratio <= TARGET else "MISSED"
    print(
        f"Slack import: 5,000 messages {a:.2f} s, 50,000 messages {b:.2f} s = {ratio:.2f}x "
        f"(target ≤ {TARGET:.0f}x) {verdict}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
