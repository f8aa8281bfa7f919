"""Reports read the policy in force and the evaluation's findings, never their own guesses:
lead times from every rule that runs a check, the waiver the engine applied, and where
the end of life came from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from itam.evaluation import Evaluation, evaluate
from itam.layout import Layout
from itam.reports import REPORTS
from tests.conftest import AS_OF, WAIVERS, copy_registry, edit
from tests.test_reports import ids, section

DAY = dt.date.fromisoformat(AS_OF)


def evaluation_of(root: Path) -> Evaluation:
    return evaluate(Layout(root), DAY)


def flagged(evaluation: Evaluation, check: str) -> set[str]:
    """Entities with a finding of any rule that runs ``check``."""
    runs = {r.id for r in evaluation.policy.rules if r.check == check}
    return {f.entity for f in evaluation.findings if f.entity is not None and f.rule in runs}


def add_rule(root: Path, policy: str, text: str) -> None:
    path = root / "policies" / policy
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


SERVER_WARRANTY = """\
  - id: warranty.expiring-infrastructure
    check: warranty.expiring
    severity: warning
    applies_to:
      kinds: [server, network-device, storage]
      classes: [deployed]
    params:
      within_days: 1500
    rationale: A data-centre refresh is planned years ahead.
"""


def test_each_rule_running_warranty_expiring_gives_its_own_lead_time(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    add_rule(root, "warranty.yaml", SERVER_WARRANTY)
    evaluation = evaluation_of(root)
    table = REPORTS["warranty"].build(evaluation)
    expiring = section(table, "Expiring")
    warned = flagged(evaluation, "warranty.expiring")
    assert len(warned) > len(evaluation.by_rule["warranty.expiring"])  # the new rule adds some
    assert set(ids(expiring)) == warned
    assert "within their rules' lead time (90 to 1500 days)" in table.description
    far = [r for r in expiring if r["days_left"] > 90]
    assert far
    assert all(r["rule"] == "warranty.expiring-infrastructure" for r in far)


def test_each_rule_running_eol_approaching_gives_its_own_lead_time(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    edit(root, "policies/eol.yaml", "within_days: 180", "within_days: 30")
    add_rule(
        root,
        "eol.yaml",
        """\
  - id: eol.approaching-network
    check: eol.approaching
    severity: warning
    applies_to:
      kinds: [network-device]
    params:
      within_days: 2000
    rationale: Network gear is replaced site by site.
""",
    )
    evaluation = evaluation_of(root)
    table = REPORTS["eol"].build(evaluation)
    reaching = section(table, "Reaching end of life")
    assert set(ids(reaching)) == flagged(evaluation, "eol.approaching")
    assert reaching
    assert all(r["kind"] == "network-device" for r in reaching if r["days_left"] > 30)
    assert any(r["days_left"] > 30 for r in reaching)


def test_without_the_warning_rule_the_checks_default_lead_time_stands_in(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    text = (root / "policies/warranty.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: warranty.expiring\n")
    end = text.index("  - id: warranty.expired-in-service")
    (root / "policies/warranty.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    evaluation = evaluation_of(root)
    assert "warranty.expiring" not in evaluation.by_rule
    table = REPORTS["warranty"].build(evaluation)
    assert "within 90 days" in table.description
    # Only the rule for infrastructure in service covers assets now.
    covered = {r["kind"] for title, rows in table.sections for r in rows if "id" in r}
    assert covered <= {"server", "network-device", "storage"}


def test_the_findings_report_shows_the_waiver_the_engine_applied(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    path = root / WAIVERS
    path.write_text(
        path.read_text(encoding="utf-8")
        + """\
  - rule: eol.passed-in-service
    entities: [NET-0002]
    reason: Renewed after the first approval, with the new contract.
    approved_by: EMP-1002
    expires: 2027-06-30
""",
        encoding="utf-8",
    )
    evaluation = evaluation_of(root)
    (finding,) = [f for f in evaluation.by_rule["eol.passed-in-service"] if f.entity == "NET-0002"]
    assert finding.waiver is not None
    assert "EMP-1002" in finding.waiver
    waived = section(REPORTS["findings"].build(evaluation), "Waived")
    (row,) = [r for r in waived if r["entity"] == "NET-0002"]
    assert row["approved_by"] == "EMP-1002"
    assert row["reason"] == "Renewed after the first approval, with the new contract."
    assert row["expires"] == "2027-06-30"


def test_an_unreadable_own_end_of_life_falls_back_to_the_models_everywhere(
    tmp_path: Path,
) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    rel = "registry/hardware/network/NET-0002.yaml"
    text = (root / rel).read_text(encoding="utf-8")
    (root / rel).write_text(text + "end_of_life: 2026-02-30\n", encoding="utf-8")
    evaluation = evaluation_of(root)
    switch = evaluation.entity("NET-0002")
    assert switch is not None
    derived = evaluation.derived(switch)
    assert derived.end_of_life is not None
    assert derived.end_of_life_source == "model"
    (finding,) = [f for f in evaluation.by_rule["eol.passed-in-service"] if f.entity == "NET-0002"]
    assert finding.path == "/model"
    assert "its own end_of_life" not in finding.message
    past = section(REPORTS["eol"].build(evaluation), "Past end of life")
    (row,) = [r for r in past if r["id"] == "NET-0002"]
    assert row["source"] == "model"


def test_a_rule_under_an_id_of_its_own_is_named_in_the_finding_column(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    add_rule(
        root,
        "warranty.yaml",
        """\
  - id: desk.cover-ended
    check: warranty.expired-in-service
    severity: warning
    applies_to:
      kinds: [desktop]
      classes: [deployed]
    rationale: Desktops out of cover are replaced at the next refresh.
""",
    )
    evaluation = evaluation_of(root)
    expired = section(REPORTS["warranty"].build(evaluation), "Expired")
    desktops = [r for r in expired if r["kind"] == "desktop"]
    assert desktops
    assert all(r["rule"] == "desk.cover-ended" for r in desktops)
