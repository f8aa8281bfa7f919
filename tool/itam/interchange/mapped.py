"""Import maps: how the columns of one system's CSV export become entity fields.

A map is YAML data, loaded with the registry's safe loader and checked key by
key: a mistake in it is a ``ConfigError`` naming the map file and line (exit
2), before any row is read. The shipped maps are in ``maps/`` next to this
module; ``docs/import.md`` documents the format with examples::

    map: 1                        # the format's version
    name: Shelf.nu assets         # how reports name the source
    key: serial                   # the field that identifies an entity across runs
    kind:                         # a kind, or how a column names it
      column: category
      values: {laptop: laptop, office supplies: null}   # null: not an asset, skipped
      keywords: {laptop: [laptop, notebook, macbook]}   # words in the cell
      also: [assetModel]          # columns searched for keywords when the cell has none
    currency: USD                 # or {column: price_currency}
    date_order: mdy               # how 4/5/16 reads when nothing in a column tells
    fields:
      name: title                 # a column
      notes: [description, notes] # the first of these columns that is not blank
      purchase.date: {column: "cf:purchase date, type:date", as: date}
      location: {column: location, reference: location, create: {}}
    skip_when:                    # rows that are not assets (stock counts)
      column: type
      values: [QUANTITY_TRACKED]
    ignore:                       # columns deliberately not imported, and why
      serial number: license keys are never stored in the registry

A field spec is a column name, a list of alternatives (an entry that is itself
a list joins those columns with spaces: ``[[First Name, Last Name]]``), or a
mapping with ``column`` or ``constant`` and these options:

``as``
    ``text`` (default), ``code`` (serials, tags, order numbers: refused when a
    spreadsheet turned them into ``1.2E+11``), ``integer``, ``decimal``,
    ``money`` (``{amount, currency}``), ``date``, ``boolean``, ``tags``.
``values``
    a table from cell text (ignoring case and spaces) to the value stored;
    a cell not in it rejects the row unless ``other: keep`` (stored as read).
``default``
    the value when the cell is blank.
``when``
    a column: the field is set only on rows where that column is not blank.
``required``
    a blank or unreadable cell rejects the row instead of leaving the field out.
``reference``
    a kind: the cell names an entity of that kind, matched on its ``match``
    field (default ``name``; the id always matches). ``create`` (a mapping of
    field specs, ``{}`` for none) makes one when none matches; without it an
    unmatched name leaves the field out. ``role`` is a new vendor's role.
``deployed_when``
    (on ``status``) columns: a row whose state is ``in-stock`` and that has one
    of them filled (it is checked out) is ``deployed``.
``decimal_mark``, ``currency``, ``order``, ``formats``, ``separators``
    how ``decimal``, ``money``, ``date`` and ``tags`` cells read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itam import yamlsafe
from itam.errors import ConfigError
from itam.files import read_input
from itam.findings import Severity
from itam.interchange.import_values import ORDERS
from itam.limits import quote
from itam.output import escaped
from itam.schemas import SchemaSet
from itam.suggest import did_you_mean

MAPS = Path(__file__).resolve().parent / "maps"
"""The maps shipped with the tool."""

MAX_MAP_BYTES = 1 << 20
KINDS = ("text", "code", "integer", "decimal", "money", "date", "boolean", "tags")
_PATH = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*")
_KIND_NAME = re.compile(r"[a-z][a-z0-9-]*")
_CURRENCY = re.compile(r"[A-Z]{3}")

Columns = tuple[tuple[str, ...], ...]
"""Alternative sources of a value: the first that is not blank wins; each is
one column, or several joined with spaces."""


def fold(text: str) -> str:
    """Cell or header text compared ignoring case and runs of spaces."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one field of an entity is read from a row; see the module docstring."""

    path: str
    line: int | None
    columns: Columns = ()
    constant: Any = None
    as_: str = "text"
    values: dict[str, Any] | None = None
    keep_other: bool = False
    default: Any = None
    when: str | None = None
    required: bool = False
    reference: str | None = None
    match: str = "name"
    create: tuple[FieldRule, ...] | None = None
    role: str | None = None
    deployed_when: tuple[str, ...] = ()
    decimal_mark: str = "."
    currency: Columns | str | None = None
    order: str | None = None
    formats: tuple[str, ...] = ()
    separators: str = ",;"

    def column_names(self) -> set[str]:
        """Every column this rule (and what it creates) reads."""
        names = {name for group in self.columns for name in group}
        if isinstance(self.currency, tuple):
            names |= {name for group in self.currency for name in group}
        if self.when:
            names.add(self.when)
        names |= set(self.deployed_when)
        for rule in self.create or ():
            names |= rule.column_names()
        return names


