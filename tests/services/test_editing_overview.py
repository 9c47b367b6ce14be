"""Editing a postmortem's own fields and its lists of metrics, participants and tags."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from pmdesk.domain.model import (
    ImpactMetric,
    Participant,
    Postmortem,
    PostmortemKind,
    PostmortemStatus,
    Severity,
)
from pmdesk.domain.validation import MAX_TITLE_LENGTH, ValidationError
from pmdesk.services import overview, postmortems
from pmdesk.services.changes import Entity
from pmdesk.storage import edits
from pmdesk.storage.library import Library
from pmdesk.storage.schema import postmortems as postmortems_table
from tests.services.conftest import DiskPulledOutError, every_row, fail_after, reload


def on(library: Library, postmortem_id: str) -> int:
    """The version the postmortem has now: what an edit of its fields or lists is made on."""
    return postmortems.get_postmortem(library, postmortem_id).version


def updated_at(library: Library, postmortem_id: str) -> Any:
    query = select(postmortems_table.c.updated_at).where(postmortems_table.c.id == postmortem_id)
    with library.connect() as conn:
        return conn.execute(query).scalar_one()


def test_fields_are_set_and_the_old_values_undo_them(library: Library, stored: Postmortem) -> None:
    new: dict[str, Any] = {
        "title": "Checkout outage",
        "kind": PostmortemKind.NEAR_MISS,
        "severity": None,
        "status": PostmortemStatus.FINAL,
        "timezone": "America/St_Johns",
        "summary": "",
        "impact_summary": "Nobody noticed 🙂",
    }
    old, changes = overview.update_fields(library, stored.id, new, on(library, stored.id))
    assert reload(library, stored.id) == replace(stored, **new)
    assert old == {name: getattr(stored, name) for name in new}
    assert changes.entity is Entity.POSTMORTEM
    assert changes.updated == changes.postmortem_ids == frozenset({stored.id})

    overview.update_fields(library, stored.id, old, on(library, stored.id))
    assert reload(library, stored.id) == stored


def test_enum_fields_also_take_their_string_values(library: Library, stored: Postmortem) -> None:
    overview.update_fields(
        library, stored.id, {"severity": "SEV1", "status": "draft"}, on(library, stored.id)
    )
    edited = reload(library, stored.id)
    assert (edited.severity, edited.status) == (Severity.SEV1, PostmortemStatus.DRAFT)


def test_only_the_named_fields_change(library: Library, stored: Postmortem) -> None:
    old, _ = overview.update_fields(
        library, stored.id, {"title": "New title"}, on(library, stored.id)
    )
    assert old == {"title": stored.title}
    assert reload(library, stored.id) == replace(stored, title="New title")


def test_every_edit_marks_the_postmortem_as_changed(library: Library, stored: Postmortem) -> None:
    before = updated_at(library, stored.id)
    overview.set_tags(library, stored.id, stored.tags, on(library, stored.id))
    assert updated_at(library, stored.id) > before


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": "   "}, "title", "title is empty"),
        ({"title": "x" * (MAX_TITLE_LENGTH + 1)}, "title", "at most 300"),
        ({"title": None}, "title", "must be text"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "IANA name"),
        ({"timezone": ""}, "timezone", "not a time zone"),
        ({"kind": "outage"}, "kind", "choose one of “incident”, “near-miss”"),
        ({"severity": "SEV0"}, "severity", "not a valid severity"),
        ({"status": None}, "status", "not a valid status"),
        ({"summary": 42}, "summary", "The summary must be text"),
        ({"summary": "fine", "title": ""}, "title", "title is empty"),
    ],
)
def test_refused_values_write_nothing(
    library: Library, stored: Postmortem, values: dict[str, object], field: str, message: str
) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match=message) as caught:
        overview.update_fields(library, stored.id, values, on(library, stored.id))
    assert caught.value.field == field
    assert str(caught.value) == caught.value.message
    assert every_row(library) == before


def test_a_field_that_is_not_editable_is_a_bug_not_a_user_error(
    library: Library, stored: Postmortem
) -> None:
    with pytest.raises(ValueError, match="'id' is not an editable field"):
        overview.update_fields(library, stored.id, {"id": "x"}, on(library, stored.id))


def test_editing_a_postmortem_that_is_gone_says_so(library: Library) -> None:
    with pytest.raises(postmortems.NotFoundError, match="no longer in this library"):
        overview.update_fields(library, "0" * 32, {"title": "x"}, 1)


def test_a_failure_part_way_writes_nothing(
    library: Library, stored: Postmortem, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = every_row(library)
    fail_after(monkeypatch, edits, "update_header")
    with pytest.raises(DiskPulledOutError):
        overview.update_fields(
            library, stored.id, {"title": "Half written"}, on(library, stored.id)
        )
    assert every_row(library) == before


def test_metrics_are_replaced_and_keep_int_and_float_exactly(
    library: Library, stored: Postmortem
) -> None:
    new = [
        ImpactMetric("Huge", 2**70 + 1, None),
        ImpactMetric("Whole float", 12400.0, "EUR"),
        ImpactMetric("Tiny", 5e-324, "s"),
        ImpactMetric("", 0, ""),  # as in an interchange file, a name may be empty
    ]
    old, changes = overview.set_metrics(library, stored.id, new, on(library, stored.id))
    assert old == stored.metrics
    assert changes.updated == frozenset({stored.id})
    reloaded = reload(library, stored.id).metrics
    assert reloaded == new
    assert [type(m.value) for m in reloaded] == [int, float, float, int]

    overview.set_metrics(library, stored.id, old, on(library, stored.id))
    assert reload(library, stored.id) == stored


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True])
def test_metric_values_must_be_finite_numbers(
    library: Library, stored: Postmortem, value: float
) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match="enter a finite number") as caught:
        overview.set_metrics(
            library, stored.id, [ImpactMetric("Errors", value)], on(library, stored.id)
        )
    assert caught.value.field == "metrics"
    assert every_row(library) == before


def test_participants_are_replaced_in_order_and_restored(
    library: Library, stored: Postmortem
) -> None:
    new = [Participant("Zoë", None), Participant("Dana Q.", "scribe"), Participant("Zoë", "sre")]
    old, _ = overview.set_participants(library, stored.id, new, on(library, stored.id))
    assert reload(library, stored.id).participants == new
    overview.set_participants(library, stored.id, old, on(library, stored.id))
    assert reload(library, stored.id) == stored


def test_tags_are_replaced_and_restored(library: Library, stored: Postmortem) -> None:
    old, changes = overview.set_tags(
        library, stored.id, ["b", "a", "Ünïcode"], on(library, stored.id)
    )
    assert reload(library, stored.id).tags == ["b", "a", "Ünïcode"]
    assert old == stored.tags and changes.entity is Entity.POSTMORTEM
    overview.set_tags(library, stored.id, [], on(library, stored.id))
    assert reload(library, stored.id).tags == []
    overview.set_tags(library, stored.id, old, on(library, stored.id))
    assert reload(library, stored.id) == stored


@pytest.mark.parametrize("tags", [["config", "Config"], ["Straße", "STRASSE"], ["a", "a"]])
def test_tags_that_differ_only_in_case_are_refused(
    library: Library, stored: Postmortem, tags: list[str]
) -> None:
    before = every_row(library)
    with pytest.raises(ValidationError, match="tags ignore case") as caught:
        overview.set_tags(library, stored.id, tags, on(library, stored.id))
    assert caught.value.field == "tags"
    assert every_row(library) == before


def test_a_list_half_replaced_when_something_fails_is_rolled_back(
    library: Library, stored: Postmortem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old rows are deleted and the new ones inserted; a failure before the commit keeps
    the old."""
    before = every_row(library)
    fail_after(monkeypatch, edits, "insert_rows")
    with pytest.raises(DiskPulledOutError):
        overview.set_tags(library, stored.id, ["new"], on(library, stored.id))
    assert every_row(library) == before
