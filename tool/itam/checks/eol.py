"""End-of-life checks: the asset's own ``end_of_life``, else its model's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import EXAMPLES_AS_OF, Check, days, in_days
from itam.findings import Finding

if TYPE_CHECKING:
    from itam.derive import Derived
    from itam.entities import Entity
    from itam.policy.context import Context
    from itam.policy.model import Rule


def _source(derived: Derived, entity: Entity) -> tuple[str, str]:
    if derived.end_of_life_source == "asset":
        return "/end_of_life", "its own end_of_life"
    return "/model", f"model {entity.get('model')}"


class EolApproaching(Check):
    """Warns while the end of life (vendor support ends, no more patches) lies
    within ``within_days``, so that replacement is budgeted in time."""

    name = "eol.approaching"
    summary = "end of life is near"
    params: ClassVar[dict[str, Any]] = {
        "within_days": {
            "type": "integer",
            "minimum": 1,
            "default": 180,
            "description": "How many days ahead to warn.",
        }
    }
    good_example = "model: cisco-catalyst-9300-48p    # end_of_life 2031-10-31"
    bad_example = "model: juniper-ex4300-48p    # end_of_life 2027-04-30, within 180 days"
    examples_as_of = EXAMPLES_AS_OF

    def __init__(self, params: dict[str, Any]) -> None:
        self.within = int(params["within_days"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            eol = ctx.derived(entity).end_of_life
            if eol is None:
                continue
            left = (eol - ctx.as_of).days
            if 0 <= left <= self.within:
                where, source = _source(ctx.derived(entity), entity)
                yield ctx.finding(
                    rule,
                    entity,
                    where,
                    f"end of life on {eol.isoformat()} (from {source}), {in_days(left)}",
                )


class EolPassedInService(Check):
    """An asset still in service past its end of life: it no longer gets
    security fixes. Replace it, or record a waiver with a date."""

    name = "eol.passed-in-service"
    summary = "an asset in service is past its end of life"
    good_example = "status: deployed\nend_of_life: 2029-06-30"
    bad_example = "status: deployed\nend_of_life: 2026-06-30    # passed by 2026-11-22"
    examples_as_of = EXAMPLES_AS_OF

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            eol = ctx.derived(entity).end_of_life
            if eol is not None and eol < ctx.as_of:
                where, source = _source(ctx.derived(entity), entity)
                yield ctx.finding(
                    rule,
                    entity,
                    where,
                    f"end of life was {eol.isoformat()} (from {source}), "
                    f"{days((ctx.as_of - eol).days)} ago, and the asset is {entity.get('status')}",
                )
