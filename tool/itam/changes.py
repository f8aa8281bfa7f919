"""What a change did to the registry: entities matched by id, not by path.

A file moved to another folder is the same asset; a file whose id changed is
an id change, not a deletion and an addition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from itam.entities import Catalog, Entity


@dataclass(frozen=True, slots=True)
class Change:
    """One entity before and after; either side is None when absent."""

    id: str
    old: Entity | None
    new: Entity | None

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "deleted"
        if self.old.data != self.new.data:
            return "modified"
        return "moved" if self.old.file != self.new.file else "unchanged"

    @property
    def old_status(self) -> str | None:
        value = self.old.get("status") if self.old is not None else None
        return value if isinstance(value, str) else None

    @property
    def new_status(self) -> str | None:
        value = self.new.get("status") if self.new is not None else None
        return value if isinstance(value, str) else None


@dataclass(slots=True)
class ChangeSet:
    """Every entity the change added, deleted, modified or moved."""

    base: str
    changes: list[Change] = field(default_factory=list)
    changed_files: set[str] = field(default_factory=set)
    # Old id → the entity that now carries the old entity's file or serial.
    renamed: dict[str, Entity] = field(default_factory=dict)

    @property
    def touched_ids(self) -> set[str]:
        return {c.id for c in self.changes if c.new is not None} | {
            e.id for e in self.renamed.values() if e.id is not None
        }

    def modified(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "modified"]

    def deleted(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "deleted" and c.id not in self.renamed]

    def transitions(self) -> list[tuple[str, str | None, str | None]]:
        """(id, old status, new status) for each entity whose status changed."""
        return [
            (c.id, c.old_status, c.new_status)
            for c in self.changes
            if c.old is not None and c.new is not None and c.old_status != c.new_status
        ]


def _serial(entity: Entity) -> str | None:
    value = entity.get("serial")
    return value.strip().casefold() if isinstance(value, str) and value.strip() else None


def changed_files(base: Mapping[str, bytes], head: Mapping[str, bytes]) -> set[str]:
    """The files added, edited or deleted from ``base`` to ``head``."""
    return {path for path in base.keys() | head.keys() if base.get(path) != head.get(path)}


def compare(
    base: Catalog,
    head: Catalog,
    base_files: dict[str, bytes],
    head_files: dict[str, bytes],
    label: str,
) -> ChangeSet:
    """The changes from ``base`` to ``head``."""
    result = ChangeSet(base=label)
    result.changed_files = changed_files(base_files, head_files)
    paired: set[int] = set()
    for entity_id in sorted(base.by_id.keys() | head.by_id.keys()):
        old = base.get(entity_id)
        new = _counterpart(old, head.claims.get(entity_id, []))
        if new is not None and old is not None:
            paired.add(id(new))
            if old.file == new.file and old.file not in result.changed_files:
                continue  # the same bytes, so the same data: not worth comparing
        change = Change(entity_id, old, new)
        if change.kind != "unchanged":
            result.changes.append(change)
    # An entity no base entity was paired with, sitting in a deleted entity's
    # file or carrying its serial, is that entity under a new id.
    unpaired = [e for e in head if e.id is not None and id(e) not in paired]
    by_file = {e.file: e for e in unpaired}
    by_serial = {s: e for e in unpaired if (s := _serial(e)) is not None}
    for change in result.changes:
        if change.kind != "deleted" or change.old is None:
            continue
        successor = by_file.get(change.old.file)
        serial = _serial(change.old)
        if successor is None and serial is not None:
            successor = by_serial.get(serial)
        if successor is not None:
            result.renamed[change.id] = successor
    return result


def _counterpart(old: Entity | None, claims: list[Entity]) -> Entity | None:
    """The head entity that continues ``old``: with several claiming its id,
    the one still in its file."""
    if not claims:
        return None
    if old is not None:
        for entity in claims:
            if entity.file == old.file:
                return entity
    return claims[0]
