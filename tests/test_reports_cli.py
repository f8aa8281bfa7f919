"""`itam report`: names, refs, output files, past commits, and the movements
roll-forward between two commits of a real repository."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from itam.evaluation import evaluate
from itam.layout import Layout
from itam.reports import REPORTS
from tests.conftest import AS_OF, LT6, copy_registry, edit, git, run_itam

FIRST = "2026-06-01T12:00:00Z"
SECOND = "2026-11-15T12:00:00Z"
SRV6 = "registry/hardware/servers/SRV-0006.yaml"
LT7 = "registry/hardware/laptops/LT-0007.yaml"

NEW_LAPTOP = """\
id: LT-0100
kind: laptop
name: ThinkPad T14 Gen 5 - new spare
status: in-stock
model: lenovo-thinkpad-t14-gen5
serial: PF9NEW01
location: lon-hq-stores
purchase:
  date: 2026-10-01
  vendor: cdw
  order: PO-2026-0400
  cost: {amount: 1500.00, currency: GBP}
"""

DISPOSAL = """
disposal:
  date: 2026-10-20
  method: recycling
  vendor: greenit-recycling
  certificate: GIT-COD-2026-0999
  sanitization:
    method: destroy
    standard: NIST SP 800-88 Rev. 1
    date: 2026-10-19
    by: GreenIT Recycling Ltd
    certificate: GIT-DS-2026-0999-01
"""


def commit_at(root: Path, when: str, message: str) -> None:
    """Commit everything with a pinned identity, at ``when``."""
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "HOME": str(root),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }
    for args in (["add", "-A"], ["commit", "--quiet", "-m", message]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def two_commits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled registry committed on 2026-06-01, then a commit on 2026-11-15
    that adds a laptop, disposes of the retired server SRV-0006, moves the spare
    laptop LT-0007 to Oslo and records an audit of LT-0006."""
    root = copy_registry(tmp_path_factory.mktemp("movements") / "repo", with_git=False)
    git(root, "init", "--quiet", "--initial-branch=main")
    commit_at(root, FIRST, "registry")
    (root / "registry/hardware/laptops/LT-0100.yaml").write_text(NEW_LAPTOP, encoding="utf-8")
    edit(root, SRV6, "status: retired", "status: disposed")
    with (root / SRV6).open("a", encoding="utf-8") as handle:
        handle.write(DISPOSAL)
    edit(root, LT7, "location: lon-hq-stores", "location: osl-office")
    with (root / LT6).open("a", encoding="utf-8") as handle:
        handle.write("  - {date: 2026-11-10, by: EMP-1010, result: found}\n")
    commit_at(root, SECOND, "add, dispose, move, audit")
    return root


def run_report(root: Path, *args: str, code: int = 0) -> Any:
    result = run_itam("report", *args, "--root", root)
    assert result.exit_code == code, str(result)
    assert "Traceback" not in result.stderr
    return result


def movements(root: Path, start: str, end: str) -> dict[str, Any]:
    out = run_report(root, "movements", "--from", start, "--to", end, "--format", "json")
    document: dict[str, Any] = json.loads(out.stdout)
    return document


def part(document: dict[str, Any], title: str) -> list[dict[str, Any]]:
    (rows,) = [s["rows"] for s in document["sections"] if s["title"] == title]
    assert isinstance(rows, list)
    return rows


def ledger(document: dict[str, Any], currency: str) -> dict[str, dict[str, Any]]:
    return {r["line"]: r for r in part(document, f"Roll-forward, {currency}")}


def assert_rolls_forward(document: dict[str, Any]) -> None:
    """closing = opening + additions - disposals - depreciation, in every currency."""
    titles = [s["title"] for s in document["sections"] if s["title"].startswith("Roll-forward")]
    assert titles
    for title in titles:
        lines = {r["line"]: r for r in part(document, title)}
        value = {line: Decimal(row["book_value"]) for line, row in lines.items()}
        assert value["Closing"] == (
            value["Opening"] + value["Additions"] - value["Disposals"] - value["Depreciation"]
        ), title
        count = {line: row["count"] for line, row in lines.items()}
        assert count["Closing"] == count["Opening"] + count["Additions"] - count["Disposals"]


def test_unknown_report_names_suggest_the_closest() -> None:
    result = run_report(Path(), "audti", code=2)
    assert "no report 'audti' (did you mean 'audit'?)" in result.stderr


def test_refs_are_checked_before_git_runs(two_commits: Path) -> None:
    refused = run_report(two_commits, "audit", "--at", "--upload-pack=touch x", code=2)
    assert "refusing ref" in refused.stderr
    unknown = run_report(two_commits, "audit", "--at", "no-such-branch", code=2)
    assert "unknown ref 'no-such-branch'" in unknown.stderr
    assert not (two_commits / "x").exists()


def test_at_a_past_commit_shows_the_older_registry(two_commits: Path) -> None:
    def due(*args: str) -> list[str]:
        out = run_report(two_commits, "audit", "--as-of", AS_OF, "--format", "json", *args)
        return [r["id"] for r in json.loads(out.stdout)["rows"]]

    # LT-0006 was audited on 2026-11-10 in the second commit: no longer due.
    assert due() == ["SRV-0003"]
    assert due("--at", "HEAD") == ["SRV-0003"]
    assert due("--at", "HEAD~1") == ["SRV-0003", "LT-0006"]


