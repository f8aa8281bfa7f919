"""The inventory as rows: every entity with its stored and derived values.

One row builder for ``itam list`` and ``itam export``. A field is either one
of the named fields below (identity, derived dates and money, open findings)
or a stored dotted path (``os.name``, ``purchase.cost.amount``,
``audits.by``). Derived values come from ``evaluation.derived(entity)`` and
findings from ``evaluation.findings_of``: nothing is computed here.

Values keep their type (``datetime.date``, ``Decimal``, ``int``, lists of a
stored list) so that filters compare dates as dates and amounts as exact
decimals; ``plain`` turns them into what an output writes.

Two stored paths read the derived value instead, because what a person means
by them is the derived one: ``warranty.end`` is the warranty end (the stored
end when written, else start plus months, else the model's default), and
``end_of_life`` is the asset's own, else its model's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from itam.derive import Derived
from itam.entities import Entity
from itam.errors import ConfigError
from itam.evaluation import Evaluation
from itam.findings import SEVERITY_ORDER, Finding
from itam.limits import quote
from itam.numbers import decimal_of
from itam.output import escaped
from itam.pointers import get
from itam.schemas import WILDCARD
from itam.suggest import did_you_mean

Reader = Callable[["Inventory", Entity], Any]


@dataclass(frozen=True, slots=True)
class Field:
    """A column of the inventory: its key, heading, value kind and reader.

    ``kind`` is text, id, date, number, money or severity. ``read`` is None for
    a stored dotted path (read with ``stored``).
    """

    key: str
    label: str
    kind: str = "text"
    read: Reader | None = None


def _top(key: str) -> Reader:
    return lambda _inventory, entity: entity.get(key)


def _derived(attribute: str) -> Reader:
    return lambda inventory, entity: getattr(inventory.derived(entity), attribute)


def _count(inventory: Inventory, entity: Entity) -> int:
    return len(inventory.open_findings(entity))


def _worst(inventory: Inventory, entity: Entity) -> str | None:
    found = inventory.open_findings(entity)
    if not found:
        return None
    return str(min((f.severity for f in found), key=SEVERITY_ORDER.__getitem__))


def _state_class(inventory: Inventory, entity: Entity) -> str | None:
    state = inventory.evaluation.context.state(entity)
    return state.state_class if state is not None else None


def _cost(_inventory: Inventory, entity: Entity) -> Any:
    amount = get(entity.data, "purchase.cost.amount")
    number = decimal_of(amount)
    return amount if number is None else number


def _currency(inventory: Inventory, entity: Entity) -> Any:
    return inventory.derived(entity).currency or get(entity.data, "purchase.cost.currency")


FIELDS: tuple[Field, ...] = (
    Field("id", "ID", "id", _top("id")),
    Field("kind", "Kind", "text", _top("kind")),
    Field("name", "Name", "text", _top("name")),
    Field("status", "Status", "text", _top("status")),
    Field("state_class", "Class", "text", _state_class),
    Field("owner", "Owner", "id", _top("owner")),
    Field("location", "Location", "id", _top("location")),
    Field("model", "Model", "id", _top("model")),
    Field("serial", "Serial", "text", _top("serial")),
    Field("asset_tag", "Asset tag", "text", _top("asset_tag")),
    Field("purchased", "Purchased", "date", _derived("purchased")),
    Field("purchase_cost", "Cost", "money", _cost),
    Field("currency", "Currency", "text", _currency),
    Field("book_value", "Book value", "money", _derived("book_value")),
    Field("age_days", "Age (days)", "number", _derived("age_days")),
    Field("warranty_end", "Warranty end", "date", _derived("warranty_end")),
    Field("end_of_life", "End of life", "date", _derived("end_of_life")),
    Field("last_audit", "Last audit", "date", _derived("last_audit")),
    Field("next_audit", "Next audit", "date", _derived("audit_due")),
    Field("open_findings", "Findings", "number", _count),
    Field("worst_severity", "Severity", "severity", _worst),
    Field("file", "File", "text", lambda _inventory, entity: entity.file),
)
BY_KEY = {f.key: f for f in FIELDS}

ALIASES = {
    "warranty.end": "warranty_end",
    "audit_due": "next_audit",
    "next_audit_due": "next_audit",
    "findings": "open_findings",
    "severity": "worst_severity",
    "class": "state_class",
}
"""Other names people use for the named fields (see the module docstring)."""

EXPORT_FIELDS = tuple(f.key for f in FIELDS)
"""What ``itam export`` writes by default: every named field."""


def stored(data: Any, dotted: str) -> Any:
    """The value at a dotted path; through a list, the list of each item's value."""
    for index, part in enumerate(parts := dotted.split(".")):
        if isinstance(data, list):
            rest = ".".join(parts[index:])
            found = [stored(item, rest) for item in data]
            return [v for v in _flat(found) if v is not None] or None
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _flat(values: Iterable[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from _flat(value)
        else:
            yield value


def leaves(value: Any) -> list[Any]:
    """The scalar values a field holds: a list's items, nothing for None."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in _flat(value) if v is not None]
    return [value]


class Inventory:
    """The evaluation seen as rows; resolves field names once per run."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.evaluation = evaluation
        self._declared: frozenset[str] | None = None
        # A row reads one entity's derived values and findings for many
        # fields in a row: the last entity's are kept.
        self._last: tuple[Entity, Derived, list[Finding] | None] | None = None

    def derived(self, entity: Entity) -> Derived:
        """The entity's derived values, from the evaluation."""
        if self._last is None or self._last[0] is not entity:
            self._last = (entity, self.evaluation.derived(entity), None)
        return self._last[1]

    def open_findings(self, entity: Entity) -> list[Finding]:
        """The entity's findings no waiver covers, from the evaluation."""
        derived = self.derived(entity)
        assert self._last is not None
        found = self._last[2]
        if found is None:
            every = self.evaluation.findings_of(entity.id) if entity.id is not None else []
            found = [f for f in every if f.waiver is None]
            self._last = (entity, derived, found)
        return found

    def entities(self) -> list[Entity]:
        """Every entity in id order; entities without an id last, by file."""
        return sorted(self.evaluation.catalog, key=lambda e: (e.id is None, e.id or "", e.file))

    def field(self, name: str) -> Field:
        """The field ``name`` names; ConfigError (exit 2) naming the known ones."""
        key = ALIASES.get(name, name)
        if key in BY_KEY:
            return BY_KEY[key]
        if name in self.declared() or self._held(name):
            return Field(name, name)
        known = sorted({*BY_KEY, *ALIASES, *self.declared()})
        nested = {k.split(".")[0] for k in self.declared() if "." in k}
        tops = sorted({k.split(".")[0] for k in self.declared()})
        tops = [t + ".*" if t in nested else t for t in tops]
        raise ConfigError(
            f"unknown field {quote(name)}{did_you_mean(name, known)}; the fields are "
            f"{', '.join(BY_KEY)} (also {', '.join(ALIASES)}), or a stored field "
            f"the schemas declare, as a dotted path: {', '.join(tops)}"
        )

    def declared(self) -> frozenset[str]:
        """Dotted paths the kind schemas declare (a list's items by the list's path)."""
        if self._declared is None:
            schemas = self.evaluation.schemas
            paths: set[str] = set()
            for kind in schemas.kinds:
                schema = schemas.kind(kind)
                if schema is None:
                    continue
                for tokens, names in schema.properties.items():
                    prefix = [t for t in tokens if t != WILDCARD]
                    paths.update(".".join([*prefix, name]) for name in names)
            self._declared = frozenset(paths)
        return self._declared

    def _held(self, dotted: str) -> bool:
        # A field no schema declares may still be in a file (an invalid one).
        return any(stored(e.data, dotted) is not None for e in self.evaluation.catalog)

    def value(self, field: Field, entity: Entity) -> Any:
        """The field's value on ``entity``, typed (see the module docstring)."""
        if field.read is not None:
            return field.read(self, entity)
        return stored(entity.data, field.key)

    def row(self, fields: Iterable[Field], entity: Entity) -> dict[str, Any]:
        """The entity as a mapping of field key to typed value."""
        return {f.key: self.value(f, entity) for f in fields}


def plain(value: Any, nested: bool = False) -> Any:
    """A typed value as JSON-ready data: dates as ISO text, exact decimals as
    ``Decimal`` (the writer decides how to spell them), text that can always be
    written as UTF-8. With ``nested``, lists and mappings stay structured;
    otherwise they become one line of text for a table or CSV cell."""
    if isinstance(value, str):
        return value if value.isascii() else escaped(value)
    if value is None or isinstance(value, bool | int | Decimal):
        return value
    if isinstance(value, float):
        number = decimal_of(value)
        return str(value) if number is None else number
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        items = [plain(v, nested) for v in value]
        return items if nested else ", ".join(shown_text(v) for v in items)
    if isinstance(value, dict):
        mapping = {escaped(str(k)): plain(v, True) for k, v in value.items()}
        return mapping if nested else json.dumps(mapping, ensure_ascii=False, default=str)
    return escaped(str(value))


def shown_text(value: Any) -> str:
    """A plain value (see ``plain``) as the text a cell shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def cell_text(value: Any) -> str:
    """A plain value as the text a table cell or a CSV cell shows."""
    return shown_text(plain(value))


def fields_of(inventory: Inventory, texts: Iterable[str]) -> list[Field]:
    """The fields ``--fields`` names (comma-separated, repeatable), each once, in order."""
    out: dict[str, Field] = {}
    for text in texts:
        for name in text.split(","):
            if name.strip():
                found = inventory.field(name.strip())
                out.setdefault(found.key, found)
    if not out:
        raise ConfigError("--fields names no field; give a comma-separated list, e.g. id,name")
    return list(out.values())
