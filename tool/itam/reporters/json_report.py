"""The stable JSON shape of PRODUCT.md's CLI contract (version 1)."""

from __future__ import annotations

import json
from typing import Any

from itam.findings import Finding, Report


def finding_dict(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "entity": finding.entity,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "path": finding.path,
        "message": finding.message,
    }
    # Extensions of the contract, present only when they say something.
    if finding.waiver is not None:
        out["waiver"] = finding.waiver
    if finding.rationale is not None:
        out["rationale"] = finding.rationale
    if finding.change is not None:
        out["change"] = finding.change
    return out


def render(report: Report) -> str:
    document: dict[str, Any] = {
        "version": 1,
        "as_of": report.as_of,
        "root": report.root,
        "counts": {"entities": report.entities, "files": report.files},
        "findings": [finding_dict(f) for f in report.findings],
        "summary": report.summary(),
    }
    if report.changes is not None:
        document["base"] = report.changes.base
        document["transitions"] = [
            {"entity": entity, "from": old, "to": new}
            for entity, old, new in report.changes.transitions()
        ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
