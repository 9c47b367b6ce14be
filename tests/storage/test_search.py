"""Full-text search: the query language, ranking, snippets, filters, and an index that every edit
keeps exact inside its own transaction, in new and in upgraded libraries alike.

The tests taking `library` run on SQLite (FTS5) and on PostgreSQL (tsvector) alike: the same
queries find the same postmortems in the same order. Those about FTS5's own tables take
`sqlite_library` or a file; those about PostgreSQL's objects take `postgres_library`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import URL, Connection, Engine, make_url
from sqlalchemy.dialects import mysql

from pmdesk.domain.model import (
    ActionItem,
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
from pmdesk.storage import (
    action_edits,
    cause_edits,
    edits,
    migrator,
    repository,
    search,
    search_postgres,
)
from pmdesk.storage.cause_edits import PlacedCause
from pmdesk.storage.edits import PlacedLesson, StoredEvent
from pmdesk.storage.engine import make_engine
from pmdesk.storage.library import Library, open_library
from pmdesk.storage.search import (
    HIT_END,
    HIT_START,
    SEARCH_TABLES,
    SearchFilters,
    SearchHit,
    snippet_parts,
    snippet_text,
)
from tests.storage.older import insert_into_older

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def incident(
    title: str,
    *,
    summary: str = "",
    impact: str = "",
    events: Sequence[str] = (),
    causes: Sequence[str] = (),
    actions: Sequence[tuple[str, str]] = (),  # (title, notes)
    owners: Sequence[str | None] = (),
    lessons: Sequence[str] = (),
    tags: Sequence[str] = (),
    severity: Severity | None = None,
    kind: PostmortemKind = PostmortemKind.INCIDENT,
    status: PostmortemStatus = PostmortemStatus.DRAFT,
    started: datetime | None = START,
) -> Postmortem:
    """A postmortem with exactly these texts; its trigger event (if it has a start) says only
    "Began", so that it adds no other word to search for."""
    timeline = [TimelineEvent(started, EventKind.TRIGGER, "Began")] if started else []
    base = started or START
    timeline += [
        TimelineEvent(base + timedelta(minutes=i + 1), EventKind.EVENT, text)
        for i, text in enumerate(events)
    ]
    owner_list = [*owners, *([None] * len(actions))]
    return Postmortem(
        title=title,
        kind=kind,
        severity=severity,
        status=status,
        summary=summary,
        impact_summary=impact,
        tags=list(tags),
        timeline=timeline,
        causes=[Cause(f"c{i}", text) for i, text in enumerate(causes, 1)],
        actions=[
            ActionItem(f"a{i}", action_title, owner=owner_list[i - 1], notes=notes)
            for i, (action_title, notes) in enumerate(actions, 1)
        ],
        lessons=[Lesson(LessonKind.WENT_WELL, text) for text in lessons],
    )


def store(library: Library, *pms: Postmortem) -> None:
    with library.transaction() as conn:
        for pm in pms:
            repository.insert_postmortem(conn, pm)


def find(
    library: Library, query: str, filters: SearchFilters = search.NO_FILTERS, limit: int = 50
) -> list[SearchHit]:
    with library.connect() as conn:
        return search.search(conn, query, filters=filters, limit=limit)


def titles(hits: Iterable[SearchHit]) -> list[str]:
    return [hit.title for hit in hits]


def found_titles(library: Library, query: str, **filters: Any) -> list[str]:
    return titles(find(library, query, SearchFilters(**filters)))


def expected_texts(conn: Connection) -> set[tuple[str, str, str, str]]:
    """What the index must hold, worked out from the postmortems as the repository loads them."""
    rows: set[tuple[str, str, str, str]] = set()
    for summary in repository.list_summaries(conn):
        pm = repository.load_postmortem(conn, summary.id)
        assert pm is not None
        rows |= {(pm.id, "title", pm.id, pm.title), (pm.id, "summary", pm.id, pm.summary)}
        rows.add((pm.id, "impact", pm.id, pm.impact_summary))
        rows |= {(pm.id, "event", e.id, e.text) for e in pm.timeline}
        rows |= {(pm.id, "cause", c.id, c.text) for c in pm.causes}
        rows |= {(pm.id, "action", a.id, a.title) for a in pm.actions}
        rows |= {(pm.id, "action_notes", a.id, a.notes) for a in pm.actions}
        rows |= {(pm.id, "lesson", x.id, x.text) for x in pm.lessons}
    return {(p, part, i, t.replace(HIT_START, "").replace(HIT_END, "")) for p, part, i, t in rows}


def assert_index_is_exact(library: Library) -> None:
    with library.transaction() as conn:
        held = conn.exec_driver_sql(
            "SELECT postmortem_id, part, item_id, text FROM search_text"
        ).all()
        assert sorted(map(tuple, held)) == sorted(expected_texts(conn))
        if conn.dialect.name == "sqlite":
            # FTS5 compares its index with the texts it was built from; raises if they differ.
            conn.exec_driver_sql(
                "INSERT INTO search_index (search_index) VALUES ('integrity-check')"
            )
        else:
            assert_server_words_are_the_query_words(conn)


def assert_server_words_are_the_query_words(conn: Connection) -> None:
    """Each text's tsvector holds exactly the words that a query is split and folded into."""
    rows = conn.exec_driver_sql("SELECT text, tsvector_to_array(vector) FROM search_text").all()
    for source, lexemes in rows:
        assert sorted(lexemes) == sorted(set(search_postgres.words(source))), source


