"""Where the site may be written, and how it replaces the previous one atomically.

The site is built in a new folder beside ``--out`` (a rename is only atomic
within one file system), then swapped in: the old site is renamed aside, the
new one renamed in, the old one removed. A build that fails for any reason
(an exception, a ConfigError, Ctrl-C) removes its folder and leaves the
previous site exactly as it was. A build killed outright (SIGKILL, out of
memory, a power cut) cannot clean up after itself: the next build beside it
removes what it left. Builds beside one target take turns: a second one
started while the first runs is refused with a message.

``--out`` is refused when it could destroy something that is not a site:

* the registry root itself, a folder that holds it, or anything inside
  ``registry/``, ``schemas/``, ``policies/``, ``site/`` or ``.git/``;
* a file, or a folder that is neither empty nor a site built by itam (it
  holds the marker file ``.itam-site``): ``--out ~`` must not replace a home;
* a symbolic link: the swap would replace the link with a folder, and a link
  committed to the repository under the default ``_site`` could aim the swap
  at any folder of the machine. Name the real folder instead.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

from itam.errors import ConfigError
from itam.layout import Layout

MARKER = ".itam-site"
MARKER_TEXT = "This folder is a site built by `itam site build`; every build replaces all of it.\n"
DEFAULT_OUT = "_site"
PROTECTED = ("registry", "schemas", "policies", "site", ".git")


def output_folder(layout: Layout, out: Path | None) -> Path:
    """The absolute folder the site goes to; ConfigError when ``out`` is refused."""
    target = (
        layout.root / DEFAULT_OUT if out is None else Path(os.path.normpath(Path(out).absolute()))
    )
    if target.is_symlink():
        raise ConfigError(
            f"--out {out} is a symbolic link; name the folder it points to, the site "
            "replaces the folder it is given"
        )
    # Folders on the way may be links (a home on another disk): judge where it lands.
    real = target.parent.resolve() / target.name
    root = layout.root.resolve()
    if real == root or real in root.parents:
        raise ConfigError(f"--out {real} would replace the registry at {root}")
    for name in PROTECTED:
        folder = (root / name).resolve()
        if real == folder or folder in real.parents:
            raise ConfigError(f"--out {real} is inside {name}/ of the registry; choose another")
    if real.exists():
        if not real.is_dir():
            raise ConfigError(f"--out {real} is a file, not a folder")
        if not (real / MARKER).is_file() and any(real.iterdir()):
            raise ConfigError(
                f"--out {real} is a folder that is not a site built by itam (it has no "
                f"{MARKER}); empty it or choose another, the build replaces all of it"
            )
    return real


@contextmanager
def staging(target: Path) -> Iterator[Path]:
    """A new empty folder beside ``target`` to build into; swapped in when the
    block ends without an exception, removed when it raises (Ctrl-C too)."""
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {parent}: {exc.strerror}") from None
    with _alone_in(parent, target):
        remove_leftovers(target)
        work = _sibling(target, "new")
        try:
            work.mkdir()
        except OSError as exc:
            raise ConfigError(f"cannot write in {parent}: {exc.strerror}") from None
        try:
            (work / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            yield work
            swap(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise


@contextmanager
def _alone_in(parent: Path, target: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``parent`` for the block: one build at a
    time beside ``target``, so that what another build left there can only
    be a leftover. A second build is refused at once (ConfigError), never
    kept waiting. The lock goes with the process, however it ends; where
    ``flock`` does not exist (Windows) builds are not serialised."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        handle = os.open(parent, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise ConfigError(f"cannot open {parent}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                f"another itam site build is writing in {parent}; wait for it to end, "
                f"then build {target.name} again"
            ) from None
        yield
    finally:
        os.close(handle)  # releases the lock


_LEFTOVER = re.compile(r"(?:new|old)-[0-9a-f]{8}")
"""What follows ``_stem`` in the name of a folder ``_sibling`` made."""


def remove_leftovers(target: Path) -> None:
    """Remove the folders a killed build of ``target`` left beside it (its
    new site, or the old one it was removing): hidden, named after the site,
    holding the marker, and not links. At 100,000 entities each is a gigabyte.
    Only call it holding ``_alone_in``'s lock: another build's are not leftovers."""
    stem = _stem(target)
    with suppress(OSError):
        for entry in os.scandir(target.parent):
            name = entry.name
            if not name.startswith(stem) or not _LEFTOVER.fullmatch(name[len(stem) :]):
                continue
            if entry.is_dir(follow_symlinks=False) and (Path(entry.path) / MARKER).is_file():
                remove_tree(Path(entry.path))


def _stem(target: Path) -> str:
    # Hidden and named after the site, so that a leftover (power cut) says whose it is.
    return f".{target.name[:40]}."


def _sibling(target: Path, what: str) -> Path:
    return target.with_name(f"{_stem(target)}{what}-{secrets.token_hex(4)}")


def swap(new: Path, target: Path) -> None:
    """Put the folder ``new`` where ``target`` is, replacing it: rename the old
    aside, rename the new in, remove the old."""
    if not target.exists():
        new.rename(target)
        return
    old = _sibling(target, "old")
    target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        old.rename(target)
        raise
    remove_tree(old)


REMOVERS = 16
"""Threads unlinking an old site's files."""


def remove_tree(folder: Path) -> None:
    """Remove ``folder`` and all it holds, never following a link; errors ignored.

    The files of a site built a while ago have reached the disk, and on a
    virtual disk that discards freed blocks each unlink waits for the device
    (180 µs here: 18 s for 100,000 pages). Many unlinks in flight at once
    overlap those waits (40 µs a file with 16 threads); ``shutil.rmtree``
    then removes the emptied folders and whatever is left.
    """
    handles: list[int] = []
    try:
        with ThreadPoolExecutor(REMOVERS) as pool:
            for names, handle in _files_by_folder(os.fspath(folder), None, handles):
                for part in range(REMOVERS):
                    pool.submit(_unlink_all, names[part::REMOVERS], handle)
    finally:  # only once every unlink has returned
        for handle in handles:
            os.close(handle)
    shutil.rmtree(folder, ignore_errors=True)


def _files_by_folder(
    name: str, parent: int | None, handles: list[int]
) -> Iterator[tuple[list[str], int]]:
    # Each folder's files (links included, never followed) with a descriptor
    # of the folder, each folder opened from its parent's descriptor: a link
    # put in place of a folder is not entered.
    try:
        handle = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)
    except OSError:
        return
    handles.append(handle)
    files: list[str] = []
    folders: list[str] = []
    with os.scandir(handle) as entries:
        for entry in entries:
            (folders if entry.is_dir(follow_symlinks=False) else files).append(entry.name)
    yield files, handle
    for sub in folders:
        yield from _files_by_folder(sub, handle, handles)


def _unlink_all(names: list[str], handle: int) -> None:
    for name in names:
        with suppress(OSError):
            os.unlink(name, dir_fd=handle)
