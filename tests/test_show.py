"""`itam show ID`: derived values and findings of one entity, as of a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import PROJECT, run_itam


def show(*args: str, exit_code: int = 0) -> dict[str, object]:
    result = run_itam("show", *args, "--root", PROJECT, "--format", "json")
    assert result.exit_code == exit_code, str(result)
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
            "file": "registry/hardware/servers/SRV-0002.yaml",
            "line": 32,
            "column": 1,
            "path": "/warranty",
            "message": "the warranty ends on 2027-01-15, in 54 days "
            "(from warranty.start + warranty.months)",
            "waiver": None,
        }
    ]
    after = show("SRV-0002", "--as-of", "2027-02-01", exit_code=1)["findings"]
    assert isinstance(after, list)
    rules = {f["rule"] for f in after}
    assert rules == {"warranty.expired-in-service", "audit.due"}


def test_book_value_is_straight_line_to_the_salvage_value() -> None:
    # Judged years before or after its time, the server has errors: exit 1.
    early = show("SRV-0002", "--as-of", "2022-07-10", exit_code=1)["derived"]
    late = show("SRV-0002", "--as-of", "2031-01-01", exit_code=1)["derived"]
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


def test_show_exits_1_when_the_entity_has_an_error_and_0_on_warnings() -> None:
    assert show("SRV-0002", "--as-of", "2026-11-22", exit_code=0)["failed"] is False
    assert show("SRV-0002", "--as-of", "2031-06-30", exit_code=1)["failed"] is True


def test_show_and_validate_agree_on_every_entity_with_findings(tmp_path: Path) -> None:
    # One evaluation feeds both: the findings validate reports on an entity are
    # exactly those show reports, and show's derived values are the evaluation's.
    from itam.evaluation import evaluate
    from itam.layout import Layout
    from itam.show import derived_dict

    as_of = "2031-06-30"
    report = run_itam("validate", "--root", PROJECT, "--as-of", as_of, "--format", "json")
    by_entity: dict[str, list[tuple[object, ...]]] = {}
    for f in report.json()["findings"]:
        if f["entity"]:
            row = (f["rule"], f["severity"], f["line"], f["path"], f["message"])
            by_entity.setdefault(f["entity"], []).append(row)
    assert len(by_entity) > 20
    evaluation = evaluate(Layout(PROJECT), dt.date.fromisoformat(as_of))
    # Every fourth entity with findings through the CLI (each call evaluates anew).
    for entity_id in sorted(by_entity)[::4]:
        result = run_itam(
            "show", entity_id, "--root", PROJECT, "--as-of", as_of, "--format", "json"
        )
        info = result.json()
        shown = [
            (f["rule"], f["severity"], f["line"], f["path"], f["message"]) for f in info["findings"]
        ]
        assert shown == by_entity[entity_id], entity_id
        entity = evaluation.entity(entity_id)
        assert entity is not None
        assert info["derived"] == derived_dict(evaluation.derived(entity)), entity_id
