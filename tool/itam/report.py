"""A run's report: counts and final findings, as plain values for reporters.

Derived from the evaluation (``itam.evaluation``); reporters read nothing
else. In pull-request mode ``base`` is the merge-base commit and
``transitions`` the status changes, as plain tuples, so that this module
needs nothing above ``findings``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from itam.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class Transition:
    """One entity's status before and after a change."""

    entity: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class RuleNote:
    """What the rule catalogue says of a rule, for formats that describe rules
    (SARIF's ``rules`` descriptors)."""

    id: str
    severity: Severity
    summary: str
    why: str


@dataclass(slots=True)
class Report:
    """Everything one run found, ready for a reporter."""

    root: str
    as_of: str
    entities: int
    files: int
    findings: list[Finding] = field(default_factory=list)
    # Set in pull-request mode: the merge-base commit, and status changes.
    base: str | None = None
    transitions: list[Transition] = field(default_factory=list)
    # The catalogue's entry of each rule the findings name.
    rules: dict[str, RuleNote] = field(default_factory=dict)

    def select(self, only: Callable[[Finding], bool]) -> Report:
        """This report limited to the findings ``only`` keeps, and their rules."""
        findings = [f for f in self.findings if only(f)]
        named = {f.rule for f in findings}
        return replace(
            self,
            findings=findings,
            rules={rule: note for rule, note in self.rules.items() if rule in named},
        )

    @property
    def compared(self) -> bool:
        """Whether this run judged a change against a base."""
        return self.base is not None

    def summary(self) -> dict[str, int]:
        """Counts per severity of the findings that are not waived."""
        counts = Counter(f.severity for f in self.findings if f.waiver is None)
        return {str(s): counts.get(s, 0) for s in Severity}

    @property
    def on_base(self) -> int:
        """Findings already on the base, on entities the change leaves alone."""
        return sum(1 for f in self.findings if f.change == "base" and f.waiver is None)

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waiver is not None)

    @property
    def failed(self) -> bool:
        return any(f.blocking for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0
