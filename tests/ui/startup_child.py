"""Run by test_startup in a process of its own: start pmdesk exactly as its command does, and
print, as JSON on stderr's last line, which modules were loaded at the window's first paint and
which at the end of the run."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

from pmdesk.ui import main_window

at_first_paint: list[str] = []
painted = main_window.MainWindow.paintEvent


def paint_and_note(self: main_window.MainWindow, event: object) -> None:
    if not at_first_paint:
        at_first_paint.extend(sorted(sys.modules))
    painted(self, event)  # type: ignore[arg-type]


main_window.MainWindow.paintEvent = paint_and_note  # type: ignore[method-assign]

if __name__ == "__main__":
    import pmdesk.__main__ as entry

    end = entry.end_process

    def report_and_end(status: int) -> NoReturn:
        modules = {"first_paint": at_first_paint, "end": sorted(sys.modules)}
        print(json.dumps(modules), file=sys.stderr)
        end(status)

    entry.end_process = report_and_end
    sys.exit(entry.main(sys.argv[1:]))
