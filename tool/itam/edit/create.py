"""``itam new``: the text and place of a new entity.

The entity gets its ``id`` (given, or the next of its kind's series), its
``kind``, a ``name`` (``Laptop LT-0019`` until one is given), the first state
of its lifecycle as ``status``, and whatever ``--set`` gives. Whether that
makes a valid entity is for the evaluation to say, like any other file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from itam.edit.ids import check_new, folder_for, next_id
from itam.edit.render import render_entity
from itam.edit.roundtrip import changed, verify
from itam.edit.source import EditError
from itam.evaluation import Evaluation
from itam.files import scan
from itam.layout import Layout
from itam.policy.model import Lifecycle
from itam.suggest import did_you_mean

PINNED = ("id", "kind")
"""Fields ``--set`` may not give: the id is ``--id``, the kind the argument."""


@dataclass(frozen=True, slots=True)
class NewFile:
    rel: str
    entity_id: str
    text: str


def initial_state(lifecycle: Lifecycle) -> str | None:
    """The state a new entity starts in: the first declared state that no
    transition leads to (``planned``), else the first declared."""
    targets = {s for following in lifecycle.transitions.values() for s in following}
    states = list(lifecycle.states)
    return next((s for s in states if s not in targets), states[0] if states else None)


def new_entity(
    layout: Layout,
    evaluation: Evaluation,
    kind: str,
    entity_id: str | None,
    settings: Mapping[str, Any],
) -> NewFile:
    """The file of a new ``kind`` entity; EditError for an unknown kind, an
    unsafe or taken id, or a ``--set`` of the id or kind."""
    schemas = evaluation.schemas
    if schemas.kind(kind) is None:
        raise EditError(
            f"unknown kind {kind!r}{did_you_mean(kind, schemas.kinds)}; kinds: "
            + ", ".join(schemas.kinds)
        )
    for pinned in PINNED:
        if pinned in settings:
            raise EditError(
                f"--set {pinned}=... is not allowed: give the "
                + ("id with --id" if pinned == "id" else "kind as the first argument")
            )
    sources, _ = scan(layout.root, layout.registry)
    stems = [s.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0] for s in sources]
    catalog = evaluation.catalog
    if entity_id is None:
        entity_id = next_id(catalog, kind, stems)
        if entity_id is None:
            raise EditError(
                f"{kind} ids are names, not numbers: give one with --id, e.g. --id lon-hq"
            )
    check_new(entity_id, catalog, stems)
    data: dict[str, Any] = {
        "id": entity_id,
        "kind": kind,
        "name": _default_name(evaluation, kind, entity_id),
    }
    lifecycle = evaluation.policy.lifecycle_of(kind)
    state = initial_state(lifecycle) if lifecycle is not None else None
    if state is not None:
        data["status"] = state
    data = changed(data, settings)
    text = render_entity(data, schemas)
    rel = f"{folder_for(catalog, kind)}/{entity_id}.yaml"
    verify(text, data, rel)
    return NewFile(rel, entity_id, text)


def _default_name(evaluation: Evaluation, kind: str, entity_id: str) -> str:
    uri = evaluation.schemas.kind_uris[kind]
    title = evaluation.schemas.documents[uri][1].get("title")
    return f"{title if isinstance(title, str) and title else kind} {entity_id}"
