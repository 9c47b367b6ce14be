"""The keyboard benchmark's drive (tests/bench/capture_keys.py), in the suite so it keeps
working: the shared example typed into a new postmortem of a real window by keyboard alone is
stored as the example, within the keys the benchmark allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench import capture_keys

# The list of owners is a popup: offscreen, Qt cannot raise it or let it grab the keyboard.
pytestmark = pytest.mark.qt_log_ignore(
    ".*does not support raise.*", ".*does not support grabbing the keyboard.*"
)


def test_the_example_is_captured_by_keyboard_within_the_targets(tmp_path: Path) -> None:
    result = capture_keys.run(tmp_path)
    assert result.problems == []
    assert result.tally.total <= capture_keys.TOTAL_TARGET
    per_item = result.items()
    assert len(per_item) == 8 + 8 + 5  # events, causes, actions
    assert max(per_item.values()) <= capture_keys.ITEM_TARGET
