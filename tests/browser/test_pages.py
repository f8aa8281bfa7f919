"""Every page type of the site loads from file:// cleanly and follows the page contract.

Loading: no console error, no script error, no failed request, and no request
for anything but local files. The contract of every page (checked on every
HTML file, without a browser): ``<html lang="en">``, one ``<main>``, a skip
link to it, a nav to Home, Inventory, Reports and Rules, and a footer naming
the commit, the policy digest and the as-of date.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from tests.browser.conftest import Tab
from tests.browser.markup import Node, ids_of, parse_file
from tests.browser.sites import PAGE_ID, PAGE_TYPES, REPORT_NAMES, Site
from tests.browser.tools import file_url
from tests.conftest import AS_OF, git


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_loads_offline_without_errors(site: Site, tab: Tab, page_type: str) -> None:
    path = site.page(page_type)
    assert path.is_file(), f"the site has no {page_type} page at {path.relative_to(site.out)}"
    page = tab.open(file_url(path))
    assert tab.watch.problems() == [], f"{path.relative_to(site.out)}"
    assert page.locator("main").count() == 1
    assert page.title().strip(), f"{path.relative_to(site.out)} has no title"


def test_the_site_has_a_page_of_every_type(site: Site) -> None:
    reports = {p.stem for p in (site.out / "reports").glob("*.html")}
    assert reports >= {*REPORT_NAMES, "index"}
    with_page = {i for i in site.entity_ids() if PAGE_ID.match(i)}
    assert {p.stem for p in (site.out / "entities").glob("*.html")} == with_page
    assert {p.name for p in site.out.glob("*.html")} == {"index.html", "rules.html"}
    for name in ("site.css", "inventory.js", "inventory-data.js"):
        assert (site.out / "assets" / name).is_file(), f"assets/{name} is missing"


def test_every_report_of_the_library_has_a_page(site: Site) -> None:
    from itam.reports import REPORTS

    linked = site.links(site.out / "reports" / "index.html")
    for name in {*REPORTS, *REPORT_NAMES}:
        assert (site.out / "reports" / f"{name}.html").is_file(), name
        assert f"reports/{name}.html" in linked, f"reports/index.html does not link {name}.html"


def _nav_targets(page: Path, document: Node, out: Path) -> dict[str, str]:
    """The nav's link texts and the site files they lead to."""
    nav = document.find("nav")
    assert nav is not None, f"{page.relative_to(out)} has no <nav>"
    targets: dict[str, str] = {}
    for link in nav.iter("a"):
        href = link.attrs.get("href", "").split("#")[0]
        folder = page.parent.relative_to(out).as_posix()
        targets[link.text()] = posixpath.normpath(posixpath.join(folder, href))
    return targets


def test_every_page_follows_the_base_layout(site: Site) -> None:
    commit = git(site.root, "rev-parse", "HEAD").strip()
    digest = site.evaluation.policy_digest[:12]
    wrong: list[str] = []
    for path in site.html_files():
        name = path.relative_to(site.out).as_posix()
        document = parse_file(path)
        html = document.find("html")
        if html is None or html.attrs.get("lang") != "en":
            wrong.append(f"{name}: <html> has no lang=en")
        mains = list(document.iter("main"))
        if len(mains) != 1:
            wrong.append(f"{name}: {len(mains)} <main> elements")
            continue
        skip = next(document.iter("a"), None)
        main_id = mains[0].attrs.get("id")
        if skip is None or not main_id or skip.attrs.get("href") != f"#{main_id}":
            wrong.append(f"{name}: the first link is not a skip link to <main id=...>: {skip}")
        nav = _nav_targets(path, document, site.out)
        expected = {
            "Home": "index.html",
            "Inventory": "inventory/index.html",
            "Reports": "reports/index.html",
            "Rules": "rules.html",
        }
        for text, target in expected.items():
            if nav.get(text) != target:
                wrong.append(f"{name}: nav link {text!r} leads to {nav.get(text)}, not {target}")
        footer = document.find("footer")
        shown = footer.text() if footer is not None else ""
        for what, value in (("commit", commit[:7]), ("policy digest", digest), ("as-of", AS_OF)):
            if value not in shown:
                wrong.append(f"{name}: the footer does not show the {what} {value}: {shown!r}")
    assert wrong == [], "\n".join(wrong[:40])


def test_rules_page_has_an_anchor_per_rule(site: Site) -> None:
    from itam.rules import catalogue

    anchors = ids_of(parse_file(site.out / "rules.html"))
    missing = [r for r in catalogue(site.evaluation.policy) if f"rule-{r}" not in anchors]
    assert missing == []
