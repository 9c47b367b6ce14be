"""The review meeting in plain Python: the agenda, the step clock on a fake clock, the countdown
text, and the rules a stored meeting keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pmdesk.domain.meeting import (
    DEFAULT_MINUTES,
    MAX_MINUTES,
    MIN_MINUTES,
    Attendee,
    Decision,
    Meeting,
    ParkedPoint,
    Role,
    Step,
    StepClock,
    Timebox,
    complete_agenda,
    countdown_text,
    default_agenda,
)
from pmdesk.domain.validation import (
    ValidationError,
    check_attendees,
    check_decisions,
    check_meeting,
    check_meeting_times,
    check_minutes,
    check_parking_lot,
    check_spent_seconds,
)

START = datetime(2026, 3, 5, 10, 0, tzinfo=timezone(timedelta(hours=1)))


class FakeClock:
    """A monotonic reading that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0  # not zero: nothing may assume the clock starts there

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


# --- the agenda -------------------------------------------------------------------------------


def test_the_default_agenda_is_an_hour_in_step_order() -> None:
    agenda = default_agenda()
    assert [box.step for box in agenda] == list(Step)
    assert sum(box.minutes for box in agenda) == 60 == Meeting().total_minutes
    assert all(MIN_MINUTES <= box.minutes <= MAX_MINUTES for box in agenda)
    assert [step.number for step in Step] == list(range(1, 8))


def test_complete_agenda_keeps_given_boxes_and_fills_the_rest_in_order() -> None:
    given = [Timebox(Step.WRAP_UP, 3, 70), Timebox(Step.TIMELINE, 25)]
    agenda = complete_agenda(given)
    assert [box.step for box in agenda] == list(Step)
    assert agenda[1] is given[1] and agenda[-1] is given[0]
    assert agenda[0] == Timebox(Step.GROUND_RULES, DEFAULT_MINUTES[Step.GROUND_RULES], 0)
    assert complete_agenda([]) == default_agenda()


def test_a_meeting_is_blank_until_something_is_recorded() -> None:
    assert Meeting().is_blank
    changed_minutes = Meeting()
    changed_minutes.agenda[2].minutes += 1
    spent = Meeting()
    spent.agenda[0].spent_seconds = 1
    for meeting in (
        changed_minutes,
        spent,
        Meeting(attendees=[Attendee("Dana")]),
        Meeting(parking_lot=[ParkedPoint("later")]),
        Meeting(decisions=[Decision("canary first")]),
        Meeting(started=START),
        Meeting(ended=START),
    ):
        assert not meeting.is_blank, meeting


def test_totals_and_the_timebox_of_a_step() -> None:
    meeting = Meeting()
    meeting.timebox(Step.FIVE_WHYS).spent_seconds = 90
    meeting.timebox(Step.IMPACT).spent_seconds = 30
    assert meeting.spent_seconds == 120
    assert meeting.timebox(Step.FIVE_WHYS).minutes == 15


# --- the clock --------------------------------------------------------------------------------


def test_a_paused_clock_counts_nothing() -> None:
    time = FakeClock()
    clock = StepClock()
    assert not clock.running
    assert clock.elapsed(Step.GROUND_RULES, time.advance(500)) == 0
    assert clock.remaining(Step.GROUND_RULES, 5, time.now) == 300


def test_a_running_clock_counts_for_the_current_step_only() -> None:
    time = FakeClock()
    clock = StepClock()
    clock.start(time.now)
    assert clock.running
    now = time.advance(42.5)
    assert clock.elapsed(Step.GROUND_RULES, now) == 42.5
    assert clock.elapsed(Step.TIMELINE, now) == 0
    assert clock.remaining(Step.GROUND_RULES, 5, now) == 300 - 42.5


def test_starting_twice_does_not_restart_the_stretch() -> None:
    time = FakeClock()
    clock = StepClock()
    clock.start(time.now)
    clock.start(time.advance(10))
    assert clock.elapsed(Step.GROUND_RULES, time.advance(5)) == 15


