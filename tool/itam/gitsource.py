"""Read a registry from git objects: refs, merge bases, trees and blobs.

Nothing from a YAML file or the command line reaches git as an option: a ref
is checked against a strict pattern before git runs, then resolved by
GitPython's own parser; git itself only ever receives full commit hashes. The
work tree is never checked out or touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from itam.errors import ConfigError
from itam.files import bad_name, is_hidden, is_yaml, not_yaml
from itam.findings import Finding, Severity

if TYPE_CHECKING:
    import git

# Branch names, tags, remote refs, hashes, HEAD~2, main^, @{upstream}.
# Refused: a leading '-' (an option), ':' (ext:: and other transports,
# rev:path), '..' (ranges), whitespace and control characters.
_SAFE_REF = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9._/@{}^~+-]{0,254}")
FETCH_HINT = (
    "the clone lacks the history to compare with it; fetch it, e.g. "
    "`git fetch --unshallow` or `actions/checkout` with `fetch-depth: 0`"
)


def check_ref(ref: str) -> str:
    """``ref`` if it is safe to resolve; ConfigError (exit 2) otherwise."""
    if not _SAFE_REF.fullmatch(ref) or ".." in ref:
        shown = ref.encode("unicode_escape").decode("ascii")[:80]
        raise ConfigError(
            f"refusing ref {shown!r}: name a branch, tag or commit of this repository "
            "(letters, digits and ._/@{}^~+-, not starting with '-')"
        )
    return ref


@dataclass(frozen=True, slots=True)
class TreeFile:
    path: str
    blob: str
    mode: str


def blob_sha(data: bytes) -> str:
    """The git blob hash of ``data``: equal hashes mean equal content."""
    header = f"blob {len(data)}\0".encode()
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


class GitView:
    """A repository opened read-only for comparing revisions."""

    def __init__(self, root: Path) -> None:
        import git

        try:
            # The registry may be a sub-folder of the repository.
            self.repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise ConfigError(f"{root} is not inside a git repository; --base needs one") from None
        # A root folder named like ":(exclude)x" must stay a plain path to git.
        self.repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")
        self.root = root
        top = self.repo.working_tree_dir
        if top is None:
            raise ConfigError(f"{root} is inside a bare git repository; --base needs a work tree")
        try:
            inner = root.resolve().relative_to(Path(top).resolve()).as_posix()
        except ValueError:
            raise ConfigError(f"{root} is not inside the work tree {top}") from None
        # Paths in git trees are relative to the top; ours to the registry root.
        self.prefix = "" if inner == "." else inner + "/"

    def close(self) -> None:
        """End the ``git cat-file`` processes GitPython keeps for reading blobs."""
        self.repo.close()

    def __enter__(self) -> GitView:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def shallow(self) -> bool:
        return Path(self.repo.git_dir, "shallow").exists()

    def commit(self, ref: str) -> git.Commit:
        """The commit ``ref`` names, or ConfigError."""
        import git

        check_ref(ref)
        try:
            obj = self.repo.rev_parse(ref)
            while isinstance(obj, git.TagObject):
                obj = obj.object
            # rev_parse accepts any 40-hex string (the null hash included)
            # without looking it up.
            self.repo.odb.info(obj.binsha)
        except (
            git.BadName,
            git.BadObject,
            git.GitCommandError,
            ValueError,
            IndexError,
            KeyError,
            OSError,
            NotImplementedError,
        ):
            hint = f"; {FETCH_HINT}" if self.shallow else ""
            raise ConfigError(f"unknown ref {ref!r}: no such commit here{hint}") from None
        if not isinstance(obj, git.Commit):
            raise ConfigError(f"ref {ref!r} names a {obj.type}, not a commit")
        return obj

    def merge_base(self, base: git.Commit, head: git.Commit) -> git.Commit:
        """Where the change forked from ``base``."""
        import git

        try:
            found = self.repo.merge_base(base.hexsha, head.hexsha)
        except git.GitCommandError:
            found = []
        if not found:
            if self.shallow:
                raise ConfigError(f"no merge base with {base.hexsha[:12]}: {FETCH_HINT}")
            raise ConfigError(
                f"{base.hexsha[:12]} and {head.hexsha[:12]} share no history to compare"
            )
        commit = found[0]
        assert isinstance(commit, git.Commit)
        return commit

    def head(self) -> git.Commit:
        try:
            return self.repo.head.commit
        except ValueError:
            raise ConfigError("the repository has no commit yet to compare with") from None

    def last_commit_on(self, day: dt.date) -> str | None:
        """The hash of the last commit on or before ``day`` (UTC) reachable from
        HEAD; None when the history starts later. Git sees only a date built here."""
        import git

        until = f"--before={day.isoformat()}T23:59:59Z"
        try:
            found = self.repo.git.rev_list("-1", until, "HEAD", "--")
        except git.GitCommandError:
            raise ConfigError("the repository has no commit yet") from None
        return found.strip() or None

    def list_files(self, commit: git.Commit, folder: str) -> list[TreeFile]:
        """Every file under ``folder`` (relative to the registry root) at
        ``commit``: one ``git ls-tree`` call. Paths are relative to the root."""
        out = self.repo.git.ls_tree(
            "-r", "-z", "--full-tree", commit.hexsha, "--", self.prefix + folder
        )
        files = []
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode, kind, sha = meta.split()
            if kind == "blob" and path.startswith(self.prefix):
                files.append(TreeFile(path[len(self.prefix) :], sha, mode))
        return sorted(files, key=lambda f: f.path)

    def read_blob(self, sha: str, cap: int) -> bytes:
        stream = self.repo.odb.stream(bytes.fromhex(sha))
        return bytes(stream.read(cap + 1))


def split_tree(files: list[TreeFile]) -> tuple[list[TreeFile], list[Finding]]:
    """YAML files to read, and findings for what a registry folder must not hold."""
    keep, findings = [], []
    for item in files:
        if is_hidden(item.path):
            continue
        refused = bad_name(item.path)
        if refused is not None:
            findings.append(refused)
        elif item.mode == "120000":
            findings.append(
                Finding(
                    "file.symlink",
                    Severity.ERROR,
                    "a symbolic link; registry files must be real files",
                    file=item.path,
                )
            )
        elif not is_yaml(item.path):
            findings.append(not_yaml(item.path))
        else:
            keep.append(item)
    return keep, findings
