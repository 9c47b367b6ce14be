"""The composition root: read the command line, then run a command or start the app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pmdesk import cli


def _start_gui(args: argparse.Namespace) -> int:
    # Without the system libraries Qt needs, it would abort with a message that names the wrong
    # package. The linker is asked now and answered before Qt opens its display; Qt's modules
    # import meanwhile (those of its widgets fail to, should their own libraries be missing).
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
        qt_problem=check.problem,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr, _start_gui)


if __name__ == "__main__":
    sys.exit(main())
