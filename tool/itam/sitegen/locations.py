"""Locations as a tree: each one's parent and name, and the walk up from it.

The one walk every page uses: the dashboard counts entities by site (the top
of a location's chain), the inventory's location filter offers every
location that contains one in use, and the data file gives each location its
parent. The registry being judged may hold a cycle (a inside b inside a) or
a parent that is no location: a chain stops before it repeats itself, and a
parent id that names nothing ends it.
"""

from __future__ import annotations

from itam.entities import Catalog


class Locations:
    """The locations of a catalog, by id."""

    def __init__(self, catalog: Catalog) -> None:
        self.parents: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self._chains: dict[str, tuple[str, ...]] = {}
        for entity in catalog.of_kind("location"):
            if entity.id is None or entity.id in self.names:
                continue  # a duplicate id: the first file claiming it owns it
            parent = entity.get("parent")
            if isinstance(parent, str) and parent:
                self.parents[entity.id] = parent
            name = entity.get("name")
            self.names[entity.id] = name if isinstance(name, str) and name else entity.id

    def parent(self, location: str) -> str | None:
        return self.parents.get(location)

    def chain(self, location: str) -> tuple[str, ...]:
        """``location``, the location containing it, and so on up to the top."""
        found = self._chains.get(location)
        if found is None:
            walked = [location]
            seen = {location}
            while (parent := self.parents.get(walked[-1])) is not None and parent not in seen:
                walked.append(parent)
                seen.add(parent)
            found = self._chains[location] = tuple(walked)
        return found

    def site(self, location: str) -> str:
        """The top of ``location``'s chain: the site it is part of."""
        return self.chain(location)[-1]

    def name(self, location: str) -> str:
        return self.names.get(location, location)
