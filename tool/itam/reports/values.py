"""Reading entity fields for a report: defensively, since any file may be odd.

A report shows what the registry holds, and a registry being judged may hold
anything: a name that is a number, a cost without a currency. These helpers
turn such values into the plain cell values of ``itam.reports.model`` (text,
``Decimal``, ISO dates) or ``None``, never raising.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from itam.entities import Entity
from itam.numbers import decimal_of
from itam.pointers import get


def text(value: Any) -> str | None:
    """A cell's text: strings as written, numbers spelt out, anything else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return None


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def amount(value: Any) -> Decimal | None:
    """A number as an exact ``Decimal`` (written as YAML wrote it), else None."""
    return decimal_of(value)


def money(value: Any) -> tuple[Decimal, str | None] | None:
    """A money object ``{amount, currency}`` as (amount, currency), else None."""
    if not isinstance(value, dict):
        return None
    number = amount(value.get("amount"))
    if number is None:
        return None
    currency = value.get("currency")
    return number, currency if isinstance(currency, str) else None


def field_money(entity: Entity, dotted: str) -> tuple[Decimal, str | None] | None:
    """The money object at ``dotted`` (``purchase.cost``) of ``entity``."""
    return money(get(entity.data, dotted))


def quarter(day: dt.date) -> str:
    """``2026-Q4``: the calendar quarter ``day`` falls in."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def next_quarter(start: dt.date) -> dt.date:
    """The first day of the quarter after the one starting on ``start``."""
    month = start.month + 3
    return dt.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def identity(entity: Entity) -> dict[str, Any]:
    """The cells that name an asset in every report: id, name, kind."""
    return {"id": entity.id, "name": text(entity.get("name")), "kind": entity.kind}


def by_id(entity: Entity) -> tuple[str, str]:
    """A deterministic order: by id, then by file (ids may be missing or repeated)."""
    return (entity.id or "", entity.file)
