"""Which entities a change can affect: what a pull request judges again.

The integrity and policy findings of an entity read, besides its own data:

* the entities it refers to, and theirs in turn (its model, its location
  and the locations containing it, a disposal vendor): any text in its data
  that is another entity's id, whatever the field, so that an organisation's
  own fields and rules are covered too;
* the entities that refer to it (the holders of a license's seats);
* those that share its id or one of its unique values (serial, asset tag,
  MAC), which duplicate findings name;
* for a reference to no entity, every id of the kinds wanted (the "did you
  mean" hint).

So after a change, an entity none of these connect to the changed files has
exactly the findings it had on the base, and only the others need judging
again. ``affected`` finds those others, erring on the side of too many: the
result is the same as judging everything, only sooner (tests compare the two
on random changes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable
from typing import Any

from itam.entities import Catalog, Entity
from itam.findings import Finding
from itam.integrity import UniqueIndex, unique_values
from itam.schemas import SchemaSet

MISSING = "integrity.reference"
"""The rule of a reference to no entity, whose message suggests an id."""


def affected(
    base: Catalog,
    head: Catalog,
    changed_files: set[str],
    schemas: SchemaSet,
    base_whole: Iterable[Finding],
    unique: UniqueIndex,
) -> set[str]:
    """The files of the head entities whose whole-registry findings may
    differ from those ``base_whole`` holds for them on the base; ``unique``
    is the head's ``unique_index``."""
    before = [e for e in base if e.file in changed_files]
    after = [e for e in head if e.file in changed_files]
    changed = before + after
    out = {e.file for e in after}
    changed_ids = {e.id for e in changed if e.id is not None}

    # Whatever refers to a changed entity, directly or through others.
    referrers = _referrers(head, head.by_id.keys() | changed_ids)
    frontier = changed_ids
    reached: set[str] = set()
    while frontier:
        reached |= frontier
        following: set[str] = set()
        for entity_id in frontier:
            for entity in referrers.get(entity_id, ()):
                out.add(entity.file)
                if entity.id is not None and entity.id not in reached:
                    following.add(entity.id)
        frontier = following

    # What a changed entity refers to, before or after (a license whose
    # seats it takes or gives back).
    for entity in changed:
        for entity_id in _ids_in(entity.data, head.claims):
            out.update(e.file for e in head.claims[entity_id])

    # Those sharing an id or a unique value with a changed entity.
    ids = {i.casefold() for i in changed_ids}
    out.update(e.file for e in head if e.id is not None and e.id.casefold() in ids)
    for value in {v for e in changed for v in unique_values(e, schemas)}:
        out.update(holder.file for holder, _, _ in unique.get(value, ()))

    # A reference to no entity suggests the nearest id of its kinds: when the
    # change adds, removes or re-kinds an id, those hints are written again.
    if _owners(base, changed_ids) != _owners(head, changed_ids):
        out.update(f.file for f in base_whole if f.rule == MISSING and f.file is not None)
    return out


def _owners(catalog: Catalog, ids: set[str]) -> set[tuple[str, str | None]]:
    """(id, kind) of the entity owning each of ``ids`` in ``catalog``."""
    return {(i, e.kind) for i in ids if (e := catalog.get(i)) is not None}


def _referrers(catalog: Catalog, ids: Container[str]) -> dict[str, list[Entity]]:
    """For each of ``ids``, the entities whose data holds it as a text."""
    out: dict[str, list[Entity]] = defaultdict(list)
    for entity in catalog:
        for entity_id in _ids_in(entity.data, ids):
            out[entity_id].append(entity)
    return out


def _ids_in(data: dict[str, Any], ids: Container[str]) -> set[str]:
    """The texts anywhere in ``data`` (values, not keys) that are in ``ids``."""
    found = set()
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        for value in node.values() if isinstance(node, dict) else node:
            if type(value) is str:
                if value in ids:
                    found.add(value)
            elif isinstance(value, dict | list):
                stack.append(value)
    return found
