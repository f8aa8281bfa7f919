"""The stable JSON shape of PRODUCT.md's CLI contract (version 1)."""

from __future__ import annotations

import json
from typing import Any

from itam.findings import Finding
from itam.output import SURROGATES, shown
from itam.report import Report


def dumps(document: Any) -> str:
    """``document`` as indented JSON that is valid UTF-8 whatever its strings hold.

    Text stays as written (no ``\\u`` escapes for letters), but a surrogate,
    which is how Python holds a byte of a file name that is not UTF-8, has no
    UTF-8 form: it becomes the text ``\\xff``, itself escaped for JSON.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return SURROGATES.sub(lambda m: json.dumps(shown(m.group()))[1:-1], text)


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
    if report.base is not None:
        document["base"] = report.base
        document["transitions"] = [
            {"entity": t.entity, "from": t.old, "to": t.new} for t in report.transitions
        ]
    return dumps(document) + "\n"
