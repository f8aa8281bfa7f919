"""Find and read the files of a registry, refusing what must not be read.

A symlink that leaves the root could print another file's content in a
finding; a FIFO or device would make the run hang on read; a file name that
is not UTF-8 text, or holds control characters, cannot be named readably in
a report. In registry/ each of these is a finding and the file is never
opened. Configuration files (schemas, policies, waivers, templates) get the
same refusals, but stop the run (exit 2): without them nothing can be judged.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from itam.errors import ConfigError
from itam.findings import Finding, Severity
from itam.output import SURROGATES, escaped

YAML_SUFFIXES = (".yaml", ".yml")
# The bundled schema and policy files are under 10 KiB each; 1 MiB is a
# hundred times that, still hand-written configuration, and small enough that
# a link to /dev/zero or a multi-gigabyte file is refused, not loaded.
CONFIG_MAX_BYTES = 1 << 20
# What a file name must not hold: surrogates (bytes that are not UTF-8, as
# os.fsdecode gives them), control characters (a line break splits a report
# line, an escape sequence moves the terminal's cursor) and invisible or bidi
# characters, which make a name read as another.
_BAD_NAME = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\u2028\u2029\ufeff\ud800-\udfff]"
)


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


def shown_name(rel: str) -> str:
    """``rel`` fit to print: the characters a file name must not hold shown as
    escapes (``registry/bad\\xff.yaml``)."""
    return escaped(rel, _BAD_NAME)


def bad_name(rel: str, what: str = "file") -> Finding | None:
    """The ``file.bad-name`` finding when ``rel`` is not UTF-8 text or holds
    control or invisible characters; the finding names it with escapes."""
    if not _BAD_NAME.search(rel):
        return None
    why = (
        "is not valid UTF-8" if SURROGATES.search(rel) else "holds control or invisible characters"
    )
    return Finding(
        "file.bad-name",
        Severity.ERROR,
        f"the {what} name {why} (shown here as escapes); rename it, it is not read",
        file=shown_name(rel),
    )


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
        elif not is_yaml(path.name):
            findings.append(not_yaml(rel))
        else:
            sources.append(SourceFile(path, rel))
    sources.sort(key=lambda s: s.rel)
    return sources, findings


def read_registry(root: Path, folder: Path, cap: int) -> tuple[dict[str, bytes], list[Finding]]:
    """The bytes of every YAML file under ``folder`` by path relative to
    ``root`` (sorted), at most ``cap + 1`` bytes each, and findings for the
    rest: what ``scan`` refuses, and files that cannot be read.

    A registry is mostly plain files with plain names, and at 100,000 of
    them the cost of pathlib and of a stat per file shows: those are read
    straight from the directory listing (its file type needs no stat), opened
    without following a link that may have replaced them since. Anything
    else takes ``scan``'s careful path.
    """
    root = root.resolve()
    contents: dict[str, bytes] = {}
    findings: list[Finding] = []
    start = str(folder.resolve())
    prefix = len(str(root)) + 1
    pending = [start]
    while pending:
        where = pending.pop()
        try:
            entries = sorted(os.scandir(where), key=lambda e: e.name)
        except OSError as exc:
            rel = where[prefix:].replace(os.sep, "/")
            findings.append(_unreadable(rel, exc))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = entry.path[prefix:].replace(os.sep, "/")
            plain = not _BAD_NAME.search(name) and not entry.is_symlink()
            if plain and entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif plain and entry.is_file(follow_symlinks=False) and is_yaml(name):
                try:
                    contents[rel] = _read_plain(entry.path, cap)
                except OSError as exc:
                    findings.append(_unreadable(rel, exc))
            else:
                _careful(Path(entry.path), root, rel, contents, findings, cap)
    return dict(sorted(contents.items())), findings


def _careful(
    path: Path, root: Path, rel: str, contents: dict[str, bytes], findings: list[Finding], cap: int
) -> None:
    refusal = _refusal(path, root, rel)
    if refusal is not None:
        findings.append(refusal)
    elif not is_yaml(path.name):
        findings.append(not_yaml(rel))
    else:
        try:
            contents[rel] = read_capped(path, cap)
        except OSError as exc:
            findings.append(_unreadable(rel, exc))


def _unreadable(rel: str, exc: OSError) -> Finding:
    return Finding(
        "file.unreadable", Severity.ERROR, f"cannot read: {exc.strerror}", file=shown_name(rel)
    )


def _read_plain(path: str, cap: int) -> bytes:
    # O_NOFOLLOW: a file swapped for a link since the listing is refused, not followed.
    handle = os.open(
        path,
        os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY | getattr(os, "O_NOFOLLOW", 0),
    )
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a pipe, socket or device)")
        # Ask for the size the file says it has plus one byte: a short read
        # is the end of the file (the usual case, one call); a full one means
        # it grew since, and the rest is read up to the cap.
        want = min(info.st_size + 1, cap + 1)
        first = os.read(handle, want)
        if len(first) < want:
            return first
        chunks = [first]
        left = cap + 1 - len(first)
        while left > 0:
            chunk = os.read(handle, min(1 << 16, left))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def config_files(root: Path, folder: Path, wanted: Callable[[str], bool]) -> list[SourceFile]:
    """The files under ``folder`` whose name ``wanted`` accepts, sorted.

    Raises ConfigError for anything under it that would be refused in
    registry/ (a link out of the root, a pipe, a device, a bad name), whether
    wanted or not: a configuration folder holding one is not to be trusted.
    Hidden files and folders are skipped.
    """
    root = root.resolve()
    found = []
    for path in _walk(folder):
        rel = _rel(path, root)
        refusal = _refusal(path, root, rel)
        if refusal is not None:
            raise ConfigError(refusal.message, refusal.file)
        if wanted(path.name):
            found.append(SourceFile(path, rel))
    return sorted(found, key=lambda s: s.rel)


def read_config(path: Path, root: Path, cap: int = CONFIG_MAX_BYTES) -> bytes:
    """The bytes of a configuration file (a schema, a policy, a template).

    Refused with ConfigError, which names the file relative to ``root`` and
    says why, but never shows its content: a symbolic link out of the root
    or a broken one, anything but a regular file (a pipe would hang the run,
    /dev/zero fill the memory), a bad file name, more than ``cap`` bytes.
    """
    root = root.resolve()
    # normpath: "schemas/../../etc/passwd" must not pass for a path inside.
    absolute = Path(os.path.normpath(path.absolute()))
    if not _inside(absolute, root):
        raise ConfigError(f"{shown_name(str(path))} is outside the registry root {root}")
    rel = _rel(absolute, root)
    refusal = _refusal(absolute, root, rel)
    if refusal is not None:
        raise ConfigError(refusal.message, refusal.file)
    if not _inside(absolute.resolve(), root):  # through a linked folder on the way
        raise ConfigError("reached through a symbolic link to a place outside the root", rel)
    try:
        data = read_capped(absolute, cap)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", rel) from None
    if len(data) > cap:
        raise ConfigError(f"the file is larger than the {cap:,} bytes allowed for it", rel)
    return data


def _walk(folder: Path) -> Iterator[Path]:
    # followlinks=False: a symlinked folder is reported, never entered; nor is
    # a folder with a bad name, whose files could not be named readably.
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        kept = []
        for name in sorted(d for d in dirnames if not d.startswith(".")):
            if (base / name).is_symlink() or _BAD_NAME.search(name):
                yield base / name
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.startswith("."):
                yield base / name


def _refusal(path: Path, root: Path, rel: str) -> Finding | None:
    try:
        info = path.lstat()
    except OSError as exc:
        return Finding(
            "file.unreadable", Severity.ERROR, f"cannot read: {exc.strerror}", file=shown_name(rel)
        )
    named = bad_name(rel, "folder" if stat.S_ISDIR(info.st_mode) else "file")
    if named is not None:
        return named
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
                "a symbolic link to a folder; folders must be real folders",
                file=rel,
            )
        info = target.stat()
    # Only files and refused folders are walked to here; a folder now is a
    # file swapped for one since, and is no more readable than a pipe.
    if not stat.S_ISREG(info.st_mode):
        return Finding(
            "file.not-regular",
            Severity.ERROR,
            "not a regular file (a pipe, socket or device); it is not read",
            file=rel,
        )
    return None


def read_input(path: Path, cap: int, what: str, too_large: str) -> bytes:
    """The bytes of a file named on the command line (an export, a map, a
    scan list), at most ``cap``; ConfigError (exit 2) naming it and why it
    cannot be read: missing, a folder (``what`` names what was wanted: "map
    file"), a pipe, or larger than ``cap`` (``too_large`` says what to do)."""
    shown = escaped(str(path))
    try:
        data = read_capped(path, cap)
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: is a folder, not a {what}") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if len(data) > cap:
        raise ConfigError(f"{shown}: larger than {cap:,} bytes; {too_large}")
    return data


def read_capped(path: Path, cap: int) -> bytes:
    """Read at most ``cap + 1`` bytes, so a huge file is seen as too large, not loaded.

    Raises OSError for anything but a regular file. The file was checked
    before, but may have been swapped for a pipe since: opened without
    blocking, it is refused before a read could hang.
    """
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    with os.fdopen(handle, "rb") as source:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a pipe, socket or device)")
        return source.read(cap + 1)
