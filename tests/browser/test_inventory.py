"""The inventory page: search, filters, sort, state in the URL, and the pages without JavaScript.

Expected rows come from the evaluation, never from the page: a search finds
an entity when its id, serial, asset tag or name, or its owner's or model's
id or name, holds the text (in any case); the location filter includes what
lies inside the location; the severity filter is the worst open finding.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from itam.entities import Entity
from itam.findings import SEVERITY_ORDER
from tests.browser.conftest import Tab
from tests.browser.inventory import (
    aria_sort,
    column_values,
    counts,
    search,
    shown_ids,
    sort_keys,
    wait_for_count,
)
from tests.browser.markup import parse_file
from tests.browser.sites import PAGE_ID, Site, build_site
from tests.browser.tools import file_url, settle

OWN_FIELDS = ("id", "serial", "asset_tag", "name")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FILTERS = ("kind", "status", "location", "owner", "severity")
PAGE_ROWS = 100  # rows the page shows at once; the pager shows the rest


def open_inventory(site: Site, tab: Tab, fragment: str = "") -> Page:
    page = tab.open(file_url(site.out / "inventory" / "index.html") + fragment)
    assert tab.watch.problems() == []
    return page


def _name(site: Site, entity_id: object) -> str:
    other = site.evaluation.catalog.get(entity_id) if isinstance(entity_id, str) else None
    return str(other.get("name") or "") if other is not None else ""


def matching(site: Site, text: str) -> set[str]:
    """Ids of the entities a search for ``text`` finds."""
    wanted = text.casefold()
    found = set()
    for entity in site.evaluation.catalog.entities:
        haystack = [str(entity.get(key) or "") for key in OWN_FIELDS]
        for key in ("owner", "model"):
            haystack += [str(entity.get(key) or ""), _name(site, entity.get(key))]
        if entity.id and any(wanted in value.casefold() for value in haystack):
            found.add(entity.id)
    return found


def assert_shows(page: Page, expected: set[str], total: int) -> None:
    """The live region counts ``expected`` and the first page of rows is drawn from it."""
    wait_for_count(page, len(expected))
    assert counts(page) == (len(expected), total)
    shown = shown_ids(page)
    assert len(shown) == min(len(expected), PAGE_ROWS)
    assert set(shown) <= expected, f"rows that should not show: {sorted(set(shown) - expected)}"


def all_pages(page: Page) -> list[str]:
    """Every row of the current view, page after page through the pager."""
    ids = shown_ids(page)
    for _ in range(1000):
        if not page.is_visible("#page-next") or page.is_disabled("#page-next"):
            break
        page.click("#page-next")
        settle(page)
        ids += shown_ids(page)
    return ids


def test_the_first_rows_are_in_the_html_and_the_rest_in_the_data_file(site: Site) -> None:
    document = parse_file(site.out / "inventory" / "index.html")
    table = next(t for t in document.iter("table") if t.attrs.get("id") == "inventory")
    rows = [r for r in table.iter("tr") if "data-id" in r.attrs]
    assert len(rows) == min(PAGE_ROWS, site.total)
    data = (site.out / "assets" / "inventory-data.js").read_text(encoding="utf-8")
    assert "JSON.parse('" in data
    scripts = [s.attrs.get("src", "") for s in document.iter("script")]
    assert all("defer" in s.attrs for s in document.iter("script") if s.attrs.get("src")), scripts
    assert "../assets/inventory-data.js" in scripts
    assert "../assets/inventory.js" in scripts


def test_once_loaded_every_entity_is_listed(site: Site, tab: Tab) -> None:
    page = open_inventory(site, tab)
    assert counts(page) == (site.total, site.total)
    listed = all_pages(page)
    assert sorted(listed) == sorted(site.entity_ids())


def test_a_serial_leaves_only_its_row(site: Site, tab: Tab) -> None:
    laptop = site.evaluation.catalog.get("LT-0001")
    assert laptop is not None
    serial = str(laptop.get("serial"))
    assert matching(site, serial) == {"LT-0001"}
    page = open_inventory(site, tab)
    search(page, serial)
    wait_for_count(page, 1)
    assert counts(page) == (1, site.total)
    assert page.text_content("#result-count") == f"1 of {site.total} entities"
    assert shown_ids(page) == ["LT-0001"]


@pytest.mark.parametrize("field", [*OWN_FIELDS, "owner", "model", "owner name"])
def test_each_searched_field_finds_the_entity(site: Site, tab: Tab, field: str) -> None:
    laptop = site.evaluation.catalog.get("LT-0001")
    assert laptop is not None
    value = _name(site, laptop.get("owner")) if field == "owner name" else str(laptop.get(field))
    assert value
    page = open_inventory(site, tab)
    search(page, value)
    expected = matching(site, value)
    assert "LT-0001" in expected
    assert_shows(page, expected, site.total)
    assert "LT-0001" in all_pages(page)


def test_a_fragment_inside_a_word_finds_it_in_any_case(site: Site, tab: Tab) -> None:
    laptop = site.evaluation.catalog.get("LT-0001")
    assert laptop is not None
    fragment = str(laptop.get("serial"))[2:-1]  # neither the start nor the end of the word
    assert matching(site, fragment) == {"LT-0001"}
    page = open_inventory(site, tab)
    search(page, fragment)
    assert_shows(page, {"LT-0001"}, site.total)
    search(page, fragment.lower())
    assert_shows(page, {"LT-0001"}, site.total)
    search(page, "")
    wait_for_count(page, site.total)


def _options(page: Page, name: str) -> list[str]:
    values: list[str] = page.eval_on_selector_all(
        f"#filter-{name} option", "options => options.map(o => o.value).filter(v => v !== '')"
    )
    return values


def _inside(site: Site, location: str) -> set[str]:
    """The location and every location within it."""
    parents = {e.id: e.get("parent") for e in site.evaluation.catalog.of_kind("location")}
    inside = {location}
    while more := {c for c, p in parents.items() if p in inside and c} - inside:
        inside |= {c for c in more if c}
    return inside


def _worst(site: Site, entity: Entity) -> str:
    open_findings = [f for f in site.evaluation.findings_of(entity.id or "") if f.waiver is None]
    if not open_findings:
        return "none"
    return str(min(open_findings, key=lambda f: SEVERITY_ORDER[f.severity]).severity.value)


def _filtered(site: Site, name: str, value: str) -> set[str]:
    """The entities one filter value keeps."""
    inside = _inside(site, value) if name == "location" else set()

    def keeps(entity: Entity) -> bool:
        if name == "location":
            return entity.get("location") in inside
        if name == "severity":
            worst = _worst(site, entity)
            return worst != "none" if value == "any" else worst == value
        return (entity.kind if name == "kind" else entity.get(name)) == value

    return {e.id for e in site.evaluation.catalog.entities if e.id and keeps(e)}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_narrows_the_rows_to_matching_ones(site: Site, tab: Tab, name: str) -> None:
    page = open_inventory(site, tab)
    options = _options(page, name)
    assert len(options) >= 2, f"#filter-{name} offers {options}"
    wrong = []
    for value in options:
        page.select_option(f"#filter-{name}", value)
        settle(page)
        expected = _filtered(site, name, value)
        shown, total = counts(page)
        rows = set(all_pages(page))
        if (shown, rows) != (len(expected), expected):
            wrong.append(
                f"{value}: {shown} shown; rows not expected {sorted(rows - expected)[:5]},"
                f" missing {sorted(expected - rows)[:5]}"
            )
        assert total == site.total
    assert wrong == [], f"#filter-{name}:\n" + "\n".join(wrong)
    page.select_option(f"#filter-{name}", "")
    wait_for_count(page, site.total)


def test_filters_and_search_combine(site: Site, tab: Tab) -> None:
    page = open_inventory(site, tab)
    page.select_option("#filter-kind", "laptop")
    search(page, "ThinkPad")
    expected = matching(site, "ThinkPad") & _filtered(site, "kind", "laptop")
    assert 0 < len(expected) < len(_filtered(site, "kind", "laptop"))
    assert_shows(page, expected, site.total)


def _sorted_as(values: list[str], direction: str) -> bool:
    """Non-empty values in order (any case), empty ones after them."""
    filled = [v.casefold() for v in values if v]
    if any(values[len(filled) :]):  # an empty value before a filled one
        return False
    return filled == sorted(filled, reverse=direction == "descending")


def _column_kind(values: list[str]) -> str:
    filled = [v for v in values if v]
    if filled and all(DATE.match(v) for v in filled):
        return "date"
    return "text"


def _whole_column(page: Page, index: int) -> list[str]:
    values = column_values(page, index)
    for _ in range(1000):
        if not page.is_visible("#page-next") or page.is_disabled("#page-next"):
            break
        page.click("#page-next")
        settle(page)
        values += column_values(page, index)
    return values


@pytest.mark.parametrize("kind", ["date", "text"])
def test_a_sort_button_orders_the_rows_both_ways(site: Site, tab: Tab, kind: str) -> None:
    page = open_inventory(site, tab)
    keys = sort_keys(page)
    assert keys, "no th holds a button[data-sort]"
    of_kind = {key: i for key, i in keys.items() if _column_kind(column_values(page, i)) == kind}
    of_kind.pop("id", None)
    assert of_kind, f"no sortable {kind} column among {sorted(keys)}"
    key, index = sorted(of_kind.items())[0]
    seen = {}
    for direction in ("ascending", "descending"):
        page.click(f"button[data-sort='{key}']")
        settle(page)
        assert aria_sort(page, key) == direction
        others = [k for k in keys if k != key and aria_sort(page, k) not in (None, "none")]
        assert others == [], f"aria-sort left on {others}"
        values = _whole_column(page, index)
        assert len(values) == site.total
        assert _sorted_as(values, direction), f"{key} {direction}: {values[:20]}"
        seen[direction] = values  # the next click sorts again from the first page
    assert seen["ascending"] != seen["descending"]


def test_the_address_keeps_the_view(site: Site, tab: Tab) -> None:
    page = open_inventory(site, tab)
    page.select_option("#filter-kind", "laptop")
    search(page, "ThinkPad")
    keys = sort_keys(page)
    for _ in range(2):  # descending
        page.click("button[data-sort='name']")
        settle(page)
    assert "name" in keys
    before = (shown_ids(page), page.text_content("#result-count"))
    url = page.url
    assert "ThinkPad" in url.partition("#")[2]
    page.reload()
    settle(page)
    assert page.input_value("#search") == "ThinkPad"
    assert page.input_value("#filter-kind") == "laptop"
    assert aria_sort(page, "name") == "descending"
    assert (shown_ids(page), page.text_content("#result-count")) == before
    fresh = open_inventory(site, tab, "#" + url.split("#", 1)[1])
    assert (shown_ids(fresh), fresh.text_content("#result-count")) == before


def test_rows_drawn_by_the_script_link_to_entity_pages(site: Site, tab: Tab) -> None:
    page = open_inventory(site, tab)
    search(page, "-00")  # a view the script draws, not the page's own rows
    settle(page)
    rows = page.eval_on_selector_all(
        "#inventory tbody tr[data-id]",
        "rows => rows.map(r => [r.dataset.id, r.cells[0].querySelector('a') ?"
        " r.cells[0].querySelector('a').href : null])",
    )
    assert rows
    for entity_id, href in rows:
        if PAGE_ID.match(entity_id):
            assert href is not None, f"row {entity_id} has no link"
            assert Path(href.removeprefix("file://")) == site.out / "entities" / f"{entity_id}.html"
        else:
            assert href is None


def test_without_javascript_the_static_pages_list_every_row(site: Site, no_script_tab: Tab) -> None:
    page = no_script_tab.open(file_url(site.out / "inventory" / "index.html"))
    first = page.locator("a[href$='page-1.html']")
    assert first.count() == 1, "no link to page-1.html"
    assert first.is_visible()
    assert first.evaluate("a => a.href") == file_url(site.out / "inventory" / "page-1.html")
    first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/inventory/page-1.html")
    assert page.locator("table tbody tr").count() == min(1000, site.total)
    listed: list[str] = []
    for number in range(1, site.total // 1000 + 2):
        path = site.out / "inventory" / f"page-{number}.html"
        document = parse_file(path)
        listed += [r.attrs["data-id"] for r in document.iter("tr") if "data-id" in r.attrs]
    assert sorted(listed) == sorted(site.entity_ids())
    assert no_script_tab.watch.problems() == []


def test_with_javascript_the_static_page_links_are_hidden(site: Site, tab: Tab) -> None:
    page = open_inventory(site, tab)
    assert page.locator("a[href$='page-1.html']").count() == 0  # inside <noscript>: text


@pytest.fixture(scope="module")
def owners_from_data(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The bundled registry's site as a large registry's is built: the owner
    filter's options left out of the page, for inventory.js to draw."""
    from itam.sitegen import inventory

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inventory, "OWNERS_IN_PAGE", 0)
        return build_site(tmp_path_factory.mktemp("owners") / "repo")


