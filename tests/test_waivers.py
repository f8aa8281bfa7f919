"""Waivers: approved exceptions with an expiry date. A waived finding is still
reported, marked, and does not fail the run; an expired waiver, one that
matches nothing, or one approved by nobody known is a finding itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import WAIVERS, Result, findings, run_itam


def at(root: Path, as_of: str) -> Result:
    return run_itam("validate", "--root", root, "--as-of", as_of, "--format", "json")


def line_of(path: Path, needle: str) -> int:
    hits = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits} of {path}"
    return hits[0]


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_waiver(root: Path, body: str, file: str = WAIVERS) -> int:
    """Append a waiver (YAML list item text) to ``file``; return its first line."""
    path = root / file
    text = path.read_text(encoding="utf-8") if path.exists() else "waivers:\n"
    first = len(text.splitlines()) + 1
    path.write_text(text + body, encoding="utf-8")
    return first


# -- the bundled waiver ------------------------------------------------------------------------
def test_bundled_waiver_is_active(registry: Path, validate: Callable[..., Result]) -> None:
    result = validate(registry, "--format", "json")
    assert result.exit_code == 0, str(result)
    [eol] = findings(result, "eol.passed-in-service", "NET-0002")
    assert eol["severity"] == "error"
    assert eol["file"] == "registry/hardware/network/NET-0002.yaml"
    assert "EMP-1001" in eol["waiver"]
    assert "2027-03-31" in eol["waiver"]
    assert result.json()["summary"]["error"] == 0
    assert not [f for f in result.json()["findings"] if f["rule"].startswith("waiver.")]


def test_waived_finding_is_marked_in_text(registry: Path, validate: Callable[..., Result]) -> None:
    result = validate(registry)
    assert result.exit_code == 0, str(result)
    [line] = [x for x in result.stdout.splitlines() if "eol.passed-in-service" in x]
    assert "NET-0002" in line
    assert "waived" in line


def test_waiver_is_active_on_its_expiry_day(registry: Path) -> None:
    result = at(registry, "2027-03-31")
    [eol] = findings(result, "eol.passed-in-service", "NET-0002")
    assert "waiver" in eol
    assert not findings(result, "waiver.expired")


def test_expired_waiver_is_an_error_and_waives_nothing(registry: Path) -> None:
    result = at(registry, "2027-04-01")
    assert result.exit_code == 1, str(result)
    [expired] = findings(result, "waiver.expired")
    assert expired["severity"] == "error"
    assert expired["file"] == WAIVERS
    assert expired["line"] == line_of(registry / WAIVERS, "- rule: eol.passed-in-service")
    assert "NET-0002" in expired["message"]
    assert "2027-03-31" in expired["message"]
    [eol] = findings(result, "eol.passed-in-service", "NET-0002")
    assert "waiver" not in eol
    assert eol["severity"] == "error"


def test_waiver_covers_only_its_rule(registry: Path) -> None:
    # As of 2027-03-31 NET-0002's audit (due 2027-03-08) is in its grace period: not waived.
    result = at(registry, "2027-03-31")
    [audit] = findings(result, "audit.due", "NET-0002")
    assert "waiver" not in audit
    assert "waiver" in findings(result, "eol.passed-in-service", "NET-0002")[0]


# -- waivers that match nothing -----------------------------------------------------------------
def test_waiver_matching_nothing_is_unused(registry: Path, validate: Callable[..., Result]) -> None:
    line = add_waiver(
        registry,
        "  - rule: warranty.expired-in-service\n"
        "    entities: [LT-0001]\n"
        "    reason: Laptops are not checked for this at all.\n"
        "    approved_by: EMP-1001\n"
        "    expires: 2027-12-31\n",
    )
    result = validate(registry, "--format", "json")
    assert result.exit_code == 0, str(result)
    [unused] = findings(result, "waiver.unused")
    assert unused["severity"] == "warning"
    assert (unused["file"], unused["line"]) == (WAIVERS, line)
    assert "LT-0001" in unused["message"]


def test_waiver_for_an_unknown_entity_is_unused(
    registry: Path, validate: Callable[..., Result]
) -> None:
    line = add_waiver(
        registry,
        "  - rule: eol.passed-in-service\n"
        "    entities: [NET-9999]\n"
        "    reason: A switch that does not exist.\n"
        "    approved_by: EMP-1001\n"
        "    expires: 2027-12-31\n",
    )
    result = validate(registry, "--format", "json")
    [unused] = findings(result, "waiver.unused")
    assert (unused["file"], unused["line"]) == (WAIVERS, line)
    assert "NET-9999" in unused["message"]


def test_partly_used_waiver_names_the_idle_entities(
    registry: Path, validate: Callable[..., Result]
) -> None:
    replace_once(registry / WAIVERS, "entities: [NET-0002]", "entities: [NET-0002, NET-0001]")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 0, str(result)
    [eol] = findings(result, "eol.passed-in-service", "NET-0002")
    assert "waiver" in eol
    [unused] = findings(result, "waiver.unused")
    assert "NET-0001" in unused["message"]
    assert "NET-0002" not in unused["message"]
    assert unused["line"] == line_of(registry / WAIVERS, "- rule: eol.passed-in-service")


def test_waiver_in_another_policy_file(registry: Path, validate: Callable[..., Result]) -> None:
    line = add_waiver(
        registry,
        "  - rule: audit.overdue\n"
        "    entities: [LT-0001]\n"
        "    reason: Audited by the Berlin team, record to follow.\n"
        "    approved_by: EMP-1010\n"
        "    expires: 2027-01-31\n",
        file="policies/more-waivers.yaml",
    )
    result = validate(registry, "--format", "json")
    [unused] = findings(result, "waiver.unused")
    assert (unused["file"], unused["line"]) == ("policies/more-waivers.yaml", line)


# -- approvers --------------------------------------------------------------------------------
def test_approver_must_be_a_person(registry: Path, validate: Callable[..., Result]) -> None:
    replace_once(registry / WAIVERS, "approved_by: EMP-1001", "approved_by: lon-hq")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    [approver] = findings(result, "waiver.approver")
    assert approver["severity"] == "error"
    assert approver["file"] == WAIVERS
    assert approver["line"] == line_of(registry / WAIVERS, "- rule: eol.passed-in-service")
    assert "lon-hq" in approver["message"]


def test_approver_must_exist(registry: Path, validate: Callable[..., Result]) -> None:
    replace_once(registry / WAIVERS, "approved_by: EMP-1001", "approved_by: EMP-9999")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    [approver] = findings(result, "waiver.approver")
    assert "EMP-9999" in approver["message"]


# -- waivers of other kinds of findings ---------------------------------------------------------
def test_waiver_covers_integrity_findings_too(
    registry: Path, validate: Callable[..., Result]
) -> None:
    replace_once(
        registry / "registry/hardware/laptops/LT-0001.yaml", "owner: EMP-1001", "owner: EMP-0999"
    )
    broken = validate(registry, "--format", "json")
    assert broken.exit_code == 1, str(broken)
    [reference] = [f for f in broken.json()["findings"] if f["entity"] == "LT-0001"]
    add_waiver(
        registry,
        f"  - rule: {reference['rule']}\n"
        "    entities: [LT-0001]\n"
        "    reason: The new starter's HR record is created next week.\n"
        "    approved_by: EMP-1001\n"
        "    expires: 2026-12-01\n",
    )
    waived = validate(registry, "--format", "json")
    assert waived.exit_code == 0, str(waived)
    [again] = findings(waived, reference["rule"], "LT-0001")
    assert "waiver" in again
    assert not findings(waived, "waiver.unused")


def test_renewed_waiver_beside_the_expired_one(registry: Path) -> None:
    # Renewing by adding a new waiver covers the finding, but the old one must go.
    add_waiver(
        registry,
        "  - rule: eol.passed-in-service\n"
        "    entities: [NET-0002]\n"
        "    reason: Replacement delayed to June.\n"
        "    approved_by: EMP-1001\n"
        "    expires: 2027-06-30\n",
    )
    result = at(registry, "2027-04-01")
    [eol] = findings(result, "eol.passed-in-service", "NET-0002")
    assert "2027-06-30" in eol["waiver"]
    [expired] = findings(result, "waiver.expired")
    text = (registry / WAIVERS).read_text("utf-8").splitlines()
    starts = [n for n, line in enumerate(text, 1) if "- rule: eol.passed-in-service" in line]
    assert expired["line"] == starts[0]
