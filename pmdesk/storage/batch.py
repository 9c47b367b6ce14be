"""Several independent SELECTs run as one batch: on a server, one network round trip for all;
and one statement run for each of several rows.

Reading a whole postmortem takes about fifteen small queries. On SQLite each is a function call
inside the process, but on PostgreSQL each one sent alone is a round trip to the server: the
client waits for one result before it sends the next query, and on a network that wait is most of
the time. `run_selects` sends them all at once instead (psycopg's pipeline mode) and then reads
the results, so the wait is paid once. The queries must not depend on each other's results.

They run on the caller's connection, inside its transaction (a transaction is begun first if none
is), so they see the same snapshot as every other read of that connection. On SQLite, and on any
other database, each statement simply runs through SQLAlchemy as usual.

The statements are meant to be module-level constants whose parameters are `bindparam`s filled
in by name at each call: each is compiled once per database dialect and its SQL reused. A row
comes back as SQLAlchemy's Row on SQLite and as a named tuple on PostgreSQL: both give the
columns as attributes (`row.title`) and unpack as tuples, and the values have the same Python
types (the psycopg driver itself returns naive datetimes, dates, bools, ints and strings).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Executable, Select
from sqlalchemy.exc import DBAPIError


def run_selects(
    conn: Connection, statements: Sequence[Select[Any]], params: Mapping[str, Any]
) -> list[Sequence[Any]]:
    """The rows of each statement, in the order of `statements`; `params` fills their bindparams
    (each statement takes the ones it names)."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        return _pipelined(conn, statements, params)
    return [conn.execute(statement, dict(params)).all() for statement in statements]


def execute_rows(
    conn: Connection, statement: Executable, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Run `statement` once with each row's parameters (nothing for no rows).

    A single row runs as a plain statement: psycopg runs a list of rows in pipeline mode, whose
    setting up costs a server more than one small UPDATE does, and most edits change one row.
    """
    if len(rows) == 1:
        conn.execute(statement, dict(rows[0]))
    elif rows:
        conn.execute(statement, [dict(row) for row in rows])


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Each parameter's name, its default value and what turns a Python value into the driver's.
    params: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]
    # What turns a column's value from the driver into the Python value; None where nothing does.
    results: tuple[Callable[[Any], Any] | None, ...]


# Per statement, its compiled form per dialect name; forgotten with the statement.
_compiled: weakref.WeakKeyDictionary[Select[Any], dict[str, _Compiled]] = (
    weakref.WeakKeyDictionary()
)


def _compile(statement: Select[Any], dialect: Dialect) -> _Compiled:
    by_dialect = _compiled.setdefault(statement, {})
    found = by_dialect.get(dialect.name)
    if found is not None:
        return found
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = tuple(
        (
            name,
            bind.effective_value,
            bind.type.dialect_impl(dialect).bind_processor(dialect),
        )
        for bind, name in compiled.bind_names.items()
    )
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.selected_columns
    )
    found = _Compiled(compiled.string, params, results)
    by_dialect[dialect.name] = found
    return found


def _pipelined(
    conn: Connection, statements: Sequence[Select[Any]], params: Mapping[str, Any]
) -> list[Sequence[Any]]:
    import psycopg
    from psycopg.rows import namedtuple_row

    if not conn.in_transaction():
        conn.begin()  # as SQLAlchemy's first execute would: the transaction of this connection
    pg = conn.connection.driver_connection
    assert isinstance(pg, psycopg.Connection)
    queries = [_compile(statement, conn.dialect) for statement in statements]
    values = [
        {
            name: (processor(value) if processor else value)
            for name, default, processor in query.params
            for value in [params.get(name, default)]
        }
        for query in queries
    ]
    try:
        cursors = []
        with pg.pipeline():
            for query, query_values in zip(queries, values, strict=True):
                cursor = pg.cursor(row_factory=namedtuple_row)
                cursor.execute(query.sql, query_values)
                cursors.append(cursor)
        # Leaving the pipeline sent everything and read every result: no more waiting here.
        rows: list[Sequence[Any]] = []
        for query, cursor in zip(queries, cursors, strict=True):
            with cursor:
                fetched = cursor.fetchall()
            if any(query.results):
                fetched = [_processed(row, query.results) for row in fetched]
            rows.append(fetched)
        return rows
    except psycopg.Error as error:
        # As SQLAlchemy would have raised it, so that callers handle it alike.
        raise DBAPIError.instance(
            "; ".join(query.sql for query in queries),
            None,
            error,
            psycopg.Error,
            dialect=conn.dialect,
        ) from error


def _processed(row: Any, processors: Sequence[Callable[[Any], Any] | None]) -> Any:
    values = [p(v) if p else v for p, v in zip(processors, row, strict=True)]
    return row._make(values)
