"""Apply waivers to findings; report waivers that expired or match nothing.

A waived finding stays in the report, marked, and does not fail the run. A
waiver is a promise with a date: once it expires it stops covering anything
and becomes a finding itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from itam.entities import Catalog
from itam.findings import Finding, Severity
from itam.policy.model import Waiver


def _at(waiver: Waiver, rule: str, severity: Severity, message: str) -> Finding:
    return Finding(
        rule,
        severity,
        message,
        file=waiver.place.file,
        line=waiver.place.line,
        column=waiver.place.column,
        entity=None,
        path="",
    )


def apply(
    findings: Iterable[Finding], waivers: list[Waiver], catalog: Catalog, as_of: dt.date
) -> list[Finding]:
    """Findings with waivers applied, plus findings about the waivers."""
    active = [w for w in waivers if w.expires >= as_of]
    cover = {(w.rule, entity): w for w in active for entity in w.entities}
    used: set[tuple[str, str]] = set()
    out = []
    for finding in findings:
        key = (finding.rule, finding.entity or "")
        waiver = cover.get(key)
        if waiver is not None and finding.severity is not Severity.INFO:
            used.add(key)
            finding = finding.with_(waiver=waiver.label())
        out.append(finding)
    for waiver in waivers:
        who = ", ".join(waiver.entities)
        if waiver.expires < as_of:
            out.append(
                _at(
                    waiver,
                    "waiver.expired",
                    Severity.ERROR,
                    f"the waiver of {waiver.rule} for {who} expired on "
                    f"{waiver.expires.isoformat()}: fix what it covered, or renew it with a "
                    "new approval and date",
                )
            )
            continue
        idle = [e for e in waiver.entities if (waiver.rule, e) not in used]
        if idle:
            out.append(
                _at(
                    waiver,
                    "waiver.unused",
                    Severity.WARNING,
                    f"the waiver of {waiver.rule} matches no finding on {', '.join(idle)}; "
                    "delete it (or those entities) so it cannot hide a future problem",
                )
            )
        approver = catalog.get(waiver.approved_by)
        if approver is None or approver.kind != "person":
            out.append(
                _at(
                    waiver,
                    "waiver.approver",
                    Severity.ERROR,
                    f"approved_by {waiver.approved_by!r} is not a person in the registry",
                )
            )
    return out
