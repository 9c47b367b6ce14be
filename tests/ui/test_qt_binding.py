"""The Qt binding pmdesk is installed with does not corrupt Python's reference counts.

PySide6 6.12.0 drops a reference to True on every Signal.emit() made from Python; a window that
emits a few thousand signals then aborts the interpreter. This guards the pinned version.
"""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Source(QObject):
    happened = Signal()
    said = Signal(str)

app = QCoreApplication([])
source = Source()
heard = []
source.happened.connect(lambda: heard.append(1))
source.said.connect(heard.append)
before = sys.getrefcount(True), sys.getrefcount(None)
for _ in range(500):
    source.happened.emit()
    source.said.emit("x")
after = sys.getrefcount(True), sys.getrefcount(None)
print(len(heard), after[0] - before[0], after[1] - before[1])
"""


def test_emitting_signals_keeps_reference_counts() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    heard, true_drift, none_drift = map(int, result.stdout.split())
    assert heard == 1000
    assert abs(true_drift) < 50 and abs(none_drift) < 50
