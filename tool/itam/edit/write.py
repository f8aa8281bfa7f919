"""The one way a command writes registry files: judge everything, then write.

``judge_writes`` evaluates the whole registry with the files about to be
written in place of the ones on disk (nothing touched yet); ``new_errors``
says which blocking errors on those files the registry did not already
have; only when there are none does the command call ``write_files``, which
replaces each file atomically and refuses any path that is not a plain file
inside ``registry/``.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from itam.edit.source import EditError
from itam.evaluation import Evaluation, evaluate
from itam.findings import Finding, Severity
from itam.layout import REGISTRY_FOLDER, Layout
from itam.output import replace_file
from itam.pullrequest import finding_key


def judge_writes(layout: Layout, as_of: dt.date, writes: Mapping[str, bytes]) -> Evaluation:
    """The registry judged as of ``as_of`` as if ``writes`` (path relative to
    the root → new bytes) were already on disk."""
    for rel in writes:
        check_path(rel)
    return evaluate(layout, as_of, overlay=dict(writes))


def new_errors(before: Evaluation | None, after: Evaluation, files: Iterable[str]) -> list[Finding]:
    """Blocking error findings of ``after`` on ``files`` that ``before`` (the
    registry without the writes) did not have; all of them without ``before``."""
    wanted = set(files)
    known = {finding_key(f) for f in before.findings} if before is not None else set()
    return [
        f
        for f in after.findings
        if f.file in wanted
        and f.severity is Severity.ERROR
        and f.waiver is None
        and finding_key(f) not in known
    ]


def check_path(rel: str) -> PurePosixPath:
    """``rel`` as a path inside registry/; EditError for anything else."""
    path = PurePosixPath(rel)
    if (
        not rel
        or "\\" in rel
        or "\0" in rel
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in rel.split("/"))
        or len(path.parts) < 2
        or path.parts[0] != REGISTRY_FOLDER
    ):
        raise EditError(
            f"refusing to write {rel!r}: only files inside {REGISTRY_FOLDER}/ are written"
        )
    return path


def write_files(layout: Layout, writes: Mapping[str, bytes]) -> None:
    """Write each file of ``writes`` atomically (a temporary file beside it,
    then a rename), creating missing folders.

    Every path is checked before anything is written: it must lie inside
    ``registry/``, no folder on the way may be a symbolic link or anything but
    a folder, and an existing file must be a regular file (a link is never
    followed out of the root). Raises EditError naming the path and why.
    """
    targets = [(_target(layout, rel), data) for rel, data in sorted(writes.items())]
    for path, data in targets:
        _make_folders(layout.root, path.parent)
        try:
            replace_file(path, data)
        except OSError as exc:
            raise EditError(f"cannot write {path}: {exc.strerror or exc}") from None


def _target(layout: Layout, rel: str) -> Path:
    parts = check_path(rel).parts
    here = layout.root
    for index, part in enumerate(parts):
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            break
        except OSError as exc:
            raise EditError(f"cannot write {rel}: {exc.strerror or exc}") from None
        last = index == len(parts) - 1
        if stat.S_ISLNK(mode):
            raise EditError(f"refusing to write {rel}: {here} is a symbolic link")
        if last and not stat.S_ISREG(mode):
            raise EditError(f"refusing to write {rel}: it exists and is not a regular file")
        if not last and not stat.S_ISDIR(mode):
            raise EditError(f"refusing to write {rel}: {here} is not a folder")
    return layout.root.joinpath(*parts)


def _make_folders(root: Path, folder: Path) -> None:
    missing = []
    here = folder
    while not here.exists() and here != root:
        missing.append(here)
        here = here.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            if path.is_symlink() or not path.is_dir():
                raise EditError(f"refusing to write into {path}: it is not a folder") from None
        except OSError as exc:
            raise EditError(f"cannot create {path}: {exc.strerror or exc}") from None
