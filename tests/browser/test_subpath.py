"""The site served under a sub-path, as GitHub Pages serves a project site.

The built folder is copied to ``itam-site/`` of a temporary folder, served by
Python's http.server on 127.0.0.1 at a free port, and loaded over http: every
page type loads with no 404 and asks for nothing outside ``/itam-site/``,
and every link of those pages resolves. Requests are bounded in number and
each has a timeout.
"""

from __future__ import annotations

import shutil
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Route

from tests.browser.conftest import TIMEOUT_MS, Tab
from tests.browser.inventory import search, shown_ids, wait_for_count
from tests.browser.sites import PAGE_TYPES, Site
from tests.browser.tools import settle, watch

PREFIX = "/itam-site/"
MAX_REQUESTS = 2000
LINK_TIMEOUT_S = 5


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # The browser drops a request it no longer needs (a page left early):
        # not an error of the site, and not worth a traceback in the test output.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Served:
    """A running server and what it was asked for: (path, status) per request."""

    def __init__(self, folder: Path) -> None:
        log: list[tuple[str, int]] = []

        class Quiet(SimpleHTTPRequestHandler):
            """Serves files; records each request instead of printing it."""

            def log_request(self, code: Any = "-", size: Any = "-") -> None:
                log.append((self.path, int(code) if str(code).isdigit() else 0))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.log = log
        self.server = _Server(("127.0.0.1", 0), partial(Quiet, directory=folder))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}{PREFIX}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def served(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("pages")
    shutil.copytree(site.out, folder / PREFIX.strip("/"))
    running = Served(folder)
    yield running
    running.close()


@pytest.fixture(scope="module")
def http_tab(browser: Browser, served: Served) -> Iterator[Tab]:
    """A page that may reach this server and nothing else."""
    context: BrowserContext = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    origin = served.base.removesuffix(PREFIX)

    def only_ours(route: Route) -> None:
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", only_ours)
    page = context.new_page()
    yield Tab(page, watch(page))
    context.close()


def _url(site: Site, served: Served, page_type: str) -> str:
    return served.base + site.page(page_type).relative_to(site.out).as_posix()


def test_every_page_type_loads_under_the_sub_path(
    site: Site, served: Served, http_tab: Tab
) -> None:
    links: set[str] = set()
    for page_type in PAGE_TYPES:
        url = _url(site, served, page_type)
        page = http_tab.open(url)
        origin = served.base.removesuffix(PREFIX)
        allowed = frozenset({"http", "data", "blob", "about"})
        problems = http_tab.watch.problems(allowed)
        outside = [u for u in http_tab.watch.requests if not u.startswith(served.base)]
        assert problems == [], f"{page_type}: {problems}"
        assert [u for u in outside if u.startswith(origin)] == [], f"{page_type} leaves {PREFIX}"
        hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        links |= {urldefrag(h).url for h in hrefs if h.startswith(origin)}
    assert len(served.log) < MAX_REQUESTS
    broken = _fetch_all(sorted(links), served)
    assert broken == [], "\n".join(broken[:40])
    assert [p for p, code in served.log if code >= 400] == []


def _fetch_all(urls: list[str], served: Served) -> list[str]:
    """Each URL's problem when fetching it failed; at most MAX_REQUESTS, each with a timeout."""
    assert len(urls) < MAX_REQUESTS, f"{len(urls)} links: more than this test will fetch"
    broken = []
    for url in urls:
        if not urlsplit(url).path.startswith(PREFIX):
            broken.append(f"{url}: outside {PREFIX}")
            continue
        try:
            with urllib.request.urlopen(url, timeout=LINK_TIMEOUT_S) as response:  # noqa: S310
                if response.status != 200:
                    broken.append(f"{url}: {response.status}")
        except urllib.error.HTTPError as error:
            broken.append(f"{url}: {error.code}")
    return broken


def test_the_inventory_searches_under_the_sub_path(
    site: Site, served: Served, http_tab: Tab
) -> None:
    page = http_tab.open(_url(site, served, "inventory"))
    search(page, "PF4K7M2Q")
    wait_for_count(page, 1)
    assert shown_ids(page) == ["LT-0001"]
    page.click("#inventory tbody tr[data-id='LT-0001'] a")
    page.wait_for_load_state("load")
    settle(page)
    assert page.url == served.base + "entities/LT-0001.html"
    assert http_tab.watch.problems(frozenset({"http", "data", "about"})) == []
