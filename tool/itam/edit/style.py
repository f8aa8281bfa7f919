"""The registry's house style, read from the schemas: key order and flow style.

Key order comes from the order in which the schemas declare properties.
At the top of a file: ``id``, ``kind``, ``name``, ``status``; then the
shared schema's one-line fields up to its first block, which say what the
asset is and where (the kind's first ``allOf`` part: hardware's ``model``,
``serial``, ``asset_tag``, ``owner``, ``location``, ``criticality``, an
agreement's ``vendor``, ``owner``, ``criticality``, ``start``, ``end``); then
the kind's own properties (a laptop's ``cpu``, ``memory_gb``,
``storage_gb``, ``os``); then the rest of the shared fields (``network``,
``purchase``, ..., ``audits``, ...); then ``notes`` and ``tags``; then the
organisation's own fields (extensions.schema.json). That is how the bundled
files read: identity, specifics, records, free text. Inside a nested
mapping, a schema's own ``properties`` come first, then those of the schemas
it includes (``$ref``, then ``allOf``), depth first. Keys the schema does
not know keep their order, after the known ones.

Flow style (``{amount: 1289.00, currency: GBP}``, ``[a, b]``) is used where the
bundled files use it: every list of scalars; money (``$defs/money``); audit and
maintenance records, one line per event; and the switch-like ``encryption``
and ``mdm`` blocks. Everything else is a block, two spaces deep.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import referencing.exceptions

from itam.schemas import WILDCARD, SchemaSet, SchemaWalk

HEAD = ("id", "kind", "name", "status")
"""Fields every file starts with, in this order."""

TAIL = ("notes", "tags")
"""Free text and labels, after the structured fields (entity.schema.json)."""

FLOW_DEFS = frozenset({"money", "audit_record", "maintenance_record"})
"""Shared definitions (``$defs`` of common.schema.json) written on one line."""

FLOW_FIELDS = frozenset({"encryption", "mdm"})
"""Fields whose mapping is written on one line: a switch and its detail."""

Tokens = tuple[str | int, ...]
"""A place in an entity: keys, and list indexes as ints."""


@dataclass(slots=True)
class KindStyle:
    """Where keys go and which places are flow, for one kind."""

    order: dict[Tokens, list[str]] = field(default_factory=dict)
    flow: set[Tokens] = field(default_factory=set)
    numbers: set[Tokens] = field(default_factory=set)
    dates: set[Tokens] = field(default_factory=set)
    blocks: set[Tokens] = field(default_factory=set)

    def known_keys(self, place: Tokens) -> list[str]:
        """The keys the schema declares at ``place``, in canonical order."""
        known = self.order.get(generic(place), [])
        if not place:
            known = [*HEAD, *(k for k in known if k not in HEAD)]
        return known

    def keys_in_order(self, place: Tokens, keys: Iterable[str]) -> list[str]:
        """``keys`` in canonical order: known ones by the schema, the rest as given."""
        rank = {key: i for i, key in enumerate(self.known_keys(place))}
        given = {key: i for i, key in enumerate(keys)}
        return sorted(given, key=lambda k: (rank.get(k, len(rank)), given[k]))

    def rank(self, place: Tokens, key: str) -> int | None:
        """Where ``key`` sits among the keys of ``place``; None when unknown."""
        known = self.known_keys(place)
        return known.index(key) if key in known else None

    def is_flow(self, place: Tokens) -> bool:
        """Whether a mapping at ``place`` is written on one line."""
        where = generic(place)
        return where in self.flow or (bool(where) and where[-1] in FLOW_FIELDS)

    def is_date(self, place: Tokens) -> bool:
        """Whether the schema declares a date (``$defs/date``) at ``place``."""
        return generic(place) in self.dates

    def accepts_number(self, place: Tokens) -> bool:
        """Whether the schema accepts a number at ``place`` (``1289.00`` stays plain)."""
        return generic(place) in self.numbers


def generic(place: Tokens) -> Tokens:
    """List items, whatever their index, as the schema's ``*``."""
    return tuple(WILDCARD if isinstance(token, int) else token for token in place)


