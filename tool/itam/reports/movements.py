"""Fixed-asset movements: the roll-forward finance closes a period with.

From two evaluations (the registry at the start and at the end of a period,
each judged as of its own date, usually two commits) the assets on the books
(``itam.reports.books``) are matched by id:

* opening: on the books at the start, at book value then;
* additions: on the books at the end but not at the start (bought, or newly
  recorded), valued at cost, or at book value on the start date when bought
  before the period;
* disposals: on the books at the start but not at the end (disposed of, or
  deleted), at book value on the disposal date when it falls in the period,
  else at the opening value;
* depreciation: the rest, so that closing = opening + additions - disposals
  - depreciation holds to the cent in every currency;
* transfers: assets on the books at both ends whose location changed (no
  effect on the totals).

An asset whose currency changed counts as a disposal in the old currency and
an addition in the new one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from itam.dates import parse_date
from itam.derive import book_value
from itam.errors import ConfigError
from itam.layout import Layout
from itam.pointers import get
from itam.reports.books import Holding, holdings
from itam.reports.model import Column, Table, sectioned
from itam.reports.points import Point, evaluate_point, last_commit_on, resolve
from itam.reports.values import identity, iso, text

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.evaluation import Evaluation

LINES = ("Opening", "Additions", "Disposals", "Depreciation", "Closing", "Transfers")

COLUMNS = [
    Column("line", "Movement"),
    Column("id", "Asset", "id"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("date", "Date", "date"),
    Column("status", "Status"),
    Column("from_location", "From", "id"),
    Column("to_location", "To", "id"),
    Column("currency", "Currency"),
    Column("count", "Assets", "number"),
    Column("value", "Value", "money"),
    Column("book_value", "Book value", "money"),
]


@dataclass(slots=True)
class _Ledger:
    """One currency's movements: counts and amounts per line."""

    count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    value: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, line: str, value: Decimal, count: int = 1) -> None:
        self.count[line] += count
        self.value[line] += value

    def rows(self, currency: str | None) -> list[dict[str, Any]]:
        return [
            {
                "line": line,
                "currency": currency,
                "count": self.count[line] if line != "Depreciation" else None,
                "book_value": self.value[line],
            }
            for line in LINES
        ]


def _value_on(holding: Holding, day: dt.date) -> Decimal:
    """The holding's book value on ``day``, by its own depreciation plan."""
    plan, purchased = holding.derived.depreciation, holding.derived.purchased
    if plan is None or purchased is None:
        return holding.book_value
    return book_value(holding.cost, purchased, day, plan.months, plan.salvage_percent)


def _addition(holding: Holding, since: dt.date | None) -> Decimal:
    purchased = holding.derived.purchased
    if since is None or purchased is None or purchased >= since:
        return holding.cost
    return _value_on(holding, since)


def _disposal(
    holding: Holding, later: Entity | None, since: dt.date, until: dt.date
) -> tuple[Decimal, dt.date | None]:
    day = parse_date(get(later.data, "disposal.date")) if later is not None else None
    if day is None or not since <= day <= until:
        return holding.book_value, day
    return min(_value_on(holding, day), holding.book_value), day


def _describe(evaluation: Evaluation | None, day: dt.date | None) -> str:
    if evaluation is None:
        when = day.isoformat() if day is not None else "the start"
        return f"{when} (before the first commit: nothing registered)"
    label = evaluation.label if evaluation.label == "work tree" else evaluation.label[:12]
    where = "the work tree" if label == "work tree" else f"commit {label}"
    return f"{evaluation.as_of.isoformat()} ({where})"


