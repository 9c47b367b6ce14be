"""Python's cycle collector runs on the GUI thread's event loop, never in a worker thread."""

from __future__ import annotations

import gc
import threading

from pytestqt.qtbot import QtBot

from pmdesk.ui.collector import GuiThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        record.append(threading.get_ident())


record: list[int] = []
kept: list[list[int]] = []


def test_cycles_are_collected_on_the_gui_thread_once_the_threshold_is_passed(
    qtbot: QtBot,
) -> None:
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector()
    collector.install()
    try:
        assert not gc.isenabled()
        record.clear()
        gc.collect()
        Cycle()  # garbage only a cycle collection frees
        # A worker thread allocating past every threshold collects nothing itself.
        worker = threading.Thread(target=lambda: kept.extend([i] for i in range(5_000)))
        worker.start()
        worker.join()
        assert record == []
        qtbot.waitUntil(lambda: record != [], timeout=3000)
        assert record == [threading.get_ident()]
    finally:
        collector.uninstall()
        kept.clear()
    assert gc.isenabled() == was_enabled


def test_nothing_is_collected_before_it_is_due(qtbot: QtBot) -> None:
    collector = GuiThreadCollector()
    gc.collect()
    assert collector.collect_if_due() is None


def test_a_collector_installed_for_later_collects_from_its_start_on() -> None:
    """The app's start-up: automatic collection off at once, the collector's passes only once
    the start-up is done. (The tests' own collector runs all along, so this looks at the
    collector's schedule rather than at what gets collected.)"""
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector()
    collector.install(collecting=False)
    try:
        assert not gc.isenabled()
        assert not collector.collecting
        collector.start()
        assert collector.collecting
    finally:
        collector.uninstall()
    assert not collector.collecting
    assert gc.isenabled() == was_enabled
