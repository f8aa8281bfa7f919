"""No broken link anywhere in the built site, read from disk.

Every ``href`` and ``src`` of every HTML file (and every ``url()`` of the CSS)
is relative and names a file of the site; a fragment names an id of the page
it leads to. Links out of the site (a vendor's website) may be http(s) in an
``<a href>``, never in anything the browser fetches by itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.browser.markup import ids_of, parse_file
from tests.browser.sites import PAGE_ID, Site

FETCHED = {  # what the browser loads by itself, by element
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "track": "src",
    "embed": "src",
    "input": "src",
    "link": "href",
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _check(site: Site, page: Path, ref: str, *, fetched: bool) -> str | None:
    """What is wrong with one reference from ``page``, or None."""
    parts = urlsplit(ref)
    if parts.scheme in ("http", "https", "mailto", "tel") and not fetched:
        return None
    if parts.scheme == "data" and fetched:
        return None
    if parts.scheme or parts.netloc:
        return "not a relative link"
    if parts.path.startswith("/"):
        return "an absolute path (breaks under a sub-path and on file://)"
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not target.is_relative_to(site.out.resolve()):
        return "leads out of the site"
    if target.is_dir():
        return "names a folder (file:// shows no index.html for it)"
    if not target.is_file():
        return "no such file"
    if not parts.fragment or target.suffix != ".html":
        return None
    inventory = (site.out / "inventory" / "index.html").resolve()
    if target == inventory and "=" in parts.fragment:  # a view of the inventory, not an id
        return _view_problem(target, parts.fragment)
    if unquote(parts.fragment) not in ids_of(parse_file(target)):
        return f"no id {parts.fragment!r} in {target.relative_to(site.out.resolve())}"
    return None


def _view_problem(inventory: Path, fragment: str) -> str | None:
    """What is wrong with an inventory view named in a link: each filter value must be on offer."""
    document = parse_file(inventory)
    offered = {
        select.attrs["id"].removeprefix("filter-"): {
            option.attrs.get("value", "") for option in select.iter("option")
        }
        for select in document.iter("select")
        if select.attrs.get("id", "").startswith("filter-")
    }
    sorts = {b.attrs["data-sort"] for b in document.iter("button") if "data-sort" in b.attrs}
    for key, value in parse_qsl(fragment, keep_blank_values=True):
        if key in offered and value not in offered[key]:
            return f"#filter-{key} offers no {value!r}"
        if key == "sort" and value not in sorts:
            return f"no column sorts by {value!r}"
        if key == "dir" and value not in ("asc", "desc"):
            return f"no sort direction {value!r}"
        if key not in (*offered, "q", "sort", "dir", "page"):
            return f"the inventory keeps no {key!r} in its address"
    return None


def _references(site: Site) -> list[tuple[Path, str, bool]]:
    found: list[tuple[Path, str, bool]] = []
    for page in site.html_files():
        for node in parse_file(page).iter():
            if node.tag in ("a", "area") and "href" in node.attrs:
                found.append((page, node.attrs["href"], False))
            attribute = FETCHED.get(node.tag)
            if attribute and attribute in node.attrs:
                found.append((page, node.attrs[attribute], True))
            for candidate in node.attrs.get("srcset", "").split(","):
                if candidate.strip():
                    found.append((page, candidate.split()[0], True))
    for sheet in sorted(site.out.rglob("*.css")):
        found += [(sheet, ref, True) for ref in CSS_URL.findall(sheet.read_text("utf-8"))]
    return found


def test_no_broken_link_anywhere(site: Site) -> None:
    references = _references(site)
    assert len(references) > 10 * len(site.html_files()) // 2, "suspiciously few links"
    broken = []
    for page, ref, fetched in references:
        problem = _check(site, page, ref, fetched=fetched)
        if problem:
            broken.append(f"{page.relative_to(site.out)}: {ref!r}: {problem}")
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(sorted(set(broken))[:50])


def test_entity_pages_link_both_ways(site: Site) -> None:
    """LT-0001 points at its owner; the owner's page points back at it."""
    laptop = site.evaluation.catalog.get("LT-0001")
    assert laptop is not None
    owner = str(laptop.get("owner"))
    assert f"entities/{owner}.html" in site.links(site.out / "entities" / "LT-0001.html")
    assert "entities/LT-0001.html" in site.links(site.out / "entities" / f"{owner}.html")


def test_findings_link_to_their_rule(site: Site) -> None:
    entities = [
        e.id
        for e in site.evaluation.catalog.entities
        if e.id and site.evaluation.findings_of(e.id) and PAGE_ID.match(e.id)
    ]
    assert entities, "the bundled registry has no entity with findings"
    for entity in entities[:20]:
        links = site.links(site.out / "entities" / f"{entity}.html")
        for rule in {f.rule for f in site.evaluation.findings_of(entity)}:
            assert f"rules.html#rule-{rule}" in links, f"entities/{entity}.html: no link to {rule}"
