"""Entity text that looks like markup or script is shown as text and runs nothing.

The hostile registry (see ``sites.build_hostile_site``) puts a script
element, an attribute breakout, a ``javascript:`` URL and a JavaScript string
breakout into names, serials, notes, a vendor's website, a location that the
home page charts and a commit subject. On every page type that shows them
the literal text is visible, and on every page ``window.__pwned`` stays
undefined: no script, handler or link made from entity text exists.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from itam.sitegen.datafile import OWNER_MARK, decode_script, decoded_strings, packed, script
from tests.browser.conftest import Tab
from tests.browser.inventory import search, wait_for_count
from tests.browser.sites import (
    ATTRIBUTE,
    HOSTILE_ID,
    HOSTILE_LOCATION,
    HOSTILE_VENDOR,
    PATTERN_ID,
    PATTERN_NAME,
    QUOTE,
    QUOTE_ID,
    REPORT_NAMES,
    SCRIPT,
    SCRIPT_URL,
    SEPARATORS_ID,
    SEPARATORS_NAME,
    Site,
)
from tests.browser.tools import file_url

# Page -> the texts it must show. The home page's chart shortens long labels.
SHOWN = {
    "index.html": [SCRIPT[:24]],
    "inventory/index.html": [SCRIPT, ATTRIBUTE, QUOTE],
    "inventory/page-1.html": [SCRIPT, ATTRIBUTE, QUOTE],
    f"entities/{HOSTILE_ID}.html": [SCRIPT, ATTRIBUTE, SCRIPT_URL],
    f"entities/{QUOTE_ID}.html": [QUOTE],
    f"entities/{HOSTILE_LOCATION}.html": [SCRIPT, SCRIPT_URL],
    f"entities/{HOSTILE_VENDOR}.html": [ATTRIBUTE, SCRIPT_URL],
    "reports/audit.html": [SCRIPT, QUOTE],
}
PAGES = sorted(
    {*SHOWN, "rules.html", "reports/index.html", *(f"reports/{n}.html" for n in REPORT_NAMES)}
)
INJECTED = """() => ({
  pwned: typeof window.__pwned,
  images: document.querySelectorAll('img[src="x"]').length,
  scripts: [...document.scripts].filter(s => s.text.includes('__pwned')).length,
  handlers: [...document.querySelectorAll('*')].filter(el =>
      [...el.attributes].some(a => a.name.startsWith('on'))).map(el => el.outerHTML.slice(0, 80)),
  scriptLinks: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
      .filter(el => ['href', 'src', 'action', 'formaction'].some(name =>
          /^\\s*javascript:/i.test(el.getAttribute(name) || '')))
      .map(el => el.outerHTML.slice(0, 80)),
  text: document.body.innerText,
})"""


def check(tab: Tab, expected: list[str], where: str) -> None:
    tab.page.wait_for_timeout(50)  # an injected image's onerror fires after its failed load
    found = tab.page.evaluate(INJECTED)
    assert found["pwned"] == "undefined", f"{where}: entity text ran as script"
    assert found["images"] == 0, f"{where}: entity text became an <img>"
    assert found["scripts"] == 0, f"{where}: entity text became a <script>"
    assert found["handlers"] == [], f"{where}: elements with event handlers"
    assert found["scriptLinks"] == [], f"{where}: javascript: URLs"
    assert not [r for r in tab.watch.failed if r.split(":")[0].endswith("/x")], tab.watch.failed
    assert tab.watch.page_errors == []
    missing = [text for text in expected if text not in found["text"]]
    assert missing == [], f"{where} does not show {missing} as text"


@pytest.mark.parametrize("rel", PAGES)
def test_hostile_text_is_shown_not_run(hostile_site: Site, tab: Tab, rel: str) -> None:
    path = hostile_site.out / rel
    assert path.is_file(), rel
    tab.open(file_url(path))
    check(tab, SHOWN.get(rel, []), rel)


def test_rows_the_script_draws_show_hostile_text(hostile_site: Site, tab: Tab) -> None:
    page = tab.open(file_url(hostile_site.out / "inventory" / "index.html"))
    search(page, "LT-966")
    wait_for_count(page, 2)
    check(tab, [SCRIPT, ATTRIBUTE, QUOTE], "inventory rows drawn by the script")
    search(page, "pwned")  # the payloads themselves are searchable text
    wait_for_count(page, 4)
    check(tab, [SCRIPT, ATTRIBUTE, QUOTE], "inventory rows found by their text")


def test_no_page_holds_entity_markup_unescaped(hostile_site: Site) -> None:
    """On disk, in every HTML file: the payloads only ever appear escaped."""
    raw = ("<script>window.__pwned", "<img src=x", 'href="javascript:', "href='javascript:")
    found = []
    for path in hostile_site.html_files():
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(hostile_site.out)}: {r}" for r in raw if r in text]
    assert found == []
    data = (hostile_site.out / "assets" / "inventory-data.js").read_text(encoding="utf-8")
    assert "</script" not in data.lower()
    assert "__pwned" in data  # the hostile names are in the data, escaped


def test_names_the_data_file_encodes_come_back_exactly(hostile_site: Site, tab: Tab) -> None:
    """A name that is a template of its owner's name, and one that holds the
    separators of packed lists, are drawn as written."""
    page = tab.open(file_url(hostile_site.out / "inventory" / "index.html"))
    for entity_id, name in ((PATTERN_ID, PATTERN_NAME), (SEPARATORS_ID, SEPARATORS_NAME)):
        search(page, entity_id)
        wait_for_count(page, 1)
        cells = page.eval_on_selector_all(
            "#inventory tbody tr[data-id]", "rows => rows.map(r => r.cells[1].textContent)"
        )
        assert cells == [name]
    search(page, "$' $`")  # found inside the owner's name, as typed
    wait_for_count(page, 2)  # the person and the laptop named after them


def _every_form(value: dict[str, Any]) -> dict[str, Any]:
    """The data file with its string columns in the forms a large registry gets
    (and the bundled one does not): names as templates of their owner's name,
    serials as a dictionary, asset tags as a plain list, ids front-coded."""
    columns, owners = value["columns"], value["tables"]["owner"]
    labels = [owners[i - 1][1] if i else "" for i in columns["owner"]]
    names = decoded_strings(columns["name"], labels)
    templates, flags = [], []
    for name, label in zip(names, labels, strict=True):
        held = bool(label) and label in name and OWNER_MARK not in name
        templates.append(name.replace(label, OWNER_MARK, 1) if held else name)
        flags.append(int(held))
    shared = sorted(set(templates))
    columns["name"] = {
        "dict": packed(shared),
        "index": [shared.index(t) * 2 + f for t, f in zip(templates, flags, strict=True)],
        "owner": 1,
    }
    serials = decoded_strings(columns["serial"])
    distinct = sorted(set(serials))
    columns["serial"] = {"dict": packed(distinct), "index": [distinct.index(s) for s in serials]}
    columns["asset_tag"] = decoded_strings(columns["asset_tag"])  # a JSON list, not packed
    assert sum(flags) > 10, "the hostile registry names laptops after their owners"
    return value


def test_every_form_of_a_string_column_is_read_back(
    hostile_site: Site, tab: Tab, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(hostile_site.out, site)
    data = site / "assets" / "inventory-data.js"
    value = decode_script(data.read_bytes())
    expected = {
        "name": decoded_strings(
            value["columns"]["name"],
            [value["tables"]["owner"][i - 1][1] if i else "" for i in value["columns"]["owner"]],
        ),
        "serial": decoded_strings(value["columns"]["serial"]),
        "asset_tag": decoded_strings(value["columns"]["asset_tag"]),
        "id": decoded_strings(value["columns"]["id"]),
    }
    data.write_bytes(script(_every_form(value)))
    page = tab.open(file_url(site / "inventory" / "index.html"))
    assert tab.watch.problems() == []
    for entity_id in (PATTERN_ID, SEPARATORS_ID, HOSTILE_ID, QUOTE_ID, "LT-0001", "EMP-1001"):
        search(page, entity_id)
        row = expected["id"].index(entity_id)
        cells = page.eval_on_selector_all(
            "#inventory tbody tr[data-id]",
            "rows => rows.map(r => [r.dataset.id, r.cells[1].textContent,"
            " r.cells[6].textContent, r.cells[7].textContent])",
        )
        wanted = [entity_id, expected["name"][row], expected["serial"][row]]
        assert [*wanted, expected["asset_tag"][row]] in cells, entity_id