# --- the index exists and is exact ------------------------------------------------------------


def search_objects(path: Path) -> set[tuple[str, str, str]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'search%'"
        ).fetchall()
    return {(kind, name, sql or "") for kind, name, sql in rows}


def test_a_new_library_has_the_index(sqlite_library: Library, library_path: Path) -> None:
    library = sqlite_library
    objects = search_objects(library_path)
    assert {name for kind, name, _ in objects if kind == "table"} == SEARCH_TABLES
    triggered = {name.split("_")[2] for kind, name, _ in objects if kind == "trigger"}
    assert {"postmortems", "timeline", "causes", "actions", "lessons"} <= triggered
    with library.connect() as conn:
        assert search.has_index(conn)
    store(library, incident("Rollback failed"))
    assert found_titles(library, "rollback") == ["Rollback failed"]
    assert_index_is_exact(library)


def older_without_index(engine: Engine, tmp_path: Path) -> None:
    """Make the library at `engine` one of revision 0003, before search, holding two postmortems;
    the engine is disposed of."""
    migrator.upgrade(engine, "0003")
    old = [incident("Disk full on the primary", events=["Alert: disk at 99 %"]), incident("Ok")]
    with engine.connect() as conn:
        assert not search.has_index(conn)
    insert_into_older(engine, old, tmp_path / "scratch.pmdesk")
    engine.dispose()


def assert_upgraded_index_works(upgraded: Library) -> None:
    """The index holds the postmortems from before the upgrade, and keeps up with new ones."""
    assert found_titles(upgraded, "disk") == ["Disk full on the primary"]
    assert found_titles(upgraded, "alert") == ["Disk full on the primary"]
    assert_index_is_exact(upgraded)
    store(upgraded, incident("Disk latency"))  # and the triggers work from now on
    assert sorted(found_titles(upgraded, "disk")) == ["Disk full on the primary", "Disk latency"]


def test_an_upgraded_library_gets_the_same_index_with_its_postmortems_in_it(
    library_path: Path, tmp_path: Path
) -> None:
    older_without_index(
        make_engine(URL.create("sqlite+pysqlite", database=str(library_path))), tmp_path
    )
    with open_library(library_path) as upgraded:
        assert_upgraded_index_works(upgraded)

    with open_library(tmp_path / "new.pmdesk"):
        pass
    assert search_objects(library_path) == search_objects(tmp_path / "new.pmdesk")


