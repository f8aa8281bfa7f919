"""What the registry's own policies say about schedules, read as plain data.

The generator dates audits and maintenance jobs so that none is due: for that
it needs the intervals ``policies/`` declares (``audit.intervals``,
``maintenance.types``) and the class of each lifecycle state. They are read
here from the YAML, with the selector semantics of ``itam.policy``: every
given criterion must hold, any listed value matches, ``locations`` matches the
asset's location or any location that contains it. Reading the data rather
than importing the tool keeps the generator working while the tool changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Facts:
    """What a selector can ask of an asset."""

    kind: str
    model: str
    status: str
    state_class: str | None
    criticality: str | None
    tags: frozenset[str]
    locations: frozenset[str]


@dataclass
class Schedules:
    """Audit and maintenance intervals (selector, days), first match wins."""

    audit: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    maintenance: dict[str, list[tuple[dict[str, Any], int]]] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)

    def audit_interval(self, facts: Facts) -> int:
        """Days between audits (365 when no interval matches)."""
        return next((days for when, days in self.audit if matches(when, facts)), 365)

    def maintenance_of(self, facts: Facts) -> list[tuple[str, int]]:
        """Each maintenance type that applies, with its days."""
        out = []
        for name, intervals in self.maintenance.items():
            days = next((d for when, d in intervals if matches(when, facts)), None)
            if days is not None:
                out.append((name, days))
        return out


def matches(when: dict[str, Any], facts: Facts) -> bool:
    """Whether a selector of policies/ selects the asset."""
    single = {
        "kinds": facts.kind,
        "models": facts.model,
        "states": facts.status,
        "classes": facts.state_class,
        "criticality": facts.criticality,
    }
    for key, values in when.items():
        if key in single:
            found = single[key] in values
        elif key == "tags":
            found = bool(facts.tags.intersection(values))
        elif key == "locations":
            found = bool(facts.locations.intersection(values))
        else:
            found = True  # a criterion added after this generator: not ours to judge
        if not found:
            return False
    return True


def read(root: Path) -> Schedules:
    """The schedules of the policies in ``root/policies``."""
    out = Schedules()
    for path in sorted((root / "policies").glob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        if not isinstance(data, dict):
            continue
        audit = data.get("audit") or {}
        for entry in audit.get("intervals") or []:
            out.audit.append((entry.get("when") or {}, int(entry["days"])))
        maintenance = data.get("maintenance") or {}
        for name, spec in (maintenance.get("types") or {}).items():
            out.maintenance[name] = [
                (entry.get("when") or {}, int(entry["days"]))
                for entry in spec.get("intervals") or []
            ]
        for lifecycle in (data.get("lifecycles") or {}).values():
            for state, spec in (lifecycle.get("states") or {}).items():
                out.classes.setdefault(state, spec.get("class"))
    return out
