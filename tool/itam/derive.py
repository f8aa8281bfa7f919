"""Values computed from facts as of one date, never written by hand.

Warranty end, end of life, next audit due, age and book value all follow from
dates and policy; storing them would let them go stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from itam.dates import add_days, add_months, months_between, parse_date
from itam.entities import Entity
from itam.numbers import decimal_of
from itam.pointers import get
from itam.policy.model import Depreciation


@dataclass(frozen=True, slots=True)
class Derived:
    """One entity's derived values; None where the facts are missing."""

    warranty_end: dt.date | None
    warranty_source: str | None
    end_of_life: dt.date | None
    last_audit: dt.date | None
    audit_interval_days: int | None
    audit_due: dt.date | None
    purchased: dt.date | None
    age_days: int | None
    book_value: Decimal | None
    currency: str | None
    # The depreciation plan the book value follows, when one applies.
    depreciation: Depreciation | None = None


def warranty_end(entity: Entity, model: Entity | None) -> tuple[dt.date | None, str | None]:
    """Explicit end, else start plus months, else the model's default warranty."""
    warranty = entity.get("warranty")
    warranty = warranty if isinstance(warranty, dict) else {}
    end = parse_date(warranty.get("end"))
    if end is not None:
        return end, "warranty.end"
    start = parse_date(warranty.get("start")) or parse_date(get(entity.data, "purchase.date"))
    months = warranty.get("months")
    if start is not None and isinstance(months, int) and not isinstance(months, bool):
        return add_months(start, months), "warranty.start + warranty.months"
    default = model.get("warranty_months") if model is not None else None
    if start is not None and isinstance(default, int) and not isinstance(default, bool):
        return add_months(start, default), f"model {model.id} default of {default} months"  # type: ignore[union-attr]
    return None, None


def end_of_life(entity: Entity, model: Entity | None) -> dt.date | None:
    """The asset's own end_of_life, else its model's."""
    own = parse_date(entity.get("end_of_life"))
    if own is not None:
        return own
    return parse_date(model.get("end_of_life")) if model is not None else None


def last_audit(entity: Entity) -> dt.date | None:
    audits = entity.get("audits")
    if not isinstance(audits, list):
        return None
    dates = [d for a in audits if isinstance(a, dict) and (d := parse_date(a.get("date")))]
    return max(dates, default=None)


def book_value(
    cost: Decimal, purchased: dt.date, as_of: dt.date, months: int, salvage_percent: float
) -> Decimal:
    """Straight-line: cost less (cost - salvage) x elapsed/life, never below salvage."""
    salvage = cost * Decimal(str(salvage_percent)) / 100
    elapsed = min(months_between(purchased, as_of), months) if as_of >= purchased else 0
    value = cost - (cost - salvage) * elapsed / months
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def derive(
    entity: Entity,
    as_of: dt.date,
    model: Entity | None = None,
    audit_interval: int | None = None,
    plan: Depreciation | None = None,
) -> Derived:
    """All derived values of ``entity`` as of ``as_of``.

    The inputs are plain: the entity's model (None when it has none or the
    reference is broken), the audit interval and depreciation plan the policy
    gives it. ``itam.policy.context.Context.derived`` finds them and caches
    the result, once per entity and run.
    """
    if model is not None and model.kind != "model":
        model = None
    w_end, w_source = warranty_end(entity, model)
    purchased = parse_date(get(entity.data, "purchase.date"))
    audited = last_audit(entity)
    base = audited or purchased
    due = add_days(base, audit_interval) if base is not None and audit_interval else None
    value, currency = None, None
    cost = get(entity.data, "purchase.cost")
    if isinstance(cost, dict) and purchased is not None and plan is not None:
        amount = decimal_of(cost.get("amount"))
        if amount is not None:
            value = book_value(amount, purchased, as_of, plan.months, plan.salvage_percent)
            currency = cost.get("currency") if isinstance(cost.get("currency"), str) else None
    return Derived(
        warranty_end=w_end,
        warranty_source=w_source,
        end_of_life=end_of_life(entity, model),
        last_audit=audited,
        audit_interval_days=audit_interval,
        audit_due=due,
        purchased=purchased,
        age_days=(as_of - purchased).days if purchased is not None else None,
        book_value=value,
        currency=currency,
        depreciation=plan if value is not None else None,
    )
