"""Two processes creating one new library: the one told "busy" tries again instead of failing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pmdesk.storage import errors, library
from pmdesk.storage.library import open_library


def flaky_open(fail_times: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the first `fail_times` openings report "locked", as a racing creator would."""
    calls: list[int] = []
    real_open = library._open

    def racing_open(*args: Any) -> library.Library:
        calls.append(1)
        if len(calls) <= fail_times:
            raise errors.locked(str(args[2]), 5.0)
        return real_open(*args)

    monkeypatch.setattr(library, "_open", racing_open)
    return calls


def test_a_new_library_is_opened_after_a_busy_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = flaky_open(2, monkeypatch)
    with open_library(tmp_path / "new.pmdesk") as opened:
        assert opened.path == tmp_path / "new.pmdesk"
    assert len(calls) == 3


def test_a_lock_that_does_not_pass_is_still_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flaky_open(99, monkeypatch)
    with pytest.raises(errors.LibraryError) as caught:
        open_library(tmp_path / "new.pmdesk")
    assert caught.value.problem is errors.Problem.LOCKED


def test_an_existing_library_that_is_locked_is_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.pmdesk"
    open_library(path).close()
    calls = flaky_open(1, monkeypatch)
    with pytest.raises(errors.LibraryError):
        open_library(path)
    assert len(calls) == 1
