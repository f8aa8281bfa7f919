"""Warranty checks, on the warranty end derived as of the run's date."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import EXAMPLES_AS_OF, Check, days, in_days
from itam.findings import Finding

if TYPE_CHECKING:
    from itam.policy.context import Context
    from itam.policy.model import Rule


def _where(entity_data: dict[str, Any]) -> str:
    return "/warranty" if "warranty" in entity_data else "/model"


class WarrantyRequired(Check):
    """The selected assets must have a warranty on record: an explicit
    ``warranty.end``, or ``warranty.start`` (else the purchase date) plus
    ``warranty.months``, or the model's default ``warranty_months``."""

    name = "warranty.required"
    summary = "a warranty is on record"
    good_example = "kind: server\nstatus: deployed\nwarranty: {start: 2025-01-10, months: 60}"
    bad_example = "kind: server\nstatus: deployed    # no warranty, model has no default"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            if ctx.derived(entity).warranty_end is None:
                yield ctx.finding(
                    rule,
                    entity,
                    _where(entity.data),
                    "no warranty on record: add warranty.end, or warranty.start and "
                    "warranty.months (or a purchase date and a model with warranty_months)",
                )


class WarrantyExpiring(Check):
    """Warns while the warranty end lies within ``within_days`` of the run's
    date, so that renewal or replacement can be planned."""

    name = "warranty.expiring"
    summary = "the warranty ends soon"
    params: ClassVar[dict[str, Any]] = {
        "within_days": {
            "type": "integer",
            "minimum": 1,
            "default": 90,
            "description": "How many days ahead to warn.",
        }
    }
    good_example = "warranty: {end: 2027-12-31}    # as of 2026-11-22, more than 90 days away"
    bad_example = "warranty: {end: 2027-01-15}    # as of 2026-11-22, 54 days away"
    examples_as_of = EXAMPLES_AS_OF

    def __init__(self, params: dict[str, Any]) -> None:
        self.within = int(params["within_days"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            derived = ctx.derived(entity)
            end = derived.warranty_end
            if end is None:
                continue
            left = (end - ctx.as_of).days
            if 0 <= left <= self.within:
                yield ctx.finding(
                    rule,
                    entity,
                    _where(entity.data),
                    f"the warranty ends on {end.isoformat()}, {in_days(left)} "
                    f"(from {derived.warranty_source})",
                )


class WarrantyExpiredInService(Check):
    """An asset still in service whose warranty has ended: renew the cover,
    or plan its replacement."""

    name = "warranty.expired-in-service"
    summary = "an asset in service is out of warranty"
    good_example = "status: deployed\nwarranty: {end: 2028-03-31}"
    bad_example = "status: deployed\nwarranty: {end: 2026-01-31}    # ended before 2026-11-22"
    examples_as_of = EXAMPLES_AS_OF

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            derived = ctx.derived(entity)
            end = derived.warranty_end
            if end is not None and end < ctx.as_of:
                yield ctx.finding(
                    rule,
                    entity,
                    _where(entity.data),
                    f"the warranty ended on {end.isoformat()}, {days((ctx.as_of - end).days)} "
                    f"ago, and the asset is {entity.get('status')}",
                )
