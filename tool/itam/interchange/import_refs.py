"""References a row names, resolved to ids: found in the registry, or created.

A row names its location, model, supplier or user by name (or e-mail). The
name is looked up among the registry's entities of that kind: by id, by the
id its name would have (``Dell`` is the vendor ``dell``), or by the map's
``match`` field (``name`` unless it says ``email``), ignoring case and runs
of spaces. When nothing matches and the map says ``create``, a new entity is
drafted once for the whole import, with the fields the map gives it, and
every row naming it refers to it; otherwise the field is left out with a
warning. A new model takes the kind of the asset that first names it as its
category; a new location is a site; a new vendor gets the map's role.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from itam.entities import Catalog
from itam.interchange.import_ids import Ids
from itam.interchange.import_rows import Wanted
from itam.interchange.import_values import slug
from itam.interchange.mapped import fold
from itam.limits import quote

DEFAULTS: dict[str, dict[str, Any]] = {"location": {"type": "site"}}
"""Fields a new entity of a kind needs and no export has: a location's type."""


@dataclass(slots=True)
class NewEntity:
    """An entity the import creates because rows refer to it."""

    id: str
    kind: str
    data: dict[str, Any]
    file: str
    lines: list[int] = field(default_factory=list)
    # New entities this one refers to (a new model's new manufacturer).
    needs: list[str] = field(default_factory=list)


def dig(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` of nested mappings, or None."""
    for name in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def nest(values: dict[str, Any]) -> dict[str, Any]:
    """Dotted paths and values as nested mappings: ``{"a.b": 1}`` is ``{"a": {"b": 1}}``."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        *parents, last = path.split(".")
        here = out
        for name in parents:
            here = here.setdefault(name, {})
        here[last] = value
    return out


def _names(wanted: Wanted) -> list[str]:
    """The names ``wanted`` may go by: a model also by its maker's name and its
    own (``Lenovo ThinkPad T14 Gen 4``, id ``lenovo-thinkpad-t14-gen4``), as
    the registry names models and exports often do not."""
    names = [wanted.value]
    maker = (wanted.create or {}).get("manufacturer")
    if (
        wanted.kind == "model"
        and isinstance(maker, Wanted)
        and not fold(wanted.value).startswith(fold(maker.value))
    ):
        names.append(f"{maker.value} {wanted.value}")
    return names


class References:
    """Resolves the references of an import's rows; keeps the new entities."""

    def __init__(self, catalog: Catalog, ids: Ids) -> None:
        self.catalog = catalog
        self.ids = ids
        self.new: dict[tuple[str, str, str], NewEntity] = {}
        self._index: dict[tuple[str, str], dict[str, str]] = {}
        # Entities rows of this import create, by kind: (id, their values by dotted path).
        self._rows: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def add(self, kind: str, entity_id: str, values: dict[str, Any]) -> None:
        """An entity a row creates, which other rows may name; call before any
        ``resolve``. The registry's entities win over it."""
        self._rows.setdefault(kind, []).append((entity_id, values))

    def _lookup(self, kind: str, match: str) -> dict[str, str]:
        index = self._index.get((kind, match))
        if index is None:
            index = {}
            entities = self.catalog.of_kind(kind)
            for entity in entities:
                if entity.id is not None:
                    index.setdefault(fold(entity.id), entity.id)
            for entity in entities:
                value = dig(entity.data, match)
                if isinstance(value, str) and entity.id is not None:
                    index.setdefault(fold(value), entity.id)
            for entity_id, values in self._rows.get(kind, []):
                index.setdefault(fold(entity_id), entity_id)
                value = values.get(match)
                if isinstance(value, str):
                    index.setdefault(fold(value), entity_id)
            self._index[kind, match] = index
        return index

    def resolve(self, wanted: Wanted, referrer: str | None, line: int) -> tuple[str | None, str]:
        """The id ``wanted`` names (creating it if the map says so), and the
        file of a new entity ("" for one already in the registry); (None,
        reason) when it is left out."""
        index = self._lookup(wanted.kind, wanted.match)
        found = None
        for name in _names(wanted):
            found = index.get(fold(name))
            if found is None and wanted.kind in ("location", "model", "vendor"):
                found = index.get(slug(name))
            if found is not None:
                return found, ""
        key = (wanted.kind, wanted.match, fold(wanted.value))
        new = self.new.get(key)
        if new is None:
            if wanted.create is None:
                return None, (
                    f"{quote(wanted.value)} in column {quote(wanted.column)} names no "
                    f"{wanted.kind} in the registry; the field is left out"
                )
            new = self._create(wanted, referrer, line)
            self.new[key] = new
        new.lines.append(line)
        return new.id, new.file

    def resolve_values(
        self, values: Mapping[str, Any], referrer: str | None, line: int
    ) -> tuple[dict[str, Any], list[str], list[str]]:
        """``values`` with each Wanted replaced by the id it names (``resolve``),
        those left out dropped; the files of the new entities they need; and
        ``path: reason`` for each left out."""
        out: dict[str, Any] = {}
        needs: list[str] = []
        left_out: list[str] = []
        for path, value in values.items():
            if not isinstance(value, Wanted):
                out[path] = value
                continue
            ref, file = self.resolve(value, referrer, line)
            if ref is None:
                left_out.append(f"{path}: {file}")
                continue
            if file:
                needs.append(file)
            out[path] = ref
        return out, needs, left_out

    def _create(self, wanted: Wanted, referrer: str | None, line: int) -> NewEntity:
        values: dict[str, Any] = dict(DEFAULTS.get(wanted.kind, {}))
        values[wanted.match] = wanted.value
        # A new entity's own references that resolve to nothing are left out quietly.
        resolved, needs, _ = self.resolve_values(wanted.create or {}, wanted.kind, line)
        values.update(resolved)
        if wanted.kind == "model" and referrer is not None and "category" not in values:
            values["category"] = referrer
        if wanted.role is not None and "roles" not in values:
            values["roles"] = [wanted.role]
        name = values.get("name")
        entity_id = self.ids.new_id(wanted.kind, name if isinstance(name, str) else wanted.value)
        data = {"id": entity_id, "kind": wanted.kind, **nest(values)}
        return NewEntity(
            entity_id, wanted.kind, data, self.ids.path(wanted.kind, entity_id), needs=needs
        )