def server_objects(conn: Connection) -> set[tuple[str, str]]:
    """The search index's objects in a PostgreSQL library: tables, indexes, functions, triggers,
    with their definitions."""
    tables = conn.exec_driver_sql(
        "SELECT relname, relkind FROM pg_class WHERE relname ~ '^search' "
        "AND relnamespace = 'public'::regnamespace"
    ).all()
    functions = conn.exec_driver_sql(
        "SELECT proname, md5(prosrc) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
    ).all()
    triggers = conn.exec_driver_sql(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
    ).all()
    return {(str(a), str(b)) for a, b in (*tables, *functions, *triggers)}


def test_a_new_server_library_has_the_index(postgres_library: Library) -> None:
    library = postgres_library
    with library.connect() as conn:
        assert search.has_index(conn)
        assert search_postgres.is_complete(conn)
        objects = server_objects(conn)
    assert {(name, kind) for name, kind in objects if kind in "ir"} >= {
        ("search_text", "r"),
        ("search_index", "i"),
    }
    triggers = {name for name, _ in objects if name.startswith("search_text_")}
    assert set(search_postgres.trigger_names()) <= triggers
    store(library, incident("Rollback failed"))
    assert found_titles(library, "rollback") == ["Rollback failed"]
    assert_index_is_exact(library)


def test_an_upgraded_server_library_gets_the_same_index_with_its_postmortems_in_it(
    postgres_url: str, postgres_library: Library, tmp_path: Path
) -> None:
    older_without_index(make_engine(make_url(postgres_url)), tmp_path)
    with open_library(postgres_url) as upgraded:
        assert_upgraded_index_works(upgraded)
        with upgraded.connect() as conn:
            upgraded_objects = server_objects(conn)
    with postgres_library.connect() as conn:
        assert upgraded_objects == server_objects(conn)


# Any character a text can hold on PostgreSQL (NUL aside), in any script.
ANY_CHARACTER = st.characters(codec="utf-8", exclude_characters="\x00")


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(st.text(alphabet=ANY_CHARACTER), max_size=8))
def test_the_server_splits_and_folds_words_as_queries_are(
    postgres_library: Library, texts: list[str]
) -> None:
    """The SQL that makes a text's tsvector and the Python that makes a query's words agree on
    every character: what a letter is, lower case, which diacritics go."""
    pm = incident("t", events=texts)
    with postgres_library.transaction() as conn:
        repository.insert_postmortem(conn, pm)
        assert_server_words_are_the_query_words(conn)
        repository.delete_postmortem(conn, pm.id)


def test_ensure_index_repairs_a_missing_part_and_rebuild_gives_the_same_results(
    library: Library,
) -> None:
    store(library, incident("Cache stampede", events=["cache hit ratio fell"]))
    with library.transaction() as conn:
        on_table = "" if conn.dialect.name == "sqlite" else " ON timeline_events"
        conn.exec_driver_sql(f"DROP TRIGGER search_text_timeline_events_insert{on_table}")
        search.ensure_index(conn)
        edits.insert_events(
            conn,
            repository.list_summaries(conn)[0].id,
            [StoredEvent(9, TimelineEvent(START, EventKind.EVENT, "evictions"))],
        )
    assert found_titles(library, "evictions") == ["Cache stampede"]
    before = find(library, "cache")
    with library.transaction() as conn:
        search.rebuild_index(conn)
    assert find(library, "cache") == before
    assert_index_is_exact(library)


def test_nothing_happens_on_a_database_without_a_full_text_index() -> None:
    def refuse(*_args: Any) -> None:
        raise AssertionError("no SQL should run on MySQL")

    dialect = mysql.dialect()
    server = cast(Connection, SimpleNamespace(dialect=dialect, exec_driver_sql=refuse))
    search.ensure_index(server)
    search.rebuild_index(server)
    search.drop_index(server)
    assert not search.has_index(server)


# --- ranking ----------------------------------------------------------------------------------


