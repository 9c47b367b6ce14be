"""How domain values that databases have no exact type for are stored: numbers that must stay int
or float, and times that must keep the UTC offset they were written with.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from pmdesk.domain.model import Number


def encode_number(value: Number) -> str:
    """An int as its digits ("12400"), a float as Python's shortest exact spelling ("2.5", "nan").

    Text rather than a numeric column: REAL would turn 12400 into 12400.0, INTEGER cannot hold
    2.5, and JSON would be refused by PostgreSQL for NaN and infinity. A float's repr always has a
    ".", an "e", "inf" or "nan" in it, so the text alone tells which type to give back.
    """
    if isinstance(value, int):  # bool too, stored as 0 or 1
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    raise TypeError(f"a metric value must be an int or a float, not {type(value).__name__}")


def decode_number(text: str) -> Number:
    try:
        return int(text)
    except ValueError:
        return float(text)


def split_time(at: datetime) -> tuple[datetime, int]:
    """The instant as naive UTC (for ordering and comparing) and the offset in whole seconds."""
    offset = at.utcoffset()
    if offset is None:
        raise ValueError(f"a time in a postmortem must carry its UTC offset, got {at!r}")
    seconds, rest = divmod(offset, timedelta(seconds=1))
    if rest:
        raise ValueError(f"UTC offsets are stored to the second, got {offset!r}")
    return at.astimezone(UTC).replace(tzinfo=None), seconds


def join_time(at_utc: datetime, offset_seconds: int) -> datetime:
    """The same instant, shown in the offset it was written with (a fixed offset, not a zone)."""
    return at_utc.replace(tzinfo=UTC).astimezone(_fixed_offset(offset_seconds))


@lru_cache(maxsize=128)
def _fixed_offset(offset_seconds: int) -> timezone:
    # A timeline uses one or two offsets: build each once, not once per event.
    return timezone(timedelta(seconds=offset_seconds))


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
