"""The library's contributing-factor themes: its vocabulary, how many systemic causes and
postmortems carry each theme (`pmdesk themes`), and the edits of the vocabulary itself.

A cause's themes change with the cause (services/causes.py) or with the postmortem it comes in.
The vocabulary is edited here (Edit ▸ Library themes): add, rename, describe, move, remove, merge,
each one transaction, each with its inverse, for one undo step. An edit that changes what causes
carry (a rename, a removal, a merge) marks their postmortems as changed, so that other windows
and teammates see it; its `Changes` asks every view to reload, since a theme's name shows in
any postmortem.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from pmdesk.domain.model import new_id
from pmdesk.domain.themes import Theme
from pmdesk.domain.validation import MAX_THEME_NAME_LENGTH, ValidationError, excerpt
from pmdesk.services.changes import EVERYTHING, Changes, Entity
from pmdesk.storage import edits, themes
from pmdesk.storage.library import Library
from pmdesk.storage.themes import MergedTheme as MergedTheme
from pmdesk.storage.themes import RemovedTheme as RemovedTheme
from pmdesk.storage.themes import StoredTheme
from pmdesk.storage.themes import ThemeUse as ThemeUse

MAX_THEME_DESCRIPTION_LENGTH = 500  # what a theme covers, in a sentence or two


def library_themes(library: Library) -> list[Theme]:
    """The library's themes, in its order."""
    with library.connect() as conn:
        return themes.list_themes(conn)


def theme_uses(library: Library) -> list[ThemeUse]:
    """Every theme of the library, in its order, with the systemic causes that carry it and the
    postmortems they are in; a theme nothing carries yet is there with 0 and 0."""
    with library.connect() as conn:
        return themes.theme_uses(conn)


def theme_carriers(library: Library, name: str) -> tuple[int, int]:
    """How many causes carry the theme `name`, systemic or not, and in how many postmortems:
    what removing or merging it changes. (0, 0) for a theme the library does not have."""
    with library.connect() as conn:
        stored = themes.find_theme(conn, name)
        if stored is None:
            return 0, 0
        cause_ids = [cause_id for cause_id, _ in themes.links_to(conn, stored.id)]
        return len(cause_ids), len(themes.postmortems_of(conn, cause_ids))


# ---- checks ----------------------------------------------------------------------------------


def check_theme_name(name: object) -> str:
    """A theme's name as the library keeps it (its runs of spaces made one), or ValidationError:
    empty, or longer than MAX_THEME_NAME_LENGTH."""
    if not isinstance(name, str):
        raise ValidationError("name", f"A theme's name must be text, not {type(name).__name__}.")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("name", "A theme needs a name: type a few words for it.")
    if len(cleaned) > MAX_THEME_NAME_LENGTH:
        raise ValidationError(
            "name",
            f"“{excerpt(cleaned, 40)}” is {len(cleaned)} characters long; a theme's name has at "
            f"most {MAX_THEME_NAME_LENGTH} (its description has room for the details).",
        )
    return cleaned


def check_theme_description(description: object) -> str:
    if not isinstance(description, str):
        raise ValidationError(
            "description", f"A description must be text, not {type(description).__name__}."
        )
    cleaned = description.strip()
    if len(cleaned) > MAX_THEME_DESCRIPTION_LENGTH:
        raise ValidationError(
            "description",
            f"The description is {len(cleaned)} characters long; shorten it to at most "
            f"{MAX_THEME_DESCRIPTION_LENGTH}, a sentence or two on what the theme covers.",
        )
    return cleaned


def already_there(name: str, other: Theme) -> str:
    """The message for a name that is another theme's but for case and spacing."""
    same = "is" if name == other.name else "differs only in case or spacing from"
    return f"“{name}” {same} the library's theme “{other.name}”; a theme's name must be its own."


def _found(conn: Connection, name: str) -> StoredTheme:
    stored = themes.find_theme(conn, name)
    if stored is None:
        raise ValidationError(
            "name",
            f"The library has no theme “{name}” any more (it may have been changed in another "
            "window). Close the list of themes and open it again to see what it holds now.",
        )
    return stored


def _changes(
    touched: Iterable[str],
    *,
    added: Iterable[str] = (),
    updated: Iterable[str] = (),
    removed: Iterable[str] = (),
) -> Changes:
    # Any view may show a theme's name or order: every one reloads (EVERYTHING).
    return Changes(
        Entity.THEME,
        added=frozenset(added),
        updated=frozenset({*updated, EVERYTHING}),
        removed=frozenset(removed),
        postmortem_ids=frozenset(touched),
    )


def _touch(conn: Connection, cause_ids: Iterable[str]) -> set[str]:
    """Mark the postmortems of these causes as changed; those postmortems."""
    touched = themes.postmortems_of(conn, set(cause_ids))
    for postmortem_id in touched:
        edits.touch(conn, postmortem_id)
    return touched