def test_a_title_hit_outranks_hits_deep_in_a_long_timeline(library: Library) -> None:
    filler = ["worker retried the payment call", "queue depth normal", "nothing to report"]
    long_one = incident(
        "Payments were slow",
        events=[
            "rollback of the canary started" if i % 50 == 25 else filler[i % 3] for i in range(5000)
        ],
    )
    titled = incident("Rollback of the search release failed", events=["deploy began"])
    summarised = incident("Search outage", summary="We did a rollback after an hour of errors.")
    store(library, long_one, titled, summarised)
    hits = find(library, "rollback")
    assert titles(hits) == [titled.title, summarised.title, long_one.title]
    assert all(hit.score > 0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert (hits[0].part, hits[0].item_id) == ("title", titled.id)
    assert (hits[1].part, hits[2].part) == ("summary", "event")
    assert hits[2].item_id in {e.id for e in long_one.timeline}


def test_a_text_with_every_word_outranks_one_with_one_word_each(library: Library) -> None:
    together = incident("Outage", causes=["The connection pool was exhausted by retries"])
    apart = incident("Outage too", causes=["The pool was small"], events=["connection reset"])
    store(library, apart, together)
    assert found_titles(library, "connection pool") == ["Outage", "Outage too"]


# --- the query language ------------------------------------------------------------------------


def test_every_word_must_occur_somewhere_in_the_postmortem(library: Library) -> None:
    across = incident("Checkout errors", events=["Payment provider timed out"])
    one_word = incident("Checkout slow", events=["nothing else"])
    store(library, across, one_word)
    assert found_titles(library, "checkout payment") == ["Checkout errors"]
    assert found_titles(library, "payment checkout") == ["Checkout errors"]
    assert sorted(found_titles(library, "checkout")) == ["Checkout errors", "Checkout slow"]
    assert found_titles(library, "checkout nowhere") == []


def test_quoted_words_match_as_a_phrase(library: Library) -> None:
    store(
        library,
        incident("In order", lessons=["Roll back first, debug later"]),
        incident("Other order", lessons=["Back up, then roll the dice"]),
    )
    assert found_titles(library, '"roll back"') == ["In order"]
    assert sorted(found_titles(library, "roll back")) == ["In order", "Other order"]
    assert found_titles(library, '"back roll"') == []
    assert found_titles(library, '"roll back" debug') == ["In order"]
    assert found_titles(library, '"roll back') == ["In order"]  # unclosed: to the end


def test_words_match_as_prefixes_from_two_letters(library: Library) -> None:
    store(library, incident("Rollback stalled", causes=["A quota of 5 r/s"]))
    assert found_titles(library, "rollb") == ["Rollback stalled"]
    assert found_titles(library, "ro") == ["Rollback stalled"]
    assert found_titles(library, "r") == ["Rollback stalled"]  # the lone "r" of "r/s"
    assert found_titles(library, "o") == []  # one letter: whole words only
    assert found_titles(library, "ollback") == []  # prefixes, not the middle of a word
    assert found_titles(library, '"rollb"') == []  # a phrase's words are whole words


def test_case_and_latin_diacritics_do_not_matter(library: Library) -> None:
    store(library, incident("Zoë's café migration", events=["ÉCOLE DNS zone résolu"]))
    for query in ("zoe", "ZOË", "Zoé", "cafe", "école", "ecole", "resolu", "Re\u0301solu"):
        assert found_titles(library, query) == ["Zoë's café migration"], query


def test_other_scripts(library: Library) -> None:
    store(
        library,
        incident("Сбой базы данных", events=["Мир не рухнул"]),
        incident("انقطاع الخدمة", causes=["خطأ في الإعدادات"]),
        incident("מסד הנתונים נפל"),
        incident("数据库 宕机", events=["数据库连接失败 after the push"]),
        incident("Ελληνικά δεδομένα"),
    )
    assert found_titles(library, "мир") == ["Сбой базы данных"]
    assert found_titles(library, "БАЗ") == ["Сбой базы данных"]
    assert found_titles(library, "الإعدادات") == ["انقطاع الخدمة"]
    assert found_titles(library, "הנתונים") == ["מסד הנתונים נפל"]
    # Chinese has no spaces: unicode61 makes each run one token. A word between spaces is found,
    # and the start of a run as a prefix, but never the middle of a run (documented).
    assert found_titles(library, "数据库") == ["数据库 宕机"]
    assert found_titles(library, "宕机") == ["数据库 宕机"]
    assert found_titles(library, "连接") == []
    # Greek accents are not folded by unicode61 (documented): the accented spelling is needed.
    assert found_titles(library, "ελληνικά") == ["Ελληνικά δεδομένα"]
    assert found_titles(library, "ελληνικα") == []


def test_operators_and_punctuation_are_plain_words(library: Library) -> None:
    store(
        library,
        incident("Fail over and not back or forth", events=["set col:x to v41.2 at 10.0.0.1"]),
        incident("Plain", events=["col x"]),
    )
    assert found_titles(library, "AND OR NOT") == ["Fail over and not back or forth"]
    assert found_titles(library, "NOT plain") == []
    assert found_titles(library, "v41.2") == ["Fail over and not back or forth"]
    assert found_titles(library, "10.0.0.1") == ["Fail over and not back or forth"]
    assert sorted(found_titles(library, "col:x")) == ["Fail over and not back or forth", "Plain"]
    assert found_titles(library, "-back ^forth (fail)") == ["Fail over and not back or forth"]


HOSTILE = [
    '"unbalanced',
    "AND OR NOT",
    "*",
    "col:x",
    ")",
    "NEAR(",
    "NEAR(a b, 2)",
    "title:rollback",
    "{text}: x",
    "a AND",
    "OR",
    "^",
    "-",
    "+x",
    '"',
    '""',
    '" "',
    '"a" "b',
    "'",
    "\\",
    "%",
    "_",
    "x*y",
    "\x00",
    "\x02\x03",
    "\ud800 lone surrogate",
    "a" * 5000,
    " ".join(f"w{i}" for i in range(100)),
    "🔥",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_no_query_raises(library: Library, query: str) -> None:
    store(library, incident("Anything at all", events=["a AND b OR c NOT d"]))
    with library.connect() as conn:
        search.search(conn, query)
        search.scan_search(conn, query)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=40))
