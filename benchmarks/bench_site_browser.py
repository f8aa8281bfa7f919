"""Benchmark the inventory page in Chromium at 100,000 entities: a measurement, not a test.

    .venv/bin/python benchmarks/bench_site_browser.py [--entities 100000] [--runs 3]
    .venv/bin/python benchmarks/bench_site_browser.py --site DIR   # a site built already

Without ``--site`` it grows a registry of N entities with ``generate.py`` (the
generator every benchmark uses), a git repository in a temporary folder, and
builds its site with ``itam site build``, timed. Then, in Debian's chromium (driven
by Playwright, as the browser tests do), each run opens
``inventory/index.html`` from file:// in a fresh browser context and measures:

* first rows visible: navigation start to the later of the first frame in
  which a row of the table is visible and the first contentful paint (shown
  beside it);
* search usable: navigation start to the end of DOMContentLoaded, by which
  the deferred data and inventory scripts have run and bound their handlers;
* paste: a serial set into #search in one input event, to the frame after
  the single matching row is drawn;
* first sort: a click on the Name sort button (the first text sort builds its
  order), to the frame after the rows are redrawn; a date sort beside it;
* filter: #filter-status set to deployed, to the frame after redrawing;
* JS heap: V8's used heap after a garbage collection (CDP), once loaded and
  after the interactions;
* the data file's size, raw and gzipped (level 6, as web servers compress).

It prints the median of the runs against the targets. Figures depend on the
machine and what else runs on it; compare them on the same machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import generate
from playwright.sync_api import Browser, Page, sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = generate.AS_OF
ITAM = Path(sys.prefix) / "bin" / "itam"
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
]
MB = 1_000_000
# name: (target, unit, how to show a value)
TARGETS: dict[str, tuple[float, str]] = {
    "first rows visible": (0.5, "s"),
    "search usable": (1.0, "s"),
    "pasted serial -> row shown": (0.100, "s"),
    "first sort (name)": (0.500, "s"),
    "filter (status)": (0.200, "s"),
    "JS heap after load and use": (25 * MB, "B"),
    "data file raw": (7 * MB, "B"),
    "data file gzipped": (2.5 * MB, "B"),
}

# Runs in the page before its own scripts: notes the first frame with a visible row.
WATCH_ROWS = """(() => {
  const poll = () => {
    const row = document.querySelector('#inventory tbody tr[data-id]');
    if (row && row.checkVisibility()) { window.__firstRows = performance.now(); return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})()"""
# Does one thing to the page and times it to the frame after ``done()`` holds.
TIME_ACTION = """async ([act, done]) => {
  const doIt = new Function(act), isDone = new Function(done);
  const frame = () => new Promise(r => requestAnimationFrame(r));
  await frame();
  const start = performance.now();
  doIt();
  while (!isDone()) {
    if (performance.now() - start > 30000) return null;
    await frame();
  }
  await frame();
  return (performance.now() - start) / 1000;
}"""


def chromium() -> str:
    found = os.environ.get("ITAM_CHROMIUM") or shutil.which("chromium")
    if not found:
        sys.exit("Debian's chromium is missing: `python3 dev.py test` installs it")
    return found


def build_site(folder: Path, entities: int) -> Path:
    """A generated registry of ``entities`` entities in a git repository, and its site."""
    repo = folder / "repo"
    start = time.perf_counter()
    generate.generate(repo, entities)
    print(f"registry of {entities:,} entities written in {time.perf_counter() - start:.1f} s")
    out = folder / "site"
    start = time.perf_counter()
    done = subprocess.run(
        [ITAM, "site", "build", "--root", repo, "--out", out, "--as-of", AS_OF.isoformat()],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1) or not (out / "index.html").exists():
        sys.exit(f"itam site build failed ({done.returncode}):\n{done.stderr[-3000:]}")
    print(f"itam site build: {time.perf_counter() - start:.1f} s; {done.stderr.strip()}")
    return out


def _act(page: Page, act: str, done: str) -> float:
    seconds: float | None = page.evaluate(TIME_ACTION, [act, done])
    if seconds is None:
        raise SystemExit(f"timed out: {act}")
    return seconds


def _heap(page: Page) -> float:
    session = page.context.new_cdp_session(page)
    session.send("HeapProfiler.collectGarbage")
    usage: dict[str, Any] = session.send("Runtime.getHeapUsage")
    session.detach()
    return float(usage["usedSize"])


def one_run(browser: Browser, inventory: Path, serial: tuple[str, str]) -> dict[str, float]:
    context = browser.new_context()
    context.set_default_timeout(120_000)
    context.add_init_script(WATCH_ROWS)
    page = context.new_page()
    page.goto(inventory.as_uri(), wait_until="load")
    page.wait_for_function("() => window.__firstRows !== undefined")
    timing: dict[str, float] = page.evaluate(
        """() => ({
          rows: window.__firstRows / 1000,
          dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd / 1000,
          fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN})
               .startTime / 1000,
        })"""
    )
    heap_loaded = _heap(page)
    one_row = (
        "const r = document.querySelectorAll('#inventory tbody tr[data-id]');"
        f"return r.length === 1 && r[0].dataset.id === {serial[1]!r};"
    )
    paste = _act(
        page,
        "const box = document.getElementById('search');"
        f"box.value = {serial[0]!r}; box.dispatchEvent(new Event('input', {{bubbles: true}}));",
        one_row,
    )
    page.evaluate(
        "() => { const box = document.getElementById('search'); box.value = '';"
        " box.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('#inventory tbody tr[data-id]').length > 1"
    )

    def sort(key: str) -> float:
        return _act(
            page,
            f"document.querySelector(\"button[data-sort='{key}']\").click();",
            f"return document.querySelector(\"button[data-sort='{key}']\").closest('th')"
            ".getAttribute('aria-sort') === 'ascending';",
        )

    sort_name = sort("name")
    sort_date = sort("warranty")
    before = page.text_content("#result-count")
    statuses = page.eval_on_selector_all(
        "#filter-status option", "options => options.map(o => o.value).filter(v => v)"
    )
    status = "deployed" if "deployed" in statuses else statuses[0]
    choose = _act(
        page,
        "const s = document.getElementById('filter-status');"
        f"s.value = {status!r}; s.dispatchEvent(new Event('change', {{bubbles: true}}));",
        f"return document.getElementById('result-count').textContent !== {before!r};",
    )
    heap_used = _heap(page)
    context.close()
    return {
        # A frame that had a row, and a paint: the rows are seen once both happened.
        "first rows visible": max(timing["rows"], timing["fcp"]),
        "first contentful paint": timing["fcp"],
        "search usable": timing["dcl"],
        "pasted serial -> row shown": paste,
        "first sort (name)": sort_name,
        "first sort (warranty date)": sort_date,
        "filter (status)": choose,
        "JS heap after load": heap_loaded,
        "JS heap after load and use": heap_used,
    }


def _show(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / MB:8.2f} MB"
    return f"{value * 1000:8.0f} ms"


def report(results: list[dict[str, float]], data: Path) -> None:
    raw = data.read_bytes()
    sizes = {"data file raw": float(len(raw)), "data file gzipped": float(len(gzip.compress(raw)))}
    medians = {name: statistics.median(r[name] for r in results) for name in results[0]}
    medians.update(sizes)
    print(f"\nmedian of {len(results)} runs, each in a fresh browser context")
    for name, value in medians.items():
        unit = "B" if "heap" in name or "file" in name else "s"
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"target <= {_show(target[0], unit).strip():>9}  "
            verdict += "ok" if value <= target[0] else "OVER"
        spread = ""
        if name in results[0] and len(results) > 1:
            values = [r[name] for r in results]
            spread = f"({_show(min(values), unit).strip()} .. {_show(max(values), unit).strip()})"
        print(f"  {name:28} {_show(value, unit)}  {verdict:26} {spread}")


def _probe(browser: Browser, site: Path) -> tuple[str, str]:
    """A serial to paste and the id of its row: the middle row with a serial of a middle
    static page, so that it is far from the rows the page holds in its HTML."""
    pages = sorted((site / "inventory").glob("page-*.html"), key=lambda p: int(p.stem[5:]))
    if not pages:
        sys.exit("the site has no inventory/page-N.html to pick a serial from")
    page = browser.new_page()
    page.goto(pages[len(pages) // 2].as_uri())
    found: list[str] | None = page.evaluate(
        """() => {
          const heads = [...document.querySelectorAll('thead th')].map(th => th.textContent.trim());
          const at = heads.indexOf('Serial');
          const rows = [...document.querySelectorAll('tbody tr[data-id]')]
            .filter(r => at >= 0 && r.cells[at] && r.cells[at].textContent.trim());
          const row = rows[rows.length >> 1];
          return row ? [row.cells[at].textContent.trim(), row.dataset.id] : null;
        }"""
    )
    page.close()
    if not found:
        sys.exit(f"no row with a serial on {pages[len(pages) // 2]}")
    return found[0], found[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", type=Path, help="a built site to measure instead of building")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    args = parser.parse_args()
    folder = None
    if args.site:
        site = args.site
    elif args.keep:
        site = build_site(args.keep, args.entities)
    else:
        folder = tempfile.TemporaryDirectory(prefix="itam-bench-site-")
        site = build_site(Path(folder.name), args.entities)
    inventory = site / "inventory" / "index.html"
    if not inventory.is_file():
        sys.exit(f"{inventory} is missing: not a built site")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium(), headless=True, args=CHROMIUM_ARGS
            )
            serial = _probe(browser, site)
            print(f"measuring {inventory}: paste {serial[0]} (row {serial[1]})")
            results = [one_run(browser, inventory, serial) for _ in range(args.runs)]
            browser.close()
        report(results, site / "assets" / "inventory-data.js")
    finally:
        if folder is not None:
            folder.cleanup()


if __name__ == "__main__":
    started = dt.datetime.now()
    main()
    print(f"(benchmark took {(dt.datetime.now() - started).total_seconds():.0f} s)")
