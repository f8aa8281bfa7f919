"""Read a CSV export as real ones come, and say what was odd about it.

Exports from asset systems, spreadsheets and discovery tools are rarely clean:
a UTF-8 byte-order mark, classic-Mac CR-only or Windows CRLF line endings,
bytes that are not UTF-8 (a file saved by Excel on Windows), the same header
twice, empty headers, rows shorter or longer than the header, quoted cells
spanning several lines, a semicolon or tab instead of a comma. ``read_table``
reads all of these without raising on the data, and records each oddity as a
``Problem`` on the physical line it sits on, so that a command can report
``file:line`` and go on with the rest:

* every ``Row`` keeps the physical line its record starts on (a quoted cell
  spanning three lines makes the next row start three lines later);
* a cell holding bytes that are not text in the file's encoding (or a NUL) is
  left out of the row and named in a problem with those bytes shown as
  ``\\xNN``; the rest of the row is kept;
* headers are trimmed; an empty one becomes ``(column N)`` and a repeated one
  ``Name (2)``, both reported, so every column has a distinct name;
* a short row reads its missing cells as empty, a long row's extra cells go
  under ``(column N)``; both reported;
* a malformed record (a stray quote, a cell over the csv module's field limit)
  is a problem with its line, and reading goes on at the next record.

What the data cannot be read at all for (no such file, not a regular file,
larger than ``max_bytes``, more than ``max_rows`` rows, no header) raises
``ConfigError``: that is a usage problem, exit 2.

The table knows nothing of assets: importers, ``reconcile`` and the audit
session read their columns through ``Table.column`` (names matched ignoring
case and surrounding spaces) and ``Row.get``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from itam.errors import ConfigError
from itam.files import read_input
from itam.limits import shorten
from itam.output import escaped

MAX_BYTES = 64 << 20
"""Largest file read: about 300,000 asset rows, more than any one import needs."""

MAX_ROWS = 500_000
"""Most rows read; an import of more is better split, and a bound keeps a run short."""

DELIMITERS = (",", ";", "\t", "|")
"""Delimiters recognised when none is given: the one seen most often in the header line."""

_NOT_TEXT = re.compile("[\udc80-\udcff\x00]+")
_SEP_LINE = re.compile(r"sep=(.)\r?\n?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something odd about the file: where (1-based physical line, and the
    column's distinct name when it concerns one cell) and what."""

    line: int | None
    message: str
    column: str | None = None


@dataclass(slots=True)
class Row:
    """One record: its cells by distinct column name, as written (not trimmed).

    ``line`` is the physical line the record starts on. Cells that did not
    decode are absent from ``cells`` and present in ``undecodable``, shown
    with escapes (``Luts\\x89\\xdb\\xaak``) for messages.
    """

    line: int
    cells: dict[str, str]
    undecodable: dict[str, str] = field(default_factory=dict)

    def get(self, column: str | None) -> str:
        """The cell of ``column`` trimmed of surrounding spaces; "" when the
        column is None, absent from this row, or did not decode."""
        if column is None:
            return ""
        return self.cells.get(column, "").strip()


