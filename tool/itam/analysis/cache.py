"""The analysis cache: per-file results kept between runs.

One SQLite file in the cache folder (``.itam-cache/`` at the registry root,
git-ignored; CI restores it with ``actions/cache``). An entry's key hashes
everything ``analyse`` reads: the file's path and bytes (what its git blob id
names), the schemas' digest and the tool's own code, so an edit to any of
them is a miss, never a stale hit.

The cache is a speed-up, never a source of truth, and a pull request may
come from anyone, so it is refused whole when it could have been planted:
a folder git tracks (a pull request can commit one whatever .gitignore says),
a symbolic link, or a folder or file owned by another user. A corrupt file, a
foreign format or an entry that does not decode is a miss. Failing to write
it (read-only disk, a locked database) costs speed only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from itam import __version__
from itam.analysis.encode import (
    Unreadable,
    decode_finding,
    decode_json,
    encode_finding,
    encode_json,
)
from itam.findings import Finding
from itam.yamlsafe import INTERN_MAX

DATABASE = "analysis-v1.sqlite"
# SQLite allows 999 parameters per statement in older builds.
_BATCH = 900

Result = tuple[dict[str, Any] | None, tuple[Finding, ...]]
"""What ``analyse`` found in one file: its data (None if unusable) and findings."""


@cache
def tool_digest() -> str:
    """A digest of this tool's code and data files: a new build is a new cache."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def refusal(folder: Path, root: Path) -> str | None:
    """Why the cache folder must not be trusted, or None when it may be."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        return "it is not a plain folder"
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return "another user owns it"
    if _tracked(folder, root):
        return "git tracks files in it (a cache is never committed)"
    return None


def _tracked(folder: Path, root: Path) -> bool:
    try:
        rel = folder.resolve().relative_to(root.resolve())
    except ValueError:
        return False  # outside the repository: nothing in it can be committed
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--", f":(literal){rel.as_posix()}"],
            cwd=root,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return True  # cannot tell: do not trust it
    # Outside a git work tree (exit 128) nothing is tracked.
    return bool(done.stdout) if done.returncode == 0 else done.returncode != 128


class AnalysisCache:
    """Per-file results in one SQLite file, under one namespace of digests."""

    def __init__(self, folder: Path, schemas_digest: str) -> None:
        self.folder = folder
        self.namespace = hashlib.sha256(f"{tool_digest()}\0{schemas_digest}".encode()).digest()
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0

    def key(self, rel: str, source: bytes) -> bytes:
        digest = hashlib.blake2b(self.namespace, digest_size=20)
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(source)
        return digest.digest()

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        path = self.folder / DATABASE
        if not create and not path.is_file():
            return None
        with contextlib.suppress(sqlite3.Error, OSError):
            if create:
                self.folder.mkdir(parents=True, exist_ok=True)
                _ignore_in_git(self.folder)
            db = sqlite3.connect(path, timeout=1.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, value TEXT NOT NULL) "
                "WITHOUT ROWID"
            )
            self._db = db
        return self._db

    def lookup(self, keys: Iterable[bytes]) -> dict[bytes, Result]:
        """The cached results of ``keys`` that decode; the rest are misses."""
        wanted = list(keys)
        found: dict[bytes, Result] = {}
        db = self._connect(create=False)
        if db is not None:
            try:
                for rows in _batches(wanted):
                    marks = ",".join("?" * len(rows))
                    batch = db.execute(
                        f"SELECT key, value FROM entries WHERE key IN ({marks})",  # noqa: S608
                        rows,
                    ).fetchall()
                    found.update(_decode_batch(batch))
            except sqlite3.Error:
                found = {}  # a corrupt database: analyse everything again
                self.close()
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def store(self, results: Mapping[bytes, Result], keep: set[bytes]) -> None:
        """Add ``results``; drop entries no longer named by ``keep`` once they
        outnumber the live ones (old branches, deleted files)."""
        if not results:
            return
        db = self._connect(create=True)
        if db is None:
            return
        try:
            with _transaction(db):
                db.executemany(
                    "INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)",
                    ((key, _encode(result)) for key, result in results.items()),
                )
            (count,) = db.execute("SELECT count(*) FROM entries").fetchone()
            if count > 2 * len(keep) + 1000:
                with _transaction(db):
                    db.execute("CREATE TEMP TABLE live (key BLOB PRIMARY KEY) WITHOUT ROWID")
                    db.executemany("INSERT INTO live VALUES (?)", ((k,) for k in keep))
                    db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM live)")
                    db.execute("DROP TABLE live")
        except sqlite3.Error:
            self.close()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _batches(keys: list[bytes]) -> Iterator[list[bytes]]:
    for start in range(0, len(keys), _BATCH):
        yield keys[start : start + _BATCH]


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _encode(result: Result) -> str:
    data, findings = result
    return encode_json([data, [encode_finding(f) for f in findings]])


def _decode_batch(rows: list[tuple[Any, Any]]) -> Iterator[tuple[bytes, Result]]:
    """The entries of ``rows`` that decode, by key.

    Decoded as one JSON array when every value is text: the decoder then
    makes each distinct key once for the whole batch, as the loader's
    interning does, instead of once per entry (a quarter more memory at
    100,000 entities, and slower pages after). An entry that does not decode
    sends the batch through one by one, so that it alone is a miss.
    """
    if all(isinstance(value, str) for _, value in rows):
        try:
            values = decode_json("[" + ",".join(value for _, value in rows) + "]")
        except Unreadable:
            values = None
        if isinstance(values, list) and len(values) == len(rows):
            try:
                yield from [(bytes(k), _checked(v)) for (k, _), v in zip(rows, values, strict=True)]
                return
            except Unreadable:
                pass
    for key, text in rows:
        with contextlib.suppress(Unreadable):
            yield bytes(key), _decode(text)


def _decode(text: Any) -> Result:
    if not isinstance(text, str):
        raise Unreadable("an entry is not text")
    return _checked(decode_json(text))


def _interned(value: Any) -> None:
    """Intern, in place, the short strings of a decoded entity as the loader
    does: a value repeated across files (a state, a kind, a model, a date) is
    then one object, as it is after parsing. Without it a warm run holds a
    copy per file, and the site's forked page writers copy every page of
    memory that holds one as they touch it."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if type(item) is str:
            if len(item) <= INTERN_MAX:
                value[key] = sys.intern(item)
        elif isinstance(item, dict | list):
            _interned(item)


def _checked(value: Any) -> Result:
    if not isinstance(value, list) or len(value) != 2:
        raise Unreadable("an entry is not [data, findings]")
    data, findings = value
    if data is not None and not isinstance(data, dict):
        raise Unreadable("an entry's data is not a mapping")
    if data is not None:
        try:
            _interned(data)
        except RecursionError:  # deeper than any file the loader accepts
            raise Unreadable("an entry's data nests too deep") from None
    if not isinstance(findings, list):
        raise Unreadable("an entry's findings are not a list")
    return data, tuple(decode_finding(f) for f in findings)


def _ignore_in_git(folder: Path) -> None:
    # A cache folder says itself that git should ignore it, as pytest's does,
    # so no registry needs a .gitignore line for it.
    marker = folder / ".gitignore"
    if not marker.exists():
        with contextlib.suppress(OSError):
            marker.write_text("# Created by itam: the analysis cache is never committed.\n*\n")
