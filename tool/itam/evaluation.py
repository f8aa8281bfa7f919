"""One evaluation of the registry: the single input of every output.

``evaluate`` reads a revision, analyses each file, judges the whole registry,
applies waivers and, in pull-request mode, compares with the merge base. The
result is built once per run; reporters, ``itam show``, and later the site,
the reports, ``itam list`` and ``itam export`` all read it and compute nothing
of their own.

The shape of an ``Evaluation``:

* ``root``, ``as_of``, ``label`` (``"work tree"`` or the commit judged),
  ``files`` (files seen, refused ones included), ``policy_digest`` (one hash
  of every policy and schema file: which rules judged it);
* ``catalog``: every entity (``itam.entities.Catalog``: ``by_id``, ``of_kind``);
* ``policy``: the policy in force (``itam.policy.model.Policy``), and
  ``schemas``: the kind schemas it was judged by (references, categories);
* ``context``: the registry as of ``as_of`` under the policy; its
  ``derived(entity)`` gives each entity's derived values (warranty end, end of
  life, next audit, age, book value), computed once and shared by every rule
  and output; ``state(entity)`` its lifecycle state;
* ``findings``: the final findings, sorted, waivers applied, each marked
  ``new``/``touched``/``base`` in pull-request mode; ``by_entity`` and
  ``by_rule`` index them;
* ``base`` (the merge-base commit), ``changes`` (``itam.changes.ChangeSet``)
  and ``transitions``: set in pull-request mode only.

The flow, read top-down, never calling back up::

    snapshot (read a revision) -> judge (per file) -> assess (whole registry)
    -> pullrequest (classify against the base) -> evaluation -> report, outputs
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from itam.analysis import RunOptions
from itam.assess import Judged, assess, gather, reassess
from itam.changes import ChangeSet, changed_files, compare
from itam.derive import Derived
from itam.entities import Catalog, Entity
from itam.errors import ConfigError
from itam.findings import Finding, sort_findings
from itam.judge import Analyser
from itam.layout import Layout
from itam.limits import cap_findings
from itam.policy import engine
from itam.policy.context import Context
from itam.policy.diff import describe_policy_changes
from itam.policy.load import load_config
from itam.policy.model import Policy
from itam.pullrequest import Revisions, classify, finding_key
from itam.report import Report, RuleNote, Transition
from itam.rules import catalogue
from itam.schemas import SchemaSet
from itam.snapshot import (
    Snapshot,
    config_blobs,
    config_blobs_at,
    extract_config,
    read_commit,
    read_worktree,
)

if TYPE_CHECKING:
    import git

    from itam.analysis.runs import Judgement
    from itam.gitsource import GitView


@dataclass(slots=True)
class Evaluation:
    """The registry judged as of one date; see the module docstring."""

    root: Path
    as_of: dt.date
    label: str
    files: int
    catalog: Catalog
    policy: Policy
    schemas: SchemaSet
    context: Context
    findings: list[Finding]
    policy_digest: str = ""
    base: str | None = None
    changes: ChangeSet | None = None
    by_entity: dict[str, list[Finding]] = field(init=False)
    by_rule: dict[str, list[Finding]] = field(init=False)

    def __post_init__(self) -> None:
        by_entity: dict[str, list[Finding]] = defaultdict(list)
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            if finding.entity is not None:
                by_entity[finding.entity].append(finding)
            by_rule[finding.rule].append(finding)
        self.by_entity = dict(by_entity)
        self.by_rule = dict(sorted(by_rule.items()))

    def entity(self, entity_id: str) -> Entity | None:
        return self.catalog.get(entity_id)

    def derived(self, entity: Entity) -> Derived:
        """The entity's derived values as of ``as_of`` (computed once per run)."""
        return self.context.derived(entity)

    def findings_of(self, entity_id: str) -> list[Finding]:
        """The entity's final findings, in report order."""
        return self.by_entity.get(entity_id, [])

    @property
    def transitions(self) -> list[Transition]:
        """Status changes of the change judged (pull-request mode)."""
        if self.changes is None:
            return []
        return [Transition(*t) for t in self.changes.transitions()]

    def report(self, only: Callable[[Finding], bool] | None = None) -> Report:
        """The run's report; ``only`` limits which findings it holds."""
        known = catalogue(self.policy)
        notes = {
            rule: RuleNote(info.id, info.severity, info.summary, info.why)
            for rule in sorted({f.rule for f in self.findings})
            if (info := known.get(rule)) is not None
        }
        report = Report(
            root=str(self.root),
            as_of=self.as_of.isoformat(),
            entities=len(self.catalog),
            files=self.files,
            findings=self.findings,
            base=self.base,
            transitions=self.transitions,
            rules=notes,
        )
        return report if only is None else report.select(only)


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Entity data is a large acyclic tree of dicts and lists (aliases are
    # refused), freed by reference counting; the cyclic collector would only
    # rescan it again and again, a quarter of a run on 10,000 entities.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def evaluate(
    layout: Layout,
    as_of: dt.date,
    revisions: Revisions | None = None,
    at: str | None = None,
    overlay: Mapping[str, bytes | None] | None = None,
    options: RunOptions | None = None,
    repository: GitView | None = None,
) -> Evaluation:
    """Judge the registry at ``layout`` as of ``as_of``.

    With ``revisions``, compare with the merge base of ``revisions.base`` (and
    judge the commit ``revisions.head`` instead of the work tree when given).
    With ``at``, judge the registry as it stood at that commit, read from git
    objects with that commit's schemas and policies; nothing is checked out.
    ``overlay`` judges the work tree with some files replaced or deleted
    (see ``snapshot.read_worktree``): what an editing command is about to write.
    ``options`` sets the analysis cache, the worker processes and a progress
    callback; the findings are the same whatever they are. ``repository`` is
    the registry's git repository, already open, for ``at`` and ``revisions`` to read
    (it is left open); otherwise they open and close their own.
    """
    options = options or RunOptions()
    with _gc_paused():
        if at is not None:
            with _repository(layout, repository) as view:
                return _at_commit(layout, as_of, view, at, options)
        schemas, policy = load_config(layout)
        _require_lifecycles(policy)
        if revisions is not None:
            with _repository(layout, repository) as view:
                return _compare(layout, as_of, view, revisions, schemas, policy, options)
        return _worktree(layout, as_of, read_worktree(layout, overlay), schemas, policy, options)


