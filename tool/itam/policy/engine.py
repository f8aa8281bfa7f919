"""Run every rule of the policy over the registry, then apply waivers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from itam.entities import Catalog
from itam.findings import Finding
from itam.policy import waivers
from itam.policy.context import Context
from itam.policy.model import Policy

if TYPE_CHECKING:
    from itam.changes import ChangeSet


def evaluate(catalog: Catalog, policy: Policy, as_of: dt.date) -> list[Finding]:
    """Findings of all rules that judge the registry as it stands."""
    ctx = Context(catalog, policy, as_of)
    findings: list[Finding] = []
    for rule in policy.rules:
        if not rule.impl.needs_base:
            findings.extend(rule.impl.run(ctx, rule))
    return findings


def evaluate_changes(
    base: Catalog, head: Catalog, changes: ChangeSet, policy: Policy, as_of: dt.date
) -> list[Finding]:
    """Findings of the rules that judge a change against its base."""
    del base  # the change set already pairs each entity with its base version
    ctx = Context(head, policy, as_of, changes)
    findings: list[Finding] = []
    for rule in policy.rules:
        if rule.impl.needs_base:
            findings.extend(rule.impl.run(ctx, rule))
    return findings


def finalize(
    findings: list[Finding], catalog: Catalog, policy: Policy, as_of: dt.date
) -> list[Finding]:
    """Apply waivers to all findings (schema and integrity ones included)."""
    return waivers.apply(findings, policy.waivers, catalog, as_of)
