"""A physical audit session at one location: what was scanned against what the
registry expects there.

* **found**: a scanned asset registered at the location or inside it (a
  room of the building, a rack of the datacenter);
* **missing**: an asset registered there, in service (its state's class is
  ``deployed`` or ``deployable``: in use or in stock), that was not scanned;
* **unexpected**: a scan of an asset registered elsewhere (with where), or
  of nothing the registry knows.

A scan matches an asset's ``asset_tag``, else its ``serial``, else its id;
exactly first, then ignoring case (scanners and labels disagree on case).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from itam.edit.commit import read_text
from itam.edit.roundtrip import apply_changes
from itam.edit.scans import Scan
from itam.edit.source import EditError
from itam.edit.transition import Refused, audit_changes
from itam.entities import Entity
from itam.evaluation import Evaluation
from itam.layout import Layout
from itam.output import escaped

IN_SERVICE = frozenset({"deployed", "deployable"})
"""State classes of assets expected to be where the registry says."""

MATCH_FIELDS = ("asset_tag", "serial", "id")

# A scan file can hold anything: terminal escapes are shown, not obeyed.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u2028\u2029\ud800-\udfff]"
)


def _shown(value: object) -> str:
    return escaped(str(value), _UNSAFE)


@dataclass(slots=True)
class Found:
    entity: Entity
    scan: Scan
    status: str | None
    in_service: bool


@dataclass(slots=True)
class Unexpected:
    scan: Scan
    entity: Entity | None = None
    location: str | None = None


@dataclass(slots=True)
class Session:
    """The outcome of comparing the scans with the registry."""

    location: Entity
    scanned: int
    found: list[Found] = field(default_factory=list)
    missing: list[Entity] = field(default_factory=list)
    unexpected: list[Unexpected] = field(default_factory=list)
    repeated: int = 0

    @property
    def clean(self) -> bool:
        """Nothing missing and nothing unexpected."""
        return not self.missing and not self.unexpected


class _Index:
    def __init__(self, evaluation: Evaluation) -> None:
        self.exact: dict[str, Entity] = {}
        self.folded: dict[str, Entity] = {}
        for name in reversed(MATCH_FIELDS):
            # Later fields first, so that a tag wins over a serial over an id.
            for entity in evaluation.catalog:
                value = entity.id if name == "id" else entity.get(name)
                if isinstance(value, str) and value:
                    self.exact[value] = entity
                    self.folded[value.casefold()] = entity

    def match(self, value: str) -> Entity | None:
        return self.exact.get(value) or self.folded.get(value.casefold())

    def known(self) -> list[str]:
        return list(self.exact)


def known_values(evaluation: Evaluation) -> list[str]:
    """Every tag, serial and id: what a scan may be."""
    return _Index(evaluation).known()


def compare(evaluation: Evaluation, location_id: str, scans: list[Scan]) -> Session:
    """The session at ``location_id``; EditError when it is not a location."""
    place = evaluation.catalog.get(location_id)
    if place is None or place.kind != "location":
        locations = sorted(e.id for e in evaluation.catalog.of_kind("location") if e.id)
        raise EditError(
            f"no location {location_id!r} in the registry; locations: {', '.join(locations)}"
        )
    context = evaluation.context
    index = _Index(evaluation)
    session = Session(place, len(scans))
    seen: set[str] = set()
    for scan in scans:
        entity = index.match(scan.value)
        if entity is not None and entity.id in seen:
            session.repeated += 1
            continue
        if entity is None or entity.kind == "location":
            session.unexpected.append(Unexpected(scan))
            continue
        seen.add(entity.id or "")
        if location_id in context.locations_of(entity):
            state = context.state(entity)
            in_service = state is not None and state.state_class in IN_SERVICE
            session.found.append(Found(entity, scan, entity.get("status"), in_service))
        else:
            where = entity.get("location")
            session.unexpected.append(
                Unexpected(scan, entity, where if isinstance(where, str) else None)
            )
    for entity in evaluation.catalog:
        if entity.id in seen or entity.kind == "location":
            continue
        if location_id not in context.locations_of(entity):
            continue
        state = context.state(entity)
        if state is not None and state.state_class in IN_SERVICE:
            session.missing.append(entity)
    session.found.sort(key=lambda f: f.entity.id or "")
    session.missing.sort(key=lambda e: e.id or "")
    return session


def record_audits(
    layout: Layout, evaluation: Evaluation, session: Session, on: dt.date, by: str
) -> tuple[dict[str, bytes], dict[str, bytes | None], list[str]]:
    """The files of the found assets with an audit ``{date, by, result: found}``
    appended in place: new bytes and old bytes by path, and why any found
    asset gets none (a final state)."""
    writes: dict[str, bytes] = {}
    old: dict[str, bytes | None] = {}
    skipped: list[str] = []
    for found in session.found:
        entity = found.entity
        try:
            wanted = audit_changes(evaluation, entity, on, by, "found")
        except Refused as exc:
            skipped.append(str(exc))
            continue
        text = read_text(layout, entity.file)
        edited = apply_changes(text, wanted, evaluation.schemas, file=entity.file)
        writes[entity.file] = edited.encode("utf-8")
        old[entity.file] = text.encode("utf-8")
    return writes, old, skipped


def as_json(session: Session, as_of: str, written: list[str]) -> dict[str, Any]:
    """The session as one JSON object (``--format json``)."""
    return {
        "version": 1,
        "as_of": as_of,
        "location": session.location.id,
        "scanned": session.scanned,
        "repeated": session.repeated,
        "found": [
            {
                "id": f.entity.id,
                "file": f.entity.file,
                "scan": f.scan.value,
                "line": f.scan.line,
                "status": f.status,
                "in_service": f.in_service,
            }
            for f in session.found
        ],
        "missing": [
            {"id": e.id, "file": e.file, "location": e.get("location"), "status": e.get("status")}
            for e in session.missing
        ],
        "unexpected": [
            {
                "scan": u.scan.value,
                "line": u.scan.line,
                "id": u.entity.id if u.entity else None,
                "file": u.entity.file if u.entity else None,
                "location": u.location,
            }
            for u in session.unexpected
        ],
        "written": written,
    }


def as_text(session: Session, as_of: str, written: list[str]) -> str:
    """The session for people."""
    place = session.location
    name = place.get("name")
    lines = [
        f"Audit session at {place.id}"
        + (f" ({name})" if isinstance(name, str) else "")
        + f", as of {as_of}: "
        f"{session.scanned} scanned, {len(session.found)} found, {len(session.missing)} missing, "
        f"{len(session.unexpected)} unexpected"
        + (f", {session.repeated} scanned again" if session.repeated else ""),
    ]
    lines.append(f"found ({len(session.found)}):")
    for f in session.found:
        note = "" if f.in_service else f"  (registered as {f.status})"
        lines.append(
            f"  {f.entity.id}  scan {_shown(f.scan.value)}  at {f.entity.get('location')}{note}"
        )
    lines.append(f"missing ({len(session.missing)}): registered here and in service, not scanned")
    for e in session.missing:
        lines.append(f"  {e.id}  {e.get('status')}  at {e.get('location')}  {e.file}")
    lines.append(f"unexpected ({len(session.unexpected)}):")
    for u in session.unexpected:
        if u.entity is None:
            lines.append(f"  {_shown(u.scan.value)}  (line {u.scan.line}): not in the registry")
        else:
            where = f"registered at {u.location}" if u.location else "registered at no location"
            lines.append(f"  {_shown(u.scan.value)}  (line {u.scan.line}): {u.entity.id}, {where}")
    for rel in written:
        lines.append(f"recorded an audit in {rel}")
    return "\n".join(lines) + "\n"
