"""Benchmark: a library on a local PostgreSQL server against the same library in an SQLite file.

    .venv/bin/python -m tests.bench.postgres_vs_sqlite [--runs 101] [--fast-server]

Builds one library of 200 postmortems (the start-up benchmark's: 199 of 8 events, one of 5,000)
twice, in an SQLite file and in a database on a throwaway PostgreSQL server this script starts
(as the tests do: initdb and pg_ctl, on 127.0.0.1) and removes. The server keeps PostgreSQL's
default configuration, as a team's would (on disk, fsync on), unless --fast-server; pmdesk's own
connections commit as its SQLite libraries do, without waiting for the disk (synchronous_commit
off; see `pmdesk/storage/engine.py`). Then it times, through the services the app calls, what a
person waits for:

1. opening the 5,000-event postmortem (`postmortems.get_postmortem`), and an 8-event one;
2. saving one edit: one event's text (`timeline.update_events`), and one action's status with
   its history entry (`actions.change_action`), each a whole transaction.

Runs alternate between the two back ends, so load on the machine hits both alike; medians are
compared, as PostgreSQL / SQLite. Target: under 2x for each. Exit status 1 when a target is missed.
A network between the app and a real server adds its round trips on top: the number of
statements each step sends is printed beside it, as SQLite runs them (PostgreSQL gets the same,
plus the advisory lock of a write; a whole postmortem's read goes to it as one batch, in one
round trip, which SQLAlchemy's statement events do not see, so they are counted on SQLite).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sqlalchemy import event

from pmdesk.domain.model import ActionStatus, Postmortem
from pmdesk.services import actions, postmortems, timeline
from pmdesk.storage.library import Library, open_library
from tests.bench.startup_and_open import build_library
from tests.conftest import PostgresServer, start_postgres

TARGET = 2.0


def copy_into(source: Path, target: Library) -> tuple[str, str]:
    """Import every postmortem of the SQLite library `source` into `target` with its ids."""
    from pmdesk.storage import repository

    with open_library(source) as library, library.connect() as conn:
        summaries = repository.list_summaries(conn)
        whole = [repository.load_postmortem(conn, s.id) for s in summaries]
    with target.transaction() as conn:
        for pm in whole:
            assert pm is not None
            repository.insert_postmortem(conn, pm)
    big = next(s.id for s in summaries if s.title.startswith("A long incident"))
    small = next(s.id for s in summaries if s.id != big)
    return small, big


@contextmanager
def counted(library: Library) -> Iterator[list[int]]:
    """How many statements reach the database while the block runs."""
    count = [0]

    def one(*_args: object) -> None:
        count[0] += 1

    event.listen(library.engine, "before_cursor_execute", one)
    try:
        yield count
    finally:
        event.remove(library.engine, "before_cursor_execute", one)


def steps(small: str, big: str) -> list[tuple[str, Callable[[Library, int], object]]]:
    """What is timed, each a function of the library and the run's number. The edits start from
    the postmortem as the editor already holds it: loading it is not part of saving."""
    held: dict[int, Postmortem] = {}

    def open_big(library: Library, _run: int) -> object:
        return postmortems.get_postmortem(library, big)

    def open_small(library: Library, _run: int) -> object:
        return postmortems.get_postmortem(library, small)

    def shown(library: Library) -> Postmortem:
        if id(library) not in held:
            held[id(library)] = postmortems.get_postmortem(library, small)
        return held[id(library)]

    def edit_event(library: Library, run: int) -> object:
        # Each edit is made on the version the editor holds, which the one before raised.
        timeline_shown = shown(library).timeline
        changed = replace(timeline_shown[1], text=f"Alert fired (edit {run})")
        result = timeline.update_events(library, small, [changed])
        timeline_shown[1] = replace(changed, version=changed.version + 1)
        return result

    def change_action(library: Library, run: int) -> object:
        status = ActionStatus.IN_PROGRESS if run % 2 else ActionStatus.OPEN
        changed = replace(shown(library).actions[0], status=status)
        _, stored, _ = actions.change_action(library, small, changed, note=f"run {run}")
        shown(library).actions[0] = stored
        return stored

    return [
        ("open the 5,000-event postmortem", open_big),
        ("open an 8-event postmortem", open_small),
        ("save one event's text (update_events)", edit_event),
        ("save one action's status (change_action)", change_action),
    ]


def timed(step: Callable[[Library, int], object], library: Library, run: int) -> float:
    started = time.perf_counter()
    step(library, run)
    return time.perf_counter() - started


def measure(
    step: Callable[[Library, int], object], sqlite: Library, server: Library, runs: int
) -> tuple[float, float]:
    for library in (sqlite, server):  # warm caches, pools and prepared plans on both
        for run in range(3):
            step(library, run)
    times: dict[str, list[float]] = {"sqlite": [], "server": []}
    for run in range(runs):
        times["sqlite"].append(timed(step, sqlite, run))
        times["server"].append(timed(step, server, run))
    return statistics.median(times["sqlite"]), statistics.median(times["server"])


def statements(step: Callable[[Library, int], object], library: Library) -> int:
    with counted(library) as count:
        step(library, 0)
    return count[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=101)
    parser.add_argument(
        "--fast-server",
        action="store_true",
        help="run the server as the tests do: in memory, without fsync",
    )
    args = parser.parse_args()
    server: PostgresServer = start_postgres(durable=not args.fast_server)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path, _, _ = build_library(Path(folder))
            database = server.create_database()
            with open_library(path) as sqlite, open_library(server.url(database)) as on_server:
                small, big = copy_into(path, on_server)
                kind = "in memory, fsync off" if args.fast_server else "on disk, fsync on"
                with on_server.connect() as conn:
                    durability = conn.exec_driver_sql("SHOW synchronous_commit").scalar_one()
                print(
                    f"PostgreSQL {server.version // 10000} on 127.0.0.1 ({kind}; pmdesk's "
                    f"synchronous_commit {durability}) vs SQLite "
                    f"(WAL, synchronous=NORMAL); medians of {args.runs} runs each"
                )
                missed = False
                for label, step in steps(small, big):
                    lite, pg = measure(step, sqlite, on_server, args.runs)
                    ratio = pg / lite
                    verdict = "ok" if ratio < TARGET else "MISSED"
                    missed |= ratio >= TARGET
                    sent = statements(step, sqlite)
                    print(
                        f"{label}: PostgreSQL {pg * 1000:.1f} ms vs SQLite {lite * 1000:.1f} ms "
                        f"= {ratio:.2f}x (target under {TARGET:g}x) {verdict}; "
                        f"{sent} statements"
                    )
    finally:
        server.remove()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
