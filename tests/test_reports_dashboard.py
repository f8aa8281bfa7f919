"""The home page shows the reports' own figures: warranty coverage (the warranty
report's coverage section), assets past end of life (the eol report), pending
disposals (the disposal report) and the book value per currency (the
depreciation report's totals), compared with ``itam report NAME --format json``."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AS_OF, copy_registry, git, run_itam

KPI = re.compile(r'id="kpi-(?P<key>[a-z-]+)">.*?<p class="kpi-value">(?P<value>[^<]*)</p>', re.S)
WARRANTY = re.compile(
    r'<desc id="ring-warranty-desc">(?P<covered>[0-9,]+) of (?P<in_service>[0-9,]+) hardware '
    r"assets in service are under warranty"
)
BOOK_VALUE = re.compile(
    r'<tr class="book-value"><th scope="row">(?P<currency>[^<]*)</th>'
    r'<td class="num">(?P<amount>[^<]*)</td><td class="num">(?P<count>[^<]*)</td></tr>'
)


def home_figures(site: Path) -> dict[str, Any]:
    html = (site / "index.html").read_text(encoding="utf-8")
    kpis = {m["key"]: int(m["value"].replace(",", "")) for m in KPI.finditer(html)}
    books = {
        unescape(m["currency"]): (m["amount"].replace(",", ""), int(m["count"].replace(",", "")))
        for m in BOOK_VALUE.finditer(html)
    }
    (ring,) = WARRANTY.finditer(html)
    return {
        "warranty": (
            int(ring["covered"].replace(",", "")),
            int(ring["in_service"].replace(",", "")),
        ),
        "past-eol": kpis["past-eol"],
        "pending-disposal": kpis["pending-disposal"],
        "books": books,
    }


def report(root: Path, name: str) -> dict[str, Any]:
    result = run_itam("report", name, "--root", root, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result
    document: dict[str, Any] = result.json()
    return document


def section(document: dict[str, Any], title: str) -> list[dict[str, Any]]:
    (found,) = [s["rows"] for s in document["sections"] if s["title"] == title]
    rows: list[dict[str, Any]] = found
    return rows


def report_figures(root: Path) -> dict[str, Any]:
    totals = section(report(root, "depreciation"), "Total, per currency")
    (coverage,) = section(report(root, "warranty"), "Coverage of the hardware in service")
    return {
        "warranty": (coverage["covered"], coverage["in_service"]),
        "past-eol": len(section(report(root, "eol"), "Past end of life")),
        "pending-disposal": len(section(report(root, "disposal"), "Pending disposal (retired)")),
        "books": {
            (row["currency"] or "(no currency)"): (row["book_value"], row["count"])
            for row in totals
        },
    }


def differing(root: Path) -> None:
    """Where the dashboard's own arithmetic disagreed with the reports: an asset in
    repair past its end of life (no eol rule covers it), ended agreements (archived,
    but never disposed of) and a second file claiming an asset's id (counted twice,
    as hardware in service too)."""
    repair = root / "registry/hardware/laptops/LT-0013.yaml"
    repair.write_text(repair.read_text(encoding="utf-8") + "end_of_life: 2025-01-31\n", "utf-8")
    laptops = root / "registry/hardware/laptops"
    shutil.copyfile(laptops / "LT-0016.yaml", laptops / "LT-0016-copy.yaml")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "cases the dashboard used to count alone")


@pytest.mark.parametrize("case", ["bundled", "differing"])
def test_the_home_page_shows_the_reports_figures(tmp_path: Path, case: str) -> None:
    root = copy_registry(tmp_path / "repo")
    if case == "differing":
        differing(root)
    site = tmp_path / "site"
    result = run_itam("site", "build", "--root", root, "--out", site, "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result
    shown, reported = home_figures(site), report_figures(root)
    assert shown == reported
    covered, in_service = shown["warranty"]
    assert 0 < covered < in_service
    assert shown["past-eol"] > 0
    assert shown["pending-disposal"] > 0
    assert shown["books"]
