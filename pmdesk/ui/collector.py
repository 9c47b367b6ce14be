"""Python's cycle collector, run on the GUI thread only.

Python collects reference cycles in whichever thread happens to allocate when a threshold is
crossed, and pmdesk runs work in threads (similar incidents, evidence files, reports). A cycle
that holds a Qt object, such as a closed window's meeting mode with its ticking timer, would then
be destroyed from a worker thread, where Qt cannot stop its timers: a timer left registered for a
freed object crashes the event loop later. So automatic collection is switched off, and this
collects on the GUI thread's event loop instead, as often and as deep as the thresholds that
Python would have used ask for.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

# How often to look whether a collection is due: often enough that garbage never piles up,
# rarely enough to cost nothing measurable (a look is three integer comparisons).
INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_if_due)

    def install(self, *, collecting: bool = True) -> None:
        """Switch automatic collection off; collect from the event loop from now on, or, when
        not `collecting`, from `start()` on (the app's start-up, whose objects all live on,
        starts it once it is done)."""
        self._was_enabled = gc.isenabled()
        gc.disable()
        if collecting:
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    @property
    def collecting(self) -> bool:
        """Whether it looks for due collections (from `install`, or from `start`)."""
        return self._timer.isActive()

    def uninstall(self) -> None:
        """Stop, and leave automatic collection as `install` found it."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def collect_if_due(self) -> int | None:
        """Collect the oldest generation whose count passed its threshold; which one, or None."""
        counts = gc.get_count()
        due = [g for g in range(3) if self._thresholds[g] and counts[g] > self._thresholds[g]]
        if not due:
            return None
        generation = max(due)
        gc.collect(generation)
        return generation
