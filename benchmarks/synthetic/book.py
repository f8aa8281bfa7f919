"""The state every part of the generator shares: random streams, ids, files.

One stream draws the registry, another the defects of the findings variant,
so that the clean and the findings registries of one seed differ only in the
files that carry a defect.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from random import Random
from typing import Any

from synthetic.values import ALNUM, FOLDERS, LETTERS, PREFIXES
from synthetic.yamltext import render

# The date the registry is judged as of: the runner passes it as --as-of.
AS_OF = dt.date(2026, 11, 22)


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus whole months, clamped to the month's end (as itam counts)."""
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


class Book:
    """The files written so far and what they have used up."""

    def __init__(self, seed: int, bundled: dict[str, list[Any]]) -> None:
        self.rng = Random(seed)
        self.defect_rng = Random(f"{seed}-findings")
        self.files: list[tuple[str, str]] = []
        self.taken: dict[str, set[str]] = defaultdict(set)
        self.next_number: dict[str, int] = {}
        # Entities that may carry a defect, counted in the order written, and
        # the indexes that do.
        self.judged = 0
        self.targets: set[int] = set()
        self.defects: dict[str, int] = defaultdict(int)
        for kind, prefix in PREFIXES.items():
            numbers = [
                int(str(e["id"]).rpartition("-")[2])
                for e in bundled.get(kind, [])
                if str(e.get("id", "")).rpartition("-")[2].isdigit()
            ]
            self.next_number[kind] = max(numbers, default=1000 if prefix == "EMP" else 0) + 1
        for entities in bundled.values():
            for entity in entities:
                for key in ("serial", "asset_tag"):
                    if isinstance(entity.get(key), str):
                        self.taken[key].add(entity[key].upper())
                network = entity.get("network")
                macs = network.get("mac_addresses") if isinstance(network, dict) else None
                for mac in macs if isinstance(macs, list) else []:
                    self.taken["mac"].add(str(mac).lower())

    def next_id(self, kind: str) -> str:
        number = self.next_number[kind]
        self.next_number[kind] = number + 1
        return f"{PREFIXES[kind]}-{number:04d}"

    def unique(self, space: str, make: Callable[[], str]) -> str:
        """A value of ``make`` that no entity has used in ``space`` (serial,
        asset_tag, mac), compared as the integrity rules compare them."""
        taken = self.taken[space]
        while True:
            value = make()
            key = value.lower() if space == "mac" else value.upper()
            if key not in taken:
                taken.add(key)
                return value

    def shaped(self, shape: str) -> str:
        """A value of ``shape``: ``a`` a letter, ``#`` a digit, ``x`` either."""
        rng = self.rng
        out = []
        for char in shape:
            if char == "a":
                out.append(rng.choice(LETTERS))
            elif char == "#":
                out.append(str(rng.randrange(10)))
            elif char == "x":
                out.append(rng.choice(ALNUM))
            else:
                out.append(char)
        return "".join(out)

    def days_ago(self, low: int, high: int) -> dt.date:
        return AS_OF - dt.timedelta(days=self.rng.randint(low, max(low, high)))

    def weighted(self, options: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([o for o, _ in options], [w for _, w in options])[0]

    def write(self, kind: str, entity_id: str, fields: dict[str, str]) -> None:
        self.files.append((f"registry/{FOLDERS[kind]}/{entity_id}.yaml", render(fields)))

    def defect_here(self) -> bool:
        """Whether the next entity that may carry a defect gets one."""
        index = self.judged
        self.judged += 1
        return index in self.targets
