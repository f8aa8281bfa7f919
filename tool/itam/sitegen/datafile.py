"""The inventory's data file: every row as compact columns, for ``inventory.js``.

At 100,000 rows one HTML table took Chromium 41 s to load, so the inventory
page holds its first rows and ``assets/inventory-data.js`` all of them, as
one array per column (format version 2):

* ``tables``: the values that repeat, each entry once: ``kind`` ([kind,
  label]), ``status`` ([state, class]), ``owner`` and ``model`` ([id,
  label, has a page]) and ``location`` (the same, and its parent's index);
* ``columns``: ``kind``, ``status``, ``owner``, ``location`` and ``model`` are
  indexes into those tables, from 1, 0 meaning none; ``warranty`` and
  ``audit`` are whole days after a base day (0: none), so they sort as
  numbers; ``findings`` is the count of the worst open severity times 4 plus
  its rank (3 error, 2 warning, 1 info); ``nopage`` lists the rows without a
  page of their own;
* ``id``, ``name``, ``serial`` and ``asset_tag`` are string columns, each in
  the cheapest of these forms: a plain list; a dictionary (``{"dict",
  "index"}``, the most frequent value first) for values that repeat; or
  front-coded against the row before (``{"front": [prefix lengths,
  suffixes]}``, lengths in UTF-16 units as JavaScript slices strings), for
  ids in id order. A name that holds its row's owner's name ("Latitude 7440
  - Amelia Hart") may be a template shared by many rows ("Latitude 7440 -
  \\x1a"): the dictionary then says ``"owner": 1`` and an odd index
  (``2 * i + 1``) means entry ``i`` with its U+001A replaced by the owner's
  label (an even one, ``2 * i``, entry ``i`` as it is).

A list of strings is packed into one string whose first character is the
separator (``"|a|b|c"``): one byte a value instead of a quote pair and a
comma, and a single ``split`` to read. The separator is a character none of
the values holds; when every candidate is taken, or a value holds a
character from U+0100 up, the list stays a list.

The JSON is escaped so that no entity text can end the script or the string
it sits in: ``<``, ``>``, ``&``, U+2028 and U+2029 become ``\\uXXXX``, then
backslashes and quotes are escaped for the single-quoted literal handed to
``JSON.parse`` (faster to parse than the same data as a JavaScript literal).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from itam.output import SURROGATES
from itam.sitegen.pages import Ref

if TYPE_CHECKING:
    from itam.sitegen.inventory import Row
    from itam.sitegen.locations import Locations

VERSION = 2
_DIGITS = re.compile(r"(\d+)")
OWNER_MARK = "\x1a"
"""In a name column's dictionary, where the row's owner's label goes: a
character below U+0100, since one wider character would make V8 store every
name built from that entry, and every chunk of text holding one, with two
bytes a character."""
_EPOCH = dt.date(1970, 1, 1)
# Separators for packed lists: printable ASCII that neither JSON nor the
# literal escapes (no quote, backslash, <, > or &), rare in registry text first.
_SEPARATORS = "|~^`{}[]" + "".join(
    c
    for c in string.punctuation + string.ascii_letters + string.digits
    if c not in "|~^`{}[]\"'\\<>&"
)


def _collated(text: str) -> list[tuple[int, int, str]]:
    """A sort key for labels as people read them: case and accents aside, the
    numbers in them by value ("Floor 9" before "Floor 10")."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    return [(0, int(p), "") if p.isdecimal() else (1, 0, p) for p in _DIGITS.split(plain) if p]


class _Table:
    """Distinct values of a column, indexed from 1 (0 is "none") in the order
    of their labels, so that the page sorts rows by a table column by index."""

    def __init__(self, label: int) -> None:
        self.label = label  # which item of an entry is its label
        self.entries: dict[Any, list[Any]] = {}
        self.index: dict[Any, int] = {}

    def add(self, key: Any, entry: list[Any]) -> Any:
        self.entries.setdefault(key, entry)
        return key

    def seal(self) -> list[list[Any]]:
        """The entries in label order; ``index`` maps each key to its place from 1."""
        keys = sorted(
            self.entries, key=lambda k: (_collated(str(self.entries[k][self.label])), str(k))
        )
        self.index = {key: i for i, key in enumerate(keys, start=1)}
        return [self.entries[key] for key in keys]

    def column(self, keys: Iterable[Any]) -> list[int]:
        return [0 if key is None else self.index[key] for key in keys]


def packed(values: Sequence[str]) -> str | list[str]:
    """``values`` as one string led by a separator none of them holds (see the module
    docstring), or as a list when there is no such character or nothing to pack.

    Only text below U+0100 is packed: V8 keeps a string with one wider
    character at two bytes a character, and every value split from it too,
    while a list gives each value its own width (the page's memory, not the
    file's size, is what that costs).
    """
    if not values:
        return []
    joined = "".join(values)
    if not joined.isascii() and max(joined) > "\xff":
        return list(values)
    for separator in _SEPARATORS:
        if separator not in joined:
            return separator + separator.join(values)
    return list(values)


def unpacked(value: str | list[str]) -> list[str]:
    """A list ``packed`` wrote, read back."""
    return value[1:].split(value[0]) if isinstance(value, str) else value


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _dictionary(values: Sequence[str]) -> tuple[list[str], dict[str, int]]:
    """The distinct values, the most frequent first (so the most used indexes are
    short), ties in the order they first appear."""
    ordered = [value for value, _ in Counter(values).most_common()]
    return ordered, {v: i for i, v in enumerate(ordered)}


def _text_size(values: Sequence[str]) -> int:
    return sum(map(len, values)) + len(values)  # one separator each, packed


def _index_size(indexes: Iterable[int]) -> int:
    return len(",".join(map(str, indexes))) + 2


