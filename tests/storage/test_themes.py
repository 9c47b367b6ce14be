"""The library's vocabulary of themes, the themes its causes carry, and the counts per theme."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from pmdesk.domain.model import Cause, Postmortem
from pmdesk.domain.themes import DEFAULT_THEMES, Theme
from pmdesk.storage import themes
from pmdesk.storage.library import Library
from pmdesk.storage.repository import insert_postmortem, load_postmortem
from pmdesk.storage.schema import cause_themes, causes
from pmdesk.storage.schema import themes as theme_table
from pmdesk.storage.themes import ThemeUse
from tests.storage.examples import NEW_THEME, rich_postmortem


def vocabulary(library: Library) -> list[Theme]:
    with library.connect() as conn:
        return themes.list_themes(conn)


def uses(library: Library) -> dict[str, tuple[int, int]]:
    with library.connect() as conn:
        return {use.theme.name: (use.causes, use.postmortems) for use in themes.theme_uses(conn)}


def store(library: Library, *postmortems: Postmortem) -> None:
    with library.transaction() as conn:
        for postmortem in postmortems:
            insert_postmortem(conn, postmortem)


def with_causes(*named: tuple[bool, list[str]]) -> Postmortem:
    """A postmortem whose problem statement has one why per (systemic, themes) given."""
    problem = Cause("p1", "Checkout failed")
    whys = [
        Cause(f"c{i}", f"Why {i}", parent_id=problem.id, systemic=systemic, themes=list(names))
        for i, (systemic, names) in enumerate(named, start=1)
    ]
    return Postmortem(title="Themed", causes=[problem, *whys])


def test_a_new_library_starts_with_the_default_themes_in_order(library: Library) -> None:
    assert vocabulary(library) == list(DEFAULT_THEMES)
    assert uses(library) == {theme.name: (0, 0) for theme in DEFAULT_THEMES}


def test_a_cause_keeps_its_themes_in_order_and_a_new_one_joins_the_vocabulary(
    library: Library,
) -> None:
    pm = rich_postmortem()
    store(library, pm)
    with library.connect() as conn:
        assert load_postmortem(conn, pm.id) == pm
    assert vocabulary(library) == [*DEFAULT_THEMES, Theme(NEW_THEME, "")]

    store(library, rich_postmortem())  # the same new theme again: not a second time
    assert len(vocabulary(library)) == len(DEFAULT_THEMES) + 1


def test_a_theme_spelled_otherwise_is_the_vocabulary_s_and_comes_back_spelled_so(
    library: Library,
) -> None:
    pm = with_causes((True, ["  change   MANAGEMENT ", "Flaky CI"]), (True, ["flaky  ci"]))
    store(library, pm)
    with library.connect() as conn:
        loaded = load_postmortem(conn, pm.id)
    assert loaded is not None
    assert [c.themes for c in loaded.causes] == [
        [],
        ["Change management", "Flaky CI"],
        ["Flaky CI"],
    ]
    assert vocabulary(library)[-1] == Theme("Flaky CI", "")
    assert len(vocabulary(library)) == len(DEFAULT_THEMES) + 1


def test_the_counts_take_systemic_causes_only_and_each_postmortem_once(library: Library) -> None:
    first = with_causes((True, ["Change management"]), (True, ["Change management", "Own"]))
    second = with_causes((True, ["change management"]), (False, ["Detection and alerting"]))
    store(library, first, second)

    counted = uses(library)
    assert list(counted) == [*(t.name for t in DEFAULT_THEMES), "Own"]  # in the vocabulary's order
    assert counted["Change management"] == (3, 2)
    assert counted["Own"] == (1, 1)
    assert counted["Detection and alerting"] == (0, 0)  # only on a cause that is not systemic
    with library.connect() as conn:
        found = themes.theme_uses(conn)
    assert found[0] == ThemeUse(DEFAULT_THEMES[0], 3, 2)  # with its description


def test_deleting_a_cause_takes_its_links_and_leaves_the_vocabulary(library: Library) -> None:
    pm = rich_postmortem()
    store(library, pm)
    systemic = next(c for c in pm.causes if c.systemic and c.themes)
    with library.transaction() as conn:
        conn.execute(delete(causes).where(causes.c.id == systemic.id))
    with library.connect() as conn:
        left = conn.execute(select(cause_themes.c.cause_id)).scalars().all()
    assert systemic.id not in left and left
    assert len(vocabulary(library)) == len(DEFAULT_THEMES) + 1


def test_a_theme_a_cause_carries_cannot_be_deleted_from_under_it(library: Library) -> None:
    store(library, with_causes((True, ["Own"])))
    with pytest.raises(IntegrityError), library.transaction() as conn:
        conn.execute(delete(theme_table).where(theme_table.c.name == "Own"))
    assert vocabulary(library)[-1] == Theme("Own", "")


def test_a_save_that_fails_adds_no_theme(library: Library) -> None:
    pm = with_causes((True, ["Brand new"]))
    clash = replace(with_causes(), id=pm.id)  # the same id: the second insert is refused
    with pytest.raises(IntegrityError):
        store(library, pm, clash)
    assert vocabulary(library) == list(DEFAULT_THEMES)
