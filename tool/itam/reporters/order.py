"""The order in which CI shows findings: what blocks this change first."""

from __future__ import annotations

from itam.findings import SEVERITY_ORDER, Finding

_CHANGE_ORDER = {"new": 0, "touched": 1, None: 2, "base": 3}


def priority(finding: Finding) -> tuple[int, int, int, tuple[str, int, int, str, str, str]]:
    """Blocking first, then by how the change relates to it, then severity."""
    return (
        0 if finding.blocking else 1,
        _CHANGE_ORDER.get(finding.change, 2),
        SEVERITY_ORDER[finding.severity],
        finding.sort_key(),
    )


def by_priority(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=priority)