@dataclass(frozen=True, slots=True)
class KindRule:
    """How a row's kind is decided: a constant, or a column's value."""

    line: int | None
    constant: str | None = None
    columns: Columns = ()
    values: dict[str, str | None] = field(default_factory=dict)
    keywords: tuple[tuple[str, str], ...] = ()
    also: Columns = ()

    def kinds(self) -> set[str]:
        """Every kind the rule can name."""
        found = {self.constant} if self.constant else set()
        found |= {v for v in self.values.values() if v}
        found |= {kind for _, kind in self.keywords}
        return found


@dataclass(frozen=True, slots=True)
class ImportMap:
    """A whole map: the key, the kind, the fields, and what is ignored."""

    file: str
    name: str
    key: str
    kind: KindRule
    fields: tuple[FieldRule, ...]
    currency: Columns | str | None = None
    date_order: str = "mdy"
    ignore: dict[str, str] = field(default_factory=dict)
    line_of: dict[str, int] = field(default_factory=dict)
    # Rows whose column (first) holds one of the values (folded) are not assets.
    skip_when: tuple[str, frozenset[str]] | None = None

    def column_names(self) -> set[str]:
        """Every column the map reads."""
        names = {name for group in self.kind.columns + self.kind.also for name in group}
        if self.skip_when is not None:
            names.add(self.skip_when[0])
        if isinstance(self.currency, tuple):
            names |= {name for group in self.currency for name in group}
        for rule in self.fields:
            names |= rule.column_names()
        return names

    def field(self, path: str) -> FieldRule | None:
        """The rule of the field ``path``, if the map has one."""
        return next((rule for rule in self.fields if rule.path == path), None)


def load_map(path: Path) -> ImportMap:
    """The map in the YAML file ``path``; ConfigError (with its line) when it is
    unreadable or not a valid map."""
    data = read_input(path, MAX_MAP_BYTES, "map file", "a map is a page of YAML")
    return parse_map(data, escaped(str(path)))


def builtin_map(name: str) -> ImportMap:
    """A map shipped in ``maps/`` by its stem, e.g. ``snipeit-assets``."""
    return load_map(MAPS / f"{name}.yaml")


def builtin_names() -> list[str]:
    """The stems of the shipped maps."""
    return sorted(p.stem for p in MAPS.glob("*.yaml"))


def parse_map(source: bytes, file: str) -> ImportMap:
    """The map in ``source`` (named ``file`` in messages)."""
    doc = yamlsafe.load(source, file)
    for finding in doc.findings:
        if finding.severity is Severity.ERROR:
            raise ConfigError(finding.message, file, finding.line)
    if doc.data is None:
        raise ConfigError("the map holds no YAML mapping", file, 1)
    return _Parser(doc).run(doc.data)