def build_movements(
    start: Evaluation | None, end: Evaluation, since: dt.date | None = None
) -> Table:
    """The roll-forward from ``start`` to ``end``; ``start`` is None when the
    history begins after the period's start (``since``): the opening is empty."""
    since = start.as_of if start is not None else since
    before = holdings(start) if start is not None else {}
    after = holdings(end)
    ledgers: dict[str | None, _Ledger] = defaultdict(_Ledger)
    additions, disposals, transfers = [], [], []
    for entity_id in sorted(before.keys() | after.keys()):
        old, new = before.get(entity_id), after.get(entity_id)
        if old is not None:
            ledgers[old.currency].add("Opening", old.book_value)
        if new is not None:
            ledgers[new.currency].add("Closing", new.book_value)
        if old is not None and new is not None and old.currency == new.currency:
            ledgers[new.currency].add("Depreciation", old.book_value - new.book_value, 0)
            moved = (text(old.entity.get("location")), text(new.entity.get("location")))
            if moved[0] != moved[1]:
                ledgers[new.currency].add("Transfers", new.book_value)
                transfers.append(_transfer(new, *moved))
            continue
        if old is not None:
            later = end.catalog.get(entity_id)
            value, day = _disposal(old, later, since or end.as_of, end.as_of)
            ledgers[old.currency].add("Disposals", value)
            ledgers[old.currency].add("Depreciation", old.book_value - value, 0)
            status = text(later.get("status")) if later is not None else "deleted"
            disposals.append(_detail(old, value, iso(day), status))
        if new is not None:
            value = _addition(new, since)
            ledgers[new.currency].add("Additions", value)
            ledgers[new.currency].add("Depreciation", value - new.book_value, 0)
            additions.append(_detail(new, value, iso(new.derived.purchased), None))
    sections = [
        (f"Roll-forward, {currency or 'no currency'}", ledgers[currency].rows(currency))
        for currency in sorted(ledgers, key=lambda c: (c is None, c or ""))
    ]
    sections += [
        ("Additions", additions),
        ("Disposals", disposals),
        ("Transfers between locations", transfers),
    ]
    return Table(
        name="movements",
        title="Fixed-asset movements",
        description=(
            f"The fixed-asset roll-forward from {_describe(start, since)} to "
            f"{_describe(end, None)}: closing = opening + additions - disposals - "
            "depreciation, in each currency."
        ),
        as_of=end.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        notes=[
            "Additions are valued at cost (at book value on the start date when bought "
            "earlier), disposals at book value on the disposal date; transfers change no "
            "total. Each end is judged with the policies of its own commit.",
        ],
    )


def _detail(
    holding: Holding, value: Decimal, day: str | None, status: str | None
) -> dict[str, Any]:
    row = {**identity(holding.entity), "date": day}
    if status is not None:
        row["status"] = status
    return {**row, "currency": holding.currency, "value": value}


def _transfer(holding: Holding, old: str | None, new: str | None) -> dict[str, Any]:
    return {
        **identity(holding.entity),
        "from_location": old,
        "to_location": new,
        "currency": holding.currency,
        "book_value": holding.book_value,
    }


def year_to_date(evaluation: Evaluation) -> Table:
    """The movements since the end of the previous calendar year, read from git."""
    since = dt.date(evaluation.as_of.year - 1, 12, 31)
    layout = Layout(evaluation.root)
    try:
        commit = last_commit_on(layout, since)
        start = evaluate_point(layout, Point(commit, since))
    except ConfigError as exc:
        return Table(
            name="movements",
            title="Fixed-asset movements",
            description="The fixed-asset roll-forward of the year to date.",
            as_of=evaluation.as_of.isoformat(),
            columns=COLUMNS,
            rows=[],
            notes=[f"Not available: {exc}"],
        )
    return build_movements(start, evaluation, since)


def between(layout: Layout, start: str, end: str) -> tuple[Table, Evaluation]:
    """The movements from ``start`` to ``end`` (each a ref or YYYY-MM-DD), and
    the end's evaluation (an HTML page shows its commit and policy)."""
    first, last = resolve(layout, start), resolve(layout, end)
    if first.as_of > last.as_of:
        raise ConfigError(
            f"--from {start} ({first.as_of.isoformat()}) is after --to {end} "
            f"({last.as_of.isoformat()}): a period runs forward"
        )
    closing = evaluate_point(layout, last)
    if closing is None:
        raise ConfigError(
            f"no commit on or before {end}: the period ends before the history starts"
        )
    return build_movements(evaluate_point(layout, first), closing, first.as_of), closing
