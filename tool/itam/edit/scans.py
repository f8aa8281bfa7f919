"""Read what a barcode scanner exports: a CSV with a tag or serial column, or
a plain list, one scan a line.

Scanner apps and spreadsheets write UTF-8 with or without a byte order mark
(or UTF-16 with one), CRLF or CR line endings, blank lines, spaces around
values, quoted cells, commas, semicolons or tabs. A first row naming a
column (``asset tag``, ``tag``, ``barcode``, ``serial``, ...) is a header and
says which column holds the scans; without one, a single column is the
scans, and of several the one that matches most tags, serials or ids.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass

from itam.errors import ConfigError

MAX_SCAN_BYTES = 16 << 20
"""A session scans thousands of assets, not millions; bigger is not a scan file."""

_HEADERS = (
    ("assettag", "tag", "tagnumber", "barcode", "scan", "scanned", "code", "label", "value"),
    ("serial", "serialnumber", "serialno", "sn"),
    ("id", "assetid", "asset", "assetnumber"),
)
"""Header names by preference: tags, then serials, then ids."""

_FOLD = re.compile(r"[\s_\-.#]+")


@dataclass(frozen=True, slots=True)
class Scan:
    value: str
    line: int  # 1-based line of the file


def _decode(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ConfigError("not valid UTF-16 text", name) from None
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"byte 0x{body[exc.start]:02x} is not UTF-8; export the scans as UTF-8", name, line
        ) from None


def read_scans(data: bytes, name: str, known: Iterable[str] = ()) -> list[Scan]:
    """The scans in ``data`` (the bytes of the file ``name``), in file order.

    ``known`` (tags, serials and ids of the registry) picks the column of a
    file with several columns and no header. ConfigError for a file that is
    too large, not text, or has no scans.
    """
    if len(data) > MAX_SCAN_BYTES:
        raise ConfigError(f"larger than {MAX_SCAN_BYTES >> 20} MiB: not a scan export", name)
    text = _decode(data, name)
    if "\0" in text:
        raise ConfigError("holds NUL bytes: not a text export", name)
    lines = text.splitlines()
    delimiter = _delimiter(lines)
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(lines, delimiter=delimiter) if delimiter else ([line] for line in lines)
    try:
        for number, row in enumerate(reader, start=1):
            cells = [cell.strip() for cell in row]
            if any(cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise ConfigError(f"cannot read as CSV: {exc}", name) from None
    if not rows:
        raise ConfigError("holds no scans", name)
    column = _header_column(rows[0][1])
    if column is not None:
        rows = rows[1:]
    else:
        column = _best_column(rows, set(known))
    return [
        Scan(cells[column], number)
        for number, cells in rows
        if column < len(cells) and cells[column]
    ]


def _delimiter(lines: list[str]) -> str | None:
    sample = next((line for line in lines if line.strip()), "")
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def _header_column(cells: list[str]) -> int | None:
    folded = [_FOLD.sub("", cell.casefold()) for cell in cells]
    for names in _HEADERS:
        for index, cell in enumerate(folded):
            if cell in names:
                return index
    return None


def _best_column(rows: list[tuple[int, list[str]]], known: set[str]) -> int:
    width = max(len(cells) for _, cells in rows)
    if width == 1 or not known:
        return 0
    folded = {k.casefold() for k in known}
    hits = [
        sum(1 for _, cells in rows if i < len(cells) and cells[i].casefold() in folded)
        for i in range(width)
    ]
    return max(range(width), key=lambda i: (hits[i], -i))