def _touch_postmortems(conn: Connection, postmortem_ids: Iterable[str]) -> set[str]:
    touched = set(postmortem_ids)
    for postmortem_id in touched:
        edits.touch(conn, postmortem_id)
    return touched


# ---- edits -----------------------------------------------------------------------------------


def add_theme(
    library: Library, name: str, description: str = "", index: int | None = None
) -> tuple[Theme, Changes]:
    """A new theme, at `index` of the vocabulary (None: at its end). Refused if the library has
    it already, however spelled. Undo is `remove_theme`."""
    theme = Theme(check_theme_name(name), check_theme_description(description))
    with library.transaction() as conn:
        there = themes.find_theme(conn, theme.name)
        if there is not None:
            raise ValidationError("name", already_there(theme.name, there.theme))
        at = len(themes.list_themes(conn)) if index is None else index
        themes.insert_theme(conn, StoredTheme(new_id(), theme, at))
    return theme, _changes((), added=[theme.name])


def rename_theme(library: Library, name: str, new_name: str) -> tuple[str, Changes]:
    """Call the theme `name` `new_name`, on every cause that carries it; returns the name it had
    (for undo, a rename back). Refused if `new_name` is another theme's: merge them instead."""
    cleaned = check_theme_name(new_name)
    with library.transaction() as conn:
        stored = _found(conn, name)
        other = themes.find_theme(conn, cleaned)
        if other is not None and other.id != stored.id:
            raise ValidationError(
                "name",
                f"{already_there(cleaned, other.theme)} To make “{stored.theme.name}” part of "
                f"it, merge the two.",
            )
        themes.rename_theme(conn, stored.id, cleaned)
        touched = _touch(conn, (cause_id for cause_id, _ in themes.links_to(conn, stored.id)))
    return stored.theme.name, _changes(touched, updated=[stored.theme.name, cleaned])


def describe_theme(library: Library, name: str, description: str) -> tuple[str, Changes]:
    """Say what the theme covers; returns the description it had (for undo)."""
    cleaned = check_theme_description(description)
    with library.transaction() as conn:
        stored = _found(conn, name)
        themes.describe_theme(conn, stored.id, cleaned)
    return stored.theme.description, _changes((), updated=[stored.theme.name])


def move_theme(library: Library, name: str, index: int) -> tuple[int, Changes]:
    """Put the theme at `index` of the vocabulary's order; returns the index it had."""
    with library.transaction() as conn:
        stored = _found(conn, name)
        themes.move_theme(conn, stored.id, index)
    return stored.index, _changes((), updated=[stored.theme.name])


def remove_theme(library: Library, name: str) -> tuple[RemovedTheme, Changes]:
    """Take the theme out of the vocabulary and off every cause that carries it, in one
    transaction; returns what was taken, for `restore_theme`."""
    with library.transaction() as conn:
        stored = _found(conn, name)
        removed = themes.remove_theme(conn, stored)
        touched = _touch(conn, (cause_id for cause_id, _ in removed.links))
    return removed, _changes(touched, removed=[stored.theme.name])


def restore_theme(library: Library, removed: RemovedTheme) -> Changes:
    """Put a removed theme back where it was, on the causes that carried it (those still in the
    library): the inverse of `remove_theme`."""
    with library.transaction() as conn:
        there = themes.find_theme(conn, removed.stored.theme.name)
        if there is not None:
            raise ValidationError("name", already_there(removed.stored.theme.name, there.theme))
        touched = _touch_postmortems(conn, themes.restore_theme(conn, removed))
    return _changes(touched, added=[removed.stored.theme.name])


def merge_theme(library: Library, name: str, into: str) -> tuple[MergedTheme, Changes]:
    """Fold the theme `name` into the theme `into`: every cause that carried the first carries
    the second instead, and the first leaves the vocabulary. For `unmerge_theme`, what it did."""
    with library.transaction() as conn:
        source, target = _found(conn, name), _found(conn, into)
        if source.id == target.id:
            raise ValidationError("name", f"“{name}” and “{into}” are one theme already.")
        merged = themes.merge_theme(conn, source, target)
        touched = _touch(conn, (cause_id for cause_id, _ in merged.removed.links))
    return merged, _changes(touched, updated=[target.theme.name], removed=[source.theme.name])


def unmerge_theme(library: Library, merged: MergedTheme) -> Changes:
    """Undo `merge_theme`: both themes as they were, each on the causes it was on."""
    with library.transaction() as conn:
        touched = _touch_postmortems(conn, themes.unmerge_theme(conn, merged))
    return _changes(
        touched, added=[merged.removed.stored.theme.name], updated=[merged.into.theme.name]
    )
