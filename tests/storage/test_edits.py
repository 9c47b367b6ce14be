"""The storage half of the editor's edits: what each leaves in the tables."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from pmdesk.domain.model import Lesson, LessonKind
from pmdesk.storage import edits, repository
from pmdesk.storage.library import Library
from pmdesk.storage.schema import lessons, postmortems
from tests.storage.examples import rich_postmortem, shaped_postmortem


def test_an_empty_timeline_has_no_seq_yet(library: Library) -> None:
    pm = replace(shaped_postmortem("empty"), timeline=[], causes=[], actions=[])
    with library.transaction() as conn:
        repository.insert_postmortem(conn, pm)
        assert edits.max_event_seq(conn, pm.id) == -1
        assert edits.load_events(conn, pm.id, ["nothing"]) == []


def test_a_header_update_writes_only_the_named_columns(library: Library) -> None:
    pm = rich_postmortem()
    with library.transaction() as conn:
        repository.insert_postmortem(conn, pm)
        edits.update_header(conn, replace(pm, title="New", summary="ignored"), ["title"])
        row = conn.execute(select(postmortems)).one()
    assert (row.title, row.summary) == ("New", pm.summary)


def test_lesson_positions_stay_dense(library: Library) -> None:
    pm = shaped_postmortem("lessons")
    pm.lessons += [Lesson(LessonKind.LUCKY, f"more {i}") for i in range(3)]
    with library.transaction() as conn:
        repository.insert_postmortem(conn, pm)
        removed = edits.load_lessons(conn, pm.id, [pm.lessons[0].id, pm.lessons[3].id])
        edits.delete_lessons(conn, pm.id, removed)
        query = select(lessons.c.position).where(lessons.c.postmortem_id == pm.id)
        positions = sorted(conn.scalars(query))
        assert edits.count_lessons(conn, pm.id) == 3
    assert positions == [0, 1, 2]
    assert [p.position for p in removed] == [0, 3]


def test_touch_reports_a_missing_postmortem(library: Library) -> None:
    with library.transaction() as conn:
        assert not edits.touch(conn, "0" * 32)
