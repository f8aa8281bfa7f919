"""Pull-request mode: judge the change against the merge base.

The base is read from git objects (one ``git ls-tree``; blobs only for files
that differ), never checked out. Both revisions are judged under the work
tree's schemas and policies, so that a finding counts as new exactly when the
change brought it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from itam import yamlsafe
from itam.changes import ChangeSet, compare
from itam.findings import Finding
from itam.gitsource import GitView, TreeFile, blob_sha, split_tree
from itam.layout import REGISTRY_FOLDER
from itam.policy import engine
from itam.validate import Judge, Judged, Revisions, Snapshot, read_worktree

if TYPE_CHECKING:
    import git


def read_commit(view: GitView, commit: git.Commit, reuse: Snapshot | None) -> Snapshot:
    """The registry at ``commit``; content equal to ``reuse`` is not read again."""
    listed: list[TreeFile] = view.list_files(commit, REGISTRY_FOLDER)
    keep, findings = split_tree(listed)
    known = {blob_sha(data): data for data in reuse.files.values()} if reuse else {}
    contents = {}
    for item in keep:
        data = known.get(item.blob)
        if data is None:
            data = view.read_blob(item.blob, yamlsafe.MAX_FILE_BYTES)
        contents[item.path] = data
    return Snapshot(contents, findings, label=commit.hexsha)


def _key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.entity or finding.file or "", finding.path)


def classify(head: list[Finding], base: list[Finding], changes: ChangeSet) -> list[Finding]:
    """Mark each finding new, touched (on an entity the change touches) or base."""
    before = {_key(f) for f in base}
    touched = changes.touched_ids
    out = []
    for finding in head:
        if _key(finding) not in before:
            mark = "new"
        elif finding.entity in touched or finding.file in changes.changed_files:
            mark = "touched"
        else:
            mark = "base"
        out.append(finding.with_(change=mark))
    return out


def compare_revisions(
    judge: Judge, revisions: Revisions, as_of: dt.date
) -> tuple[Snapshot, Judged, ChangeSet, list[Finding]]:
    """Judge head and merge base; return head's snapshot, judgement, changes, findings."""
    view = GitView(judge.layout.root)
    base_commit = view.commit(revisions.base)
    if revisions.head is not None:
        head_commit = view.commit(revisions.head)
        head = read_commit(view, head_commit, None)
    else:
        head_commit = view.head()
        head = read_worktree(judge.layout)
    merge_base = view.merge_base(base_commit, head_commit)
    base = read_commit(view, merge_base, head)
    head_judged = judge.judge(head, as_of)
    base_judged = judge.judge(base, as_of)
    changes = compare(
        base_judged.catalog, head_judged.catalog, base.files, head.files, merge_base.hexsha
    )
    introduced = engine.evaluate_changes(
        base_judged.catalog, head_judged.catalog, changes, judge.policy, as_of
    )
    findings = classify(head_judged.findings, base_judged.findings, changes)
    findings += [f.with_(change="new") for f in introduced]
    return head, head_judged, changes, findings
