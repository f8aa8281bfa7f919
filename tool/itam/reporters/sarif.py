"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Strings are written as ``json_report.dumps`` writes them (valid UTF-8 for any
string); a file's ``uri`` is percent-encoded, as a URI reference must be.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from itam import __version__
from itam.findings import Finding, Severity
from itam.report import Report, RuleNote
from itam.reporters.json_report import dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# RFC 3986 path characters, less ":" (a first segment with one reads as a scheme).
_URI_SAFE = "/!$&'()*+,;=@-._~"


def uri(file: str) -> str:
    """``file`` as a relative URI reference: spaces, ``%``, ``#`` and any byte that
    is not ASCII percent-encoded (a surrogate as the byte of the name it stands for)."""
    try:
        raw = file.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte: keep it visible
        raw = file.encode("utf-8", "surrogatepass")
    return quote(raw, safe=_URI_SAFE)


def _result(finding: Finding, index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
    }
    if finding.file is not None:
        location: dict[str, Any] = {
            "artifactLocation": {"uri": uri(finding.file), "uriBaseId": "%SRCROOT%"}
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


def _descriptor(finding: Finding, note: RuleNote | None) -> dict[str, Any]:
    """A rule's SARIF descriptor, from the rule catalogue when it knows the rule."""
    descriptor: dict[str, Any] = {"id": finding.rule, "name": finding.rule}
    if note is None:
        if finding.rationale:
            descriptor["shortDescription"] = {"text": finding.rationale}
        return descriptor
    descriptor["shortDescription"] = {"text": note.summary}
    descriptor["fullDescription"] = {"text": note.why}
    descriptor["defaultConfiguration"] = {"level": _LEVEL[note.severity]}
    descriptor["help"] = {"text": f"{note.why} Run `itam policy explain {note.id}` for examples."}
    return descriptor


def render(report: Report) -> str:
    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    for finding in report.findings:
        if finding.rule not in rules:
            rules[finding.rule] = len(descriptors)
            descriptors.append(_descriptor(finding, report.rules.get(finding.rule)))
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
    return dumps(log) + "\n"
