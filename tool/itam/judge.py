"""Per-file analysis: one file's bytes to its document, entity and findings.

``analyse`` is a pure function of (path, bytes, schemas): the same input gives
the same result, and it reads nothing else. That is the seam where a process
pool (schemas built once per worker) or a cache keyed on the blob id and the
schemas' digest can answer instead, without the rest of the run noticing.
Whole-registry judgement (references, uniqueness, policies) comes after, in
``itam.assess``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from itam import yamlsafe
from itam.analysis import RunOptions
from itam.analysis.cache import AnalysisCache, Result
from itam.analysis.pool import analyse_many
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
    """``analyse`` for a whole snapshot: remembered within the run (in
    pull-request mode most files are the same in both revisions), answered
    by the cache where one is open, and spread over worker processes for the
    rest. The results are those of ``analyse`` file by file, in any case."""

    def __init__(
        self,
        schemas: SchemaSet,
        options: RunOptions | None = None,
        schemas_digest: str = "",
    ) -> None:
        self.schemas = schemas
        self.options = options or RunOptions(workers=1)
        self.cache: AnalysisCache | None = None
        if self.options.cache is not None:
            self.cache = AnalysisCache(self.options.cache, schemas_digest)
        self._seen: dict[tuple[str, bytes], FileResult] = {}
        # Every cache key this run has named: what the cache must keep (in
        # pull-request mode, the head's files and the base's).
        self._live: set[bytes] = set()

    @property
    def workers(self) -> int:
        """How many processes the run may use."""
        return self.options.worker_count()

    def __call__(self, rel: str, source: bytes) -> FileResult:
        return self.many({rel: source})[rel]

    def many(self, files: Mapping[str, bytes]) -> dict[str, FileResult]:
        """The result of every file, by path, in the order of ``files``."""
        out: dict[str, FileResult | None] = {}
        todo: list[tuple[str, bytes]] = []
        for rel, source in files.items():
            found = self._seen.get((rel, source))
            out[rel] = found
            if found is None:
                todo.append((rel, source))
        for (rel, source), result in zip(todo, self._answer(todo), strict=True):
            out[rel] = self._seen[(rel, source)] = _rebuild(rel, source, result)
        return out  # type: ignore[return-value]  # every None was filled

    def _one(self, rel: str, source: bytes) -> Result:
        found = analyse(rel, source, self.schemas)
        return (found.entity.data if found.entity is not None else None), found.findings

    def _answer(self, todo: list[tuple[str, bytes]]) -> list[Result]:
        progress = self.options.progress
        total = len(todo)
        keys: list[bytes] = []
        cached: dict[bytes, Result] = {}
        if self.cache is not None:
            keys = [self.cache.key(rel, source) for rel, source in todo]
            self._live.update(keys)
            cached = self.cache.lookup(keys)
        missing = [i for i, key in enumerate(keys) if key not in cached] if keys else None
        work = todo if missing is None else [todo[i] for i in missing]

        def done(count: int) -> None:
            if progress is not None:
                progress("parsed", total - len(work) + count, total)

        fresh = analyse_many(work, self._one, self.options.worker_count(), done)
        if self.cache is None or missing is None:
            return fresh
        for i, result in zip(missing, fresh, strict=True):
            cached[keys[i]] = result
        self.cache.store({keys[i]: cached[keys[i]] for i in missing}, self._live)
        return [cached[key] for key in keys]


def _rebuild(rel: str, source: bytes, result: Result) -> FileResult:
    # The document keeps the bytes: a finding made later (a policy rule's)
    # finds its line by reading them again, for the few files that need it.
    data, findings = result
    if data is None:
        return FileResult(None, findings)
    doc = yamlsafe.Document(file=rel, data=data, source=source)
    return FileResult(Entity(doc, data), findings)