def test_any_text_is_a_query(library: Library, query: str) -> None:
    with library.connect() as conn:
        assert isinstance(search.search(conn, query), list)
        assert isinstance(search.scan_search(conn, query), list)


@pytest.mark.parametrize("query", ["", "   ", '""', "*", "-", ":", "() ^"])
def test_an_empty_query_gives_nothing(library: Library, query: str) -> None:
    store(library, incident("Anything", tags=["x"]))
    assert search.match_expression(query) == ""
    assert found_titles(library, query, tag="x") == []
    with library.connect() as conn:
        assert search.scan_search(conn, query) == []


def test_the_expression_quotes_every_word() -> None:
    assert search.match_expression('rollb "roll back" AND a col:x') == (
        '"rollb"* AND "roll back" AND "AND"* AND "a" AND "col:x"'
    )
    assert search.match_expression("same SAME same") == '"same"* AND "SAME"*'


# --- snippets ---------------------------------------------------------------------------------


def test_the_snippet_marks_hits_in_the_best_text(library: Library) -> None:
    words = " ".join(f"word{i}" for i in range(40))
    pm = incident("Quiet", events=[f"{words} the cache stampede began {words}"])
    store(library, pm)
    (hit,) = find(library, "cache stampede")
    assert hit.part == "event"
    assert snippet_text(hit.snippet).count("«") == 2
    assert "«cache» «stampede»" in snippet_text(hit.snippet)
    assert snippet_text(hit.snippet, "<b>", "</b>").count("<b>") == 2
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(snippet_text(hit.snippet, "", "").strip("…").split()) <= search.SNIPPET_WORDS
    pieces = snippet_parts(hit.snippet)
    assert [text for text, is_hit in pieces if is_hit] == ["cache", "stampede"]
    assert "".join(text for text, _ in pieces) == snippet_text(hit.snippet, "", "")


def test_snippet_parts() -> None:
    assert snippet_parts("") == []
    assert snippet_parts("plain") == [("plain", False)]
    assert snippet_parts("a \x02b\x03 c \x02d\x03\x02e\x03") == [
        ("a ", False),
        ("b", True),
        (" c ", False),
        ("de", True),
    ]
    assert snippet_text("a \x02b\x03") == "a «b»"


