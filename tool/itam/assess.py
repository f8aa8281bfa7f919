"""Whole-registry judgement of one revision: integrity and policy rules.

Per-file results (``itam.judge``) are gathered into a catalog; then the rules
that need every entity at once run over it: ids, references and uniqueness
(``itam.integrity``), and the policy's rules (``itam.policy.engine``) through
one context that computes each entity's derived values once. Waivers and the
comparison with a base revision come later, in ``itam.evaluation``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from itam import integrity
from itam.entities import Catalog
from itam.findings import Finding
from itam.judge import FileResult
from itam.policy import engine
from itam.policy.context import Context
from itam.policy.model import Policy
from itam.schemas import SchemaSet
from itam.snapshot import Snapshot


@dataclass(slots=True)
class Judged:
    """One revision, read and judged (waivers not yet applied)."""

    snapshot: Snapshot
    catalog: Catalog
    context: Context
    findings: list[Finding]


def assess(
    snapshot: Snapshot,
    analyse: Callable[[Mapping[str, bytes]], Mapping[str, FileResult]],
    schemas: SchemaSet,
    policy: Policy,
    as_of: dt.date,
) -> Judged:
    """Loader, schema, integrity and policy findings of ``snapshot``."""
    findings = list(snapshot.findings)
    entities = []
    results = analyse(dict(sorted(snapshot.files.items())))
    for result in results.values():
        findings.extend(result.findings)
        if result.entity is not None:
            entities.append(result.entity)
    catalog = Catalog(entities)
    context = Context(catalog, policy, as_of)
    findings.extend(integrity.check(catalog, schemas))
    findings.extend(engine.evaluate(context))
    return Judged(snapshot, catalog, context, findings)
