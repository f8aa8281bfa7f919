"""The organisation's policies as typed data, once loaded and checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from itam.findings import Severity
from itam.reference.model import Reference

STATE_CLASSES = ("pending", "deployable", "deployed", "undeployable", "archived")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a piece of policy was written, for messages and findings."""

    file: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """A field a state requires; with several paths, any one of them will do."""

    paths: tuple[str, ...]

    def describe(self) -> str:
        return " or ".join(self.paths)


@dataclass(frozen=True, slots=True)
class State:
    name: str
    state_class: str
    terminal: bool = False
    requires: tuple[Requirement, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """One state machine, shared by a group of kinds."""

    name: str
    kinds: frozenset[str]
    states: dict[str, State]
    transitions: dict[str, frozenset[str]]
    place: Place

    def allows(self, old: str, new: str) -> bool:
        return old == new or new in self.transitions.get(old, frozenset())


@dataclass(frozen=True, slots=True)
class Selector:
    """Which entities a rule applies to. Every given criterion must hold;
    within one criterion, any listed value matches."""

    kinds: frozenset[str] | None = None
    states: frozenset[str] | None = None
    classes: frozenset[str] | None = None
    tags: frozenset[str] | None = None
    criticality: frozenset[str] | None = None
    locations: frozenset[str] | None = None
    models: frozenset[str] | None = None

    def describe(self) -> str:
        parts = []
        for name in ("kinds", "models", "states", "classes", "tags", "criticality", "locations"):
            values = getattr(self, name)
            if values is not None:
                parts.append(f"{name}: {', '.join(sorted(values))}")
        return "; ".join(parts) or "every entity"


@dataclass(frozen=True, slots=True)
class Rule:
    """A check switched on by the policy, with its severity, scope and parameters."""

    id: str
    check: str
    severity: Severity
    selector: Selector
    params: dict[str, Any]
    rationale: str
    place: Place
    # The check instance, built once with the merged parameters.
    impl: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Waiver:
    """An approved exception to a rule for some entities, until a date."""

    rule: str
    entities: tuple[str, ...]
    reason: str
    approved_by: str
    expires: dt.date
    place: Place

    def label(self) -> str:
        return f"approved by {self.approved_by} until {self.expires.isoformat()}: {self.reason}"


@dataclass(slots=True)
class AuditInterval:
    """Days between audits for the entities the selector matches."""

    selector: Selector
    days: int


@dataclass(slots=True)
class Depreciation:
    """Straight-line depreciation for a group of kinds."""

    selector: Selector
    months: int
    salvage_percent: float


@dataclass(frozen=True, slots=True)
class MaintenanceInterval:
    """Days between two jobs of one maintenance type, for the entities the selector matches."""

    selector: Selector
    days: int


@dataclass(frozen=True, slots=True)
class MaintenanceType:
    """A named kind of preventive maintenance (a UPS battery check, a firmware
    review) and how often it is due: the first matching interval applies."""

    name: str
    description: str
    intervals: tuple[MaintenanceInterval, ...]
    grace_days: int
    place: Place


@dataclass(frozen=True, slots=True)
class SoftwareMatch:
    """One entry of the ``software:`` mapping: software an asset records, by
    name and version pattern, as a release cycle of a reference product."""

    # "os" (the asset's os.name and os.version) or "firmware" (its model's
    # firmware_family and its own firmware).
    source: str
    # The names it matches, as written; compared without case or extra spaces.
    names: tuple[str, ...]
    product: str
    # An RE2 pattern searched in the recorded version; its groups fill `cycle`.
    version: str
    cycle: str
    place: Place
    compiled: Any = field(default=None, compare=False, repr=False)
    # The names as compared (itam.support.normal), built once at load.
    keys: frozenset[str] = field(default=frozenset(), compare=False, repr=False)


@dataclass(slots=True)
class Policy:
    """Everything in policies/, and the reference data of reference/ that
    rules judge by (end-of-support dates)."""

    lifecycles: list[Lifecycle] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    audit_intervals: list[AuditInterval] = field(default_factory=list)
    audit_grace_days: int = 30
    depreciation: list[Depreciation] = field(default_factory=list)
    maintenance_types: list[MaintenanceType] = field(default_factory=list)
    software: list[SoftwareMatch] = field(default_factory=list)
    reference: Reference = field(default_factory=Reference)

    def maintenance_type(self, name: str) -> MaintenanceType | None:
        return next((t for t in self.maintenance_types if t.name == name), None)

    def lifecycle_of(self, kind: str | None) -> Lifecycle | None:
        for lifecycle in self.lifecycles:
            if kind in lifecycle.kinds:
                return lifecycle
        return None

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)
