"""Sums per group and per currency: amounts in different currencies never add up.

A row of sums is keyed by its group (a kind, a quarter, a method) and its
currency, so EUR and GBP of the same group are two rows. Counts and weights
sum like amounts; an amount nobody recorded stays ``None`` rather than 0, so
"unknown" is never shown as "nothing".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

Number = int | Decimal


class Sums:
    """Rows of sums keyed by the values of ``keys`` (e.g. ``("kind", "currency")``)."""

    def __init__(self, keys: tuple[str, ...], amounts: tuple[str, ...]) -> None:
        self.keys = keys
        self.amounts = amounts
        self._rows: dict[tuple[Any, ...], dict[str, Any]] = {}

    def add(self, key: tuple[Any, ...], **values: Number | None) -> None:
        """Add ``values`` to the row of ``key``; a ``None`` value adds nothing."""
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = {
                **dict(zip(self.keys, key, strict=True)),
                **dict.fromkeys(self.amounts),
            }
        for name, value in values.items():
            if value is not None:
                row[name] = (row[name] or 0) + value

    def rows(self) -> list[dict[str, Any]]:
        """The rows, sorted by key (a ``None`` key, such as no currency, last)."""
        return [
            self._rows[key]
            for key in sorted(self._rows, key=lambda k: [(v is None, str(v or "")) for v in k])
        ]
