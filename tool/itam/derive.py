"""Values computed from facts as of one date, never written by hand.

Warranty end, end of life, next audit due, next maintenance, age, book value
and which vendor release the software is all follow from dates, policy and
reference data; storing them would let them go stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from itam.dates import add_days, add_months, months_between, parse_date
from itam.entities import Entity
from itam.numbers import decimal_of
from itam.pointers import get
from itam.policy.model import Depreciation, MaintenanceType
from itam.support import Support


@dataclass(frozen=True, slots=True)
class ScheduledMaintenance:
    """When one type of preventive maintenance is next due on an asset."""

    schedule: MaintenanceType
    interval_days: int
    # The latest recorded job of this type, and its index in `maintenance`.
    last: dt.date | None
    record: int | None
    # The interval after the last job (else after the purchase); None when
    # neither is on record.
    due: dt.date | None


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
    # Where end_of_life comes from: "asset" (its own field) or "model".
    end_of_life_source: str | None = None
    # Each maintenance type that applies, soonest first (unknown due dates first).
    maintenance: tuple[ScheduledMaintenance, ...] = ()
    # The operating system and firmware, each matched to a vendor release or not.
    software: tuple[Support, ...] = ()

    @property
    def next_maintenance(self) -> ScheduledMaintenance | None:
        """The maintenance due soonest (of every type that applies), if any."""
        return self.maintenance[0] if self.maintenance else None


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


def _soonest(item: ScheduledMaintenance) -> tuple[dt.date, str]:
    return (item.due or dt.date.min, item.schedule.name)


def maintenance_due(
    entity: Entity, schedules: Sequence[tuple[MaintenanceType, int]], purchased: dt.date | None
) -> tuple[ScheduledMaintenance, ...]:
    """Per maintenance type (with its interval in days), when it is next due.

    Only records of that ``type`` count; a record without a type (a repair)
    is history, not a scheduled job.
    """
    if not schedules:
        return ()
    records = entity.get("maintenance")
    latest: dict[str, tuple[dt.date, int]] = {}
    for index, record in enumerate(records if isinstance(records, list) else ()):
        if not isinstance(record, dict) or not isinstance(record.get("type"), str):
            continue
        day = parse_date(record.get("date"))
        kept = latest.get(record["type"])
        if day is not None and (kept is None or day >= kept[0]):
            latest[record["type"]] = (day, index)
    out = []
    for schedule, days in schedules:
        last, record_index = latest.get(schedule.name, (None, None))
        base = last or purchased
        due = add_days(base, days) if base is not None else None
        out.append(ScheduledMaintenance(schedule, days, last, record_index, due))
    return tuple(sorted(out, key=_soonest))


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
    schedules: Sequence[tuple[MaintenanceType, int]] = (),
    software: tuple[Support, ...] = (),
) -> Derived:
    """All derived values of ``entity`` as of ``as_of``.

    The inputs are plain: the entity's model (None when it has none or the
    reference is broken), the audit interval, depreciation plan and
    maintenance schedules (type, interval in days) the policy gives it, and
    its software already matched to vendor releases (``itam.support``).
    ``itam.policy.context.Context.derived`` finds them and caches the result,
    once per entity and run.
    """
    if model is not None and model.kind != "model":
        model = None
    w_end, w_source = warranty_end(entity, model)
    eol = end_of_life(entity, model)
    own_eol = parse_date(entity.get("end_of_life")) is not None
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
        end_of_life=eol,
        last_audit=audited,
        audit_interval_days=audit_interval,
        audit_due=due,
        purchased=purchased,
        age_days=(as_of - purchased).days if purchased is not None else None,
        book_value=value,
        currency=currency,
        depreciation=plan if value is not None else None,
        end_of_life_source=None if eol is None else ("asset" if own_eol else "model"),
        maintenance=maintenance_due(entity, schedules, purchased),
        software=software,
    )
