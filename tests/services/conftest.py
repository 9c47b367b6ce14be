"""Fixtures for the editing tests: a library holding one postmortem that uses every field.

`library` is parametrized over both back ends (an SQLite file, a fresh PostgreSQL database), so
every services test that takes it runs on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from pmdesk.domain.model import Postmortem
from pmdesk.services import postmortems
from pmdesk.storage import repository
from pmdesk.storage.library import Library, open_library
from pmdesk.storage.schema import metadata
from tests.conftest import BACKENDS, library_location
from tests.storage.examples import rich_postmortem


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where the test's library is: an SQLite file, or a fresh database on the server."""
    return library_location(request, tmp_path / "library.pmdesk")


@pytest.fixture
def library(location: str | Path) -> Iterator[Library]:
    with open_library(location) as opened:
        yield opened


@pytest.fixture
def stored(library: Library) -> Postmortem:
    """The rich example postmortem, as the library gives it back after storing it."""
    original = rich_postmortem()
    with library.transaction() as conn:
        repository.insert_postmortem(conn, original)
    return reload(library, original.id)


def reload(library: Library, postmortem_id: str) -> Postmortem:
    return postmortems.get_postmortem(library, postmortem_id)


def every_row(library: Library) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, timestamps included: to show that a refused edit wrote nothing."""
    with library.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(select(table)))
            for table in metadata.sorted_tables
        }


class DiskPulledOutError(Exception):
    """Stands for any failure in the middle of a transaction."""


def fail_after(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    """Make `module.name` do its work and then raise, half-way through the caller's transaction."""
    original = getattr(module, name)

    def work_then_fail(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        raise DiskPulledOutError

    monkeypatch.setattr(module, name, work_then_fail)
