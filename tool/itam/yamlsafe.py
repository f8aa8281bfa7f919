"""Turn the bytes of one registry file into plain JSON-like data, safely.

PyYAML's own constructors change values silently (``0012345`` becomes 5349,
``NO`` becomes False, ``2024-03-01`` a date object), keep the last of duplicate
keys, expand alias bombs and raise bare ``ValueError``/``RecursionError``.  So we
let libyaml produce the *events* and build the data ourselves, in one
iterative pass:

* scalars follow the YAML 1.2 core schema, and anything that only YAML 1.1
  would retype (``yes``, ``on``, ``0012345``, ``22:22``, timestamps) stays the
  string that was written;
* duplicate keys, anchors/aliases, tags other than the core ones, several
  documents, complex keys and deep nesting each become a finding at their line;
* encoding problems (invalid UTF-8, UTF-16, NUL bytes, a BOM after the start,
  invisible and bidi characters) are found on the text before parsing.

Stopping at the first alias or at the depth cap matters for speed as much as
safety: libyaml needs minutes for a megabyte of ``[[[[`` when read to the end.
"""

from __future__ import annotations

import calendar
import codecs
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import yaml

from itam.findings import Finding, Severity
from itam.limits import PER_RULE, quote, shorten, too_many
from itam.pointers import escape

try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    WITH_LIBYAML = True
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    # Ten times slower, same events.
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

    WITH_LIBYAML = False

MAX_FILE_BYTES = 1 << 20
"""Asset files are a few kilobytes; a cap keeps a huge file from stalling a run."""

TOO_LARGE = (
    f"the file is larger than {MAX_FILE_BYTES >> 20} MiB ({MAX_FILE_BYTES:,} bytes), the most one "
    "entity file may hold, and is not read; an asset file is a few kilobytes: split it into one "
    "file per entity, or move it out of registry/ if it is not an asset file"
)

MAX_DEPTH = 32
"""An asset nests four or five levels deep; more is a mistake or an attack."""
INTERN_MAX = 40
"""Plain scalars up to this length are interned (see _Builder.plain)."""

MAX_FINDINGS_PER_KIND = PER_RULE
"""Findings of one rule per file; the rest are counted in one file.too-many-findings."""

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null")} | {"!"}
_COLLECTION_TAGS = {_CORE + "map", _CORE + "seq"}
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_QUOTES = frozenset("'\"")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")

# Characters that render as nothing or reorder text: a serial with a zero-width
# space defeats uniqueness checks, a bidi override hides what a value says.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u2028\u2029\x85]"
)
# libyaml counts these as line breaks, editors do not: every line number after
# one would be wrong, so the file is not parsed at all.
_LINE_BREAKS = frozenset("\u2028\u2029\x85\ufeff")
# What a double-quoted escape can smuggle past the scan of the raw text.
_ESCAPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u2028\u2029]"
)
_LOOKALIKE_SPACE = re.compile("[\u00a0\u2007\u202f]")
_CHAR_NAMES = {
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\ufeff": "byte order mark",
    "\u00ad": "soft hyphen",
    "\u00a0": "no-break space",
    "\u2007": "figure space",
    "\u202f": "narrow no-break space",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    "\x85": "next line",
}


@dataclass(frozen=True, slots=True)
class Position:
    """Where a value sits: 1-based line and column, its text if plain, and
    whether it was written in quotes."""

    line: int
    column: int
    text: str | None = None
    quoted: bool = False