def test_marker_characters_in_a_text_are_not_taken_for_hits(library: Library) -> None:
    store(library, incident("Pasted \x02binary\x03 junk", events=["more \x03 junk \x02"]))
    for query in ("junk", "binary"):
        for hit in find(library, query):
            assert [text for text, is_hit in snippet_parts(hit.snippet) if is_hit] == [query]
    assert_index_is_exact(library)


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def filtered(library: Library) -> Library:
    minus_five = timezone(timedelta(hours=-5))
    store(
        library,
        incident(
            "Alpha outage",
            tags=["Config", "db"],
            severity=Severity.SEV1,
            status=PostmortemStatus.FINAL,
            # 23:30 on 1 March where it was written, 04:30 on 2 March in UTC.
            started=datetime(2026, 3, 1, 23, 30, tzinfo=minus_five),
            actions=[("Fix it", ""), ("Test it", "")],
            owners=["Platform Team", None],
        ),
        incident(
            "Beta outage",
            tags=["network"],
            severity=Severity.SEV3,
            kind=PostmortemKind.NEAR_MISS,
            started=datetime(2026, 3, 10, 8, 0, tzinfo=UTC),
            actions=[("Check", "")],
            owners=["Dana"],
        ),
        incident("Gamma outage", started=None, tags=["config"]),
    )
    return library


def test_each_filter(filtered: Library) -> None:
    def only(**filters: Any) -> list[str]:
        return sorted(found_titles(filtered, "outage", **filters))

    assert only() == ["Alpha outage", "Beta outage", "Gamma outage"]
    assert only(tag="config") == ["Alpha outage", "Gamma outage"]  # case ignored
    assert only(tag="CONFIG ") == ["Alpha outage", "Gamma outage"]
    assert only(tag="conf") == []
    assert only(severity="SEV1") == ["Alpha outage"]
    assert only(severity=Severity.SEV3) == ["Beta outage"]
    assert only(kind="near-miss") == ["Beta outage"]
    assert only(kind=PostmortemKind.INCIDENT) == ["Alpha outage", "Gamma outage"]
    assert only(status="final") == ["Alpha outage"]
    assert only(owner="platform team") == ["Alpha outage"]
    assert only(owner="DANA") == ["Beta outage"]
    assert only(owner="nobody") == []
    # Dates are those of the start where it was written, both ends included.
    assert only(since=date(2026, 3, 1), until=date(2026, 3, 1)) == ["Alpha outage"]
    assert only(since=date(2026, 3, 2)) == ["Beta outage"]
    assert only(until=date(2026, 3, 10)) == ["Alpha outage", "Beta outage"]
    assert only(until=date(2026, 3, 9)) == ["Alpha outage"]
    assert only(since=date(2026, 3, 11)) == []
    assert only(tag="config", severity="SEV1", status="final", owner="Platform team") == [
        "Alpha outage"
    ]
    assert only(tag="config", kind="near-miss") == []


def test_a_hit_describes_its_postmortem(filtered: Library) -> None:
    (hit,) = find(filtered, "alpha")
    assert (hit.kind, hit.severity, hit.status) == ("incident", "SEV1", "final")
    assert hit.started == datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert hit.started.utcoffset() == timedelta(hours=-5)
    (gamma,) = find(filtered, "gamma")
    assert (gamma.started, gamma.severity) == (None, None)


def test_the_limit(filtered: Library) -> None:
    assert len(find(filtered, "outage", limit=2)) == 2
    assert find(filtered, "outage", limit=0) == []


# --- the index follows every edit, in the edit's transaction ------------------------------------


