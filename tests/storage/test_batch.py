"""Queries run as one batch give what running them one by one through SQLAlchemy gives."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import DBAPIError

from pmdesk.domain.model import EventKind
from pmdesk.storage import repository
from pmdesk.storage.batch import run_selects
from pmdesk.storage.library import Library
from pmdesk.storage.meetings import MEETING_QUERIES
from pmdesk.storage.schema import (
    ID,
    action_history,
    actions,
    causes,
    postmortems,
    timeline_events,
)
from tests.storage.examples import rich_postmortem

PM = bindparam("postmortem_id", type_=ID)
QUERIES = [
    select(postmortems).where(postmortems.c.id == PM),
    select(timeline_events)
    .where(
        timeline_events.c.postmortem_id == PM,
        timeline_events.c.kind != EventKind.COMMUNICATION.value,
    )
    .order_by(timeline_events.c.at_utc, timeline_events.c.seq),
    select(causes).where(causes.c.postmortem_id == PM).order_by(causes.c.position),
    select(actions).where(actions.c.postmortem_id == PM).order_by(actions.c.position),
    select(action_history)
    .join(actions, actions.c.id == action_history.c.action_id)
    .where(actions.c.postmortem_id == PM)
    .order_by(action_history.c.action_id, action_history.c.position),
    *MEETING_QUERIES,
]


def one_by_one(library: Library, postmortem_id: str) -> list[list[tuple[Any, ...]]]:
    with library.connect() as conn:
        return [
            [tuple(row) for row in conn.execute(query, {"postmortem_id": postmortem_id})]
            for query in QUERIES
        ]


def stored_id(library: Library) -> str:
    pm = rich_postmortem()
    with library.transaction() as conn:
        repository.insert_postmortem(conn, pm)
    return pm.id


def test_a_batch_gives_the_rows_and_value_types_of_single_queries(library: Library) -> None:
    postmortem_id = stored_id(library)
    with library.connect() as conn:
        batched = run_selects(conn, QUERIES, {"postmortem_id": postmortem_id})
    expected = one_by_one(library, postmortem_id)
    assert [[tuple(row) for row in rows] for rows in batched] == expected
    for rows, expected_rows in zip(batched, expected, strict=True):
        for row, expected_row in zip(rows, expected_rows, strict=True):
            assert [type(v) for v in row] == [type(v) for v in expected_row]
    assert all(expected), "every query should have found rows"
    header = batched[0][0]
    assert header.id == postmortem_id  # columns by name, as the repository reads them


def test_a_batch_for_an_unknown_id_gives_empty_lists(library: Library) -> None:
    stored_id(library)
    with library.connect() as conn:
        assert run_selects(conn, QUERIES, {"postmortem_id": "0" * 32}) == [[] for _ in QUERIES]


def test_the_postmortem_loads_the_same_on_both_paths(library: Library) -> None:
    original = rich_postmortem()
    with library.transaction() as conn:
        repository.insert_postmortem(conn, original)
    with library.connect() as conn:
        assert repository.load_postmortem(conn, original.id) == original
    with library.transaction() as conn:  # inside a write transaction too
        assert repository.load_postmortem(conn, original.id) == original


def test_a_batch_reads_in_the_connections_snapshot(postgres_library: Library) -> None:
    postmortem_id = stored_id(postgres_library)
    title = [select(postmortems.c.title).where(postmortems.c.id == PM)]
    params = {"postmortem_id": postmortem_id}
    isolation = [select(func.current_setting("transaction_isolation").label("level"))]
    with postgres_library.connect() as conn:
        ((level,),) = run_selects(conn, isolation, {})
        assert level.level == "repeatable read"
        assert conn.in_transaction()
        ((before,),) = run_selects(conn, title, params)
        with postgres_library.transaction() as writer:
            writer.execute(
                update(postmortems).where(postmortems.c.id == postmortem_id).values(title="New")
            )
        ((after,),) = run_selects(conn, title, params)
        assert after.title == before.title != "New"
    with postgres_library.connect() as conn:
        ((now,),) = run_selects(conn, title, params)
        assert now.title == "New"


def test_a_failing_query_raises_as_through_sqlalchemy(postgres_library: Library) -> None:
    failing = [select(postmortems.c.id), select(func.sqrt(-1).label("root"))]
    with postgres_library.connect() as conn, pytest.raises(DBAPIError) as raised:
        run_selects(conn, failing, {})
    assert "square root" in str(raised.value)
