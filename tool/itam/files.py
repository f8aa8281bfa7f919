"""Find the files of a registry, refusing what must not be read.

A symlink that leaves the root could print another file's content in a
finding; a FIFO or device would make the run hang on read. Both are reported
and never opened.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from itam.findings import Finding, Severity

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A regular YAML file inside the root, safe to open."""

    path: Path
    rel: str


def not_yaml(rel: str) -> Finding:
    """The finding for a file in registry/ that is not an entity file."""
    return Finding(
        "file.not-yaml",
        Severity.ERROR,
        "only YAML entity files (.yaml) belong in registry/; move this file elsewhere",
        file=rel,
    )


def is_yaml(name: str) -> bool:
    return name.lower().endswith(YAML_SUFFIXES)


def is_hidden(rel: str) -> bool:
    """Hidden files and folders (``.gitkeep``, ``.git``) are not registry content."""
    return any(part.startswith(".") for part in rel.split("/"))


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def scan(root: Path, folder: Path) -> tuple[list[SourceFile], list[Finding]]:
    """Every YAML file under ``folder`` (sorted), and findings for the rest.

    Hidden files and folders (``.gitkeep``, ``.git``) are skipped.
    """
    root = root.resolve()
    sources: list[SourceFile] = []
    findings: list[Finding] = []
    for path in _walk(folder):
        rel = _rel(path, root)
        finding = _refusal(path, root, rel)
        if finding is not None:
            findings.append(finding)
        elif path.is_dir():
            continue
        elif not is_yaml(path.name):
            findings.append(not_yaml(rel))
        else:
            sources.append(SourceFile(path, rel))
    sources.sort(key=lambda s: s.rel)
    return sources, findings


def _walk(folder: Path) -> Iterator[Path]:
    # followlinks=False: a symlinked folder is reported, never entered.
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in dirnames:
            if (base / name).is_symlink():
                yield base / name
        for name in sorted(filenames):
            if not name.startswith("."):
                yield base / name


def _refusal(path: Path, root: Path, rel: str) -> Finding | None:
    try:
        info = path.lstat()
    except OSError as exc:
        return Finding("file.unreadable", Severity.ERROR, f"cannot read: {exc.strerror}", file=rel)
    if stat.S_ISLNK(info.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return Finding(
                "file.symlink", Severity.ERROR, "a broken or looping symbolic link", file=rel
            )
        if not _inside(target, root):
            return Finding(
                "file.symlink",
                Severity.ERROR,
                "a symbolic link to a place outside the registry root; it is not read",
                file=rel,
            )
        if target.is_dir():
            return Finding(
                "file.symlink",
                Severity.ERROR,
                "a symbolic link to a folder; folders in registry/ must be real folders",
                file=rel,
            )
        info = target.stat()
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return Finding(
            "file.not-regular",
            Severity.ERROR,
            "not a regular file (a pipe, socket or device); it is not read",
            file=rel,
        )
    return None


def read_capped(path: Path, cap: int) -> bytes:
    """Read at most ``cap + 1`` bytes, so a huge file is seen as too large, not loaded."""
    with path.open("rb") as handle:
        return handle.read(cap + 1)