@dataclass(slots=True)
class Document:
    """One parsed file: its data (a mapping, or None if unusable) and findings."""

    file: str
    data: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)
    source: bytes = b""
    _positions: _Index | None = None
    _released: bool = False

    def _index(self) -> _Index:
        if self._positions is None:
            self._positions = _Index(self.source)
        return self._positions

    def position(self, pointer: str) -> Position | None:
        """The place of ``pointer``, or of its nearest ancestor that exists."""
        if self._released:
            return None
        index = self._index()
        while True:
            found = index.get(pointer)
            if found is not None or not pointer:
                return found
            pointer = pointer.rpartition("/")[0]

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        pos = self.position(pointer)
        return (pos.line, pos.column) if pos else (None, None)

    def raw_text(self, pointer: str) -> str | None:
        """The scalar at ``pointer`` exactly as written, if it was a plain scalar."""
        pos = self._index().get(pointer)
        return pos.text if pos else None

    def was_quoted(self, pointer: str) -> bool:
        """Whether the scalar at ``pointer`` was written in single or double quotes."""
        pos = self._index().get(pointer)
        return pos.quoted if pos else False

    def release(self) -> None:
        """Drop the file's bytes and the places parsed from them, for a
        caller that will locate nothing more (every finding has its line):
        100,000 files keep 75 MB otherwise. Locating after this finds nothing."""
        self.source = b""
        self._positions = None
        self._released = True


# libyaml says "found character that cannot start any token" for a tab where
# a token should start, which is nearly always indentation.
_TABS = "a tab is used for indentation; YAML indents with spaces only, replace the tab with spaces"


class _Fatal(Exception):
    """Stops building a document; the finding has been recorded."""


def load(source: bytes, file: str) -> Document:
    """Parse ``source`` (the bytes of ``file``) into a Document. Never raises."""
    doc = Document(file=file, data=None, source=source)
    text_ok = _check_bytes(source, doc)
    if not text_ok:
        return doc
    builder = _Builder(doc, record=None)
    builder.run(_strip_bom(source))
    doc.findings.extend(builder.summaries())
    root = builder.root
    if builder.failed:
        return doc
    if root is None:
        doc.findings.append(_finding(doc, "yaml.empty", "the file holds no YAML document", 1, 1))
    elif not isinstance(root, dict):
        doc.findings.append(
            _finding(doc, "yaml.not-mapping", "the document must be a mapping of fields", 1, 1)
        )
    else:
        doc.data = root
    return doc


def _strip_bom(source: bytes) -> bytes:
    return source[3:] if source.startswith(codecs.BOM_UTF8) else source


def _finding(doc: Document, rule: str, message: str, line: int | None, col: int | None) -> Finding:
    return Finding(rule, Severity.ERROR, message, file=doc.file, line=line, column=col)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _check_bytes(source: bytes, doc: Document) -> bool:
    """Find encoding problems before parsing; False when parsing is pointless."""
    if len(source) > MAX_FILE_BYTES:
        doc.findings.append(_finding(doc, "file.too-large", TOO_LARGE, 1, 1))
        return False
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if source.startswith(bom):
            doc.findings.append(
                _finding(doc, "yaml.encoding", f"the file is {name}; save it as UTF-8", 1, 1)
            )
            return False
    body = _strip_bom(source)
    offset = 3 if body is not source else 0
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(source, exc.start + offset)
        byte = body[exc.start : exc.start + 1].hex()
        doc.findings.append(
            _finding(
                doc,
                "yaml.encoding",
                f"byte 0x{byte} is not valid UTF-8; save the file as UTF-8",
                line,
                col,
            )
        )
        return False
    ok = True
    nul = body.find(b"\0")
    if nul >= 0:
        line, col = _line_col(source, nul + offset)
        doc.findings.append(
            _finding(doc, "yaml.control-character", "the file contains a NUL byte", line, col)
        )
        ok = False
    return _check_invisible(text, source, offset, doc) and ok


def _check_invisible(text: str, source: bytes, offset: int, doc: Document) -> bool:
    """Report hidden characters; False when one that libyaml counts as a line
    break would make every later line number wrong."""
    for pattern, severity in ((_INVISIBLE, Severity.ERROR), (_LOOKALIKE_SPACE, Severity.WARNING)):
        found = pattern.finditer(text)
        for match in islice(found, MAX_FINDINGS_PER_KIND):
            doc.findings.append(_invisible(doc, text, match, severity))
        left = next(found, None)
        if left is not None:
            # Counting the rest is one scan; placing each of them is not needed.
            count = 1 + sum(1 for _ in found)
            doc.findings.append(too_many(_HIDDEN, count, _invisible(doc, text, left, severity)))
    return _LINE_BREAKS.isdisjoint(text)


