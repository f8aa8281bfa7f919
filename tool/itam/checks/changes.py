"""Change checks: judge what a pull request did, against the merge base.

They run only with ``itam validate --base REF``. Each sees the ChangeSet:
entities matched by id between the base and the change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import FIELD_LIST, Check, nearest
from itam.findings import Finding
from itam.pointers import get

if TYPE_CHECKING:
    from itam.changes import Change
    from itam.entities import Entity
    from itam.policy.context import Context
    from itam.policy.model import Rule


def _modified(ctx: Context, rule: Rule) -> Iterator[tuple[Change, Entity, Entity]]:
    """Each modified entity the rule selects, with its old and new versions.

    The rule selects an edit when it selects either version: a rule on
    disposed assets must see the edit that moves one out of disposed.
    """
    assert ctx.changes is not None
    for change in ctx.changes.modified():
        old, new = change.old, change.new
        if old is None or new is None:
            continue
        if ctx.matches(rule.selector, new) or ctx.matches(rule.selector, old):
            yield change, old, new


class LifecycleTransition(Check):
    """A status change must follow the transitions of the kind's lifecycle in
    policies/: an asset may not jump from ordered to disposed, and nothing
    leaves a terminal state such as disposed."""

    name = "lifecycle.transition"
    summary = "status changes follow the lifecycle's transitions"
    needs_base = True
    good_example = "status: deployed → retired"
    bad_example = "status: disposed → deployed    # disposed is terminal"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for change, _, entity in _modified(ctx, rule):
            old, new = change.old_status, change.new_status
            lifecycle = ctx.policy.lifecycle_of(entity.kind)
            if lifecycle is None or old is None or new is None or old == new:
                continue
            if old not in lifecycle.states or new not in lifecycle.states:
                continue  # lifecycle.state reports unknown states
            if lifecycle.allows(old, new):
                continue
            targets = sorted(lifecycle.transitions.get(old, ()))
            allowed = ", ".join(targets) if targets else f"nothing: {old} is terminal"
            yield ctx.finding(
                rule,
                entity,
                "/status",
                f"{old} → {new} is not an allowed transition; from {old} it may move to {allowed}",
            )


class EntityDeleted(Check):
    """An asset's file may not disappear from the registry: its history is
    the audit trail. Retire or dispose of the asset instead."""

    name = "entity.deleted"
    summary = "asset files are never deleted"
    needs_base = True
    good_example = "status: retired    # the file stays"
    bad_example = "git rm registry/hardware/laptops/LT-0003.yaml"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        assert ctx.changes is not None
        for change in ctx.changes.deleted():
            old = change.old
            if old is None or not ctx.matches(rule.selector, old):
                continue
            finding = ctx.finding(
                rule,
                old,
                "/id",
                f"{change.id} was deleted; assets stay in the registry: set its status to "
                "retired or disposed instead",
            )
            yield finding


class EntityIdChanged(Check):
    """An entity's id is permanent: references, history and reports use it.
    A file that now holds another id, or the same serial under a new id, is
    reported on the new id."""

    name = "entity.id-changed"
    summary = "ids never change"
    needs_base = True
    good_example = "id: LT-0001    # as on the base"
    bad_example = "id: LT-0100    # was LT-0001"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        assert ctx.changes is not None
        for old_id, entity in sorted(ctx.changes.renamed.items()):
            if ctx.matches(rule.selector, entity):
                yield ctx.finding(
                    rule,
                    entity,
                    "/id",
                    f"the id changed from {old_id} to {entity.id}; ids are permanent, keep "
                    f"{old_id}",
                )


class ImmutableFields(Check):
    """Fields fixed once recorded (the serial, the asset tag, the purchase
    facts; the list is ``fields``) may be filled in when missing, but never
    changed or removed."""

    name = "entity.immutable"
    summary = "recorded facts such as the serial never change"
    needs_base = True
    params: ClassVar[dict[str, Any]] = {
        "fields": {
            **FIELD_LIST,
            "default": [
                "kind",
                "serial",
                "asset_tag",
                "purchase.date",
                "purchase.order",
                "purchase.cost",
                "purchase.vendor",
            ],
            "description": "Dotted paths of fields that may not change once set.",
        }
    }
    good_example = "serial: PF4K7M2Q    # unchanged; or added where it was missing"
    bad_example = "serial: PF4K7M2R    # was PF4K7M2Q"

    def __init__(self, params: dict[str, Any]) -> None:
        self.fields = list(params["fields"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for _, old, new in _modified(ctx, rule):
            for field in self.fields:
                before = get(old.data, field)
                after = get(new.data, field)
                if before is not None and after != before:
                    what = "removed" if after is None else f"changed to {after!r}"
                    yield ctx.finding(
                        rule,
                        new,
                        nearest(new.data, field, "/id"),
                        f"{field} was {before!r} and is {what}; it is fixed once recorded",
                    )


class EntityFrozen(Check):
    """An entity in a terminal state (disposed) is a closed record: nothing in
    it may change."""

    name = "entity.frozen"
    summary = "records in a terminal state never change"
    needs_base = True
    good_example = "status: disposed    # file unchanged"
    bad_example = "status: disposed\nnotes: edited after disposal"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for change, old, new in _modified(ctx, rule):
            lifecycle = ctx.policy.lifecycle_of(old.kind)
            status = change.old_status
            state = lifecycle.states.get(status) if lifecycle and status else None
            if state is None or not state.terminal:
                continue
            keys = sorted(
                k for k in old.data.keys() | new.data.keys() if old.data.get(k) != new.data.get(k)
            )
            yield ctx.finding(
                rule,
                new,
                f"/{keys[0]}" if keys and keys[0] in new.data else "/status",
                f"{change.id} is {status}, a terminal state: its record may not change "
                f"(changed: {', '.join(keys)})",
            )


class AppendOnlyHistory(Check):
    """Recorded history (audits, maintenance; the list is ``fields``) may
    grow but never lose or alter a record."""

    name = "history.append-only"
    summary = "recorded audits and maintenance only grow"
    needs_base = True
    params: ClassVar[dict[str, Any]] = {
        "fields": {
            **FIELD_LIST,
            "default": ["audits", "maintenance"],
            "description": "Lists whose records may be added but not removed or changed.",
        }
    }
    good_example = "audits: [{date: 2025-03-20}, {date: 2026-03-18}]    # one added"
    bad_example = "audits: [{date: 2026-03-18}]    # the 2025-03-20 audit was removed"

    def __init__(self, params: dict[str, Any]) -> None:
        self.fields = list(params["fields"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for _, old, new in _modified(ctx, rule):
            for field in self.fields:
                before = get(old.data, field)
                if not isinstance(before, list) or not before:
                    continue
                after = get(new.data, field)
                remaining = (
                    Counter(_frozen(r) for r in after) if isinstance(after, list) else Counter()
                )
                lost = []
                for index, record in enumerate(before):
                    key = _frozen(record)
                    if remaining[key] > 0:
                        remaining[key] -= 1
                    else:
                        lost.append(index)
                if lost:
                    first = before[lost[0]]
                    when = first.get("date") if isinstance(first, dict) else None
                    label = f"the one of {when}" if when else f"record {lost[0] + 1}"
                    count = (
                        "1 recorded entry" if len(lost) == 1 else f"{len(lost)} recorded entries"
                    )
                    yield ctx.finding(
                        rule,
                        new,
                        nearest(new.data, field, "/id"),
                        f"{count} of {field} removed or altered (first: {label}); "
                        "history may only grow",
                    )


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a YAML value, for counting records."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value
