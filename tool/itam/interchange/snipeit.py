"""Snipe-IT's CSV files: which one a file is, and the map that reads it.

Snipe-IT imports and exports one CSV per thing it tracks, with headers that
vary between versions and between its import samples and its exports
("Name" or "item Name", "Model" or "Model name", a "Checked Out To: ..."
block or "Full Name"/"Email"). ``detect`` tells the file apart by its headers;
each kind of file has a shipped map (``maps/snipeit-*.yaml``) that lists the
header variants. Accessories, consumables and components are stock counts,
not individual assets, and have no kind in the registry: such a file is
refused with the reason (exit 2).

A license's state is the one thing a map cannot say: ``ended`` when its
expiration date has passed as of the run's date, else ``active``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from itam.errors import ConfigError
from itam.interchange.import_rows import Draft
from itam.interchange.mapped import ImportMap, builtin_map
from itam.limits import quote, shorten
from itam.tabular import Table

FILES = ("assets", "licenses", "users", "models", "locations", "suppliers")
"""The Snipe-IT files ``itam import snipeit`` reads, by the name ``--type`` takes."""

# Most specific first: consumables have an accessory's columns and an item number.
_STOCK = {
    "consumables": ("item number", "qty"),
    "components": ("quantity", "serial number"),
    "accessories": ("qty", "min amount"),
}


def detect(table: Table) -> str:
    """Which Snipe-IT file ``table`` is (one of ``FILES``), from its headers;
    ConfigError when it is none of them."""
    has = {" ".join(c.split()).casefold() for c in table.columns}

    def any_of(*names: str) -> bool:
        return any(name in has for name in names)

    if any_of("asset tag"):
        return "assets"
    if any_of("seats"):
        return "licenses"
    for stock, marks in _STOCK.items():
        if all(mark in has for mark in marks):
            raise ConfigError(
                f"{table.source} is a Snipe-IT {stock} file: {stock} are counted in stock, not "
                "tracked one by one, and the registry has no kind for them; nothing is imported"
            )
    if any_of("username", "first name", "employee number"):
        return "users"
    if any_of("contact", "url", "fax"):
        return "suppliers"
    if any_of("address", "city", "zip", "parent"):
        return "locations"
    if any_of("model number", "fieldset", "eol", "manufacturer"):
        return "models"
    shown = shorten(", ".join(quote(shorten(c, 40)) for c in table.columns[:8]), 300)
    raise ConfigError(
        f"{table.source} is not a Snipe-IT file this import knows (its columns: {shown}); "
        f"pass --type ({', '.join(FILES)}) or use `itam import csv --map`"
    )


def map_for(what: str) -> ImportMap:
    """The shipped map of the Snipe-IT file ``what``."""
    return builtin_map(f"snipeit-{what}")


def adjuster(what: str, as_of: dt.date) -> Callable[[Draft], None] | None:
    """What to change on each draft after the map has read it, for ``what``."""
    if what != "licenses":
        return None

    def license_state(draft: Draft) -> None:
        end = draft.values.get("end")
        if isinstance(end, str):
            # Read from the expiration date: the CSV's to say, on updates too.
            draft.values["status"] = "ended" if end < as_of.isoformat() else "active"
            draft.defaults.discard("status")

    return license_state
