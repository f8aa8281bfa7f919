"""License compliance: seats bought against seats assigned, renewals and cost.

Seats assigned are counted by ``itam.checks.licenses.holders``, the very count
the ``license.seats`` rule judges with (and with its ``count_archived``
parameter), so the report's "over" is exactly that rule's finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itam.checks.licenses import holders
from itam.dates import parse_date
from itam.pointers import get
from itam.reports.model import Column, Table, sectioned
from itam.reports.scope import flags, param
from itam.reports.sums import Sums
from itam.reports.values import field_money, identity, iso, text

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.evaluation import Evaluation

KINDS = ("software-license", "saas-subscription")

COLUMNS = [
    Column("id", "License", "id"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("status", "Status"),
    Column("vendor", "Vendor", "id"),
    Column("seats", "Seats bought", "number"),
    Column("assigned", "Assigned", "number"),
    Column("free", "Free (negative: over)", "number"),
    Column("compliance", "Compliance"),
    Column("renewal", "Renewal or end", "date"),
    Column("period", "Billed"),
    Column("currency", "Currency"),
    Column("count", "Licenses", "number"),
    Column("cost", "Cost", "money"),
    Column("rule", "Finding", "rule"),
    Column("waiver", "Waiver"),
]


def _licenses(evaluation: Evaluation) -> list[Entity]:
    rule = evaluation.policy.rule("license.seats")
    found = (
        list(evaluation.context.select(rule))
        if rule is not None
        else evaluation.catalog.of_kind(*KINDS)
    )
    return sorted(found, key=lambda e: (e.id or "", e.file))


def _seats(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _compliance(seats: int | None, assigned: int) -> str:
    if seats is None:
        return "no seat count"
    if assigned > seats:
        return f"over by {assigned - seats}"
    if assigned < seats:
        return f"{seats - assigned} unused"
    return "fully used"


def _cost(entity: Entity) -> tuple[str, dict[str, Any]]:
    """The billing period and the cost: a subscription's per period, else the purchase's."""
    billing = field_money(entity, "billing.cost")
    if billing is not None:
        period = text(get(entity.data, "billing.period")) or "per period"
        return period, {"currency": billing[1], "cost": billing[0]}
    bought = field_money(entity, "purchase.cost")
    if bought is not None:
        return "once", {"currency": bought[1], "cost": bought[0]}
    return "", {"currency": None, "cost": None}


def build(evaluation: Evaluation) -> Table:
    """Every license and subscription with its seats, compliance, renewal and cost."""
    count_archived = bool(param(evaluation, "license.seats", "count_archived"))
    assigned = holders(evaluation.context, count_archived)
    rows = []
    costs = Sums(("period", "currency"), ("count", "cost"))
    for entity in _licenses(evaluation):
        seats = _seats(entity.get("seats"))
        used = len(assigned.get(entity.id or "", []))
        period, cost = _cost(entity)
        renewal = parse_date(entity.get("renewal")) or parse_date(entity.get("end"))
        rows.append(
            {
                **identity(entity),
                "status": text(entity.get("status")),
                "vendor": text(entity.get("vendor")),
                "seats": seats,
                "assigned": used,
                "free": seats - used if seats is not None else None,
                "compliance": _compliance(seats, used),
                "renewal": iso(renewal),
                "period": period or None,
                **cost,
                **flags(evaluation, entity.id, ("license.", "subscription.")),
            }
        )
        if period:
            costs.add((period, cost["currency"]), count=1, cost=cost["cost"])
    over = sum(1 for r in rows if r["free"] is not None and r["free"] < 0)
    sections = [
        ("Licenses and subscriptions", rows),
        ("Cost by billing period, per currency", costs.rows()),
    ]
    scope = "including" if count_archived else "not counting"
    return Table(
        name="licenses",
        title="License compliance",
        description=(
            "Seats bought against seats assigned for every software license and SaaS "
            "subscription, with renewal dates and cost: over-assignment is a compliance "
            "breach and a true-up bill."
        ),
        as_of=evaluation.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        notes=[
            f"{over} of {len(rows)} over-assigned. A seat is held by every entity that lists "
            f"the license in its licenses, {scope} retired and disposed assets (license.seats).",
            "Cost is per billing period for subscriptions and the purchase price otherwise.",
        ],
    )