def test_the_index_follows_every_kind_of_edit(library: Library) -> None:
    pm = incident(
        "Queue backlog",
        summary="Consumers stalled",
        impact="Orders delayed",
        events=["Lag alert fired"],
        causes=["Poison message", "No dead letter queue"],
        actions=[("Add a dead letter queue", "Owner to confirm sizing")],
        lessons=["Dashboards helped"],
    )
    store(library, pm)
    hit = ["Queue backlog"]
    for query in ("consumers", "delayed", "lag", "poison", "letter", "sizing", "dashboards"):
        assert found_titles(library, query) == hit, query

    with library.transaction() as conn:  # the postmortem's own texts
        edits.update_header(
            conn, replace(pm, title="Queue meltdown", impact_summary="Refunds"), ["title"]
        )
    assert found_titles(library, "backlog") == []
    assert found_titles(library, "meltdown") == ["Queue meltdown"]
    assert found_titles(library, "delayed") == ["Queue meltdown"]  # impact was not written
    hit = ["Queue meltdown"]

    added = TimelineEvent(START + timedelta(hours=1), EventKind.MITIGATION, "Skipped the poison")
    with library.transaction() as conn:  # events: add, change, delete, restore
        edits.insert_events(conn, pm.id, [StoredEvent(5, added)])
    assert found_titles(library, "skipped") == hit
    with library.transaction() as conn:
        edits.update_events(conn, [replace(added, text="Purged the poison")])
    assert found_titles(library, "skipped") == []
    assert found_titles(library, "purged") == hit
    with library.transaction() as conn:
        removed = edits.load_events(conn, pm.id, [added.id])
        edits.delete_events(conn, pm.id, [added.id])
    assert found_titles(library, "purged") == []
    with library.transaction() as conn:
        edits.insert_events(conn, pm.id, removed)
    assert found_titles(library, "purged") == hit

    root = pm.causes[0]
    with library.transaction() as conn:  # causes: edit, delete with a child, restore
        cause_edits.update_cause(conn, replace(root, text="Malformed message"))
        child = Cause("c9", "Schema drift", parent_id=root.id)
        cause_edits.insert_causes(conn, pm.id, [PlacedCause(9, child)])
    assert found_titles(library, "malformed") == hit
    assert found_titles(library, "drift") == hit
    with library.transaction() as conn:
        taken = cause_edits.load_causes(conn, pm.id, [root.id, child.id])
        cause_edits.delete_causes(conn, pm.id, [root.id])  # the child goes by cascade
    assert found_titles(library, "malformed") == found_titles(library, "drift") == []
    with library.transaction() as conn:
        cause_edits.insert_causes(conn, pm.id, taken)
    assert found_titles(library, "drift") == hit

    action = pm.actions[0]
    with library.transaction() as conn:  # actions: edit, delete, restore
        action_edits.update_action(conn, replace(action, notes="Sized by SRE"), action)
    assert found_titles(library, "confirm") == []
    assert found_titles(library, "sre") == hit
    with library.transaction() as conn:
        placed = action_edits.load_actions(conn, pm.id, [action.id])
        action_edits.delete_actions(conn, pm.id, [action.id])
    assert found_titles(library, "letter") == hit  # still in the cause
    assert found_titles(library, "sre") == []
    with library.transaction() as conn:
        action_edits.insert_actions(conn, pm.id, placed)
    assert found_titles(library, "sre") == hit

    lesson = pm.lessons[0]
    with library.transaction() as conn:  # lessons: add, edit, delete
        edits.insert_lesson(conn, pm.id, PlacedLesson(0, Lesson(LessonKind.LUCKY, "Low traffic")))
        edits.update_lesson(conn, pm.id, replace(lesson, text="Tracing helped"))
    assert found_titles(library, "traffic") == found_titles(library, "tracing") == hit
    assert found_titles(library, "dashboards") == []
    with library.transaction() as conn:
        edits.delete_lessons(conn, pm.id, edits.load_lessons(conn, pm.id, [lesson.id]))
    assert found_titles(library, "tracing") == []
    assert_index_is_exact(library)

    with library.transaction() as conn:  # the whole postmortem: delete, restore
        whole = repository.load_postmortem(conn, pm.id)
        assert whole is not None
        repository.delete_postmortem(conn, pm.id)
        assert search.search(conn, "queue") == []  # in the same transaction already
    assert found_titles(library, "queue") == []
    assert_index_is_exact(library)
    store(library, whole)
    assert found_titles(library, "queue") == hit
    assert_index_is_exact(library)