def test_pause_keeps_what_was_spent_and_stops_counting() -> None:
    time = FakeClock()
    clock = StepClock()
    clock.start(time.now)
    clock.pause(time.advance(30))
    assert not clock.running
    assert clock.spent == {Step.GROUND_RULES: 30}
    assert clock.elapsed(Step.GROUND_RULES, time.advance(600)) == 30
    clock.start(time.now)
    assert clock.elapsed(Step.GROUND_RULES, time.advance(12)) == 42


def test_moving_on_while_running_gives_the_new_step_the_time_from_then() -> None:
    time = FakeClock()
    clock = StepClock()
    clock.start(time.now)
    clock.move_to(Step.TIMELINE, time.advance(100))
    assert clock.running and clock.current is Step.TIMELINE
    now = time.advance(20)
    assert clock.elapsed(Step.GROUND_RULES, now) == 100
    assert clock.elapsed(Step.TIMELINE, now) == 20
    assert clock.total(now) == 120


def test_moving_on_while_paused_counts_nothing_and_going_back_resumes_the_step() -> None:
    time = FakeClock()
    clock = StepClock()
    clock.start(time.now)
    clock.pause(time.advance(60))
    clock.move_to(Step.IMPACT, time.advance(1000))
    assert not clock.running
    assert clock.elapsed(Step.IMPACT, time.now) == 0
    clock.start(time.now)
    clock.move_to(Step.GROUND_RULES, time.advance(15))
    now = time.advance(5)
    assert clock.elapsed(Step.IMPACT, now) == 15
    assert clock.elapsed(Step.GROUND_RULES, now) == 65  # the earlier 60 and 5 more
    assert clock.total(now) == 80


def test_the_clock_resumes_from_stored_spent_seconds() -> None:
    time = FakeClock()
    clock = StepClock(spent={Step.TIMELINE: 540.0}, current=Step.TIMELINE)
    clock.start(time.now)
    assert clock.remaining(Step.TIMELINE, 10, time.advance(30)) == 30


def test_remaining_goes_negative_once_the_step_runs_over() -> None:
    time = FakeClock()
    clock = StepClock()
    clock.start(time.now)
    now = time.advance(5 * 60 + 90)
    assert clock.remaining(Step.GROUND_RULES, 5, now) == -90
    assert countdown_text(clock.remaining(Step.GROUND_RULES, 5, now)) == "+1:30"


def test_a_clock_reading_from_before_the_stretch_adds_nothing() -> None:
    time = FakeClock()
    clock = StepClock()
    clock.start(time.now)
    assert clock.elapsed(Step.GROUND_RULES, time.now - 3) == 0


# --- the countdown text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (15 * 60, "15:00"),
        (725, "12:05"),
        (59.2, "1:00"),  # a started second still shows: never "0:59" while 59.2 s are left
        (60.0, "1:00"),
        (0.4, "0:01"),
        (0.0, "0:00"),
        (-0.5, "0:00"),  # less than a second over reads as time up, not as "+0:00"
        (-1.0, "+0:01"),
        (-1.9, "+0:01"),
        (-90, "+1:30"),
        (-90.9, "+1:30"),
        (-3600, "+60:00"),
        (181 * 60, "181:00"),
    ],
)
def test_countdown_text(seconds: float, shown: str) -> None:
    assert countdown_text(seconds) == shown


# --- the rules a stored meeting keeps ---------------------------------------------------------


def test_a_held_meeting_passes() -> None:
    check_meeting(
        Meeting(
            attendees=[Attendee("Dana Q.", Role.FACILITATOR), Attendee("Dana R.")],
            parking_lot=[ParkedPoint("Staging parity", action_id="a" * 32)],
            decisions=[Decision("Canary first")],
            started=START,
            ended=START,
        )
    )


@pytest.mark.parametrize("minutes", [MIN_MINUTES, 7, MAX_MINUTES])
def test_minutes_in_range(minutes: int) -> None:
    assert check_minutes(Step.IMPACT, minutes) == minutes


