"""Key moments come from the timeline; durations are never negative."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pmdesk.domain.model import EventKind, TimelineEvent
from pmdesk.domain.moments import format_duration, key_moments

T0 = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def event(minutes: float, kind: EventKind, text: str = "x") -> TimelineEvent:
    return TimelineEvent(at=T0 + timedelta(minutes=minutes), kind=kind, text=text)


def test_first_of_each_kind_and_derived_durations() -> None:
    timeline = [
        event(0, EventKind.TRIGGER, "first trigger"),
        event(3, EventKind.TRIGGER, "second trigger"),
        event(15, EventKind.DETECTION),
        event(20, EventKind.DETECTION, "later detection"),
        event(47, EventKind.MITIGATION),
        event(85, EventKind.RESOLUTION),
    ]
    moments = key_moments(reversed(timeline))  # order of the input does not matter
    assert moments.started is not None and moments.started.text == "first trigger"
    assert moments.time_to_detect == timedelta(minutes=15)
    assert moments.time_to_mitigate == timedelta(minutes=47)
    assert moments.time_to_resolve == timedelta(minutes=85)
    assert moments.problems == ()


def test_offsets_are_compared_as_instants() -> None:
    berlin = timezone(timedelta(hours=1))
    trigger = TimelineEvent(datetime(2026, 3, 2, 14, 5, tzinfo=berlin), EventKind.TRIGGER, "t")
    detect = TimelineEvent(datetime(2026, 3, 2, 13, 20, tzinfo=UTC), EventKind.DETECTION, "d")
    assert key_moments([trigger, detect]).time_to_detect == timedelta(minutes=15)


def test_out_of_order_moments_are_problems_not_negative_durations() -> None:
    trigger = event(10, EventKind.TRIGGER)
    detection = event(5, EventKind.DETECTION)
    resolution = event(60, EventKind.RESOLUTION)
    moments = key_moments([trigger, detection, resolution])
    assert moments.time_to_detect is None
    assert moments.time_to_resolve == timedelta(minutes=50)
    (problem,) = moments.problems
    assert (problem.earlier_kind, problem.later_kind) == (EventKind.TRIGGER, EventKind.DETECTION)
    assert problem.later_event_id == detection.id
    assert "detection is before the first trigger" in problem.message


def test_missing_moments_give_no_duration() -> None:
    moments = key_moments([event(0, EventKind.DETECTION)])
    assert moments.started is None and moments.time_to_detect is None and moments.problems == ()


def test_format_duration() -> None:
    assert format_duration(timedelta(seconds=42)) == "42 s"
    assert format_duration(timedelta(minutes=47)) == "47 min"
    assert format_duration(timedelta(minutes=125)) == "2 h 05 min"
    assert format_duration(timedelta(hours=76)) == "3 d 4 h"
