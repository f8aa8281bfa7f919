"""Whole runs remembered: nothing changed, nothing judged again.

``itam validate`` with nothing changed since the last run (the same files,
schemas, policies, tool and as-of date) gives the same report; judging
100,000 entities again to find that out would cost seconds. The report is
kept in the analysis cache's database under a key that hashes all of those
inputs, so any change to any of them is a miss. The same refusals as for the
analysis cache apply (``itam.analysis.cache``): an untrusted folder is never
read, a corrupt entry is a miss.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itam.analysis.cache import DATABASE, tool_digest
from itam.analysis.encode import Unreadable, decode_final, decode_json, encode_final, encode_json
from itam.findings import Finding, Severity
from itam.pullrequest import FindingKey
from itam.report import Report, RuleNote

_TABLE = (
    "CREATE TABLE IF NOT EXISTS runs "
    "(key BLOB PRIMARY KEY, stamp INTEGER NOT NULL, value TEXT NOT NULL) WITHOUT ROWID"
)
# Enough for a few branches and dates; older runs are dropped first.
_KEEP = 16


def run_key(
    files: Mapping[str, bytes], refused: list[Finding], config: Mapping[str, str], as_of: dt.date
) -> bytes:
    """One hash of everything a work-tree run reads."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(f"{tool_digest()}\0{as_of.isoformat()}\0".encode())
    for path, blob in sorted(config.items()):
        digest.update(f"{path}\0{blob}\0".encode("utf-8", "surrogateescape"))
    for finding in refused:
        digest.update(repr(encode_final(finding)).encode("utf-8", "surrogateescape") + b"\0")
    # In path order: a work tree and a commit list their files differently.
    for rel, source in sorted(files.items()):
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(len(source).to_bytes(8, "little"))
        digest.update(source)
    return digest.digest()


def recall(folder: Path, key: bytes, root: Path) -> Report | None:
    """The report remembered under ``key``, or None."""
    text = _load(folder, key)
    try:
        return None if text is None else _decode(text, root)
    except Unreadable:
        return None


def _load(folder: Path, key: bytes) -> str | None:
    path = folder / DATABASE
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=1.0)) as db:
            db.execute(_TABLE)
            row = db.execute("SELECT value FROM runs WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row is not None and isinstance(row[0], str) else None


def remember(folder: Path, key: bytes, report: Report) -> None:
    """Keep ``report`` under ``key``; failing to is only slower next time."""
    _store(folder, key, _encode(report))


def _store(folder: Path, key: bytes, value: str) -> None:
    path = folder / DATABASE
    if not path.is_file():
        return  # the analysis cache creates it (and its .gitignore)
    with (
        contextlib.suppress(sqlite3.Error),
        contextlib.closing(sqlite3.connect(path, timeout=1.0, isolation_level=None)) as db,
    ):
        db.execute(_TABLE)
        db.execute("BEGIN")
        db.execute(
            "INSERT OR REPLACE INTO runs (key, stamp, value) VALUES (?, ?, ?)",
            (key, time.time_ns(), value),
        )
        db.execute(
            "DELETE FROM runs WHERE key NOT IN (SELECT key FROM runs ORDER BY stamp DESC LIMIT ?)",
            (_KEEP,),
        )
        db.execute("COMMIT")


def _encode(report: Report) -> str:
    return encode_json(
        {
            "as_of": report.as_of,
            "entities": report.entities,
            "files": report.files,
            "findings": [encode_final(f) for f in report.findings],
            "rules": [[n.id, n.severity.value, n.summary, n.why] for n in report.rules.values()],
        }
    )


def _decode(text: Any, root: Path) -> Report:
    if not isinstance(text, str):
        raise Unreadable("a run is not text")
    value = decode_json(text)
    if not isinstance(value, dict):
        raise Unreadable("a run is not a mapping")
    as_of, entities, files = value.get("as_of"), value.get("entities"), value.get("files")
    findings, rules = value.get("findings"), value.get("rules")
    if not isinstance(as_of, str) or not isinstance(entities, int) or not isinstance(files, int):
        raise Unreadable("a run's counts are missing")
    if not isinstance(findings, list) or not isinstance(rules, list):
        raise Unreadable("a run's findings or rules are missing")
    notes = {}
    for rule in rules:
        if not (
            isinstance(rule, list) and len(rule) == 4 and all(isinstance(x, str) for x in rule)
        ):
            raise Unreadable("a rule note is not four texts")
        if rule[1] not in {s.value for s in Severity}:
            raise Unreadable("a rule note's severity is unknown")
        notes[rule[0]] = RuleNote(rule[0], Severity(rule[1]), rule[2], rule[3])
    return Report(
        root=str(root),
        as_of=as_of,
        entities=entities,
        files=files,
        findings=[decode_final(f) for f in findings],
        rules=notes,
    )


@dataclass(frozen=True, slots=True)
class Judgement:
    """What a later pull request needs of a revision judged in full: the keys
    of its final findings (to classify a head's findings against) and its
    whole-registry findings before waivers (the integrity and policy ones),
    which a head judges again only for the entities its change can affect."""

    keys: set[FindingKey]
    whole: list[Finding]


def recall_judgement(folder: Path, key: bytes) -> Judgement | None:
    """The judgement of a revision remembered under ``key``, or None."""
    text = _load(folder, b"base" + key)
    try:
        value = None if text is None else decode_json(text)
        if not isinstance(value, dict):
            return None
        items, whole = value.get("keys"), value.get("whole")
        if not isinstance(items, list) or not isinstance(whole, list):
            return None
        keys = set()
        for item in items:
            if not isinstance(item, list) or len(item) != 4:
                return None
            if not all(isinstance(x, str) for x in item):
                return None
            keys.add((item[0], item[1], item[2], item[3]))
        return Judgement(keys, [decode_final(f) for f in whole])
    except Unreadable:
        return None


def remember_judgement(folder: Path, key: bytes, judgement: Judgement) -> None:
    """Keep a revision's judgement: the next push of a pull request on it as
    base (or another pull request on it) need not judge it again."""
    value = {"keys": sorted(judgement.keys), "whole": [encode_final(f) for f in judgement.whole]}
    _store(folder, b"base" + key, encode_json(value))
