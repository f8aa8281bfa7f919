"""One entity as a person asks about it: its facts, derived values and findings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from itam.derive import Derived
from itam.errors import ConfigError
from itam.evaluation import Evaluation
from itam.findings import Finding
from itam.suggest import did_you_mean


def describe(evaluation: Evaluation, entity_id: str) -> dict[str, Any]:
    """Everything the evaluation knows about ``entity_id``, as plain data."""
    entity = evaluation.entity(entity_id)
    if entity is None:
        hint = did_you_mean(entity_id, evaluation.catalog.by_id)
        raise ConfigError(f"no entity with id {entity_id!r} in the registry{hint}")
    state = evaluation.context.state(entity)
    findings = evaluation.findings_of(entity_id)
    return {
        "id": entity.id,
        "kind": entity.kind,
        "name": entity.get("name"),
        "file": entity.file,
        "status": entity.get("status"),
        "state_class": state.state_class if state else None,
        "as_of": evaluation.as_of.isoformat(),
        "derived": derived_dict(evaluation.derived(entity)),
        "findings": [_finding(f) for f in findings],
        "failed": any(f.blocking for f in findings),
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def derived_dict(derived: Derived) -> dict[str, Any]:
    """Derived values as JSON-ready data (dates as ISO strings)."""
    plan = derived.depreciation
    return {
        "warranty_end": _iso(derived.warranty_end),
        "warranty_from": derived.warranty_source,
        "end_of_life": _iso(derived.end_of_life),
        "last_audit": _iso(derived.last_audit),
        "audit_interval_days": derived.audit_interval_days,
        "next_audit_due": _iso(derived.audit_due),
        "purchased": _iso(derived.purchased),
        "age_days": derived.age_days,
        "book_value": str(derived.book_value) if derived.book_value is not None else None,
        "currency": derived.currency,
        "depreciation": (
            {"months": plan.months, "salvage_percent": plan.salvage_percent} if plan else None
        ),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "path": finding.path,
        "message": finding.message,
        "waiver": finding.waiver,
    }


def render_text(info: dict[str, Any]) -> str:
    """The description as aligned lines for a terminal."""
    d = info["derived"]
    lines = [
        f"{info['id']}  ({info['kind']})  {info['name'] or ''}",
        f"  file:            {info['file']}",
    ]
    if info["status"] is not None:
        lines.append(
            f"  status:          {info['status']} ({info['state_class'] or 'unknown state'})"
        )
    lines.append(f"  as of:           {info['as_of']}")
    rows: list[tuple[str, Any, Any]] = [
        ("warranty ends", d["warranty_end"], d["warranty_from"] and f"from {d['warranty_from']}"),
        ("end of life", d["end_of_life"], None),
        ("last audit", d["last_audit"], None),
        (
            "next audit due",
            d["next_audit_due"],
            d["audit_interval_days"] and f"every {d['audit_interval_days']} days",
        ),
        ("purchased", d["purchased"], d["age_days"] is not None and f"{d['age_days']} days ago"),
    ]
    if d["book_value"] is not None:
        plan = d["depreciation"]
        note = f"straight line over {plan['months']} months, salvage {plan['salvage_percent']}%"
        rows.append(("book value", f"{d['book_value']} {d['currency'] or ''}".strip(), note))
    for label, value, note in rows:
        if value is not None:
            lines.append(f"  {label + ':':<16} {value}" + (f"  ({note})" if note else ""))
    if info["findings"]:
        lines.append("  findings:")
        for f in info["findings"]:
            waived = " (waived)" if f["waiver"] else ""
            lines.append(
                f"    line {f['line']}: {f['severity']}{waived} [{f['rule']}] {f['message']}"
            )
    else:
        lines.append("  findings:        none")
    return "\n".join(lines) + "\n"
