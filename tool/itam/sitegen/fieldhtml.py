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

import re
from collections.abc import Mapping
from functools import lru_cache, partial
from html import escape as _escape
from typing import Any

from markupsafe import Markup

from itam.numbers import decimal_of
from itam.pointers import unescape as pointer_key
from itam.sitegen.filters import http_url, money
from itam.sitegen.labels import humanise
from itam.sitegen.pages import Ref

_html_escape = partial(_escape, quote=True)
special = re.compile("[&<>\"']").search
"""Whether a text holds one of the characters HTML escapes (a match, or None)."""


def escape(text: str) -> str:
    """``text`` with ``& < > " '`` escaped. Most values hold none of them, and a
    search is half the cost of five replacements; plain text, twice as fast as
    building a Markup object for each of the page's sixty values."""
    return _html_escape(text) if special(text) else text


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


class _Node:
    """The reference fields below one place of the data: the entity named
    right here, if any, and the places further down, by key or list index."""

    __slots__ = ("below", "ref")

    def __init__(self) -> None:
        self.ref: Ref | None = None
        self.below: dict[str, _Node] = {}


_LEAF = _Node()
"""Below a place no reference field is under: nothing to look up."""


def _child(node: _Node, key: str | int) -> _Node:
    """The place below ``node`` at a key or list index."""
    below = node.below
    return below.get(str(key), _LEAF) if below else _LEAF


@lru_cache(maxsize=4096)
def _keys(pointer: str) -> tuple[str, ...]:
    # The same few reference fields on every page of a kind: split once each.
    return tuple(pointer_key(token) for token in pointer.split("/")[1:])


def _tree(refs: Mapping[str, Ref]) -> _Node:
    # A page names some five entities among sixty values: walking this tree
    # beside the data spares building a JSON pointer for every value.
    top = _Node()
    for pointer, ref in refs.items():
        node = top
        for key in _keys(pointer):
            node = node.below.setdefault(key, _Node())
        node.ref = ref
    return top


class _Drawer:
    def __init__(self, root: str) -> None:
        self.root = root
        self.out: list[str] = []

    def scalar(self, value: Any, ref: Ref | None) -> str:
        if isinstance(value, str):
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
            # Most texts are not URLs: one look at the first letter rules them out.
            url = http_url(value) if value[:1] in ("h", "H") else None
            if url is not None:
                return (
                    f'<a class="external" href="{escape(url)}" rel="noopener noreferrer">{text}</a>'
                )
            return text
        if value is None:
            return '<span class="tone-muted">null</span>'
        if isinstance(value, bool):
            return "yes" if value else "no"
        if _is_money(value):
            return escape(money(value["amount"], value["currency"]))
        return escape(str(value))

    def value(self, value: Any, node: _Node, label: str) -> None:
        out = self.out
        if isinstance(value, dict) and not _is_money(value):
            out.append('<dl class="fields">\n')
            for key, item in value.items():
                name = str(key)
                out.append(_field_head(name))
                if isinstance(item, dict | list):
                    self.value(item, _child(node, name), humanise(name))
                else:  # most values: drawn without a further call
                    out.append(self.scalar(item, _child(node, name).ref))
                out.append("</dd></div>\n")
            out.append("</dl>")
        elif not isinstance(value, list):
            out.append(self.scalar(value, node.ref))
        elif value and all(
            isinstance(item, dict) and not _is_money(item) and all(map(_is_scalar, item.values()))
            for item in value
        ):
            self.grid(value, node, label)
        elif all(map(_is_scalar, value)):
            if not value:
                out.append('<span class="tone-muted">none</span>')
                return
            out.append('<ul class="inline-list">')
            for index, item in enumerate(value):
                out.append(f"<li>{self.scalar(item, _child(node, index).ref)}</li>")
            out.append("</ul>")
        else:
            out.append('<ol class="items">\n')
            for index, item in enumerate(value):
                out.append("<li>")
                self.value(item, _child(node, index), label)
                out.append("</li>\n")
            out.append("</ol>")

    def grid(self, items: list[dict[str, Any]], node: _Node, label: str) -> None:
        columns: dict[str, None] = {}
        for item in items:
            columns.update(dict.fromkeys(map(str, item)))
        out = self.out
        out.append('<div class="table-wrap"><table class="data compact">\n')
        out.append(f'<caption class="visually-hidden">{escape(label)}</caption>\n<thead><tr>')
        out.extend(map(_column_head, columns))
        out.append("</tr></thead>\n<tbody>\n")
        for index, item in enumerate(items):
            row = _child(node, index)
            out.append("<tr>")
            for c in columns:
                if c in item:
                    out.append(f"<td>{self.scalar(item[c], _child(row, c).ref)}</td>")
                else:
                    out.append("<td></td>")
            out.append("</tr>\n")
        out.append("</tbody>\n</table></div>")


def fields_html(data: Mapping[str, Any], refs: Mapping[str, Ref], root: str) -> Markup:
    """An entity's ``data`` as markup; ``refs`` names the entity each reference
    field (by JSON pointer) points to, ``root`` leads from the page to the site's root."""
    drawer = _Drawer(root)
    drawer.value(dict(data), _tree(refs), "Fields")
    # Every piece above was escaped where it was made.
    return Markup("".join(drawer.out))  # noqa: S704
