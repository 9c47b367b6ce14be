"""Files pmdesk ships beside its code (icons), found from the checkout or the app bundle."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon


def resources_dir() -> Path:
    """`resources/` at the top of the checkout; a bundle puts it beside the executable."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def app_icon() -> QIcon:
    """The application icon; an empty icon (never an error) if the file is missing."""
    return QIcon(str(resources_dir() / "icons" / "pmdesk.svg"))
