"""Rows of a table read through a map: what each row says an entity holds.

``read_rows`` turns every row into a ``Draft``: its kind, its key, and the
value of each field the map names, read with ``import_values``; a reference
is a ``Wanted`` (the name of a location, model, vendor or person), resolved
later against the registry by ``import_refs``. A value that cannot be read is
left out with a warning on the row; a row without a key or a kind, or whose
value is not in a map's table, is rejected with the reason. Notes that hold
for many rows (where the kind came from, how dates read) are said once per
file.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from itam.interchange.import_values import (
    DateColumn,
    Unreadable,
    read_boolean,
    read_code,
    read_decimal,
    read_integer,
    read_money,
    read_tags,
    read_text,
)
from itam.interchange.mapped import Columns, FieldRule, ImportMap, KindRule, fold
from itam.limits import quote
from itam.tabular import Row, Table

HARDWARE_IN_STOCK = "in-stock"
DEPLOYED = "deployed"


@dataclass(frozen=True, slots=True)
class Wanted:
    """A reference a row names: an entity of ``kind`` whose ``match`` field is
    ``value``; ``create`` holds the fields of a new one (None: do not create)."""

    kind: str
    match: str
    value: str
    column: str
    create: dict[str, Any] | None = None
    role: str | None = None


@dataclass(slots=True)
class Draft:
    """What one row says, before it meets the registry."""

    line: int
    key: str | None = None
    kind: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rejection: str | None = None
    skipped: str | None = None
    # Fields set from the map (a constant, a blank cell's default), not from a
    # cell: a new entity gets them, an existing one keeps what it has.
    defaults: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Options:
    """What the user adds to a map on the command line."""

    currency: str | None = None
    date_order: str | None = None
    kind: str | None = None
    kinds: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)


class _Reject(Exception):
    """The row cannot become an entity; the message says why."""


class _Absent(Exception):
    """The field is not set on this row."""


@dataclass(slots=True)
class _FileNote:
    message: str
    lines: list[int] = field(default_factory=list)


class RowReader:
    """Reads the rows of one table through one map."""

    def __init__(self, table: Table, import_map: ImportMap, options: Options) -> None:
        self.table = table
        self.map = with_options(import_map, options)
        self.options = options
        self.dates: dict[str, DateColumn] = {}
        self.notes: dict[str, _FileNote] = {}
        self._learn_dates()

    # -- columns ---------------------------------------------------------------
    def cell(self, row: Row, columns: Columns) -> tuple[str, str]:
        """The first of ``columns`` that is not blank on ``row``, and its name."""
        for group in columns:
            names = [self.table.column(name) for name in group]
            text = " ".join(t for name in names if (t := row.get(name)))
            # A line break inside a cell is one, however the file's lines end.
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            if text:
                return text, " + ".join(n or g for n, g in zip(names, group, strict=True))
        return "", ""

    def _date_rules(self, rules: tuple[FieldRule, ...]) -> list[FieldRule]:
        found = []
        for rule in rules:
            if rule.as_ == "date" and rule.columns:
                found.append(rule)
            found += self._date_rules(rule.create or ())
        return found

    def _learn_dates(self) -> None:
        for rule in self._date_rules(self.map.fields):
            for group in rule.columns:
                for name in group:
                    column = self.table.column(name)
                    if column is None or column in self.dates:
                        continue
                    dates = DateColumn(
                        given=self.options.date_order or rule.order,
                        default=self.map.date_order,
                        formats=rule.formats,
                    )
                    texts = [(row.line, row.get(column)) for row in self.table.rows]
                    dates.learn(((line, t) for line, t in texts if t), column)
                    if dates.note:
                        self.note(f"dates:{column}", dates.note, None)
                    self.dates[column] = dates

    def note(self, key: str, message: str, line: int | None) -> None:
        """A note said once per file, with the lines it applies to."""
        found = self.notes.setdefault(key, _FileNote(message))
        if line is not None:
            found.lines.append(line)

    # -- rows ------------------------------------------------------------------
    def draft(self, row: Row) -> Draft:
        draft = Draft(row.line)
        key_rule = self.map.field(self.map.key)
        try:
            if key_rule is not None:
                # Read first, so that a row rejected for its kind is still named by its key.
                with contextlib.suppress(_Reject):
                    self.read_field(row, key_rule, Draft(row.line, values=draft.values))
                draft.key = _text_key(draft.values.get(self.map.key))
            draft.kind = self.kind(row, self.map.kind)
            for rule in self.map.fields:
                self.read_field(row, rule, draft)
            key = _text_key(draft.values.get(self.map.key))
            if key is None:
                named = key_rule.columns if key_rule is not None else ()
                shown = " or ".join(quote(" + ".join(g)) for g in named)
                raise _Reject(f"no {self.map.key} (column {shown} is blank), the key of the import")
            draft.key = key
        except _Reject as exc:
            draft.rejection = str(exc)
        return draft

    def kind(self, row: Row, rule: KindRule) -> str | None:
        if self.map.skip_when is not None:
            name, values = self.map.skip_when
            column = self.table.column(name)
            text = row.get(column)
            if text and fold(text) in values:
                raise _Skipped(f"{quote(text)} in column {quote(column or name)}: not an asset")
        if rule.constant is not None:
            return rule.constant
        text, column = self.cell(row, rule.columns)
        folded = fold(text)
        if text and folded in rule.values:
            found = rule.values[folded]
            if found is None:
                raise _Skipped(f"{quote(text)} in column {quote(column)} is not an asset kind")
            return found
        if text:
            for word, kind in rule.keywords:
                if _names(word, folded):
                    return kind
        for group in rule.also:
            other, other_column = self.cell(row, (group,))
            for word, kind in rule.keywords:
                if other and _names(word, fold(other)):
                    example = f" (e.g. line {row.line}: {quote(text)})" if text else ""
                    self.note(
                        f"kind-from:{other_column}:{kind}",
                        f"the kind {kind} is read from column {quote(other_column)} on rows "
                        f"whose column {quote(' + '.join(rule.columns[0]))} names no kind"
                        f"{example}",
                        row.line,
                    )
                    return kind
        if self.options.kind is not None:
            return self.options.kind
        first = " + ".join(rule.columns[0])
        if not text:
            raise _Reject(
                f"column {quote(first)} is blank, so the row names no kind; pass --kind KIND"
            )
        raise _Reject(
            f"{quote(text)} in column {quote(column)} names no kind; pass "
            f"--category {quote(text + '=KIND')} (e.g. =laptop) or --kind KIND"
        )

    def read_field(self, row: Row, rule: FieldRule, draft: Draft) -> None:
        try:
            value, column = self.value(row, rule, draft)
        except _Absent:
            return
        except Unreadable as exc:
            if rule.required:
                raise _Reject(f"{rule.path}: {exc}") from None
            draft.warnings.append(f"{rule.path}: {exc}")
            return
        if rule.path == "status" and rule.deployed_when and value == HARDWARE_IN_STOCK:
            for name in rule.deployed_when:
                found = self.table.column(name)
                if row.get(found):
                    value, column = DEPLOYED, found or name
                    break
        draft.values[rule.path] = value
        if column:
            draft.columns[rule.path] = column
        else:
            draft.defaults.add(rule.path)

    def value(self, row: Row, rule: FieldRule, draft: Draft) -> tuple[Any, str]:
        if rule.when is not None and not row.get(self.table.column(rule.when)):
            raise _Absent
        if not rule.columns:
            return rule.constant, ""
        text, column = self.cell(row, rule.columns)
        if not text:
            undecoded = self._undecoded(row, rule.columns)
            if rule.default is not None and undecoded is None:
                return rule.default, ""
            if rule.required:
                if undecoded is not None:
                    raise _Reject(f"{rule.path}: column {quote(undecoded)} did not decode")
                names = " or ".join(quote(" + ".join(g)) for g in rule.columns)
                raise _Reject(f"{rule.path}: column {names} is blank")
            raise _Absent
        if rule.values is not None:
            found = rule.values.get(fold(text), _MISSING)
            if found is not _MISSING:
                return found, column
            if not rule.keep_other:
                known = ", ".join(sorted(quote(k) for k in rule.values)[:12])
                hint = f"; pass --status {quote(text + '=STATE')}" if rule.path == "status" else ""
                raise _Reject(
                    f"{rule.path}: {quote(text)} in column {quote(column)} is not one of the "
                    f"values the map knows ({known}){hint}"
                )
        if rule.reference is not None:
            return self.wanted(row, rule, text, column, draft), column
        return self.convert(rule, text, column, row), column

    def _undecoded(self, row: Row, columns: Columns) -> str | None:
        for group in columns:
            for name in group:
                column = self.table.column(name)
                if column is not None and column in row.undecodable:
                    return column
        return None

    def convert(self, rule: FieldRule, text: str, column: str, row: Row) -> Any:
        reader = _READERS.get(rule.as_)
        if reader is not None:
            return reader(text)
        if rule.as_ == "decimal":
            return read_decimal(text, rule.decimal_mark)
        if rule.as_ == "tags":
            return read_tags(text, rule.separators)
        if rule.as_ == "money":
            money = read_money(text, self.currency(row, rule), rule.decimal_mark)
            return {"amount": money.amount, "currency": money.currency}
        if rule.as_ == "date":
            dates = self.dates.get(column) or DateColumn(
                given=self.options.date_order or rule.order,
                default=self.map.date_order,
                formats=rule.formats,
            )
            return dates.read(text)
        raise AssertionError(rule.as_)  # the map loader admits no other

    def currency(self, row: Row, rule: FieldRule) -> str | None:
        for source in (rule.currency, self.map.currency):
            if isinstance(source, tuple):
                text, column = self.cell(row, source)
                if text:
                    if len(text) != 3 or not text.isalpha():
                        raise Unreadable(
                            f"the currency {quote(text)} in column {quote(column)} is not an "
                            "ISO 4217 code"
                        )
                    return text.upper()
        if self.options.currency is not None:
            return self.options.currency
        for source in (rule.currency, self.map.currency):
            if isinstance(source, str):
                return source
        return None

    def wanted(self, row: Row, rule: FieldRule, text: str, column: str, draft: Draft) -> Wanted:
        assert rule.reference is not None
        create: dict[str, Any] | None = None
        if rule.create is not None:
            inner = Draft(row.line, kind=rule.reference)
            for sub in rule.create:
                self.read_field(row, sub, inner)
            draft.warnings += [f"{rule.path} (new {rule.reference}): {w}" for w in inner.warnings]
            create = inner.values
        return Wanted(rule.reference, rule.match, text, column, create, rule.role)


@functools.lru_cache(maxsize=1024)
def _word(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(keyword)}(?:s|es)?(?![a-z0-9])")


def _names(keyword: str, folded: str) -> bool:
    """Whether the folded text holds ``keyword`` as a word (or its plural):
    "laptops" names laptop, "nascetur" does not name nas."""
    return _word(keyword).search(folded) is not None


def _text_key(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value else None


class _Skipped(Exception):
    """The row is not an asset the map imports (e.g. a consumable)."""


_MISSING = object()

_READERS: dict[str, Callable[[str], Any]] = {
    "text": read_text,
    "code": read_code,
    "integer": read_integer,
    "boolean": read_boolean,
}


def with_options(import_map: ImportMap, options: Options) -> ImportMap:
    """``import_map`` with the command line's category and status tables added."""
    kind = import_map.kind
    if options.kinds:
        values = dict(kind.values)
        values.update({fold(k): v for k, v in options.kinds.items()})
        kind = replace(kind, values=values)
    fields = import_map.fields
    if options.states:
        fields = tuple(
            replace(
                r, values={**(r.values or {}), **{fold(k): v for k, v in options.states.items()}}
            )
            if r.path == "status"
            else r
            for r in fields
        )
    return replace(import_map, kind=kind, fields=fields)


def read_rows(
    table: Table, import_map: ImportMap, options: Options
) -> tuple[list[Draft], RowReader]:
    """Every row of ``table`` as a draft, and the reader (for its file notes)."""
    reader = RowReader(table, import_map, options)
    drafts = []
    for row in table.rows:
        try:
            drafts.append(reader.draft(row))
        except _Skipped as exc:
            drafts.append(Draft(row.line, skipped=str(exc)))
    return drafts, reader
