"""Periods of a learning review: quarters, months, days, the period before, and which day an
incident belongs to across time zones."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmdesk.domain.periods import (
    Period,
    PeriodError,
    Quarter,
    local_day,
    parse_period,
    quarter_period,
)


@pytest.mark.parametrize(
    ("day", "quarter", "start", "end"),
    [
        (date(2026, 1, 1), Quarter(2026, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), Quarter(2026, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), Quarter(2026, 2), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 9, 30), Quarter(2026, 3), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 12, 31), Quarter(2026, 4), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_a_day_falls_in_its_quarter(day: date, quarter: Quarter, start: date, end: date) -> None:
    assert Quarter.of(day) == quarter
    assert (quarter.start, quarter.end) == (start, end)


def test_quarters_step_over_years() -> None:
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 1).label == "2026 Q1"


@pytest.mark.parametrize(
    ("start", "end", "previous"),
    [
        # a quarter: the quarter before, over the new year
        ("2026-Q1", "2026-Q1", Period(date(2025, 10, 1), date(2025, 12, 31))),
        # two quarters: the two before
        ("2026-Q3", "2026-Q4", Period(date(2026, 1, 1), date(2026, 6, 30))),
        # a month: the month before, whatever the lengths (March -> February of a leap year)
        ("2024-03", "2024-03", Period(date(2024, 2, 1), date(2024, 2, 29))),
        ("2026-03", "2026-03", Period(date(2026, 2, 1), date(2026, 2, 28))),
        # a year: the year before
        ("2026", "2026", Period(date(2025, 1, 1), date(2025, 12, 31))),
        # any other span: as many days just before
        ("2026-03-01", "2026-04-15", Period(date(2026, 1, 14), date(2026, 2, 28))),
        ("2026-03-02", "2026-03-02", Period(date(2026, 3, 1), date(2026, 3, 1))),
    ],
)
def test_the_period_before_is_of_the_same_kind(start: str, end: str, previous: Period) -> None:
    assert parse_period(start, end).previous() == previous


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        ("2026-Q1", "2026-Q1", "2026 Q1"),
        ("2026-Q1", "2026-Q2", "2026 Q1\u2013Q2"),
        ("2025-Q4", "2026-Q1", "2025 Q4 \u2013 2026 Q1"),
        ("2026-03", "2026-03", "March 2026"),
        ("2026-03-01", "2026-04-15", "1 Mar \u2013 15 Apr 2026"),
        ("2025-12-20", "2026-01-10", "20 Dec 2025 \u2013 10 Jan 2026"),
    ],
)
def test_periods_say_their_name(start: str, end: str, label: str) -> None:
    assert parse_period(start, end).label == label


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-03-02", date(2026, 3, 2), date(2026, 3, 2)),
        ("2026-3-2", date(2026, 3, 2), date(2026, 3, 2)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026q4", date(2026, 10, 1), date(2026, 12, 31)),
        (" 2026 ", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_bounds_as_people_type_them(text: str, start: date, end: date) -> None:
    assert quarter_period(text) == Period(start, end)


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        ("2026-02-30", "2026-03-01", "not a date of the calendar"),
        ("last quarter", "2026-03-01", r"type a day \(2026-03-02\)"),
        ("2026-Q5", "2026-Q1", "type a day"),
        ("2026-04-01", "2026-03-01", "give the earlier date first"),
    ],
)
def test_a_bad_period_says_what_to_type(start: str, end: str, says: str) -> None:
    with pytest.raises(PeriodError, match=says):
        parse_period(start, end)


def test_a_period_lists_the_quarters_it_touches_and_holds_its_days() -> None:
    period = parse_period("2026-02-15", "2026-07-01")
    assert period.quarters() == [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)]
    assert date(2026, 2, 15) in period and date(2026, 7, 1) in period
    assert date(2026, 2, 14) not in period and date(2026, 7, 2) not in period
    assert period.days == 137


def test_an_incident_belongs_to_the_day_where_it_was_written() -> None:
    pacific = timezone(timedelta(hours=-7))
    late = datetime(2026, 3, 31, 23, 30, tzinfo=pacific)  # already 1 April in UTC
    assert local_day(late) == date(2026, 3, 31)
    assert Quarter.of(local_day(late)) == Quarter(2026, 1)
    tokyo = timezone(timedelta(hours=9))
    early = datetime(2026, 4, 1, 0, 30, tzinfo=tokyo)  # still 31 March in UTC
    assert Quarter.of(local_day(early)) == Quarter(2026, 2)
    assert local_day(datetime(2026, 4, 1, 0, 30)) == date(2026, 4, 1)  # no offset: UTC


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_every_day_is_in_exactly_one_quarter(day: date) -> None:
    quarter = Quarter.of(day)
    assert quarter.start <= day <= quarter.end
    assert quarter.previous().end + timedelta(days=1) == quarter.start
    assert quarter.next().start - timedelta(days=1) == quarter.end


@given(
    st.dates(min_value=date(1901, 1, 1), max_value=date(2999, 1, 1)),
    st.integers(min_value=0, max_value=800),
)
def test_the_period_before_ends_the_day_before_and_never_overlaps(start: date, length: int) -> None:
    period = Period(start, start + timedelta(days=length))
    before = period.previous()
    assert before.end == period.start - timedelta(days=1)
    whole_months = period.start.day == 1 and (period.end + timedelta(days=1)).day == 1
    if whole_months:  # as many months before, of their own lengths
        assert before.start.day == 1 and abs(before.days - period.days) <= 3 * (
            period.days // 28 + 1
        )
    else:
        assert before.days == period.days


def test_a_period_says_its_dates_in_full() -> None:
    assert parse_period("2026-Q1", "2026-Q1").dates == "1 January \u2013 31 March 2026"
    assert parse_period("2025-12-20", "2026-01-10").dates == (
        "20 December 2025 \u2013 10 January 2026"
    )


def test_days_are_spelled_in_english_whatever_the_locale() -> None:
    from pmdesk.domain.periods import long_date, month_and_year, short_date

    day = date(2026, 4, 10)
    assert long_date(day) == "Friday 10 April 2026"
    assert short_date(day) == "10 Apr 2026"
    assert month_and_year(day) == "April 2026"
