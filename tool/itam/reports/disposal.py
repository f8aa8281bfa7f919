"""Disposal: retired assets waiting to leave, disposed ones with their evidence,
and what disposal brought in, cost and weighed, by method and by quarter.

"Pending" is an archived state that is not terminal but leads to a terminal
one (retired → disposed), "done" a terminal archived state, both as
policies/lifecycle.yaml declares them. ``disposal.proceeds`` and
``disposal.cost`` (money) and ``disposal.weight_kg`` are optional and read
defensively: a registry that does not record them shows empty cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itam.dates import parse_date
from itam.pointers import get
from itam.reports.model import Column, Table, sectioned
from itam.reports.scope import flags
from itam.reports.sums import Sums
from itam.reports.values import amount, field_money, identity, iso, quarter, text

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.evaluation import Evaluation
    from itam.policy.model import Lifecycle

OUTCOME = ("count", "weight_kg", "proceeds", "cost", "net")
PENDING = "Pending disposal (retired)"
"""The section the dashboard counts."""

COLUMNS = [
    Column("quarter", "Quarter"),
    Column("id", "Asset", "id"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("location", "Location", "id"),
    Column("retired", "Retired", "date"),
    Column("reason", "Reason"),
    Column("days_waiting", "Days waiting", "number"),
    Column("book_value", "Book value", "money"),
    Column("disposed", "Disposed", "date"),
    Column("method", "Method"),
    Column("vendor", "Vendor", "id"),
    Column("certificate", "Certificate"),
    Column("sanitization", "Sanitisation"),
    Column("sanitization_certificate", "Sanitisation certificate"),
    Column("count", "Assets", "number"),
    Column("weight_kg", "Weight (kg)", "number"),
    Column("currency", "Currency"),
    Column("proceeds", "Proceeds", "money"),
    Column("cost", "Cost", "money"),
    Column("net", "Net (proceeds less cost)", "money"),
    Column("rule", "Finding", "rule"),
]


def _leads_to_terminal(lifecycle: Lifecycle, start: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        for following in lifecycle.transitions.get(todo.pop(), frozenset()):
            state = lifecycle.states.get(following)
            if state is not None and state.terminal:
                return True
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return False


def _stage(evaluation: Evaluation, entity: Entity) -> str | None:
    """``pending``, ``done`` or None (not in the disposal part of its lifecycle)."""
    state = evaluation.context.state(entity)
    if state is None or state.state_class != "archived":
        return None
    if state.terminal:
        return "done"
    lifecycle = evaluation.policy.lifecycle_of(entity.kind)
    return "pending" if lifecycle and _leads_to_terminal(lifecycle, state.name) else None


def _pending(evaluation: Evaluation, entity: Entity) -> dict[str, Any]:
    derived = evaluation.derived(entity)
    retired = parse_date(get(entity.data, "retirement.date"))
    return {
        **identity(entity),
        "location": text(entity.get("location")),
        "retired": iso(retired),
        "reason": text(get(entity.data, "retirement.reason")),
        "days_waiting": (evaluation.as_of - retired).days if retired is not None else None,
        "book_value": derived.book_value,
        "currency": derived.currency,
    }


def _done(evaluation: Evaluation, entity: Entity) -> dict[str, Any]:
    proceeds = field_money(entity, "disposal.proceeds")
    cost = field_money(entity, "disposal.cost")
    currencies = sorted({m[1] for m in (proceeds, cost) if m is not None and m[1] is not None})
    return {
        **identity(entity),
        "disposed": iso(parse_date(get(entity.data, "disposal.date"))),
        "method": text(get(entity.data, "disposal.method")),
        "vendor": text(get(entity.data, "disposal.vendor")),
        "certificate": text(get(entity.data, "disposal.certificate")),
        "sanitization": text(get(entity.data, "disposal.sanitization.method")),
        "sanitization_certificate": text(get(entity.data, "disposal.sanitization.certificate")),
        "weight_kg": amount(get(entity.data, "disposal.weight_kg")),
        "currency": " / ".join(currencies) or None,
        "proceeds": proceeds[0] if proceeds is not None else None,
        "cost": cost[0] if cost is not None else None,
        "rule": flags(evaluation, entity.id, ("disposal.",))["rule"],
    }


def _outcome(sums: Sums, group: str | None, entity: Entity) -> None:
    """Add one disposed asset to ``group``: its count and weight to the row of
    its proceeds' currency (else its cost's), each amount to its own currency's."""
    proceeds = field_money(entity, "disposal.proceeds")
    cost = field_money(entity, "disposal.cost")
    first = proceeds or cost
    sums.add(
        (group, first[1] if first else None),
        count=1,
        weight_kg=amount(get(entity.data, "disposal.weight_kg")),
    )
    for name, value in (("proceeds", proceeds), ("cost", cost)):
        if value is not None:
            net = value[0] if name == "proceeds" else -value[0]
            sums.add((group, value[1]), **{name: value[0], "net": net})


def build(evaluation: Evaluation) -> Table:
    """Pending and done disposals, and their outcome by method and by quarter."""
    pending, done = [], []
    by_method = Sums(("method", "currency"), OUTCOME)
    by_quarter = Sums(("quarter", "currency"), OUTCOME)
    for entity in evaluation.catalog:
        stage = _stage(evaluation, entity)
        if stage == "pending":
            pending.append(_pending(evaluation, entity))
        elif stage == "done":
            row = _done(evaluation, entity)
            done.append(row)
            day = parse_date(row["disposed"])
            _outcome(by_method, row["method"], entity)
            _outcome(by_quarter, quarter(day) if day is not None else None, entity)
    pending.sort(key=lambda r: (r["retired"] or "", r["id"] or ""))
    done.sort(key=lambda r: (r["disposed"] or "", r["id"] or ""))
    sections = [
        (PENDING, pending),
        ("Disposed, with evidence", done),
        ("Outcome by method, per currency", by_method.rows()),
        ("Outcome by quarter, per currency", by_quarter.rows()),
    ]
    return Table(
        name="disposal",
        title="Disposals pending and done",
        description=(
            "Retired assets waiting for disposal, and disposed assets with their evidence "
            "(certificate, NIST SP 800-88 sanitisation, vendor), with the financial and "
            "environmental outcome by method and by quarter."
        ),
        as_of=evaluation.as_of.isoformat(),
        columns=COLUMNS,
        rows=sectioned(sections),
        sections=sections,
        notes=[
            f"{len(pending)} pending, {len(done)} disposed. Finding names a disposal rule "
            "the record breaks (missing evidence, uncertified vendor).",
            "Proceeds, cost and weight are summed only where recorded; an empty cell is "
            "not recorded, not zero.",
        ],
    )
