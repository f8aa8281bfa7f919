"""Dates as the registry writes them, and the one date a run is judged as of."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from functools import lru_cache

from itam.errors import ConfigError

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def parse_date(text: object) -> dt.date | None:
    """``YYYY-MM-DD`` as a date; None for anything else, including 2023-02-30."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    return _parse_iso(text)


# A registry holds a few thousand distinct dates, each read by several rules
# and derived values: at 100,000 entities, a million parses of the same days.
@lru_cache(maxsize=1 << 16)
def _parse_iso(text: str) -> dt.date | None:
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus whole months, clamped to the month's end (Jan 31 + 1 = Feb 28/29).

    Past the calendar's end (year 9999) the answer is the last day there is.
    """
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def add_days(start: dt.date, days: int) -> dt.date:
    """``start`` plus ``days``, kept within the calendar."""
    try:
        return start + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def default_as_of() -> dt.date:
    """Today, unless SOURCE_DATE_EPOCH pins the clock for a reproducible run."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
            ) from None
    return dt.date.today()
