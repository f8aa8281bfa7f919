"""License and subscription checks: seats, expiry, renewals.

Seats in use are counted, never written down: every entity (a laptop, a
person) that lists a license in its ``licenses`` holds one seat of it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import EXAMPLES_AS_OF, Check, days
from itam.dates import add_days, parse_date
from itam.findings import Finding

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.policy.context import Context
    from itam.policy.model import Rule


def holders(ctx: Context, count_archived: bool = False) -> dict[str, list[Entity]]:
    """For each license id, the entities that hold one of its seats."""
    out: dict[str, list[Entity]] = defaultdict(list)
    for entity in ctx.catalog:
        refs = entity.get("licenses")
        if not isinstance(refs, list):
            continue
        if not count_archived:
            state = ctx.state(entity)
            if state is not None and state.state_class == "archived":
                continue
        for ref in dict.fromkeys(r for r in refs if isinstance(r, str)):
            out[ref].append(entity)
    return out


def ends(entity: Entity) -> dt.date | None:
    """When a license or subscription stops: its ``end``; a subscription that
    does not renew itself also stops at its ``renewal`` date."""
    end = parse_date(entity.get("end"))
    if end is None and entity.kind == "saas-subscription" and entity.get("auto_renew") is False:
        end = parse_date(entity.get("renewal"))
    return end


class LicenseSeats(Check):
    """Seats assigned must not exceed ``seats`` bought. Assignments are the
    entities that list the license in ``licenses``; assets in an archived state
    (retired, disposed) hold no seat unless ``count_archived`` is true."""

    name = "license.seats"
    summary = "no more seats assigned than bought"
    params: ClassVar[dict[str, Any]] = {
        "count_archived": {
            "type": "boolean",
            "default": False,
            "description": "Count retired and disposed assets that still list the license.",
        }
    }
    good_example = "seats: 5    # and 5 entities list it in licenses"
    bad_example = "seats: 5    # and 6 entities list it in licenses"

    def __init__(self, params: dict[str, Any]) -> None:
        self.count_archived = bool(params["count_archived"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        assigned = holders(ctx, self.count_archived)
        for entity in ctx.select(rule):
            seats = entity.get("seats")
            if not isinstance(seats, int) or isinstance(seats, bool) or entity.id is None:
                continue
            users = assigned.get(entity.id, [])
            if len(users) > seats:
                names = ", ".join(u.id or u.file for u in users)
                yield ctx.finding(
                    rule,
                    entity,
                    "/seats",
                    f"{len(users)} seats assigned, {seats} bought "
                    f"({len(users) - seats} over): {names}",
                )


class LicenseExpiredInUse(Check):
    """A license or subscription past its end date that is still active or
    still assigned to someone: renew it, or remove the assignments and mark it
    ended."""

    name = "license.expired-in-use"
    summary = "an expired license is still in use"
    good_example = "status: ended\nend: 2025-12-31    # nobody lists it"
    bad_example = "status: active\nend: 2026-06-30    # ended before 2026-11-22"
    examples_as_of = EXAMPLES_AS_OF

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        assigned = holders(ctx)
        for entity in ctx.select(rule):
            end = ends(entity)
            if end is None or end >= ctx.as_of:
                continue
            users = assigned.get(entity.id or "", [])
            state = ctx.state(entity)
            active = state is not None and state.state_class in ("deployed", "deployable")
            if users or active:
                why = f"still assigned to {len(users)}" if users else "still marked active"
                yield ctx.finding(
                    rule,
                    entity,
                    "/end" if "end" in entity.data else "/renewal",
                    f"ended on {end.isoformat()}, {days((ctx.as_of - end).days)} ago, {why}",
                )


class SubscriptionRenewalDue(Check):
    """Warns when a subscription's renewal date approaches: from its notice
    period (``notice_days`` on the subscription, else ``notice_days`` here)
    plus ``lead_days`` before the renewal, so that someone decides to renew or
    cancel before the notice period closes."""

    name = "subscription.renewal-due"
    summary = "a renewal or cancellation decision is due"
    params: ClassVar[dict[str, Any]] = {
        "notice_days": {
            "type": "integer",
            "minimum": 0,
            "default": 30,
            "description": "Notice period when the subscription states none.",
        },
        "lead_days": {
            "type": "integer",
            "minimum": 0,
            "default": 14,
            "description": "Days before the notice period starts to begin warning.",
        },
    }
    good_example = "renewal: 2027-06-01\nnotice_days: 30"
    bad_example = "renewal: 2026-12-15\nnotice_days: 30    # notice period opened 2026-11-15"
    examples_as_of = EXAMPLES_AS_OF

    def __init__(self, params: dict[str, Any]) -> None:
        self.notice = int(params["notice_days"])
        self.lead = int(params["lead_days"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            renewal = parse_date(entity.get("renewal")) or parse_date(entity.get("end"))
            if renewal is None:
                continue
            notice = entity.get("notice_days")
            if not isinstance(notice, int) or isinstance(notice, bool):
                notice = self.notice
            deadline = add_days(renewal, -notice)
            if add_days(deadline, -self.lead) <= ctx.as_of <= renewal:
                yield ctx.finding(
                    rule,
                    entity,
                    "/renewal" if "renewal" in entity.data else "/end",
                    f"renews on {renewal.isoformat()}; notice of {days(notice)} "
                    f"{'closes' if deadline >= ctx.as_of else 'closed'} on {deadline.isoformat()}",
                )
