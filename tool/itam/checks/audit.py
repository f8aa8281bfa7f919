"""Audit checks: when the next physical audit is due, from policies' intervals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import EXAMPLES_AS_OF, Check, days
from itam.dates import add_days
from itam.findings import Finding

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.policy.context import Context
    from itam.policy.model import Rule


def _history(ctx: Context, entity: Entity) -> str:
    derived = ctx.derived(entity)
    last = derived.last_audit
    seen = f"last audited {last.isoformat()}" if last else "never audited"
    return f"{seen}, to be audited every {derived.audit_interval_days} days"


class AuditDue(Check):
    """Warns when an asset's next audit is due within ``within_days``, or is
    already due but still inside the grace period that ``audit.grace_days`` in
    policies/ allows. The next audit is due the interval after the last
    recorded audit (or after the purchase date when none is recorded); the
    interval comes from the first matching entry of ``audit.intervals``."""

    name = "audit.due"
    summary = "an audit is due soon"
    params: ClassVar[dict[str, Any]] = {
        "within_days": {
            "type": "integer",
            "minimum": 0,
            "default": 30,
            "description": "How many days before the due date to warn.",
        }
    }
    good_example = "audits: [{date: 2026-09-01}]    # every 365 days: due 2027-09-01"
    bad_example = "audits: [{date: 2025-12-10}]    # due 2026-12-10, within 30 days of 2026-11-22"
    examples_as_of = EXAMPLES_AS_OF

    def __init__(self, params: dict[str, Any]) -> None:
        self.within = int(params["within_days"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        grace = ctx.policy.audit_grace_days
        for entity in ctx.select(rule):
            due = ctx.derived(entity).audit_due
            if due is None:
                continue
            left = (due - ctx.as_of).days
            if -grace <= left <= self.within:
                when = (
                    f"in {days(left)}" if left >= 0 else f"{days(left)} ago, grace period running"
                )
                yield ctx.finding(
                    rule,
                    entity,
                    "/audits" if "audits" in entity.data else "/status",
                    f"an audit is due on {due.isoformat()} ({when}); {_history(ctx, entity)}",
                )


class AuditOverdue(Check):
    """An asset whose audit is overdue: the due date plus the grace period of
    ``audit.grace_days`` has passed. An asset with neither an audit nor a
    purchase date on record is overdue too: nobody knows when it was last seen."""

    name = "audit.overdue"
    summary = "an audit is overdue"
    good_example = (
        "audits: [{date: 2026-05-02}]    # every 180 days: due 2026-10-29, grace to 11-28"
    )
    bad_example = "audits: [{date: 2025-06-10}]    # every 365 days: overdue since 2026-07-10"
    examples_as_of = EXAMPLES_AS_OF

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        grace = ctx.policy.audit_grace_days
        for entity in ctx.select(rule):
            derived = ctx.derived(entity)
            pointer = "/audits" if "audits" in entity.data else "/status"
            if derived.audit_interval_days is None:
                continue
            if derived.audit_due is None:
                yield ctx.finding(rule, entity, pointer, "no audit and no purchase date on record")
            elif add_days(derived.audit_due, grace) < ctx.as_of:
                late = (ctx.as_of - derived.audit_due).days
                yield ctx.finding(
                    rule,
                    entity,
                    pointer,
                    f"the audit due on {derived.audit_due.isoformat()} is {days(late)} late "
                    f"(grace {days(grace)}); {_history(ctx, entity)}",
                )
