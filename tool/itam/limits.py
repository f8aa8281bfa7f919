"""Bounds on what one file can make a run print, whatever the file contains.

CI runs on pull requests from anyone. A file with 200,000 unknown keys must
not produce 200,000 findings, and a megabyte-long value must not be printed
whole: each rule keeps its first findings on a file and the rest become one
finding that says how many were left out; values are cut before they are
quoted in a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from itam.findings import SEVERITY_ORDER, Finding

PER_RULE = 10
"""Findings of one rule shown per file: enough to see what is wrong and where,
few enough to read. The rest are counted in one ``file.too-many-findings``."""

TOO_MANY = "file.too-many-findings"

QUOTE_LIMIT = 200
"""Characters of a value quoted in a message; enough to recognise any real value."""


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text``, or its first ``limit`` characters, an ellipsis and its length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def quote(value: str) -> str:
    """A text value as a message quotes it: ``'LT-0001'``, cut at 200 characters."""
    if len(value) <= QUOTE_LIMIT:
        return repr(value)
    return repr(value[:QUOTE_LIMIT]) + shorten(value)[QUOTE_LIMIT:]


def too_many(rule: str, count: int, like: Finding, *, at_least: bool = False) -> Finding:
    """The one finding that stands for ``count`` findings of ``rule`` left out.

    It sits where ``like`` (the first finding left out) is, on its entity, with
    its severity, waiver and change.
    """
    more = f"at least {count:,}" if at_least else f"{count:,}"
    noun, verb = ("finding", "is") if count == 1 and not at_least else ("findings", "are")
    return Finding(
        TOO_MANY,
        like.severity,
        f"{more} more {noun} of {rule} on this file {verb} not shown; fix the ones above first",
        file=like.file,
        line=like.line,
        column=like.column,
        entity=like.entity,
        path=like.path,
        waiver=like.waiver,
        change=like.change,
    )


def _worse(a: Finding, b: Finding) -> bool:
    """Whether ``a`` matters more than ``b``: it blocks a run, or is more severe."""
    if a.blocking != b.blocking:
        return a.blocking
    return SEVERITY_ORDER[a.severity] < SEVERITY_ORDER[b.severity]


@dataclass(slots=True)
class _Left:
    """The findings of one (file, rule) beyond the cap."""

    first: Finding
    # The summary takes this one's severity, waiver and change, so that it
    # fails a run exactly when one of the findings it hides would.
    worst: Finding
    count: int = 0

    def add(self, finding: Finding) -> None:
        self.count += 1
        if _worse(finding, self.worst):
            self.worst = finding

    def summary(self) -> Finding:
        worst = self.worst
        return too_many(self.first.rule, self.count, self.first).with_(
            severity=worst.severity, waiver=worst.waiver, change=worst.change
        )


def cap_findings(findings: Iterable[Finding], per_rule: int = PER_RULE) -> list[Finding]:
    """The first ``per_rule`` findings of each (file, rule), in order; the rest of
    each become one ``file.too-many-findings`` in the place of the first left out.

    Its severity is the highest among those it replaces, and it blocks a run
    exactly when one of them would. Findings without a file, and summaries
    made earlier, pass through.
    """
    out: list[Finding | _Left] = []
    kept: dict[tuple[str, str], int] = {}
    left: dict[tuple[str, str], _Left] = {}
    for finding in findings:
        if finding.file is None or finding.rule == TOO_MANY:
            out.append(finding)
            continue
        key = (finding.file, finding.rule)
        seen = kept.get(key, 0)
        if seen < per_rule:
            kept[key] = seen + 1
            out.append(finding)
            continue
        group = left.get(key)
        if group is None:
            group = left[key] = _Left(finding, finding)
            out.append(group)
        group.add(finding)
    return [item.summary() if isinstance(item, _Left) else item for item in out]
