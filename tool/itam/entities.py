"""Entities: the parsed registry files that hold a mapping, indexed by id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from itam.findings import Finding, Severity
from itam.yamlsafe import Document


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(slots=True)
class Entity:
    """One registry file's mapping, with where it came from.

    ``id`` and ``kind`` are read once: every rule asks for them.
    """

    doc: Document
    data: dict[str, Any]
    id: str | None = field(init=False)
    kind: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.id = _text(self.data.get("id"))
        self.kind = _text(self.data.get("kind"))

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def stem(self) -> str:
        return PurePosixPath(self.file).stem

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        return self.doc.locate(pointer)

    def finding(
        self,
        rule: str,
        severity: Severity,
        pointer: str,
        message: str,
        rationale: str | None = None,
    ) -> Finding:
        """A finding on this entity, at the line of ``pointer`` (or its nearest parent)."""
        line, column = self.locate(pointer)
        return Finding(
            rule,
            severity,
            message,
            file=self.file,
            line=line,
            column=column,
            entity=self.id,
            path=pointer,
            rationale=rationale,
        )


class Catalog:
    """All entities of a registry; the first file to claim an id owns it."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = sorted(entities, key=lambda e: e.file)
        self.by_id: dict[str, Entity] = {}
        # Every entity claiming an id, duplicates included.
        self.claims: dict[str, list[Entity]] = defaultdict(list)
        self.by_kind: dict[str | None, list[Entity]] = defaultdict(list)
        for entity in self.entities:
            if entity.id is not None:
                self.by_id.setdefault(entity.id, entity)
                self.claims[entity.id].append(entity)
            self.by_kind[entity.kind].append(entity)

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities)

    def get(self, entity_id: str) -> Entity | None:
        return self.by_id.get(entity_id)

    def of_kind(self, *kinds: str) -> list[Entity]:
        """Entities of these kinds, in file order."""
        if len(kinds) == 1:
            return list(self.by_kind.get(kinds[0], ()))
        return sorted((e for k in kinds for e in self.by_kind.get(k, ())), key=lambda e: e.file)
