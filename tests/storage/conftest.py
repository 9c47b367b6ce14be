"""Fixtures for the storage tests: a fresh library file per test, closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pmdesk.storage.library import Library, open_library


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return tmp_path / "library.pmdesk"


@pytest.fixture
def library(library_path: Path) -> Iterator[Library]:
    with open_library(library_path) as opened:
        yield opened
