"""What a change does to the rules themselves, for reviewers to see.

A pull request that edits ``policies/`` or ``schemas/`` changes how every
later change is judged. It is not an error in itself, but a reviewer must
notice it: each changed file becomes one ``policy.changed`` finding naming the
rules it adds, removes or relaxes (a lower severity, a narrower scope, other
parameters, a new transition, fewer required fields, a new or longer waiver).
"""

from __future__ import annotations

from collections.abc import Iterable

from itam.findings import SEVERITY_ORDER, Finding, Severity
from itam.policy.model import Lifecycle, Policy, Rule, Waiver

RULE = "policy.changed"


def _rules_by_file(policy: Policy | None) -> dict[str, dict[str, Rule]]:
    out: dict[str, dict[str, Rule]] = {}
    for rule in policy.rules if policy else ():
        out.setdefault(rule.place.file, {})[rule.id] = rule
    return out


def _relaxed(old: Rule, new: Rule) -> list[str]:
    why = []
    if SEVERITY_ORDER[new.severity] > SEVERITY_ORDER[old.severity]:
        why.append(f"{old.severity} → {new.severity}")
    if new.selector != old.selector:
        why.append(f"applies to {new.selector.describe()} (was {old.selector.describe()})")
    if new.params != old.params:
        why.append("other parameters")
    if new.check != old.check:
        why.append(f"runs {new.check} (was {old.check})")
    return why


def _lifecycle_changes(old: Iterable[Lifecycle], new: Iterable[Lifecycle]) -> list[str]:
    before = {c.name: c for c in old}
    notes = []
    for cycle in new:
        prior = before.pop(cycle.name, None)
        if prior is None:
            notes.append(f"adds lifecycle {cycle.name}")
            continue
        for source, targets in sorted(cycle.transitions.items()):
            added = sorted(targets - prior.transitions.get(source, frozenset()))
            if added:
                notes.append(f"allows {source} → {', '.join(added)}")
        for name, state in sorted(cycle.states.items()):
            was = prior.states.get(name)
            if was is None:
                continue
            dropped = {r.describe() for r in was.requires} - {r.describe() for r in state.requires}
            if dropped:
                notes.append(f"{name} no longer requires {', '.join(sorted(dropped))}")
            if was.terminal and not state.terminal:
                notes.append(f"{name} is no longer terminal")
        if cycle.kinds != prior.kinds:
            notes.append(f"lifecycle {cycle.name} covers other kinds")
    notes += [f"removes lifecycle {name}" for name in sorted(before)]
    return notes


def _waiver_key(waiver: Waiver) -> tuple[str, tuple[str, ...]]:
    return (waiver.rule, waiver.entities)


def _waiver_changes(old: Iterable[Waiver], new: Iterable[Waiver]) -> list[str]:
    before = {_waiver_key(w): w for w in old}
    notes = []
    for waiver in new:
        prior = before.get(_waiver_key(waiver))
        who = f"{waiver.rule} for {', '.join(waiver.entities)}"
        if prior is None:
            notes.append(f"adds a waiver of {who} until {waiver.expires.isoformat()}")
        elif waiver.expires > prior.expires:
            notes.append(f"extends the waiver of {who} to {waiver.expires.isoformat()}")
    return notes


def describe_policy_changes(
    base: Policy | None, head: Policy, changed_files: Iterable[str]
) -> list[Finding]:
    """One ``policy.changed`` warning per changed policy or schema file.

    ``base`` is None when the base revision's policy could not be read; the
    finding then says so.
    """
    old_rules, new_rules = _rules_by_file(base), _rules_by_file(head)
    findings = []
    for path in sorted(changed_files):
        notes: list[str] = []
        line: int | None = None
        if path.startswith("policies/"):
            old, new = old_rules.get(path, {}), new_rules.get(path, {})
            for rule_id in sorted(new.keys() - old.keys()):
                notes.append(f"adds rule {rule_id}")
            for rule_id in sorted(old.keys() - new.keys()):
                notes.append(f"removes rule {rule_id}")
            for rule_id in sorted(old.keys() & new.keys()):
                why = _relaxed(old[rule_id], new[rule_id])
                if why:
                    notes.append(f"changes {rule_id}: {'; '.join(why)}")
                    line = line or new[rule_id].place.line
            if base is not None:
                notes += _lifecycle_changes(
                    (c for c in base.lifecycles if c.place.file == path),
                    (c for c in head.lifecycles if c.place.file == path),
                )
                notes += _waiver_changes(
                    (w for w in base.waivers if w.place.file == path),
                    (w for w in head.waivers if w.place.file == path),
                )
        what = "; ".join(notes) if notes else "edited"
        if base is None:
            what += " (the base revision's policies could not be read to compare)"
        findings.append(
            Finding(
                RULE,
                Severity.WARNING,
                f"this change edits how the registry is judged: {path}: {what}; "
                "reviewers: check it, and protect policies/ and schemas/ with CODEOWNERS",
                file=path,
                line=line,
                change="new",
            )
        )
    return findings
