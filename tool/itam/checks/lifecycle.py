"""Lifecycle checks: known states, and the fields each state requires."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from itam.checks.base import Check, get, nearest, present
from itam.findings import Finding

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
            close = difflib.get_close_matches(status, states, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
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
