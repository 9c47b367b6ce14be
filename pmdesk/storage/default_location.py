"""Where the library lives when the user names none.

A module of its own, importing nothing but platformdirs, so that the command line's help and the
window can name the default library without loading SQLAlchemy and the rest of the storage layer.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs


def default_library_path() -> Path:
    """Where the library lives when the user names none: e.g. ~/.local/share/pmdesk on Linux."""
    return Path(platformdirs.user_data_dir("pmdesk", appauthor=False)) / "library.pmdesk"