def _worktree(
    layout: Layout,
    as_of: dt.date,
    snapshot: Snapshot,
    schemas: SchemaSet,
    policy: Policy,
    options: RunOptions,
    key: bytes | None = None,
) -> Evaluation:
    """The work tree judged. With the cache, its judgement is kept there, as
    the base of pull requests to come (the pages build on main, say, then
    serves the pull requests branched from it), under ``key`` when the
    caller has worked it out already."""
    blobs = config_blobs(layout)
    analyser = Analyser(schemas, options, _schemas_digest(blobs))
    head = assess(snapshot, analyser.many, schemas, policy, as_of, analyser.workers)
    findings = engine.finalize(head.findings, head.catalog, policy, as_of)
    if options.cache is not None:
        from itam.analysis import runs

        key = key or runs.run_key(snapshot.files, snapshot.findings, blobs, as_of)
        judged = runs.Judgement({finding_key(f) for f in findings}, head.whole)
        runs.remember_judgement(options.cache, key, judged)
    return _evaluation(layout, as_of, head, policy, schemas, findings, _digest(blobs))


def report_of(layout: Layout, as_of: dt.date, options: RunOptions) -> Report:
    """``evaluate(layout, as_of, options=options).report()`` for the work
    tree, remembered in the cache: with nothing changed since a run (files,
    schemas, policies, tool, date), its report is given again unjudged."""
    from itam.analysis import runs

    if options.cache is None:
        return evaluate(layout, as_of, options=options).report()
    # The files read once: the report kept is that of the bytes the key names.
    snapshot = read_worktree(layout)
    key = runs.run_key(snapshot.files, snapshot.findings, config_blobs(layout), as_of)
    report = runs.recall(options.cache, key, layout.root)
    if report is None:
        with _gc_paused():
            schemas, policy = load_config(layout)
            _require_lifecycles(policy)
            judged = _worktree(layout, as_of, snapshot, schemas, policy, options, key)
        report = judged.report()
        runs.remember(options.cache, key, report)
    return report


