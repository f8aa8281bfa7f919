"""A report as markdown, CSV or JSON; as HTML through the site's templates.

Every value from the registry is data, never markup: markdown escapes what
GitHub would render (HTML tags, links, emphasis, tables, math, mentions), CSV
defuses what a spreadsheet would run (a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return), JSON is JSON. Money is shown with
two decimals and kept exact (JSON writes amounts as strings, since a binary
float cannot hold 0.10).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from itam.numbers import cents
from itam.reports.model import Column, Table

NUMERIC = ("number", "money")

# What GitHub-flavoured markdown would read as markup inside a line: emphasis,
# code, links and images, strikethrough, math, mentions, headings, table cells.
_MD_PUNCT = re.compile(r"([\\`*_\[\]~$@!#|{}])")
_MD_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any, column: Column | None) -> str:
    """A cell as plain text (CSV's and markdown's), before any escaping."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if column is not None and column.kind == "money":
            return str(cents(value))
        return format(value, "f")
    return str(value)


def md_escape(text: str) -> str:
    """``text`` as literal markdown inline content, on one line."""
    text = _CONTROL.sub(" ", text)
    text = "".join(_MD_HTML.get(ch, ch) for ch in text)
    return _MD_PUNCT.sub(r"\\\1", text)


def _md_cell(value: Any, column: Column) -> str:
    if isinstance(value, Decimal) and column.kind == "money":
        return f"{cents(value):,}"
    if isinstance(value, int) and not isinstance(value, bool) and column.kind == "number":
        return f"{value:,}"
    return md_escape(_plain(value, column))


def _md_table(columns: list[Column], rows: list[dict[str, Any]]) -> list[str]:
    head = "| " + " | ".join(md_escape(c.label) for c in columns) + " |"
    rule = "|" + "|".join("---:" if c.kind in NUMERIC else "---" for c in columns) + "|"
    body = ["| " + " | ".join(_md_cell(row.get(c.key), c) for c in columns) + " |" for row in rows]
    return [head, rule, *body]


def to_markdown(table: Table) -> str:
    """The report as GitHub-flavoured markdown: a heading, a table per section, notes."""
    lines = [f"# {md_escape(table.title)}", "", md_escape(table.description), ""]
    lines += [f"As of {md_escape(table.as_of)}.", ""]
    groups = table.sections or [("", table.rows)]
    for title, rows in groups:
        if title:
            lines += [f"## {md_escape(title)}", ""]
        if rows:
            lines += [*_md_table(table.columns_of(rows), rows), ""]
        else:
            lines += ["None.", ""]
    if table.totals is not None:
        lines += ["## Totals", "", *_md_table(table.columns_of([table.totals]), [table.totals]), ""]
    if table.notes:
        lines += [*(f"- {md_escape(note)}" for note in table.notes), ""]
    return "\n".join(lines)


def _defused(text: str) -> str:
    # A spreadsheet runs a cell starting like a formula; a quote makes it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_cell(value: Any, column: Column) -> str:
    # Most cells are text or empty: straight through (a report has 100,000 rows).
    if value is None:
        return ""
    if type(value) is str:
        return _defused(value)
    text = _plain(value, column)
    # Our own numbers (a negative day count) stay numbers; text is defused.
    return text if isinstance(value, int | Decimal) else _defused(text)


def to_csv(table: Table) -> str:
    """The rows as CSV, a header of column keys first; with sections, a
    ``section`` column first, and the totals as a last row of section ``Totals``."""
    out = io.StringIO()
    writer = csv.writer(out)
    grouped = bool(table.sections) or table.totals is not None
    groups = table.sections or [("", table.rows)]
    if table.totals is not None:
        groups = [*groups, ("Totals", [table.totals])]
    writer.writerow((["section"] if grouped else []) + [c.key for c in table.columns])
    for title, rows in groups:
        for row in rows:
            cells = [_csv_cell(row.get(c.key), c) for c in table.columns]
            writer.writerow(([_defused(title)] if grouped else []) + cells)
    return out.getvalue()


def _json_value(value: Any, column: Column | None) -> Any:
    if isinstance(value, Decimal):
        return _plain(value, column)
    return value


def _json_rows(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    columns = {c.key: c for c in table.columns}
    return [{k: _json_value(v, columns.get(k)) for k, v in row.items()} for row in rows]


def to_json(table: Table) -> str:
    """The report as one JSON object: columns, rows, sections, totals and notes."""
    document = {
        "version": 1,
        "report": table.name,
        "title": table.title,
        "description": table.description,
        "as_of": table.as_of,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
        "rows": _json_rows(table, table.rows),
        "sections": [
            {"title": title, "rows": _json_rows(table, rows)} for title, rows in table.sections
        ],
        "totals": _json_rows(table, [table.totals])[0] if table.totals is not None else None,
        "notes": table.notes,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"md": to_markdown, "csv": to_csv, "json": to_json}
"""Renderers of a table alone. HTML is the site's (``itam.sitegen.render_report_html``):
reports know nothing of the site, the site reads reports."""
