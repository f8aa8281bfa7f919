"""Rules that need the whole registry: ids, file names, references, uniqueness.

Which fields are references and which must be unique is read from the schemas
(``x-references``, ``x-unique``), so an organisation's own fields get the same
checks as ours.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from functools import partial

from itam.entities import Catalog, Entity
from itam.findings import Finding, Severity
from itam.limits import PER_RULE, quote, too_many
from itam.schemas import KindSchema, SchemaSet, values_at
from itam.suggest import did_you_mean_sorted

_UNIQUE_NAMES = {"serial": "serial number", "asset_tag": "asset tag", "mac": "MAC address"}


def _normalise_mac(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


_NORMALISE: dict[str, Callable[[str], str]] = {
    "serial": lambda v: v.strip().casefold(),
    "asset_tag": lambda v: v.strip().casefold(),
    "mac": _normalise_mac,
}


def _at(entity: Entity, rule: str, pointer: str, message: str) -> Finding:
    return entity.finding(rule, Severity.ERROR, pointer, message)


def check(
    catalog: Catalog,
    schemas: SchemaSet,
    only: Container[str] | None = None,
    unique: UniqueIndex | None = None,
) -> Iterator[Finding]:
    """All integrity findings, in no particular order; with ``only``, those
    on the entities of these files alone (each still judged against the
    whole catalog). ``unique`` is the catalog's ``unique_index``, if built."""
    chosen = catalog.entities if only is None else [e for e in catalog if e.file in only]
    yield from _file_names(chosen)
    yield from _duplicate_ids(catalog, only)
    yield from _references(chosen, catalog, schemas)
    yield from _uniqueness(unique_index(catalog, schemas) if unique is None else unique, only)


UniqueIndex = dict[tuple[str, str], list[tuple[Entity, str, str]]]
"""(namespace, compared value) → (entity, pointer, value) of each holder, in file order."""

_Specs = list[tuple[tuple[str, ...], str, Callable[[str], str]]]


def unique_index(catalog: Catalog, schemas: SchemaSet) -> UniqueIndex:
    """Every unique value the registry holds (serial, asset tag, MAC and any
    ``x-unique`` field), with its holders."""
    seen: UniqueIndex = defaultdict(list)
    specs_of: dict[str | None, _Specs] = {}
    for entity in catalog:
        specs = specs_of.get(entity.kind)
        if specs is None:
            specs = specs_of[entity.kind] = _unique_specs(entity.kind, schemas)
        for tokens, namespace, normalise in specs:
            for pointer, value in values_at(entity.data, tokens):
                if isinstance(value, str) and value.strip():
                    seen[namespace, normalise(value)].append((entity, pointer, value))
    return seen


def unique_values(entity: Entity, schemas: SchemaSet) -> Iterator[tuple[str, str]]:
    """(namespace, compared value) of each unique field the entity fills."""
    for tokens, namespace, normalise in _unique_specs(entity.kind, schemas):
        for _, value in values_at(entity.data, tokens):
            if isinstance(value, str) and value.strip():
                yield namespace, normalise(value)


def _unique_specs(kind: str | None, schemas: SchemaSet) -> _Specs:
    """(tokens, namespace, how values compare) of each unique field of ``kind``."""
    schema = schemas.kind(kind) if kind else None
    if schema is None:
        return []
    return [
        (spec.tokens, namespace, _NORMALISE.get(namespace, str.strip))
        for spec in schema.unique
        for namespace in spec.value
    ]


def _file_names(entities: Iterable[Entity]) -> Iterator[Finding]:
    for entity in entities:
        if entity.id is not None and entity.id != entity.stem:
            yield _at(
                entity,
                "integrity.id-filename",
                "/id",
                f"the file is named {entity.stem!r} but its id is {entity.id!r}; "
                f"name the file {entity.id}.yaml",
            )


