"""Audits due and overdue: the assets ``itam validate`` flags, with their dates.

The sections are the ``audit.overdue`` and ``audit.due`` findings themselves,
so the report lists exactly what validate reports for the same date, waived
findings included (marked): the report never judges an audit on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itam.reports.model import Column, Table, sectioned
from itam.reports.scope import param
from itam.reports.values import identity, iso, text

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.evaluation import Evaluation

COLUMNS = [
    Column("id", "Asset", "id"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("location", "Location", "id"),
    Column("owner", "Owner", "id"),
    Column("last_audit", "Last audit", "date"),
    Column("interval_days", "Interval (days)", "number"),
    Column("next_due", "Next due", "date"),
    Column("days_left", "Days left (negative: overdue)", "number"),
    Column("waiver", "Waiver"),
]


def _flagged(evaluation: Evaluation, rule_id: str) -> list[tuple[Entity, str | None]]:
    """The entities with a finding of ``rule_id``, once each, with its waiver."""
    out: dict[str, tuple[Entity, str | None]] = {}
    for finding in evaluation.by_rule.get(rule_id, []):
        entity = evaluation.entity(finding.entity) if finding.entity is not None else None
        if entity is not None and entity.id is not None:
            out.setdefault(entity.id, (entity, finding.waiver))
    return list(out.values())


def _row(evaluation: Evaluation, entity: Entity, waiver: str | None) -> dict[str, Any]:
    derived = evaluation.derived(entity)
    due = derived.audit_due
    return {
        **identity(entity),
        "location": text(entity.get("location")),
        "owner": text(entity.get("owner")),
        "last_audit": iso(derived.last_audit),
        "interval_days": derived.audit_interval_days,
        "next_due": iso(due),
        "days_left": (due - evaluation.as_of).days if due is not None else None,
        "waiver": waiver,
    }


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Most urgent first; an asset never audited nor purchased (no date) leads.
    return sorted(rows, key=lambda r: (r["next_due"] is not None, r["next_due"] or "", r["id"]))


def build(evaluation: Evaluation) -> Table:
    """Audits overdue (past the grace period) and due soon, as of the evaluation's date."""
    within = param(evaluation, "audit.due", "within_days")
    grace = evaluation.policy.audit_grace_days
    overdue = _sorted([_row(evaluation, e, w) for e, w in _flagged(evaluation, "audit.overdue")])
    due = _sorted([_row(evaluation, e, w) for e, w in _flagged(evaluation, "audit.due")])
    sections = [
        (f"Overdue (more than {grace} days past due)", overdue),
        (f"Due within {within} days, or past due within the grace period", due),
    ]
    return Table(
        name="audit",
        title="Audits due and overdue",
        description=(
            "Assets whose physical audit is overdue or due soon, as itam validate reports "
            "them (audit.overdue and audit.due): who has each asset, where it should be, "
            "and when it was last seen."
        ),
        as_of=evaluation.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        notes=[
            f"{len(overdue)} overdue, {len(due)} due. The interval per asset comes from "
            "policies/audit.yaml; an asset with no audit and no purchase date on record "
            "has no due date and is overdue."
        ],
    )
