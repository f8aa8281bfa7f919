"""The inventory: one row per entity, and the columnar data file the page searches.

At 100,000 rows one HTML table took Chromium 41 s to load, so the page holds
the first ``FIRST_ROWS`` rows and ``assets/inventory-data.js`` the rest, as
one array per column:

* strings that repeat (kind, status, location, owner, model) are indexes
  into small tables, 0 meaning none;
* other string columns are stored the cheapest of three ways: plain, as a
  dictionary with indexes (names of cloned assets), or front-coded against
  the row before (ids, serials, asset tags in id order share their start:
  ``[prefix lengths, suffixes]``, lengths in UTF-16 units as JavaScript
  slices strings);
* dates are whole days after a base day (0: none), so they sort as numbers.

The JSON is escaped so that no entity text can end the script or the string
it sits in: ``<``, ``>``, ``&``, U+2028 and U+2029 become ``\\uXXXX``, then
backslashes and quotes are escaped for the single-quoted literal handed to
``JSON.parse`` (faster to parse than the same data as a JavaScript literal).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup

from itam.entities import Entity
from itam.evaluation import Evaluation
from itam.output import SURROGATES
from itam.sitegen.labels import SEVERITY_RANK, humanise, worst
from itam.sitegen.pages import Column, Filter, Option, Ref

FIRST_ROWS = 100
"""Rows in the inventory page's HTML; the script pages through the rest."""
STATIC_PAGE_ROWS = 1000
"""Rows per page of the static inventory for browsers without JavaScript."""
DATA_VERSION = 1

COLUMNS = (
    Column("id", "ID", "id"),
    Column("name", "Name", "text"),
    Column("kind", "Kind", "table"),
    Column("status", "Status", "table"),
    Column("owner", "Owner", "table"),
    Column("location", "Location", "table"),
    Column("serial", "Serial", "code"),
    Column("asset_tag", "Asset tag", "code"),
    Column("warranty", "Warranty", "date"),
    Column("audit", "Next audit", "date"),
    Column("findings", "Findings", "severity"),
)

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Row:
    """One entity as the inventory lists it."""

    id: str
    path: str | None  # its page below the site's root, when it has one
    name: str
    kind: str
    kind_label: str
    status: str
    state_class: str
    owner: Ref | None
    location: Ref | None
    model: Ref | None
    serial: str
    asset_tag: str
    warranty: dt.date | None
    audit: dt.date | None
    severity: int  # worst open finding: 3 error, 2 warning, 1 info, 0 none
    findings: int  # open findings of that severity

    @property
    def severity_word(self) -> str:
        return ("none", "info", "warning", "error")[self.severity]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def rows(evaluation: Evaluation, ref_for: Callable[[str], Ref]) -> list[Row]:
    """Every entity as a row, in id order (entities without an id last, by file)."""
    out = []
    for entity in sorted(evaluation.catalog, key=_order):
        out.append(_row(evaluation, entity, ref_for))
    return out


def _order(entity: Entity) -> tuple[bool, str, str]:
    return (entity.id is None, entity.id or "", entity.file)


def _row(evaluation: Evaluation, entity: Entity, ref_for: Callable[[str], Ref]) -> Row:
    entity_id = entity.id or ""
    derived = evaluation.derived(entity)
    state = evaluation.context.state(entity)
    findings = (
        [f for f in evaluation.findings_of(entity_id) if f.waiver is None] if entity_id else []
    )
    rank = worst(findings)
    # A duplicate id's page belongs to the first file claiming it; the rest link there too.
    ref = ref_for(entity_id) if entity_id else None

    def linked(key: str) -> Ref | None:
        value = entity.get(key)
        return ref_for(value) if isinstance(value, str) and value else None

    kind = _text(entity.kind)
    return Row(
        id=entity_id,
        path=ref.path if ref else None,
        name=_text(entity.get("name")) or (entity_id or entity.file),
        kind=kind,
        kind_label=humanise(kind) if kind else "",
        status=_text(entity.get("status")),
        state_class=state.state_class if state else "",
        owner=linked("owner"),
        location=linked("location"),
        model=linked("model"),
        serial=_text(entity.get("serial")),
        asset_tag=_text(entity.get("asset_tag")),
        warranty=derived.warranty_end,
        audit=derived.audit_due,
        severity=rank,
        findings=sum(1 for f in findings if SEVERITY_RANK[f.severity] == rank),
    )


# -- rows as HTML ---------------------------------------------------------------------


def _link(text: str, path: str | None, root: str) -> str:
    shown = escape(text)
    return f'<a href="{escape(root + path)}">{shown}</a>' if path else shown


def _date_cell(day: dt.date | None, live: bool, as_of: dt.date) -> str:
    if day is None:
        return '<td class="date"></td>'
    past = " past" if live and day < as_of else ""
    return f'<td class="date{past}">{day.isoformat()}</td>'


