"""``itam transition`` and ``itam audit``: the changes to one entity's file.

A transition is allowed when the lifecycle of the entity's kind lists the
target state among those that may follow the current one. The target
state's required fields (``requires`` in policies/lifecycle.yaml) must be
filled after the change: a missing date field (``retirement.date``,
``disposal.date``, ``loss.date``, ``end``) takes ``--date``, anything else
must come from ``--set``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from itam.checks.base import present
from itam.edit.roundtrip import changed
from itam.edit.source import EditError
from itam.edit.style import Styles
from itam.entities import Entity
from itam.evaluation import Evaluation
from itam.pointers import get
from itam.suggest import did_you_mean


class Refused(EditError):
    """The registry's rules refuse the change (exit 1, nothing written)."""


def entity_of(evaluation: Evaluation, entity_id: str) -> Entity:
    """The entity ``entity_id``; EditError naming the closest id when none."""
    entity = evaluation.catalog.get(entity_id)
    if entity is None:
        hint = did_you_mean(entity_id, evaluation.catalog.by_id)
        raise EditError(f"no entity {entity_id!r} in the registry{hint}")
    return entity


def transition_changes(
    evaluation: Evaluation,
    entity: Entity,
    state: str,
    on: dt.date,
    settings: Mapping[str, Any],
) -> dict[str, Any]:
    """The changes that move ``entity`` to ``state``; Refused when the
    lifecycle forbids the move or a required field is still missing."""
    lifecycle = evaluation.policy.lifecycle_of(entity.kind)
    if lifecycle is None:
        raise EditError(f"{entity.id}: kind {entity.kind} has no lifecycle in policies/")
    if state not in lifecycle.states:
        states = ", ".join(lifecycle.states)
        hint = did_you_mean(state, lifecycle.states)
        raise EditError(
            f"{state!r} is not a state of the {lifecycle.name} lifecycle{hint}: {states}"
        )
    current = entity.get("status")
    if not isinstance(current, str) or current not in lifecycle.states:
        raise Refused(
            f"{entity.id} has no valid status ({current!r}); fix it by hand first", entity.file
        )
    if current != state and not lifecycle.allows(current, state):
        following = sorted(lifecycle.transitions.get(current, frozenset()))
        allowed = ", ".join(following) if following else "none: it is a final state"
        raise Refused(
            f"the {lifecycle.name} lifecycle does not allow {current} → {state} for {entity.id}; "
            f"from {current}: {allowed}",
            entity.file,
        )
    for pinned in ("id", "kind", "status"):
        if pinned in settings:
            raise EditError(
                f"--set {pinned}=... is not allowed here: the state is the STATE argument"
            )
    changes: dict[str, Any] = {"status": state, **settings}
    after = changed(entity.data, changes)
    style = Styles.shared(evaluation.schemas).of(entity.kind)
    missing = []
    for requirement in lifecycle.states[state].requires:
        if any(present(get(after, p)) for p in requirement.paths):
            continue
        dated = next((p for p in requirement.paths if style.is_date(tuple(p.split(".")))), None)
        if dated is not None:
            changes[dated] = on.isoformat()
            after = changed(after, {dated: on.isoformat()})
        else:
            missing.append(requirement.describe())
    if missing:
        sets = " ".join(f"--set {m.split(' or ')[0]}=..." for m in missing)
        raise Refused(
            f"{entity.id} cannot become {state}: it needs {', '.join(missing)}; give "
            f"{'it' if len(missing) == 1 else 'them'} with {sets}",
            entity.file,
        )
    return changes


def audit_changes(
    evaluation: Evaluation,
    entity: Entity,
    on: dt.date,
    by: str,
    result: str = "found",
    note: str | None = None,
) -> dict[str, Any]:
    """The change that appends one audit record to ``entity``'s ``audits``."""
    style = Styles.shared(evaluation.schemas).of(entity.kind)
    if "audits" not in style.known_keys(()):
        raise EditError(f"{entity.id}: a {entity.kind} has no audits in its schema")
    state = evaluation.context.state(entity)
    if state is not None and state.terminal:
        raise Refused(
            f"{entity.id} is {state.name}, a final state: its record may not change", entity.file
        )
    audits = entity.get("audits")
    if audits is None:
        audits = []
    if not isinstance(audits, list):
        raise EditError("audits is not a list; fix it by hand first", entity.file)
    record: dict[str, Any] = {"date": on.isoformat(), "by": by, "result": result}
    if note:
        record["notes"] = note
    return {"audits": [*audits, record]}
