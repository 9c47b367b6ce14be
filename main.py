"""Start pmdesk from a checkout: `python main.py` does what the `pmdesk` command does."""

import sys

from pmdesk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