def row_html(row: Row, root: str, as_of: dt.date) -> str:
    """One row as ``inventory.js`` draws it too; every text escaped here.

    Drawn in Python: as a template macro it cost 0.1 ms a row, 10 s for the
    static pages of 100,000 rows."""
    if row.path:
        first = _link(row.id, row.path, root)
    elif row.id:
        first = escape(row.id)
    else:
        first = '<span class="unlinked">(no id)</span>'
    status = (
        f'<span class="badge tone-state-{escape(row.state_class or "unknown")}">'
        f"{escape(row.status)}</span>"
        if row.status
        else ""
    )
    owner = _link(row.owner.label, row.owner.path, root) if row.owner else ""
    location = _link(row.location.label, row.location.path, root) if row.location else ""
    live = row.state_class not in ("archived", "")
    findings = ""
    if row.severity:
        word = row.severity_word
        plural = "" if row.findings == 1 else "s"
        findings = f'<span class="badge tone-{word}">{row.findings} {word}{plural}</span>'
    return (
        f'<tr data-id="{escape(row.id)}">\n<td>{first}</td>\n<td>{escape(row.name)}</td>\n'
        f"<td>{escape(row.kind_label)}</td>\n<td>{status}</td>\n<td>{owner}</td>\n"
        f'<td>{location}</td>\n<td class="mono">{escape(row.serial)}</td>\n'
        f'<td class="mono">{escape(row.asset_tag)}</td>\n'
        f"{_date_cell(row.warranty, live, as_of)}\n{_date_cell(row.audit, live, as_of)}\n"
        f"<td>{findings}</td>\n</tr>\n"
    )


def rows_html(rows: Sequence[Row], root: str, as_of: dt.date) -> Markup:
    """The ``<tbody>`` content of ``rows``."""
    # Every value above went through html.escape.
    return Markup("".join(row_html(r, root, as_of) for r in rows))  # noqa: S704


# -- filters ------------------------------------------------------------------------


def filters(
    all_rows: Sequence[Row], location_parents: dict[str, str], ref_for: Callable[[str], Ref]
) -> tuple[Filter, ...]:
    """The options of each filter, from what the rows hold; locations as a tree."""
    kinds = sorted({(r.kind_label, r.kind) for r in all_rows if r.kind})
    states = sorted({r.status for r in all_rows if r.status})
    owners = sorted(
        {(r.owner.label, r.owner.id) for r in all_rows if r.owner}, key=lambda o: (o[0], o[1])
    )
    return (
        Filter("kind", "Kind", "All kinds", tuple(Option(k, label) for label, k in kinds)),
        Filter("status", "Status", "All statuses", tuple(Option(s, s) for s in states)),
        Filter(
            "location",
            "Location",
            "All locations",
            _location_options(all_rows, location_parents, ref_for),
        ),
        Filter("owner", "Owner", "All owners", tuple(Option(i, label) for label, i in owners)),
        Filter(
            "severity",
            "Findings",
            "All",
            (
                Option("error", "Errors"),
                Option("warning", "Warnings"),
                Option("info", "Info"),
                Option("any", "Any open finding"),
                Option("none", "No open findings"),
            ),
        ),
    )


def _location_options(
    all_rows: Sequence[Row], parents: dict[str, str], ref_for: Callable[[str], Ref]
) -> tuple[Option, ...]:
    labels = {r.location.id: r.location.label for r in all_rows if r.location}
    # Every ancestor of a used location is an option too: "London HQ" finds its floors.
    for start in list(labels):
        seen = {start}
        current = parents.get(start)
        while current and current not in seen:
            seen.add(current)
            labels.setdefault(current, ref_for(current).label)
            current = parents.get(current)
    children: dict[str, list[str]] = {}
    for loc in labels:
        parent = parents.get(loc)
        children.setdefault(parent if parent in labels else "", []).append(loc)
    out: list[Option] = []

    def walk(parent: str, depth: int, seen: frozenset[str]) -> None:
        for loc in sorted(children.get(parent, []), key=lambda i: (labels[i], i)):
            if loc in seen:
                continue
            out.append(Option(loc, "\u2003" * depth + labels[loc]))
            walk(loc, depth + 1, seen | {loc})

    walk("", 0, frozenset())
    return tuple(out)


# -- the data file ----------------------------------------------------------------


