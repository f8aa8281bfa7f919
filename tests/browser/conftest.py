"""Fixtures of the browser tests: one Chromium per session, pages reused, sites built once.

The browser is Debian's chromium launched through Playwright by its path
(Playwright's own browser download is never used); see ``tools.py`` for how a
missing tool fails. Two sites are built once per session, each from a copy of
the bundled registry in a real git repository: the bundled one, and a hostile
one whose entities carry markup and script URLs in their fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from tests.browser.sites import Site, build_hostile_site, build_site
from tests.browser.tools import CHROMIUM_ARGS, Watch, chromium_executable, settle, watch

# Any remote URL a page asks for is refused before it leaves (and recorded).
REMOTE = re.compile(r"^(https?|wss?|ftp)://")
TIMEOUT_MS = 15_000


@dataclass
class Tab:
    """A page of the browser, reused across tests, and what it reported since it was opened."""

    page: Page
    watch: Watch
    javascript: bool = True

    def open(self, url: str) -> Page:
        """Load ``url`` afresh (even when only its fragment differs), wait until it has settled."""
        if urldefrag(self.page.url).url == urldefrag(url).url:
            self.page.goto("about:blank")
        self.watch.clear()
        self.page.goto(url, wait_until="load")
        if self.javascript:  # without scripts there is nothing to wait for (nor to wait with)
            settle(self.page)
        return self.page


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, for the whole session."""
    executable = chromium_executable()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        yield launched
        launched.close()


def _refuse(route: Route) -> None:
    route.abort("blockedbyclient")


def offline_context(
    browser: Browser, *, javascript: bool = True, csp: bool = True
) -> BrowserContext:
    """A browser context in which nothing reaches the network."""
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=not csp)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(REMOTE, _refuse)
    return context


class _Tabs:
    """One reusable page per kind of context, opened on first use."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.tabs: dict[str, tuple[BrowserContext, Tab]] = {}

    def get(self, name: str, *, javascript: bool = True, csp: bool = True) -> Tab:
        if name in self.tabs:
            tab = self.tabs[name][1]
            if not tab.page.is_closed():
                return tab
        context = offline_context(self.browser, javascript=javascript, csp=csp)
        page = context.new_page()
        tab = Tab(page, watch(page), javascript)
        self.tabs[name] = (context, tab)
        return tab

    def close(self) -> None:
        for context, _ in self.tabs.values():
            context.close()


@pytest.fixture(scope="session")
def tabs(browser: Browser) -> Iterator[_Tabs]:
    opened = _Tabs(browser)
    yield opened
    opened.close()


@pytest.fixture
def tab(tabs: _Tabs) -> Tab:
    """The offline page, JavaScript on, reused by every test."""
    return tabs.get("offline")


@pytest.fixture
def no_script_tab(tabs: _Tabs) -> Tab:
    """An offline page with JavaScript off."""
    return tabs.get("no-script", javascript=False)


@pytest.fixture
def axe_tab(tabs: _Tabs) -> Tab:
    """An offline page that lets axe-core be injected whatever the page's CSP says."""
    return tabs.get("axe", csp=False)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The bundled registry's site, built once."""
    return build_site(tmp_path_factory.mktemp("site") / "repo")


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The site of a registry whose fields hold markup and script URLs, built once."""
    return build_hostile_site(tmp_path_factory.mktemp("hostile") / "repo")
