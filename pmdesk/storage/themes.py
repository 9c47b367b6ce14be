"""The library's contributing-factor themes, and the themes its causes carry, as plain functions
on a Connection.

A cause names its themes; the library keeps them as one vocabulary (`themes`), each theme once
however it is spelled (`theme_key`), so that a theme counts the same across every postmortem. A
cause that names a theme the library does not have yet adds it at the end of the vocabulary, with
an empty description, in the same transaction that stores the cause; a cause's themes come back
spelled as the vocabulary spells them. Like the repository, every function runs in the caller's
transaction and never commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, distinct, func, select

from pmdesk.domain.model import Cause, new_id
from pmdesk.domain.themes import DEFAULT_THEMES, Theme, theme_key
from pmdesk.storage.schema import cause_themes, causes, themes


@dataclass(frozen=True, slots=True)
class ThemeUse:
    """A theme of the library, and how much of the library it is a theme of."""

    theme: Theme
    causes: int  # systemic causes that carry it
    postmortems: int  # postmortems with at least one such cause


def seed_defaults(conn: Connection) -> None:
    """Give a new library the default vocabulary (DEFAULT_THEMES, in their order)."""
    ensure_themes(conn, [theme.name for theme in DEFAULT_THEMES], DEFAULT_THEMES)


def list_themes(conn: Connection) -> list[Theme]:
    """The library's vocabulary, in its order."""
    query = select(themes.c.name, themes.c.description).order_by(themes.c.position, themes.c.id)
    return [Theme(row.name, row.description) for row in conn.execute(query)]


def theme_uses(conn: Connection) -> list[ThemeUse]:
    """Every theme of the library, in its order, with the systemic causes that carry it and the
    postmortems those causes are in (0 and 0 for a theme no systemic cause carries). One query."""
    links, c = cause_themes, causes
    systemic = (
        select(links.c.theme_id, links.c.cause_id, c.c.postmortem_id)
        .join(c, c.c.id == links.c.cause_id)
        .where(c.c.systemic)
        .subquery("systemic_links")
    )
    query = (
        select(
            themes.c.name,
            themes.c.description,
            # The link's key is (cause, theme): a cause counts once per theme.
            func.count(systemic.c.cause_id).label("causes"),
            func.count(distinct(systemic.c.postmortem_id)).label("postmortems"),
        )
        .select_from(themes.outerjoin(systemic, systemic.c.theme_id == themes.c.id))
        .group_by(themes.c.id, themes.c.name, themes.c.description, themes.c.position)
        .order_by(themes.c.position, themes.c.id)
    )
    return [
        ThemeUse(Theme(row.name, row.description), int(row.causes), int(row.postmortems))
        for row in conn.execute(query)
    ]


def ensure_themes(
    conn: Connection, names: Iterable[str], described: Iterable[Theme] = ()
) -> dict[str, str]:
    """The id of each named theme by its `theme_key`, adding to the end of the vocabulary, in the
    order first named, the ones the library does not have yet (with the description `described`
    gives, else an empty one). Two queries, and one insert when something is new."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(theme_key(name), name)
    if not wanted:
        return {}
    query = select(themes.c.id, themes.c.name_key).where(themes.c.name_key.in_(list(wanted)))
    ids = {row.name_key: row.id for row in conn.execute(query)}
    missing = [key for key in wanted if key not in ids]
    if missing:
        descriptions = {theme_key(theme.name): theme.description for theme in described}
        last = conn.execute(select(func.max(themes.c.position))).scalar_one()
        start = 0 if last is None else int(last) + 1
        rows = []
        for offset, key in enumerate(missing):
            row = _new_theme_row(wanted[key], descriptions.get(key, ""), start + offset)
            ids[key] = row["id"]
            rows.append(row)
        conn.execute(themes.insert(), rows)
    return ids


def _new_theme_row(name: str, description: str, position: int) -> dict[str, Any]:
    return {
        "id": new_id(),
        "name": name,
        "name_key": theme_key(name),
        "description": description,
        "position": position,
    }


def insert_cause_themes(conn: Connection, cause_list: Sequence[Cause]) -> None:
    """Link stored causes to the themes they name, adding any the library lacks."""
    ids = ensure_themes(conn, (name for cause in cause_list for name in cause.themes))
    rows = [
        {"cause_id": cause.id, "theme_id": ids[theme_key(name)], "position": position}
        for cause in cause_list
        for position, name in enumerate(cause.themes)
    ]
    if rows:
        conn.execute(cause_themes.insert(), rows)


def replace_cause_themes(conn: Connection, cause: Cause) -> None:
    """Give a stored cause exactly the themes it names now."""
    conn.execute(delete(cause_themes).where(cause_themes.c.cause_id == cause.id))
    insert_cause_themes(conn, [cause])


def themes_of(conn: Connection, cause_ids: Collection[str]) -> dict[str, list[str]]:
    """Each of these causes' theme names (as the vocabulary spells them), in the cause's order;
    a cause without any is left out. One query."""
    found: defaultdict[str, list[str]] = defaultdict(list)
    if not cause_ids:
        return found
    links = cause_themes
    query = (
        select(links.c.cause_id, themes.c.name)
        .join(themes, themes.c.id == links.c.theme_id)
        .where(links.c.cause_id.in_(list(cause_ids)))
        .order_by(links.c.cause_id, links.c.position)
    )
    for row in conn.execute(query):
        found[row.cause_id].append(row.name)
    return found
