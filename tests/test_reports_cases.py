"""Reports on small changes to the bundled registry, for the cases it lacks:
disposal proceeds, costs and weights in two currencies, model prices, an
over-assigned license, and policy parameters the reports follow."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from itam.evaluation import Evaluation, evaluate
from itam.layout import Layout
from itam.reports import REPORTS
from tests.conftest import AS_OF, LT10, copy_registry, edit, run_itam
from tests.test_reports import ids, section

HARDWARE = "registry/hardware"


def evaluation_of(root: Path) -> Evaluation:
    return evaluate(Layout(root), dt.date.fromisoformat(AS_OF))


def add_to_disposal(root: Path, rel: str, certificate: str, lines: str) -> None:
    old = f"  certificate: {certificate}\n"
    edit(root, f"{HARDWARE}/{rel}", old, old + lines)


def test_disposal_outcome_by_method_and_quarter_per_currency(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    add_to_disposal(
        root,
        "laptops/LT-0011.yaml",
        "GIT-COD-2025-1042",
        "  cost: {amount: 25.00, currency: EUR}\n  weight_kg: 1.8\n",
    )
    add_to_disposal(
        root,
        "laptops/LT-0015.yaml",
        "RN-EV-2024-01877",
        "  cost: {amount: 30.00, currency: EUR}\n  weight_kg: 2.1\n",
    )
    add_to_disposal(
        root,
        "mobile/MOB-0006.yaml",
        "GIT-COD-2025-0981",
        "  proceeds: {amount: 120.00, currency: EUR}\n  weight_kg: 0.2\n",
    )
    add_to_disposal(
        root,
        "storage/STO-0003.yaml",
        "RN-EV-2024-00318",
        "  cost: {amount: 40.50, currency: GBP}\n  weight_kg: 30\n",
    )
    add_to_disposal(
        root,
        "servers/SRV-0007.yaml",
        "GIT-COD-2026-0107",
        "  proceeds: {amount: 300.00, currency: EUR}\n  cost: {amount: 100.00, currency: EUR}\n"
        "  weight_kg: 25.5\n",
    )
    table = REPORTS["disposal"].build(evaluation_of(root))
    server = next(r for r in section(table, "Disposed") if r["id"] == "SRV-0007")
    assert (server["proceeds"], server["cost"], server["currency"]) == (
        Decimal("300.00"),
        Decimal("100.00"),
        "EUR",
    )
    assert server["weight_kg"] == Decimal("25.5")

    def outcome(rows: list[dict[str, Any]], key: str) -> list[tuple[Any, ...]]:
        return [
            (r[key], r["currency"], r["count"], r["weight_kg"], r["proceeds"], r["cost"], r["net"])
            for r in rows
        ]

    d = Decimal
    assert outcome(section(table, "Outcome by method"), "method") == [
        ("donation", None, 1, None, None, None, None),
        ("recycling", "EUR", 3, d("29.4"), d("300.00"), d("155.00"), d("145.00")),
        ("recycling", "GBP", 1, d("30"), None, d("40.50"), d("-40.50")),
        ("resale", "EUR", 1, d("0.2"), d("120.00"), None, d("120.00")),
    ]
    assert outcome(section(table, "Outcome by quarter"), "quarter") == [
        ("2024-Q1", "GBP", 1, d("30"), None, d("40.50"), d("-40.50")),
        ("2024-Q4", "EUR", 1, d("2.1"), None, d("30.00"), d("-30.00")),
        ("2025-Q4", "EUR", 2, d("2.0"), d("120.00"), d("25.00"), d("95.00")),
        ("2026-Q1", "EUR", 1, d("25.5"), d("300.00"), d("100.00"), d("200.00")),
        ("2026-Q1", None, 1, None, None, None, None),
    ]


def test_refresh_costs_come_from_the_model_price_else_the_asset(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    with (root / "registry/models/lenovo-thinkpad-t14-gen4.yaml").open("a") as handle:
        handle.write("price: {amount: 1399.00, currency: GBP}\n")
    edit(root, f"{HARDWARE}/peripherals/PER-0006.yaml", "model: dell-u2723qe\n", "")
    rows = {r["id"]: r for r in REPORTS["refresh"].build(evaluation_of(root)).rows if "id" in r}
    laptop = rows["LT-0006"]
    assert (laptop["quarter"], laptop["replacement_cost"], laptop["currency"]) == (
        "2027-Q1",
        Decimal("1399.00"),
        "GBP",
    )
    assert laptop["cost_source"] == "model price"
    monitor = rows["PER-0006"]
    assert (monitor["due"], monitor["quarter"], monitor["replacement_cost"]) == (
        "2028-03-05",
        "2028-Q1",
        Decimal("499.00"),
    )
    assert monitor["cost_source"] == "own purchase cost"


def test_over_assigned_licenses_are_the_seats_rule_s_findings(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    edit(root, "registry/software/LIC-0002.yaml", "seats: 3", "seats: 2")
    # A retired laptop still listing a license holds no seat by default.
    with (root / LT10).open("a") as handle:
        handle.write("licenses: [LIC-0001]\n")
    evaluation = evaluation_of(root)
    rows = {r["id"]: r for r in section(REPORTS["licenses"].build(evaluation), "Licenses and")}
    over = sorted(i for i, r in rows.items() if r["free"] is not None and r["free"] < 0)
    assert over == ["LIC-0002"]
    assert over == sorted(f.entity or "" for f in evaluation.by_rule["license.seats"])
    assert (rows["LIC-0002"]["compliance"], rows["LIC-0002"]["rule"]) == (
        "over by 1",
        "license.seats",
    )
    assert rows["LIC-0001"]["assigned"] == 1
    # With count_archived, the report counts as the rule then does.
    edit(
        root,
        "policies/licenses.yaml",
        "  - id: license.seats\n    severity: error\n",
        "  - id: license.seats\n    severity: error\n    params: {count_archived: true}\n",
    )
    counted = section(REPORTS["licenses"].build(evaluation_of(root)), "Licenses and")
    assert next(r for r in counted if r["id"] == "LIC-0001")["assigned"] == 2


def test_the_warranty_window_is_the_rule_s_parameter(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    edit(root, "policies/warranty.yaml", "within_days: 90", "within_days: 60")
    table = REPORTS["warranty"].build(evaluation_of(root))
    # LT-0002 and PER-0005 end in 90 days: outside a 60-day window.
    assert ids(section(table, "Expiring within 60 days")) == [
        "LT-0005",
        "LT-0003",
        "LT-0017",
        "SRV-0002",
    ]
    assert "within 60 days" in table.description


def test_odd_values_never_break_a_report(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    laptop = f"{HARDWARE}/laptops/LT-0001.yaml"
    edit(root, laptop, "cost: {amount: 1289.00, currency: GBP}", "cost: {amount: 1.5}")
    edit(root, laptop, "name: ThinkPad T14 Gen 4 - Amelia Hart", "name: {first: Amelia}")
    edit(root, laptop, "location: lon-hq-3f", "location: [lon-hq-3f, osl-office]")
    edit(root, "registry/software/LIC-0002.yaml", "seats: 3", "seats: 'three'")
    add_to_disposal(
        root,
        "laptops/LT-0011.yaml",
        "GIT-COD-2025-1042",
        "  proceeds: {amount: yes, currency: 12}\n  cost: 40\n  weight_kg: heavy\n",
    )
    for name in REPORTS:
        args = ("--from", "2020-01-01", "--to", "2020-01-01") if name == "movements" else ()
        for fmt in ("md", "csv", "json"):
            result = run_itam(
                "report", name, "--root", root, "--as-of", AS_OF, "--format", fmt, *args
            )
            if name == "movements":  # no git history here: a clear refusal, not a crash
                assert result.exit_code == 2, str(result)
                assert "read from git history" in result.stderr
                continue
            assert result.exit_code == 0, str(result)
            assert result.stdout
    evaluation = evaluation_of(root)
    books = section(REPORTS["depreciation"].build(evaluation), "Total")
    assert [r["currency"] for r in books] == ["EUR", "GBP", "NOK", None]
    licenses = section(REPORTS["licenses"].build(evaluation), "Licenses and")
    jetbrains = next(r for r in licenses if r["id"] == "LIC-0002")
    assert (jetbrains["seats"], jetbrains["compliance"]) == (None, "no seat count")


def test_warranty_coverage_counts_each_asset_in_service_once(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    before = section(REPORTS["warranty"].build(evaluation_of(root)), "Coverage")
    laptops = root / HARDWARE / "laptops"
    # LT-0016's warranty was its model's default: without a model, none is recorded.
    edit(root, f"{HARDWARE}/laptops/LT-0016.yaml", "model: lenovo-thinkpad-t14-gen4\n", "")
    # A second file claiming its id is a finding, not a second laptop in service.
    (laptops / "LT-0016-copy.yaml").write_bytes((laptops / "LT-0016.yaml").read_bytes())
    evaluation = evaluation_of(root)
    assert "integrity.duplicate-id" in {f.rule for f in evaluation.findings_of("LT-0016")}
    (after,) = section(REPORTS["warranty"].build(evaluation), "Coverage")
    (was,) = before
    assert after == {**was, "covered": was["covered"] - 1, "unrecorded": was["unrecorded"] + 1}
    assert after["in_service"] == after["covered"] + after["ended"] + after["unrecorded"]
    assert after["ended"] > 0
    figures = [str(after[key]) for key in ("in_service", "covered", "ended", "unrecorded")]

    def shown(fmt: str) -> str:
        result = run_itam("report", "warranty", "--root", root, "--as-of", AS_OF, "--format", fmt)
        assert result.exit_code == 0, str(result)
        return result.stdout

    title = "Coverage of the hardware in service"
    sections = json.loads(shown("json"))["sections"]
    assert [s["rows"] for s in sections if s["title"] == title] == [[after]]
    (line,) = [r for r in csv.reader(io.StringIO(shown("csv"))) if r[0] == title]
    assert line[-4:] == figures
    assert "| " + " | ".join(figures) + " |" in shown("md")
    cells = "".join(f'<td class="kind-number">{n}</td>' for n in figures)
    assert f"<tr>{cells}</tr>" in shown("html")
