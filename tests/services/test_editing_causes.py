"""Adding, changing, moving, deleting and restoring causes, and the actions that address them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmdesk.domain.cause_tree import CauseTree
from pmdesk.domain.model import ActionItem, Cause, Postmortem
from pmdesk.domain.themes import Theme
from pmdesk.domain.validation import ValidationError
from pmdesk.services import actions, causes, postmortems, themes
from pmdesk.services.changes import Entity
from pmdesk.storage import cause_edits
from pmdesk.storage.library import Library
from tests.services.conftest import DiskPulledOutError, every_row, fail_after, reload


def by_ref(pm: Postmortem, ref: str) -> Cause:
    return next(c for c in pm.causes if c.ref == ref)


def shape(pm: Postmortem) -> list[tuple[str, list[str]]]:
    """The tree as (ref, child refs in order) for every cause, parents first."""
    tree = CauseTree(pm.causes)
    return [(c.ref, [k.ref for k in tree.children(c.id)]) for c in tree.preorder()]


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, ["c9", "c1", "c3"]),
        (1, ["c1", "c9", "c3"]),
        (None, ["c1", "c3", "c9"]),
        (7, ["c1", "c3", "c9"]),
    ],
)
def test_a_why_is_added_among_its_siblings_and_undone_by_deleting_it(
    library: Library, stored: Postmortem, index: int | None, expected: list[str]
) -> None:
    problem = by_ref(stored, "p1")
    new = Cause("c9", "The deploy skipped the canary", parent_id=problem.id)
    added, change = causes.add_cause(library, stored.id, new, index)
    assert added == new
    assert change.entity is Entity.CAUSE and change.added == frozenset({new.id})
    after = reload(library, stored.id)
    assert dict(shape(after))["p1"] == expected

    causes.delete_causes(library, stored.id, [new.id])
    assert reload(library, stored.id) == stored


def test_a_cause_without_a_free_ref_gets_the_next_one(library: Library, stored: Postmortem) -> None:
    # "c1" is taken by a cause and "a1" by an action: refs are shared by both kinds
    added, _ = causes.add_cause(library, stored.id, Cause("c1", "A new problem statement"))
    assert added.ref == "c5"
    unnamed, _ = causes.add_cause(library, stored.id, Cause("", "Another problem statement"))
    assert unnamed.ref == "c6"
    assert by_ref(reload(library, stored.id), "c6").parent_id is None


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_a_blank_cause_is_refused_and_nothing_is_written(
    library: Library, stored: Postmortem, text: str
) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match="no text"):
        causes.add_cause(library, stored.id, Cause("", text))
    with pytest.raises(ValidationError, match="no text"):
        causes.update_cause(library, stored.id, replace(by_ref(stored, "c1"), text=text))
    assert every_row(library) == before


def test_a_cause_under_a_parent_that_is_gone_is_refused(
    library: Library, stored: Postmortem
) -> None:
    before = every_row(library)
    with pytest.raises(postmortems.NotFoundError, match="no longer in this postmortem"):
        causes.add_cause(library, stored.id, Cause("", "why", parent_id="not-a-cause"))
    assert every_row(library) == before


def test_text_systemic_and_evidence_change_and_change_back(
    library: Library, stored: Postmortem
) -> None:
    c1 = by_ref(stored, "c1")
    last_event = stored.timeline[-1].id
    changed = replace(
        c1,
        text="The config loader accepts any YAML",
        systemic=True,
        evidence=[last_event, c1.evidence[0]],
    )
    old, change = causes.update_cause(library, stored.id, changed)
    assert old == c1 and change.updated == frozenset({c1.id})
    assert by_ref(reload(library, stored.id), "c1") == changed

    causes.update_cause(library, stored.id, replace(old, version=old.version + 1))
    assert reload(library, stored.id) == stored
    assert by_ref(reload(library, stored.id), "c1").version == c1.version + 2


def test_evidence_must_be_events_of_this_postmortem(library: Library, stored: Postmortem) -> None:
    before = every_row(library)
    c1 = by_ref(stored, "c1")
    with pytest.raises(postmortems.NotFoundError, match="timeline events"):
        causes.update_cause(library, stored.id, replace(c1, evidence=["elsewhere"]))
    assert every_row(library) == before


def test_a_move_takes_the_subtree_along_and_undo_restores_the_tree(
    library: Library, stored: Postmortem
) -> None:
    c1, c3 = by_ref(stored, "c1"), by_ref(stored, "c3")
    old, change = causes.move_cause(library, stored.id, c1.id, c3.id, 0)
    assert change.updated == frozenset({c1.id})
    moved = reload(library, stored.id)
    assert dict(shape(moved)) == {
        "p1": ["c3"],
        "c3": ["c1", "c4"],
        "c1": ["c2"],
        "c2": [],
        "c4": [],
        "p2": [],
    }
    causes.restore_shape(library, stored.id, old)
    assert reload(library, stored.id) == stored


def test_a_move_to_the_top_makes_a_problem_statement(library: Library, stored: Postmortem) -> None:
    c3 = by_ref(stored, "c3")
    old, _ = causes.move_cause(library, stored.id, c3.id, None, 1)
    assert [c.ref for c in CauseTree(reload(library, stored.id).causes).roots] == ["p1", "c3", "p2"]
    causes.restore_shape(library, stored.id, old)
    assert reload(library, stored.id) == stored


@pytest.mark.parametrize(("moved", "under"), [("c1", "c2"), ("p1", "c4"), ("c1", "c1")])
def test_a_move_that_would_loop_is_refused(
    library: Library, stored: Postmortem, moved: str, under: str
) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match="would loop"):
        causes.move_cause(library, stored.id, by_ref(stored, moved).id, by_ref(stored, under).id)
    assert every_row(library) == before


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_allowed_move_keeps_a_tree_and_undoes_exactly(
    library: Library, stored: Postmortem, data: st.DataObject
) -> None:
    ids = [c.id for c in stored.causes]
    moved = data.draw(st.sampled_from(ids))
    parent = data.draw(st.sampled_from([None, *ids]))
    index = data.draw(st.none() | st.integers(0, 4))
    tree = CauseTree(stored.causes)
    if tree.would_loop(moved, parent):
        with pytest.raises(ValidationError):
            causes.move_cause(library, stored.id, moved, parent, index)
        return
    old, _ = causes.move_cause(library, stored.id, moved, parent, index)
    after = reload(library, stored.id)
    after_tree = CauseTree(after.causes)
    assert len(after_tree.preorder()) == len(stored.causes)  # still one forest, nothing lost
    before = tree.get(moved)
    assert before is not None
    assert after_tree.get(moved) == replace(before, parent_id=parent)
    siblings = [c.id for c in after_tree.children(parent)]
    assert siblings.index(moved) == min(index if index is not None else 99, len(siblings) - 1)
    assert [c.id for c in after_tree.subtree(moved)] == [c.id for c in tree.subtree(moved)]
    causes.restore_shape(library, stored.id, old)
    assert reload(library, stored.id) == stored


def test_deleting_a_cause_takes_its_subtree_and_undo_brings_all_back(
    library: Library, stored: Postmortem
) -> None:
    p1 = by_ref(stored, "p1")
    deleted, change = causes.delete_causes(library, stored.id, [by_ref(stored, "c1").id, p1.id])
    assert change.removed == {c.id for c in stored.causes if c.ref != "p2"}
    after = reload(library, stored.id)
    assert [c.ref for c in after.causes] == ["p2"]
    # the actions stay, no longer tied to a cause
    assert len(after.actions) == len(stored.actions)
    assert all(a.cause_id is None for a in after.actions)

    causes.restore_causes(library, stored.id, deleted)
    assert reload(library, stored.id) == stored


def test_a_delete_that_fails_half_way_writes_nothing(
    library: Library, stored: Postmortem, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = every_row(library)
    fail_after(monkeypatch, cause_edits, "delete_causes")
    with pytest.raises(DiskPulledOutError):
        causes.delete_causes(library, stored.id, [by_ref(stored, "p1").id])
    assert every_row(library) == before


def test_an_action_for_a_cause_is_added_linked_and_comes_back_after_a_delete(
    library: Library, stored: Postmortem
) -> None:
    c2 = by_ref(stored, "c2")
    new = ActionItem("", "Validate the config schema in CI, owned by platform", cause_id=c2.id)
    added, change = actions.add_action(library, stored.id, new)
    assert added.ref == "a5" and change.entity is Entity.ACTION
    after = reload(library, stored.id)
    assert after.actions[-1] == added and after.actions[-1].cause_id == c2.id

    deleted, _ = actions.delete_actions(library, stored.id, [added.id])
    assert reload(library, stored.id) == stored
    actions.restore_actions(library, stored.id, deleted)
    assert reload(library, stored.id) == after


def test_a_blank_action_title_is_refused(library: Library, stored: Postmortem) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match="no title"):
        actions.add_action(library, stored.id, ActionItem("", "  "))
    assert every_row(library) == before


# --- themes -----------------------------------------------------------------------------------


def test_an_edit_that_does_not_touch_themes_keeps_them(
    library: Library, stored: Postmortem
) -> None:
    c2 = by_ref(stored, "c2")
    assert len(c2.themes) == 2
    edits = [
        replace(c2, text="The config schema is checked nowhere"),
        replace(c2, systemic=False),  # unmarked: kept, though no longer counted
        replace(c2, evidence=[stored.timeline[0].id]),
    ]
    for edit in edits:
        current = by_ref(reload(library, stored.id), "c2")
        causes.update_cause(library, stored.id, replace(edit, version=current.version))
        assert by_ref(reload(library, stored.id), "c2").themes == c2.themes
    causes.move_cause(library, stored.id, c2.id, None)
    assert by_ref(reload(library, stored.id), "c2").themes == c2.themes


def test_themes_change_and_change_back_and_a_new_one_joins_the_vocabulary(
    library: Library, stored: Postmortem
) -> None:
    c4 = by_ref(stored, "c4")
    changed = replace(
        c4, themes=["Capacity and limits", "detection AND alerting", "Paging fatigue"]
    )
    old, _ = causes.update_cause(library, stored.id, changed)
    assert old == c4
    after = by_ref(reload(library, stored.id), "c4")
    assert after.themes == ["Capacity and limits", "Detection and alerting", "Paging fatigue"]
    assert themes.library_themes(library)[-1] == Theme("Paging fatigue", "")

    causes.update_cause(library, stored.id, replace(old, version=after.version))
    assert by_ref(reload(library, stored.id), "c4").themes == c4.themes


@pytest.mark.parametrize(
    ("names", "rule"),
    [
        (["  "], "has no name"),
        (["x" * 61], "at most 60"),
        (["Own", "own"], "already on this cause"),
    ],
)
def test_a_bad_theme_is_refused_and_nothing_is_written(
    library: Library, stored: Postmortem, names: list[str], rule: str
) -> None:
    before = every_row(library)
    c2 = by_ref(stored, "c2")
    with pytest.raises(ValidationError, match=rule) as refused:
        causes.update_cause(library, stored.id, replace(c2, themes=names))
    assert refused.value.field == "themes" and refused.value.item_id == c2.id
    with pytest.raises(ValidationError, match=rule):
        causes.add_cause(library, stored.id, Cause("", "why", themes=names))
    assert every_row(library) == before


def test_deleted_causes_come_back_with_their_themes(library: Library, stored: Postmortem) -> None:
    c1 = by_ref(stored, "c1")  # with c2 below it: both carry themes
    deleted, _ = causes.delete_causes(library, stored.id, [c1.id])
    assert {p.cause.ref: p.cause.themes for p in deleted.causes} == {
        "c1": c1.themes,
        "c2": by_ref(stored, "c2").themes,
    }
    causes.restore_causes(library, stored.id, deleted)
    assert reload(library, stored.id) == stored
