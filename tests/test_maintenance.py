"""Preventive maintenance on the schedules of policies/maintenance.yaml.

Types select assets with the audit selector (kinds, models, criticality,
locations...); the next job of a type is due its interval after the latest
record of that type, else after the purchase date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from itam import yamlsafe
from itam.derive import derive
from itam.entities import Entity
from itam.evaluation import evaluate
from itam.layout import Layout
from itam.policy.model import MaintenanceType, Place
from tests.conftest import AS_OF, PROJECT, copy_registry, edit, findings, run_itam

UPS = "registry/hardware/peripherals/PER-0004.yaml"
SWITCH = "registry/hardware/network/NET-0001.yaml"


def _line_of(root: Path, rel: str, text: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_ups_past_its_interval_is_overdue_at_its_record(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    edit(
        root,
        UPS,
        "{date: 2026-06-01, type: ups-battery-check",
        "{date: 2026-04-01, type: ups-battery-check",
    )
    result = run_itam("validate", "--root", root, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1, str(result)
    [overdue] = findings(result, "maintenance.overdue")
    assert overdue["severity"] == "error"
    assert overdue["entity"] == "PER-0004"
    assert overdue["file"] == UPS
    assert overdue["line"] == _line_of(root, UPS, "type: ups-battery-check")
    assert overdue["path"] == "/maintenance/1"
    assert overdue["message"] == (
        "ups-battery-check was due on 2026-09-30, 53 days ago (grace 14 days); "
        "last done 2026-04-01, due every 182 days"
    )


def test_a_switch_past_its_interval_is_overdue_at_its_latest_review() -> None:
    # NET-0001 is critical: firmware-review every 91 days, last 2026-10-06, due 2027-01-05.
    before = evaluate(Layout(PROJECT), dt.date(2027, 1, 19))
    after = evaluate(Layout(PROJECT), dt.date(2027, 1, 20))
    assert [f.rule for f in before.findings_of("NET-0001") if f.rule.startswith("maint")] == [
        "maintenance.due"
    ]
    [overdue] = [f for f in after.findings_of("NET-0001") if f.rule == "maintenance.overdue"]
    assert overdue.file == SWITCH
    assert overdue.line == _line_of(PROJECT, SWITCH, "2026-10-06, type: firmware-review")
    assert overdue.path == "/maintenance/1"
    assert "firmware-review was due on 2027-01-05, 15 days ago" in overdue.message


def test_an_asset_never_serviced_is_overdue_at_the_entity(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    path = root / UPS
    text = path.read_text(encoding="utf-8")
    text = text[: text.index("purchase:")] + text[text.index("audits:") :]
    # The one battery check becomes a job of another type: none of this type is left.
    text = text.replace("type: ups-battery-check", "type: printer-service")
    path.write_text(text, encoding="utf-8")
    result = run_itam("validate", "--root", root, "--as-of", AS_OF, "--format", "json")
    [overdue] = findings(result, "maintenance.overdue", "PER-0004")
    assert overdue["path"] == "/maintenance"
    assert "has never been recorded and there is no purchase date" in overdue["message"]


def test_the_bundled_registry_has_a_few_jobs_due_and_none_overdue() -> None:
    evaluation = evaluate(Layout(PROJECT), dt.date.fromisoformat(AS_OF))
    due = {str(f.entity): f.message for f in evaluation.by_rule["maintenance.due"]}
    assert sorted(due) == ["NET-0004", "PER-0004"]
    assert due["PER-0004"].startswith("ups-battery-check is due on 2026-11-30 (in 8 days)")
    assert "maintenance.overdue" not in evaluation.by_rule
    assert "maintenance.unknown-type" not in evaluation.by_rule


def test_next_maintenance_is_the_soonest_type() -> None:
    evaluation = evaluate(Layout(PROJECT), dt.date.fromisoformat(AS_OF))
    # NET-0005: critical firewall in the data centre, two schedules.
    firewall = evaluation.entity("NET-0005")
    assert firewall is not None
    derived = evaluation.derived(firewall)
    assert [(m.schedule.name, m.interval_days, str(m.due)) for m in derived.maintenance] == [
        ("firmware-review", 91, "2027-01-05"),
        ("rack-inspection", 365, "2027-03-10"),
    ]
    assert derived.next_maintenance is derived.maintenance[0]
    laptop = evaluation.entity("LT-0001")
    assert laptop is not None
    assert evaluation.derived(laptop).next_maintenance is None


@pytest.mark.parametrize(
    ("entity_id", "expected"),
    [
        ("PER-0004", {"ups-battery-check": 182}),  # by model
        ("PER-0003", {"printer-service": 365}),  # by model
        ("NET-0001", {"firmware-review": 91}),  # network, critical
        ("NET-0002", {"firmware-review": 182}),  # network, high
        ("STO-0002", {"firmware-review": 182}),  # storage
        # In fra-dc1-r12, inside fra-dc1: a location includes what is inside it.
        ("SRV-0002", {"rack-inspection": 365}),
        ("SRV-0004", {}),  # a server in London: no rack inspection
        ("PER-0001", {}),  # a monitor
    ],
)
def test_schedules_select_by_kind_model_criticality_and_location(
    entity_id: str, expected: dict[str, int]
) -> None:
    evaluation = evaluate(Layout(PROJECT), dt.date.fromisoformat(AS_OF))
    entity = evaluation.entity(entity_id)
    assert entity is not None
    schedules = evaluation.context.maintenance_schedules(entity)
    assert {schedule.name: days for schedule, days in schedules} == expected


def _entity(text: str) -> Entity:
    doc = yamlsafe.load(text.encode("utf-8"), "registry/x.yaml")
    assert doc.data is not None
    return Entity(doc, doc.data)


CHECK = MaintenanceType("check", "", (), 14, Place("policies/x.yaml"))
OTHER = MaintenanceType("other", "", (), 14, Place("policies/x.yaml"))


def test_only_records_of_the_type_count_and_the_latest_wins() -> None:
    entity = _entity(
        "id: X\nkind: peripheral\npurchase: {date: 2024-01-01}\nmaintenance:\n"
        "  - {date: 2026-05-01, type: check}\n"
        "  - {date: 2026-09-01, description: a repair}\n"
        "  - {date: 2026-03-01, type: check}\n"
        "  - {date: 2026-10-01, type: other}\n"
        "  - {date: 2026-02-30, type: other}\n"
    )
    derived = derive(entity, dt.date(2026, 11, 22), schedules=((CHECK, 100), (OTHER, 30)))
    check, other = sorted(derived.maintenance, key=lambda m: m.schedule.name)
    assert (str(check.last), check.record, str(check.due)) == ("2026-05-01", 0, "2026-08-09")
    # An impossible date is no job.
    assert (str(other.last), other.record, str(other.due)) == ("2026-10-01", 3, "2026-10-31")
    assert derived.next_maintenance is check


def test_without_a_job_the_purchase_date_counts_and_without_either_nothing_is_known() -> None:
    bought = _entity("id: X\nkind: peripheral\npurchase: {date: 2026-08-01}\n")
    [item] = derive(bought, dt.date(2026, 11, 22), schedules=((CHECK, 182),)).maintenance
    assert (item.last, str(item.due)) == (None, "2027-01-30")
    unknown = _entity("id: X\nkind: peripheral\nmaintenance: not a list\n")
    derived = derive(unknown, dt.date(2026, 11, 22), schedules=((CHECK, 182), (OTHER, 7)))
    assert [m.due for m in derived.maintenance] == [None, None]


def test_a_type_may_set_its_own_grace(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    edit(
        root,
        "policies/maintenance.yaml",
        "    ups-battery-check:\n",
        "    ups-battery-check:\n      grace_days: 0\n",
    )
    # Due 2026-11-30: with no grace it is overdue from 2026-12-01.
    on_the_day = run_itam("validate", "--root", root, "--as-of", "2026-11-30", "--format", "json")
    assert findings(on_the_day, "maintenance.due", "PER-0004")
    day_after = run_itam("validate", "--root", root, "--as-of", "2026-12-01", "--format", "json")
    [overdue] = findings(day_after, "maintenance.overdue", "PER-0004")
    assert "(grace 0 days)" in overdue["message"]


@pytest.mark.parametrize(
    ("old", "new", "message", "at"),
    [
        (
            "        - when: {models: [apc-smart-ups-srt3000rmxli]}\n",
            "        - when: {kinds: [ups]}\n",
            "unknown kind 'ups'",
            None,
        ),
        # A bad name is reported where the names are listed.
        ("    printer-service:\n", "    Printer_Service:\n", "lower case with hyphens", "  types:"),
        ("          days: 91\n", "          days: 0\n", "minimum", None),
        (
            "        - when: {models: [apc-smart-ups-srt3000rmxli]}\n",
            "        - when: {model: [apc-smart-ups-srt3000rmxli]}\n",
            "did you mean 'models'",
            None,
        ),
    ],
)
def test_mistakes_in_the_schedules_are_exit_2_with_file_and_line(
    old: str, new: str, message: str, at: str | None, tmp_path: Path
) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    rel = "policies/maintenance.yaml"
    line = edit(root, rel, old, new)
    if at is not None:
        line = _line_of(root, rel, at)
    result = run_itam("validate", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 2, str(result)
    assert message in result.stderr
    assert f"{rel}:{line}:" in result.stderr


def test_maintenance_rules_without_types_are_exit_2(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    path = root / "policies" / "maintenance.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[text.index("rules:") :], encoding="utf-8")
    result = run_itam("validate", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 2, str(result)
    assert "needs maintenance types" in result.stderr


def test_a_record_type_must_be_written_as_a_type_name(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    edit(root, UPS, "type: ups-battery-check", "type: UPS Battery Check")
    result = run_itam("validate", "--root", root, "--as-of", AS_OF, "--format", "json")
    rules = {f["rule"] for f in findings(result, entity="PER-0004")}
    assert {"schema.pattern", "maintenance.unknown-type"} <= rules


def test_show_gives_the_next_maintenance() -> None:
    result = run_itam("show", "NET-0005", "--root", PROJECT, "--as-of", AS_OF, "--format", "json")
    derived = result.json()["derived"]
    assert derived["next_maintenance"] == {
        "type": "firmware-review",
        "due": "2027-01-05",
        "last": "2026-10-06",
        "interval_days": 91,
    }
    assert [m["type"] for m in derived["maintenance"]] == ["firmware-review", "rack-inspection"]
    text = run_itam("show", "NET-0005", "--root", PROJECT, "--as-of", AS_OF).stdout
    assert (
        "  next maintenance: 2027-01-05  (firmware-review every 91 days; last done 2026-10-06)\n"
        "  maintenance due:  2027-03-10  (rack-inspection every 365 days; last done 2026-03-10)\n"
    ) in text


def test_explain_lists_the_types_and_their_intervals() -> None:
    out = run_itam("policy", "explain", "maintenance.due", "--root", PROJECT).stdout
    assert "ups-battery-check (grace 14 days)" in out
    assert "models: apc-smart-ups-srt3000rmxli: every 182 days" in out
    assert "kinds: network-device, storage; criticality: critical: every 91 days" in out
