"""Lifecycle checks: known states, and the fields each state requires."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import EXAMPLES_AS_OF, FIELD_LIST, Check, nearest, present
from itam.dates import parse_date
from itam.findings import Finding
from itam.pointers import get
from itam.schemas import values_at
from itam.suggest import did_you_mean

if TYPE_CHECKING:
    from itam.policy.context import Context
    from itam.policy.model import Rule


class LifecycleState(Check):
    """An entity's ``status`` must be one of the states its kind's lifecycle
    declares in policies/ (e.g. a laptop may be ``deployed`` but not
    ``active``, which belongs to licenses and contracts)."""

    name = "lifecycle.state"
    summary = "status is a state of the kind's lifecycle"
    good_example = "kind: laptop\nstatus: deployed"
    bad_example = "kind: laptop\nstatus: deployd    # not a state"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            lifecycle = ctx.policy.lifecycle_of(entity.kind)
            status = entity.get("status")
            if lifecycle is None or not isinstance(status, str) or status in lifecycle.states:
                continue
            states = sorted(lifecycle.states)
            hint = did_you_mean(status, states)
            yield ctx.finding(
                rule,
                entity,
                "/status",
                f"status {status!r} is not a state of the {lifecycle.name} lifecycle: "
                f"{', '.join(states)}{hint}",
            )


class RequiredFields(Check):
    """Each lifecycle state may require fields (``requires`` in the lifecycle
    of policies/): a deployed asset needs an owner and a location, an asset in
    repair a ticket or a vendor, a retired one a date and a reason. This check
    reports every requirement an entity's current state leaves unmet."""

    name = "lifecycle.required-fields"
    summary = "the fields the entity's state requires are filled in"
    good_example = "status: deployed\nowner: EMP-1001\nlocation: lon-hq"
    bad_example = "status: deployed\nlocation: lon-hq    # no owner"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            state = ctx.state(entity)
            if state is None:
                continue
            for requirement in state.requires:
                if any(present(get(entity.data, p)) for p in requirement.paths):
                    continue
                first = requirement.paths[0]
                yield ctx.finding(
                    rule,
                    entity,
                    nearest(entity.data, first.rpartition(".")[0]) if "." in first else "/status",
                    f"an entity that is {state.name} needs {requirement.describe()}",
                )


class FutureDate(Check):
    """Dates that record something that happened (a purchase, an audit, a
    repair, a retirement, a loss, a data wipe) cannot lie after the run's
    date: an audit dated next year would postpone every audit deadline.
    ``fields`` lists them as dotted paths, ``*`` for every list item. The
    disposal date is checked by disposal.after-retirement."""

    name = "lifecycle.future-date"
    summary = "recorded events are not dated in the future"
    params: ClassVar[dict[str, Any]] = {
        "fields": {
            **FIELD_LIST,
            "default": [
                "purchase.date",
                "audits.*.date",
                "maintenance.*.date",
                "retirement.date",
                "loss.date",
                "disposal.sanitization.date",
            ],
            "description": "Dates of past events, as dotted paths (* for list items).",
        }
    }
    good_example = "audits: [{date: 2026-03-18}]    # as of 2026-11-22"
    bad_example = "audits: [{date: 2027-03-18}]    # as of 2026-11-22"
    examples_as_of = EXAMPLES_AS_OF

    def __init__(self, params: dict[str, Any]) -> None:
        self.fields = [(f, tuple(f.split("."))) for f in params["fields"]]

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            for name, tokens in self.fields:
                for where, value in values_at(entity.data, tokens):
                    when = parse_date(value)
                    if when is not None and when > ctx.as_of:
                        yield ctx.finding(
                            rule,
                            entity,
                            where,
                            f"{name.replace('.*', '')} {when.isoformat()} lies in the future "
                            f"(as of {ctx.as_of.isoformat()}); record events once they happened",
                        )
