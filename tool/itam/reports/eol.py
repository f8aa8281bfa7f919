"""End of life: assets past it, or reaching it within the policy's lead time, by model.

The assets, their lead times and the end of life (the asset's own, else its
model's, as derived) are those of the end-of-life rules (``eol.approaching``
and ``eol.passed-in-service``): see ``itam.reports.deadlines``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from itam.reports.deadlines import Deadline, Due, due_row, listing
from itam.reports.model import Column, Table, sectioned
from itam.reports.values import text

if TYPE_CHECKING:
    from itam.evaluation import Evaluation

DEADLINE = Deadline(
    warns="eol.approaching",
    passed="eol.passed-in-service",
    classes=("deployed", "deployable"),
    date=lambda derived: derived.end_of_life,
)
NO_MODEL = "(no model)"
PAST = "Past end of life"
"""The section the dashboard counts."""

COLUMNS = [
    Column("model", "Model", "id"),
    Column("model_name", "Model name"),
    Column("past", "Past end of life", "number"),
    Column("approaching", "Reaching it", "number"),
    Column("id", "Asset", "id"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("status", "Status"),
    Column("location", "Location", "id"),
    Column("owner", "Owner", "id"),
    Column("end_of_life", "End of life", "date"),
    Column("source", "From"),
    Column("days_left", "Days left (negative: passed)", "number"),
    Column("rule", "Finding", "rule"),
    Column("waiver", "Waiver"),
]


def _row(evaluation: Evaluation, due: Due) -> dict[str, Any]:
    row = due_row(evaluation, due, "end_of_life", due.derived.end_of_life_source, "eol.")
    # Grouped by model: its key comes first, as it always has in the JSON.
    return {"model": row["model"], **row}


def build(evaluation: Evaluation) -> Table:
    """Assets past end of life or within the lead time of it, grouped by model."""
    found = listing(evaluation, DEADLINE)
    window = found.window_text()
    past = [_row(evaluation, due) for due in found.passed]
    approaching = [_row(evaluation, due) for due in found.coming]
    for rows in (past, approaching):
        rows.sort(key=lambda r: (r["model"] or "", r["end_of_life"], r["id"] or ""))
    sections = [
        ("By model", _by_model(evaluation, past, approaching)),
        (PAST, past),
        (f"Reaching end of life {window}", approaching),
    ]
    return Table(
        name="eol",
        title="End of life",
        description=(
            "Assets in service or in stock past their end of life (no more security fixes), "
            f"and those reaching it {window}: the replacements to budget and plan."
        ),
        as_of=evaluation.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        notes=[f"{len(past)} past end of life, {len(approaching)} reaching it."],
    )


def _by_model(
    evaluation: Evaluation, past: list[dict[str, Any]], approaching: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for index, rows in enumerate((past, approaching)):
        for row in rows:
            counts[row["model"] or ""][index] += 1
    out = []
    for model_id, (n_past, n_near) in sorted(counts.items()):
        model = evaluation.entity(model_id) if model_id else None
        name = text(model.get("name")) if model is not None else None
        out.append(
            {
                "model": model_id or None,
                "model_name": name if model_id else NO_MODEL,
                "past": n_past,
                "approaching": n_near,
            }
        )
    return out