class _Parser:
    """Checks a map's data key by key, raising at the first mistake with its line."""

    def __init__(self, doc: yamlsafe.Document) -> None:
        self.doc = doc
        self.lines: dict[str, int] = {}

    def fail(self, pointer: str, message: str) -> ConfigError:
        line, _ = self.doc.locate(pointer)
        return ConfigError(message, self.doc.file, line)

    def line(self, pointer: str) -> int | None:
        return self.doc.locate(pointer)[0]

    def keys(self, body: Any, pointer: str, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise self.fail(pointer, f"{what} must be a mapping")
        for key in body:
            if key not in allowed:
                raise self.fail(
                    f"{pointer}/{key}",
                    f"{what}: unknown key {quote(str(key))}{did_you_mean(str(key), allowed)}; "
                    f"allowed: {', '.join(allowed)}",
                )
        return body

    def text(self, value: Any, pointer: str, what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(pointer, f"{what} must be a non-empty text")
        return value.strip()

    def run(self, data: dict[str, Any]) -> ImportMap:
        top = (
            "map",
            "name",
            "key",
            "kind",
            "currency",
            "date_order",
            "fields",
            "ignore",
            "skip_when",
            "description",
        )
        self.keys(data, "", top, "the map")
        if data.get("map") != 1:
            raise self.fail("/map", "the map must start with 'map: 1' (the format's version)")
        for needed in ("key", "kind", "fields"):
            if needed not in data:
                raise self.fail("", f"the map has no {needed!r}")
        name = self.text(data.get("name", Path(self.doc.file).stem), "/name", "name")
        key = self.path(data["key"], "/key")
        fields_body = data["fields"]
        if not isinstance(fields_body, dict) or not fields_body:
            raise self.fail("/fields", "fields must be a mapping of field paths to columns")
        fields = tuple(
            self.field_rule(str(path), spec, f"/fields/{path}")
            for path, spec in fields_body.items()
        )
        if not any(rule.path == key for rule in fields):
            raise self.fail("/key", f"the key {key!r} is not one of the fields")
        order = data.get("date_order", "mdy")
        if order not in ORDERS:
            raise self.fail("/date_order", f"date_order is one of {', '.join(ORDERS)}")
        ignore = data.get("ignore", {})
        if not isinstance(ignore, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in ignore.items()
        ):
            raise self.fail("/ignore", "ignore maps column names to the reason they are ignored")
        return ImportMap(
            skip_when=self.skip_when(data.get("skip_when"), "/skip_when"),
            file=self.doc.file,
            name=name,
            key=key,
            kind=self.kind_rule(data["kind"], "/kind"),
            fields=fields,
            currency=self.currency(data.get("currency"), "/currency"),
            date_order=order,
            ignore={fold(k): v for k, v in ignore.items()},
            line_of={rule.path: rule.line for rule in fields if rule.line is not None},
        )

    def skip_when(self, body: Any, pointer: str) -> tuple[str, frozenset[str]] | None:
        if body is None:
            return None
        self.keys(body, pointer, ("column", "values"), "skip_when")
        column = self.text(body.get("column"), f"{pointer}/column", "skip_when's column")
        values = body.get("values")
        if not isinstance(values, list) or not values:
            raise self.fail(f"{pointer}/values", "skip_when's values is a list of cell texts")
        return column, frozenset(fold(str(v)) for v in values)

    def path(self, value: Any, pointer: str) -> str:
        if not isinstance(value, str) or not _PATH.fullmatch(value):
            raise self.fail(
                pointer,
                f"{quote(str(value))} is not a field path: names in lower case joined by "
                "dots, e.g. purchase.date",
            )
        return value

    def columns(self, value: Any, pointer: str) -> Columns:
        items = value if isinstance(value, list) else [value]
        out: list[tuple[str, ...]] = []
        for index, item in enumerate(items):
            here = f"{pointer}/{index}" if isinstance(value, list) else pointer
            if isinstance(item, list):
                group = tuple(self.text(v, f"{here}/{i}", "a column") for i, v in enumerate(item))
                if not group:
                    raise self.fail(here, "a list of columns to join is empty")
                out.append(group)
            else:
                out.append((self.text(item, here, "a column"),))
        if not out:
            raise self.fail(pointer, "no column is named")
        return tuple(out)

    def currency(self, value: Any, pointer: str) -> Columns | str | None:
        if value is None:
            return None
        if isinstance(value, str):
            if not _CURRENCY.fullmatch(value):
                raise self.fail(pointer, "a currency is an ISO 4217 code in capitals, e.g. USD")
            return value
        body = self.keys(value, pointer, ("column",), "currency")
        return self.columns(body.get("column"), f"{pointer}/column")

    def kind_name(self, value: Any, pointer: str) -> str:
        if not isinstance(value, str) or not _KIND_NAME.fullmatch(value):
            raise self.fail(pointer, f"{quote(str(value))} is not a kind name, e.g. laptop")
        return value

    def kind_rule(self, body: Any, pointer: str) -> KindRule:
        line = self.line(pointer)
        if isinstance(body, str):
            return KindRule(line, constant=self.kind_name(body, pointer))
        self.keys(body, pointer, ("column", "values", "keywords", "also"), "kind")
        if "column" not in body:
            raise self.fail(pointer, "kind is a kind name, or a mapping with a column")
        values: dict[str, str | None] = {}
        raw_values = body.get("values", {})
        if not isinstance(raw_values, dict):
            raise self.fail(f"{pointer}/values", "values maps cell text to a kind (or null)")
        for cell, kind in raw_values.items():
            here = f"{pointer}/values/{cell}"
            values[fold(str(cell))] = None if kind is None else self.kind_name(kind, here)
        keywords: list[tuple[str, str]] = []
        raw_keywords = body.get("keywords", {})
        if not isinstance(raw_keywords, dict):
            raise self.fail(f"{pointer}/keywords", "keywords maps a kind to a list of words")
        for kind, words in raw_keywords.items():
            here = f"{pointer}/keywords/{kind}"
            if not isinstance(words, list):
                raise self.fail(here, "keywords maps a kind to a list of words")
            name = self.kind_name(kind, here)
            keywords += [
                (fold(self.text(w, f"{here}/{i}", "a keyword")), name) for i, w in enumerate(words)
            ]
        also = self.columns(body["also"], f"{pointer}/also") if "also" in body else ()
        return KindRule(
            line,
            columns=self.columns(body["column"], f"{pointer}/column"),
            values=values,
            keywords=tuple(keywords),
            also=also,
        )

    def field_rule(self, path: str, spec: Any, pointer: str) -> FieldRule:
        self.path(path, pointer)
        line = self.line(pointer)
        if isinstance(spec, str | list):
            return FieldRule(path, line, columns=self.columns(spec, pointer))
        allowed = (
            "column",
            "constant",
            "as",
            "values",
            "other",
            "default",
            "when",
            "required",
            "reference",
            "match",
            "create",
            "role",
            "deployed_when",
            "decimal_mark",
            "currency",
            "order",
            "formats",
            "separators",
        )
        body = self.keys(spec, pointer, allowed, f"field {path}")
        if ("column" in body) == ("constant" in body):
            raise self.fail(pointer, f"field {path}: give either a column or a constant")
        as_ = body.get("as", "text")
        if as_ not in KINDS:
            raise self.fail(
                f"{pointer}/as", f"as is one of {', '.join(KINDS)}{did_you_mean(str(as_), KINDS)}"
            )
        values = body.get("values")
        if values is not None and not isinstance(values, dict):
            raise self.fail(f"{pointer}/values", "values maps cell text to the value stored")
        other = body.get("other", "reject")
        if other not in ("reject", "keep"):
            raise self.fail(f"{pointer}/other", "other is reject or keep")
        required = body.get("required", False)
        if not isinstance(required, bool):
            raise self.fail(f"{pointer}/required", "required is true or false")
        mark = body.get("decimal_mark", ".")
        if mark not in (".", ","):
            raise self.fail(f"{pointer}/decimal_mark", "decimal_mark is '.' or ','")
        order = body.get("order")
        if order is not None and order not in ORDERS:
            raise self.fail(f"{pointer}/order", f"order is one of {', '.join(ORDERS)}")
        formats = body.get("formats", [])
        if not isinstance(formats, list) or not all(isinstance(f, str) and f for f in formats):
            raise self.fail(f"{pointer}/formats", "formats is a list of strptime formats")
        separators = body.get("separators", ",;")
        if not isinstance(separators, str):
            raise self.fail(f"{pointer}/separators", "separators is a text of characters")
        reference = body.get("reference")
        if reference is not None:
            reference = self.kind_name(reference, f"{pointer}/reference")
        create: tuple[FieldRule, ...] | None = None
        if "create" in body:
            if reference is None:
                raise self.fail(f"{pointer}/create", "create goes with reference")
            raw = body["create"] or {}
            if not isinstance(raw, dict):
                raise self.fail(f"{pointer}/create", "create maps fields of the new entity")
            create = tuple(
                self.field_rule(str(p), s, f"{pointer}/create/{p}") for p, s in raw.items()
            )
        match = self.path(body.get("match", "name"), f"{pointer}/match")
        role = body.get("role")
        if role is not None:
            role = self.text(role, f"{pointer}/role", "role")
        when = body.get("when")
        if when is not None:
            when = self.text(when, f"{pointer}/when", "when")
        deployed = body.get("deployed_when", [])
        deployed_when = (
            tuple(g[0] for g in self.columns(deployed, f"{pointer}/deployed_when"))
            if deployed
            else ()
        )
        return FieldRule(
            path,
            line,
            columns=self.columns(body["column"], f"{pointer}/column") if "column" in body else (),
            constant=body.get("constant"),
            as_=as_,
            values={fold(str(k)): v for k, v in values.items()} if values else None,
            keep_other=other == "keep",
            default=body.get("default"),
            when=when,
            required=required,
            reference=reference,
            match=match,
            create=create,
            role=role,
            deployed_when=deployed_when,
            decimal_mark=mark,
            currency=self.currency(body.get("currency"), f"{pointer}/currency"),
            order=order,
            formats=tuple(formats),
            separators=separators,
        )


def check_against(import_map: ImportMap, schemas: SchemaSet) -> None:
    """Refuse (ConfigError at the map's line) a kind the schemas do not know, or
    a field path that is not a field of every kind the map makes."""
    known = schemas.kinds
    kinds = sorted(import_map.kind.kinds())
    for kind in kinds:
        if kind not in known:
            raise ConfigError(
                f"kind {kind!r} is not a kind of this registry{did_you_mean(kind, known)}",
                import_map.file,
                import_map.kind.line,
            )
    for rule in import_map.fields:
        for kind in kinds:
            _check_path(import_map.file, rule, kind, schemas)
        _check_reference(import_map.file, rule, schemas)


def _check_reference(file: str, rule: FieldRule, schemas: SchemaSet) -> None:
    if rule.reference is None:
        return
    if rule.reference not in schemas.kinds:
        raise ConfigError(
            f"field {rule.path}: reference {rule.reference!r} is not a kind of this registry"
            f"{did_you_mean(rule.reference, schemas.kinds)}",
            file,
            rule.line,
        )
    for inner in rule.create or ():
        _check_path(file, inner, rule.reference, schemas)
        _check_reference(file, inner, schemas)
    probe = FieldRule(rule.match, rule.line)
    _check_path(file, probe, rule.reference, schemas)


def _check_path(file: str, rule: FieldRule, kind: str, schemas: SchemaSet) -> None:
    schema = schemas.kind(kind)
    if schema is None:
        return
    tokens: tuple[str, ...] = ()
    for name in rule.path.split("."):
        declared = schema.properties.get(tokens)
        if declared is None or name not in declared:
            where = ".".join(tokens)
            choices = sorted(declared or ())
            raise ConfigError(
                f"field {rule.path}: {kind} has no field {name!r}"
                f"{' under ' + where if where else ''}{did_you_mean(name, choices)}",
                file,
                rule.line,
            )
        tokens = (*tokens, name)
