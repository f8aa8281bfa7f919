"""Every registry file's git history, from one ``git log`` pass.

A ``git log --follow`` per file costs a process per file (GitPython's
``iter_commits(paths=...)`` about 5 ms each: 8 minutes for 100,000 files).
One ``git log --raw -z -M`` over ``registry/`` lists every commit with the
files it added, changed, renamed or deleted, for the whole repository at once.
Walked newest first, starting from the files at the tip, it follows each file
back through its renames as ``git log --follow`` does. ``--raw`` is
``--name-status`` plus the blob hashes of both sides, which the field diff
needs.

For each change, the top-level fields that changed are found by loading the
blob before and after with ``itam.yamlsafe.load`` (nothing in a file is ever
executed) and comparing values strictly (``1`` is not ``true``). Walking one
file's chain newest first, each blob is loaded once: the older side of one
change is the newer side of the next.

Merge commits carry no change of their own here (``git log`` shows no diff
for them by default); the commits on the merged branch that made the change
are listed instead.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itam.errors import ConfigError
from itam.layout import REGISTRY_FOLDER
from itam.yamlsafe import MAX_FILE_BYTES, load

if TYPE_CHECKING:
    import git

    from itam.gitsource import GitView

_NULL_SHA = "0" * 40
_MARKER = b"commit "
# Fields of the log's header, in this order after the marker; %s comes last
# because a subject may hold any character but NUL.
_FORMAT = "--format=" + _MARKER.decode() + "%H%x00%aI%x00%aN%x00%s"
_HEADER_FIELDS = 3


@dataclass(frozen=True, slots=True)
class Change:
    """One commit that changed a file, as a stakeholder reads it."""

    commit: str
    date: str  # the author date, ISO 8601 with its offset
    author: str
    subject: str
    # "added", "modified", "renamed", or "deleted" (the path held an earlier
    # file, deleted before this one was added under the same name).
    action: str
    # Top-level fields that changed; None when one side is not a readable mapping.
    fields: tuple[str, ...] | None
    # For a rename, the path (relative to the registry root) it had before.
    previous_path: str | None = None


History = dict[str, list[Change]]
"""Changes by file path (relative to the registry root, at the tip), newest first."""


@dataclass(frozen=True, slots=True)
class _Commit:
    sha: str
    date: str
    author: str
    subject: str


@dataclass(frozen=True, slots=True)
class _Raw:
    commit: int  # index into the commits, newest first
    status: str  # A, M, D, R
    old_blob: str
    new_blob: str
    old_path: str | None


def collect(root: Path, at: str | None = None) -> History:
    """The history of every registry file at ``at`` (a ref), or at HEAD.

    A folder that is not in a git repository, or a repository without
    commits, has no history: an empty mapping. An unknown ``at`` is a
    ConfigError.
    """
    from itam.gitsource import GitView  # GitPython costs ~70 ms to import

    try:
        view = GitView(root)
    except ConfigError:
        if at is not None:
            raise
        return {}
    with view:
        return read(view, at)


def read(view: GitView, at: str | None = None) -> History:
    """``collect`` in a repository the caller has opened (and closes)."""
    if at is not None:
        tip = view.commit(at)
    else:
        try:
            tip = view.head()
        except ConfigError:
            return {}
    return _History(view, tip).run()


class _History:
    def __init__(self, view: GitView, tip: git.Commit) -> None:
        self.view = view
        self.tip = tip
        self.prefix = view.prefix

    def run(self) -> History:
        commits, raws = self._walk(self._log())
        history: History = {}
        for path, chain in sorted(raws.items()):
            history[path] = self._changes(path, chain, commits)
        return history

    def _log(self) -> bytes:
        command = [
            "git",
            "-c",
            "log.showSignature=false",
            "log",
            "--raw",
            "-z",
            "--no-abbrev",
            "-M",
            "--no-color",
            "--encoding=UTF-8",
            _FORMAT,
            self.tip.hexsha,
            "--",
            self.prefix + REGISTRY_FOLDER + "/",
        ]
        out = self.view.repo.git.execute(
            command, stdout_as_string=False, strip_newline_in_stdout=False
        )
        assert isinstance(out, bytes)
        return out

    def _rel(self, raw: bytes) -> str | None:
        path = os.fsdecode(raw)
        if not path.startswith(self.prefix):
            return None
        return path[len(self.prefix) :]

    def _walk(self, out: bytes) -> tuple[list[_Commit], dict[str, list[_Raw]]]:
        """Parse the log and attribute each change to a file at the tip.

        Newest first, the first change seen on a path says whether it is at
        the tip: deleted there, or still present (under that name). A rename
        hands the older name to the same file; older changes under the newer
        name belong to an earlier file of that name, which ``--follow`` leaves.
        """
        tip_of: dict[str, str | None] = {}
        commits: list[_Commit] = []
        raws: dict[str, list[_Raw]] = defaultdict(list)
        tokens = out.split(b"\0")
        i, count = 0, len(tokens)
        while i < count:
            token = tokens[i].lstrip(b"\n")
            i += 1
            if token.startswith(_MARKER):
                sha = token[len(_MARKER) :].decode("ascii")
                date, author, subject = (
                    t.decode("utf-8", "replace") for t in tokens[i : i + _HEADER_FIELDS]
                )
                i += _HEADER_FIELDS
                commits.append(_Commit(sha, date, author, subject))
                continue
            if not token.startswith(b":") or not commits:
                continue
            _, _, old_blob, new_blob, status = token.decode("ascii").split(" ")
            kind = status[0]
            old_path = None
            if kind in "RC":
                old_path = self._rel(tokens[i])
                i += 1
            new_path = self._rel(tokens[i])
            i += 1
            if new_path is None:
                continue
            if new_path not in tip_of:
                tip_of[new_path] = None if kind == "D" else new_path
            tip_path = tip_of[new_path]
            if tip_path is None:
                continue
            raws[tip_path].append(
                _Raw(len(commits) - 1, "R" if kind in "RC" else kind, old_blob, new_blob, old_path)
            )
            if kind == "R" and old_path is not None:
                tip_of[old_path] = tip_path
                tip_of[new_path] = None
        return commits, raws

    def _changes(self, path: str, chain: list[_Raw], commits: list[_Commit]) -> list[Change]:
        loaded: dict[str, dict[str, Any] | None] = {}

        def data(blob: str) -> dict[str, Any] | None:
            if blob not in loaded:
                loaded[blob] = self._load(blob, path)
            return loaded[blob]

        changes = []
        for raw in chain:
            commit = commits[raw.commit]
            fields: tuple[str, ...] | None
            if raw.status == "A" or raw.old_blob == _NULL_SHA:
                action, fields = "added", ()
            elif raw.status == "D" or raw.new_blob == _NULL_SHA:
                action, fields = "deleted", ()
            else:
                action = "renamed" if raw.status == "R" else "modified"
                fields = (
                    ()
                    if raw.old_blob == raw.new_blob
                    else changed_fields(data(raw.old_blob), data(raw.new_blob))
                )
            changes.append(
                Change(
                    commit=commit.sha,
                    date=commit.date,
                    author=commit.author,
                    subject=commit.subject,
                    action=action,
                    fields=fields,
                    previous_path=raw.old_path if action == "renamed" else None,
                )
            )
        return changes

    def _load(self, blob: str, path: str) -> dict[str, Any] | None:
        try:
            source = self.view.read_blob(blob, MAX_FILE_BYTES)
        except (OSError, ValueError):
            return None
        if len(source) > MAX_FILE_BYTES:
            return None
        return load(source, path).data


_MISSING = object()


def changed_fields(
    old: dict[str, Any] | None, new: dict[str, Any] | None
) -> tuple[str, ...] | None:
    """Top-level keys whose values differ: the new file's order, then removed ones.

    None when either side is not a readable mapping (invalid YAML, say).
    """
    if old is None or new is None:
        return None
    changed = [key for key, value in new.items() if not same(old.get(key, _MISSING), value)]
    changed += [key for key in old if key not in new]
    return tuple(changed)


def same(a: Any, b: Any) -> bool:
    """Strict equality of loaded YAML values: ``1``, ``1.0`` and ``true`` differ."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
