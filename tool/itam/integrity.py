"""Rules that need the whole registry: ids, file names, references, uniqueness.

Which fields are references and which must be unique is read from the schemas
(``x-references``, ``x-unique``), so an organisation's own fields get the same
checks as ours.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
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


def check(catalog: Catalog, schemas: SchemaSet) -> Iterator[Finding]:
    """All integrity findings, in no particular order."""
    yield from _file_names(catalog)
    yield from _duplicate_ids(catalog)
    yield from _references(catalog, schemas)
    yield from _uniqueness(catalog, schemas)


def _file_names(catalog: Catalog) -> Iterator[Finding]:
    for entity in catalog:
        if entity.id is not None and entity.id != entity.stem:
            yield _at(
                entity,
                "integrity.id-filename",
                "/id",
                f"the file is named {entity.stem!r} but its id is {entity.id!r}; "
                f"name the file {entity.id}.yaml",
            )


def _duplicate_ids(catalog: Catalog) -> Iterator[Finding]:
    owners: dict[str, list[Entity]] = defaultdict(list)
    for entity in catalog:
        if entity.id is not None:
            owners[entity.id.casefold()].append(entity)
    for group in owners.values():
        if len(group) < 2:
            continue
        for entity in group:
            others = ", ".join(o.file for o in group if o is not entity)
            yield _at(
                entity,
                "integrity.duplicate-id",
                "/id",
                f"id {entity.id!r} is also used by {others}; ids are unique across the "
                "registry (compared without case, as file systems may)",
            )


def _references(catalog: Catalog, schemas: SchemaSet) -> Iterator[Finding]:
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

    for entity in catalog:
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


def _uniqueness(catalog: Catalog, schemas: SchemaSet) -> Iterator[Finding]:
    seen: dict[tuple[str, str], list[tuple[Entity, str, str]]] = defaultdict(list)
    for entity in catalog:
        schema = schemas.kind(entity.kind) if entity.kind else None
        if schema is None:
            continue
        for spec in schema.unique:
            for namespace in spec.value:
                normalise = _NORMALISE.get(namespace, str.strip)
                for pointer, value in values_at(entity.data, spec.tokens):
                    if isinstance(value, str) and value.strip():
                        seen[namespace, normalise(value)].append((entity, pointer, value))
    for (namespace, _), holders in seen.items():
        if len({id(e) for e, _, _ in holders}) < 2:
            continue
        label = _UNIQUE_NAMES.get(namespace, namespace)
        for entity, pointer, value in holders:
            others = ", ".join(
                f"{o.id or o.file} ({o.file})" for o, _, _ in holders if o is not entity
            )
            yield _at(
                entity,
                f"integrity.unique-{namespace.replace('_', '-')}",
                pointer,
                f"{label} {value!r} is also recorded on {others}",
            )
