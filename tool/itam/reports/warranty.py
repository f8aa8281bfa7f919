"""Warranties expiring soon and expired while the asset is in service.

The assets covered are those the warranty rules apply to (``warranty.expiring``
and ``warranty.expired-in-service`` in policies/), the window is the
``within_days`` of ``warranty.expiring``, and the warranty end is the derived
one (explicit end, else start plus months, else the model's default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itam.reports.model import Column, Table, sectioned
from itam.reports.scope import covered, flags, param
from itam.reports.values import identity, iso, text

if TYPE_CHECKING:
    from itam.evaluation import Evaluation

RULES = ("warranty.expiring", "warranty.expired-in-service")

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


def build(evaluation: Evaluation) -> Table:
    """Assets in the warranty rules' scope whose warranty ends within the window or has ended."""
    within = int(param(evaluation, "warranty.expiring", "within_days"))
    expiring: list[dict[str, Any]] = []
    expired: list[dict[str, Any]] = []
    for entity in covered(evaluation, RULES, ("deployed",)):
        derived = evaluation.derived(entity)
        end = derived.warranty_end
        if end is None:
            continue
        left = (end - evaluation.as_of).days
        if left > within:
            continue
        row = {
            **identity(entity),
            "status": text(entity.get("status")),
            "model": text(entity.get("model")),
            "location": text(entity.get("location")),
            "owner": text(entity.get("owner")),
            "warranty_end": iso(end),
            "source": derived.warranty_source,
            "days_left": left,
            **flags(evaluation, entity.id, ("warranty.",)),
        }
        (expiring if left >= 0 else expired).append(row)
    for rows in (expiring, expired):
        rows.sort(key=lambda r: (r["warranty_end"], r["id"] or ""))
    sections = [
        (f"Expiring within {within} days", expiring),
        ("Expired, still in service", expired),
    ]
    return Table(
        name="warranty",
        title="Warranties expiring and expired",
        description=(
            f"Assets in service whose warranty ends within {within} days, and those whose "
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
