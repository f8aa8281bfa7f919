"""Which entity points to which: both directions, from the schemas' ``x-references``.

The schemas say which fields hold another entity's id (``owner``, ``model``,
``audits[*].by``, ``covers[*]``, an organisation's own fields too), exactly as
the integrity rules read them: from the schemas the evaluation judged by
(``Evaluation.schemas``), the work tree's or, with ``--at``, the commit's.

A person audits thousands of assets: what points to an entity is kept per
field up to ``KEEP`` ids (and counted beyond), so memory stays bounded and a
page stays readable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from itam.entities import Catalog, Entity
from itam.schemas import WILDCARD, FieldSpec, SchemaSet, values_at

KEEP = 100
"""How many referring entities an entity page lists per field."""


@dataclass(frozen=True, slots=True)
class Link:
    """One reference: ``field`` (dotted, e.g. ``audits.by``) of an entity holds ``target``."""

    field: str
    pointer: str
    target: str


@dataclass(slots=True)
class Incoming:
    """The entities whose ``field`` names one entity: the first ``KEEP`` ids, and how many."""

    sources: list[str] = field(default_factory=list)
    count: int = 0


class References:
    """The reference graph of a catalog under one set of schemas."""

    def __init__(self, catalog: Catalog, specs: dict[str, list[FieldSpec]]) -> None:
        self.incoming: dict[str, dict[str, Incoming]] = defaultdict(dict)
        # Each kind's reference fields, labelled once: ``outgoing`` runs for every page.
        self.fields = fields = {
            kind: [(_label(spec), spec.tokens) for spec in kind_specs]
            for kind, kind_specs in specs.items()
        }
        incoming = self.incoming
        # The sources each slot lists, as sets while it fills: scanning a list
        # of up to a hundred for each of 630,000 references took a second.
        listed: dict[int, set[str]] = {}  # by id() of the slot, which lives on
        targets: list[str] = []
        for entity in catalog:
            source = entity.id
            if source is None:
                continue
            data = entity.data
            for label, tokens in fields.get(entity.kind or "", ()):
                if len(tokens) == 1 and tokens[0] != WILDCARD:  # most: a top-level field
                    value = data.get(tokens[0])
                    if not isinstance(value, str):
                        continue
                    found: Sequence[str] = (value,)
                else:
                    targets.clear()
                    _targets(data, tokens, targets)
                    found = targets
                for target in found:
                    if target == source:
                        continue
                    by_field = incoming[target]
                    slot = by_field.get(label)
                    if slot is None:
                        slot = by_field[label] = Incoming()
                        listed[id(slot)] = set()
                    slot.count += 1
                    if len(slot.sources) < KEEP:
                        seen = listed[id(slot)]
                        if source not in seen:
                            seen.add(source)
                            slot.sources.append(source)

    def outgoing(self, entity: Entity) -> list[Link]:
        """Every id ``entity`` holds in a reference field, in schema order."""
        links = []
        for label, tokens in self.fields.get(entity.kind or "", ()):
            for pointer, value in values_at(entity.data, tokens):
                if isinstance(value, str):
                    links.append(Link(label, pointer, value))
        return links

    def pointing_to(self, entity_id: str) -> dict[str, Incoming]:
        """What refers to ``entity_id``, by field, fields sorted."""
        return dict(sorted(self.incoming.get(entity_id, {}).items()))


def _label(spec: FieldSpec) -> str:
    return ".".join(t for t in spec.tokens if t != WILDCARD)


_MISSING = object()


def _targets(data: Any, tokens: tuple[str, ...], out: list[str]) -> None:
    """The strings at ``tokens`` in ``data`` (``*`` for every item of a list), appended
    to ``out``: ``values_at`` without the pointers, for the whole registry at once."""
    for index, token in enumerate(tokens):
        if token == WILDCARD:
            if isinstance(data, list):
                rest = tokens[index + 1 :]
                for item in data:
                    _targets(item, rest, out)
            return
        if not isinstance(data, dict):
            return
        data = data.get(token, _MISSING)
        if data is _MISSING:
            return
    if isinstance(data, str):
        out.append(data)


@dataclass(frozen=True, slots=True)
class SchemaFacts:
    """What the site reads from the schemas: reference fields and kinds by category."""

    references: dict[str, list[FieldSpec]]
    categories: dict[str, list[str]]


def schema_facts(schemas: SchemaSet) -> SchemaFacts:
    """The facts of the schemas a registry was judged by (``Evaluation.schemas``)."""
    found = {}
    for kind in schemas.kinds:
        schema = schemas.kind(kind)
        if schema is not None:
            found[kind] = list(schema.references)
    return SchemaFacts(found, dict(schemas.kinds_by_category))
