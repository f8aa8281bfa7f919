"""Each row of an import planned against the registry: create, update, or not.

``plan`` matches every row on the map's key, gives new entities their ids
(all of them first, so that a row can name another row's entity), resolves
the references each row names (``import_refs``), and builds the bytes of
every file to write: a new entity's canonical text (``itam.edit.render_entity``)
or an existing file with only the fields that differ changed in place
(``itam.edit.apply_changes``). Nothing is judged or written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from itam.edit import apply_changes, render_entity
from itam.entities import Entity
from itam.errors import ConfigError
from itam.evaluation import Evaluation
from itam.interchange.import_ids import NAMED, Ids
from itam.interchange.import_refs import NewEntity, References, dig
from itam.interchange.import_rows import Draft
from itam.interchange.import_values import slug
from itam.interchange.mapped import ImportMap
from itam.limits import quote
from itam.numbers import decimal_of
from itam.schemas import SchemaSet

CREATED, UPDATED, UNCHANGED, REJECTED, SKIPPED = (
    "created",
    "updated",
    "unchanged",
    "rejected",
    "skipped",
)
ACTIONS = (CREATED, UPDATED, UNCHANGED, REJECTED, SKIPPED)


@dataclass(slots=True)
class Outcome:
    """What the import does with one row."""

    line: int
    key: str | None
    action: str
    id: str | None = None
    file: str | None = None
    changed: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Policy errors the written entity has (an overdue audit): itam validate reports them.
    policy: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """The files an import would write, and what it does with each row."""

    outcomes: dict[int, Outcome]
    writes: dict[str, bytes]
    # Which rows each planned file is written for: a finding on it rejects them.
    owners: dict[str, list[int]]
    created: list[NewEntity]
    # The file of each row's own entity.
    own_file: dict[int, str]


def _key_index(base: Evaluation, key: str) -> dict[str, list[Entity]]:
    index: dict[str, list[Entity]] = {}
    for entity in base.catalog:
        value = dig(entity.data, key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            index.setdefault(str(value).casefold(), []).append(entity)
    return index


def plan_rows(
    base: Evaluation,
    drafts: list[Draft],
    import_map: ImportMap,
    rejected: Mapping[int, list[str]],
    into: str | None,
) -> Plan:
    """What to do with each draft, and the bytes of every file to write;
    ``rejected`` holds the rows an earlier round of judging refused."""
    ids = Ids(base.catalog, into)
    refs = References(base.catalog, ids)
    index = _key_index(base, import_map.key)
    plan = Plan({}, {}, {}, [], {})
    holders: dict[int, Entity | None] = {}
    for draft in drafts:
        outcome = Outcome(draft.line, draft.key, REJECTED, warnings=list(draft.warnings))
        plan.outcomes[draft.line] = outcome
        reason = _not_planned(draft, rejected)
        if reason is not None:
            outcome.action = SKIPPED if draft.skipped is not None else REJECTED
            outcome.reasons.extend(reason)
            continue
        assert draft.key is not None
        found = index.get(draft.key.casefold(), [])
        if not found and import_map.key == "name" and draft.kind in NAMED:
            # "Dell" is the vendor dell, whatever its full name says.
            named = base.catalog.get(slug(draft.key))
            found = [named] if named is not None and named.kind == draft.kind else []
        if len(found) > 1:
            names = ", ".join(f"{e.id} ({e.file})" for e in found)
            outcome.reasons.append(f"{import_map.key} {quote(draft.key)} is on {names}")
            continue
        holders[draft.line] = found[0] if found else None
    # Ids of the new entities first, so that a row can name another row's
    # entity (a user's manager further down the users file).
    new_ids: dict[int, str] = {}
    for draft in drafts:
        if draft.line in holders and holders[draft.line] is None:
            try:
                new_ids[draft.line] = _new_id(ids, draft)
            except ConfigError as exc:
                plan.outcomes[draft.line].reasons.append(str(exc))
                del holders[draft.line]
                continue
            assert draft.kind is not None
            refs.add(draft.kind, new_ids[draft.line], draft.values)
    for draft in drafts:
        if draft.line not in holders:
            continue
        outcome = plan.outcomes[draft.line]
        holder = holders[draft.line]
        assert draft.kind is not None
        kind = (holder.kind or draft.kind) if holder is not None else draft.kind
        values, needs = _resolved(draft, refs, outcome, kind)
        try:
            if holder is not None:
                _plan_update(plan, outcome, holder, draft, values, base.schemas, import_map.key)
            else:
                _plan_create(plan, outcome, base, ids, draft, values, new_ids[draft.line])
        except ConfigError as exc:
            outcome.action = REJECTED
            outcome.reasons.append(str(exc))
            continue
        for file in needs:
            plan.owners.setdefault(file, []).append(draft.line)
    _add_references(plan, refs, base)
    return plan


def _not_planned(draft: Draft, rejected: Mapping[int, list[str]]) -> list[str] | None:
    if draft.skipped is not None:
        return [draft.skipped]
    if draft.rejection is not None:
        return [draft.rejection]
    if draft.line in rejected:
        return list(rejected[draft.line])
    return None


def _new_id(ids: Ids, draft: Draft) -> str:
    assert draft.kind is not None
    given = draft.values.get("id")
    if given is not None:
        return ids.given(str(given))
    name = draft.values.get("name")
    return ids.new_id(draft.kind, name if isinstance(name, str) else draft.key or "")


def _add_references(plan: Plan, refs: References, base: Evaluation) -> None:
    """The new entities rows name, each written once, owned by every row naming it."""
    accepted = {line for line, o in plan.outcomes.items() if o.action in (CREATED, UPDATED)}
    for new in refs.new.values():
        new.lines = [line for line in new.lines if line in accepted]
        if not new.lines:
            continue
        plan.created.append(new)
        plan.writes[new.file] = render_entity(new.data, base.schemas).encode("utf-8")
        plan.owners.setdefault(new.file, [])
        for need in new.needs:
            plan.owners.setdefault(need, [])
    # A new model's new manufacturer is needed by every row that needs the model.
    for new in plan.created:
        for need in new.needs:
            for line in plan.owners.get(new.file, []):
                if line not in plan.owners[need]:
                    plan.owners[need].append(line)


def _resolved(
    draft: Draft, refs: References, outcome: Outcome, kind: str
) -> tuple[dict[str, Any], list[str]]:
    values, needs, left_out = refs.resolve_values(draft.values, kind, draft.line)
    outcome.warnings.extend(left_out)
    return values, needs


def _leaves(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted paths down to the scalars and lists: an update touches only those."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        if isinstance(value, dict):
            out.update(_leaves({f"{path}.{k}": v for k, v in value.items()}))
        else:
            out[path] = value
    return out


def same_value(current: Any, wanted: Any) -> bool:
    """Whether the registry's value already says what the row says: amounts by
    their decimal value (1289.00 is 1289.0), lists as sets, the rest as equal."""
    if isinstance(wanted, list) and isinstance(current, list):
        return sorted(map(str, wanted)) == sorted(map(str, current))
    if isinstance(wanted, bool) or isinstance(current, bool):
        return wanted is current
    a, b = decimal_of(current), decimal_of(wanted)
    if a is not None and b is not None:
        return a == b
    return bool(current == wanted)


def _plan_update(
    plan: Plan,
    outcome: Outcome,
    entity: Entity,
    draft: Draft,
    values: dict[str, Any],
    schemas: SchemaSet,
    key: str,
) -> None:
    outcome.id, outcome.file = entity.id, entity.file
    if entity.kind != draft.kind:
        outcome.warnings.append(
            f"the row reads as a {draft.kind}; {entity.id} stays the {entity.kind} it is"
        )
    changes = {
        path: value
        for path, value in _leaves(values).items()
        # The key matched the entity; the id and the key are never rewritten.
        if path not in ("id", key)
        and not any(path == d or path.startswith(d + ".") for d in draft.defaults)
        and not same_value(dig(entity.data, path), value)
    }
    if not changes:
        outcome.action = UNCHANGED
        return
    text = entity.doc.source.decode("utf-8", "surrogateescape")
    edited = apply_changes(text, changes, schemas, file=entity.file)
    outcome.action = UPDATED
    outcome.changed = sorted(changes)
    plan.writes[entity.file] = edited.encode("utf-8", "surrogateescape")
    plan.owners.setdefault(entity.file, []).append(draft.line)
    plan.own_file[draft.line] = entity.file


def _plan_create(
    plan: Plan,
    outcome: Outcome,
    base: Evaluation,
    ids: Ids,
    draft: Draft,
    values: dict[str, Any],
    entity_id: str,
) -> None:
    assert draft.kind is not None
    file = ids.path(draft.kind, entity_id)
    data: dict[str, Any] = {"id": entity_id, "kind": draft.kind}
    data.update(_nested({k: v for k, v in values.items() if k != "id"}))
    text = render_entity(data, base.schemas)
    outcome.action = CREATED
    outcome.id, outcome.file = entity_id, file
    plan.writes[file] = text.encode("utf-8")
    plan.owners.setdefault(file, []).append(draft.line)
    plan.own_file[draft.line] = file


def _nested(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in _leaves(values).items():
        *parents, last = path.split(".")
        here = out
        for name in parents:
            here = here.setdefault(name, {})
        here[last] = value
    return out


# -- judging --------------------------------------------------------------------
