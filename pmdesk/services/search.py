"""Searching the whole library: what the search box and `pmdesk search` call.

The query language, the ranking and the snippets are described in `pmdesk.storage.search`; the
names a caller needs are re-exported here.
"""

from __future__ import annotations

from pmdesk.storage import search as storage_search
from pmdesk.storage.library import Library
from pmdesk.storage.search import (
    HIT_END,
    HIT_START,
    NO_FILTERS,
    SearchFilters,
    SearchHit,
    snippet_parts,
    snippet_text,
)

__all__ = [
    "HIT_END",
    "HIT_START",
    "SearchFilters",
    "SearchHit",
    "search",
    "snippet_parts",
    "snippet_text",
]


def search(
    library: Library, query: str, filters: SearchFilters = NO_FILTERS, limit: int = 50
) -> list[SearchHit]:
    """The postmortems matching `query` and `filters`, best first, at most `limit`; one read."""
    with library.connect() as conn:
        return storage_search.search(conn, query, filters=filters, limit=limit)
