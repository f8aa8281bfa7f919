"""Filters of ``itam list`` (and ``export``, ``reconcile``): ``FIELD OP VALUE``.

``kind=laptop status=deployed warranty.end<2027-01-01 owner=EMP-1001``: every
filter must hold. A field is one of the inventory's (``itam.inventory``): a
named field or a stored dotted path. Operators:

* ``=`` and ``!=``: equal or not. Two numbers are equal as exact decimals
  (``32`` equals ``32.0``); anything else compares as the text written
  (``0012345`` is not ``12345``). An empty value asks for a missing one:
  ``owner=`` lists what has no owner, ``owner!=`` what has one.
* ``<``, ``<=``, ``>``, ``>=``: dates as dates, numbers as exact decimals,
  severities by rank (``severity>=warning``); any other value is refused.
* ``~`` and ``!~``: contains or not, ignoring case.

A field holding a list (``network.mac_addresses``, ``audits.by``) matches
when any item does (``!=`` and ``!~``: when none does). ``location=X``
matches what is at X or anywhere inside it, through the locations' parents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from itam.dates import parse_date
from itam.entities import Entity
from itam.errors import ConfigError
from itam.findings import SEVERITY_ORDER, Severity
from itam.inventory import Field, Inventory, cell_text, leaves
from itam.limits import quote
from itam.numbers import decimal_of

OPERATORS = ("<=", ">=", "!=", "!~", "=", "<", ">", "~")
_FILTER = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*)\s*(<=|>=|!=|!~|=|<|>|~)(.*)", re.DOTALL)
_ORDERED = frozenset(("<", "<=", ">", ">="))
_SEVERITIES = {str(s): SEVERITY_ORDER[s] for s in Severity}


@dataclass(frozen=True, slots=True)
class Filter:
    """One parsed filter; ``date``/``number``/``rank`` are the value read as such."""

    text: str
    field: Field
    op: str
    value: str
    date: dt.date | None = None
    number: Decimal | None = None
    rank: int | None = None


def parse(texts: Iterable[str], inventory: Inventory) -> list[Filter]:
    """Each ``FIELD OP VALUE``; ConfigError (exit 2) for one that cannot apply."""
    return [parse_one(text, inventory) for text in texts]


def parse_one(text: str, inventory: Inventory) -> Filter:
    """One filter, its field resolved against the inventory."""
    match = _FILTER.fullmatch(text)
    if match is None:
        raise ConfigError(
            f"cannot read the filter {quote(text)}: write FIELD OP VALUE, e.g. kind=laptop "
            f"or warranty.end<2027-01-01, with OP one of {' '.join(OPERATORS)}"
        )
    name, op, value = match.groups()
    field = inventory.field(name)
    date, number = parse_date(value), _number(value)
    rank = _SEVERITIES.get(value) if field.kind == "severity" else None
    if op in _ORDERED and date is None and number is None and rank is None:
        raise ConfigError(
            f"the filter {quote(text)} compares with {op}, which takes a date (YYYY-MM-DD) "
            f"or a number{', or a severity' if field.kind == 'severity' else ''}; "
            f"{quote(value)} is neither (use = or ~ for text)"
        )
    return Filter(text, field, op, value, date, number, rank)


def _number(text: str) -> Decimal | None:
    return decimal_of(text.strip()) if text.strip() else None


def select(inventory: Inventory, filters: Sequence[Filter]) -> list[Entity]:
    """The entities every filter matches, in the inventory's order."""
    return [e for e in inventory.entities() if all(matches(f, inventory, e) for f in filters)]


def matches(flt: Filter, inventory: Inventory, entity: Entity) -> bool:
    """Whether ``entity`` passes ``flt``."""
    if flt.field.key == "location" and flt.op in ("=", "!=") and flt.value:
        inside = flt.value in inventory.evaluation.context.locations_of(entity)
        return inside if flt.op == "=" else not inside
    values = leaves(inventory.value(flt.field, entity))
    if flt.op in ("=", "!="):
        found = not values if not flt.value else any(_equal(flt, v) for v in values)
        return found if flt.op == "=" else not found
    if flt.op in ("~", "!~"):
        needle = flt.value.casefold()
        found = any(needle in cell_text(v).casefold() for v in values)
        return found if flt.op == "~" else not found
    return any(_ordered(flt, v) for v in values)


def _equal(flt: Filter, value: Any) -> bool:
    if flt.number is not None and not isinstance(value, bool):
        number = decimal_of(value)
        if number is not None:
            return number == flt.number
    return cell_text(value) == flt.value


def _ordered(flt: Filter, value: Any) -> bool:
    mine: Any
    theirs: Any
    if flt.rank is not None:
        rank = _SEVERITIES.get(str(value))
        if rank is None:
            return False
        # Severities rank error 0, warning 1, info 2: "greater" is more severe.
        mine, theirs = -flt.rank, -rank
    elif flt.date is not None:
        theirs = value if isinstance(value, dt.date) else parse_date(value)
        mine = flt.date
    else:
        theirs = None if isinstance(value, bool) else decimal_of(value)
        mine = flt.number
    if theirs is None:
        return False
    if flt.op == "<":
        return bool(theirs < mine)
    if flt.op == "<=":
        return bool(theirs <= mine)
    if flt.op == ">":
        return bool(theirs > mine)
    return bool(theirs >= mine)
