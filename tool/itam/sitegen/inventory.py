"""The inventory: one row per entity, as HTML and as the filters' options.

At 100,000 rows one HTML table took Chromium 41 s to load, so the page holds
the first ``FIRST_ROWS`` rows (drawn here) and the data file all of them
(``itam.sitegen.datafile``), which ``inventory.js`` searches, filters, sorts
and pages. Without JavaScript, static pages of ``STATIC_PAGE_ROWS`` rows list
everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from itam.entities import Entity
from itam.evaluation import Evaluation
from itam.sitegen.entity import audited_entities
from itam.sitegen.fieldhtml import escape
from itam.sitegen.labels import SEVERITY_RANK, humanise, worst
from itam.sitegen.locations import Locations
from itam.sitegen.pages import Column, Filter, Option, Ref

FIRST_ROWS = 100
"""Rows in the inventory page's HTML; the script pages through the rest."""
STATIC_PAGE_ROWS = 1000
"""Rows per page of the static inventory for browsers without JavaScript."""

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
    audited = audited_entities(evaluation)
    return [
        _row(evaluation, entity, ref_for, audited)
        for entity in sorted(evaluation.catalog, key=_order)
    ]


def _order(entity: Entity) -> tuple[bool, str, str]:
    return (entity.id is None, entity.id or "", entity.file)


def _row(
    evaluation: Evaluation, entity: Entity, ref_for: Callable[[str], Ref], audited: frozenset[int]
) -> Row:
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
        audit=derived.audit_due if id(entity) in audited else None,
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
    all_rows: Sequence[Row], locations: Locations, ref_for: Callable[[str], Ref]
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
            _location_options(all_rows, locations, ref_for),
        ),
        _owners(owners),
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


OWNERS_IN_PAGE = 500
"""Above this many owners the filter's options come with the data file: at
100,000 entities 12,000 options before the table held back its first rows
by half a second in Chromium."""


def _owners(owners: list[tuple[str, str]]) -> Filter:
    # inventory.js sorts the data file's owners as these are: by label, then id.
    if len(owners) > OWNERS_IN_PAGE:
        return Filter("owner", "Owner", "All owners", (), from_data=True)
    return Filter("owner", "Owner", "All owners", tuple(Option(i, label) for label, i in owners))


def _location_options(
    all_rows: Sequence[Row], locations: Locations, ref_for: Callable[[str], Ref]
) -> tuple[Option, ...]:
    labels = {r.location.id: r.location.label for r in all_rows if r.location}
    # Every ancestor of a used location is an option too: "London HQ" finds its floors.
    for start in list(labels):
        for ancestor in locations.chain(start)[1:]:
            labels.setdefault(ancestor, ref_for(ancestor).label)
    children: dict[str, list[str]] = {}
    for loc in labels:
        parent = locations.parent(loc)
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
