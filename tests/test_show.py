"""`itam show ID`: derived values and findings of one entity, as of a date."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PROJECT, run_itam


def show(*args: str) -> dict[str, object]:
    result = run_itam("show", *args, "--root", PROJECT, "--format", "json")
    assert result.exit_code == 0, str(result)
    info = result.json()
    assert isinstance(info, dict)
    return info


def test_derived_values_of_a_server_as_of_two_dates() -> None:
    # SRV-0002: warranty.start 2022-01-15 + 60 months; audited 2026-08-20, every 180 days.
    before = show("SRV-0002", "--as-of", "2026-11-22")
    derived = before["derived"]
    assert isinstance(derived, dict)
    assert derived["warranty_end"] == "2027-01-15"
    assert derived["next_audit_due"] == "2027-02-16"
    assert derived["audit_interval_days"] == 180
    assert before["findings"] == [
        {
            "rule": "warranty.expiring",
            "severity": "warning",
            "line": 32,
            "message": "the warranty ends on 2027-01-15, in 54 days "
            "(from warranty.start + warranty.months)",
            "waiver": None,
        }
    ]
    after = show("SRV-0002", "--as-of", "2027-02-01")["findings"]
    assert isinstance(after, list)
    rules = {f["rule"] for f in after}
    assert rules == {"warranty.expired-in-service", "audit.due"}


def test_book_value_is_straight_line_to_the_salvage_value() -> None:
    early = show("SRV-0002", "--as-of", "2022-07-10")["derived"]
    late = show("SRV-0002", "--as-of", "2031-01-01")["derived"]
    assert isinstance(early, dict)
    assert isinstance(late, dict)
    assert early["depreciation"] == {"months": 60, "salvage_percent": 10.0}
    assert float(early["book_value"]) > float(late["book_value"])
    # Fully depreciated after 60 months: the 10% salvage value remains.
    purchase = PROJECT / "registry/hardware/servers/SRV-0002.yaml"
    amount = float(purchase.read_text().split("amount: ")[1].split(",")[0])
    assert float(late["book_value"]) == round(amount * 0.10, 2)


def test_a_waived_finding_is_shown_as_waived() -> None:
    findings = show("NET-0002", "--as-of", "2026-11-22")["findings"]
    assert isinstance(findings, list)
    assert [f["rule"] for f in findings if f["waiver"]] == ["eol.passed-in-service"]


def test_text_output_and_unknown_ids(tmp_path: Path) -> None:
    text = run_itam("show", "LT-0001", "--root", PROJECT, "--as-of", "2026-11-22")
    assert text.exit_code == 0, str(text)
    assert "next audit due:  2027-03-18  (every 365 days)" in text.stdout
    assert "findings:        none" in text.stdout
    missing = run_itam("show", "LT-001", "--root", PROJECT)
    assert missing.exit_code == 2
    assert "no entity with id 'LT-001'" in missing.stderr
    assert "Traceback" not in missing.stderr
