"""Warranties expiring soon and expired while the asset is in service, and the
share of the hardware in service still under warranty.

The assets, their lead times and the warranty end (explicit end, else start
plus months, else the model's default) are those of the warranty rules
(``warranty.expiring`` and ``warranty.expired-in-service`` in policies/):
see ``itam.reports.deadlines``.

The coverage section (the figure the site's home page shows) counts the
hardware in service: each id once, of a kind whose schema's ``x-category`` is
``hardware``, in a lifecycle state of class ``deployed``. It is under warranty
when its warranty ends on or after the as-of date; the rest have a warranty
that has ended or none recorded (no end, no start and months, no model
default), counted apart since the remedies differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itam.reports.deadlines import Deadline, Due, due_row, listing
from itam.reports.model import Column, Table, sectioned
from itam.reports.scope import in_classes

if TYPE_CHECKING:
    from itam.evaluation import Evaluation

DEADLINE = Deadline(
    warns="warranty.expiring",
    passed="warranty.expired-in-service",
    classes=("deployed",),
    date=lambda derived: derived.warranty_end,
)
HARDWARE = "hardware"
"""The schemas' category whose kinds the coverage counts."""
COVERAGE = "Coverage of the hardware in service"
"""The section the dashboard shows: one row."""

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
    Column("in_service", "Hardware in service", "number"),
    Column("covered", "Under warranty", "number"),
    Column("ended", "Warranty ended", "number"),
    Column("unrecorded", "No warranty recorded", "number"),
]


def _row(evaluation: Evaluation, due: Due) -> dict[str, Any]:
    return due_row(evaluation, due, "warranty_end", due.derived.warranty_source, "warranty.")


def _coverage(evaluation: Evaluation) -> dict[str, Any]:
    """The one row of the coverage section: see the module docstring."""
    hardware = set(evaluation.schemas.kinds_by_category.get(HARDWARE, []))
    counts = dict.fromkeys(("in_service", "covered", "ended", "unrecorded"), 0)
    # by_id: a second file claiming an id is a finding, not a second asset.
    for entity in evaluation.catalog.by_id.values():
        if entity.kind not in hardware or not in_classes(evaluation, entity, ("deployed",)):
            continue
        end = evaluation.derived(entity).warranty_end
        counts["in_service"] += 1
        if end is None:
            counts["unrecorded"] += 1
        elif end >= evaluation.as_of:
            counts["covered"] += 1
        else:
            counts["ended"] += 1
    return counts


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
        (COVERAGE, [_coverage(evaluation)]),
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
            "policies/warranty.yaml that reports the asset, where one does.",
            "Coverage counts the hardware in service (a state of class deployed), each "
            "asset once: under warranty when it ends on or after the as-of date.",
        ],
    )
