"""A broken policy file stops the run with exit 2 and one line that names the
file and the line of the mistake: a misspelt parameter would otherwise pass
everything silently."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import LT1, Result, edit, run_itam


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit the text of ``path``: ``old`` must occur exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the only line of ``path`` that contains ``needle``."""
    hits = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits} of {path}"
    return hits[0]


@dataclass(frozen=True)
class Breakage:
    """One way to break a policy file."""

    name: str
    file: str  # in policies/
    old: str | None  # replaced by ``new``; None: ``new`` is the whole (new) file
    new: str
    at: str  # text on the line the error must name
    says: tuple[str, ...] = ()  # fragments the message must contain


BREAKAGES = [
    Breakage(
        "param-typo",
        "audit.yaml",
        "      within_days: 30\n",
        "      within_dayz: 30\n",
        "within_dayz",
        ("audit.due", "within_dayz", "did you mean 'within_days'"),
    ),
    Breakage(
        "param-text-for-number",
        "audit.yaml",
        "      within_days: 30\n",
        "      within_days: thirty\n",
        "within_days: thirty",
        ("audit.due", "within_days"),
    ),
    Breakage(
        "param-quoted-number",
        "eol.yaml",
        "      within_days: 180\n",
        "      within_days: '180'\n",
        "within_days: '180'",
        ("eol.approaching", "within_days"),
    ),
    Breakage(
        "param-below-minimum",
        "warranty.yaml",
        "      within_days: 90\n",
        "      within_days: -5\n",
        "within_days: -5",
        ("warranty.expiring", "within_days"),
    ),
    Breakage(
        "param-text-for-list",
        "disposal.yaml",
        "      storage_kinds: [laptop, desktop, server, mobile-device, storage]\n",
        "      storage_kinds: laptop\n",
        "storage_kinds: laptop",
        ("disposal.evidence", "storage_kinds"),
    ),
    Breakage(
        "param-yes-for-boolean",
        "licenses.yaml",
        "    rationale: Using more seats than bought is a compliance breach and a true-up bill.\n",
        "    rationale: Using more seats than bought is a compliance breach.\n"
        "    params: {count_archived: yes}\n",
        "count_archived",
        ("license.seats", "count_archived"),
    ),
    Breakage(
        "params-for-a-check-without-params",
        "eol.yaml",
        "    rationale: Past end of life",
        "    params: {within_days: 10}\n    rationale: Past end of life",
        "params: {within_days: 10}",
        ("eol.passed-in-service", "within_days"),
    ),
    Breakage(
        "conditional-without-message",
        "security.yaml",
        "    params:\n      message: deployed phones and tablets must be enrolled in device"
        " management\n",
        "    params:  # the message is left out\n",
        "the message is left out",
        ("security.mobile-managed", "message"),
    ),
    Breakage(
        "unknown-rule-id",
        "audit.yaml",
        "  - id: audit.overdue\n",
        "  - id: audit.overdu\n",
        "audit.overdu",
        ("audit.overdu", "did you mean 'audit.overdue'"),
    ),
    Breakage(
        "unknown-check",
        "security.yaml",
        "  - id: security.mobile-managed\n    check: conditional\n",
        "  - id: security.mobile-managed\n    check: conditionl\n",
        "check: conditionl",
        ("conditionl", "did you mean 'conditional'"),
    ),
    Breakage(
        "rule-id-not-namespaced",
        "lifecycle.yaml",
        "  - id: lifecycle.state\n",
        "  - id: Lifecycle\n",
        "id: Lifecycle",
        ("Lifecycle",),
    ),
    Breakage(
        "unknown-severity",
        "eol.yaml",
        "    severity: warning\n",
        "    severity: warn\n",
        "severity: warn",
        ("warn", "error", "warning", "info"),
    ),
    Breakage(
        "missing-rationale",
        "eol.yaml",
        "    rationale: Past end of life a device gets no security fixes; it must be replaced"
        " or waived.\n",
        "",
        "- id: eol.passed-in-service",
        ("rationale",),
    ),
    Breakage(
        "unknown-top-level-section",
        "warranty.yaml",
        "rules:\n",
        "rule:\n",
        "rule:",
        ("rule",),
    ),
    Breakage(
        "unclosed-bracket",
        "audit.yaml",
        "    - when: {kinds: [server, network-device, storage]}\n",
        "    - when: {kinds: [server, network-device, storage}\n",
        "when: {kinds: [server, network-device, storage}",
    ),
    Breakage(
        "duplicate-key",
        "eol.yaml",
        "    severity: error\n",
        "    severity: error\n    severity: info\n",
        "severity: info",
        ("severity",),
    ),
    Breakage(
        "duplicate-rule-id-across-files",
        "zz-more.yaml",
        None,
        "description: More audit rules.\n"
        "rules:\n"
        "  - id: audit.due\n"
        "    severity: info\n"
        "    rationale: A second audit.due.\n",
        "- id: audit.due",
        ("audit.due", "policies/audit.yaml"),
    ),
    Breakage(
        "unknown-kind-in-applies-to",
        "warranty.yaml",
        "      kinds: [server, network-device, storage]\n      states: [deployed]\n"
        "    rationale: An outage",
        "      kinds: [server, network-device, storrage]\n      states: [deployed]\n"
        "    rationale: An outage",
        "storrage",
        ("storrage", "did you mean 'storage'"),
    ),
    Breakage(
        "unknown-kind-in-audit-interval",
        "audit.yaml",
        "    - when: {kinds: [server, network-device, storage]}\n",
        "    - when: {kinds: [server, network-switch, storage]}\n",
        "network-switch",
        ("network-switch", "did you mean 'network-device'"),
    ),
    Breakage(
        "unknown-kind-in-lifecycle",
        "lifecycle.yaml",
        "    kinds: [software-license, saas-subscription, contract]\n",
        "    kinds: [software-licence, saas-subscription, contract]\n",
        "software-licence",
        ("software-licence", "did you mean 'software-license'"),
    ),
    Breakage(
        "unknown-class-in-applies-to",
        "eol.yaml",
        "      classes: [deployed]\n",
        "      classes: [in-service]\n",
        "classes: [in-service]",
        ("in-service",),
    ),
    Breakage(
        "unknown-state-in-applies-to",
        "warranty.yaml",
        "      kinds: [server, network-device, storage]\n      states: [deployed]\n"
        "    rationale: An outage",
        "      kinds: [server, network-device, storage]\n      states: [deployd]\n"
        "    rationale: An outage",
        "states: [deployd]",
        ("deployd", "did you mean 'deployed'"),
    ),
    Breakage(
        "unknown-state-in-transition",
        "lifecycle.yaml",
        "      retired: [in-stock, disposed]\n",
        "      retired: [in-stock, dispossed]\n",
        "dispossed",
        ("dispossed", "did you mean 'disposed'"),
    ),
    Breakage(
        "unknown-source-state-in-transition",
        "lifecycle.yaml",
        "      lost: [in-stock, retired]\n",
        "      lost: [in-stock, retired]\n      stolen: [in-stock]\n",
        "stolen: [in-stock]",
        ("stolen",),
    ),
    Breakage(
        "transition-out-of-terminal-state",
        "lifecycle.yaml",
        "      disposed: []\n",
        "      disposed: [in-stock]\n",
        "disposed: [in-stock]",
        ("disposed", "terminal"),
    ),
    Breakage(
        "kind-in-two-lifecycles",
        "lifecycle.yaml",
        "    kinds: [software-license, saas-subscription, contract]\n",
        "    kinds: [software-license, saas-subscription, contract, laptop]\n",
        "contract, laptop]",
        ("laptop",),
    ),
    Breakage(
        "unknown-state-class",
        "lifecycle.yaml",
        "      lost:\n        class: undeployable\n",
        "      lost:\n        class: missing\n",
        "class: missing",
        ("missing",),
    ),
    Breakage(
        "audit-section-in-two-files",
        "zz-audit.yaml",
        None,
        "description: Audits of the Oslo office.\naudit:\n  intervals:\n    - days: 90\n",
        "audit:",
        ("audit", "policies/audit.yaml"),
    ),
    Breakage(
        "waiver-impossible-date",
        "waivers.yaml",
        "    expires: 2027-03-31\n",
        "    expires: 2027-02-30\n",
        "expires: 2027-02-30",
        ("2027-02-30",),
    ),
    Breakage(
        "waiver-date-not-iso",
        "waivers.yaml",
        "    expires: 2027-03-31\n",
        "    expires: 31.03.2027\n",
        "expires: 31.03.2027",
        ("YYYY-MM-DD",),
    ),
    Breakage(
        "waiver-without-approver",
        "waivers.yaml",
        "    approved_by: EMP-1001\n",
        "",
        "- rule: eol.passed-in-service",
        ("approved_by",),
    ),
    Breakage(
        "grace-days-not-whole",
        "audit.yaml",
        "  grace_days: 30\n",
        "  grace_days: 30.5\n",
        "grace_days: 30.5",
        ("grace_days",),
    ),
]


