"""Acceptance scenarios of the policy engine, each on a fresh copy of the
bundled registry. Files are edited as text, the way a person would in a pull
request, never loaded and re-dumped."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from tests.conftest import LT1, LT18, WAIVERS, Result, Validate, edit, run_itam

LIC2 = "registry/software/LIC-0002.yaml"


def line_of(root: Path, rel: str, pattern: str) -> int:
    """The line of the only line of ``rel`` that matches ``pattern`` (a regex)."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, 1) if re.search(pattern, line)]
    assert len(hits) == 1, f"{pattern!r} matches lines {hits} of {rel}"
    return hits[0]


def errors(
    result: Result, rule: str | None = None, file: str | None = None
) -> list[dict[str, Any]]:
    return [
        f
        for f in result.json()["findings"]
        if f["severity"] == "error"
        and "waiver" not in f
        and (rule is None or f["rule"] == rule or f["rule"].startswith(rule + "."))
        and (file is None or f["file"] == file)
    ]


def only_error(result: Result, rule: str, file: str) -> dict[str, Any]:
    found = errors(result, rule, file)
    assert len(found) == 1, f"{rule} on {file}:\n{result.stdout}"
    assert found[0]["line"] is not None, found[0]
    assert found[0]["column"] is not None, found[0]
    return found[0]


# -- (a) the bundled registry, now and in 2031 ----------------------------------------------------
def test_a_bundled_registry_is_clean_today(registry: Path, validate: Validate) -> None:
    result = validate(registry, "--format", "json")
    assert result.exit_code == 0, str(result)
    assert result.json()["summary"]["error"] == 0
    assert not errors(result)


def test_a_bundled_registry_fails_in_2031(registry: Path) -> None:
    result = run_itam("validate", "--root", registry, "--as-of", "2031-06-30", "--format", "json")
    assert result.exit_code == 1, str(result)
    assert result.json()["as_of"] == "2031-06-30"
    for family in ("warranty", "audit", "eol"):
        found = errors(result, family)
        assert found, f"no {family}.* error as of 2031-06-30"
        for finding in found:
            assert finding["file"].startswith("registry/"), finding
            assert finding["line"] is not None, finding
            assert finding["entity"], finding
    # The particular rules that time alone breaks.
    rules = {f["rule"] for f in errors(result)}
    assert {"warranty.expired-in-service", "audit.overdue", "eol.passed-in-service"} <= rules
    # The waiver ran out in 2027: it is a finding, and the switch it covered is an error again.
    assert errors(result, "waiver.expired", WAIVERS)
    assert errors(result, "eol.passed-in-service", "registry/hardware/network/NET-0002.yaml")


def test_a_eol_finding_points_at_the_model_line(registry: Path) -> None:
    result = run_itam("validate", "--root", registry, "--as-of", "2031-06-30", "--format", "json")
    net2 = "registry/hardware/network/NET-0002.yaml"
    [eol] = errors(result, "eol.passed-in-service", net2)
    assert eol["line"] == line_of(registry, net2, r"^model:")


# -- (b) a deployed asset marked disposed, nothing else changed -----------------------------------
def test_b_disposed_without_evidence(registry: Path, validate: Validate) -> None:
    line = edit(registry, LT1, "status: deployed\n", "status: disposed\n")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    required = errors(result, "lifecycle.required-fields", LT1)
    missing = " ".join(f["message"] for f in required)
    for field in ("retirement.date", "disposal.date", "disposal.method", "disposal.vendor"):
        assert field in missing, missing
    disposal = errors(result, "disposal", LT1)
    assert {f["rule"] for f in disposal} >= {"disposal.evidence", "disposal.after-retirement"}
    # No disposal or retirement block exists: every finding points at the status line.
    for finding in required + disposal:
        assert finding["line"] == line, finding
        assert finding["entity"] == "LT-0001"
    # Only this file is affected.
    assert {f["file"] for f in errors(result)} == {LT1}


def test_b_disposed_laptop_no_longer_needs_protection(registry: Path, validate: Validate) -> None:
    # Rules for deployed laptops and for audits stop applying once it is disposed.
    edit(registry, LT1, "status: deployed\n", "status: disposed\n")
    rules = {
        f["rule"]
        for f in validate(registry, "--format", "json").json()["findings"]
        if f["file"] == LT1
    }
    assert not rules & {"security.endpoint-protected", "audit.due", "audit.overdue"}