class DiskPulledOutError(Exception):
    pass


def test_a_rolled_back_transaction_leaves_the_index_as_it_was(library: Library) -> None:
    kept = incident("Kept", events=["stays"])
    store(library, kept)

    def edit_then_fail() -> None:
        with library.transaction() as conn:
            repository.insert_postmortem(conn, incident("Vanishing", events=["ephemeral words"]))
            edits.update_header(conn, replace(kept, title="Renamed"), ["title"])
            edits.delete_events(conn, kept.id, [kept.timeline[1].id])
            assert titles(search.search(conn, "ephemeral")) == ["Vanishing"]
            raise DiskPulledOutError

    with pytest.raises(DiskPulledOutError):
        edit_then_fail()
    assert found_titles(library, "ephemeral") == []
    assert found_titles(library, "renamed") == []
    assert found_titles(library, "kept stays") == ["Kept"]
    assert_index_is_exact(library)


# --- the LIKE scan ------------------------------------------------------------------------------


@pytest.fixture
def corpus(library: Library) -> Library:
    store(
        library,
        incident(
            "Payment timeout",
            events=["Provider latency spiked", "Connection pool exhausted"],
            causes=["Retries without backoff"],
        ),
        incident(
            "Database failover",
            summary="The primary database lost its disk",
            events=["Failover to the replica", "Connection pool refilled"],
            actions=[("Alert on disk usage", "See the runbook")],
        ),
        incident("Cache stampede", lessons=["Warm the cache before a deploy"]),
        incident("DNS misconfiguration", causes=["A typo in a zone file"], tags=["dns"]),
        incident("Certificate expired", impact="Payment pages down", severity=Severity.SEV1),
        incident("Quiet release", events=["Deploy of v41.2 went fine"]),
    )
    return library


SIMPLE_QUERIES = [
    "payment",
    "connection pool",
    '"connection pool"',
    "database disk",
    "cache",
    "deploy",
    "DNS",
    "runbook",
    "nothing matches this",
    "v41.2",
    "timeout provider",
]


@pytest.mark.parametrize("query", SIMPLE_QUERIES)
def test_the_scan_finds_what_the_index_finds(corpus: Library, query: str) -> None:
    with corpus.connect() as conn:
        indexed = search.search(conn, query)
        scanned = search.scan_search(conn, query)
    assert {h.postmortem_id for h in scanned} == {h.postmortem_id for h in indexed}
    assert [h.title for h in scanned[:1]] == [h.title for h in indexed[:1]]
    for hit in scanned:
        assert any(is_hit for _, is_hit in snippet_parts(hit.snippet)), hit


def test_the_scan_applies_the_filters(corpus: Library) -> None:
    with corpus.connect() as conn:
        hits = search.scan_search(conn, "payment", filters=SearchFilters(severity="SEV1"))
    assert titles(hits) == ["Certificate expired"]


def test_without_the_index_search_scans(corpus: Library) -> None:
    with corpus.transaction() as conn:
        search.drop_index(conn)
        assert not search.has_index(conn)
    # Equal scores (an event each, same start): by title.
    assert found_titles(corpus, "pool") == ["Database failover", "Payment timeout"]
    (hit,) = find(corpus, "cache deploy")
    assert hit.title == "Cache stampede"
    assert snippet_text(hit.snippet) == "Warm the «cache» before a «deploy»"
    store(corpus, incident("Cache again"))  # edits work without the index
    assert sorted(found_titles(corpus, "cache")) == ["Cache again", "Cache stampede"]


def test_the_scan_snippet_marks_hits_around_the_first() -> None:
    text = " ".join(f"w{i}" for i in range(30)) + " Rollback began " + "tail " * 20
    snippet = search._scan_snippet(text, ["rollback"])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "\x02Rollback\x03" in snippet
    assert len(snippet.strip("…").split()) == search.SNIPPET_WORDS
    assert search._scan_snippet("short \x02 text", ["short"]) == "\x02short\x03  text"
