"""What is on the books: assets with a cost and a book value, not yet disposed of.

Finance's fixed-asset register, read from the evaluation: an asset counts
from the day its purchase (cost and date) is recorded and a depreciation plan
of policies/depreciation.yaml applies to it, until it reaches a terminal state
(disposed). Retired and lost assets stay on the books until they are disposed
of: writing them off is a disposal too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from itam.reports.values import field_money

if TYPE_CHECKING:
    from itam.derive import Derived
    from itam.entities import Entity
    from itam.evaluation import Evaluation


@dataclass(frozen=True, slots=True)
class Holding:
    """One asset on the books: its cost and its book value as of the evaluation's date."""

    entity: Entity
    derived: Derived
    cost: Decimal
    book_value: Decimal
    currency: str | None


def holdings(evaluation: Evaluation) -> dict[str, Holding]:
    """Every asset on the books, by id (the first file claiming an id owns it)."""
    out: dict[str, Holding] = {}
    for entity_id, entity in sorted(evaluation.catalog.by_id.items()):
        state = evaluation.context.state(entity)
        if state is not None and state.terminal:
            continue
        derived = evaluation.derived(entity)
        cost = field_money(entity, "purchase.cost")
        if derived.book_value is None or cost is None:
            continue
        out[entity_id] = Holding(entity, derived, cost[0], derived.book_value, derived.currency)
    return out