def test_output_goes_to_a_file(two_commits: Path, tmp_path: Path) -> None:
    target = tmp_path / "audit.md"
    result = run_report(two_commits, "audit", "--as-of", AS_OF, "--output", str(target))
    assert result.stdout == ""
    assert "audit report written to" in result.stderr
    printed = run_report(two_commits, "audit", "--as-of", AS_OF).stdout
    assert target.read_text(encoding="utf-8") == printed
    assert printed.startswith("# Audits due and overdue\n")


def test_options_that_do_not_belong(two_commits: Path) -> None:
    assert (
        "--from and --to belong"
        in run_report(two_commits, "audit", "--from", "HEAD", code=2).stderr
    )
    assert (
        "not --at"
        in run_report(
            two_commits, "movements", "--at", "HEAD", "--from", "HEAD", "--to", "HEAD", code=2
        ).stderr
    )
    assert "needs --from" in run_report(two_commits, "movements", "--to", "HEAD", code=2).stderr
    bad_day = run_report(two_commits, "movements", "--from", "2026-02-30", "--to", "HEAD", code=2)
    assert "2026-02-30 does not exist" in bad_day.stderr
    early = run_report(
        two_commits, "movements", "--from", "2020-01-01", "--to", "2020-12-31", code=2
    )
    assert "no commit on or before 2020-12-31" in early.stderr
    backwards = run_report(two_commits, "movements", "--from", "HEAD", "--to", "HEAD~1", code=2)
    assert "a period runs forward" in backwards.stderr


def test_movements_between_two_commits(two_commits: Path) -> None:
    document = movements(two_commits, "HEAD~1", "HEAD")
    assert document["as_of"] == "2026-11-15"
    assert "2026-06-01 (commit " in document["description"]
    assert [r["id"] for r in part(document, "Additions")] == ["LT-0100"]
    (added,) = part(document, "Additions")
    assert (added["currency"], added["value"], added["date"]) == ("GBP", "1500.00", "2026-10-01")
    (disposed,) = part(document, "Disposals")
    assert (disposed["id"], disposed["status"], disposed["date"]) == (
        "SRV-0006",
        "disposed",
        "2026-10-20",
    )
    # At its book value on the disposal date, as the evaluation derives it.
    then = evaluate(Layout(two_commits), dt.date(2026, 10, 20), at="HEAD~1")
    server = then.catalog.get("SRV-0006")
    assert server is not None
    assert Decimal(disposed["value"]) == then.derived(server).book_value
    assert disposed["currency"] == "EUR"
    (moved,) = part(document, "Transfers between locations")
    assert (moved["id"], moved["from_location"], moved["to_location"]) == (
        "LT-0007",
        "lon-hq-stores",
        "osl-office",
    )
    gbp, eur = ledger(document, "GBP"), ledger(document, "EUR")
    assert (gbp["Additions"]["count"], gbp["Disposals"]["count"]) == (1, 0)
    assert (eur["Additions"]["count"], eur["Disposals"]["count"]) == (0, 1)
    assert gbp["Transfers"]["count"] == 1
    assert gbp["Closing"]["count"] == gbp["Opening"]["count"] + 1
    assert Decimal(gbp["Depreciation"]["book_value"]) > 0
    assert_rolls_forward(document)


def test_movements_between_two_dates(two_commits: Path) -> None:
    by_date = movements(two_commits, "2026-06-30", "2026-11-30")
    assert by_date["as_of"] == "2026-11-30"
    assert [r["id"] for r in part(by_date, "Additions")] == ["LT-0100"]
    assert [r["id"] for r in part(by_date, "Disposals")] == ["SRV-0006"]
    assert_rolls_forward(by_date)
    # The same commits as of other days: more months of depreciation.
    by_ref = movements(two_commits, "HEAD~1", "HEAD")
    assert Decimal(ledger(by_date, "EUR")["Opening"]["book_value"]) <= Decimal(
        ledger(by_ref, "EUR")["Opening"]["book_value"]
    )
    # A start before the history: nothing was registered then.
    early = movements(two_commits, "2020-01-01", "2026-11-30")
    gbp = ledger(early, "GBP")
    assert gbp["Opening"]["count"] == 0
    assert gbp["Additions"]["count"] == gbp["Closing"]["count"] > 0
    assert "before the first commit" in early["description"]
    assert_rolls_forward(early)


def test_the_site_s_movements_are_the_year_to_date(two_commits: Path, tmp_path: Path) -> None:
    spring = evaluate(Layout(two_commits), dt.date(2027, 3, 1))
    table = REPORTS["movements"].build(spring)
    # The year began after the second commit: only depreciation moved since.
    rows = {(r.get("line"), r.get("currency")): r for r in table.rows if "line" in r}
    assert rows[("Additions", "GBP")]["count"] == 0
    assert rows[("Opening", "GBP")]["count"] == rows[("Closing", "GBP")]["count"]
    assert rows[("Depreciation", "GBP")]["book_value"] > 0
    assert "2026-12-31 (commit " in table.description
    plain = copy_registry(tmp_path / "plain", with_git=False)
    alone = REPORTS["movements"].build(evaluate(Layout(plain), dt.date(2027, 3, 1)))
    assert alone.rows == []
    assert alone.notes[0].startswith("Not available: a period's movements are read from git")


def test_html_format_is_the_site_s_report_page(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    edit(
        root,
        LT6,
        "name: ThinkPad T14 Gen 4 - Tom Fletcher",
        "name: '<script>alert(1)</script>'",
    )
    result = run_report(root, "audit", "--as-of", AS_OF, "--format", "html")
    page = result.stdout
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "Audits due and overdue" in page
    assert "SRV-0003" in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