PLAIN = KindStyle()
"""The style of a kind without a schema: block mappings, flow lists of scalars."""


class Styles:
    """The style of every kind of a schema set, built on first use."""

    def __init__(self, schemas: SchemaSet | None) -> None:
        self.schemas = schemas
        self._cache: dict[str, KindStyle] = {}

    @classmethod
    def shared(cls, schemas: SchemaSet | None) -> Styles:
        """The one ``Styles`` of ``schemas``: an import renders thousands of
        entities, and walking the kind schemas for each was most of its time."""
        styles = cls(schemas)
        if schemas is not None:
            # The kinds' styles are kept, not the Styles: a value holding its
            # key would keep every schema set of a long process alive.
            styles._cache = _SHARED.setdefault(schemas, {})
        return styles

    def of(self, kind: object) -> KindStyle:
        """The style of ``kind``; the plain style for an unknown kind."""
        if self.schemas is None or not isinstance(kind, str):
            return PLAIN
        found = self._cache.get(kind)
        if found is None:
            uri = self.schemas.kind_uris.get(kind)
            if uri is None:
                return PLAIN
            found = _kind_style(self.schemas.documents[uri][1], self.schemas.walkable(uri))
            self._cache[kind] = found
        return found


_SHARED: weakref.WeakKeyDictionary[SchemaSet, dict[str, KindStyle]] = weakref.WeakKeyDictionary()


def _kind_style(contents: dict[str, Any], resolver: Any) -> KindStyle:
    """Walk the kind schema's parts one by one, so that the top-level order
    can put them together as the module docstring says."""
    found = KindStyle()
    walk = _Walk(found)
    parts = [p for p in contents.get("allOf", ()) if isinstance(p, dict)]
    pieces = [{"properties": contents.get("properties", {})}, *parts[:1], *parts[1:]]
    rest = {k: v for k, v in contents.items() if k not in ("properties", "allOf")}
    contributed: list[list[str]] = []
    for piece in [*pieces, rest]:
        before = len(found.order.get((), []))
        walk.visit(piece, resolver, ())
        contributed.append(found.order.get((), [])[before:])
    own, base = contributed[0], contributed[1] if len(parts) > 0 else []
    others = [k for keys in contributed[2 if parts else 1 :] for k in keys]
    fixed = set(HEAD) | set(TAIL)
    base = [k for k in base if k not in fixed]
    first_block = next((i for i, k in enumerate(base) if (k,) in found.blocks), len(base))
    order = [
        *base[:first_block],
        *(k for k in own if k not in fixed),
        *base[first_block:],
        *(k for k in TAIL if k in found.order.get((), [])),
        *(k for k in others if k not in fixed),
    ]
    found.order[()] = [*HEAD, *order]
    return found


class _Walk(SchemaWalk):
    """Collects key order, flow places and number places of one kind schema."""

    def __init__(self, target: KindStyle) -> None:
        super().__init__()
        self.target = target

    def _visit(self, schema: dict[str, Any], resolver: Any, tokens: tuple[str, ...]) -> None:
        types = schema.get("type")
        kinds = set(types) if isinstance(types, list) else {types}
        if kinds & {"number", "integer"}:
            self.target.numbers.add(tokens)
        if kinds & {"object", "array"}:
            self.target.blocks.add(tokens)
        props = schema.get("properties")
        if isinstance(props, dict):
            known = self.target.order.setdefault(tokens, [])
            known.extend(name for name in props if name not in known)
            for name, sub in props.items():
                self.visit(sub, resolver, (*tokens, name))
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rpartition("/")[2] if "#/$defs/" in ref else ""
            if name in FLOW_DEFS:
                self.target.flow.add(tokens)
            elif name == "date":
                self.target.dates.add(tokens)
            try:
                resolved = resolver.lookup(ref)
            except referencing.exceptions.Unresolvable:
                return  # the schema loader reports dangling references
            self.visit(resolved.contents, resolved.resolver, tokens)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, ()):
                self.visit(sub, resolver, tokens)
        for key in ("then", "else"):
            self.visit(schema.get(key), resolver, tokens)
        self.visit(schema.get("items"), resolver, (*tokens, WILDCARD))