@dataclass(slots=True)
class Table:
    """A CSV file read: distinct column names, rows, and the problems found.

    ``headers`` are the header cells as written; ``columns`` their distinct
    names, in the same order (``columns[i]`` names the i-th cell of a row).
    """

    source: str
    headers: list[str]
    columns: list[str]
    rows: list[Row]
    problems: list[Problem]
    delimiter: str
    encoding: str
    header_line: int = 1
    _folded: dict[str, str] = field(default_factory=dict, repr=False)

    def column(self, *names: str) -> str | None:
        """The distinct name of the first column called one of ``names``
        (ignoring case and surrounding spaces), in the order of ``names``."""
        folded = self._folded
        if not folded:
            for name in self.columns:
                folded.setdefault(_fold(name), name)
        for name in names:
            found = folded.get(_fold(name))
            if found is not None:
                return found
        return None


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def read_table(
    path: Path,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read the CSV file at ``path``; see the module docstring.

    ``encoding`` is how the bytes are decoded (a leading UTF-8 byte-order mark
    is dropped whatever it is); ``delimiter`` None means the one the header
    line uses most among ``DELIMITERS``. Raises ConfigError when the file
    cannot be read as a table at all.
    """
    data = read_input(path, max_bytes, "CSV file", "the most one import reads; split the file")
    return parse_table(
        data, escaped(str(path)), encoding=encoding, delimiter=delimiter, max_rows=max_rows
    )


def parse_table(
    data: bytes,
    source: str,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read CSV ``data`` (named ``source`` in messages) as ``read_table`` does."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ConfigError(f"unknown encoding {encoding!r}") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    # Bytes that are not text stay in the string as lone surrogates, so the
    # cell that holds them can be named and the rest of the row kept.
    text = data.decode(encoding, errors="surrogateescape")
    first_line = 1
    sep = _SEP_LINE.match(text)
    if sep is not None and delimiter is None:
        # Excel's "sep=;" first line names the delimiter.
        delimiter = sep.group(1)
        text = text[sep.end() :]
        first_line = 2
    if delimiter is None:
        delimiter = _guess_delimiter(text)
    elif len(delimiter) != 1:
        raise ConfigError(f"a delimiter is one character, not {delimiter!r}")
    reader = _Reader(text, delimiter, first_line)
    header = reader.header()
    if header is None:
        raise ConfigError(f"{source}: holds no header line (the file is empty)")
    line, cells = header
    problems = reader.problems
    headers = [_shown(cell).strip() for cell in cells]
    for position, cell in enumerate(cells, 1):
        if _NOT_TEXT.search(cell):
            problems.append(
                Problem(line, f"header of column {position}: {_undecodable(cell, encoding)}")
            )
    columns = _distinct(headers, line, problems)
    rows: list[Row] = []
    for line, cells in reader.records():
        if len(rows) >= max_rows:
            raise ConfigError(
                f"{source}: more than {max_rows:,} rows, the most one import reads; split the file"
            )
        rows.append(_row(line, cells, columns, problems, encoding))
    return Table(
        source=source,
        headers=headers,
        columns=columns,
        rows=rows,
        problems=problems,
        delimiter=delimiter,
        encoding=encoding,
        header_line=header[0],
    )


def _shown(text: str) -> str:
    return escaped(text, _NOT_TEXT)


def _guess_delimiter(text: str) -> str:
    head = text.split("\n", 1)[0].split("\r", 1)[0]
    # Count outside quotes: a quoted header may hold commas ("cf:brand, type:option").
    outside = "".join(part for i, part in enumerate(head.split('"')) if i % 2 == 0)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Reader:
    """csv.reader over the text, yielding (start line, cells) and recording
    malformed records as problems instead of raising."""

    def __init__(self, text: str, delimiter: str, first_line: int) -> None:
        # newline="": \r, \n and \r\n all end a line, and quoted cells keep theirs.
        self._csv = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        self._offset = first_line - 1
        self._done = 0
        self.problems: list[Problem] = []

    def _next(self) -> tuple[int, list[str]] | None:
        while True:
            start = self._offset + self._done + 1
            try:
                cells = next(self._csv)
            except StopIteration:
                return None
            except csv.Error as exc:
                self._done = self._csv.line_num
                self.problems.append(Problem(start, _csv_problem(str(exc))))
                continue
            self._done = self._csv.line_num
            if not cells or all(not c.strip() for c in cells):
                continue  # blank lines and rows of empty cells carry nothing
            return start, cells

    def header(self) -> tuple[int, list[str]] | None:
        return self._next()

    def records(self) -> list[tuple[int, list[str]]]:
        out = []
        while (record := self._next()) is not None:
            out.append(record)
        return out


def _csv_problem(message: str) -> str:
    if message == "unexpected end of data":
        return (
            "a quoted cell opened in this record is never closed: the file ends inside it, "
            "so the record is not read"
        )
    if message.startswith("field larger than field limit"):
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters; the record is not read"
        )
    return f"malformed record ({message}); it is not read"


def _distinct(headers: list[str], line: int, problems: list[Problem]) -> list[str]:
    columns: list[str] = []
    taken: set[str] = set()
    first_at: dict[str, int] = {}
    for position, header in enumerate(headers, 1):
        if not header:
            name = _free(f"(column {position})", taken)
            problems.append(Problem(line, f"column {position} has no header; read as {name!r}"))
        elif _fold(header) in first_at:
            n = 2
            while (name := f"{header} ({n})") in taken or _fold(name) in first_at:
                n += 1
            problems.append(
                Problem(
                    line,
                    f"columns {first_at[_fold(header)]} and {position} are both named "
                    f"{header!r}; column {position} is read as {name!r}",
                )
            )
        else:
            name = header
            first_at[_fold(header)] = position
        taken.add(name)
        columns.append(name)
    return columns


def _free(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name} ({n})"
        n += 1
    return candidate


def _row(
    line: int, cells: list[str], columns: list[str], problems: list[Problem], encoding: str
) -> Row:
    if len(cells) != len(columns):
        what = "fewer" if len(cells) < len(columns) else "more"
        rest = (
            "the missing cells read as empty"
            if len(cells) < len(columns)
            else f"cells past column {len(columns)} are read as '(column N)'"
        )
        problems.append(
            Problem(
                line,
                f"{len(cells)} cells, {what} than the {len(columns)} columns of the header; {rest}",
            )
        )
    row = Row(line, {})
    for position, value in enumerate(cells, 1):
        name = columns[position - 1] if position <= len(columns) else f"(column {position})"
        if _NOT_TEXT.search(value):
            shown = _shown(value)
            row.undecodable[name] = shown
            problems.append(
                Problem(line, f"column {name!r}: {_undecodable(value, encoding)}", column=name)
            )
        else:
            row.cells[name] = value
    return row


def _undecodable(value: str, encoding: str) -> str:
    if "\x00" in value:
        return "the cell holds a NUL byte; it is left out"
    bad = " ".join(escaped(m.group()) for m in _NOT_TEXT.finditer(value))
    named = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
    return (
        f"the bytes {bad} are not {named} text; the cell is left out "
        f"(it reads '{shorten(_shown(value), 60)}'; save the file as UTF-8, or name its encoding)"
    )
