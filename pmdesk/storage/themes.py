"""The library's contributing-factor themes, and the themes its causes carry, as plain functions
on a Connection.

A cause names its themes; the library keeps them as one vocabulary (`themes`), each theme once
however it is spelled (`theme_key`), so that a theme counts the same across every postmortem. A
cause that names a theme the library does not have yet adds it at the end of the vocabulary, with
an empty description, in the same transaction that stores the cause; a cause's themes come back
spelled as the vocabulary spells them. Like the repository, every function runs in the caller's
transaction and never commits.

The vocabulary is also edited on its own (Edit ▸ Library themes): a theme renamed, described,
moved, removed with the links causes have to it, or merged into another. Each edit that takes
something away hands back what it took, with the theme's id, so that putting it back restores
every link as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, distinct, func, select, update

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


# ---- editing the vocabulary ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredTheme:
    """A theme as the library keeps it: its id (which the causes' links name) and its place."""

    id: str
    theme: Theme
    index: int  # its place in the vocabulary's order, from 0


@dataclass(frozen=True, slots=True)
class RemovedTheme:
    """A theme taken out of the vocabulary, with each (cause id, position) link it had."""

    stored: StoredTheme
    links: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class MergedTheme:
    """A theme folded into another: the one that went (with its links), the one it went into as
    it was before, and the causes whose link now names that one instead."""

    removed: RemovedTheme
    into: StoredTheme
    moved: tuple[str, ...]


def find_theme(conn: Connection, name: str) -> StoredTheme | None:
    """The theme of the library `name` names (case and spacing do not count), or None."""
    query = select(themes.c.id, themes.c.name, themes.c.description, themes.c.name_key).order_by(
        themes.c.position, themes.c.id
    )
    key = theme_key(name)
    for index, row in enumerate(conn.execute(query)):
        if row.name_key == key:
            return StoredTheme(row.id, Theme(row.name, row.description), index)
    return None


def _order(conn: Connection) -> list[str]:
    return list(
        conn.execute(select(themes.c.id).order_by(themes.c.position, themes.c.id)).scalars()
    )


def _renumber(conn: Connection, ids: Sequence[str]) -> None:
    """Give the themes the positions 0, 1, … in the order of `ids`."""
    for position, theme_id in enumerate(ids):
        conn.execute(update(themes).where(themes.c.id == theme_id).values(position=position))


def insert_theme(conn: Connection, stored: StoredTheme) -> None:
    """Put a theme into the vocabulary with its id, at its index (or at the end, if the
    vocabulary is shorter now)."""
    order = _order(conn)
    row = _new_theme_row(stored.theme.name, stored.theme.description, len(order))
    conn.execute(themes.insert(), [{**row, "id": stored.id}])  # the id its links name
    order.insert(min(stored.index, len(order)), stored.id)
    _renumber(conn, order)


def rename_theme(conn: Connection, theme_id: str, name: str) -> None:
    conn.execute(
        update(themes).where(themes.c.id == theme_id).values(name=name, name_key=theme_key(name))
    )


def describe_theme(conn: Connection, theme_id: str, description: str) -> None:
    conn.execute(update(themes).where(themes.c.id == theme_id).values(description=description))


def move_theme(conn: Connection, theme_id: str, index: int) -> None:
    """Put the theme at `index` of the vocabulary's order (clamped to its ends)."""
    order = [i for i in _order(conn) if i != theme_id]
    order.insert(max(0, min(index, len(order))), theme_id)
    _renumber(conn, order)


def links_to(conn: Connection, theme_id: str) -> list[tuple[str, int]]:
    """Each (cause id, position) of the causes that carry the theme, systemic or not."""
    query = (
        select(cause_themes.c.cause_id, cause_themes.c.position)
        .where(cause_themes.c.theme_id == theme_id)
        .order_by(cause_themes.c.cause_id)
    )
    return [(row.cause_id, int(row.position)) for row in conn.execute(query)]


def postmortems_of(conn: Connection, cause_ids: Collection[str]) -> set[str]:
    """The postmortems these causes are in."""
    if not cause_ids:
        return set()
    query = select(causes.c.postmortem_id).where(causes.c.id.in_(list(cause_ids))).distinct()
    return set(conn.execute(query).scalars())


def remove_theme(conn: Connection, stored: StoredTheme) -> RemovedTheme:
    """Take the theme out of the vocabulary, and off every cause that carries it."""
    links = tuple(links_to(conn, stored.id))
    conn.execute(delete(cause_themes).where(cause_themes.c.theme_id == stored.id))
    conn.execute(delete(themes).where(themes.c.id == stored.id))
    _renumber(conn, _order(conn))
    return RemovedTheme(stored, links)


def restore_theme(conn: Connection, removed: RemovedTheme) -> set[str]:
    """Put a removed theme back with its id, and its links to the causes still in the library;
    the postmortems those causes are in."""
    insert_theme(conn, removed.stored)
    wanted = [cause_id for cause_id, _ in removed.links]
    kept = set(
        conn.execute(select(causes.c.id).where(causes.c.id.in_(wanted))).scalars() if wanted else ()
    )
    rows = [
        {"cause_id": cause_id, "theme_id": removed.stored.id, "position": position}
        for cause_id, position in removed.links
        if cause_id in kept
    ]
    if rows:
        conn.execute(cause_themes.insert(), rows)
    return postmortems_of(conn, kept)


def merge_theme(conn: Connection, source: StoredTheme, into: StoredTheme) -> MergedTheme:
    """Fold `source` into `into`: each cause that carried `source` carries `into` in its place
    (once, if it carried both), and `source` leaves the vocabulary. `into` keeps its name, and
    takes the description of `source` if it had none."""
    links = links_to(conn, source.id)
    carried = {cause_id for cause_id, _ in links_to(conn, into.id)}
    moved = tuple(cause_id for cause_id, _ in links if cause_id not in carried)
    if moved:
        conn.execute(
            update(cause_themes)
            .where(cause_themes.c.theme_id == source.id, cause_themes.c.cause_id.in_(moved))
            .values(theme_id=into.id)
        )
    if not into.theme.description and source.theme.description:
        describe_theme(conn, into.id, source.theme.description)
    remove_theme(conn, source)
    return MergedTheme(RemovedTheme(source, tuple(links)), into, moved)


def unmerge_theme(conn: Connection, merged: MergedTheme) -> set[str]:
    """Undo `merge_theme`: the causes it moved carry the first theme again, not the second,
    and both themes are as they were. The postmortems whose causes changed."""
    if merged.moved:
        conn.execute(
            delete(cause_themes).where(
                cause_themes.c.theme_id == merged.into.id,
                cause_themes.c.cause_id.in_(merged.moved),
            )
        )
    describe_theme(conn, merged.into.id, merged.into.theme.description)
    return restore_theme(conn, merged.removed)
