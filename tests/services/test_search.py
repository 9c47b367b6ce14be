"""Searching the library through the services: one read, and every undoable edit (and its undo)
reflected at once, while an edit that fails half-way leaves the results as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Connection

from pmdesk.domain.model import (
    ActionItem,
    Cause,
    EventKind,
    Lesson,
    LessonKind,
    Postmortem,
    PostmortemKind,
    TimelineEvent,
)
from pmdesk.services import (
    actions,
    causes,
    lessons,
    library_edits,
    overview,
    postmortems,
    search,
    timeline,
)
from pmdesk.storage import edits, repository
from pmdesk.storage.library import Library
from tests.services.conftest import DiskPulledOutError, fail_after


def titles(library: Library, query: str, **filters: Any) -> list[str]:
    return [hit.title for hit in search.search(library, query, search.SearchFilters(**filters))]


def test_search_finds_the_stored_postmortem_in_one_read(
    library: Library, stored: Postmortem, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = 0
    connect = library.connect

    def counted() -> AbstractContextManager[Connection]:
        nonlocal reads
        reads += 1
        return connect()

    monkeypatch.setattr(library, "connect", counted)
    (hit,) = search.search(library, "schema validation", limit=5)
    assert reads == 1
    assert hit.postmortem_id == stored.id
    assert (hit.kind, hit.severity, hit.status) == ("incident", "SEV2", "review")
    assert hit.started == stored.timeline[0].at
    hits = [text for text, is_hit in search.snippet_parts(hit.snippet) if is_hit]
    assert hits == ["schema", "validation"]
    assert "«schema» «validation»" in search.snippet_text(hit.snippet)
    assert search.search(library, "") == []


def test_filters_through_the_service(library: Library, stored: Postmortem) -> None:
    assert titles(library, "checkout", tag="CONFIG") == [stored.title]
    assert titles(library, "checkout", owner="platform TEAM") == [stored.title]
    assert titles(library, "checkout", severity="SEV1") == []
    assert titles(library, "checkout", since=date(2026, 3, 2), until=date(2026, 3, 2)) == [
        stored.title
    ]
    assert titles(library, "checkout", until=date(2026, 3, 1)) == []


def test_every_undoable_edit_shows_in_the_results(library: Library, stored: Postmortem) -> None:
    pid = stored.id
    mine = [stored.title]

    old, _ = overview.update_fields(
        library,
        pid,
        {"summary": "Gremlins in the payment path"},
        postmortems.get_postmortem(library, pid).version,
    )
    assert titles(library, "gremlins") == mine
    overview.update_fields(
        library, pid, old, postmortems.get_postmortem(library, pid).version
    )  # undo
    assert titles(library, "gremlins") == []

    event = TimelineEvent(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), EventKind.EVENT, "Kraken woke")
    timeline.add_events(library, pid, [event])
    assert titles(library, "kraken") == mine
    timeline.update_events(library, pid, [replace(event, text="Leviathan woke")])
    assert titles(library, "kraken") == []
    deleted_events, _ = timeline.delete_events(library, pid, [event.id])
    assert titles(library, "leviathan") == []
    timeline.restore_events(library, pid, deleted_events)  # undo
    assert titles(library, "leviathan") == mine

    cause, _ = causes.add_cause(library, pid, Cause("", "Cosmic rays flipped a bit"))
    assert titles(library, "cosmic") == mine
    causes.update_cause(library, pid, replace(cause, text="Solar flare"))
    assert titles(library, "cosmic") == []
    deleted_causes, _ = causes.delete_causes(library, pid, [cause.id])
    assert titles(library, "solar flare") == []
    causes.restore_causes(library, pid, deleted_causes)
    assert titles(library, '"solar flare"') == mine

    action, _ = actions.add_action(library, pid, ActionItem("", "Buy a lead umbrella"))
    assert titles(library, "umbrella") == mine
    deleted_actions, _ = actions.delete_actions(library, pid, [action.id])
    assert titles(library, "umbrella") == []
    actions.restore_actions(library, pid, deleted_actions)
    assert titles(library, "umbrella") == mine

    lesson = Lesson(LessonKind.LUCKY, "Nobody noticed")
    lessons.add_lesson(library, pid, lesson)
    assert titles(library, "nobody") == mine
    deleted_lessons, _ = lessons.delete_lessons(library, pid, [lesson.id])
    assert titles(library, "nobody") == []
    lessons.restore_lessons(library, pid, deleted_lessons)
    assert titles(library, "nobody") == mine

    whole, _ = library_edits.delete_postmortem(library, pid)
    assert titles(library, "checkout") == []
    library_edits.restore_postmortem(library, whole)  # undo
    assert titles(library, "checkout") == mine

    created, _ = library_edits.create_postmortem(
        library, PostmortemKind.NEAR_MISS, "Zoë's near miss"
    )
    assert titles(library, "zoe") == [created.title]


@contextmanager
def failing(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> Iterator[None]:
    with monkeypatch.context() as patch:
        fail_after(patch, module, name)
        with pytest.raises(DiskPulledOutError):
            yield


def test_an_edit_that_fails_half_way_leaves_the_results_as_they_were(
    library: Library, stored: Postmortem, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = TimelineEvent(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), EventKind.EVENT, "Phantom")
    with failing(monkeypatch, edits, "insert_events"):
        timeline.add_events(library, stored.id, [event])
    assert titles(library, "phantom") == []

    (paged,) = [e for e in stored.timeline if e.text == "Paged the on-call"]
    with failing(monkeypatch, edits, "delete_events"):
        timeline.delete_events(library, stored.id, [paged.id])
    assert titles(library, "paged") == [stored.title]

    new = Postmortem("Never stored", summary="Phantom import")
    with failing(monkeypatch, repository, "insert_postmortem"):
        library_edits.restore_postmortem(library, new)
    assert titles(library, "phantom") == []
    assert titles(library, "never") == []
