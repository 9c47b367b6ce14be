"""The library list in one query, and deleting a postmortem with everything in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from pmdesk.domain.model import (
    ActionItem,
    ActionStatus,
    EventKind,
    Postmortem,
    PostmortemKind,
    PostmortemStatus,
    Severity,
    TimelineEvent,
)
from pmdesk.domain.themes import DEFAULT_THEMES
from pmdesk.storage import links
from pmdesk.storage.library import Library
from pmdesk.storage.repository import (
    delete_postmortem,
    insert_postmortem,
    list_summaries,
    load_postmortem,
    postmortem_exists,
)
from pmdesk.storage.schema import actions, cause_evidence, causes, metadata
from tests.storage.examples import MINUS_SEVEN_THIRTY, PLUS_ONE, rich_postmortem


def actions_with(*statuses: ActionStatus) -> list[ActionItem]:
    return [ActionItem(f"a{i}", f"action {i}", status=s) for i, s in enumerate(statuses, 1)]


def test_summaries_give_start_and_open_actions(library: Library) -> None:
    early = datetime(2026, 2, 1, 8, 0, tzinfo=MINUS_SEVEN_THIRTY)
    # Two triggers; the first by time wins even though it is listed second and in another offset.
    late_trigger = TimelineEvent(early + timedelta(hours=1), EventKind.TRIGGER, "second")
    first_trigger = TimelineEvent(early, EventKind.TRIGGER, "first")
    before_any_trigger = TimelineEvent(early - timedelta(hours=2), EventKind.DETECTION, "odd")
    with_trigger = Postmortem(
        title="B with trigger",
        kind=PostmortemKind.NEAR_MISS,
        severity=Severity.SEV1,
        status=PostmortemStatus.FINAL,
        timeline=[before_any_trigger, first_trigger, late_trigger],
        actions=actions_with(
            ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED
        ),
    )
    # Two triggers at the same instant: the one stored first is the start, with its offset.
    tie_at = datetime(2026, 3, 1, 12, 0, tzinfo=PLUS_ONE)
    tie = Postmortem(
        title="C tie",
        timeline=[
            TimelineEvent(tie_at, EventKind.TRIGGER, "first of the tie"),
            TimelineEvent(tie_at.astimezone(UTC), EventKind.TRIGGER, "second of the tie"),
        ],
        actions=actions_with(ActionStatus.DONE),
    )
    no_trigger = Postmortem(
        title="A without trigger",
        timeline=[TimelineEvent(tie_at, EventKind.EVENT, "no trigger here")],
        actions=actions_with(ActionStatus.OPEN, ActionStatus.OPEN),
    )
    empty = Postmortem(title="D empty")
    with library.transaction() as conn:
        for pm in (with_trigger, tie, no_trigger, empty):
            insert_postmortem(conn, pm)
    with library.connect() as conn:
        summaries = {s.id: s for s in list_summaries(conn)}

    assert len(summaries) == 4
    s = summaries[with_trigger.id]
    assert (s.title, s.kind, s.severity, s.status) == (
        "B with trigger",
        PostmortemKind.NEAR_MISS,
        Severity.SEV1,
        PostmortemStatus.FINAL,
    )
    assert s.started == early
    assert s.started is not None
    assert s.started.utcoffset() == -timedelta(hours=7, minutes=30)
    assert s.open_actions == 2

    s = summaries[tie.id]
    assert s.started is not None
    assert s.started.isoformat() == "2026-03-01T12:00:00+01:00"
    assert s.open_actions == 0

    assert summaries[no_trigger.id].started is None
    assert summaries[no_trigger.id].open_actions == 2
    assert summaries[empty.id].started is None
    assert summaries[empty.id].open_actions == 0
    assert summaries[empty.id].severity is None


def test_summaries_are_latest_start_first_then_without_start(library: Library) -> None:
    def with_start(title: str, day: int | None) -> Postmortem:
        timeline = []
        if day is not None:
            at = datetime(2026, 1, day, tzinfo=UTC)
            timeline.append(TimelineEvent(at, EventKind.TRIGGER, "t"))
        return Postmortem(title=title, timeline=timeline)

    with library.transaction() as conn:
        for pm in (with_start("x", None), with_start("old", 1), with_start("new", 9)):
            insert_postmortem(conn, pm)
    with library.connect() as conn:
        assert [s.title for s in list_summaries(conn)] == ["new", "old", "x"]


def test_an_empty_library_lists_nothing(library: Library) -> None:
    with library.connect() as conn:
        assert list_summaries(conn) == []


def row_counts(library: Library) -> dict[str, int]:
    with library.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


def test_delete_removes_every_row_of_the_postmortem(library: Library) -> None:
    doomed, kept = rich_postmortem(), rich_postmortem()
    with library.transaction() as conn:
        insert_postmortem(conn, doomed)
    with library.transaction() as conn:
        insert_postmortem(conn, kept)
        # one recurrence link, which the delete takes away with the doomed one
        links.insert_link(conn, links.RecurrenceLink(kept.id, doomed.id, "", datetime.now(UTC)))
    full = row_counts(library)
    assert all(count > 0 for count in full.values()), full

    with library.transaction() as conn:
        assert delete_postmortem(conn, doomed.id) is True
    only_kept_counts = row_counts(library)
    # The themes are the library's vocabulary, not the postmortem's: they stay.
    assert only_kept_counts == {
        name: count if name == "themes" else count // 2 for name, count in full.items()
    }
    assert full["themes"] == len(DEFAULT_THEMES) + 1  # the rich postmortem's new theme
    with library.connect() as conn:
        assert not postmortem_exists(conn, doomed.id)
        assert load_postmortem(conn, doomed.id) is None
        assert load_postmortem(conn, kept.id) == kept

    with library.transaction() as conn:
        assert delete_postmortem(conn, kept.id) is True
        assert delete_postmortem(conn, kept.id) is False
    emptied = row_counts(library)
    assert emptied.pop("themes") == full["themes"]
    assert set(emptied.values()) == {0}


def test_deleting_a_cause_deletes_its_whys_and_unlinks_actions(library: Library) -> None:
    pm = rich_postmortem()
    first_why = pm.causes[1]  # c1, with c2 under it; action a1 addresses c2
    with library.transaction() as conn:
        insert_postmortem(conn, pm)
        conn.execute(delete(causes).where(causes.c.id == first_why.id))
    with library.connect() as conn:
        loaded = load_postmortem(conn, pm.id)
        evidence_of_deleted = conn.execute(
            select(func.count())
            .select_from(cause_evidence)
            .where(cause_evidence.c.cause_id == first_why.id)
        ).scalar_one()
        a1_cause = conn.execute(
            select(actions.c.cause_id).where(actions.c.id == pm.actions[0].id)
        ).scalar_one()
    assert loaded is not None
    assert [c.ref for c in loaded.causes] == ["p1", "c3", "c4", "p2"]
    assert evidence_of_deleted == 0
    assert a1_cause is None
