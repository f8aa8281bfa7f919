"""The site's Jinja filters, registered once on the one environment.

Each takes plain values (str, int, Decimal, date, None) and returns text;
autoescaping does the rest. None shows as an em dash, so an empty cell reads
as "nothing recorded", not as a glitch.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment

from itam.numbers import cents, decimal_of

NOTHING = "\u2014"


def date(value: dt.date | str | None) -> str:
    """A date as ISO ``YYYY-MM-DD`` (unambiguous in every country)."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def number(value: int | float | Decimal | None) -> str:
    """A number with thousands separators: 12,345."""
    if value is None:
        return NOTHING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{Decimal(str(value)):,f}"


def money(value: Decimal | int | float | str | None, currency: str | None = None) -> str:
    """An amount with two decimals and its currency: ``GBP 1,234.50``."""
    if value is None or value == "":
        return NOTHING
    amount = decimal_of(value)
    if amount is None:
        return str(value)
    text = f"{cents(amount):,}"
    return f"{currency} {text}" if currency else text


def percent(value: float | None) -> str:
    """A share as a whole-number percentage, or a dash when there is nothing to count."""
    if value is None:
        return NOTHING
    whole = round(value * 100)
    # 99.6% compliant is not "100%", and one in a thousand is not "0%".
    if whole == 100 and value < 1:
        whole = 99
    elif whole == 0 and value > 0:
        whole = 1
    return f"{whole}%"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 entity``, ``3 entities``: the count with the right word."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def http_url(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL, else None.

    Only these become links: ``javascript:``, ``data:`` and the rest of the
    schemes a URL field might hold are shown as text.
    """
    if not isinstance(value, str) or value[:4].lower() != "http":
        return None
    if any(ord(c) < 0x21 for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


def short(value: str | None, length: int = 12) -> str:
    """A commit or digest shortened for reading."""
    return NOTHING if not value else value[:length]


FILTERS = {
    "date": date,
    "number": number,
    "money": money,
    "percent": percent,
    "plural": plural,
    "http_url": http_url,
    "short": short,
}


def register(env: Environment) -> None:
    """Install every filter on ``env``; called once, where the environment is built."""
    env.filters.update(FILTERS)
