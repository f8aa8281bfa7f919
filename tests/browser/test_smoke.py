"""The browser itself: Debian's chromium starts through Playwright and reports what pages do.

These need no site, so they pass before the site exists and tell apart "the
browser setup is broken" from "the site is".
"""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import Tab
from tests.browser.tools import axe_violations, blocking, file_url, vnu_errors

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>smoke</title></head>
<body><main><h1 id="title">smoke</h1>
<img src="missing.png" alt="">
<script>
  console.log("a log line is not an error");
  console.error("boom from the page");
  document.getElementById("title").textContent = "ran";
  fetch("https://example.invalid/beacon").catch(() => {});
  setTimeout(() => { throw new Error("kaput"); }, 0);
</script></main></body></html>
"""


def test_chromium_runs_scripts_and_reports_console_errors(tab: Tab, tmp_path: Path) -> None:
    page_file = tmp_path / "index.html"
    page_file.write_text(PAGE, encoding="utf-8")
    page = tab.open(file_url(page_file))
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(100)
    assert page.text_content("#title") == "ran"
    assert any("boom from the page" in text for text in tab.watch.console_errors)
    assert not any("a log line" in text for text in tab.watch.console_errors)
    assert any("kaput" in text for text in tab.watch.page_errors), tab.watch
    assert any("missing.png" in text for text in tab.watch.failed), tab.watch
    # The beacon was asked for, recorded as leaving, and refused before it left.
    assert tab.watch.remote() == ["https://example.invalid/beacon"]
    assert any("example.invalid" in text for text in tab.watch.failed)
    assert len(tab.watch.problems()) >= 4


def test_a_clean_page_has_no_problems(tab: Tab, tmp_path: Path) -> None:
    page_file = tmp_path / "clean.html"
    page_file.write_text(
        '<!doctype html><html lang="en"><title>clean</title><p id="p">ok</p></html>',
        encoding="utf-8",
    )
    page = tab.open(file_url(page_file))
    assert page.text_content("#p") == "ok"
    assert tab.watch.problems() == []
    assert tab.watch.requests == [file_url(page_file)]


def test_axe_core_finds_a_known_violation(axe_tab: Tab, tmp_path: Path) -> None:
    page_file = tmp_path / "axe.html"
    page_file.write_text(
        '<!doctype html><html lang="en"><title>axe</title><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "<button></button></main></html>",
        encoding="utf-8",
    )
    violations = axe_violations(axe_tab.open(file_url(page_file)))
    found = {str(v["id"]) for v in violations}
    assert {"image-alt", "button-name"} <= found, violations
    assert len(blocking(violations)) >= 2


def test_axe_core_passes_a_clean_page(axe_tab: Tab, tmp_path: Path) -> None:
    page_file = tmp_path / "clean.html"
    page_file.write_text(
        '<!doctype html><html lang="en"><head><title>fine</title></head>'
        "<body><main><h1>fine</h1><p>text</p></main></body></html>",
        encoding="utf-8",
    )
    assert blocking(axe_violations(axe_tab.open(file_url(page_file)))) == []


def test_javascript_off_runs_nothing(no_script_tab: Tab, tmp_path: Path) -> None:
    page_file = tmp_path / "noscript.html"
    page_file.write_text(
        '<!doctype html><html lang="en"><title>off</title>'
        '<p id="p">static</p><noscript><a id="fallback" href="page-1.html">pages</a></noscript>'
        '<script>document.getElementById("p").textContent = "ran"</script></html>',
        encoding="utf-8",
    )
    page = no_script_tab.open(file_url(page_file))
    assert page.text_content("#p") == "static"
    assert page.is_visible("#fallback")


def test_the_html_checker_reports_errors_and_passes_valid_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html><title>x</title><p><div></p></div>", encoding="utf-8")
    good = tmp_path / "good.html"
    good.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ok</title></head>'
        "<body><p>ok</p></body></html>",
        encoding="utf-8",
    )
    # One JVM run for both, as the site's check does.
    errors = vnu_errors([bad, good])
    assert errors, "the checker found nothing wrong in a broken file"
    assert all(line.startswith("bad.html:") for line in errors), errors
