"""The library's contributing-factor themes: its vocabulary, and how many systemic causes and
postmortems carry each theme (`pmdesk themes`). Read-only; a cause's themes change with the cause
(services/causes.py) or with the postmortem it comes in."""

from __future__ import annotations

from pmdesk.domain.themes import Theme
from pmdesk.storage import themes
from pmdesk.storage.library import Library
from pmdesk.storage.themes import ThemeUse as ThemeUse


def library_themes(library: Library) -> list[Theme]:
    """The library's themes, in its order."""
    with library.connect() as conn:
        return themes.list_themes(conn)


def theme_uses(library: Library) -> list[ThemeUse]:
    """Every theme of the library, in its order, with the systemic causes that carry it and the
    postmortems they are in; a theme nothing carries yet is there with 0 and 0."""
    with library.connect() as conn:
        return themes.theme_uses(conn)
