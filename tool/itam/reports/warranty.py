"""Warranties expiring soon and expired while the asset is in service.

The assets, their lead times and the warranty end (explicit end, else start
plus months, else the model's default) are those of the warranty rules
(``warranty.expiring`` and ``warranty.expired-in-service`` in policies/):
see ``itam.reports.deadlines``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itam.reports.deadlines import Deadline, Due, listing
from itam.reports.model import Column, Table, sectioned
from itam.reports.scope import flags
from itam.reports.values import identity, iso, text

if TYPE_CHECKING:
    from itam.evaluation import Evaluation

DEADLINE = Deadline(
    warns="warranty.expiring",
    passed="warranty.expired-in-service",
    classes=("deployed",),
    date=lambda derived: derived.warranty_end,
)

COLUMNS = [
    Column("id", "Asset", "id"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("status", "Status"),
    Column("model", "Model", "id"),
    Column("location", "Location", "id"),
    Column("owner", "Owner", "id"),
    Column("warranty_end", "Warranty end", "date"),
    Column("source", "From"),
    Column("days_left", "Days left (negative: expired)", "number"),
    Column("rule", "Finding", "rule"),
    Column("waiver", "Waiver"),
]


def _row(evaluation: Evaluation, due: Due) -> dict[str, Any]:
    entity = due.entity
    return {
        **identity(entity),
        "status": text(entity.get("status")),
        "model": text(entity.get("model")),
        "location": text(entity.get("location")),
        "owner": text(entity.get("owner")),
        "warranty_end": iso(due.date),
        "source": due.derived.warranty_source,
        "days_left": due.days_left,
        **flags(evaluation, entity.id, ("warranty.",)),
    }


def build(evaluation: Evaluation) -> Table:
    """Assets in the warranty rules' scope whose warranty ends within the lead time or has ended."""
    found = listing(evaluation, DEADLINE)
    window = found.window_text()
    expiring = [_row(evaluation, due) for due in found.coming]
    expired = [_row(evaluation, due) for due in found.passed]
    for rows in (expiring, expired):
        rows.sort(key=lambda r: (r["warranty_end"], r["id"] or ""))
    sections = [
        (f"Expiring {window}", expiring),
        ("Expired, still in service", expired),
    ]
    return Table(
        name="warranty",
        title="Warranties expiring and expired",
        description=(
            f"Assets in service whose warranty ends {window}, and those whose "
            "warranty has already ended: renew the cover or budget the replacement."
        ),
        as_of=evaluation.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        notes=[
            f"{len(expiring)} expiring, {len(expired)} expired. Finding names the rule of "
            "policies/warranty.yaml that reports the asset, where one does."
        ],
    )