def test_owners_drawn_from_the_data_are_those_the_page_would_hold(
    site: Site, owners_from_data: Site, tab: Tab
) -> None:
    html = (owners_from_data.out / "inventory/index.html").read_text(encoding="utf-8")
    select = html[html.index('<select id="filter-owner"') : html.index('id="filter-severity"')]
    assert 'data-options="data"' in select
    assert select.count("<option") == 1, "only 'All owners' is in the page"
    in_page = _options(open_inventory(site, tab), "owner")
    page = open_inventory(owners_from_data, tab)
    assert len(in_page) > 5
    assert _options(page, "owner") == in_page  # the same owners, in the same order
    owner = in_page[len(in_page) // 2]
    page.select_option("#filter-owner", owner)
    settle(page)
    assert set(all_pages(page)) == _filtered(owners_from_data, "owner", owner)


def test_an_address_naming_an_owner_drawn_from_the_data_keeps_it(
    owners_from_data: Site, tab: Tab
) -> None:
    owner = next(e.get("owner") for e in owners_from_data.evaluation.catalog if e.get("owner"))
    page = open_inventory(owners_from_data, tab, f"#owner={owner}")
    assert page.input_value("#filter-owner") == owner
    assert set(all_pages(page)) == _filtered(owners_from_data, "owner", str(owner))
