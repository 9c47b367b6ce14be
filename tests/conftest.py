"""Shared test set-up: Qt offscreen, the user's folders in tmp, and the example postmortem."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Before any QApplication exists; `setdefault` lets a run under Xvfb choose xcb instead.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURE = SHARED / "fixtures" / "checkout-config-push.json"


@pytest.fixture(autouse=True)
def _user_folders_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's data, config or cache folders, or $PMDESK_DB."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("PMDESK_DB", raising=False)


@pytest.fixture
def fixture_file(tmp_path: Path) -> Path:
    """A private copy of the shared example postmortem (shared/ is read-only)."""
    target = tmp_path / "checkout-config-push.json"
    shutil.copyfile(FIXTURE, target)
    return target
