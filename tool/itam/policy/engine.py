"""Run the policy's rules over a context, then apply waivers."""

from __future__ import annotations

import datetime as dt

from itam.entities import Catalog
from itam.findings import Finding
from itam.policy import waivers
from itam.policy.context import Context
from itam.policy.model import Policy


def evaluate(ctx: Context, part: Context | None = None) -> list[Finding]:
    """Findings of all rules that judge the registry as it stands; with
    ``part`` (``ctx.only(files)``), those on the entities of these files,
    except for the rules whose findings read their whole selection."""
    findings: list[Finding] = []
    for rule in ctx.policy.rules:
        if not rule.impl.needs_base:
            judged = ctx if part is None or rule.impl.reads_selection else part
            findings.extend(rule.impl.run(judged, rule))
    return findings


def whole_selection_rules(policy: Policy) -> set[str]:
    """The rules ``evaluate`` judges in full even given a part."""
    return {rule.id for rule in policy.rules if rule.impl.reads_selection}


def evaluate_changes(ctx: Context) -> list[Finding]:
    """Findings of the rules that judge a change (``ctx.changes``) against its base."""
    findings: list[Finding] = []
    for rule in ctx.policy.rules:
        if rule.impl.needs_base:
            findings.extend(rule.impl.run(ctx, rule))
    return findings


def finalize(
    findings: list[Finding], catalog: Catalog, policy: Policy, as_of: dt.date
) -> list[Finding]:
    """Apply waivers to all findings (schema and integrity ones included)."""
    return waivers.apply(findings, policy.waivers, catalog, as_of)
