"""Inventory rows as CSV, JSON or JSON Lines, for finance and BI tools.

The rows come from ``itam.inventory`` (the same rows ``itam list`` shows),
in its order: by id, entities without one last. Each format is exact and
safe to open:

* CSV: a header of field keys, then one line per entity; numbers stay
  numbers, money has two decimals, and text a spreadsheet would run as a
  formula is defused by the reports' CSV writer (``itam.reports.render``).
  Lists are one cell, items separated by ", "; mappings are JSON text.
* JSON: one object ``{"version": 1, "as_of", "at", "fields", "rows"}``;
  ``at`` is the commit read (null for the work tree).
* JSON Lines: one row object per line, nothing else, for streaming loaders.

Amounts are JSON strings (``"1289.00"``): a binary float cannot hold them
exactly. Dates are ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from itam.entities import Entity
from itam.inventory import Field, Inventory, plain, shown_text
from itam.numbers import cents
from itam.reports.model import Column, Table
from itam.reports.render import to_csv as table_to_csv
from itam.snapshot import WORK_TREE

VERSION = 1
_KINDS = {"money": "money", "number": "number", "date": "date", "id": "id"}


def _json_value(value: Any, field: Field) -> Any:
    value = plain(value, nested=True)
    return _spelled(value, field)


def _spelled(value: Any, field: Field | None) -> Any:
    if isinstance(value, Decimal):
        if field is not None and field.kind == "money":
            return str(cents(value))
        return format(value, "f")
    if isinstance(value, list):
        return [_spelled(v, None) for v in value]
    if isinstance(value, dict):
        return {k: _spelled(v, None) for k, v in value.items()}
    return value


def json_rows(
    inventory: Inventory, fields: Sequence[Field], entities: Sequence[Entity]
) -> list[dict[str, Any]]:
    """The rows as JSON-ready mappings."""
    return [{f.key: _json_value(inventory.value(f, e), f) for f in fields} for e in entities]


def to_json(inventory: Inventory, fields: Sequence[Field], entities: Sequence[Entity]) -> str:
    """One JSON object: version, as_of, at, fields and rows."""
    evaluation = inventory.evaluation
    document = {
        "version": VERSION,
        "as_of": evaluation.as_of.isoformat(),
        "at": None if evaluation.label == WORK_TREE else evaluation.label,
        "fields": [{"key": f.key, "label": f.label, "kind": f.kind} for f in fields],
        "rows": json_rows(inventory, fields, entities),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_jsonl(inventory: Inventory, fields: Sequence[Field], entities: Sequence[Entity]) -> str:
    """One compact JSON object per entity, one per line."""
    rows = json_rows(inventory, fields, entities)
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)


def _csv_value(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value  # numbers stay numbers; the writer defuses only text
    return shown_text(value)


def to_csv(inventory: Inventory, fields: Sequence[Field], entities: Sequence[Entity]) -> str:
    """A header of field keys, then one spreadsheet-safe line per entity."""
    table = Table(
        name="inventory",
        title="Inventory",
        description="",
        as_of=inventory.evaluation.as_of.isoformat(),
        columns=[Column(f.key, f.label, _KINDS.get(f.kind, "text")) for f in fields],
        rows=[{f.key: _csv_value(inventory.value(f, e)) for f in fields} for e in entities],
    )
    return table_to_csv(table)


Writer = Callable[[Inventory, Sequence[Field], Sequence[Entity]], str]

WRITERS: dict[str, Writer] = {"csv": to_csv, "json": to_json, "jsonl": to_jsonl}
"""The export formats, by name."""
