"""Maintenance checks: preventive servicing on the schedules of policies/.

``maintenance.types`` in policies/ names each kind of scheduled job (a UPS
battery check, a firmware review) with intervals chosen by the same selector
as audits; a job is recorded as an entry of the asset's ``maintenance`` list
with that ``type``. The next job of a type is due the interval after the
latest recorded one, or after the purchase date when none is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import EXAMPLES_AS_OF, Check, days
from itam.dates import add_days
from itam.findings import Finding
from itam.limits import quote
from itam.suggest import did_you_mean

if TYPE_CHECKING:
    from itam.derive import ScheduledMaintenance
    from itam.entities import Entity
    from itam.policy.context import Context
    from itam.policy.model import Rule


def _pointer(entity: Entity, item: ScheduledMaintenance) -> str:
    """The latest job of the type, else the maintenance list, else the entity itself."""
    if item.record is not None:
        return f"/maintenance/{item.record}"
    return "/maintenance" if "maintenance" in entity.data else ""


def _history(item: ScheduledMaintenance) -> str:
    seen = f"last done {item.last.isoformat()}" if item.last else "never done"
    return f"{seen}, due every {days(item.interval_days)}"


class MaintenanceDue(Check):
    """Warns when a scheduled maintenance job is due within ``within_days``,
    or is already due but inside its grace period (``grace_days`` of the type,
    else of the ``maintenance`` section). One finding per type that is due, at
    the latest job of that type (or at the asset when none is recorded)."""

    name = "maintenance.due"
    summary = "a scheduled maintenance job is due soon"
    params: ClassVar[dict[str, Any]] = {
        "within_days": {
            "type": "integer",
            "minimum": 0,
            "default": 30,
            "description": "How many days before the due date to warn.",
        }
    }
    good_example = (
        "model: apc-smart-ups-srt3000rmxli    # ups-battery-check every 182 days\n"
        "maintenance:\n  - {date: 2026-10-05, type: ups-battery-check}    # due 2027-04-05"
    )
    bad_example = (
        "model: apc-smart-ups-srt3000rmxli    # ups-battery-check every 182 days\n"
        "maintenance:\n  - {date: 2026-06-01, type: ups-battery-check}    # due 2026-11-30"
    )
    examples_as_of = EXAMPLES_AS_OF

    def __init__(self, params: dict[str, Any]) -> None:
        self.within = int(params["within_days"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            for item in ctx.derived(entity).maintenance:
                if item.due is None:
                    continue
                left = (item.due - ctx.as_of).days
                if -item.schedule.grace_days <= left <= self.within:
                    when = (
                        f"in {days(left)}"
                        if left >= 0
                        else f"{days(left)} ago, grace period running"
                    )
                    yield ctx.finding(
                        rule,
                        entity,
                        _pointer(entity, item),
                        f"{item.schedule.name} is due on {item.due.isoformat()} ({when}); "
                        f"{_history(item)}",
                    )


class MaintenanceOverdue(Check):
    """A scheduled maintenance job is overdue: its due date plus the grace
    period has passed. An asset with neither a job of the type nor a purchase
    date on record is overdue too: nobody knows when it was last serviced.
    One finding per overdue type, at the latest job of that type (or at the
    asset when none is recorded)."""

    name = "maintenance.overdue"
    summary = "a scheduled maintenance job is overdue"
    good_example = (
        "kind: network-device\ncriticality: critical    # firmware-review every 91 days\n"
        "maintenance:\n  - {date: 2026-10-12, type: firmware-review}    # due 2027-01-11"
    )
    bad_example = (
        "kind: network-device\ncriticality: critical    # firmware-review every 91 days\n"
        "maintenance:\n  - {date: 2026-06-15, type: firmware-review}"
        "    # due 2026-09-14, grace to 09-28"
    )
    examples_as_of = EXAMPLES_AS_OF

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            for item in ctx.derived(entity).maintenance:
                grace = item.schedule.grace_days
                if item.due is None:
                    yield ctx.finding(
                        rule,
                        entity,
                        _pointer(entity, item),
                        f"{item.schedule.name} (every {days(item.interval_days)}) has never been "
                        "recorded and there is no purchase date to count from",
                    )
                elif add_days(item.due, grace) < ctx.as_of:
                    late = (ctx.as_of - item.due).days
                    yield ctx.finding(
                        rule,
                        entity,
                        _pointer(entity, item),
                        f"{item.schedule.name} was due on {item.due.isoformat()}, "
                        f"{days(late)} ago (grace {days(grace)}); {_history(item)}",
                    )


class MaintenanceUnknownType(Check):
    """A maintenance record names a ``type`` that the ``maintenance`` section
    of policies/ does not declare. Such a job counts for no schedule, so a
    misspelt type would leave the asset looking unserviced; a record without
    a type (a repair, say) is fine."""

    name = "maintenance.unknown-type"
    summary = "a maintenance record names a type that policies/ does not declare"
    good_example = "maintenance:\n  - {date: 2026-06-01, type: ups-battery-check}"
    bad_example = "maintenance:\n  - {date: 2026-06-01, type: ups-batery-check}    # misspelt"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        known = {t.name for t in ctx.policy.maintenance_types}
        for entity in ctx.select(rule):
            records = entity.get("maintenance")
            for index, record in enumerate(records if isinstance(records, list) else ()):
                kind = record.get("type") if isinstance(record, dict) else None
                if isinstance(kind, str) and kind not in known:
                    yield ctx.finding(
                        rule,
                        entity,
                        f"/maintenance/{index}/type",
                        f"maintenance type {quote(kind)} is not declared in policies/"
                        f"{did_you_mean(kind, known)}; declared: {', '.join(sorted(known))}",
                    )
