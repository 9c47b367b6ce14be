"""Fixtures for the storage tests: a fresh library per test, closed afterwards.

`library` is parametrized over both back ends (an SQLite file, a fresh PostgreSQL database), so
every test that takes it runs on both; a test about SQLite files themselves (WAL, pragmas, damaged
files, backups, FTS5's tables) takes `sqlite_library` or `library_path` instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pmdesk.storage.library import Library, open_library
from tests.conftest import BACKENDS, library_location


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return tmp_path / "library.pmdesk"


@pytest.fixture(params=BACKENDS)
def library(request: pytest.FixtureRequest, library_path: Path) -> Iterator[Library]:
    with open_library(library_location(request, library_path)) as opened:
        yield opened


@pytest.fixture
def sqlite_library(library_path: Path) -> Iterator[Library]:
    with open_library(library_path) as opened:
        yield opened


@pytest.fixture
def postgres_library(postgres_library_url: str) -> Iterator[Library]:
    with open_library(postgres_library_url) as opened:
        yield opened
