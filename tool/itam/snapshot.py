"""Reading one revision of the registry: the work tree, or a commit's git objects.

A snapshot is the raw material of a run: every registry file as bytes, keyed
by its path relative to the root, plus the files that were refused (links out
of the root, pipes, non-YAML files) as findings. Nothing is parsed here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from itam import files
from itam.errors import ConfigError
from itam.findings import Finding
from itam.gitsource import GitView, blob_sha, split_tree
from itam.layout import REGISTRY_FOLDER, Layout
from itam.yamlsafe import MAX_FILE_BYTES

if TYPE_CHECKING:
    import git

WORK_TREE = "work tree"


@dataclass(slots=True)
class Snapshot:
    """The registry files of one revision: path → bytes, plus refusals."""

    files: dict[str, bytes]
    findings: list[Finding] = field(default_factory=list)
    # "work tree", or the commit's full hash.
    label: str = WORK_TREE

    @property
    def count(self) -> int:
        """Files seen, refused ones included."""
        return len(self.files) + len(self.findings)


def read_worktree(layout: Layout, overlay: Mapping[str, bytes | None] | None = None) -> Snapshot:
    """Every registry file of the work tree.

    ``overlay`` replaces files (path relative to the root → new bytes, or
    None for a deletion) without touching the disk: how a command that edits
    judges what it would write against the whole registry before writing it.
    """
    contents, findings = files.read_registry(layout.root, layout.registry, MAX_FILE_BYTES)
    if overlay:
        for rel, data in overlay.items():
            if data is None:
                contents.pop(rel, None)
            else:
                contents[rel] = data
        contents = dict(sorted(contents.items()))
    return Snapshot(contents, findings)


def read_commit(view: GitView, commit: git.Commit, reuse: Snapshot | None = None) -> Snapshot:
    """The registry at ``commit``, from git objects; nothing is checked out.

    Content equal to a file of ``reuse`` (by blob hash) is taken from it
    rather than read again.
    """
    keep, findings = split_tree(view.list_files(commit, REGISTRY_FOLDER))
    known = {blob_sha(data): data for data in reuse.files.values()} if reuse else {}
    contents = {}
    for item in keep:
        data = known.get(item.blob)
        if data is None:
            data = view.read_blob(item.blob, MAX_FILE_BYTES)
        contents[item.path] = data
    return Snapshot(contents, findings, label=commit.hexsha)


CONFIG_FOLDERS = ("policies", "schemas", "reference")
"""Folders whose files decide how the registry is judged: a pull request that
edits one (end-of-support dates in reference/ included) changes the rules."""


def config_blobs(layout: Layout) -> dict[str, str]:
    """Blob hash of every policy and schema file of the work tree, by path."""
    out = {}
    for name in CONFIG_FOLDERS:
        folder = layout.root / name
        if not folder.is_dir():
            continue
        for source in files.config_files(layout.root, folder, lambda _name: True):
            out[source.rel] = blob_sha(files.read_config(source.path, layout.root))
    return out


def config_blobs_at(view: GitView, commit: git.Commit) -> dict[str, str]:
    """Blob hash of every policy and schema file at ``commit``, by path."""
    return {
        item.path: item.blob for name in CONFIG_FOLDERS for item in view.list_files(commit, name)
    }


def extract_config(view: GitView, commit: git.Commit, dest: Path) -> None:
    """Write the policy and schema files of ``commit`` under ``dest``, from git
    objects, so that they load exactly as a work tree's would.

    Only regular blobs are written, under paths git itself stored; a symbolic
    link or an oversized file among them is exit 2, as in a work tree.
    """
    for name in CONFIG_FOLDERS:
        for item in view.list_files(commit, name):
            if files.is_hidden(item.path):
                continue
            if item.mode == "120000":
                raise ConfigError(
                    "a symbolic link; policy and schema files must be real files", item.path
                )
            parts = item.path.split("/")
            if any(part in ("", ".", "..") for part in parts):
                raise ConfigError("not a plain relative path", item.path)
            data = view.read_blob(item.blob, files.CONFIG_MAX_BYTES)
            if len(data) > files.CONFIG_MAX_BYTES:
                raise ConfigError(f"larger than {files.CONFIG_MAX_BYTES >> 20} MiB", item.path)
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            # O_EXCL: nothing already there (a link planted by an earlier entry) is followed.
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
