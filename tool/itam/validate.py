"""One validation run: load everything, judge it, and report.

Files → documents → entities → findings from the loader, the schemas and the
integrity rules → one Report. Everything is loaded even when only some paths
are asked about, since a duplicate serial needs both files; ``only`` limits
what is reported, not what is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from itam import files, integrity, yamlsafe
from itam.entities import Catalog, Entity
from itam.findings import Finding, Report, Severity, sort_findings
from itam.layout import Layout
from itam.policy import engine
from itam.policy.load import load_policy
from itam.policy.model import Policy
from itam.schema_messages import schema_findings
from itam.schemas import SchemaSet


@dataclass(slots=True)
class Loaded:
    """A registry read from disk, before judgement."""

    layout: Layout
    schemas: SchemaSet
    policy: Policy
    catalog: Catalog
    files: int
    findings: list[Finding]


def load(layout: Layout) -> Loaded:
    """Read every registry file, schema and policy.

    Raises ConfigError for a broken schema or policy file.
    """
    schemas = SchemaSet(layout.schemas, layout.root)
    policy = load_policy(layout, schemas.kinds)
    sources, findings = files.scan(layout.root, layout.registry)
    file_count = len(sources) + len(findings)
    entities = []
    for source in sources:
        try:
            raw = files.read_capped(source.path, yamlsafe.MAX_FILE_BYTES)
        except OSError as exc:
            findings.append(
                Finding(
                    "file.unreadable",
                    Severity.ERROR,
                    f"cannot read: {exc.strerror}",
                    file=source.rel,
                )
            )
            continue
        doc = yamlsafe.load(raw, source.rel)
        findings.extend(doc.findings)
        if doc.data is not None:
            entities.append(Entity(doc, doc.data))
    return Loaded(layout, schemas, policy, Catalog(entities), file_count, findings)


def judge(loaded: Loaded, as_of: dt.date) -> list[Finding]:
    """Schema, integrity and policy findings for every entity, waivers applied."""
    findings = list(loaded.findings)
    schemas = loaded.schemas
    for entity in loaded.catalog:
        findings.extend(_kind_findings(entity, schemas))
    findings.extend(integrity.check(loaded.catalog, schemas))
    findings.extend(engine.evaluate(loaded.catalog, loaded.policy, as_of))
    return engine.finalize(findings, loaded.catalog, loaded.policy, as_of)


def _kind_findings(entity: Entity, schemas: SchemaSet) -> Iterable[Finding]:
    kind = entity.data.get("kind")
    if kind is None:
        return [_whole(entity, "schema.required", "missing required field 'kind'")]
    schema = schemas.kind(kind) if isinstance(kind, str) else None
    if schema is None:
        known = ", ".join(schemas.kinds)
        line, column = entity.locate("/kind")
        return [
            Finding(
                "schema.kind",
                Severity.ERROR,
                f"unknown kind {kind!r}; the kinds are: {known}",
                file=entity.file,
                line=line,
                column=column,
                entity=entity.id,
                path="/kind",
            )
        ]
    return schema_findings(entity.doc, entity.id, entity.data, schema)


def _whole(entity: Entity, rule: str, message: str) -> Finding:
    return Finding(
        rule, Severity.ERROR, message, file=entity.file, line=1, column=1, entity=entity.id
    )


def run(layout: Layout, as_of: dt.date, only: list[Path] | None = None) -> Report:
    """Validate the registry at ``layout`` as of ``as_of``."""
    loaded = load(layout)
    findings = judge(loaded, as_of)
    if only:
        findings = [f for f in findings if _selected(f, layout.root, only)]
    return Report(
        root=str(layout.root),
        as_of=as_of.isoformat(),
        entities=len(loaded.catalog),
        files=loaded.files,
        findings=sort_findings(findings),
    )


def _selected(finding: Finding, root: Path, only: list[Path]) -> bool:
    if finding.file is None:
        return True
    path = root / finding.file
    return any(path == p or p in path.parents for p in only)
