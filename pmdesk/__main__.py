"""The composition root: read the command line, then run a command or start the app."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from pmdesk import cli


def _start_gui(args: argparse.Namespace) -> int:
    # Without the system libraries Qt needs, it would abort with a message that names the wrong
    # package. Where Qt will load its X11 plugin, the linker is asked now, while Qt's modules
    # import, and answers before Qt opens its display; a library missing for Qt's widgets fails
    # their import, and then the linker is asked what is missing (see PendingCheck).
    from pmdesk.ui import qt_libraries

    check = qt_libraries.start_check()
    try:
        # Imported here so that the command-line paths never load Qt.
        from pmdesk.ui.app import run_app
    except ImportError:
        problem = check.problem()
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        return 2
    status = run_app(
        cli.library_location(args),
        smoke=args.smoke,
        screenshot=args.screenshot,
        open_id=args.open,
        view=args.view,
        size=args.size,
        zoom=args.zoom,
        qt_problem=check.before_window,
    )
    end_process(status)


def end_process(status: int) -> NoReturn:
    """End the app's process once its window is closed, without Python's teardown of every
    module and Qt object it loaded: a tenth of a second nobody should wait for.

    What must be kept is kept by then: `run_app` closed the library's connections and wrote the
    settings. The threads Python would wait for are waited for (a report being written), and
    what was printed is flushed.
    """
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr, _start_gui)


if __name__ == "__main__":
    sys.exit(main())
