"""Refresh planning: which assets reach end of life or full depreciation in each
of the coming quarters, and what replacing them costs.

An asset is due for refresh at the earlier of its derived end of life and the
end of its depreciation plan (purchase date plus the plan's months). The
replacement cost is the model's ``price`` (a money object) when the model
records one, else the latest purchase cost of an asset of the same model in
the registry, else the asset's own purchase cost; the row says which.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from itam.dates import add_months
from itam.reports.model import Column, Table, sectioned
from itam.reports.scope import in_classes
from itam.reports.sums import Sums
from itam.reports.values import (
    field_money,
    identity,
    iso,
    money,
    next_quarter,
    quarter,
    quarter_start,
    text,
)

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.evaluation import Evaluation

QUARTERS = 8
"""Quarters planned ahead, the current one included: two budget years."""

IN_SERVICE = ("deployed", "deployable", "undeployable")
"""Classes of assets that will need replacing (not planned, not retired)."""

COLUMNS = [
    Column("quarter", "Quarter"),
    Column("id", "Asset", "id"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("model", "Model", "id"),
    Column("status", "Status"),
    Column("location", "Location", "id"),
    Column("due", "Refresh due", "date"),
    Column("reason", "Why"),
    Column("count", "Assets", "number"),
    Column("currency", "Currency"),
    Column("replacement_cost", "Replacement cost", "money"),
    Column("cost_source", "Cost from"),
]

Price = tuple[Decimal, str | None]


def _latest_purchases(evaluation: Evaluation) -> dict[str, tuple[str, str, Price]]:
    """For each model id, the latest purchase of an asset of it: (date, asset id, cost)."""
    latest: dict[str, tuple[str, str, Price]] = {}
    for entity in evaluation.catalog:
        model = entity.get("model")
        cost = field_money(entity, "purchase.cost")
        purchased = evaluation.derived(entity).purchased
        if not isinstance(model, str) or cost is None or purchased is None:
            continue
        candidate = (purchased.isoformat(), entity.id or "", cost)
        if model not in latest or candidate[:2] > latest[model][:2]:
            latest[model] = candidate
    return latest


def _replacement(
    evaluation: Evaluation, entity: Entity, latest: dict[str, tuple[str, str, Price]]
) -> tuple[Price | None, str]:
    model_id = entity.get("model")
    model = evaluation.entity(model_id) if isinstance(model_id, str) else None
    price = money(model.get("price")) if model is not None and model.kind == "model" else None
    if price is not None:
        return price, "model price"
    if isinstance(model_id, str) and model_id in latest:
        day, asset, cost = latest[model_id]
        return cost, f"last purchase of the model ({asset}, {day})"
    own = field_money(entity, "purchase.cost")
    if own is not None:
        return own, "own purchase cost"
    return None, "unknown"


def _due(evaluation: Evaluation, entity: Entity) -> tuple[dt.date, str] | None:
    """When the asset is due for refresh, and why; None when nothing says."""
    derived = evaluation.derived(entity)
    reasons: list[tuple[dt.date, str]] = []
    if derived.end_of_life is not None:
        reasons.append((derived.end_of_life, "end of life"))
    if derived.depreciation is not None and derived.purchased is not None:
        reasons.append(
            (add_months(derived.purchased, derived.depreciation.months), "fully depreciated")
        )
    if not reasons:
        return None
    first = min(day for day, _why in reasons)
    return first, " and ".join(why for day, why in reasons if day == first)


def build(evaluation: Evaluation) -> Table:
    """Assets due for refresh per quarter, with replacement costs and totals per quarter."""
    start = quarter_start(evaluation.as_of)
    starts = [start]
    while len(starts) < QUARTERS + 1:
        starts.append(next_quarter(starts[-1]))
    horizon = starts[-1]
    labels = [quarter(day) for day in starts[:QUARTERS]]
    overdue = f"Already due (before {labels[0]})"
    groups: dict[str, list[dict[str, Any]]] = {label: [] for label in (overdue, *labels)}
    budget = Sums(("quarter", "currency"), ("count", "replacement_cost"))
    latest = _latest_purchases(evaluation)
    for entity in evaluation.catalog:
        if not in_classes(evaluation, entity, IN_SERVICE):
            continue
        due = _due(evaluation, entity)
        if due is None or due[0] >= horizon:
            continue
        label = quarter(due[0]) if due[0] >= start else overdue
        price, source = _replacement(evaluation, entity, latest)
        currency = price[1] if price is not None else None
        groups[label].append(
            {
                "quarter": label if label != overdue else quarter(due[0]),
                **identity(entity),
                "model": text(entity.get("model")),
                "status": text(entity.get("status")),
                "location": text(entity.get("location")),
                "due": iso(due[0]),
                "reason": due[1],
                "currency": currency,
                "replacement_cost": price[0] if price is not None else None,
                "cost_source": source,
            }
        )
        budget.add(
            (label if label != overdue else "already due", currency),
            count=1,
            replacement_cost=price[0] if price is not None else None,
        )
    for rows in groups.values():
        rows.sort(key=lambda r: (r["due"], r["id"] or ""))
    sections = [(title, rows) for title, rows in groups.items() if rows or title != overdue]
    sections.append(("Budget per quarter, per currency", _budget_order(budget.rows())))
    return Table(
        name="refresh",
        title="Refresh plan and budget",
        description=(
            f"Assets reaching end of life or full depreciation in each of the next {QUARTERS} "
            "quarters, with what replacing them costs: the budget a refresh plan needs."
        ),
        as_of=evaluation.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        notes=[
            "Replacement cost: the model's price when recorded, else the latest purchase "
            "of the same model in the registry, else the asset's own purchase cost; "
            "'Cost from' says which. Amounts in different currencies are never added.",
        ],
    )


def _budget_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # The backlog before the quarters, not after them as the text sorts.
    return sorted(rows, key=lambda r: r["quarter"] != "already due")
