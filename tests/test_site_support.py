"""Entity pages show when the vendor's support of an asset's OS and firmware ends.

The release each asset runs is the one ``itam.support`` matched for the
evaluation (``Derived.software``); the colour is that of the support rules'
findings on the asset, as for every other date on the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from itam.evaluation import Evaluation, evaluate
from itam.layout import Layout
from itam.reference.model import Release
from itam.sitegen import build_site
from itam.sitegen.entity import facts
from tests.conftest import LAPTOPS, LT5, copy_registry, edit

DAY = dt.date(2026, 12, 1)  # Windows 11 Pro 24H2's support ended on 2026-10-13
HOSTILE_OS = "<script>alert(1)</script>"
HOSTILE_VERSION = '15.<img src=x onerror="alert(1)">'
FACT = re.compile(
    r'<div class="fact(?: tone-(?P<tone>\w+))?"><dt>(?P<label>[^<]*)</dt><dd>'
    r'<span class="fact-value">(?P<value>[^<]*)</span>'
    r'(?: <span class="fact-note">(?P<note>[^<]*)</span>)?</dd></div>'
)
LABELS = {"os": "OS support ends", "firmware": "Firmware support ends"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Evaluation, Path]:
    """The bundled registry as of 2026-12-01, LT-0005 on Windows 11 Pro, with a
    hostile OS name (LT-0017) and a hostile macOS version that still matches (LT-0003)."""
    root = copy_registry(tmp_path_factory.mktemp("repo"), with_git=False)
    edit(root, LT5, "name: Windows 11 Enterprise", "name: Windows 11 Pro")
    edit(root, f"{LAPTOPS}/LT-0017.yaml", "name: macOS", f"name: '{HOSTILE_OS}'")
    edit(root, f"{LAPTOPS}/LT-0003.yaml", 'version: "15.6"', f"version: '{HOSTILE_VERSION}'")
    site = tmp_path_factory.mktemp("site")
    build_site(Layout(root), site, DAY)
    return evaluate(Layout(root), DAY), site


def page_facts(site: Path, entity_id: str) -> dict[str, dict[str, str]]:
    html = (site / f"entities/{entity_id}.html").read_text(encoding="utf-8")
    return {
        m["label"]: {key: value or "" for key, value in m.groupdict().items()}
        for m in FACT.finditer(html)
    }


def test_an_os_past_support_shows_its_date_in_the_error_tone(
    built: tuple[Evaluation, Path],
) -> None:
    evaluation, site = built
    assert {f.rule for f in evaluation.findings_of("LT-0005")} >= {"software.unsupported"}
    fact = page_facts(site, "LT-0005")["OS support ends"]
    assert fact["value"] == "2026-10-13"
    assert fact["tone"] == "bad"
    assert fact["note"] == (
        "49 days ago; Windows 11 Pro 24H2, matched to windows 11-24h2-w (11 24H2 (W)) in "
        "reference/windows.yaml"
    )


def test_every_support_fact_has_the_colour_of_its_findings(
    built: tuple[Evaluation, Path],
) -> None:
    evaluation, site = built
    seen = {"bad": 0, "warn": 0, "": 0}
    for entity in evaluation.catalog:
        software = evaluation.derived(entity).software
        if not software:
            continue
        shown = page_facts(site, entity.id or "")
        rules = {f.rule for f in evaluation.findings_of(entity.id or "")}
        for item in software:
            prefix = "software" if item.source == "os" else "firmware"
            fact = shown[LABELS[item.source]]
            expected = (
                "bad"
                if f"{prefix}.unsupported" in rules
                else "warn"
                if f"{prefix}.eol-approaching" in rules
                else ""
            )
            assert fact["tone"] == expected, (entity.id, fact)
            seen[expected] += 1
    # The bundled registry has all three: past (LT-0005), near (DT-0003, STO-0001), far.
    assert all(seen.values()), seen


def test_unmatched_software_says_why_on_every_asset_that_runs_it(
    built: tuple[Evaluation, Path],
) -> None:
    evaluation, site = built
    # One firmware.unmatched finding for ArubaOS 8.10.0.12, on NET-0006 only...
    rules = {f.rule for f in evaluation.findings_of("NET-0007")}
    assert "firmware.unmatched" not in rules
    # ...but both pages say the support is unknown, and why.
    for asset in ("NET-0006", "NET-0007"):
        fact = page_facts(site, asset)["Firmware support ends"]
        assert fact["value"] == "unknown"
        assert fact["note"].startswith("ArubaOS 8.10.0.12 matches no known release: ")
        assert "no entry of the software mapping in policies/" in fact["note"]


def test_hostile_os_names_and_versions_are_text(built: tuple[Evaluation, Path]) -> None:
    _, site = built
    for asset in ("LT-0017", "LT-0003"):
        html = (site / f"entities/{asset}.html").read_text(encoding="utf-8")
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    unmatched = page_facts(site, "LT-0017")["OS support ends"]
    assert unmatched["note"].startswith(
        "&lt;script&gt;alert(1)&lt;/script&gt; 15.6 matches no known release: "
    )
    # Still macOS 15, for which Apple announces no end.
    matched = page_facts(site, "LT-0003")["OS support ends"]
    assert (matched["value"], matched["tone"]) == ("\u2014", "")
    assert matched["note"].startswith(
        "no end announced; macOS 15.&lt;img src=x onerror=&#34;alert(1)&#34;&gt;, "
        "matched to macos 15 "
    )


@pytest.mark.parametrize(
    ("eol", "live", "value", "tone"),
    [
        (True, True, "ended", "bad"),  # ended on a day the reference does not give
        (True, False, "ended", ""),  # a retired asset's alarms ring for nobody
        (False, True, "\u2014", ""),
        (dt.date(2027, 3, 1), True, "2027-03-01", ""),  # no finding, not passed
        (dt.date(2026, 11, 1), True, "2026-11-01", "bad"),  # passed, whatever the rules
    ],
)
def test_what_the_reference_says_of_the_end(
    built: tuple[Evaluation, Path], eol: dt.date | bool, live: bool, value: str, tone: str
) -> None:
    evaluation, _ = built
    laptop = evaluation.entity("LT-0005")
    assert laptop is not None
    derived = evaluation.derived(laptop)
    (windows,) = derived.software
    assert windows.release is not None
    item = dataclasses.replace(windows, release=Release("11-24h2-w", eol=eol, eoes=DAY))
    shown = facts(dataclasses.replace(derived, software=(item,)), DAY, live=live)
    (fact,) = [f for f in shown if f.label == "OS support ends"]
    assert (fact.value, fact.tone) == (value, tone)
    assert fact.note.endswith("; extended support (at extra cost) until 2026-12-01")