# -- (c) one entity more than the license has seats -----------------------------------------------
def test_c_license_over_its_seats(registry: Path, validate: Validate) -> None:
    # LIC-0002 has 3 seats, held by EMP-1002, EMP-1005 and EMP-1008.
    assert line_of(registry, LIC2, r"^seats: 3$")
    before = validate(registry, "--format", "json")
    assert not errors(before, "license.seats")
    edit(
        registry,
        "registry/people/EMP-1001.yaml",
        "licenses: [SUB-0001]",
        "licenses: [SUB-0001, LIC-0002]",
    )
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    finding = only_error(result, "license.seats", LIC2)
    assert finding["line"] == line_of(registry, LIC2, r"^seats:")
    assert finding["entity"] == "LIC-0002"
    assert finding["path"] == "/seats"
    assert "4" in finding["message"]
    assert "3" in finding["message"]
    assert "EMP-1001" in finding["message"]
    # The finding is on the license, not on the person who took the extra seat.
    assert not errors(result, "license.seats", "registry/people/EMP-1001.yaml")


def test_c_a_retired_asset_gives_its_seat_back(registry: Path, validate: Validate) -> None:
    # LIC-0003 (2 seats) is held by SRV-0003; SRV-0001 and SRV-0006 (retired) take one each.
    edit(
        registry,
        "registry/hardware/servers/SRV-0001.yaml",
        "\naudits:",
        "\nlicenses: [LIC-0003]\naudits:",
    )
    six = registry / "registry/hardware/servers/SRV-0006.yaml"
    six.write_text(six.read_text("utf-8") + "licenses: [LIC-0003]\n", encoding="utf-8")
    result = validate(registry, "--format", "json")
    assert not errors(result, "license.seats"), result.stdout


# -- (d) an audit pushed 500 days back ------------------------------------------------------------
def test_d_audit_500_days_back(registry: Path, validate: Validate) -> None:
    # LT-0018 has a single audit, on 2026-02-11.
    old = dt.date(2026, 2, 11)
    new = old - dt.timedelta(days=500)
    audits = line_of(registry, LT18, r"^audits:")
    line = edit(registry, LT18, f"date: {old.isoformat()}", f"date: {new.isoformat()}")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    finding = only_error(result, "audit.overdue", LT18)
    assert audits <= finding["line"] <= line, (finding, audits, line)
    assert finding["entity"] == "LT-0018"
    assert new.isoformat() in finding["message"]
    assert {f["file"] for f in errors(result)} == {LT18}


def test_d_audit_moved_into_the_grace_period_warns(registry: Path, validate: Validate) -> None:
    # Due 365 days after the audit; 2026-11-22 - 380 days puts it 15 days into the grace.
    new = dt.date(2026, 11, 22) - dt.timedelta(days=380)
    edit(registry, LT18, "date: 2026-02-11", f"date: {new.isoformat()}")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 0, str(result)
    due = [f for f in result.json()["findings"] if f["file"] == LT18 and f["rule"] == "audit.due"]
    assert len(due) == 1
    assert due[0]["severity"] == "warning"


# -- (e) the waiver's expiry in the past ----------------------------------------------------------
def test_e_expired_waiver(registry: Path, validate: Validate) -> None:
    start = line_of(registry, WAIVERS, r"- rule: eol\.passed-in-service")
    end = edit(registry, WAIVERS, "expires: 2027-03-31", "expires: 2026-11-21")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    finding = only_error(result, "waiver.expired", WAIVERS)
    assert start <= finding["line"] <= end, (finding, start, end)
    assert "2026-11-21" in finding["message"]
    # The switch it covered is an error again, unwaived.
    net2 = "registry/hardware/network/NET-0002.yaml"
    assert only_error(result, "eol.passed-in-service", net2)
    assert {f["rule"] for f in errors(result)} == {"waiver.expired", "eol.passed-in-service"}


def test_e_waiver_expiring_today_still_holds(registry: Path, validate: Validate) -> None:
    edit(registry, WAIVERS, "expires: 2027-03-31", "expires: 2026-11-22")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 0, str(result)
    assert not errors(result)


# -- a conditional rule ----------------------------------------------------------------------------
def test_laptop_encryption_switched_off(registry: Path, validate: Validate) -> None:
    line = edit(registry, LT1, "encryption: {enabled: true,", "encryption: {enabled: false,")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    finding = only_error(result, "security.endpoint-protected", LT1)
    assert finding["line"] == line
    assert finding["path"] == "/encryption/enabled"
    assert "encrypted" in finding["message"]


def test_conditional_message_speaks_yaml(registry: Path, validate: Validate) -> None:
    edit(registry, LT1, "encryption: {enabled: true,", "encryption: {enabled: false,")
    result = validate(registry, "--format", "json")
    message = only_error(result, "security.endpoint-protected", LT1)["message"]
    assert "True" not in message
    assert "False" not in message
    assert "true" in message