def _break(root: Path, breakage: Breakage) -> int:
    path = root / "policies" / breakage.file
    if breakage.old is None:
        assert not path.exists()
        path.write_text(breakage.new, encoding="utf-8")
    else:
        replace_once(path, breakage.old, breakage.new)
    return line_of(path, breakage.at)


def _assert_config_error(result: Result, where: str, says: tuple[str, ...] = ()) -> None:
    assert result.exit_code == 2, str(result)
    assert "Traceback" not in result.stdout + result.stderr, str(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, str(result)
    assert where in lines[0], f"expected {where!r} in {lines[0]!r}"
    for fragment in says:
        assert fragment in lines[0], f"expected {fragment!r} in {lines[0]!r}"


COMMANDS: dict[str, Callable[[Path], Result]] = {
    "validate": lambda root: run_itam("validate", "--root", root, "--as-of", "2026-11-22"),
    "policy-list": lambda root: run_itam("policy", "list", "--root", root),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
def test_broken_policy_is_a_config_error(registry: Path, breakage: Breakage, command: str) -> None:
    line = _break(registry, breakage)
    result = COMMANDS[command](registry)
    _assert_config_error(result, f"policies/{breakage.file}:{line}:", breakage.says)


def test_names_are_unique() -> None:
    names = [b.name for b in BREAKAGES]
    assert len(names) == len(set(names))


def test_policy_explain_reports_a_broken_policy_too(registry: Path) -> None:
    path = registry / "policies" / "audit.yaml"
    replace_once(path, "      within_days: 30\n", "      within_dayz: 30\n")
    result = run_itam("policy", "explain", "audit.overdue", "--root", registry)
    _assert_config_error(result, f"policies/audit.yaml:{line_of(path, 'within_dayz')}:")


def test_duplicate_rule_names_both_files(registry: Path) -> None:
    # The second declaration (by file name) is the one reported, pointing at the first.
    (registry / "policies" / "aa-first.yaml").write_text(
        "rules:\n  - id: warranty.expiring\n    severity: info\n    rationale: Early notice.\n",
        encoding="utf-8",
    )
    result = run_itam("validate", "--root", registry, "--as-of", "2026-11-22")
    line = line_of(registry / "policies" / "warranty.yaml", "warranty.expiring")
    where = f"policies/warranty.yaml:{line}:"
    _assert_config_error(result, where, ("policies/aa-first.yaml",))


def test_no_policies_folder_is_refused(registry: Path) -> None:
    # Without policies every status would pass: a change could switch off the
    # rules it is judged by by deleting them. Exit 2, not a pass.
    for path in sorted((registry / "policies").iterdir()):
        path.unlink()
    (registry / "policies").rmdir()
    edit(registry, LT1, "status: deployed", "status: banana")
    result = run_itam("validate", "--root", registry, "--as-of", "2026-11-22", "--format", "json")
    assert result.exit_code == 2, str(result)
    assert "declares no lifecycle" in result.stderr
    assert result.stdout == ""
    # Explaining the rules still works: the built-in ones are there.
    listed = run_itam("policy", "list", "--root", registry)
    assert listed.exit_code == 0, str(listed)


def test_empty_policies_folder_is_refused(registry: Path) -> None:
    for path in sorted((registry / "policies").iterdir()):
        path.unlink()
    result = run_itam("validate", "--root", registry, "--as-of", "2031-06-30")
    assert result.exit_code == 2, str(result)
    assert "declares no lifecycle" in result.stderr


def test_policies_without_lifecycles_are_refused(registry: Path) -> None:
    (registry / "policies" / "lifecycle.yaml").unlink()
    edit(registry, LT1, "status: deployed", "status: banana")
    result = run_itam("validate", "--root", registry, "--as-of", "2026-11-22", "--format", "json")
    assert result.exit_code == 2, str(result)
    assert "declares no lifecycle" in result.stderr
    assert "Traceback" not in result.stderr


# -- bugs found while writing these tests, since fixed ------------------------------
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("        required: [encryption, mdm]\n", "        required: 5\n"),
        ("        required: [encryption, mdm]\n", "        type: strnig\n"),
    ],
    ids=["required-not-a-list", "unknown-type"],
)
def test_invalid_conditional_schema_is_a_config_error(registry: Path, old: str, new: str) -> None:
    path = registry / "policies" / "security.yaml"
    replace_once(path, old, new)
    result = run_itam("validate", "--root", registry, "--as-of", "2026-11-22")
    assert result.exit_code == 2, str(result)
    assert "internal error" not in result.stderr, str(result)
    assert len(result.stderr.strip().splitlines()) == 1, str(result)
    assert f"policies/security.yaml:{line_of(path, new.strip())}:" in result.stderr, str(result)


