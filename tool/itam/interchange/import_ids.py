"""Ids and files for the entities an import creates.

An id is never a cell's text as it is, so no tag or name from a CSV
(``../../etc/passwd``, a newline) becomes a path:

* kinds whose ids run in a series (``LT-0018``, ``EMP-1015``) take the next
  free id of that series (``itam.edit.next_id``: ``LT-0019``);
* locations, models and vendors are named by slugs of their names (``lon-hq``,
  ``dell``): lower-case ASCII letters, digits and '-', with ``-2``, ``-3``
  added when the slug is taken;
* an id a row gives itself (a Snipe-IT employee number) must pass
  ``itam.edit.check_id`` and be free.

A new file goes where ``itam.edit.folder_for`` puts its kind
(``registry/hardware/laptops``); with ``into``, in the same sub-folder under
that folder instead (``into/hardware/laptops``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from itam.edit import EditError, check_id, folder_for, next_id
from itam.entities import Catalog
from itam.interchange.import_values import slug
from itam.layout import REGISTRY_FOLDER

MAX_SLUG = 60
"""Room for a ``-NN`` suffix within the 64 characters of an id."""

_SERIES = re.compile(r"(.*?)([0-9]+)")

NAMED = frozenset(("location", "model", "vendor"))
"""Kinds named by slugs, even where an id ends in digits (``fra-dc1-r12``)."""


@dataclass(slots=True)
class Ids:
    """Hands out ids and file paths for new entities, one plan at a time.

    An id handed out is taken at once, so two new entities never share one.
    """

    catalog: Catalog
    into: str | None = None
    taken: set[str] = field(default_factory=set)
    _folders: dict[str, str] = field(default_factory=dict)
    # The series of each kind once known: prefix, next number, width.
    _series: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.taken = {i.casefold() for i in self.catalog.by_id}

    def free(self, candidate: str) -> bool:
        return candidate.casefold() not in self.taken

    def take(self, candidate: str) -> str:
        self.taken.add(candidate.casefold())
        return candidate

    def new_id(self, kind: str, name: str) -> str:
        """A free id for a new entity of ``kind`` called ``name``."""
        if kind not in NAMED:
            found = self._next_in_series(kind)
            if found is not None:
                return self.take(found)
        base = slug(name, MAX_SLUG) or kind
        candidate, n = base, 2
        while not self.free(candidate):
            candidate = f"{base}-{n}"
            n += 1
        return self.take(candidate)

    def _next_in_series(self, kind: str) -> str | None:
        # next_id reads the whole catalog; asked once per kind, then counted on
        # here, an import of 10,000 rows stays linear.
        series = self._series.get(kind)
        if series is None:
            first = next_id(self.catalog, kind, self.taken)
            match = _SERIES.fullmatch(first or "")
            if match is None:
                return first
            series = (match.group(1), int(match.group(2)), len(match.group(2)))
        prefix, number, width = series
        while not self.free(candidate := f"{prefix}{number:0{width}d}"):
            number += 1
        self._series[kind] = (prefix, number + 1, width)
        return candidate

    def given(self, entity_id: str) -> str:
        """An id a row gives, when it is safe and free; EditError otherwise."""
        check_id(entity_id)
        if not self.free(entity_id):
            raise EditError(f"the id {entity_id!r} is taken already")
        return self.take(entity_id)

    def path(self, kind: str, entity_id: str) -> str:
        """The file (relative to the root) of a new entity."""
        folder = self._folders.get(kind)
        if folder is None:
            folder = self._folders[kind] = self._folder(kind)
        return f"{folder}/{entity_id}.yaml"

    def _folder(self, kind: str) -> str:
        usual = PurePosixPath(folder_for(self.catalog, kind))
        if self.into is None:
            return str(usual)
        return str(PurePosixPath(self.into) / usual.relative_to(REGISTRY_FOLDER))
