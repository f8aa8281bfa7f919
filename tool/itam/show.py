"""One entity as a person asks about it: its facts, derived values and findings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from itam.derive import Derived, ScheduledMaintenance
from itam.errors import ConfigError
from itam.evaluation import Evaluation
from itam.findings import Finding
from itam.reference.model import Milestone
from itam.suggest import did_you_mean
from itam.support import Support


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


def _maintenance(item: ScheduledMaintenance) -> dict[str, Any]:
    return {
        "type": item.schedule.name,
        "due": _iso(item.due),
        "last": _iso(item.last),
        "interval_days": item.interval_days,
    }


def _milestone(value: Milestone) -> str | bool | None:
    return value if isinstance(value, bool) or value is None else value.isoformat()


def _support(item: Support) -> dict[str, Any]:
    release = item.release
    return {
        "source": item.source,
        "name": item.name,
        "version": item.version,
        "product": item.product,
        "cycle": item.cycle,
        "label": release.label if release else None,
        "end_of_support": _milestone(release.eol) if release else None,
        "extended_support": _milestone(release.eoes) if release else None,
        "reference": item.file,
        "unmatched": item.problem,
    }


def derived_dict(derived: Derived) -> dict[str, Any]:
    """Derived values as JSON-ready data (dates as ISO strings)."""
    plan = derived.depreciation
    upcoming = derived.next_maintenance
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
        "next_maintenance": _maintenance(upcoming) if upcoming else None,
        "maintenance": [_maintenance(item) for item in derived.maintenance],
        "software": [_support(item) for item in derived.software],
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


def _maintenance_rows(d: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    rows: list[tuple[str, Any, Any]] = []
    for index, item in enumerate(d["maintenance"]):
        last = f"last done {item['last']}" if item["last"] else "never done"
        note = f"{item['type']} every {item['interval_days']} days; {last}"
        label = "next maintenance" if index == 0 else "maintenance due"
        rows.append((label, item["due"] or "unknown (no job or purchase date)", note))
    return rows


def _support_rows(d: dict[str, Any], as_of: str) -> list[tuple[str, Any, Any]]:
    rows: list[tuple[str, Any, Any]] = []
    for item in d["software"]:
        recorded = " ".join(p for p in (item["name"], item["version"]) if p)
        label = f"{item['source']} support"
        if item["unmatched"]:
            rows.append((label, "unknown", f"{recorded}: {item['unmatched']}"))
            continue
        release = f"{item['product']} {item['cycle']}" + (
            f" ({item['label']})" if item["label"] else ""
        )
        end = item["end_of_support"]
        if end is True or (isinstance(end, str) and end < as_of):
            value = "ended" if end is True else f"ended {end}"
        elif isinstance(end, str):
            value = f"until {end}"
        else:
            value = "no end announced"
        extended = item["extended_support"]
        more = f"; extended support until {extended}" if isinstance(extended, str) else ""
        rows.append((label, value, f"{recorded} is {release}, {item['reference']}{more}"))
    return rows


def render_text(info: dict[str, Any]) -> str:
    """The description as aligned lines for a terminal."""
    d = info["derived"]
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
    rows += _maintenance_rows(d)
    rows += _support_rows(d, info["as_of"])
    if d["book_value"] is not None:
        plan = d["depreciation"]
        note = f"straight line over {plan['months']} months, salvage {plan['salvage_percent']}%"
        rows.append(("book value", f"{d['book_value']} {d['currency'] or ''}".strip(), note))
    rows = [row for row in rows if row[1] is not None]
    # Values line up; the longest label (firmware support) sets the column.
    width = max([16, *(len(label) + 1 for label, _, _ in rows)])

    def line(label: str, value: Any, note: Any = None) -> str:
        return f"  {label + ':':<{width}} {value}" + (f"  ({note})" if note else "")

    lines = [f"{info['id']}  ({info['kind']})  {info['name'] or ''}", line("file", info["file"])]
    if info["status"] is not None:
        lines.append(line("status", f"{info['status']} ({info['state_class'] or 'unknown state'})"))
    lines.append(line("as of", info["as_of"]))
    lines += [line(label, value, note) for label, value, note in rows]
    if info["findings"]:
        lines.append("  findings:")
        for f in info["findings"]:
            waived = " (waived)" if f["waiver"] else ""
            lines.append(
                f"    line {f['line']}: {f['severity']}{waived} [{f['rule']}] {f['message']}"
            )
    else:
        lines.append(line("findings", "none"))
    return "\n".join(lines) + "\n"