def _front(values: Sequence[str]) -> tuple[list[int], list[str]]:
    prefixes, suffixes, previous = [], [], ""
    for value in values:
        common = 0
        limit = min(len(value), len(previous))
        while common < limit and value[common] == previous[common]:
            common += 1
        prefixes.append(common if value.isascii() else _utf16(value[:common]))
        suffixes.append(value[common:])
        previous = value
    return prefixes, suffixes


def _templates(values: Sequence[str], owners: Sequence[str]) -> tuple[list[str], list[int]]:
    """Each value with its row's owner's label replaced by OWNER_MARK where it holds it."""
    templates, flags = [], []
    for value, owner in zip(values, owners, strict=True):
        at = value.find(owner) if owner and OWNER_MARK not in value else -1
        if at < 0:
            templates.append(value)
            flags.append(0)
        else:
            templates.append(value[:at] + OWNER_MARK + value[at + len(owner) :])
            flags.append(1)
    return templates, flags


def strings(values: Sequence[str], owners: Sequence[str] | None = None) -> Any:
    """A string column in its most compact form; ``owners`` (each row's owner's
    label, or "") lets names be templates (see the module docstring)."""
    entries, index = _dictionary(values)
    prefixes, suffixes = _front(values)
    forms: list[tuple[int, Callable[[], Any]]] = [
        (_text_size(values), lambda: packed(values)),
        (
            _text_size(entries) + _index_size(map(index.__getitem__, values)),
            lambda: {"dict": packed(entries), "index": [index[v] for v in values]},
        ),
        (
            _text_size(suffixes) + _index_size(prefixes),
            lambda: {"front": [prefixes, packed(suffixes)]},
        ),
    ]
    if owners is not None:
        templates, flags = _templates(values, owners)
        shared, where = _dictionary(templates)
        rows = [where[t] * 2 + flag for t, flag in zip(templates, flags, strict=True)]
        forms.append(
            (
                _text_size(shared) + _index_size(rows) + len(',"owner":1'),
                lambda: {"dict": packed(shared), "index": rows, "owner": 1},
            )
        )
    return min(forms, key=lambda form: form[0])[1]()


def decoded_strings(column: Any, owner_labels: Sequence[str] = ()) -> list[str]:
    """A string column read back as ``inventory.js`` reads it (for tests and tools);
    ``owner_labels`` are each row's owner's label, for a name column of templates."""
    if isinstance(column, str | list):
        return unpacked(column)
    if "front" in column:
        lengths, suffixes = column["front"]
        out, previous = [], ""
        for length, suffix in zip(lengths, unpacked(suffixes), strict=True):
            previous = previous.encode("utf-16-le")[: 2 * length].decode("utf-16-le") + suffix
            out.append(previous)
        return out
    entries = unpacked(column["dict"])
    if not column.get("owner"):
        return [entries[i] for i in column["index"]]
    return [
        entries[i >> 1].replace(OWNER_MARK, owner_labels[row], 1) if i & 1 else entries[i >> 1]
        for row, i in enumerate(column["index"])
    ]


def _days(values: Iterable[dt.date | None]) -> dict[str, Any]:
    days = [(d - _EPOCH).days if d is not None else None for d in values]
    base = min((d for d in days if d is not None), default=0) - 1
    return {"base": base, "days": [d - base if d is not None else 0 for d in days]}


def data(
    rows: Sequence[Row],
    locations: Locations,
    ref_for: Callable[[str], Ref],
    as_of: dt.date,
) -> dict[str, Any]:
    """The inventory as columns (see the module docstring)."""
    kinds, states, owners, places, models = (_Table(label) for label in (1, 0, 1, 1, 1))

    def ref_key(table: _Table, ref: Ref | None) -> str | None:
        return table.add(ref.id, [ref.id, ref.label, 1 if ref.path else 0]) if ref else None

    keys: dict[str, list[Any]] = {
        "kind": [],
        "status": [],
        "owner": [],
        "location": [],
        "model": [],
    }
    for row in rows:
        keys["kind"].append(kinds.add(row.kind, [row.kind, row.kind_label]) if row.kind else None)
        keys["status"].append(
            states.add((row.status, row.state_class), [row.status, row.state_class])
            if row.status
            else None
        )
        keys["owner"].append(ref_key(owners, row.owner))
        keys["location"].append(ref_key(places, row.location))
        keys["model"].append(ref_key(models, row.model))
    # Ancestors of the locations in use, so that a filter on a site finds its rooms.
    for location in list(places.entries):
        for ancestor in locations.chain(location)[1:]:
            ref_key(places, ref_for(ancestor))
    tables = {
        "kind": kinds.seal(),
        "status": states.seal(),
        "owner": owners.seal(),
        "location": places.seal(),
        "model": models.seal(),
    }
    tables["location"] = [
        [*entry, places.index.get(locations.parent(entry[0]) or "", 0)]
        for entry in tables["location"]
    ]
    by_name = {
        "kind": kinds,
        "status": states,
        "owner": owners,
        "location": places,
        "model": models,
    }
    return {
        "version": VERSION,
        "total": len(rows),
        "asOf": (as_of - _EPOCH).days,
        "tables": tables,
        "columns": {
            "id": strings([r.id for r in rows]),
            "name": strings(
                [r.name for r in rows], [r.owner.label if r.owner else "" for r in rows]
            ),
            "serial": strings([r.serial for r in rows]),
            "asset_tag": strings([r.asset_tag for r in rows]),
            **{name: table.column(keys[name]) for name, table in by_name.items()},
            "warranty": _days(r.warranty for r in rows),
            "audit": _days(r.audit for r in rows),
            "findings": [r.findings * 4 + r.severity for r in rows],
            "nopage": [i for i, r in enumerate(rows) if r.path is None],
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
