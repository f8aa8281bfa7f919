"""Which vendor release an asset's software is, and so when its support ends.

Assets record their operating system as ``os.name`` and ``os.version``, and
network and storage gear its ``firmware``, whose family (FortiOS, ONTAP) its
model names in ``firmware_family``. The ``software:`` mapping of
``policies/`` turns a name and version into a product and release cycle of
``reference/``; nothing else is tried. Software that no entry matches, or
whose cycle the reference does not list, is reported as such, never guessed:
a wrong guess would pass or fail an asset on somebody else's dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import re2  # type: ignore[import-untyped]

from itam.entities import Entity
from itam.limits import quote
from itam.policy.model import SoftwareMatch
from itam.reference.model import Reference, Release

SOURCES = ("os", "firmware")
DEFAULT_VERSION = "^(.+)$"
DEFAULT_CYCLE = "{1}"
_GROUP = re.compile(r"\{([0-9]+)\}")


def _options() -> Any:
    options = re2.Options()
    # A pattern RE2 refuses becomes a configuration error, not a log line.
    options.log_errors = False
    return options


_OPTIONS = _options()


def compile_version(pattern: str) -> Any:
    """``pattern`` compiled with RE2 (linear time whatever the version holds).

    Raises ValueError saying why RE2 cannot run it (a lookaround, a backreference).
    """
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(str(reason)) from None


def cycle_groups(template: str) -> set[int]:
    """The group numbers a cycle template uses: ``11-{1}-e`` uses {1}."""
    return {int(number) for number in _GROUP.findall(template)}


def normal(name: str) -> str:
    """A name as the mapping compares it: without case or extra spaces."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Support:
    """One piece of software an asset runs, and the release it was matched to."""

    # "os" or "firmware".
    source: str
    # os.name, or the model's firmware_family; None when the model names none.
    name: str | None
    version: str | None
    # Where the asset records it, for findings.
    pointer: str
    product: str | None = None
    cycle: str | None = None
    release: Release | None = None
    # The reference file of the product.
    file: str | None = None
    # Why nothing matched; None when a release did.
    problem: str | None = None

    def subject(self) -> str:
        """The software as the asset records it: ``os 'Windows 11 Pro' '24H2'``."""
        return " ".join([self.source, *(quote(p) for p in (self.name, self.version) if p)])

    def matched(self) -> str:
        """The release it was matched to: ``windows 11-24h2-w (11 24H2 (W))``."""
        return f"{self.product} {self.release.name()}" if self.release else ""


def _fill(template: str, groups: tuple[str | None, ...]) -> str:
    """The cycle ``template`` with its {n} replaced by the pattern's groups, lower-cased."""
    return _GROUP.sub(lambda m: groups[int(m.group(1))] or "", template).lower()


def _match(
    source: str,
    name: str,
    version: str | None,
    pointer: str,
    entries: Sequence[SoftwareMatch],
    reference: Reference,
) -> Support:
    wanted = normal(name)
    named = [e for e in entries if e.source == source and wanted in e.keys]
    field = "os.name" if source == "os" else "firmware family"
    if not named:
        problem = f"no entry of the software mapping in policies/ names the {field} {quote(name)}"
        return Support(source, name, version, pointer, problem=problem)
    for entry in named:
        found = entry.compiled.search(version or "")
        if found is None:
            continue
        cycle = _fill(entry.cycle, (found.group(0), *found.groups()))
        product = reference.products[entry.product]
        release = product.releases.get(cycle)
        if release is None:
            problem = (
                f"it would be {entry.product} release cycle {quote(cycle)}, which "
                f"{product.file or 'the reference'} does not list"
            )
            return Support(
                source, name, version, pointer, entry.product, cycle, None, product.file, problem
            )
        return Support(source, name, version, pointer, entry.product, cycle, release, product.file)
    patterns = ", ".join(e.version for e in named)
    what = f"version {quote(version)}" if version else "no version"
    return Support(
        source,
        name,
        version,
        pointer,
        problem=f"{what} matches none of the version patterns declared for it ({patterns})",
    )


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


Memo = dict[tuple[str, str, str | None, str], Support]
"""Matches already made in one run, by source, name, version and pointer."""


def match_software(
    entity: Entity,
    model: Entity | None,
    entries: Sequence[SoftwareMatch],
    reference: Reference,
    memo: Memo | None = None,
) -> tuple[Support, ...]:
    """The operating system and firmware ``entity`` records, each matched to a
    release of ``reference`` through the mapping ``entries`` (or not).

    A fleet runs a handful of builds: with ``memo`` (one per run, for one
    mapping and reference) each distinct one is matched once.
    """
    memo = {} if memo is None else memo

    def match(source: str, name: str, version: str | None, pointer: str) -> Support:
        key = (source, name, version, pointer)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _match(source, name, version, pointer, entries, reference)
        return found

    found = []
    system = entity.get("os")
    if isinstance(system, dict) and (name := _text(system.get("name"))) is not None:
        version = _text(system.get("version"))
        pointer = "/os/version" if version is not None else "/os/name"
        found.append(match("os", name, version, pointer))
    firmware = _text(entity.get("firmware"))
    if firmware is not None:
        family = _text(model.get("firmware_family")) if model is not None else None
        if family is not None:
            found.append(match("firmware", family, firmware, "/firmware"))
        else:
            why = (
                f"its model {model.id} names no firmware_family"
                if model is not None
                else "it has no model to name its firmware family"
            )
            found.append(Support("firmware", None, firmware, "/firmware", problem=why))
    return tuple(found)
