"""What a report is: a titled table of plain values, shared by every output.

A report is built from one evaluation and knows nothing of how it is shown:
markdown, CSV and JSON come from ``itam.reports.render``, HTML from the
site's templates. Values are plain (``str``, ``int``, ``Decimal``, ``None``;
dates as ISO strings, ids as strings) so that every renderer escapes them the
same way and nothing from an entity is ever markup.

Two conventions every renderer follows:

* When ``sections`` are given, ``rows`` is their concatenation in order (one
  flat list for exports); a renderer for people shows the sections instead.
* A section shows the columns its rows carry as keys: a key absent from every
  row of a section is not a column of that section (so a disposal report's
  "pending" rows have no certificate column, while a ``None`` certificate on
  a disposed asset is an empty cell: the evidence is missing). Money totals
  are rows of a section, one per currency, since amounts in different
  currencies are never added; ``totals`` holds currency-free sums only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from itam.evaluation import Evaluation

COLUMN_KINDS = ("text", "date", "number", "money", "id", "rule", "severity")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the row key, its heading, and what its values are."""

    key: str
    label: str
    kind: str = "text"  # text | date | number | money | id | rule | severity


@dataclass(slots=True)
class Table:
    """One report's content; see the module docstring for the conventions."""

    name: str
    title: str
    description: str
    as_of: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    sections: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    totals: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def columns_of(self, rows: list[dict[str, Any]]) -> list[Column]:
        """The columns ``rows`` carry (every column when there are no rows)."""
        if not rows:
            return list(self.columns)
        keys = {key for row in rows for key in row}
        return [c for c in self.columns if c.key in keys]

    def section(self, title: str) -> list[dict[str, Any]]:
        """The rows of the section called ``title`` (KeyError when there is none)."""
        for name, rows in self.sections:
            if name == title:
                return rows
        raise KeyError(f"report {self.name} has no section {title!r}")


def sectioned(sections: list[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """The flat ``rows`` of a table made of ``sections``."""
    return [row for _title, rows in sections for row in rows]


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """An entry of the ``REPORTS`` table: a name, a title, and its builder."""

    name: str
    title: str
    build: Callable[[Evaluation], Table]
