"""Products and their release cycles, with the days their support ends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Milestone = dt.date | bool | None
"""When a phase of support ends: a day; True when it has ended on a day the
source does not give; False or None when no end is announced."""

MILESTONES = ("eoas", "eol", "eoes")
"""End of active support, end of security support (end of life), end of extended support."""


@dataclass(frozen=True, slots=True)
class Release:
    """One release cycle of a product (``11-24h2-e``, ``7.4``, ``24.04``)."""

    cycle: str
    label: str | None = None
    released: dt.date | None = None
    eoas: Milestone = None
    eol: Milestone = None
    eoes: Milestone = None

    def name(self) -> str:
        """The cycle, with its label when the source gives one."""
        return f"{self.cycle} ({self.label})" if self.label else self.cycle


@dataclass(frozen=True, slots=True)
class Product:
    """One product's release cycles, with where they come from and under which licence."""

    id: str
    title: str
    source: str
    licence: str
    releases: dict[str, Release] = field(default_factory=dict)
    # The reference file it was read from, relative to the root.
    file: str | None = field(default=None, compare=False)


@dataclass(slots=True)
class Reference:
    """Every product of ``reference/``, by id."""

    products: dict[str, Product] = field(default_factory=dict)

    def release(self, product: str, cycle: str) -> Release | None:
        found = self.products.get(product)
        return found.releases.get(cycle) if found is not None else None
