"""Which entities a report covers, and what the policy in force says of them.

A report's window (30 days for audits) and its scope are the policy's, read
from the rule that judges the same thing, so that a report never disagrees
with ``itam validate`` about what is due. When the organisation has switched
a rule off, the check's own default stands in. (Warranty and end of life,
where several rules may run one check: ``itam.reports.deadlines``.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itam.checks import CHECKS

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.evaluation import Evaluation


def param(evaluation: Evaluation, rule_id: str, name: str) -> Any:
    """Parameter ``name`` of the rule ``rule_id`` in force, else the check's default."""
    rule = evaluation.policy.rule(rule_id)
    if rule is not None and name in rule.params:
        return rule.params[name]
    check = CHECKS.get(rule.check if rule is not None else rule_id)
    return check.defaults().get(name) if check is not None else None


def in_classes(evaluation: Evaluation, entity: Entity, classes: tuple[str, ...]) -> bool:
    """Whether the entity's lifecycle state belongs to one of ``classes``."""
    state = evaluation.context.state(entity)
    return state is not None and state.state_class in classes


def flags(
    evaluation: Evaluation, entity_id: str | None, prefixes: tuple[str, ...]
) -> dict[str, Any]:
    """The ``rule`` and ``waiver`` cells: which findings (of rules whose check
    starts with one of ``prefixes``, whatever id the policy gives the rule)
    the entity has, and the waivers covering them."""
    if entity_id is None:
        return {"rule": None, "waiver": None}
    found = [
        f
        for f in evaluation.findings_of(entity_id)
        if check_of(evaluation, f.rule).startswith(prefixes)
    ]
    rules = ", ".join(sorted({f.rule for f in found}))
    waivers = "; ".join(sorted({f.waiver for f in found if f.waiver}))
    return {"rule": rules or None, "waiver": waivers or None}


def check_of(evaluation: Evaluation, rule_id: str) -> str:
    """The check a rule runs: a policy rule's ``check``, else (built-in) its id."""
    rule = evaluation.policy.rule(rule_id)
    return rule.check if rule is not None else rule_id


def covered(evaluation: Evaluation, checks: tuple[str, ...]) -> frozenset[int]:
    """The entities (by ``id()``) that a rule running one of ``checks`` applies to."""
    found: set[int] = set()
    for rule in evaluation.policy.rules:
        if rule.check in checks:
            found.update(id(e) for e in evaluation.context.select(rule))
    return frozenset(found)
