"""A postmortem comes back from the library exactly as it went in."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmdesk.domain.model import (
    ActionItem,
    Cause,
    EventKind,
    ImpactMetric,
    Lesson,
    LessonKind,
    Participant,
    Postmortem,
    TimelineEvent,
)
from pmdesk.storage.library import Library
from pmdesk.storage.repository import (
    insert_postmortem,
    load_postmortem,
    postmortem_exists,
    tree_order,
)
from pmdesk.storage.values import decode_number, encode_number, join_time, split_time
from tests.storage.examples import MINUS_SEVEN_THIRTY, PLUS_ONE, rich_postmortem


def store_and_load(library: Library, pm: Postmortem) -> Postmortem | None:
    with library.transaction() as conn:
        insert_postmortem(conn, pm)
    with library.connect() as conn:
        return load_postmortem(conn, pm.id)


def test_rich_postmortem_round_trips(library: Library) -> None:
    pm = rich_postmortem()
    loaded = store_and_load(library, pm)
    assert loaded == pm


def test_times_keep_their_offset_and_equal_times_their_order(library: Library) -> None:
    pm = rich_postmortem()
    loaded = store_and_load(library, pm)
    assert loaded is not None
    for written, read in zip(pm.timeline, loaded.timeline, strict=True):
        assert read.id == written.id
        assert read.at == written.at
        assert read.at.utcoffset() == written.at.utcoffset()
        assert read.at.isoformat() == written.at.isoformat()
    offsets = {event.at.utcoffset() for event in loaded.timeline}
    assert offsets == {timedelta(hours=1), timedelta(0), -timedelta(hours=7, minutes=30)}


def test_metric_values_keep_int_or_float(library: Library) -> None:
    loaded = store_and_load(library, rich_postmortem())
    assert loaded is not None
    values = [metric.value for metric in loaded.metrics]
    assert [type(v) for v in values] == [int, float, int, float, float, int]
    assert values == [12400, 2.5, 0, 12400.0, 1e-7, 2**70]


def test_unknown_id_loads_as_none(library: Library) -> None:
    with library.connect() as conn:
        assert load_postmortem(conn, "0" * 32) is None
        assert not postmortem_exists(conn, "0" * 32)


def test_causes_come_back_in_the_order_they_were_given(library: Library) -> None:
    root = Cause("p1", "root")
    a = Cause("c1", "a", parent_id=root.id)
    b = Cause("c2", "b", parent_id=root.id)
    a1 = Cause("c3", "a1", parent_id=a.id)
    pm = Postmortem(title="breadth first", causes=[a1, root, b, a])  # children before parents
    loaded = store_and_load(library, pm)
    assert loaded is not None
    assert [c.ref for c in loaded.causes] == ["c3", "p1", "c2", "c1"]
    assert [c.ref for c in loaded.children(root.id)] == ["c2", "c1"]


def test_tree_order_puts_parents_before_children() -> None:
    root = Cause("p1", "root")
    a = Cause("c1", "a", parent_id=root.id)
    b = Cause("c2", "b", parent_id=root.id)
    a1 = Cause("c3", "a1", parent_id=a.id)
    breadth_first = [root, a, b, a1]
    assert [(c.ref, pos) for c, pos in tree_order(breadth_first)] == [
        ("p1", 0),
        ("c1", 0),
        ("c3", 0),
        ("c2", 1),
    ]


def test_a_deep_chain_of_whys_is_stored(library: Library) -> None:
    causes = [Cause("c0", "why 0")]
    for i in range(1, 3000):  # deeper than Python's recursion limit
        causes.append(Cause(f"c{i}", f"why {i}", parent_id=causes[-1].id))
    pm = Postmortem(title="deep", causes=causes)
    loaded = store_and_load(library, pm)
    assert loaded == pm


@pytest.mark.parametrize("kind", ["loop", "unknown parent"])
def test_causes_that_form_no_tree_are_refused(library: Library, kind: str) -> None:
    a = Cause("c1", "a")
    b = Cause("c2", "b", parent_id=a.id)
    a.parent_id = b.id if kind == "loop" else "f" * 32
    with pytest.raises(ValueError, match="do not form a tree"), library.transaction() as conn:
        insert_postmortem(conn, Postmortem(title="bad", causes=[a, b]))
    with library.connect() as conn:
        assert load_postmortem(conn, a.id) is None


def test_a_time_without_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        split_time(datetime(2026, 1, 1, 12, 0))


@given(st.integers() | st.floats())
def test_numbers_round_trip_exactly(value: int | float) -> None:
    decoded = decode_number(encode_number(value))
    assert type(decoded) is type(value)
    if isinstance(value, float) and math.isnan(value):
        assert math.isnan(decoded)
    else:
        assert repr(decoded) == repr(value)


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(min_value=-14 * 3600, max_value=14 * 3600),
)
def test_times_round_trip_with_their_offset(naive: datetime, offset_s: int) -> None:
    at = naive.replace(tzinfo=timezone(timedelta(seconds=offset_s)))
    at_utc, offset = split_time(at)
    restored = join_time(at_utc, offset)
    assert restored == at
    assert restored.utcoffset() == at.utcoffset()
    assert at_utc == at.astimezone(UTC).replace(tzinfo=None)


# Any Unicode a person can type, NUL aside (PostgreSQL text cannot hold it).
any_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60)


@settings(
    max_examples=40,
    deadline=None,  # file I/O; its timing says nothing about correctness
    # One library for all examples: each writes a postmortem with fresh ids.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(any_text, min_size=12, max_size=12))
def test_any_string_round_trips_byte_for_byte(library: Library, texts: list[str]) -> None:
    at = datetime(2026, 1, 1, 12, tzinfo=MINUS_SEVEN_THIRTY)
    cause = Cause(texts[6], texts[7])
    pm = Postmortem(
        title=texts[0],
        timezone=texts[1],
        summary=texts[2],
        impact_summary=texts[3],
        metrics=[ImpactMetric(texts[4], 1.5, texts[5])],
        participants=[Participant(texts[4], texts[5])],
        tags=[texts[8], texts[9]],
        timeline=[TimelineEvent(at, EventKind.EVENT, texts[10], source=texts[11])],
        causes=[cause],
        actions=[
            ActionItem(texts[7], texts[8], owner=texts[9], notes=texts[10], cause_id=cause.id)
        ],
        lessons=[Lesson(LessonKind.LUCKY, texts[11])],
    )
    loaded = store_and_load(library, pm)
    assert loaded == pm
    assert loaded is not None
    assert loaded.title.encode("utf-8") == pm.title.encode("utf-8")


def test_plus_one_hour_example_keeps_its_wall_time(library: Library) -> None:
    at = datetime(2026, 3, 2, 14, 5, tzinfo=PLUS_ONE)
    pm = Postmortem(title="t", timeline=[TimelineEvent(at, EventKind.TRIGGER, "x")])
    loaded = store_and_load(library, pm)
    assert loaded is not None
    assert loaded.timeline[0].at.isoformat() == "2026-03-02T14:05:00+01:00"
