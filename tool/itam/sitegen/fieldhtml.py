"""An entity's recorded fields as HTML, drawn in Python rather than by template macros.

An entity page holds some sixty values; as recursive Jinja macros over a
tree of view objects they cost 0.5 ms a page, 50 s for 100,000 pages, so this
one shape is drawn here, straight from the entity's data. Every text goes
through ``html.escape`` (quotes included); links come only from the pages of referenced
entities and from URLs that ``filters.http_url`` accepts. The shapes:

* a mapping: ``dl.fields`` of labelled values (labels humanised, the key as
  written in the ``title``);
* a list of flat mappings (audits, maintenance): a small table;
* a list of plain values: ``ul.inline-list``; any other list: ``ol.items``;
* ``{amount, currency}``: ``GBP 1,289.00``; true/false: yes/no; null: ``null``;
* a reference field naming an entity: a link to its page, with its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache, partial
from html import escape as _escape
from typing import Any

from markupsafe import Markup

from itam.numbers import decimal_of
from itam.pointers import escape as pointer_token
from itam.sitegen.filters import http_url, money
from itam.sitegen.labels import humanise
from itam.sitegen.pages import Ref

# The standard library's escape returns plain text, twice as fast as building a
# Markup object for each of the page's sixty values.
escape = partial(_escape, quote=True)


def _is_money(value: Any) -> bool:
    if not (isinstance(value, dict) and len(value) == 2 and isinstance(value.get("currency"), str)):
        return False
    # A number, or a decimal kept as written ("1289.00").
    return decimal_of(value.get("amount")) is not None


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list) or _is_money(value)


# The same few dozen keys head the fields of every page: drawn once each.
@lru_cache(maxsize=4096)
def _field_head(name: str) -> str:
    return f'<div class="field"><dt title="{escape(name)}">{escape(humanise(name))}</dt><dd>'


@lru_cache(maxsize=4096)
def _column_head(name: str) -> str:
    return f'<th scope="col">{escape(humanise(name))}</th>'


class _Drawer:
    def __init__(self, refs: Mapping[str, Ref], root: str) -> None:
        self.refs = refs
        self.root = root
        self.out: list[str] = []

    def scalar(self, value: Any, pointer: str) -> str:
        if isinstance(value, str):
            ref = self.refs.get(pointer)
            text = escape(value)
            if ref is not None and ref.id == value:
                if ref.path is None:
                    return f'<span class="tone-muted">{text}</span>'
                hint = (
                    f'<span class="ref-hint">{escape(ref.label)}</span>'
                    if ref.label != value
                    else ""
                )
                return f'<a href="{escape(self.root + ref.path)}">{text}</a>{hint}'
            url = http_url(value)
            if url is not None:
                return (
                    f'<a class="external" href="{escape(url)}" rel="noopener noreferrer">{text}</a>'
                )
            return str(text)
        if value is None:
            return '<span class="tone-muted">null</span>'
        if isinstance(value, bool):
            return "yes" if value else "no"
        if _is_money(value):
            return str(escape(money(value["amount"], value["currency"])))
        return str(escape(str(value)))

    def value(self, value: Any, pointer: str, label: str) -> None:
        out = self.out
        if _is_scalar(value):
            out.append(self.scalar(value, pointer))
        elif isinstance(value, dict):
            out.append('<dl class="fields">\n')
            for key, item in value.items():
                name = str(key)
                out.append(_field_head(name))
                self.value(item, f"{pointer}/{pointer_token(name)}", humanise(name))
                out.append("</dd></div>\n")
            out.append("</dl>")
        elif value and all(
            isinstance(item, dict) and not _is_money(item) and all(map(_is_scalar, item.values()))
            for item in value
        ):
            self.grid(value, pointer, label)
        elif all(map(_is_scalar, value)):
            if not value:
                out.append('<span class="tone-muted">none</span>')
                return
            out.append('<ul class="inline-list">')
            for index, item in enumerate(value):
                out.append(f"<li>{self.scalar(item, f'{pointer}/{index}')}</li>")
            out.append("</ul>")
        else:
            out.append('<ol class="items">\n')
            for index, item in enumerate(value):
                out.append("<li>")
                self.value(item, f"{pointer}/{index}", label)
                out.append("</li>\n")
            out.append("</ol>")

    def grid(self, items: list[dict[str, Any]], pointer: str, label: str) -> None:
        columns: dict[str, None] = {}
        for item in items:
            columns.update(dict.fromkeys(map(str, item)))
        out = self.out
        out.append('<div class="table-wrap"><table class="data compact">\n')
        out.append(f'<caption class="visually-hidden">{escape(label)}</caption>\n<thead><tr>')
        out.extend(map(_column_head, columns))
        out.append("</tr></thead>\n<tbody>\n")
        for index, item in enumerate(items):
            out.append("<tr>")
            for c in columns:
                cell = (
                    self.scalar(item[c], f"{pointer}/{index}/{pointer_token(c)}")
                    if c in item
                    else ""
                )
                out.append(f"<td>{cell}</td>")
            out.append("</tr>\n")
        out.append("</tbody>\n</table></div>")


def fields_html(data: Mapping[str, Any], refs: Mapping[str, Ref], root: str) -> Markup:
    """An entity's ``data`` as markup; ``refs`` names the entity each reference
    field (by JSON pointer) points to, ``root`` leads from the page to the site's root."""
    drawer = _Drawer(refs, root)
    drawer.value(dict(data), "", "Fields")
    # Every piece above was escaped where it was made.
    return Markup("".join(drawer.out))  # noqa: S704
