"""Postmortems in a library of an older revision, as an older pmdesk would have left them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, inspect

from pmdesk.domain.model import Postmortem
from pmdesk.storage.engine import for_writing
from pmdesk.storage.library import open_library
from pmdesk.storage.repository import insert_postmortem
from pmdesk.storage.schema import metadata


def insert_into_older(engine: Engine, postmortems: Sequence[Postmortem], scratch: Path) -> None:
    """Store postmortems in the library `engine` reaches, which is at an older revision: written
    by this pmdesk into a scratch library file first, then copied over table by table, leaving
    out the columns and tables the older schema does not have yet."""
    with open_library(scratch) as newest:
        with newest.transaction() as conn:
            for postmortem in postmortems:
                insert_postmortem(conn, postmortem)
        with newest.connect() as source, engine.connect() as target, for_writing(target).begin():
            older = inspect(target)
            for table in metadata.sorted_tables:
                if not older.has_table(table.name):
                    continue
                kept = {column["name"] for column in older.get_columns(table.name)}
                rows = [
                    {name: value for name, value in row._mapping.items() if name in kept}
                    for row in source.execute(table.select())
                ]
                if rows:
                    reflected = Table(table.name, MetaData(), autoload_with=target)
                    target.execute(reflected.insert(), rows)
