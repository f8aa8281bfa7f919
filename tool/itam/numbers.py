"""Numbers as the registry writes them: exact decimals, never floats' guesses.

The loader keeps a decimal as text when a float would change what was
written (``1289.00``, ``10.10``); the schemas accept such text where a
quantity belongs. Every consumer reads quantities through ``decimal_of`` so
that 1289.00 and 1289 are the same amount and 0.1 + 0.2 is 0.3.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_DECIMAL_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def decimal_of(value: Any) -> Decimal | None:
    """``value`` as an exact Decimal: a Decimal, an int, a float (by its shortest
    repr), or decimal text such as ``"1289.00"``; None for anything else
    (booleans, NaN and infinities too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    if isinstance(value, str) and len(value) <= 32 and _DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    return None


CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """``value`` to the cent; as it is when too large to hold its cents (1e300)."""
    try:
        return value.quantize(CENT)
    except InvalidOperation:
        return value
