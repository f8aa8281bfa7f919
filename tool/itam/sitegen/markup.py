"""The pieces of markup pages repeat by the thousand, drawn in Python as filters.

An entity page shows badges, a dozen derived facts, links to and from other
entities and its history; a report page up to a thousand rows a table. As
Jinja macros or loops they cost 0.15 ms an entity page for the macros alone
(a macro call builds its arguments and a new frame each time; each ``{{ }}``
builds a Markup object): 15 s of CPU for 100,000 pages, and half a second
for the report pages of 10,000 entities. As filters they are one Python call
each. Every text is escaped here as autoescaping would, with markupsafe (the
same bytes), and only when it holds a character to escape; the result is
Markup, so autoescaping leaves it alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from itam.sitegen.fieldhtml import special
from itam.sitegen.filters import number, short
from itam.sitegen.pages import Badge, Cell, Fact, HistoryRow, LinkGroup, Page, Ref


def _text(text: str) -> str:
    # Few texts hold a character to escape: a search costs a third of
    # markupsafe's escape and the Markup object it builds.
    return str(escape(text)) if special(text) else text


def badge(value: Badge) -> Markup:
    """``<span class="badge tone-…">text</span>``: a state or severity, in words and colour."""
    return Markup(  # noqa: S704 - both parts escaped
        f'<span class="badge tone-{_text(value.tone)}">{_text(value.text)}</span>'
    )


def ref_link(ref: Ref, page: Page) -> Markup:
    """A link to ``ref``'s page (its label as text when it has none), followed
    by its id when the label is something else."""
    label = _text(ref.label)
    if ref.path is not None:
        head = f'<a href="{_text(page.url(ref.path))}">{label}</a>'
    else:
        head = f'<span class="unlinked">{label}</span>'
    tail = f' <span class="id">{_text(ref.id)}</span>' if ref.label != ref.id else ""
    return Markup(head + tail)  # noqa: S704 - every part escaped


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


def fact_items(facts: Sequence[Fact]) -> Markup:
    """The lines of an entity page's ``dl.facts``: a derived date or value each."""
    out = []
    for fact in facts:
        tone = f" tone-{_text(fact.tone)}" if fact.tone else ""
        note = f' <span class="fact-note">{_text(fact.note)}</span>' if fact.note else ""
        out.append(
            f'      <div class="fact{tone}"><dt>{_text(fact.label)}</dt><dd>'
            f'<span class="fact-value">{_text(fact.value)}</span>{note}</dd></div>\n'
        )
    return Markup("".join(out))  # noqa: S704 - every part escaped


def history_rows(rows: Sequence[HistoryRow]) -> Markup:
    """The lines of an entity page's history table: a commit each."""
    return Markup(  # noqa: S704 - every part escaped
        "".join(
            f'    <tr><td class="date"><time datetime="{_text(h.datetime)}">{_text(h.date)}</time>'
            f'</td><td>{_text(h.author)}</td><td class="mono"><span title="{_text(h.commit)}">'
            f"{_text(short(h.commit))}</span></td><td>{_text(h.subject)}</td>"
            f"<td>{_text(h.change)}</td></tr>\n"
            for h in rows
        )
    )


def links_to(groups: Sequence[LinkGroup], page: Page) -> Markup:
    """The lines of an entity page's "Refers to": the entities each field names."""
    out = []
    for group in groups:
        items = "".join(
            f"<li>{ref_link(ref, page)}"
            + ("" if ref.path else ' <span class="tone-muted">(not in the registry)</span>')
            + "</li>"
            for ref in group.refs
        )
        out.append(
            f'      <div><dt>{_text(group.field)}</dt><dd><ul class="inline-list">{items}'
            "</ul></dd></div>\n"
        )
    return Markup("".join(out))  # noqa: S704 - every part escaped


def links_from(groups: Sequence[LinkGroup], page: Page) -> Markup:
    """The lines of an entity page's "Referred to by": who names it, by field."""
    out = []
    for group in groups:
        items = "".join(f"<li>{ref_link(ref, page)}</li>" for ref in group.refs)
        more = (
            f'<li class="tone-muted">and {_text(number(group.more))} more</li>'
            if group.more
            else ""
        )
        out.append(
            f'      <div><dt>as {_text(group.field.lower())}</dt><dd><ul class="inline-list">'
            f"{items}{more}</ul></dd></div>\n"
        )
    return Markup("".join(out))  # noqa: S704 - every part escaped


FILTERS = {
    "badge": badge,
    "ref_link": ref_link,
    "cell": cell,
    "table_rows": table_rows,
    "fact_items": fact_items,
    "history_rows": history_rows,
    "links_to": links_to,
    "links_from": links_from,
}
