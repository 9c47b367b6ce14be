"""Shared test set-up: Qt offscreen, the user's folders in tmp, and the example postmortem."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest


def _offscreen_with_a_desktop_sized_screen() -> str:
    """Qt's offscreen platform, with a 1920 x 1080 screen instead of its default 800 x 600, so
    windows are laid out and their geometry restored as on a real desktop."""
    screen = {
        "synchronousWindowSystemEvents": False,
        "windowFrameMargins": False,
        "screens": [
            {
                "name": "pmdesk-test",
                "x": 0,
                "y": 0,
                "width": 1920,
                "height": 1080,
                "logicalDpiX": 96,
                "logicalDpiY": 96,
                "dpr": 1,
            }
        ],
    }
    path = Path(tempfile.mkdtemp(prefix="pmdesk-qpa-")) / "screen.json"
    path.write_text(json.dumps(screen), encoding="utf-8")
    return f"offscreen:configfile={path}"


# Before any QApplication exists. A run under Xvfb may choose xcb instead.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = _offscreen_with_a_desktop_sized_screen()

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
