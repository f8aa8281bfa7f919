"""Book value by kind and by purchase year: cost, accumulated depreciation, book value.

Every figure is the evaluation's: the book value is derived straight-line
from policies/depreciation.yaml as of the evaluation's date; accumulated
depreciation is cost less book value. One row per group and currency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from itam.reports.books import holdings
from itam.reports.model import Column, Table, sectioned
from itam.reports.sums import Sums

if TYPE_CHECKING:
    from itam.evaluation import Evaluation

AMOUNTS = ("count", "cost", "accumulated", "book_value")
TOTAL = "Total, per currency"
"""The section the dashboard shows: one row per currency."""

COLUMNS = [
    Column("kind", "Kind"),
    Column("year", "Purchase year"),
    Column("currency", "Currency"),
    Column("count", "Assets", "number"),
    Column("cost", "Cost", "money"),
    Column("accumulated", "Accumulated depreciation", "money"),
    Column("book_value", "Book value", "money"),
]


def build(evaluation: Evaluation) -> Table:
    """The fixed assets on the books, summed by kind, by purchase year and in total."""
    by_kind = Sums(("kind", "currency"), AMOUNTS)
    by_year = Sums(("year", "currency"), AMOUNTS)
    total = Sums(("currency",), AMOUNTS)
    for holding in holdings(evaluation).values():
        purchased = holding.derived.purchased
        values: dict[str, int | Decimal | None] = {
            "count": 1,
            "cost": holding.cost,
            "accumulated": holding.cost - holding.book_value,
            "book_value": holding.book_value,
        }
        by_kind.add((holding.entity.kind, holding.currency), **values)
        by_year.add((str(purchased.year) if purchased else None, holding.currency), **values)
        total.add((holding.currency,), **values)
    sections = [
        ("By kind", by_kind.rows()),
        ("By purchase year", by_year.rows()),
        (TOTAL, total.rows()),
    ]
    return Table(
        name="depreciation",
        title="Depreciation and book value",
        description=(
            "The assets on the books (purchased, not yet disposed of) at cost, less "
            "straight-line depreciation, by kind and by year of purchase."
        ),
        as_of=evaluation.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        notes=[
            "Depreciation plans (months, salvage) come from policies/depreciation.yaml. "
            "Amounts in different currencies are never added together."
        ],
    )
