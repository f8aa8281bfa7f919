"""Write what the tool produces, whatever sits at the path it is given.

``--output`` is chosen by whoever runs the command, but in CI that may be a
workflow of an untrusted pull request, so the writer never turns a device,
a pipe or a symbolic link into a regular file:

- a regular file (or a new one) is replaced atomically: a temporary file in
  the same folder, fsync, rename. Readers see the old content or the new,
  never half, and an interrupted write leaves the old file as it was. The
  file keeps its mode and owner; a new one gets the umask's default mode.
- a symbolic link is followed, and its target written as above;
- a pipe or a character device (``/dev/stdout``, a terminal) is written
  straight into, as a shell's ``>`` would, and stays what it is;
- a folder, a socket or a block device is refused.

Text is written as UTF-8. A lone surrogate, which is how Python holds a byte
of a file name that is not UTF-8, cannot be encoded: it is shown as an escape.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path

from itam.errors import ConfigError

# Python holds an undecodable byte 0xNN of a file name as the code point U+DCNN.
SURROGATES = re.compile("[\ud800-\udfff]")
# The standard streams by name: written through the descriptor this process
# already holds, so `>> log` appends and a redirected file is not replaced.
_INHERITED = re.compile(r"/dev/(?:(stdout)|(stderr)|fd/(\d+))|/proc/self/fd/(\d+)")


def shown(char: str) -> str:
    """One character as a readable escape: ``\\xff`` for a byte that was not
    UTF-8, otherwise Python's escape (``\\x01``, ``\\n``, ``\\u202e``)."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def escaped(text: str, pattern: re.Pattern[str] = SURROGATES) -> str:
    """``text`` with each character that ``pattern`` matches shown as an escape.

    With the default pattern the result can always be encoded as UTF-8.
    """
    return pattern.sub(lambda match: "".join(shown(c) for c in match.group()), text)


def utf8(text: str) -> bytes:
    """``text`` as UTF-8, a lone surrogate (an undecodable file name's byte)
    shown as its escape: what every file this tool writes holds."""
    try:
        # Nearly every text encodes as it is; scanning it first costs more.
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return escaped(text).encode("utf-8")


def write_output(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` (see the module docstring for how
    each kind of path is treated).

    Raises ConfigError naming the path and the reason when it cannot be
    written: a missing folder, a folder, no space left, and so on.
    """
    write_bytes(path, utf8(text))


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as ``write_output`` does; for any output,
    such as a page or an image of the site."""
    try:
        _write(path, data)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None


def replace_file(path: Path, data: bytes) -> None:
    """Replace the regular file ``path`` (or create it) atomically with ``data``.

    The building block for writing many files: it does not follow a symbolic
    link or check what ``path`` is, and raises OSError. A KeyboardInterrupt
    or any error before the rename leaves ``path`` untouched and no
    temporary file behind.
    """
    try:
        old: os.stat_result | None = path.stat()
    except FileNotFoundError:
        old = None
    temporary, handle = _create_beside(path)
    try:
        with os.fdopen(handle, "wb") as out:
            if old is not None:
                _keep_mode_and_owner(out.fileno(), old)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _write(path: Path, data: bytes) -> None:
    inherited = _inherited_descriptor(path)
    if inherited is not None:
        _write_all(inherited, data)
        return
    try:
        target = path.resolve()  # follows symbolic links, also a dangling one
    except RuntimeError:  # a loop, on Python before 3.13
        raise OSError("a loop of symbolic links") from None
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise OSError(f"the folder {target.parent} does not exist") from None
        replace_file(target, data)
        return
    if stat.S_ISREG(mode):
        replace_file(target, data)
    elif stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        _write_into(target, data)
    elif stat.S_ISDIR(mode):
        raise OSError("it is a folder")
    else:
        raise OSError("it is a socket or a block device, not a file, pipe or terminal")


def _inherited_descriptor(path: Path) -> int | None:
    match = _INHERITED.fullmatch(os.fspath(path))
    if match is None:
        return None
    stdout, stderr, dev_fd, proc_fd = match.groups()
    if stdout or stderr:
        return 1 if stdout else 2
    return int(dev_fd or proc_fd)


def _write_into(target: Path, data: bytes) -> None:
    # No O_CREAT or O_TRUNC: it exists and is a pipe or a device, and stays one.
    handle = os.open(target, os.O_WRONLY | os.O_CLOEXEC | os.O_NOCTTY)
    try:
        mode = os.fstat(handle).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise OSError("it changed into something that is neither a pipe nor a device")
        _write_all(handle, data)
    finally:
        os.close(handle)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _create_beside(path: Path) -> tuple[Path, int]:
    """A new, empty temporary file in ``path``'s folder (a rename only stays
    atomic within one file system), created with mode 0666 so that the umask
    gives it the mode any new file gets."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
    while True:
        # Part of the name says whose it is, short enough for NAME_MAX (255 bytes).
        temporary = path.with_name(f".{path.name[:32]}.{secrets.token_hex(6)}.tmp")
        try:
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue


def _keep_mode_and_owner(handle: int, old: os.stat_result) -> None:
    # Only root may give a file away; anyone else keeps owning what they write.
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):
            os.fchown(handle, old.st_uid, old.st_gid)
    os.fchmod(handle, stat.S_IMODE(old.st_mode))


def _sync_folder(folder: Path) -> None:
    # Makes the rename itself durable; some file systems cannot open a folder.
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)
