"""Benchmark: full-text search with the FTS5 index against the LIKE scan it falls back to.

    .venv/bin/python -m tests.bench.search_vs_like [--runs 15] [--postmortems 2000]

Builds a library of 2,000 postmortems with realistic texts (a title, summaries, about 30 events,
8 causes, 5 actions and 3 lessons each, from a varied vocabulary with host names, ticket numbers
and rare words), then times typical queries both ways on one connection: `search.search` (the
index) and `search.scan_search` (LIKE over the same texts, as on a database without FTS5). Both
return the same thing: the best 50 postmortems with their snippets. Runs alternate between the two
sides and medians are compared; target: the index at most 1/10 of the scan's time for every
query. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection

from pmdesk.domain.model import (
    ActionItem,
    ActionStatus,
    Cause,
    EventKind,
    Lesson,
    LessonKind,
    Postmortem,
    PostmortemKind,
    PostmortemStatus,
    Severity,
    TimelineEvent,
)
from pmdesk.storage import repository, search
from pmdesk.storage.library import Library, open_library

TARGET = 10.0

SERVICES = [
    "checkout",
    "payments",
    "search",
    "login",
    "inventory",
    "notifications",
    "billing",
    "shipping",
    "catalog",
    "recommendations",
    "gateway",
    "auth",
    "ledger",
    "reporting",
    "analytics",
    "onboarding",
    "invoicing",
    "refunds",
    "subscriptions",
    "pricing",
    "warehouse",
    "tracking",
    "messaging",
    "profile",
    "media",
    "upload",
    "export",
    "import",
    "scheduler",
    "webhooks",
    "coupons",
    "loyalty",
    "reviews",
    "wishlist",
    "cart",
    "fraud",
    "kyc",
    "payouts",
    "settlements",
    "tax",
    "geolocation",
    "routing",
    "dispatch",
    "chat",
    "voice",
    "video",
    "transcoding",
    "thumbnails",
    "sitemap",
    "feeds",
    "ads",
    "bidding",
    "attribution",
    "experiments",
    "flags",
    "audit",
    "compliance",
    "backups",
    "archive",
    "sso",
]
COMPONENTS = [
    "database",
    "primary database",
    "read replica",
    "cache",
    "Redis cluster",
    "message queue",
    "Kafka topic",
    "load balancer",
    "DNS zone",
    "CDN",
    "Kubernetes cluster",
    "node pool",
    "connection pool",
    "TLS certificate",
    "config file",
    "feature flag",
    "cron job",
    "shard",
    "search index",
    "API gateway",
    "worker fleet",
    "message broker",
    "object storage bucket",
    "service mesh",
    "rate limiter",
    "circuit breaker",
    "deploy pipeline",
    "secrets vault",
    "autoscaler",
    "health check",
    "Postgres cluster",
    "MySQL replica",
    "Elasticsearch cluster",
    "Memcached pool",
    "NAT gateway",
    "VPC peering",
    "ingress controller",
    "sidecar proxy",
    "job runner",
    "batch pipeline",
    "event bus",
    "session store",
    "blob store",
    "payment provider",
    "email relay",
]
SYMPTOMS = [
    "latency spiked",
    "the error rate rose",
    "requests timed out",
    "returned 500s",
    "pods were OOM killed",
    "the disk filled up",
    "CPU saturated",
    "connections were reset",
    "queries deadlocked",
    "reads were stale",
    "the queue backed up",
    "retries piled up",
    "memory leaked",
    "throughput dropped",
    "health checks failed",
    "logins failed",
    "payments were declined",
    "pages loaded slowly",
]
ACTS = [
    "rolled back",
    "failed over",
    "restarted",
    "scaled up",
    "drained",
    "throttled",
    "purged",
    "paused",
    "re-deployed",
    "patched",
    "resized",
    "re-indexed",
    "disabled",
    "re-enabled",
    "inspected",
    "paged the owner of",
]
ROLES = [
    "the on-call engineer",
    "the incident commander",
    "the SRE on shift",
    "the DBA",
    "the network team",
    "support",
    "the release manager",
    "a product manager",
    "the security team",
]
SAFEGUARDS = [
    "schema validation",
    "a canary stage",
    "an alert on saturation",
    "a runbook",
    "load shedding",
    "a retry budget",
    "a timeout",
    "backpressure",
    "a dead letter queue",
    "an error budget policy",
    "a capacity review",
    "a staged rollout",
    "an integration test",
    "a dashboard",
    "an SLO",
    "a rollback plan",
    "an automated rollback",
]
CHANGES = [
    "a config push",
    "a dependency upgrade",
    "a database migration",
    "a certificate rotation",
    "a traffic shift",
    "a feature flag flip",
    "a kernel update",
    "a DNS change",
    "an autoscaling policy change",
    "a library bump",
]
OWNERS = ["Platform", "SRE", "Payments team", "Dana", "Ravi", "Zoë", "Mika", "Jonas", "Ade"]
# Words that only a few postmortems hold, as real libraries have: codenames, odd vendors.
RARE = [
    "zeppelin",
    "quokka",
    "marzipan",
    "obsidian",
    "kerfuffle",
    "nimbus",
    "halcyon",
    "pumpernickel",
    "gossamer",
    "fandango",
    "tamarind",
    "verdigris",
]
FILLERS = [
    "after",
    "during",
    "because",
    "while",
    "once",
    "so",
    "and then",
    "although",
    "meanwhile",
]


def _host(rng: random.Random) -> str:
    return f"{rng.choice(['db', 'web', 'api', 'cache', 'mq', 'lb'])}-{rng.randrange(1, 400)}"


def _ticket(rng: random.Random) -> str:
    return f"{rng.choice(['INC', 'OPS', 'JIRA', 'CHG'])}-{rng.randrange(1000, 99999)}"


@dataclass(frozen=True)
class Focus:
    """What one postmortem is about: most of its sentences name these, a few name others, as a
    real one mostly talks about the services and components that failed."""

    services: list[str]
    components: list[str]
    change: str

    def service(self, rng: random.Random) -> str:
        return rng.choice(self.services if rng.random() < 0.9 else SERVICES)

    def component(self, rng: random.Random) -> str:
        return rng.choice(self.components if rng.random() < 0.9 else COMPONENTS)

    def a_change(self, rng: random.Random) -> str:
        return self.change if rng.random() < 0.9 else rng.choice(CHANGES)


def _sentence(rng: random.Random, focus: Focus) -> str:
    service, component = focus.service(rng), focus.component(rng)
    pick = rng.randrange(6)
    if pick == 0:
        return f"{rng.choice(ROLES).capitalize()} {rng.choice(ACTS)} the {component} of {service}"
    if pick == 1:
        return (
            f"On {service}, {rng.choice(SYMPTOMS)} {rng.choice(FILLERS)} the {component} "
            f"on {_host(rng)} {rng.choice(SYMPTOMS).split()[-1]}"
        )
    if pick == 2:
        return f"{focus.a_change(rng).capitalize()} reached the {component} ({_ticket(rng)})"
    if pick == 3:
        return (
            f"Alert: {service} {rng.choice(SYMPTOMS)}; {rng.choice(ROLES)} acknowledged "
            f"and opened {_ticket(rng)}"
        )
    if pick == 4:
        return f"Graphs show the {component} of {service} at {rng.randrange(50, 100)} % load"
    return (
        f"{rng.choice(ROLES).capitalize()} asked whether {focus.a_change(rng)} on "
        f"{_host(rng)} explains why {rng.choice(SYMPTOMS)}"
    )


def make_postmortem(rng: random.Random, n: int) -> Postmortem:
    focus = Focus(
        rng.sample(SERVICES, 2), rng.sample(COMPONENTS, rng.randrange(2, 5)), rng.choice(CHANGES)
    )
    service, component = focus.services[0], focus.components[0]
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 1_000_000))
    title = (
        f"{service.capitalize()} {rng.choice(SYMPTOMS)} after {focus.a_change(rng)} "
        f"to the {component}"
    )
    rare = rng.random() < 0.01  # about 20 in 2,000
    events = [
        TimelineEvent(
            start + timedelta(minutes=3 * i),
            EventKind.TRIGGER if i == 0 else rng.choice(list(EventKind)),
            _sentence(rng, focus) + (f", codename {rng.choice(RARE)}" if rare and i == 7 else ""),
            source=rng.choice([None, "chat", "pager", "logs"]),
        )
        for i in range(rng.randrange(25, 36))
    ]
    causes: list[Cause] = []
    for i in range(8):
        parent = rng.choice(causes).id if causes and rng.random() < 0.7 else None
        causes.append(
            Cause(
                f"c{i + 1}",
                f"The {focus.component(rng)} had no {rng.choice(SAFEGUARDS)} "
                f"{rng.choice(FILLERS)} {focus.a_change(rng)} was applied",
                parent_id=parent,
                systemic=rng.random() < 0.3,
            )
        )
    actions = [
        ActionItem(
            f"a{i + 1}",
            f"Add {rng.choice(SAFEGUARDS)} to the {focus.component(rng)} of {service}",
            owner=rng.choice(OWNERS),
            due=date(2024, 6, 1) + timedelta(days=rng.randrange(0, 400)),
            status=rng.choice(list(ActionStatus)),
            notes=rng.choice(["", f"Tracked in {_ticket(rng)}", _sentence(rng, focus)]),
        )
        for i in range(5)
    ]
    lessons = [
        Lesson(
            kind,
            f"{rng.choice(['It helped that', 'It hurt that', 'We were lucky that'])} "
            f"{rng.choice(ROLES)} knew the {focus.component(rng)}",
        )
        for kind in (LessonKind.WENT_WELL, LessonKind.WENT_WRONG, LessonKind.LUCKY)
    ]
    return Postmortem(
        title=f"{title} #{n}",
        kind=rng.choice(list(PostmortemKind)),
        severity=rng.choice(list(Severity)),
        status=rng.choice(list(PostmortemStatus)),
        summary=" ".join(f"{_sentence(rng, focus)}." for _ in range(rng.randrange(3, 7))),
        impact_summary=f"For {rng.randrange(5, 300)} minutes {rng.choice(SYMPTOMS)} on {service}.",
        tags=list(focus.services),
        timeline=events,
        causes=causes,
        actions=actions,
        lessons=lessons,
    )


def build_library(path: Path, count: int) -> tuple[Library, float]:
    rng = random.Random(20261201)
    library = open_library(path)
    began = time.perf_counter()
    with library.transaction() as conn:
        for n in range(count):
            repository.insert_postmortem(conn, make_postmortem(rng, n))
    return library, time.perf_counter() - began


QUERIES = {
    "one word": "database",
    "two words": "payment timeout",
    "phrase": '"connection pool"',
    "rare word": "zeppelin",
    "prefix": "rollb",
}


def time_once(conn: Connection, run: Callable[..., object], query: str) -> float:
    began = time.perf_counter()
    run(conn, query)
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postmortems", type=int, default=2000)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        library, build_s = build_library(Path(folder) / "bench.pmdesk", args.postmortems)
        size_mb = (Path(folder) / "bench.pmdesk").stat().st_size / 1e6
        with library.connect() as conn:
            texts = conn.exec_driver_sql("SELECT count(*) FROM search_text").scalar_one()
        print(
            f"{args.postmortems} postmortems, {texts} indexed texts, built in {build_s:.1f} s "
            f"(file {size_mb:.0f} MB before checkpoint); medians of {args.runs} runs\n"
        )
        print(f"{'query':<11} {'text':<20} {'hits':>5} {'FTS ms':>8} {'LIKE ms':>8} {'ratio':>7}")
        missed = []
        try:
            with library.connect() as conn:
                for name, query in QUERIES.items():
                    indexed = search.search(conn, query)  # warm up both, and compare
                    scanned = search.scan_search(conn, query)
                    fts, like = [], []
                    for _ in range(args.runs):
                        fts.append(time_once(conn, search.search, query))
                        like.append(time_once(conn, search.scan_search, query))
                    fts_ms = statistics.median(fts) * 1000
                    like_ms = statistics.median(like) * 1000
                    ratio = like_ms / fts_ms
                    print(
                        f"{name:<11} {query:<20} {len(indexed):>5} {fts_ms:>8.2f} "
                        f"{like_ms:>8.2f} {ratio:>6.1f}x"
                        + ("" if len(scanned) == len(indexed) else f"  (LIKE: {len(scanned)})")
                    )
                    if ratio < TARGET:
                        missed.append(name)
        finally:
            library.close()
    if missed:
        print(f"\nMISSED: FTS not {TARGET:.0f}x faster than LIKE for: {', '.join(missed)}")
        return 1
    print(f"\nOK: FTS at least {TARGET:.0f}x faster than LIKE for every query")
    return 0


if __name__ == "__main__":
    sys.exit(main())
