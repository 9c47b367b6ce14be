"""The composition root: read the command line, then run a command or start the app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pmdesk import cli


def _start_gui(args: argparse.Namespace) -> int:
    # Before Qt loads: without the system libraries it needs, it would abort with a message that
    # names the wrong package.
    from pmdesk.ui import qt_libraries

    problem = qt_libraries.problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    # Imported here so that the command-line paths never load Qt.
    from pmdesk.ui.app import run_app

    return run_app(
        cli.library_location(args),
        smoke=args.smoke,
        screenshot=args.screenshot,
        open_id=args.open,
        view=args.view,
        size=args.size,
        zoom=args.zoom,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr, _start_gui)


if __name__ == "__main__":
    sys.exit(main())
