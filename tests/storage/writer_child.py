"""A child process for the robustness tests: writes shaped postmortems into a library, one
transaction each, so that the test can kill it mid-write or run two at once.

    python -m tests.storage.writer_child LIBRARY NAME COUNT [--wait]

COUNT 0 means "until killed". With --wait it reads one line from stdin before writing, so that
two children can be started together. It prints "ready" once the library is open.
"""

from __future__ import annotations

import itertools
import sys

from pmdesk.storage.library import open_library
from pmdesk.storage.repository import insert_postmortem
from tests.storage.examples import shaped_postmortem


def main(argv: list[str]) -> int:
    path, name, count = argv[0], argv[1], int(argv[2])
    with open_library(path) as library:
        print("ready", flush=True)
        if "--wait" in argv[3:]:
            sys.stdin.readline()
        numbers = itertools.count() if count == 0 else range(count)
        for n in numbers:
            with library.transaction() as conn:
                insert_postmortem(conn, shaped_postmortem(f"{name}-{n}"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