class _Table:
    """Distinct values of a column, indexed from 1; 0 is "none"."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.entries: list[list[Any]] = []

    def add(self, key: Any, entry: list[Any]) -> int:
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.entries) + 1
            self.entries.append(entry)
        return found


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _strings(values: Sequence[str]) -> Any:
    """A string column in its most compact form (see the module docstring)."""
    plain = sum(len(v) + 3 for v in values)
    distinct: dict[str, int] = {}
    for value in values:
        distinct.setdefault(value, len(distinct))
    dict_size = sum(len(v) + 3 for v in distinct) + sum(len(str(distinct[v])) + 1 for v in values)
    prefixes, suffixes, previous = [], [], ""
    for value in values:
        common = 0
        limit = min(len(value), len(previous))
        while common < limit and value[common] == previous[common]:
            common += 1
        prefixes.append(_utf16(value[:common]))
        suffixes.append(value[common:])
        previous = value
    front = sum(len(s) + 3 for s in suffixes) + sum(len(str(p)) + 1 for p in prefixes)
    best = min(plain, dict_size, front)
    if best == plain:
        return list(values)
    if best == dict_size:
        return {"dict": list(distinct), "index": [distinct[v] for v in values]}
    return {"front": [prefixes, suffixes]}


def _days(values: Iterable[dt.date | None]) -> dict[str, Any]:
    days = [(d - _EPOCH).days if d is not None else None for d in values]
    base = min((d for d in days if d is not None), default=0) - 1
    return {"base": base, "days": [d - base if d is not None else 0 for d in days]}


def data(
    all_rows: Sequence[Row],
    location_parents: dict[str, str],
    ref_for: Callable[[str], Ref],
    as_of: dt.date,
) -> dict[str, Any]:
    """The inventory as columns (see the module docstring)."""
    kinds, states, owners, locations, models = _Table(), _Table(), _Table(), _Table(), _Table()

    def ref_index(table: _Table, ref: Ref | None) -> int:
        return table.add(ref.id, [ref.id, ref.label, 1 if ref.path else 0]) if ref else 0

    kind_col, status_col, owner_col, location_col, model_col = [], [], [], [], []
    for row in all_rows:
        kind_col.append(kinds.add(row.kind, [row.kind, row.kind_label]) if row.kind else 0)
        status_col.append(
            states.add((row.status, row.state_class), [row.status, row.state_class])
            if row.status
            else 0
        )
        owner_col.append(ref_index(owners, row.owner))
        location_col.append(ref_index(locations, row.location))
        model_col.append(ref_index(models, row.model))
    # Ancestors of the locations in use, so that a filter on a site finds its rooms.
    for loc_id in list(locations.index):
        current = location_parents.get(loc_id)
        while current and current not in locations.index:
            ref_index(locations, ref_for(current))
            current = location_parents.get(current)
    location_entries = [
        [*entry, locations.index.get(location_parents.get(entry[0], ""), 0)]
        for entry in locations.entries
    ]
    return {
        "version": DATA_VERSION,
        "total": len(all_rows),
        "asOf": (as_of - _EPOCH).days,
        "tables": {
            "kind": kinds.entries,
            "status": states.entries,
            "owner": owners.entries,
            "location": location_entries,
            "model": models.entries,
        },
        "columns": {
            "id": _strings([r.id for r in all_rows]),
            "name": _strings([r.name for r in all_rows]),
            "serial": _strings([r.serial for r in all_rows]),
            "asset_tag": _strings([r.asset_tag for r in all_rows]),
            "kind": kind_col,
            "status": status_col,
            "owner": owner_col,
            "location": location_col,
            "model": model_col,
            "warranty": _days(r.warranty for r in all_rows),
            "audit": _days(r.audit for r in all_rows),
            # Severity rank in the low two bits, the count of that severity above.
            "findings": [r.findings * 4 + r.severity for r in all_rows],
            "nopage": [i for i, r in enumerate(all_rows) if r.path is None],
        },
    }


_JS_UNSAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)
_LITERAL = str.maketrans({"\\": "\\\\", "'": "\\'"})
# A lone surrogate (a file name's byte that was not UTF-8) cannot be written as
# UTF-8; as a JSON escape it survives.


def script(value: Any, name: str = "ITAM_INVENTORY") -> bytes:
    """``value`` as a script that sets ``window.<name>`` through JSON.parse, safe
    to load whatever text the value holds."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", text.translate(_JS_UNSAFE))
    literal = text.translate(_LITERAL)
    return f"window.{name}=JSON.parse('{literal}');\n".encode()


def decode_script(source: bytes, name: str = "ITAM_INVENTORY") -> Any:
    """The value a ``script`` sets, read back (for tests and tools)."""
    text = source.decode("utf-8")
    prefix, suffix = f"window.{name}=JSON.parse('", "');\n"
    if not (text.startswith(prefix) and text.endswith(suffix)):
        raise ValueError("not an inventory data script")
    literal = text[len(prefix) : -len(suffix)]
    out, i = [], 0
    while i < len(literal):
        char = literal[i]
        if char == "\\":
            out.append(literal[i + 1])
            i += 2
        elif char == "'":
            raise ValueError("an unescaped quote ends the literal early")
        else:
            out.append(char)
            i += 1
    return json.loads("".join(out))
