"""The composition root: read the command line, then run a command or start the app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
    return run_app(
        cli.library_location(args),
        smoke=args.smoke,
        screenshot=args.screenshot,
        open_id=args.open,
        view=args.view,
        size=args.size,
        zoom=args.zoom,
        qt_problem=check.before_window,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr, _start_gui)


if __name__ == "__main__":
    sys.exit(main())
