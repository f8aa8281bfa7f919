"""Accessibility: axe-core on every page type, and what axe does not check.

axe-core (from npm, injected from its file) must report no serious or
critical violation. Our own checks, on every HTML file: each table has a
caption, each header cell is a ``<th>`` with a scope, and the inventory has
its polite live region.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import Tab
from tests.browser.inventory import search
from tests.browser.markup import parse_file
from tests.browser.sites import PAGE_TYPES, Site
from tests.browser.tools import axe_violations, blocking, file_url, settle

SCOPES = frozenset({"col", "row", "colgroup", "rowgroup"})


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_axe_finds_no_serious_violation(site: Site, axe_tab: Tab, page_type: str) -> None:
    page = axe_tab.open(file_url(site.page(page_type)))
    assert blocking(axe_violations(page)) == []


def test_axe_on_the_inventory_as_the_script_draws_it(site: Site, axe_tab: Tab) -> None:
    page = axe_tab.open(file_url(site.out / "inventory" / "index.html"))
    search(page, "LT-00")
    page.click("button[data-sort='name']")
    settle(page)
    assert page.locator("#inventory tbody tr[data-id]").count() > 1
    assert blocking(axe_violations(page)) == []


def test_every_table_has_a_caption_and_scoped_header_cells(site: Site) -> None:
    wrong: list[str] = []
    tables = 0
    for path in site.html_files():
        name = path.relative_to(site.out)
        for table in parse_file(path).iter("table"):
            tables += 1
            caption = table.find("caption")
            if caption is None or not caption.text():
                wrong.append(f"{name}: {table} has no caption")
            for head in table.iter("thead"):
                wrong += [f"{name}: {cell} is a td in a thead" for cell in head.iter("td")]
            for cell in table.iter("th"):
                if cell.attrs.get("scope") not in SCOPES:
                    wrong.append(f"{name}: {cell} has no scope")
    assert tables > len(site.html_files()) // 2
    assert wrong == [], f"{len(wrong)} problems:\n" + "\n".join(wrong[:40])


def test_the_script_draws_header_cells_with_a_scope(site: Site, tab: Tab) -> None:
    page = tab.open(file_url(site.out / "inventory" / "index.html"))
    search(page, "LT")
    unscoped = page.eval_on_selector_all(
        "#inventory th", "cells => cells.filter(c => !c.scope).map(c => c.outerHTML)"
    )
    assert unscoped == []
    assert page.locator("#inventory caption").text_content()


def test_the_result_count_is_a_polite_live_region(site: Site, tab: Tab) -> None:
    page = tab.open(file_url(site.out / "inventory" / "index.html"))
    region = page.locator("#result-count")
    assert region.count() == 1
    assert region.get_attribute("aria-live") == "polite"
    assert region.evaluate("el => el.tagName") == "P"