@pytest.mark.parametrize("minutes", [0, -5, MAX_MINUTES + 1, 2.5, 5.0, True, "5", None])
def test_minutes_out_of_range_or_not_whole_are_refused(minutes: object) -> None:
    with pytest.raises(ValidationError) as caught:
        check_minutes(Step.IMPACT, minutes)
    assert caught.value.field == "minutes" and caught.value.item_id == "impact"
    assert "“Impact”" in caught.value.message and "from 1 to 180" in caught.value.message


@pytest.mark.parametrize("seconds", [-1, 1.5, False, "60"])
def test_spent_seconds_must_be_whole_and_not_negative(seconds: object) -> None:
    with pytest.raises(ValidationError, match="whole number of seconds, 0 or more"):
        check_spent_seconds(Step.WRAP_UP, seconds)
    assert check_spent_seconds(Step.WRAP_UP, 0) == 0


@pytest.mark.parametrize(
    ("names", "words"),
    [
        (["Dana", "  "], "has no name"),
        (["x" * 201], "201 characters long; shorten it to at most 200"),
        (["Dana Q.", "dana q."], "“dana q.” is on the attendance list twice (once as “Dana Q.”)"),
        (["Dana", " Dana "], "“Dana” is on the attendance list twice;"),
    ],
)
def test_attendee_names(names: list[str], words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_attendees([Attendee(name) for name in names])
    assert caught.value.field == "name" and words in caught.value.message
    check_attendees([Attendee("x" * 200), Attendee("Dana"), Attendee("Dana R.")])


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValidationError, match="“observer” is not a valid role"):
        check_attendees([Attendee("Dana", "observer")])  # type: ignore[arg-type]


def test_points_and_decisions_need_text_and_not_too_much() -> None:
    blank = ParkedPoint(" \n")
    with pytest.raises(ValidationError, match="parked point has no text") as caught:
        check_parking_lot([ParkedPoint("ok"), blank])
    assert caught.value.item_id == blank.id
    with pytest.raises(ValidationError, match="decision has no text"):
        check_decisions([Decision("\t")])
    with pytest.raises(ValidationError, match="2001 characters long; shorten it to at most 2000"):
        check_decisions([Decision("y" * 2001)])
    check_parking_lot([ParkedPoint("z" * 2000)])


def test_two_points_cannot_have_become_the_same_action() -> None:
    with pytest.raises(ValidationError, match="name the same action") as caught:
        check_parking_lot([ParkedPoint("one", "a1" * 16), ParkedPoint("two", "a1" * 16)])
    assert caught.value.field == "action"


def test_the_meeting_cannot_end_before_it_starts() -> None:
    check_meeting_times(START, START + timedelta(minutes=55))
    check_meeting_times(None, START)
    check_meeting_times(START, None)
    with pytest.raises(ValidationError, match=r"ends .* before it starts") as caught:
        check_meeting_times(START, START.astimezone(UTC) - timedelta(seconds=1))
    assert caught.value.field == "ended"


def test_meeting_times_need_their_offset() -> None:
    with pytest.raises(ValidationError, match="start time has no UTC offset"):
        check_meeting_times(datetime(2026, 3, 5, 10, 0), None)
    with pytest.raises(ValidationError, match="end time has no UTC offset"):
        check_meeting_times(START, datetime(2026, 3, 5, 11, 0))


def test_the_agenda_needs_each_step_once() -> None:
    missing = Meeting(agenda=default_agenda()[:-2])
    with pytest.raises(ValidationError, match="“Follow-up of earlier actions”, “Wrap-up” are"):
        check_meeting(missing)
    twice = Meeting(agenda=[*default_agenda()[:-1], Timebox(Step.IMPACT, 5)])
    with pytest.raises(ValidationError, match="“Wrap-up” is missing"):
        check_meeting(twice)
    with pytest.raises(ValidationError, match="a step is there twice"):
        check_meeting(Meeting(agenda=[*default_agenda(), Timebox(Step.IMPACT, 5)]))
    swapped = default_agenda()
    swapped[0] = Timebox(Step.IMPACT, 5)
    with pytest.raises(ValidationError, match="is missing"):
        check_meeting(Meeting(agenda=swapped))
