"""Changing actions: history entries, reasons for dropping and re-scoping, exact undo."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from pmdesk.domain.model import (
    ActionChange,
    ActionField,
    ActionItem,
    ActionStatus,
    Postmortem,
    Priority,
)
from pmdesk.domain.readiness import check
from pmdesk.domain.validation import ValidationError
from pmdesk.services import actions, postmortems
from pmdesk.storage.library import Library
from tests.services.conftest import every_row, reload

NOW = datetime(2026, 4, 2, 9, 30, tzinfo=UTC)


def by_ref(pm: Postmortem, ref: str) -> ActionItem:
    return next(a for a in pm.actions if a.ref == ref)


def test_a_status_change_is_kept_with_its_date_and_undone_exactly(
    library: Library, stored: Postmortem
) -> None:
    a1 = by_ref(stored, "a1")
    old, new, change = actions.change_action(
        library, stored.id, replace(a1, status=ActionStatus.IN_PROGRESS), now=NOW
    )
    assert old == a1 and change.updated == frozenset({a1.id})
    assert new.history[-1] == ActionChange(NOW, ActionField.STATUS, "open", "in_progress")
    assert by_ref(reload(library, stored.id), "a1") == new
    assert new.history[:-1] == a1.history  # earlier entries stay as they were
    assert new.version == by_ref(reload(library, stored.id), "a1").version == a1.version + 1

    # Undo and redo each write over the version the step before left.
    actions.put_action(library, stored.id, replace(old, version=new.version))
    assert reload(library, stored.id) == stored
    actions.put_action(library, stored.id, replace(new, version=new.version + 1))
    assert by_ref(reload(library, stored.id), "a1") == new
    assert by_ref(reload(library, stored.id), "a1").version == a1.version + 3


def test_a_put_stores_exactly_the_history_given_whatever_it_shares_with_the_stored_one(
    library: Library, stored: Postmortem
) -> None:
    """Only the entries after the shared ones are written: a longer, shorter, different or empty
    history must still come back entry for entry."""
    a1 = by_ref(stored, "a1")
    started = ActionChange(NOW, ActionField.STATUS, "open", "in_progress")
    owned = ActionChange(NOW, ActionField.OWNER, None, "SRE team", "Agreed in review")
    raised = ActionChange(NOW, ActionField.PRIORITY, "P1", "P0")
    version = a1.version
    for history in (
        [*a1.history, started, owned],
        [*a1.history, started],
        [*a1.history, raised, owned],
        [raised],
        [],
        a1.history,
    ):
        actions.put_action(library, stored.id, replace(a1, history=list(history), version=version))
        version += 1
        assert by_ref(reload(library, stored.id), "a1").history == history
    assert reload(library, stored.id) == stored


def test_every_tracked_field_gets_an_entry_and_others_none(
    library: Library, stored: Postmortem
) -> None:
    a2 = by_ref(stored, "a2")  # in progress, P0, no owner, no due date
    changed = replace(
        a2,
        owner="SRE team",
        due=date(2026, 5, 1),
        priority=Priority.P1,
        title="Lower the alert threshold to 2% for 2 minutes",
        notes="Agreed in review",
    )
    _, new, _ = actions.change_action(library, stored.id, changed, now=NOW)
    assert [(c.field, c.old, c.new) for c in new.history] == [
        (ActionField.OWNER, None, "SRE team"),
        (ActionField.DUE, None, "2026-05-01"),  # a first date is not a re-scope: no reason asked
        (ActionField.PRIORITY, "P0", "P1"),
    ]


def test_dropping_needs_a_reason_which_is_kept(library: Library, stored: Postmortem) -> None:
    a1 = by_ref(stored, "a1")
    before = every_row(library)
    dropped = replace(a1, status=ActionStatus.DROPPED, notes="")
    with pytest.raises(ValidationError, match="Say why"):
        actions.change_action(library, stored.id, dropped, "  ", now=NOW)
    assert every_row(library) == before

    _, new, _ = actions.change_action(library, stored.id, dropped, "Replaced by a2", now=NOW)
    assert new.history[-1] == ActionChange(
        NOW, ActionField.STATUS, "open", "dropped", "Replaced by a2"
    )
    # the reason in the history is enough for readiness, even with empty notes
    findings = check(reload(library, stored.id), date(2026, 4, 2))
    assert not [f for f in findings if f.rule == "dropped-without-reason" and f.target_id == a1.id]


def test_moving_an_agreed_due_date_needs_a_note(library: Library, stored: Postmortem) -> None:
    a1 = by_ref(stored, "a1")  # due 2026-03-15
    before = every_row(library)
    later = replace(a1, due=date(2026, 4, 30))
    with pytest.raises(ValidationError, match="was due 2026-03-15"):
        actions.change_action(library, stored.id, later, now=NOW)
    assert every_row(library) == before
    _, new, _ = actions.change_action(library, stored.id, later, "Vendor fix slipped", now=NOW)
    assert new.history[-1] == ActionChange(
        NOW, ActionField.DUE, "2026-03-15", "2026-04-30", "Vendor fix slipped"
    )


def test_a_change_of_an_action_that_is_gone_is_refused(
    library: Library, stored: Postmortem
) -> None:
    with pytest.raises(postmortems.NotFoundError):
        actions.change_action(library, stored.id, ActionItem("", "A title", id="gone"))


def test_history_survives_export_and_import(library: Library, stored: Postmortem, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a1 = by_ref(stored, "a1")
    actions.change_action(library, stored.id, replace(a1, status=ActionStatus.DONE), now=NOW)
    path = tmp_path / "out.json"
    postmortems.export_postmortem(library, stored.id, path)
    (again,) = postmortems.import_files(library, [path]).postmortem_ids
    assert (
        by_ref(reload(library, again), "a1").history
        == by_ref(reload(library, stored.id), "a1").history
    )
