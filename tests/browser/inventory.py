"""Reading and driving the inventory page through its DOM contract."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.tools import settle

COUNT = re.compile(r"([\d,.\s\u202f]+)\s+of\s+([\d,.\s\u202f]+)")

SHOWN_IDS = """() => [...document.querySelectorAll('#inventory tbody tr[data-id]')]
    .filter(row => row.checkVisibility()).map(row => row.dataset.id)"""
COLUMN = """index => [...document.querySelectorAll('#inventory tbody tr[data-id]')]
    .filter(row => row.checkVisibility())
    .map(row => (row.cells[index] ? row.cells[index].textContent : '').trim())"""


def shown_ids(page: Page) -> list[str]:
    """The data-id of every visible inventory row, top to bottom."""
    ids: list[str] = page.evaluate(SHOWN_IDS)
    return ids


def counts(page: Page) -> tuple[int, int]:
    """``(shown, total)`` as the live region says them ("N of M entities")."""
    text = page.text_content("#result-count") or ""
    match = COUNT.search(text)
    assert match, f"#result-count does not say 'N of M': {text!r}"
    shown, total = (int(re.sub(r"\D", "", group)) for group in match.groups())
    return shown, total


def wait_for_count(page: Page, shown: int | None = None) -> None:
    """Wait until the live region has caught up (debounced input may lag a frame or two)."""
    if shown is None:
        expect(page.locator("#result-count")).to_have_text(COUNT)
    else:
        expect(page.locator("#result-count")).to_have_text(re.compile(rf"^\D*{shown}\s+of\s"))


def search(page: Page, text: str) -> None:
    """Type ``text`` into the search box, as a person would (one key at a time), and let the
    page redraw."""
    box = page.locator("#search")
    box.fill("")
    box.press_sequentially(text)
    page.wait_for_function("text => document.querySelector('#search').value === text", arg=text)
    settle(page)


def column_values(page: Page, index: int) -> list[str]:
    values: list[str] = page.evaluate(COLUMN, index)
    return values


def sort_keys(page: Page) -> dict[str, int]:
    """Sortable columns: data-sort key -> column index."""
    found: dict[str, int] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#inventory thead th')]
            .map((th, i) => [th.querySelector('button[data-sort]'), i])
            .filter(([button]) => button).map(([button, i]) => [button.dataset.sort, i]))"""
    )
    return found


def aria_sort(page: Page, key: str) -> str | None:
    value: str | None = page.evaluate(
        "key => document.querySelector(`button[data-sort='${key}']`).closest('th')"
        ".getAttribute('aria-sort')",
        key,
    )
    return value
