"""The pieces of markup pages repeat by the thousand, drawn in Python.

An entity page shows a badge or two and half a dozen links to other
entities; a report page up to a thousand rows a table. As Jinja macros they
cost 0.15 ms an entity page (a macro call builds its arguments and a new
frame each time): 15 s of CPU for 100,000 pages, and half a second for the
report pages of 10,000 entities. As filters they are one Python call each.
Every text is escaped here with markupsafe, as autoescaping would (the same
bytes); the result is Markup, so autoescaping leaves it alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from itam.sitegen.pages import Badge, Cell, Page, Ref


def badge(value: Badge) -> Markup:
    """``<span class="badge tone-…">text</span>``: a state or severity, in words and colour."""
    return Markup(  # noqa: S704 - both parts escaped
        f'<span class="badge tone-{escape(value.tone)}">{escape(value.text)}</span>'
    )


def ref_link(ref: Ref, page: Page) -> Markup:
    """A link to ``ref``'s page (its label as text when it has none), followed
    by its id when the label is something else."""
    label = escape(ref.label)
    if ref.path is not None:
        head = f'<a href="{escape(page.url(ref.path))}">{label}</a>'
    else:
        head = f'<span class="unlinked">{label}</span>'
    tail = f' <span class="id">{escape(ref.id)}</span>' if ref.label != ref.id else ""
    return Markup(head + tail)  # noqa: S704 - every part escaped


_special = re.compile("[&<>\"']").search


def _text(text: str) -> str:
    # A report's 80,000 cells hold few of these: a search costs a third of
    # markupsafe's escape and the Markup object it builds.
    return str(escape(text)) if _special(text) else text


def _cell(cell: Cell, root: str) -> str:
    text = _text(cell.text)
    if cell.badge:
        badge = cell.badge
        return f'<span class="badge tone-{_text(badge.tone)}">{_text(badge.text)}</span>'
    if cell.ref:
        return f'<a href="{_text(root + cell.ref)}">{text}</a>'
    if cell.datetime:
        return f'<time datetime="{_text(cell.datetime)}">{text}</time>'
    return text


def cell(value: Cell, page: Page) -> Markup:
    """A report's cell: a badge, a link, a date or its text."""
    return Markup(_cell(value, page.root))  # noqa: S704 - every part escaped


def table_rows(rows: Sequence[Sequence[Cell]], columns: int, page: Page) -> Markup:
    """The lines of a report table's ``<tbody>``: a row of cells each, or one
    saying there is nothing to report."""
    if not rows:
        return Markup(  # noqa: S704 - nothing from the data
            f'  <tr><td colspan="{columns}" class="empty-row">Nothing to report.</td></tr>\n'
        )
    root = page.root
    return Markup(  # noqa: S704 - every part escaped
        "".join(
            "  <tr>"
            + "".join(f'<td class="kind-{_text(c.kind)}">{_cell(c, root)}</td>' for c in row)
            + "</tr>\n"
            for row in rows
        )
    )


FILTERS = {"badge": badge, "ref_link": ref_link, "cell": cell, "table_rows": table_rows}