def _digest(blobs: dict[str, str]) -> str:
    text = "".join(f"{path}\0{blob}\n" for path, blob in sorted(blobs.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _schemas_digest(blobs: dict[str, str]) -> str:
    """What per-file analysis reads of the configuration: the schemas alone."""
    return _digest({path: blob for path, blob in blobs.items() if path.startswith("schemas/")})


def _config_at(view: GitView, commit: git.Commit) -> tuple[SchemaSet, Policy]:
    """The schemas and policy of ``commit``, loaded from its git objects."""
    with tempfile.TemporaryDirectory(prefix="itam-config-") as folder:
        config = Layout(Path(folder))
        extract_config(view, commit, config.root)
        return load_config(config)


def _policy_at(view: GitView, commit: git.Commit) -> Policy | None:
    """The policy of ``commit``, or None when it does not load (then the change
    is judged by the head's rules alone, and the policy.changed finding says so)."""
    try:
        return _config_at(view, commit)[1]
    except ConfigError:
        return None


def _union(first: list[Finding], second: list[Finding]) -> list[Finding]:
    """``first`` plus the findings of ``second`` it does not already hold."""
    seen = {finding_key(f) for f in first}
    return first + [f for f in second if finding_key(f) not in seen]


@contextmanager
def _repository(layout: Layout, given: GitView | None) -> Iterator[GitView]:
    if given is not None:
        yield given
        return
    from itam.gitsource import GitView  # GitPython costs ~70 ms to import

    with GitView(layout.root) as view:
        yield view


def _at_commit(
    layout: Layout, as_of: dt.date, view: GitView, ref: str, options: RunOptions
) -> Evaluation:
    commit = view.commit(ref)
    schemas, policy = _config_at(view, commit)
    _require_lifecycles(policy)
    blobs = config_blobs_at(view, commit)
    analyser = Analyser(schemas, options, _schemas_digest(blobs))
    judged = assess(
        read_commit(view, commit), analyser.many, schemas, policy, as_of, analyser.workers
    )
    findings = engine.finalize(judged.findings, judged.catalog, policy, as_of)
    return _evaluation(layout, as_of, judged, policy, schemas, findings, _digest(blobs))


def _require_lifecycles(policy: Policy) -> None:
    # Without lifecycles every status passes (`status: banana`): a pull request
    # that deletes policies/lifecycle.yaml must not switch the rules off.
    if not policy.lifecycles:
        raise ConfigError(
            "policies/ declares no lifecycle, so no status could be checked; restore "
            "policies/lifecycle.yaml (states, classes and transitions)"
        )


def _evaluation(
    layout: Layout,
    as_of: dt.date,
    judged: Judged,
    policy: Policy,
    schemas: SchemaSet,
    findings: list[Finding],
    policy_digest: str,
    base: str | None = None,
) -> Evaluation:
    return Evaluation(
        root=layout.root,
        as_of=as_of,
        label=judged.snapshot.label,
        files=judged.snapshot.count,
        catalog=judged.catalog,
        policy=policy,
        schemas=schemas,
        context=judged.context,
        # Capped last, once marks and waivers are known: a file with 200,000
        # unknown keys yields ten findings and one that counts the rest.
        findings=cap_findings(sort_findings(findings)),
        policy_digest=policy_digest,
        base=base,
        changes=judged.context.changes,
    )


def _judge_base(
    snapshot: Snapshot,
    analyser: Analyser,
    schemas: SchemaSet,
    policy: Policy,
    as_of: dt.date,
    key: bytes,
) -> tuple[Catalog, Judgement]:
    """The base's entities and its judgement under the head's rules, judged
    in full and remembered in the cache under ``key`` (see ``_compare``)."""
    from itam.analysis import runs

    base = assess(snapshot, analyser.many, schemas, policy, as_of, analyser.workers)
    findings = engine.finalize(base.findings, base.catalog, policy, as_of)
    judged = runs.Judgement({finding_key(f) for f in findings}, base.whole)
    if analyser.options.cache is not None:
        runs.remember_judgement(analyser.options.cache, key, judged)
    return base.catalog, judged


def _compare(
    layout: Layout,
    as_of: dt.date,
    view: GitView,
    revisions: Revisions,
    schemas: SchemaSet,
    policy: Policy,
    options: RunOptions,
) -> Evaluation:
    base_commit = view.commit(revisions.base)
    if revisions.head is not None:
        head_commit = view.commit(revisions.head)
        head_snapshot = read_commit(view, head_commit)
        head_config = config_blobs_at(view, head_commit)
    else:
        head_commit = view.head()
        head_snapshot = read_worktree(layout)
        head_config = config_blobs(layout)
    merge_base = view.merge_base(base_commit, head_commit)
    base_snapshot = read_commit(view, merge_base, reuse=head_snapshot)
    base_config = config_blobs_at(view, merge_base)

    # Judged by the head's schemas: one analysis serves both revisions.
    analyser = Analyser(schemas, options, _schemas_digest(head_config))
    # The base is judged in full by the head's rules, and remembered under a
    # key of its files, those rules and the date (the next push on the same
    # base, or another pull request on it, skips that); the head is then
    # judged from it, again only where the change can affect the findings.
    from itam.analysis import runs

    key = runs.run_key(base_snapshot.files, base_snapshot.findings, head_config, as_of)
    judged = runs.recall_judgement(options.cache, key) if options.cache is not None else None
    if judged is None:
        base_catalog, judged = _judge_base(base_snapshot, analyser, schemas, policy, as_of, key)
    else:
        base_catalog = gather(base_snapshot, analyser.many)[1]
    if options.incremental:
        changed = changed_files(base_snapshot.files, head_snapshot.files)
        head = reassess(
            head_snapshot, analyser.many, schemas, policy, as_of, base_catalog, judged, changed
        )
    else:
        head = assess(head_snapshot, analyser.many, schemas, policy, as_of, analyser.workers)
    before = judged.keys
    changes = compare(
        base_catalog, head.catalog, base_snapshot.files, head_snapshot.files, merge_base.hexsha
    )
    head.context.changes = changes
    changed_config = {
        path
        for path in head_config.keys() | base_config.keys()
        if head_config.get(path) != base_config.get(path)
    }
    introduced = engine.evaluate_changes(head.context)
    if changed_config:
        # The change edits the rules: judge it under the base's rules too, so
        # that deleting a rule and breaking it in one change is still blocked.
        base_policy = _policy_at(view, merge_base)
        if base_policy is not None:
            under_base = Context(head.catalog, base_policy, as_of, changes)
            introduced = _union(introduced, engine.evaluate_changes(under_base))
        introduced += describe_policy_changes(base_policy, policy, changed_config)
    introduced = [f.with_(change="new") for f in introduced]
    head_findings = engine.finalize(head.findings + introduced, head.catalog, policy, as_of)
    findings = classify(head_findings, before, changes, changed_config)
    digest = _digest(head_config)
    return _evaluation(
        layout, as_of, head, policy, schemas, findings, digest, base=merge_base.hexsha
    )
