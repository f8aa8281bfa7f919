"""One validation run: load everything, judge it, and report.

Files → documents → entities → findings from the loader, the schemas, the
integrity rules and the policies → one Report. Everything is loaded even when
only some paths are asked about, since a duplicate serial needs both files;
``only`` limits what is reported, not what is read.

With a base revision (pull-request mode) the registry is judged twice, as it
is and as it was at the merge base, and each finding is marked ``new`` (the
change introduced it), ``touched`` (it was there before, on an entity the
change touches) or ``base`` (there before, on an untouched entity: it does not
block). Files that did not change are parsed and schema-checked once.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from itam import files, integrity, yamlsafe
from itam.changes import ChangeSet
from itam.entities import Catalog, Entity
from itam.findings import Finding, Report, Severity, sort_findings
from itam.layout import Layout
from itam.policy import engine
from itam.policy.load import load_policy
from itam.policy.model import Policy
from itam.schema_messages import schema_findings
from itam.schemas import SchemaSet


@dataclass(slots=True)
class Snapshot:
    """The registry files of one revision: path → bytes, plus refusals."""

    files: dict[str, bytes]
    findings: list[Finding] = field(default_factory=list)
    label: str = "work tree"

    @property
    def count(self) -> int:
        return len(self.files) + len(self.findings)


def read_worktree(layout: Layout) -> Snapshot:
    """Every registry file of the work tree."""
    sources, findings = files.scan(layout.root, layout.registry)
    contents = {}
    for source in sources:
        try:
            contents[source.rel] = files.read_capped(source.path, yamlsafe.MAX_FILE_BYTES)
        except OSError as exc:
            findings.append(
                Finding(
                    "file.unreadable",
                    Severity.ERROR,
                    f"cannot read: {exc.strerror}",
                    file=source.rel,
                )
            )
    return Snapshot(contents, findings)


@dataclass(slots=True)
class Judged:
    """One revision, read and judged."""

    catalog: Catalog
    findings: list[Finding]


class Judge:
    """Parses and judges snapshots, remembering per-file work across them."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.schemas = SchemaSet(layout.schemas, layout.root)
        self.policy: Policy = load_policy(layout, self.schemas.kinds)
        self._docs: dict[tuple[str, bytes], yamlsafe.Document] = {}
        self._schema_findings: dict[int, list[Finding]] = {}

    def document(self, rel: str, source: bytes) -> yamlsafe.Document:
        key = (rel, source)
        doc = self._docs.get(key)
        if doc is None:
            doc = self._docs[key] = yamlsafe.load(source, rel)
        return doc

    def judge(self, snapshot: Snapshot, as_of: dt.date) -> Judged:
        """Loader, schema, integrity and policy findings (waivers not applied)."""
        findings = list(snapshot.findings)
        entities = []
        for rel, source in sorted(snapshot.files.items()):
            doc = self.document(rel, source)
            findings.extend(doc.findings)
            if doc.data is not None:
                entities.append(Entity(doc, doc.data))
        catalog = Catalog(entities)
        for entity in catalog:
            cached = self._schema_findings.get(id(entity.doc))
            if cached is None:
                cached = self._schema_findings[id(entity.doc)] = list(
                    _kind_findings(entity, self.schemas)
                )
            findings.extend(cached)
        findings.extend(integrity.check(catalog, self.schemas))
        findings.extend(engine.evaluate(catalog, self.policy, as_of))
        return Judged(catalog, findings)


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


@dataclass(frozen=True, slots=True)
class Revisions:
    """What to compare in pull-request mode: refs as the user gave them."""

    base: str
    head: str | None = None


def run(
    layout: Layout,
    as_of: dt.date,
    only: list[Path] | None = None,
    revisions: Revisions | None = None,
) -> Report:
    """Validate the registry at ``layout`` as of ``as_of``.

    With ``revisions``, compare with the merge base of ``revisions.base`` and
    mark which findings the change introduced.
    """
    # Entity data is a large acyclic tree of dicts and lists (aliases are
    # refused), freed by reference counting; the cyclic collector would only
    # rescan it again and again, a quarter of a run on 10,000 entities.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _run(layout, as_of, only, revisions)
    finally:
        if paused:
            gc.enable()


def _run(
    layout: Layout, as_of: dt.date, only: list[Path] | None, revisions: Revisions | None
) -> Report:
    judge = Judge(layout)
    changes: ChangeSet | None = None
    if revisions is None:
        head = read_worktree(layout)
        judged = judge.judge(head, as_of)
        findings = judged.findings
    else:
        from itam.pullrequest import compare_revisions

        head, judged, changes, findings = compare_revisions(judge, revisions, as_of)
    findings = engine.finalize(findings, judged.catalog, judge.policy, as_of)
    if only:
        findings = [f for f in findings if _selected(f, layout.root, only)]
    return Report(
        root=str(layout.root),
        as_of=as_of.isoformat(),
        entities=len(judged.catalog),
        files=head.count,
        findings=sort_findings(findings),
        changes=changes,
    )


def _selected(finding: Finding, root: Path, only: list[Path]) -> bool:
    if finding.file is None:
        return True
    path = root / finding.file
    return any(path == p or p in path.parents for p in only)