_HIDDEN = "yaml.invisible-character"


def _invisible(doc: Document, text: str, match: re.Match[str], severity: Severity) -> Finding:
    char = match.group()
    line = text.count("\n", 0, match.start()) + 1
    col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    if char == "\ufeff":
        # libyaml rejects a BOM after the start, the pure parser keeps it
        # inside a key: neither is what the author meant.
        message = "a byte order mark (U+FEFF) in the middle of the file; delete it"
    else:
        name = _CHAR_NAMES.get(char, "invisible character")
        message = f"U+{ord(char):04X} ({name}) is hidden in the text; delete or retype it"
    return Finding(_HIDDEN, severity, message, file=doc.file, line=line, column=col)


class _Frame:
    __slots__ = ("container", "is_map", "key", "mark", "mark_of_key", "pointer")

    def __init__(
        self, container: dict[str, Any] | list[Any], pointer: str | None, mark: Any
    ) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.key: str | _Drop | None = None
        self.pointer = pointer
        self.mark = mark
        self.mark_of_key: Any = mark


class _Drop:
    """A pending key whose value is discarded (a duplicate or an empty key)."""


_DROP = _Drop()


class _Builder:
    """Builds data from parser events; optionally records each value's place."""

    def __init__(self, doc: Document, record: dict[str, Position] | None) -> None:
        self.doc = doc
        self.record = record
        self.root: Any = None
        self.failed = False
        self.stack: list[_Frame] = []
        self.documents = 0
        self.counts: dict[str, int] = {}
        # The first finding of each rule past the cap: the summary goes there.
        self.first_left: dict[str, Finding] = {}

    # -- reporting -------------------------------------------------------
    def report(self, rule: str, message: str, mark: Any, fatal: bool = False) -> None:
        if self.record is None:
            seen = self.counts.get(rule, 0)
            self.counts[rule] = seen + 1
            if seen <= MAX_FINDINGS_PER_KIND and rule not in self.first_left:
                line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
                finding = _finding(self.doc, rule, message, line, col)
                if seen < MAX_FINDINGS_PER_KIND:
                    self.doc.findings.append(finding)
                else:
                    self.first_left[rule] = finding
        if fatal:
            self.failed = True
            raise _Fatal

    def summaries(self) -> list[Finding]:
        """One finding per rule for the findings past the cap."""
        return [
            too_many(rule, self.counts[rule] - MAX_FINDINGS_PER_KIND, first)
            for rule, first in self.first_left.items()
        ]

    # -- the event loop -----------------------------------------------------
    def run(self, source: bytes) -> None:
        for _ in self.steps(source):
            pass

    def steps(self, source: bytes) -> Iterator[None]:
        """Build from ``source``, pausing after each event (see _Index)."""
        parser = _Parser(source)
        try:
            while parser.check_event():
                self.event(parser.get_event())
                yield
        except _Fatal:
            pass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or "invalid YAML"
            if exc.context:
                problem = f"{problem} ({exc.context})"
            self._syntax(_TABS if _tab_at(source, mark) else problem, mark)
        except yaml.reader.ReaderError as exc:
            line, col = _line_col(source, exc.position) if exc.position >= 0 else (None, None)
            self.failed = True
            if self.record is None:
                self.doc.findings.append(
                    _finding(self.doc, "yaml.control-character", exc.reason, line, col)
                )
        except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as exc:
            self._syntax(f"unreadable YAML: {type(exc).__name__}", None)
        finally:
            parser.dispose()

    def _syntax(self, problem: str, mark: Any) -> None:
        self.failed = True
        if self.record is None:
            line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
            self.doc.findings.append(_finding(self.doc, "yaml.syntax", problem, line, col))

    def event(self, ev: Any) -> None:
        kind = type(ev)
        if kind is yaml.ScalarEvent:
            self.scalar(ev)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            self.start(ev, {} if kind is yaml.MappingStartEvent else [])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = self.stack.pop()
            self.attach(frame.container, frame.mark, frame.pointer, None)
        elif kind is yaml.AliasEvent:
            self.report(
                "yaml.alias",
                f"alias *{shorten(ev.anchor)} repeats another value; anchors and aliases are not "
                "allowed, write the value out",
                ev.start_mark,
                fatal=True,
            )
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self.report(
                    "yaml.multiple-documents",
                    "a second YAML document (---); one file holds one entity",
                    ev.start_mark,
                    fatal=True,
                )

    def _check_anchor(self, ev: Any) -> None:
        if ev.anchor is not None:
            self.report(
                "yaml.alias",
                f"anchor &{shorten(ev.anchor)}: anchors and aliases are not allowed, "
                "write values out",
                ev.start_mark,
                fatal=True,
            )

    def _check_tag(self, tag: str | None, allowed: set[str], mark: Any) -> None:
        if tag is not None and tag not in allowed:
            shown = shorten(tag.replace(_CORE, "!!"))
            self.report(
                "yaml.tag",
                f"tag {shown} is not allowed; registry files hold plain text, numbers, "
                "true/false, lists and mappings",
                mark,
            )

    def start(self, ev: Any, container: dict[str, Any] | list[Any]) -> None:
        self._check_anchor(ev)
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and top.key is None:
            self.report(
                "yaml.complex-key",
                "a list or mapping used as a key; keys must be plain names",
                ev.start_mark,
                fatal=True,
            )
        if len(self.stack) >= MAX_DEPTH:
            self.report(
                "yaml.too-deep",
                f"values nest more than {MAX_DEPTH} levels deep",
                ev.start_mark,
                fatal=True,
            )
        self._check_tag(ev.tag, _COLLECTION_TAGS, ev.start_mark)
        pointer = self.child_pointer(top) if self.record is not None else ""
        mark = ev.start_mark
        if top is not None and top.is_map and self.record is not None:
            mark = top.mark_of_key
        if self.record is not None and pointer is not None:
            # Known at its start, so that a lookup need not read to its end.
            self.record[pointer] = Position(mark.line + 1, mark.column + 1)
        self.stack.append(_Frame(container, pointer, mark))

    def child_pointer(self, top: _Frame | None) -> str | None:
        """The pointer of the next value in ``top``; None inside a dropped value."""
        if top is None:
            return ""
        if top.pointer is None:
            return None
        if top.is_map:
            key = top.key
            return f"{top.pointer}/{escape(key)}" if isinstance(key, str) else None
        return f"{top.pointer}/{len(top.container)}"

    def scalar(self, ev: Any) -> None:
        self._check_anchor(ev)
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and top.key is None:
            self.key(top, ev)
            return
        value = self.resolve(ev)
        pointer = self.child_pointer(top) if self.record is not None else ""
        text = ev.value if ev.implicit[0] else None
        mark = ev.start_mark
        if top is not None and top.is_map and self.record is not None:
            mark = top.mark_of_key
        self.attach(value, mark, pointer, text, ev.style in _QUOTES)

    def key(self, top: _Frame, ev: Any) -> None:
        self._check_tag(ev.tag, {_CORE + "str"}, ev.start_mark)
        name: str = ev.value
        top.mark_of_key = ev.start_mark
        if ev.style == '"':
            self.check_escapes(name, ev)
            if "\n" in name or "\t" in name:
                self.report("yaml.control-character", "a line break or tab in a key", ev.start_mark)
        if ev.implicit[0] and name in _NULLS:
            self.report("yaml.empty-key", "a key with no name", ev.start_mark)
            top.key = _DROP
        elif ev.implicit[0] and name == "<<":
            self.report(
                "yaml.merge-key",
                "merge keys (<<) are not allowed; write the fields out",
                ev.start_mark,
            )
            top.key = _DROP
        elif name in top.container:
            self.report(
                "yaml.duplicate-key",
                f"key {quote(name)} appears twice in the same mapping; YAML would silently keep "
                "only the last one",
                ev.start_mark,
            )
            top.key = _DROP
        else:
            # Interned: every file repeats the same few dozen keys, and one
            # string object each keeps 100,000 entities in far less memory.
            top.key = sys.intern(name)

    def attach(
        self, value: Any, mark: Any, pointer: str | None, text: str | None, quoted: bool = False
    ) -> None:
        if self.record is not None and mark is not None and pointer is not None:
            self.record[pointer] = Position(mark.line + 1, mark.column + 1, text, quoted)
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if top.is_map:
            key = top.key
            if isinstance(key, str):
                top.container[key] = value  # type: ignore[call-overload]
            top.key = None
        else:
            top.container.append(value)  # type: ignore[union-attr]

    def resolve(self, ev: Any) -> Any:
        text: str = ev.value
        tag = ev.tag
        if tag is not None and tag != "!":
            self._check_tag(tag, _SCALAR_TAGS, ev.start_mark)
            if tag == _CORE + "str" or tag not in _SCALAR_TAGS:
                return text
            return self.plain(text, ev)
        if not ev.implicit[0]:
            if ev.style == '"':
                self.check_escapes(text, ev)
            return text
        return self.plain(text, ev)

    def check_escapes(self, text: str, ev: Any) -> None:
        match = _ESCAPED.search(text)
        if match is not None:
            self.report(
                "yaml.control-character",
                f"an escape in this quoted value makes U+{ord(match.group()):04X}, an invisible "
                "or control character; delete it",
                ev.start_mark,
            )

    def plain(self, text: str, ev: Any) -> Any:
        if text in _NULLS:
            return None
        if text in _BOOLS:
            return _BOOLS[text]
        first = text[0]
        if first.isdigit() or first in "-+.":
            if _INT.fullmatch(text):
                # Python refuses ints over 4300 digits; no registry number is that long.
                return int(text) if len(text) <= 100 else text
            if _FLOAT.fullmatch(text) and text not in "+-.":
                # A decimal stays a number only when the number says exactly
                # what was written: 12.5 is 12.5, but 10.10 (a version) would
                # become 10.1 and 1289.00 1289.0, so they stay the text written.
                number = float(text)
                return number if math.isfinite(number) and repr(number) == text else text
            date = _DATE.fullmatch(text)
            if date and not _real_date(*map(int, date.groups())):
                self.report(
                    "yaml.invalid-date",
                    f"{text} is not a date on the calendar",
                    ev.start_mark,
                )
        # Short plain values repeat across files (states, kinds, models,
        # locations, currencies, dates): one object each, as for keys.
        return sys.intern(text) if len(text) <= INTERN_MAX else text


def _tab_at(source: bytes, mark: Any) -> bool:
    """Whether the character at ``mark`` (libyaml counts lines and characters) is a tab."""
    if mark is None:
        return False
    row: int = mark.line
    column: int = mark.column
    lines = source.split(b"\n", row + 1)
    if row >= len(lines):
        return False
    return lines[row].decode("utf-8", "replace")[column : column + 1] == "\t"


def _real_date(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


class _Index:
    """Each value's place by JSON pointer, computed only when a finding needs it,
    and read from the source only as far as the lookups need: the findings of a
    huge file are mostly near its top."""

    def __init__(self, source: bytes) -> None:
        self.record: dict[str, Position] = {}
        builder = _Builder(Document(file="", data=None), record=self.record)
        self._steps: Iterator[None] | None = builder.steps(_strip_bom(source))

    def get(self, pointer: str) -> Position | None:
        """The place of ``pointer``; None if the file has no such value."""
        while pointer not in self.record and self._steps is not None:
            if next(self._steps, _END) is _END:
                self._steps = None
        if pointer == "":
            return self.record.get(pointer, Position(1, 1))
        return self.record.get(pointer)


_END = object()
