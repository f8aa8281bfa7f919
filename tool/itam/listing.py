"""Inventory rows as a table that fits a terminal.

Each column is as wide as its widest cell; when the table is wider than the
terminal, the widest columns give way first, down to a few characters, and
a cut cell ends with ``…``. Widths count what a terminal shows: East Asian
wide characters take two cells, combining marks none. Control characters in
a value (an escape sequence in a name) are shown as escapes, never sent to
the terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from itam.entities import Entity
from itam.inventory import Field, Inventory, cell_text
from itam.output import escaped

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_GAP = "  "
MIN_WIDTH = 6
"""Narrowest a column gets when the table must shrink (its heading may be cut)."""
NUMERIC = frozenset(("number", "money"))


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width(text: str) -> int:
    """Terminal cells ``text`` takes."""
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def cut(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` terminal cells, ending in … when cut."""
    if width(text) <= cells:
        return text
    out, used = [], 0
    for char in text:
        size = _char_width(char)
        if used + size > cells - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…"


def _pad(text: str, cells: int, right: bool) -> str:
    space = " " * (cells - width(text))
    return space + text if right else text + space


def fit(natural: list[int], total: int) -> list[int]:
    """Column widths within ``total`` cells (gaps included), the widest shrunk first."""
    widths = list(natural)
    budget = total - len(_GAP) * (len(widths) - 1)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: (widths[i], i))
        if widths[widest] <= MIN_WIDTH:
            break  # as narrow as it gets: the terminal wraps what is left
        widths[widest] -= 1
    return widths


def render_table(
    inventory: Inventory, fields: Sequence[Field], entities: Sequence[Entity], columns: int
) -> str:
    """The entities as aligned text in at most ``columns`` terminal cells a line."""
    header = [f.label for f in fields]
    body = [[escaped(cell_text(inventory.value(f, e)), _CONTROL) for f in fields] for e in entities]
    natural = [max([width(h), *(width(r[i]) for r in body)]) for i, h in enumerate(header)]
    widths = fit(natural, columns)
    right = [f.kind in NUMERIC for f in fields]
    lines = []
    for row in [header, *body]:
        cells = [_pad(cut(text, w), w, r) for text, w, r in zip(row, widths, right, strict=True)]
        lines.append(_GAP.join(cells).rstrip())
    return "\n".join(lines) + "\n"
