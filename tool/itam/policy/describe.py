"""Explain the rules to people: every rule the tool can emit, and one in depth."""

from __future__ import annotations

import json
import textwrap

from itam.checks import CHECKS
from itam.policy.model import Policy, Rule
from itam.rules import BUILT_IN_ORIGIN, RuleInfo, catalogue, lookup

# A waiver names entities. Built-in findings on an entity (schema, integrity)
# can be waived; those on a file, a waiver or a change as a whole cannot.
_WAIVABLE_BUILT_IN = ("schema.", "integrity.")


def rule_table(policy: Policy) -> str:
    """Every rule: first the built-in ones (id, severity, what they check), then
    those of policies/ (id, severity, scope, and why)."""
    entries = catalogue(policy)
    built_in = [info for info in entries.values() if info.origin == BUILT_IN_ORIGIN]
    declared = sorted(policy.rules, key=lambda r: r.id)
    lines = [f"Built-in rules ({len(built_in)}): id, default severity, what it checks:"]
    width = max(len(info.id) for info in built_in)
    for info in built_in:
        lines.append(f"  {info.id:<{width}}  {info.severity:<7}  {info.summary}")
    lines.append("")
    if declared:
        lines.append(f"Rules of policies/ ({len(declared)}): id, severity, scope, then why:")
        width = max(len(r.id) for r in declared)
        for rule in declared:
            lines.append(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.selector.describe()}")
            lines.append(f"{'':<{width}}  {'':<7}  why: {rule.rationale}")
    else:
        lines.append("Rules of policies/: none declared")
    lines.append(
        f"{len(built_in)} built-in rules and {len(declared)} rules in policies/; "
        "`itam policy explain RULE` tells more about one"
    )
    return "\n".join(lines) + "\n"


def explain(policy: Policy, rule_id: str) -> str:
    """Everything about one rule, built-in or declared: what it checks and why,
    its scope and parameters, and a passing and a failing example."""
    info = lookup(rule_id, policy)
    rule = policy.rule(rule_id) if info.origin != BUILT_IN_ORIGIN else None
    out = _declared(rule, info, policy) if rule is not None else _built_in(info)
    out += _examples(info)
    if rule is not None or rule_id.startswith(_WAIVABLE_BUILT_IN):
        out += [
            "",
            "A finding of this rule can be waived in policies/waivers.yaml with the rule id,",
            "the entities, a reason, who approved it and an expiry date.",
        ]
    return "\n".join(out) + "\n"


def _fill(text: str) -> str:
    # Rule ids and words such as "half-finished" stay whole.
    return textwrap.indent(textwrap.fill(" ".join(text.split()), 76, break_on_hyphens=False), "  ")


def _doc(text: str | None) -> str:
    return textwrap.dedent(text or "").strip().replace("``", "`")


def _built_in(info: RuleInfo) -> list[str]:
    return [
        f"{info.id}  ({info.severity}; {info.origin})",
        "",
        f"What it checks: {info.summary}",
        "",
        "Why:",
        _fill(info.why),
    ]


def _declared(rule: Rule, info: RuleInfo, policy: Policy) -> list[str]:
    check = CHECKS[rule.check]
    out = [
        f"{rule.id}  ({rule.severity}; declared in {info.origin})",
        "",
        f"Why: {rule.rationale}",
        "",
        f"What it checks: {info.summary}",
        _fill(_doc(check.__doc__)),
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
    if rule.check.startswith("maintenance."):
        out += _maintenance_lines(policy)
    if rule.check.startswith(("software.", "firmware.")):
        out += _software_lines(policy, "os" if rule.check.startswith("software.") else "firmware")
    return out


def _audit_lines(policy: Policy) -> list[str]:
    lines = ["", f"Audit intervals (first match wins; grace {policy.audit_grace_days} days):"]
    for interval in policy.audit_intervals:
        lines.append(f"  {interval.selector.describe()}: every {interval.days} days")
    return lines


def _maintenance_lines(policy: Policy) -> list[str]:
    lines = ["", "Maintenance types (each applies with its first matching interval):"]
    for schedule in policy.maintenance_types:
        lines.append(f"  {schedule.name} (grace {schedule.grace_days} days)")
        if schedule.description:
            lines.append(textwrap.indent(_fill(schedule.description), "  "))
        for interval in schedule.intervals:
            lines.append(f"      {interval.selector.describe()}: every {interval.days} days")
    return lines


def _software_lines(policy: Policy, source: str) -> list[str]:
    field = "os.name + os.version" if source == "os" else "model's firmware_family + firmware"
    lines = ["", f"Software mapping ({field} → product and cycle; first match wins):"]
    for entry in policy.software:
        if entry.source == source:
            lines.append(f"  {', '.join(entry.names)}")
            lines.append(f"      version {entry.version} → {entry.product} {entry.cycle}")
    products = sorted({e.product for e in policy.software if e.source == source})
    lines += ["", "Reference data (the end of support is each release's eol):"]
    for product_id in products:
        product = policy.reference.products[product_id]
        lines.append(f"  {product.file}: {product.title}, {len(product.releases)} release cycles")
    return lines


def _examples(info: RuleInfo) -> list[str]:
    out = [""]
    if info.examples_as_of is not None:
        # A deadline example goes stale: say the date it was written for.
        out.append(f"Examples as of {info.examples_as_of} (they depend on the run's date):")
    out += ["Passes:", textwrap.indent(info.passing, "  ")]
    out += ["", "Fails:", textwrap.indent(info.failing, "  ")]
    return out
