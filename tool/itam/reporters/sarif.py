"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from typing import Any

from itam import __version__
from itam.findings import Finding, Report, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _result(finding: Finding, index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
    }
    if finding.file is not None:
        location: dict[str, Any] = {
            "artifactLocation": {"uri": finding.file, "uriBaseId": "%SRCROOT%"}
        }
        if finding.line is not None:
            region: dict[str, int] = {"startLine": finding.line}
            if finding.column is not None:
                region["startColumn"] = finding.column
            location["region"] = region
        result["locations"] = [{"physicalLocation": location}]
    if finding.waiver is not None:
        result["suppressions"] = [{"kind": "external", "justification": finding.waiver}]
    if finding.change == "base":
        result["baselineState"] = "unchanged"
    elif finding.change == "new":
        result["baselineState"] = "new"
    properties = {"entity": finding.entity, "path": finding.path}
    result["properties"] = {k: v for k, v in properties.items() if v}
    return result


def render(report: Report) -> str:
    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    for finding in report.findings:
        if finding.rule not in rules:
            rules[finding.rule] = len(descriptors)
            descriptor: dict[str, Any] = {"id": finding.rule, "name": finding.rule}
            if finding.rationale:
                descriptor["shortDescription"] = {"text": finding.rationale}
            descriptors.append(descriptor)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "itam",
                        "version": __version__,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "registry root"}}},
                "results": [_result(f, rules[f.rule]) for f in report.findings],
                "properties": {"as_of": report.as_of},
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
