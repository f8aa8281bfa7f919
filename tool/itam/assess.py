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
from typing import TYPE_CHECKING

from itam import integrity
from itam.affected import affected
from itam.analysis.pool import MIN_FILES_PER_WORKER, Beside
from itam.entities import Catalog
from itam.findings import Finding
from itam.judge import FileResult
from itam.policy import engine
from itam.policy.context import Context
from itam.policy.model import Policy
from itam.schemas import SchemaSet
from itam.snapshot import Snapshot

if TYPE_CHECKING:
    from itam.analysis.runs import Judgement

SIDE_BY_SIDE = 2 * MIN_FILES_PER_WORKER
"""Entities from which a forked process for the integrity rules pays for itself."""


@dataclass(slots=True)
class Judged:
    """One revision, read and judged (waivers not yet applied).

    ``whole`` holds the findings of the rules over the whole registry
    (integrity and policy), which ``findings`` holds too, after the loader's
    and the schemas'."""

    snapshot: Snapshot
    catalog: Catalog
    context: Context
    findings: list[Finding]
    whole: list[Finding]


Analyse = Callable[[Mapping[str, bytes]], Mapping[str, FileResult]]


def assess(
    snapshot: Snapshot,
    analyse: Analyse,
    schemas: SchemaSet,
    policy: Policy,
    as_of: dt.date,
    workers: int = 1,
) -> Judged:
    """Loader, schema, integrity and policy findings of ``snapshot``; with two
    ``workers`` or more, the integrity and the policy rules of a large
    registry run side by side."""
    findings, catalog = gather(snapshot, analyse)
    context = Context(catalog, policy, as_of)
    # Independent of each other, both over the whole catalog: on a second
    # core, the integrity rules cost nothing (7 s of 40 at 100,000 entities).
    checked = Beside(
        lambda: list(integrity.check(catalog, schemas)),
        parallel=workers > 1 and len(catalog) >= SIDE_BY_SIDE,
    )
    policy_findings = engine.evaluate(context)
    whole = checked.result() + policy_findings
    return Judged(snapshot, catalog, context, findings + whole, whole)


def reassess(
    snapshot: Snapshot,
    analyse: Analyse,
    schemas: SchemaSet,
    policy: Policy,
    as_of: dt.date,
    base: Catalog,
    judged: Judgement,
    changed: set[str],
) -> Judged:
    """``assess`` of a head revision, given its base ``judged`` by the same
    rules: the whole-registry rules judge again only the entities the change
    can affect (``itam.affected``); every other entity keeps its base
    findings. ``changed`` holds the registry files the change added, edited
    or deleted."""
    findings, catalog = gather(snapshot, analyse)
    unique = integrity.unique_index(catalog, schemas)
    again = affected(base, catalog, changed, schemas, judged.whole, unique)
    full = engine.whole_selection_rules(policy)
    kept = [
        f
        for f in judged.whole
        if f.file not in again and f.file not in changed and f.rule not in full
    ]
    context = Context(catalog, policy, as_of)
    whole = (
        kept
        + list(integrity.check(catalog, schemas, again, unique))
        + engine.evaluate(context, context.only(again))
    )
    return Judged(snapshot, catalog, context, findings + whole, whole)


def gather(snapshot: Snapshot, analyse: Analyse) -> tuple[list[Finding], Catalog]:
    """The loader's and the schemas' findings of ``snapshot``, and its catalog."""
    findings = list(snapshot.findings)
    entities = []
    for result in analyse(dict(sorted(snapshot.files.items()))).values():
        findings.extend(result.findings)
        if result.entity is not None:
            entities.append(result.entity)
    return findings, Catalog(entities)
