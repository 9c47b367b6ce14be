"""Periods of a review: quarters, months and spans of days, and the period before each.

A learning review covers a period ("2026 Q1", or 1 March to 15 April) and compares it with the
period before ("2025 Q4"; the 46 days before 1 March). A postmortem belongs to the day it
started on, read in the UTC offset its time was written with, as the overview's months are: an
incident at 23:30 on 31 March in San Francisco is a first-quarter incident, although it was
already April in UTC. Periods are whole days, both ends included.

Pure functions over dates; bad input raises `PeriodError` with a message that says what to type.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

DASH = "\u2013"  # the en dash between the ends of a range: "2026 Q1" to "Q2"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PeriodError(ValueError):
    """A period that cannot be read or cannot be one; the message says what to type instead."""


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        month = 3 * self.number
        return date(self.year, month, monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def period(self) -> Period:
        return Period(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Period:
    """The days from `start` to `end`, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(
                f"The period ends on {self.end.isoformat()}, before it starts on "
                f"{self.start.isoformat()}: give the earlier date first."
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def quarters(self) -> list[Quarter]:
        """Every quarter the period touches, in order."""
        found = [Quarter.of(self.start)]
        while found[-1].end < self.end:
            found.append(found[-1].next())
        return found

    def previous(self) -> Period:
        """The period before, of the same kind: whole quarters give the quarters before, whole
        months the months before (February after March, whatever their lengths), anything else
        the same number of days just before."""
        months = _whole_months(self)
        if months is not None:
            first = _add_months(self.start, -months)
            return Period(first, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def dates(self) -> str:
        """ "1 January - 31 March 2026" (with an en dash), both years named when they differ."""
        first = f"{self.start.day} {_month_name(self.start)}"
        if self.start.year != self.end.year:
            first += f" {self.start.year}"
        return f"{first} {DASH} {self.end.day} {_month_name(self.end)} {self.end.year}"

    @property
    def label(self) -> str:
        """ "2026 Q1", "2026 Q1-Q2", "March 2026" or "1 Mar - 15 Apr 2026", with en dashes."""
        quarters = self.quarters()
        if self.start == quarters[0].start and self.end == quarters[-1].end:
            if len(quarters) == 1:
                return quarters[0].label
            if quarters[0].year == quarters[-1].year:
                return f"{quarters[0].label}{DASH}Q{quarters[-1].number}"
            return f"{quarters[0].label} {DASH} {quarters[-1].label}"
        one_month = (self.start.year, self.start.month) == (self.end.year, self.end.month)
        if self.start.day == 1 and _last_of_month(self.end) and one_month:
            return month_and_year(self.start)
        first = _day_label(self.start, self.end.year != self.start.year)
        return f"{first} {DASH} {_day_label(self.end, True)}"


def parse_period(start: str, end: str) -> Period:
    """A period from two bounds as people type them: a day ("2026-03-02"), a month ("2026-03"),
    a quarter ("2026-Q1", "2026Q1") or a year ("2026"). The start bound counts from its first
    day, the end bound to its last: `parse_period("2026-Q1", "2026-Q2")` is January to June."""
    return Period(_bound(start, last=False), _bound(end, last=True))


def quarter_period(text: str) -> Period:
    """One quarter, month, year or day as a period: "2026-Q1" is 1 January to 31 March."""
    return parse_period(text, text)


def local_day(moment: datetime) -> date:
    """The day a moment fell on where it was written: in its own UTC offset (a time with no
    offset is read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.date()


_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})")


def _bound(text: str, *, last: bool) -> date:
    written = text.strip()
    try:
        if match := _DAY.fullmatch(written):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _MONTH.fullmatch(written):
            year, month = int(match[1]), int(match[2])
            first = date(year, month, 1)
            return date(year, month, monthrange(year, month)[1]) if last else first
        if match := _QUARTER.fullmatch(written):
            quarter = Quarter(int(match[1]), int(match[2]))
            return quarter.end if last else quarter.start
        if match := _YEAR.fullmatch(written):
            year = int(match[1])
            return date(year, 12, 31) if last else date(year, 1, 1)
    except ValueError:
        raise PeriodError(
            f"“{written}” is not a date of the calendar: check the month and day."
        ) from None
    raise PeriodError(
        f"“{written}” is not a period bound: type a day (2026-03-02), a month (2026-03), a "
        f"quarter (2026-Q1) or a year (2026)."
    )


def _whole_months(period: Period) -> int | None:
    if period.start.day != 1 or not _last_of_month(period.end):
        return None
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_of_month(day: date) -> bool:
    return day.day == monthrange(day.year, day.month)[1]


def _month_name(day: date) -> str:
    return MONTH_NAMES[day.month - 1]


MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# Dates are spelled the same on every machine, in English like the rest of pmdesk, whatever the
# system's locale (strftime's %b and %B follow it once Qt has set it).
def long_date(day: date) -> str:
    """Monday 10 April 2026."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {_month_name(day)} {day.year}"


def short_date(day: date) -> str:
    """10 Apr 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_and_year(day: date) -> str:
    """April 2026."""
    return f"{_month_name(day)} {day.year}"


def _day_label(day: date, with_year: bool) -> str:
    said = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{said} {day.year}" if with_year else said