def test_unknown_kind_in_a_kind_list_parameter_is_a_config_error(registry: Path) -> None:
    path = registry / "policies" / "disposal.yaml"
    replace_once(
        path,
        "      storage_kinds: [laptop, desktop, server, mobile-device, storage]\n",
        "      storage_kinds: [laptops, desktop, server, mobile-device, storage]\n",
    )
    result = run_itam("validate", "--root", registry, "--as-of", "2026-11-22")
    _assert_config_error(
        result, f"policies/disposal.yaml:{line_of(path, 'storage_kinds')}:", ("laptops",)
    )


def test_param_typo_message_does_not_point_to_entity_schemas(registry: Path) -> None:
    replace_once(
        registry / "policies" / "audit.yaml", "      within_days: 30\n", "      within_dayz: 30\n"
    )
    result = run_itam("validate", "--root", registry, "--as-of", "2026-11-22")
    assert result.exit_code == 2, str(result)
    assert "extensions.schema.json" not in result.stderr, str(result)


def test_readme_in_policies_is_ignored(registry: Path) -> None:
    (registry / "policies" / "README.md").write_text("# Our policies\n", encoding="utf-8")
    result = run_itam("validate", "--root", registry, "--as-of", "2026-11-22")
    assert result.exit_code == 0, str(result)


def test_audit_rules_without_intervals_are_a_config_error(registry: Path) -> None:
    path = registry / "policies" / "audit.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("audit:\n")] + text[text.index("rules:\n") :], "utf-8")
    result = run_itam("validate", "--root", registry, "--as-of", "2031-06-30")
    assert result.exit_code == 2, str(result)
    assert "policies/audit.yaml" in result.stderr, str(result)


def test_a_policy_rule_may_not_take_a_built_in_id(registry: Path) -> None:
    path = registry / "policies" / "security.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("id: security.mobile-managed", "id: integrity.reference"))
    result = run_itam("validate", "--root", registry, "--as-of", "2026-11-22")
    assert result.exit_code == 2, str(result)
    assert "is a built-in rule of itam" in result.stderr
    assert "policies/security.yaml:" in result.stderr