def _duplicate_ids(catalog: Catalog, only: Container[str] | None) -> Iterator[Finding]:
    owners: dict[str, list[Entity]] = defaultdict(list)
    for entity in catalog:
        if entity.id is not None:
            owners[entity.id.casefold()].append(entity)
    for group in owners.values():
        if len(group) < 2:
            continue
        for entity in group:
            if only is not None and entity.file not in only:
                continue
            others = ", ".join(o.file for o in group if o is not entity)
            yield _at(
                entity,
                "integrity.duplicate-id",
                "/id",
                f"id {entity.id!r} is also used by {others}; ids are unique across the "
                "registry (compared without case, as file systems may)",
            )


def _references(
    entities: Iterable[Entity], catalog: Catalog, schemas: SchemaSet
) -> Iterator[Finding]:
    ids_of_kind: dict[str | None, list[str]] = defaultdict(list)
    for known_id, known in sorted(catalog.by_id.items()):
        ids_of_kind[known.kind].append(known_id)
    # One sorted list per set of wanted kinds, built once for the whole run.
    wanted_ids: dict[tuple[str, ...], list[str]] = {}

    def hint(value: str, kinds: tuple[str, ...]) -> str:
        ordered = wanted_ids.get(kinds)
        if ordered is None:
            ordered = wanted_ids[kinds] = sorted(i for k in kinds for i in ids_of_kind[k])
        return did_you_mean_sorted(value, ordered)

    for entity in entities:
        schema = schemas.kind(entity.kind) if entity.kind else None
        if schema is None:
            continue
        # A file with 30,000 broken references: the first ten of each rule are
        # located, explained and suggested for; the rest only counted, since
        # finding a line and a suggestion is what costs.
        shown: Counter[str] = Counter()
        left: dict[str, tuple[Finding, int]] = {}
        for rule, pointer, message in _broken_references(entity, schema, catalog, hint):
            if shown[rule] < PER_RULE:
                shown[rule] += 1
                yield _at(entity, rule, pointer, message())
            elif rule in left:
                first, count = left[rule]
                left[rule] = (first, count + 1)
            else:
                left[rule] = (_at(entity, rule, pointer, message()), 1)
        for rule, (first, count) in sorted(left.items()):
            yield too_many(rule, count, first)


def _broken_references(
    entity: Entity,
    schema: KindSchema,
    catalog: Catalog,
    hint: Callable[[str, tuple[str, ...]], str],
) -> Iterator[tuple[str, str, Callable[[], str]]]:
    """(rule, pointer, message maker) for each reference of ``entity`` that
    names no entity, or one of the wrong kind."""
    for spec in schema.references:
        field = ".".join(t for t in spec.tokens if t != "*")
        wanted = " or ".join(spec.value)
        for pointer, value in values_at(entity.data, spec.tokens):
            if not isinstance(value, str):
                continue
            target = catalog.get(value)
            if target is None:
                message = partial(_missing, field, wanted, value, spec.value, hint)
                yield "integrity.reference", pointer, message
            elif target.kind not in spec.value:
                message = partial(_wrong_kind, field, wanted, value, target.kind)
                yield "integrity.reference-kind", pointer, message


def _missing(
    field: str,
    wanted: str,
    value: str,
    kinds: tuple[str, ...],
    hint: Callable[[str, tuple[str, ...]], str],
) -> str:
    return f"{field}: no {wanted} with id {quote(value)} in the registry{hint(value, kinds)}"


def _wrong_kind(field: str, wanted: str, value: str, kind: str | None) -> str:
    return f"{field}: {quote(value)} is a {kind}, not a {wanted}"


def _uniqueness(seen: UniqueIndex, only: Container[str] | None) -> Iterator[Finding]:
    for (namespace, _), holders in seen.items():
        if len({id(e) for e, _, _ in holders}) < 2:
            continue
        label = _UNIQUE_NAMES.get(namespace, namespace)
        for entity, pointer, value in holders:
            if only is not None and entity.file not in only:
                continue
            others = ", ".join(
                f"{o.id or o.file} ({o.file})" for o, _, _ in holders if o is not entity
            )
            yield _at(
                entity,
                f"integrity.unique-{namespace.replace('_', '-')}",
                pointer,
                f"{label} {value!r} is also recorded on {others}",
            )
