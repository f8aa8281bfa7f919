"""The compact files of ``reference/``: one product a file, written and read back.

A file holds the product id, its title, where the data comes from and under
which licence, then one line per release cycle, newest first::

    product: windows
    title: Microsoft Windows
    source: "https://endoflife.date/windows (...)"
    licence: "MIT, Copyright 2020 endoflife.date contributors (...)"
    releases:
      "11-24h2-e": {label: "11 24H2 (E)", released: 2024-10-01, eoas: 2027-10-12, eol: 2027-10-12}

One line per release keeps a review readable: a vendor moving a date is a
one-line diff. Rendering is a pure function of the data, so importing the
same source twice gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from itam import files, yamlsafe
from itam.configdoc import load_checked
from itam.dates import parse_date
from itam.errors import ConfigError
from itam.reference.model import MILESTONES, Milestone, Product, Reference, Release
from itam.reference.schema import REFERENCE_FILE
from itam.schemas import KindSchema, standalone

_HEADER = (
    "# End-of-support dates of {title}.\n"
    "# Written by `itam reference import`: import a newer source file rather than\n"
    "# editing this one. What each date means: README.md in this folder.\n"
)


@functools.cache
def _schema() -> KindSchema:
    return standalone(REFERENCE_FILE, "reference", "reference.schema.json")


def _text(value: str) -> str:
    # JSON's string syntax is YAML's double-quoted style: every character,
    # a colon or a quote included, reads back as itself.
    return json.dumps(value, ensure_ascii=False)


def _milestone(value: Milestone) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    assert value is not None
    return value.isoformat()


def _newest_first(release: Release) -> tuple[int, str]:
    # Releases without a date go last; ties (editions of one release) by cycle.
    return (-release.released.toordinal() if release.released else 0, release.cycle)


def render(product: Product) -> bytes:
    """The file of ``product``: stable key order, one line per release, newest first."""
    lines = [
        _HEADER.format(title=" ".join(product.title.split())),
        f"product: {product.id}\n",
        f"title: {_text(product.title)}\n",
        f"source: {_text(product.source)}\n",
        f"licence: {_text(product.licence)}\n",
    ]
    if not product.releases:
        lines.append("releases: {}\n")
    else:
        lines.append("releases:\n")
    for release in sorted(product.releases.values(), key=_newest_first):
        parts = []
        if release.label:
            parts.append(f"label: {_text(release.label)}")
        if release.released is not None:
            parts.append(f"released: {release.released.isoformat()}")
        for name in MILESTONES:
            value = getattr(release, name)
            if value is not None:
                parts.append(f"{name}: {_milestone(value)}")
        lines.append(f"  {_text(release.cycle)}: {{{', '.join(parts)}}}\n")
    return "".join(lines).encode("utf-8")


def _date(value: Any) -> dt.date | None:
    return parse_date(value) if isinstance(value, str) else None


def _read_milestone(value: Any) -> Milestone:
    return value if isinstance(value, bool) else _date(value)


def parse(source: bytes, rel: str) -> Product:
    """The product in the reference file ``rel``; ConfigError with the line when
    it is not one (exit 2: rules would judge by it)."""
    return _load(source, rel)[0]


def _load(source: bytes, rel: str) -> tuple[Product, yamlsafe.Document]:
    doc, data = load_checked(source, rel, _schema())
    releases = {}
    for cycle, body in data["releases"].items():
        releases[cycle] = Release(
            cycle=cycle,
            label=body.get("label"),
            released=_date(body.get("released")),
            **{name: _read_milestone(body.get(name)) for name in MILESTONES},
        )
    product = Product(
        id=data["product"],
        title=data["title"],
        source=data["source"],
        licence=data["licence"],
        releases=releases,
        file=rel,
    )
    return product, doc


def load_reference(root: Path, folder: Path) -> Reference:
    """Every product of ``folder`` (``reference/``); empty when there is none.

    Only YAML files are reference data: the folder's README and licence texts
    sit beside them. A file's stem must be its product id, so that a reviewer
    finds a product where its name says.
    """
    reference = Reference()
    if not folder.is_dir():
        return reference
    for found in files.config_files(root, folder, files.is_yaml):
        product, doc = _load(files.read_config(found.path, root), found.rel)
        if Path(found.rel).stem != product.id:
            raise ConfigError(
                f"the file of product {product.id!r} must be named {product.id}.yaml",
                found.rel,
                doc.locate("/product")[0],
            )
        if product.id in reference.products:
            raise ConfigError(
                f"product {product.id!r} is already in {reference.products[product.id].file}",
                found.rel,
            )
        reference.products[product.id] = product
    return reference
