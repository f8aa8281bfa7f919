"""What a check sees: the registry, the policy, the date, and derived values."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Container, Iterator
from typing import Any

from itam.changes import ChangeSet
from itam.derive import Derived, derive
from itam.entities import Catalog, Entity
from itam.findings import Finding
from itam.policy.model import Depreciation, MaintenanceType, Policy, Rule, Selector, State
from itam.support import Memo, Support, match_software


class Context:
    """The registry as of one date, under one policy."""

    def __init__(
        self,
        catalog: Catalog,
        policy: Policy,
        as_of: dt.date,
        changes: ChangeSet | None = None,
    ) -> None:
        self.catalog = catalog
        self.policy = policy
        self.as_of = as_of
        # In pull-request mode, what the change did (for the change checks);
        # set once the change is known, after the revision was judged.
        self.changes = changes
        # Set by ``only``: a pull request judges again what its change can
        # affect, and nothing else (``itam.affected``).
        self.restricted: Container[str] | None = None
        self._derived: dict[int, Derived] = {}
        self._ancestors: dict[str, frozenset[str]] = {}
        # Many rules share a selector; each selection is computed once.
        self._selected: dict[Selector, list[Entity]] = {}
        # A fleet runs few distinct builds: each is matched to a release once.
        self._software: Memo = {}

    # -- facts about one entity ---------------------------------------------
    def state(self, entity: Entity) -> State | None:
        lifecycle = self.policy.lifecycle_of(entity.kind)
        status = entity.get("status")
        if lifecycle is None or not isinstance(status, str):
            return None
        return lifecycle.states.get(status)

    def derived(self, entity: Entity) -> Derived:
        """The entity's derived values as of the run's date, computed once."""
        found = self._derived.get(id(entity))
        if found is None:
            found = self._derived[id(entity)] = derive(
                entity,
                self.as_of,
                model=self._model(entity),
                audit_interval=self.audit_interval(entity),
                plan=self.depreciation(entity),
                schedules=self.maintenance_schedules(entity),
                software=self.software(entity),
            )
        return found

    def software(self, entity: Entity) -> tuple[Support, ...]:
        """The operating system and firmware the entity records, each matched
        to a release (``derived(entity).software``, without the rest)."""
        found = self._derived.get(id(entity))
        if found is not None:
            return found.software
        model = self._model(entity)
        return match_software(
            entity,
            model if model is not None and model.kind == "model" else None,
            self.policy.software,
            self.policy.reference,
            self._software,
        )

    def _model(self, entity: Entity) -> Entity | None:
        model_id = entity.get("model")
        return self.catalog.get(model_id) if isinstance(model_id, str) else None

    def only(self, files: Container[str]) -> Context:
        """This context with its rules selecting among the entities of
        ``files`` alone; lookups and derived values are shared with it."""
        view = copy.copy(self)
        view.restricted = files
        view._selected = {}
        return view

    def locations_of(self, entity: Entity) -> frozenset[str]:
        """The entity's location and every location that contains it."""
        start = entity.get("location")
        if not isinstance(start, str):
            return frozenset()
        cached = self._ancestors.get(start)
        if cached is None:
            chain: list[str] = []
            current: Any = start
            while isinstance(current, str) and current not in chain:
                chain.append(current)
                parent = self.catalog.get(current)
                current = parent.get("parent") if parent is not None else None
            cached = self._ancestors[start] = frozenset(chain)
        return cached

    def matches(self, selector: Selector, entity: Entity) -> bool:
        if selector.kinds is not None and entity.kind not in selector.kinds:
            return False
        if selector.models is not None:
            model = entity.get("model")
            if not isinstance(model, str) or model not in selector.models:
                return False
        status = entity.get("status")
        # A list or mapping where a name belongs is a schema finding, not a crash.
        if selector.states is not None and not (
            isinstance(status, str) and status in selector.states
        ):
            return False
        if selector.classes is not None:
            state = self.state(entity)
            if state is None or state.state_class not in selector.classes:
                return False
        if selector.tags is not None:
            tags = entity.get("tags")
            if not isinstance(tags, list) or not selector.tags.intersection(
                t for t in tags if isinstance(t, str)
            ):
                return False
        criticality = entity.get("criticality")
        if selector.criticality is not None and not (
            isinstance(criticality, str) and criticality in selector.criticality
        ):
            return False
        return selector.locations is None or bool(selector.locations & self.locations_of(entity))

    def select(self, rule: Rule) -> Iterator[Entity]:
        """The entities the rule applies to, in file order."""
        selector = rule.selector
        found = self._selected.get(selector)
        if found is None:
            pool = (
                self.catalog.of_kind(*sorted(selector.kinds))
                if selector.kinds is not None
                else self.catalog.entities
            )
            if self.restricted is not None:
                pool = [e for e in pool if e.file in self.restricted]
            found = self._selected[selector] = [e for e in pool if self.matches(selector, e)]
        return iter(found)

    def audit_interval(self, entity: Entity) -> int | None:
        for interval in self.policy.audit_intervals:
            if self.matches(interval.selector, entity):
                return interval.days
        return None

    def maintenance_schedules(self, entity: Entity) -> tuple[tuple[MaintenanceType, int], ...]:
        """Each maintenance type that applies to the entity, with the days of
        its first matching interval."""
        found = []
        for schedule in self.policy.maintenance_types:
            for interval in schedule.intervals:
                if self.matches(interval.selector, entity):
                    found.append((schedule, interval.days))
                    break
        return tuple(found)

    def depreciation(self, entity: Entity) -> Depreciation | None:
        for plan in self.policy.depreciation:
            if self.matches(plan.selector, entity):
                return plan
        return None

    # -- making findings ------------------------------------------------------
    def finding(self, rule: Rule, entity: Entity, pointer: str, message: str) -> Finding:
        return entity.finding(rule.id, rule.severity, pointer, message, rule.rationale)
