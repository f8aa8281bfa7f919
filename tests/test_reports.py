"""The stakeholder reports on the bundled registry: concrete rows, and agreement
with what `itam validate` reports for the same date."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from itam.evaluation import Evaluation, evaluate
from itam.layout import Layout
from itam.reports import REPORTS, Table, spec
from itam.reports.model import sectioned
from tests.conftest import AS_OF, PROJECT, findings, run_itam

LATER = "2031-06-30"


@pytest.fixture(scope="module")
def now() -> Evaluation:
    return evaluate(Layout.at(PROJECT), dt.date.fromisoformat(AS_OF))


@pytest.fixture(scope="module")
def later() -> Evaluation:
    return evaluate(Layout.at(PROJECT), dt.date.fromisoformat(LATER))


def section(table: Table, title_start: str) -> list[dict[str, Any]]:
    """The rows of the one section whose title starts with ``title_start``."""
    found = [rows for title, rows in table.sections if title.startswith(title_start)]
    assert len(found) == 1, [title for title, _rows in table.sections]
    return found[0]


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def test_the_reports_table_is_explicit_and_complete() -> None:
    assert list(REPORTS) == [
        "audit",
        "warranty",
        "eol",
        "disposal",
        "refresh",
        "licenses",
        "depreciation",
        "movements",
        "findings",
    ]
    for name, entry in REPORTS.items():
        assert entry.name == name
        assert entry.title
    assert spec("audit") is REPORTS["audit"]


def test_every_table_keeps_its_conventions(now: Evaluation) -> None:
    for name, entry in REPORTS.items():
        if name == "movements":
            continue  # needs git history; see test_reports_cli
        table = entry.build(now)
        assert table.name == name
        assert table.as_of == AS_OF
        keys = {c.key for c in table.columns}
        assert len(keys) == len(table.columns), f"{name}: duplicate column keys"
        if table.sections:
            assert table.rows == sectioned(table.sections)
        for row in table.rows:
            assert set(row) <= keys, f"{name}: {set(row) - keys}"
            for value in row.values():
                assert value is None or isinstance(value, str | int | Decimal), (name, row)


def test_audit_report_as_of_the_bundled_date(now: Evaluation) -> None:
    table = REPORTS["audit"].build(now)
    assert section(table, "Overdue") == []
    assert section(table, "Due within 30 days") == [
        {
            "id": "SRV-0003",
            "name": "fra-db01 - PostgreSQL primary",
            "kind": "server",
            "location": "fra-dc1",
            "owner": "EMP-1014",
            "last_audit": "2026-06-01",
            "interval_days": 180,
            "next_due": "2026-11-28",
            "days_left": 6,
            "waiver": None,
        },
        {
            "id": "LT-0006",
            "name": "ThinkPad T14 Gen 4 - Tom Fletcher",
            "kind": "laptop",
            "location": "lon-hq-3f",
            "owner": "EMP-1006",
            "last_audit": "2025-12-10",
            "interval_days": 365,
            "next_due": "2026-12-10",
            "days_left": 18,
            "waiver": None,
        },
    ]


def test_audit_report_lists_exactly_the_overdue_audits_validate_reports() -> None:
    report = run_itam("report", "audit", "--root", PROJECT, "--as-of", LATER, "--format", "csv")
    assert report.exit_code == 0, str(report)
    rows = list(csv.DictReader(io.StringIO(report.stdout)))
    overdue = [r["id"] for r in rows if r["section"].startswith("Overdue")]
    validate = run_itam("validate", "--root", PROJECT, "--as-of", LATER, "--format", "json")
    assert validate.exit_code == 1, str(validate)
    expected = [f["entity"] for f in findings(validate, "audit.overdue")]
    assert len(expected) == 40
    assert sorted(overdue) == sorted(expected)
    # Most overdue first: the due dates only grow down the section.
    dues = [r["next_due"] for r in rows if r["section"].startswith("Overdue")]
    assert dues == sorted(dues)
    assert all(int(r["days_left"]) < -30 for r in rows if r["section"].startswith("Overdue"))


def test_warranty_report(now: Evaluation, later: Evaluation) -> None:
    table = REPORTS["warranty"].build(now)
    expiring = section(table, "Expiring within 90 days")
    assert ids(expiring) == ["LT-0005", "LT-0003", "LT-0017", "SRV-0002", "LT-0002", "PER-0005"]
    assert sorted(ids(expiring)) == sorted(f.entity or "" for f in now.by_rule["warranty.expiring"])
    assert expiring[0]["warranty_end"] == "2026-12-31"
    assert expiring[0]["source"] == "warranty.end"
    assert expiring[0]["rule"] == "warranty.expiring"
    expired = section(table, "Expired, still in service")
    printer = next(r for r in expired if r["id"] == "PER-0003")
    assert printer["warranty_end"] == "2021-01-20"
    assert printer["days_left"] == -2132
    assert printer["source"] == "model hp-laserjet-enterprise-m507dn default of 12 months"
    # Every expired-in-service finding is in the expired section, marked with its rule.
    gone = {r["id"]: r for r in section(REPORTS["warranty"].build(later), "Expired")}
    flagged = {f.entity for f in later.by_rule["warranty.expired-in-service"]}
    assert len(flagged) == 13
    assert all(gone[i]["rule"] == "warranty.expired-in-service" for i in flagged if i)


def test_eol_report_by_model(now: Evaluation) -> None:
    table = REPORTS["eol"].build(now)
    assert section(table, "By model") == [
        {
            "model": "cisco-catalyst-2960x-48fpd-l",
            "model_name": "Cisco Catalyst 2960X-48FPD-L",
            "past": 1,
            "approaching": 0,
        },
        {
            "model": "juniper-ex4300-48p",
            "model_name": "Juniper EX4300-48P",
            "past": 0,
            "approaching": 1,
        },
    ]
    (past,) = section(table, "Past end of life")
    assert (past["id"], past["end_of_life"], past["days_left"]) == ("NET-0002", "2026-06-30", -145)
    assert past["rule"] == "eol.passed-in-service"
    assert past["waiver"] is not None
    assert "approved by EMP-1001 until 2027-03-31" in past["waiver"]
    (near,) = section(table, "Reaching end of life within 180 days")
    assert (near["id"], near["source"], near["days_left"]) == ("NET-0003", "model", 159)


def test_disposal_report(now: Evaluation) -> None:
    table = REPORTS["disposal"].build(now)
    pending = section(table, "Pending")
    assert [(r["id"], r["retired"], r["days_waiting"]) for r in pending] == [
        ("PER-0008", "2026-07-01", 144),
        ("LT-0010", "2026-09-30", 53),
        ("SRV-0006", "2026-10-15", 38),
    ]
    assert pending[2]["book_value"] == Decimal("987.00")
    assert pending[2]["currency"] == "EUR"
    assert "certificate" not in pending[0]  # not a column of the pending section
    done = section(table, "Disposed")
    assert ids(done) == ["STO-0003", "LT-0015", "MOB-0006", "LT-0011", "DT-0004", "SRV-0007"]
    server = done[-1]
    assert server["disposed"] == "2026-02-12"
    assert server["method"] == "recycling"
    assert server["vendor"] == "greenit-recycling"
    assert server["certificate"] == "GIT-COD-2026-0107"
    assert server["sanitization"] == "destroy"
    assert server["sanitization_certificate"] == "GIT-DS-2026-0107-01"
    assert server["rule"] is None
    by_method = section(table, "Outcome by method")
    assert [(r["method"], r["count"]) for r in by_method] == [
        ("donation", 1),
        ("recycling", 4),
        ("resale", 1),
    ]
    by_quarter = section(table, "Outcome by quarter")
    assert [(r["quarter"], r["count"]) for r in by_quarter] == [
        ("2024-Q1", 1),
        ("2024-Q4", 1),
        ("2025-Q4", 2),
        ("2026-Q1", 2),
    ]


def test_refresh_report(now: Evaluation) -> None:
    table = REPORTS["refresh"].build(now)
    assert [title for title, _rows in table.sections] == [
        "Already due (before 2026-Q4)",
        "2026-Q4",
        "2027-Q1",
        "2027-Q2",
        "2027-Q3",
        "2027-Q4",
        "2028-Q1",
        "2028-Q2",
        "2028-Q3",
        "Budget per quarter, per currency",
    ]
    server = next(r for r in section(table, "2027-Q1") if r["id"] == "SRV-0002")
    assert server["due"] == "2027-01-10"
    assert server["reason"] == "fully depreciated"
    assert server["replacement_cost"] == Decimal("9640.00")
    assert server["currency"] == "GBP"
    assert server["cost_source"] == "last purchase of the model (SRV-0004, 2023-02-07)"
    assert section(table, "2028-Q3") == []
    # The budget is the sum of each quarter's rows, per currency.
    budget = {(r["quarter"], r["currency"]): r for r in section(table, "Budget")}
    assert budget[("2027-Q1", "GBP")]["count"] == 3
    assert budget[("2027-Q1", "GBP")]["replacement_cost"] == Decimal("12298.00")
    for title, rows in table.sections[1:-1]:
        for currency in {r["currency"] for r in rows}:
            mine = [r for r in rows if r["currency"] == currency]
            total = sum((r["replacement_cost"] for r in mine), Decimal(0))
            assert budget[(title, currency)]["replacement_cost"] == total


def test_licenses_report_counts_seats_as_the_seats_rule_does(now: Evaluation) -> None:
    rows = section(REPORTS["licenses"].build(now), "Licenses and subscriptions")
    assert ids(rows) == [
        "LIC-0001",
        "LIC-0002",
        "LIC-0003",
        "LIC-0004",
        "LIC-0005",
        "SUB-0001",
        "SUB-0002",
        "SUB-0003",
        "SUB-0004",
        "SUB-0005",
    ]
    jetbrains = rows[1]
    assert (jetbrains["seats"], jetbrains["assigned"], jetbrains["free"]) == (3, 3, 0)
    assert jetbrains["compliance"] == "fully used"
    assert jetbrains["renewal"] == "2027-02-28"
    m365 = rows[5]
    assert (m365["seats"], m365["assigned"], m365["compliance"]) == (20, 14, "6 unused")
    assert (m365["period"], m365["currency"], m365["cost"]) == ("annual", "GBP", Decimal("8496.00"))
    jira = rows[6]
    assert jira["rule"] == "subscription.renewal-due"


def test_depreciation_report_per_currency(now: Evaluation) -> None:
    table = REPORTS["depreciation"].build(now)
    totals = {r["currency"]: r for r in section(table, "Total")}
    assert sorted(totals) == ["EUR", "GBP", "NOK"]
    assert totals["EUR"] == {
        "currency": "EUR",
        "count": 16,
        "cost": Decimal("180514.00"),
        "accumulated": Decimal("125004.27"),
        "book_value": Decimal("55509.73"),
    }
    for title in ("By kind", "By purchase year"):
        rows = section(table, title)
        for currency, total in totals.items():
            mine = [r for r in rows if r["currency"] == currency]
            for key in ("count", "cost", "accumulated", "book_value"):
                assert sum(r[key] for r in mine) == total[key], (title, currency, key)
    # Disposed assets are off the books; the retired server is still on them.
    assert totals["EUR"]["count"] == sum(
        1
        for e in now.catalog
        if now.derived(e).currency == "EUR"
        and now.derived(e).book_value is not None
        and e.get("status") != "disposed"
    )


def test_findings_report(now: Evaluation, later: Evaluation) -> None:
    table = REPORTS["findings"].build(now)
    (waived,) = section(table, "Waived")
    assert waived == {
        "rule": "eol.passed-in-service",
        "severity": "error",
        "entity": "NET-0002",
        "reason": waived["reason"],
        "approved_by": "EMP-1001",
        "expires": "2027-03-31",
    }
    assert waived["reason"].startswith("Oslo office switch past end of life")
    by_rule = {r["rule"]: r for r in section(table, "By rule")}
    assert by_rule["eol.passed-in-service"]["error"] == 0
    assert by_rule["eol.passed-in-service"]["waived"] == 1
    assert by_rule["warranty.expiring"]["warning"] == 6
    assert by_rule["warranty.expiring"]["summary"] == "the warranty ends soon"
    # The counts add up to validate's summary for the same date.
    validate = run_itam("validate", "--root", PROJECT, "--as-of", LATER, "--format", "json")
    summary = validate.json()["summary"]
    totals = REPORTS["findings"].build(later).totals
    assert totals is not None
    assert (totals["error"], totals["warning"], totals["info"]) == (
        summary["error"],
        summary["warning"],
        summary["info"],
    )
    assert totals["total"] == len(validate.json()["findings"])
