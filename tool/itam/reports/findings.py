"""Findings by rule, with the waived ones apart.

Counts are of the evaluation's final findings (waivers applied): a waived
finding is counted under "waived", not under its severity, and listed with
its waiver (reason, approver, expiry) so that auditors see every exception.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from itam.findings import Finding, Severity
from itam.reports.model import Column, Table, sectioned
from itam.rules import catalogue

if TYPE_CHECKING:
    from itam.evaluation import Evaluation
    from itam.policy.model import Waiver

SEVERITIES = tuple(str(s) for s in Severity)

COLUMNS = [
    Column("rule", "Rule", "rule"),
    Column("severity", "Severity", "severity"),
    Column("summary", "What it checks"),
    *(Column(s, s.capitalize(), "number") for s in SEVERITIES),
    Column("waived", "Waived", "number"),
    Column("total", "Total", "number"),
    Column("entity", "Entity", "id"),
    Column("reason", "Reason"),
    Column("approved_by", "Approved by", "id"),
    Column("expires", "Expires", "date"),
]


def _waiver_of(evaluation: Evaluation, finding: Finding) -> Waiver | None:
    """The waiver that covers ``finding``: the one whose label the engine set on
    it (``Finding.waiver``), never matched again here."""
    if finding.waiver is None:
        return None
    for waiver in evaluation.policy.waivers:
        if (
            waiver.label() == finding.waiver
            and waiver.rule == finding.rule
            and (finding.entity or "") in waiver.entities
        ):
            return waiver
    return None


def _waived_row(evaluation: Evaluation, finding: Finding) -> dict[str, Any]:
    waiver = _waiver_of(evaluation, finding)
    return {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "entity": finding.entity,
        "reason": waiver.reason if waiver is not None else finding.waiver,
        "approved_by": waiver.approved_by if waiver is not None else None,
        "expires": waiver.expires.isoformat() if waiver is not None else None,
    }


def build(evaluation: Evaluation) -> Table:
    """Findings counted per rule and severity; waived findings listed with their waivers."""
    rules = catalogue(evaluation.policy)
    by_rule = []
    totals: Counter[str] = Counter()
    for rule_id, found in evaluation.by_rule.items():
        counts = Counter("waived" if f.waiver else str(f.severity) for f in found)
        info = rules.get(rule_id)
        row: dict[str, Any] = {
            "rule": rule_id,
            "severity": str(info.severity) if info is not None else None,
            "summary": info.summary if info is not None else None,
            **{key: counts[key] for key in (*SEVERITIES, "waived")},
            "total": len(found),
        }
        by_rule.append(row)
        totals.update({**counts, "total": len(found)})
    waived = sorted(
        (_waived_row(evaluation, f) for f in evaluation.findings if f.waiver),
        key=lambda r: (r["rule"], r["entity"] or "", r["expires"] or ""),
    )
    sections = [("By rule", by_rule), ("Waived", waived)]
    return Table(
        name="findings",
        title="Findings by rule",
        description=(
            "Every problem itam validate reports, counted per rule and severity; errors "
            "block changes, warnings and info inform. Waived findings are approved "
            "exceptions, listed with who approved them and until when."
        ),
        as_of=evaluation.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        totals={"rule": "Total", **{k: totals[k] for k in (*SEVERITIES, "waived", "total")}},
        notes=[
            f"{len(evaluation.findings)} findings on {len(evaluation.catalog)} entities, "
            f"{len(waived)} waived."
        ],
    )
