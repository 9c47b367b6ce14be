"""Editing the library's vocabulary of themes through its services: add, rename, describe, move,
remove (with the causes' links), merge, and the inverse of each, on both back ends."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from pmdesk.domain.model import Cause, Postmortem
from pmdesk.domain.themes import DEFAULT_THEMES, Theme
from pmdesk.domain.validation import MAX_THEME_NAME_LENGTH, ValidationError
from pmdesk.services import themes
from pmdesk.services.changes import EVERYTHING, Entity
from pmdesk.storage.library import Library
from pmdesk.storage.repository import delete_postmortem, insert_postmortem, load_postmortem
from pmdesk.storage.schema import postmortems

CHANGE, VALIDATION, DETECTION = (theme.name for theme in DEFAULT_THEMES[:3])


def names(library: Library) -> list[str]:
    return [theme.name for theme in themes.library_themes(library)]


def uses(library: Library) -> dict[str, tuple[int, int]]:
    return {u.theme.name: (u.causes, u.postmortems) for u in themes.theme_uses(library)}


def themed(title: str, *carried: list[str]) -> Postmortem:
    """A postmortem with one systemic why per list of theme names given."""
    problem = Cause(f"{title}-p", "Checkout failed")
    whys = [
        Cause(f"{title}-c{i}", f"Why {i}", parent_id=problem.id, systemic=True, themes=list(n))
        for i, n in enumerate(carried, start=1)
    ]
    return Postmortem(title=title, causes=[problem, *whys])


def store(library: Library, *stored: Postmortem) -> None:
    with library.transaction() as conn:
        for postmortem in stored:
            insert_postmortem(conn, postmortem)


def carried(library: Library, postmortem: Postmortem) -> list[list[str]]:
    """Each of the postmortem's causes' themes, as loaded back."""
    with library.connect() as conn:
        loaded = load_postmortem(conn, postmortem.id)
    assert loaded is not None
    return [cause.themes for cause in loaded.causes]


def stamp(library: Library, postmortem_id: str) -> datetime:
    with library.connect() as conn:
        query = select(postmortems.c.updated_at).where(postmortems.c.id == postmortem_id)
        value: datetime = conn.execute(query).scalar_one()
        return value


@pytest.fixture
def two(library: Library) -> tuple[Postmortem, Postmortem]:
    first = themed("First", [CHANGE, DETECTION], [CHANGE])
    second = themed("Second", [DETECTION, CHANGE], [VALIDATION])
    store(library, first, second)
    return first, second


def test_add_puts_a_new_theme_at_the_end_or_where_asked(library: Library) -> None:
    theme, changes = themes.add_theme(library, "  Vendor   risk ", "Third parties we lean on")
    assert theme == Theme("Vendor risk", "Third parties we lean on")
    assert changes.entity is Entity.THEME and EVERYTHING in changes.updated
    assert names(library)[-1] == "Vendor risk"
    themes.add_theme(library, "Tooling", index=0)
    assert names(library)[:2] == ["Tooling", CHANGE]
    assert uses(library)["Tooling"] == (0, 0)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "needs a name"),
        ("x" * (MAX_THEME_NAME_LENGTH + 1), f"at most {MAX_THEME_NAME_LENGTH}"),
        ("change  MANAGEMENT", "differs only in case or spacing from the library's theme"),
        (CHANGE, "is the library's theme"),
    ],
)
def test_add_refuses_a_name_that_is_empty_too_long_or_taken(
    library: Library, name: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        themes.add_theme(library, name)
    assert names(library) == [theme.name for theme in DEFAULT_THEMES]


def test_rename_changes_the_name_on_every_cause_and_marks_their_postmortems(
    library: Library, two: tuple[Postmortem, Postmortem]
) -> None:
    first, second = two
    before = stamp(library, first.id), stamp(library, second.id)
    old, changes = themes.rename_theme(library, CHANGE, "Rollouts")
    assert old == CHANGE
    assert changes.postmortem_ids == {first.id, second.id}
    assert carried(library, first)[1:] == [["Rollouts", DETECTION], ["Rollouts"]]
    assert carried(library, second)[1:] == [[DETECTION, "Rollouts"], [VALIDATION]]
    assert names(library)[0] == "Rollouts"
    assert uses(library)["Rollouts"] == (3, 2)
    assert stamp(library, first.id) > before[0] and stamp(library, second.id) > before[1]
    themes.rename_theme(library, "rollouts", old)  # the inverse, found however spelled
    assert carried(library, first)[1:] == [[CHANGE, DETECTION], [CHANGE]]


def test_rename_may_change_a_themes_own_case_but_not_take_anothers_name(
    library: Library, two: tuple[Postmortem, Postmortem]
) -> None:
    themes.rename_theme(library, CHANGE, CHANGE.upper())
    assert names(library)[0] == CHANGE.upper()
    with pytest.raises(ValidationError, match="merge the two"):
        themes.rename_theme(library, CHANGE, f" {DETECTION.lower()} ")
    with pytest.raises(ValidationError, match="needs a name"):
        themes.rename_theme(library, CHANGE, "")
    assert names(library)[:3] == [CHANGE.upper(), VALIDATION, DETECTION]


def test_describe_and_its_inverse(library: Library) -> None:
    old, _ = themes.describe_theme(library, VALIDATION, "  Checks before a change lands  ")
    assert old == DEFAULT_THEMES[1].description
    assert themes.library_themes(library)[1].description == "Checks before a change lands"
    with pytest.raises(ValidationError, match="at most"):
        themes.describe_theme(library, VALIDATION, "x" * 501)
    themes.describe_theme(library, VALIDATION, old)
    assert themes.library_themes(library)[1] == DEFAULT_THEMES[1]


def test_move_and_its_inverse(library: Library) -> None:
    start = names(library)
    old, _ = themes.move_theme(library, DETECTION, 0)
    assert old == 2
    assert names(library)[:3] == [DETECTION, CHANGE, VALIDATION]
    themes.move_theme(library, DETECTION, 99)  # past the end: last
    assert names(library)[-1] == DETECTION
    themes.move_theme(library, DETECTION, old)
    assert names(library) == start


def test_remove_takes_the_theme_off_its_causes_and_restore_puts_every_link_back(
    library: Library, two: tuple[Postmortem, Postmortem]
) -> None:
    first, second = two
    start = names(library), uses(library)
    removed, changes = themes.remove_theme(library, CHANGE)
    assert changes.removed == {CHANGE}
    assert changes.postmortem_ids == {first.id, second.id}
    assert CHANGE not in names(library)
    assert carried(library, first)[1:] == [[DETECTION], []]
    assert carried(library, second)[1:] == [[DETECTION], [VALIDATION]]
    themes.restore_theme(library, removed)
    assert (names(library), uses(library)) == start
    # Each cause has its themes in its own order again.
    assert carried(library, second)[1:] == [[DETECTION, CHANGE], [VALIDATION]]


def test_restore_skips_causes_deleted_since(
    library: Library, two: tuple[Postmortem, Postmortem]
) -> None:
    first, second = two
    removed, _ = themes.remove_theme(library, CHANGE)
    with library.transaction() as conn:
        delete_postmortem(conn, first.id)
    changes = themes.restore_theme(library, removed)
    assert changes.postmortem_ids == {second.id}
    assert uses(library)[CHANGE] == (1, 1)


def test_merge_moves_the_causes_once_and_unmerge_brings_both_back(
    library: Library, two: tuple[Postmortem, Postmortem]
) -> None:
    first, second = two
    start = names(library), uses(library)
    themes.describe_theme(library, DETECTION, "")
    merged, changes = themes.merge_theme(library, CHANGE, DETECTION)
    assert changes.removed == {CHANGE} and DETECTION in changes.updated
    assert CHANGE not in names(library)
    # A cause that carried both carries the one left once, where it had it.
    assert carried(library, first)[1:] == [[DETECTION], [DETECTION]]
    assert carried(library, second)[1:] == [[DETECTION], [VALIDATION]]
    assert uses(library)[DETECTION] == (3, 2)
    # The one left had no description: it takes the merged one's.
    detection = next(t for t in themes.library_themes(library) if t.name == DETECTION)
    assert detection.description == DEFAULT_THEMES[0].description
    themes.unmerge_theme(library, merged)
    themes.describe_theme(library, DETECTION, DEFAULT_THEMES[2].description)
    assert (names(library), uses(library)) == start
    assert carried(library, first)[1:] == [[CHANGE, DETECTION], [CHANGE]]
    assert carried(library, second)[1:] == [[DETECTION, CHANGE], [VALIDATION]]


def test_a_theme_that_is_gone_is_said_so(library: Library) -> None:
    themes.remove_theme(library, CHANGE)
    for edit in (
        lambda: themes.rename_theme(library, CHANGE, "Anything"),
        lambda: themes.describe_theme(library, CHANGE, "x"),
        lambda: themes.move_theme(library, CHANGE, 0),
        lambda: themes.remove_theme(library, CHANGE),
        lambda: themes.merge_theme(library, CHANGE, DETECTION),
    ):
        with pytest.raises(ValidationError, match="no theme “Change management” any more"):
            edit()


def test_a_theme_cannot_be_merged_into_itself(library: Library) -> None:
    with pytest.raises(ValidationError, match="one theme already"):
        themes.merge_theme(library, CHANGE, CHANGE.lower())
    assert names(library)[0] == CHANGE


def test_carriers_count_every_cause_that_carries_a_theme_systemic_or_not(
    library: Library, two: tuple[Postmortem, Postmortem]
) -> None:
    problem = Cause("t-p", "Slow pages")
    why = Cause("t-c", "Why", parent_id=problem.id, themes=[CHANGE])  # not systemic
    store(library, Postmortem(title="Third", causes=[problem, why]))
    assert themes.theme_carriers(library, "change MANAGEMENT") == (4, 3)
    assert uses(library)[CHANGE] == (3, 2)  # the list counts systemic causes only
    assert themes.theme_carriers(library, "Nothing like it") == (0, 0)
