"""Ids of new entities: safe file names, the next of a series, the folder.

An id is also a file name (``registry/.../LT-0019.yaml``), on Linux CI and
on the Windows and macOS laptops people clone the registry to. So beyond the
schema's pattern an id may not be a name Windows reserves (``CON``,
``NUL``, ``COM1``, ... with any extension), end in a dot or a space, or
differ from an existing id only in case.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import PurePosixPath

from itam.edit.source import EditError
from itam.entities import Catalog
from itam.layout import REGISTRY_FOLDER

MAX_ID = 64
"""The schema's limit for ids (common.schema.json ``$defs/id``)."""

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_RESERVED = re.compile(r"(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)", re.I)
_SERIES = re.compile(r"(.*?)([0-9]+)")

FOLDERS = {
    "laptop": "hardware/laptops",
    "desktop": "hardware/desktops",
    "server": "hardware/servers",
    "network-device": "hardware/network",
    "mobile-device": "hardware/mobile",
    "peripheral": "hardware/peripherals",
    "storage": "hardware/storage",
    "software-license": "software",
    "saas-subscription": "software",
    "contract": "contracts",
    "location": "locations",
    "model": "models",
    "vendor": "vendors",
    "person": "people",
}
"""Where a kind's first entity goes, under registry/; later ones follow the
folder most entities of their kind are in. A kind not listed gets its own
folder, named after it."""

PREFIXES = {
    "laptop": "LT-0001",
    "desktop": "DT-0001",
    "server": "SRV-0001",
    "network-device": "NET-0001",
    "mobile-device": "MOB-0001",
    "peripheral": "PER-0001",
    "storage": "STO-0001",
    "software-license": "LIC-0001",
    "saas-subscription": "SUB-0001",
    "contract": "CON-0001",
    "person": "EMP-1001",
}
"""The first id of a kind's series, when none exists yet. Locations, models
and vendors are named by slug (``lon-hq``, ``dell``): they need ``--id``."""


def check_id(entity_id: str) -> None:
    """EditError unless ``entity_id`` is safe as an id and as a file name anywhere."""
    shown = repr(entity_id) if len(entity_id) <= 80 else repr(entity_id[:80]) + "…"
    if not entity_id:
        raise EditError("the id is empty")
    if len(entity_id) > MAX_ID:
        raise EditError(f"the id {shown} is longer than {MAX_ID} characters")
    if any(c in entity_id for c in "/\\") or PurePosixPath(entity_id).is_absolute():
        raise EditError(f"the id {shown} holds a path separator; an id is a file name")
    if entity_id in (".", "..") or entity_id.startswith("."):
        raise EditError(f"the id {shown} starts with a dot; ids start with a letter or digit")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in entity_id):
        raise EditError(f"the id {shown} holds a control character or a line break")
    if entity_id != entity_id.rstrip(". "):
        raise EditError(f"the id {shown} ends in a dot or a space, which Windows drops")
    if _RESERVED.fullmatch(entity_id.split(".")[0]):
        raise EditError(f"the id {shown} is a name Windows reserves for a device")
    if not _SAFE.fullmatch(entity_id):
        raise EditError(
            f"the id {shown} may hold only letters, digits, '.', '_' and '-', starting with "
            "a letter or digit, e.g. LT-0019"
        )


def check_new(entity_id: str, catalog: Catalog, stems: Iterable[str]) -> None:
    """``check_id``, and EditError when the id (or a file of that name, in any
    case) exists already."""
    check_id(entity_id)
    existing = catalog.get(entity_id)
    if existing is not None:
        raise EditError(f"{entity_id} exists already ({existing.kind}, {existing.file})")
    folded = entity_id.casefold()
    for other in [*catalog.by_id, *stems]:
        if other.casefold() == folded:
            raise EditError(
                f"{entity_id} would clash with {other}: file names that differ only in case "
                "are one file on Windows and macOS"
            )


def folder_for(catalog: Catalog, kind: str) -> str:
    """The folder (relative to the root) where new entities of ``kind`` go:
    where most of its entities are, else the table above."""
    folders = Counter(
        PurePosixPath(e.file).parent.as_posix()
        for e in catalog.of_kind(kind)
        if PurePosixPath(e.file).parts[:1] == (REGISTRY_FOLDER,)
    )
    if folders:
        return min(folders, key=lambda f: (-folders[f], f))
    return f"{REGISTRY_FOLDER}/{FOLDERS.get(kind, kind)}"


def next_id(catalog: Catalog, kind: str, taken: Iterable[str] = ()) -> str | None:
    """The next free id of ``kind``'s series: the most common prefix among its
    ids, one past the highest number, as wide as they are written. None when
    the kind has no series (slugs) and the table above gives none."""
    used = {*catalog.by_id, *taken}
    folded = {u.casefold() for u in used}
    series: Counter[tuple[str, int]] = Counter()
    highest: dict[tuple[str, int], int] = {}
    for entity in catalog.of_kind(kind):
        match = _SERIES.fullmatch(entity.id or "")
        if match is None:
            continue
        prefix, digits = match.groups()
        key = (prefix, len(digits))
        series[key] += 1
        highest[key] = max(highest.get(key, 0), int(digits))
    if series:
        prefix, width = min(series, key=lambda k: (-series[k], k))
        number = highest[(prefix, width)] + 1
    elif kind in PREFIXES:
        match = _SERIES.fullmatch(PREFIXES[kind])
        assert match is not None
        prefix, digits = match.groups()
        width, number = len(digits), int(digits)
    else:
        return None
    while True:
        candidate = f"{prefix}{number:0{width}d}"
        if candidate.casefold() not in folded:
            return candidate
        number += 1
