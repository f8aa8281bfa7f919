"""Read an endoflife.date product file (``products/<id>.md``) into a Product.

A product file is YAML front matter between two ``---`` lines, then Markdown.
Only the front matter is read, with ``itam.yamlsafe`` (nothing in it is ever
constructed or executed), and of it only what judging support needs: the
title and, per release cycle, its label, release day and the ends of active
(``eoas``), security (``eol``) and extended (``eoes``) support. The rest
(``latest``, links, automation settings) changes with every patch release
and would only make reviews noisy.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from itam import yamlsafe
from itam.configdoc import load_checked
from itam.dates import parse_date
from itam.errors import ConfigError
from itam.limits import quote
from itam.reference.model import Milestone, Product, Release
from itam.reference.schema import CYCLE, ENDOFLIFE_FRONT_MATTER, PRODUCT_ID
from itam.schemas import KindSchema, standalone

SOURCE = (
    "https://endoflife.date{permalink} "
    "(products/{id}.md of github.com/endoflife-date/endoflife.date)"
)
LICENCE = "MIT, Copyright 2020 endoflife.date contributors (see LICENSE.endoflife-date.txt)"

_PERMALINK = re.compile(r"/[a-z0-9][a-z0-9-]*")
# Before endoflife.date renamed them, eoas and eoes were support and extendedSupport.
_OLD_NAMES = {"eoas": "support", "eoes": "extendedSupport"}
_FENCE = b"---"


@functools.cache
def _schema() -> KindSchema:
    return standalone(ENDOFLIFE_FRONT_MATTER, "endoflife", "endoflife.schema.json")


def front_matter(source: bytes, rel: str) -> bytes:
    """The YAML front matter of ``source`` with its opening ``---`` line, so
    that line numbers are the file's own; the closing line and the Markdown
    after it are left out."""
    lines = source.split(b"\n")
    if lines[0].rstrip(b"\r") not in (_FENCE, b"\xef\xbb\xbf" + _FENCE):
        raise ConfigError(
            "not an endoflife.date product file: it does not start with a --- line "
            "opening its YAML front matter",
            rel,
            1,
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip(b"\r") == _FENCE:
            return b"\n".join(lines[: number - 1]) + b"\n"
    raise ConfigError("the YAML front matter has no closing --- line", rel, 1)


def _milestone(body: dict[str, Any], name: str) -> Milestone:
    value = body.get(name, body.get(_OLD_NAMES.get(name, "")))
    if isinstance(value, bool):
        return value
    return parse_date(value)


def _cycle(doc: yamlsafe.Document, index: int, value: Any) -> str:
    # An unquoted 8.0 is a number to YAML; the cycle is the text as written.
    text = value if isinstance(value, str) else doc.raw_text(f"/releases/{index}/releaseCycle")
    if text is None or not re.fullmatch(CYCLE, text):
        line, _ = doc.locate(f"/releases/{index}/releaseCycle")
        raise ConfigError(
            f"releaseCycle {quote(str(text or value))} is not a cycle id "
            "(lower-case letters, digits, . - + _)",
            doc.file,
            line,
        )
    return text


def _label(body: dict[str, Any], template: Any, cycle: str) -> str | None:
    own = body.get("releaseLabel")
    if isinstance(own, str) and own.strip():
        return " ".join(own.split())
    if not isinstance(template, str):
        return None
    codename = body.get("codename")
    label = template.replace("__RELEASE_CYCLE__", cycle)
    if isinstance(codename, str):
        label = label.replace("__CODENAME__", codename)
    # A placeholder this reader does not fill (__LATEST__, a Liquid filter)
    # would show as noise: no label is better.
    return None if "__" in label or "{" in label else " ".join(label.split())


def parse_product(source: bytes, rel: str, product_id: str) -> Product:
    """The product ``product_id`` described by the endoflife.date file ``rel``.

    Raises ConfigError with the file and line for anything that is not a
    well-formed product file: no front matter, YAML the safe loader refuses
    (aliases, tags, duplicate keys, impossible dates), a missing title or
    release cycle, a date that is not YYYY-MM-DD, a cycle listed twice.
    """
    if not re.fullmatch(PRODUCT_ID, product_id):
        raise ConfigError(
            f"{quote(product_id)} is not a product id: name the file after the product, "
            "as endoflife.date does (products/windows.md)",
            rel,
        )
    doc, data = load_checked(front_matter(source, rel), rel, _schema())
    releases: dict[str, Release] = {}
    for index, body in enumerate(data["releases"]):
        cycle = _cycle(doc, index, body["releaseCycle"])
        if cycle in releases:
            line, _ = doc.locate(f"/releases/{index}")
            raise ConfigError(f"release cycle {cycle!r} is listed twice", rel, line)
        releases[cycle] = Release(
            cycle=cycle,
            label=_label(body, data.get("releaseLabel"), cycle),
            released=parse_date(body.get("releaseDate")),
            eoas=_milestone(body, "eoas"),
            eol=_milestone(body, "eol"),
            eoes=_milestone(body, "eoes"),
        )
    permalink = data.get("permalink")
    if not (isinstance(permalink, str) and _PERMALINK.fullmatch(permalink)):
        permalink = f"/{product_id}"
    return Product(
        id=product_id,
        title=" ".join(data["title"].split()),
        source=SOURCE.format(permalink=permalink, id=product_id),
        licence=LICENCE,
        releases=releases,
    )
