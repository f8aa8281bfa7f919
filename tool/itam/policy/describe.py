"""Explain the policy to people: every rule, and one rule in depth."""

from __future__ import annotations

import json
import textwrap

from itam.checks import CHECKS
from itam.errors import ConfigError
from itam.policy.model import Policy, Rule
from itam.suggest import did_you_mean


def rule_table(policy: Policy) -> str:
    """One block per rule: id, severity, scope, and rationale."""
    if not policy.rules:
        return "no rules: policies/ declares none\n"
    width = max(len(r.id) for r in policy.rules)
    lines = []
    for rule in sorted(policy.rules, key=lambda r: r.id):
        lines.append(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.selector.describe()}")
        lines.append(f"{'':<{width}}  {'':<7}  why: {rule.rationale}")
    lines.append(f"{len(policy.rules)} rules; `itam policy explain RULE` tells more about one")
    return "\n".join(lines) + "\n"


def _doc(text: str | None) -> str:
    return textwrap.dedent(text or "").strip().replace("``", "`")


def explain(policy: Policy, rule_id: str) -> str:
    """Everything about one rule: what it checks, its scope and parameters, examples."""
    rule = policy.rule(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, (r.id for r in policy.rules))
        raise ConfigError(f"no rule {rule_id!r} in policies/{hint}; `itam policy list` shows all")
    return _explain(rule, policy)


def _audit_lines(policy: Policy) -> list[str]:
    lines = ["", f"Audit intervals (first match wins; grace {policy.audit_grace_days} days):"]
    for interval in policy.audit_intervals:
        lines.append(f"  {interval.selector.describe()}: every {interval.days} days")
    return lines


def _explain(rule: Rule, policy: Policy) -> str:
    check = CHECKS[rule.check]
    doc = _doc(check.__doc__)
    out = [
        f"{rule.id}  ({rule.severity}; declared in {rule.place.file}:{rule.place.line})",
        "",
        f"Why: {rule.rationale}",
        "",
        "What it checks:",
        textwrap.indent(textwrap.fill(" ".join(doc.split()), 76), "  "),
        "",
        f"Applies to: {rule.selector.describe()}",
    ]
    if rule.check != rule.id:
        out.append(f"Check: {rule.check} ({check.summary})")
    if check.params:
        out += ["", "Parameters (value in force, then what it means):"]
        for name, spec in check.params.items():
            value = rule.params.get(name, spec.get("default"))
            shown = json.dumps(value, ensure_ascii=False) if value is not None else "(not set)"
            if len(shown) > 60:
                shown = shown[:57] + "..."
            out.append(f"  {name} = {shown}")
            out.append(f"      {spec.get('description', '')}")
    if rule.check.startswith("audit."):
        out += _audit_lines(policy)
    if check.good_example or check.bad_example:
        out += ["", "Passes:", textwrap.indent(check.good_example, "  ")]
        out += ["", "Fails:", textwrap.indent(check.bad_example, "  ")]
    out += [
        "",
        "A finding of this rule can be waived in policies/waivers.yaml with the rule id,",
        "the entities, a reason, who approved it and an expiry date.",
    ]
    return "\n".join(out) + "\n"
