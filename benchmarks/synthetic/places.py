"""Offices and datacenters: the bundled ones, and new ones in the cities of ``CITIES``.

An office is a site with floors, an IT stores room and a comms room; every
fourth city also gets a datacenter with racks. Assets are placed on floors,
in stores, in comms rooms or racks; a selector's ``locations`` matches a
location and every location that contains it, so each place knows its chain.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from synthetic.book import Book
from synthetic.values import CITIES, CURRENCIES
from synthetic.yamltext import block_map, inline, scalar


@dataclass
class Site:
    """An office or a datacenter, and the locations in it that assets use."""

    code: str
    city: str
    country: str
    site: str
    datacenter: bool = False
    floors: list[str] = field(default_factory=list)
    stores: str | None = None
    comms: str | None = None
    racks: list[str] = field(default_factory=list)

    @property
    def currency(self) -> tuple[str, float]:
        """The currency bought in, and euros to it."""
        return CURRENCIES.get(self.country, ("EUR", 1.0))

    @property
    def tag(self) -> str:
        """The asset-tag prefix."""
        return self.code.upper()[:3]


@dataclass
class Places:
    """Every site, and each location's parent."""

    offices: list[Site] = field(default_factory=list)
    datacenters: list[Site] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def fresh(self, base: str, first: str = "") -> tuple[str, int]:
        """The first id of ``base``, ``base-2``, ... (``base1``, ``base2`` ...
        when ``first`` is "1") that no location has, and its number."""
        number = 1
        while True:
            suffix = first if number == 1 else (f"{number}" if first else f"-{number}")
            if base + suffix not in self.ids:
                return base + suffix, number
            number += 1

    def chain(self, location: str | None) -> frozenset[str]:
        """The location and every location that contains it."""
        out: list[str] = []
        while location is not None and location not in out:
            out.append(location)
            location = self.parents.get(location)
        return frozenset(out)


def bundled(locations: list[Any]) -> Places:
    """The sites of the bundled registry, from its location entities."""
    out = Places()
    by_id = {str(e["id"]): e for e in locations}
    out.ids.update(by_id)
    children: dict[str, list[Any]] = defaultdict(list)
    for entity in by_id.values():
        parent = entity.get("parent")
        if isinstance(parent, str):
            out.parents[str(entity["id"])] = parent
            children[parent].append(entity)
    for entity in by_id.values():
        if entity.get("parent") is not None or entity.get("type") not in ("site", "datacenter"):
            continue
        code = str(entity["id"]).split("-")[0]
        city = next((c for c in CITIES if c[0] == code), None)
        address = entity.get("address")
        country = address.get("country") if isinstance(address, dict) else None
        site = Site(
            code,
            city[1] if city else code,
            str(country or (city[2] if city else "GB")),
            str(entity["id"]),
            datacenter=entity.get("type") == "datacenter",
        )
        for child in children[site.site]:
            kind, child_id = child.get("type"), str(child["id"])
            if kind == "floor":
                site.floors.append(child_id)
            elif kind == "warehouse":
                site.stores = child_id
            elif kind == "room":
                site.comms = child_id
            elif kind == "rack":
                site.racks.append(child_id)
        (out.datacenters if site.datacenter else out.offices).append(site)
    return out


def grow(book: Book, places: Places, budget: int) -> None:
    """Write new offices and datacenters until ``budget`` locations are written."""
    rng = book.rng
    index = 0

    def location(entity_id: str, name: str, kind: str, parent: str | None, **extra: str) -> None:
        nonlocal budget
        if entity_id in places.ids:
            raise RuntimeError(f"location {entity_id} generated twice")
        places.ids.add(entity_id)
        fields = {"id": inline(entity_id), "kind": " location", "name": inline(scalar(name))}
        fields["type"] = inline(kind)
        if parent:
            fields["parent"] = inline(parent)
            places.parents[entity_id] = parent
        fields.update(extra)
        book.write("location", entity_id, fields)
        budget -= 1

    while budget > 0:
        code, city, country, tz, street, postal = CITIES[index % len(CITIES)]
        index += 1
        site_id, nth = places.fresh(f"{code}-office")
        label = "" if nth == 1 else f" {nth}"
        site = Site(code, city, country, site_id)
        address = block_map(
            (
                ("street", scalar(f"{rng.randint(1, 240)} {street}")),
                ("city", scalar(city)),
                ("postal_code", scalar(postal)),
                ("country", scalar(country)),
            )
        )
        where = {"address": address, "timezone": inline(tz)}
        location(site.site, f"{city} office{label}", "site", None, **where)
        for floor in range(1, rng.randint(2, 5)):
            if budget > 0:
                site.floors.append(f"{site.site}-{floor}f")
                location(
                    site.floors[-1], f"{city} office{label}, floor {floor}", "floor", site.site
                )
        if budget > 0:
            site.stores = f"{site.site}-stores"
            note = inline("Locked room for spare and returned equipment awaiting redeployment.")
            location(
                site.stores, f"{city} office{label}, IT stores", "warehouse", site.site, notes=note
            )
        if budget > 0:
            site.comms = f"{site.site}-comms"
            location(site.comms, f"{city} office{label}, comms room", "room", site.site)
        places.offices.append(site)
        if index % 4 == 0 and budget > 0:
            dc_id, nth = places.fresh(f"{code}-dc", first="1")
            dc = Site(code, city, country, dc_id, datacenter=True)
            cage = rng.randint(100, 999)
            location(
                dc.site,
                f"{city} datacenter {nth} (colocation cage {cage})",
                "datacenter",
                None,
                **where,
            )
            for rack in range(1, rng.randint(3, 9)):
                if budget > 0:
                    dc.racks.append(f"{dc.site}-r{rack:02d}")
                    note = inline("42U, two 16 A A+B feeds.")
                    location(
                        dc.racks[-1],
                        f"{city} DC{nth}, rack R{rack:02d}",
                        "rack",
                        dc.site,
                        notes=note,
                    )
            places.datacenters.append(dc)
