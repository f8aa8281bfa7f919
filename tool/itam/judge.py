"""Per-file analysis: one file's bytes to its document, entity and findings.

``analyse`` is a pure function of (path, bytes, schemas): the same input gives
the same result, and it reads nothing else. That is the seam where a process
pool (schemas built once per worker) or a cache keyed on the blob id and the
schemas' digest can answer instead, without the rest of the run noticing.
Whole-registry judgement (references, uniqueness, policies) comes after, in
``itam.assess``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from itam import yamlsafe
from itam.entities import Entity
from itam.findings import Finding, Severity
from itam.schema_messages import schema_findings
from itam.schemas import SchemaSet


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one file holds: its entity (None when it is no mapping) and the
    loader's and kind schema's findings on it."""

    entity: Entity | None
    findings: tuple[Finding, ...]


def analyse(rel: str, source: bytes, schemas: SchemaSet) -> FileResult:
    """Parse ``source`` safely and check it against its kind's schema."""
    doc = yamlsafe.load(source, rel)
    findings = list(doc.findings)
    entity = None
    if doc.data is not None:
        entity = Entity(doc, doc.data)
        findings.extend(_kind_findings(entity, schemas))
    return FileResult(entity, tuple(findings))


def _kind_findings(entity: Entity, schemas: SchemaSet) -> Iterable[Finding]:
    kind = entity.data.get("kind")
    if kind is None:
        return [
            entity.finding("schema.required", Severity.ERROR, "", "missing required field 'kind'")
        ]
    schema = schemas.kind(kind) if isinstance(kind, str) else None
    if schema is None:
        known = ", ".join(schemas.kinds)
        message = f"unknown kind {kind!r}; the kinds are: {known}"
        return [entity.finding("schema.kind", Severity.ERROR, "/kind", message)]
    return schema_findings(entity.doc, entity.id, entity.data, schema)


class Analyser:
    """``analyse`` with a memory: in pull-request mode most files are the same
    in both revisions and are analysed once."""

    def __init__(self, schemas: SchemaSet) -> None:
        self.schemas = schemas
        self._seen: dict[tuple[str, bytes], FileResult] = {}

    def __call__(self, rel: str, source: bytes) -> FileResult:
        key = (rel, source)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = analyse(rel, source, self.schemas)
        return found
