"""The rules page: every rule the tool can report, from ``itam.rules.catalogue``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from itam.evaluation import Evaluation
from itam.rules import RuleInfo
from itam.sitegen.labels import severity_badge
from itam.sitegen.pages import RulesView, RuleView


def rules_view(evaluation: Evaluation, catalogue: Mapping[str, RuleInfo]) -> RulesView:
    """Each rule with its explanation, examples and how many open findings it has now."""
    counts = Counter(f.rule for f in evaluation.findings if f.waiver is None)
    rules = tuple(
        RuleView(
            id=info.id,
            badge=severity_badge(info.severity),
            summary=info.summary,
            why=info.why,
            passing=info.passing,
            failing=info.failing,
            examples_as_of=info.examples_as_of,
            origin=info.origin,
            findings=counts[info.id],
        )
        for info in catalogue.values()
    )
    # Every finding links to its rule's entry, so a rule missing from the
    # catalogue still gets one.
    rules += tuple(
        RuleView(
            id=rule,
            badge=severity_badge(severity),
            summary="No explanation is recorded for this rule.",
            why="",
            passing="",
            failing="",
            examples_as_of=None,
            origin="unknown",
            findings=counts[rule],
        )
        for rule, severity in sorted({f.rule: f.severity for f in evaluation.findings}.items())
        if rule not in catalogue
    )
    rules = tuple(sorted(rules, key=lambda r: r.id))
    families = Counter(rule.id.split(".", 1)[0] for rule in rules)
    return RulesView(rules, tuple(sorted(families.items())))
