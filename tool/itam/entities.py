"""Entities: the parsed registry files that hold a mapping, indexed by id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from itam.yamlsafe import Document


@dataclass(slots=True)
class Entity:
    """One registry file's mapping, with where it came from."""

    doc: Document
    data: dict[str, Any]

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value if isinstance(value, str) else None

    @property
    def kind(self) -> str | None:
        value = self.data.get("kind")
        return value if isinstance(value, str) else None

    @property
    def stem(self) -> str:
        return PurePosixPath(self.file).stem

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        return self.doc.locate(pointer)


class Catalog:
    """All entities of a registry; the first file to claim an id owns it."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = sorted(entities, key=lambda e: e.file)
        self.by_id: dict[str, Entity] = {}
        for entity in self.entities:
            if entity.id is not None:
                self.by_id.setdefault(entity.id, entity)

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.entities)

    def get(self, entity_id: str) -> Entity | None:
        return self.by_id.get(entity_id)

    def of_kind(self, *kinds: str) -> list[Entity]:
        return [e for e in self.entities if e.kind in kinds]
