"""Report pages: each table of ``itam.reports.REPORTS`` shaped for its template.

A report's values are plain (text, numbers, Decimal, ISO dates); here each
becomes a cell by its column's kind: an ``id`` links to the entity's page, a
``rule`` to its entry on the rules page, a ``severity`` is a badge that says
its word, numbers and money are right-aligned with separators. On a
standalone page (``itam report NAME --format html``) there is no site to
link into: ids and rules stay text and the stylesheet is inlined.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from itam.reports.model import Column, Table
from itam.sitegen import pages
from itam.sitegen.filters import NOTHING, money, number
from itam.sitegen.labels import severity_badge
from itam.sitegen.pages import Cell, ReportLink, ReportView, Section

RefPath = Callable[[str], str | None]
"""The page of an entity id below the site's root, or None."""


def _cell(value: Any, column: Column, ref_path: RefPath | None) -> Cell:
    kind = column.kind
    if value is None or value == "":
        return Cell(NOTHING if value is None else "", kind)
    if kind == "id":
        text = str(value)
        return Cell(text, kind, ref=ref_path(text) if ref_path else None)
    if kind == "rule":
        text = str(value)
        return Cell(text, kind, ref=f"rules.html#rule-{text}" if ref_path else None)
    if kind == "severity":
        return Cell(str(value), kind, badge=severity_badge(str(value)))
    if kind == "date":
        return Cell(str(value), kind, datetime=str(value))
    if kind == "money":
        return Cell(money(value), kind)
    if kind == "number" and not isinstance(value, str):
        return Cell(number(value), kind)
    return Cell(str(value), kind)


def _rows(
    rows: list[dict[str, Any]], columns: Sequence[Column], ref_path: RefPath | None
) -> tuple[tuple[Cell, ...], ...]:
    return tuple(tuple(_cell(row.get(c.key), c, ref_path) for c in columns) for row in rows)


def _columns(columns: Sequence[Column]) -> tuple[pages.Column, ...]:
    return tuple(pages.Column(c.key, c.label, c.kind) for c in columns)


def report_view(
    table: Table,
    ref_path: RefPath | None,
    standalone: bool = False,
    stylesheet: Any = "",
    limit: int | None = None,
    csv: str | None = None,
) -> ReportView:
    """The context of ``reports/<name>.html`` (or of a standalone page).

    ``limit`` caps the rows shown per section: at 100,000 assets a report can
    hold 80,000 rows, more than a browser shows in reasonable time; the page
    then says so and links the whole table as ``csv``.
    """
    parts = table.sections or [("", table.rows)]
    sections = tuple(
        Section(title, _columns(shown), _rows(rows[:limit], shown, ref_path), len(rows))
        for title, rows in parts
        for shown in [table.columns_of(rows)]
    )
    totals = (
        tuple(_cell(table.totals.get(c.key), c, None) for c in table.columns)
        if table.totals
        else None
    )
    return ReportView(
        name=table.name,
        title=table.title,
        description=table.description,
        as_of=table.as_of,
        columns=_columns(table.columns),
        sections=sections,
        totals=totals,
        notes=tuple(table.notes),
        standalone=standalone,
        stylesheet=stylesheet,
        csv=csv,
    )


def report_link(table: Table) -> ReportLink:
    return ReportLink(
        table.name, table.title, table.description, f"reports/{table.name}.html", len(table.rows)
    )
