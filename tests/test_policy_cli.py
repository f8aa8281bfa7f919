"""`itam policy list` and `itam policy explain`: the policy explained to people,
and the self-description every check must carry for it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from itam import yamlsafe
from itam.checks import CHECKS
from itam.checks.base import Check
from tests.conftest import PROJECT, run_itam

FAMILIES = ("lifecycle", "warranty", "audit", "eol", "disposal", "license", "subscription")
RULE_LINE = re.compile(
    r"^(?P<id>[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)\s+(?P<severity>error|warning|info)\s"
)


def declared_rules(root: Path = PROJECT) -> dict[str, dict[str, Any]]:
    """Every rule of ``root``'s policies/, read straight from the YAML files."""
    rules: dict[str, dict[str, Any]] = {}
    for path in sorted((root / "policies").glob("*.yaml")):
        doc = yamlsafe.load(path.read_bytes(), f"policies/{path.name}")
        assert doc.data is not None, doc.findings
        for index, body in enumerate(doc.data.get("rules", [])):
            line, _ = doc.locate(f"/rules/{index}")
            rules[body["id"]] = {**body, "file": f"policies/{path.name}", "line": line}
    return rules


RULES = declared_rules()


def listed(stdout: str) -> dict[str, tuple[str, str]]:
    """Rule id -> (severity, rationale) from `itam policy list`."""
    out: dict[str, tuple[str, str]] = {}
    lines = stdout.splitlines()
    for number, line in enumerate(lines):
        match = RULE_LINE.match(line)
        if match:
            why = lines[number + 1].strip()
            assert why.startswith("why: "), why
            out[match["id"]] = (match["severity"], why.removeprefix("why: "))
    return out


# -- itam policy list ------------------------------------------------------------------------
def test_policy_list_names_every_rule_with_severity_and_rationale() -> None:
    result = run_itam("policy", "list", "--root", PROJECT)
    assert result.exit_code == 0, str(result)
    table = listed(result.stdout)
    assert set(table) == set(RULES)
    for rule_id, body in RULES.items():
        severity, rationale = table[rule_id]
        assert severity == body["severity"]
        assert rationale == " ".join(body["rationale"].split())
    assert f"{len(RULES)} rules" in result.stdout


@pytest.mark.parametrize("family", FAMILIES)
def test_policy_list_covers_every_family(family: str) -> None:
    result = run_itam("policy", "list", "--root", PROJECT)
    assert any(rule.startswith(f"{family}.") for rule in listed(result.stdout)), family


def test_policy_list_shows_conditional_rules() -> None:
    conditional = [r for r, body in RULES.items() if body.get("check") == "conditional"]
    assert any(r.startswith("security.") for r in conditional), conditional
    table = listed(run_itam("policy", "list", "--root", PROJECT).stdout)
    for rule_id in conditional:
        assert rule_id in table


def test_policy_list_shows_each_rules_scope() -> None:
    stdout = run_itam("policy", "list", "--root", PROJECT).stdout
    [line] = [x for x in stdout.splitlines() if x.startswith("security.mobile-managed ")]
    assert "mobile-device" in line
    assert "deployed" in line
    [line] = [x for x in stdout.splitlines() if x.startswith("lifecycle.state ")]
    assert "every entity" in line


def test_policy_list_follows_the_policy_files(registry: Path) -> None:
    path = registry / "policies" / "eol.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    severity: warning\n", "    severity: info\n"), "utf-8")
    table = listed(run_itam("policy", "list", "--root", registry).stdout)
    assert table["eol.approaching"][0] == "info"


def test_policy_list_defaults_to_the_enclosing_work_tree(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(registry / "registry" / "hardware")
    result = run_itam("policy", "list")
    assert result.exit_code == 0, str(result)
    assert set(listed(result.stdout)) == set(RULES)


# -- itam policy explain ------------------------------------------------------------------------
def test_explain_audit_overdue() -> None:
    result = run_itam("policy", "explain", "audit.overdue", "--root", PROJECT)
    assert result.exit_code == 0, str(result)
    out = result.stdout
    where = RULES["audit.overdue"]
    assert out.startswith("audit.overdue")
    assert "error" in out.splitlines()[0]
    assert f"{where['file']}:{where['line']}" in out
    assert " ".join(where["rationale"].split()) in out
    # What it checks: the check's own description, reflowed.
    text = " ".join(out.split())
    assert "What it checks" in out
    assert "grace period" in text
    assert "overdue" in text
    # The audit intervals and the grace, as the policy declares them.
    assert "grace 30 days" in out
    assert "every 180 days" in out
    assert "every 365 days" in out
    assert "criticality: critical, high" in out
    # A passing and a failing example.
    check = CHECKS["audit.overdue"]
    assert "Passes:" in out
    assert "Fails:" in out
    assert (
        out.index("Passes:") < out.index(check.good_example.splitlines()[0]) < out.index("Fails:")
    )
    assert out.index("Fails:") < out.index(check.bad_example.splitlines()[0])


def test_explain_follows_the_audit_policy(registry: Path) -> None:
    path = registry / "policies" / "audit.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  grace_days: 30\n", "  grace_days: 45\n")
    text = text.replace("    - days: 365\n", "    - days: 400\n")
    path.write_text(text, encoding="utf-8")
    out = run_itam("policy", "explain", "audit.overdue", "--root", registry).stdout
    assert "grace 45 days" in out
    assert "every entity: every 400 days" in out
    assert "every entity: every 365 days" not in out


def test_explain_shows_parameters_in_force(registry: Path) -> None:
    out = run_itam("policy", "explain", "audit.due", "--root", PROJECT).stdout
    assert "within_days = 30" in out
    assert CHECKS["audit.due"].params["within_days"]["description"] in out
    path = registry / "policies" / "audit.yaml"
    path.write_text(
        path.read_text("utf-8").replace("within_days: 30", "within_days: 21"), encoding="utf-8"
    )
    assert (
        "within_days = 21" in run_itam("policy", "explain", "audit.due", "--root", registry).stdout
    )


def test_explain_a_default_parameter() -> None:
    # license.seats sets no params in policies/: the check's default is in force.
    out = run_itam("policy", "explain", "license.seats", "--root", PROJECT).stdout
    assert "count_archived = false" in out


def test_explain_a_conditional_rule_names_its_check() -> None:
    out = run_itam("policy", "explain", "security.endpoint-protected", "--root", PROJECT).stdout
    assert "Check: conditional" in out
    assert "then = " in out
    assert "message = " in out


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_explain_every_rule(rule_id: str) -> None:
    result = run_itam("policy", "explain", rule_id, "--root", PROJECT)
    assert result.exit_code == 0, str(result)
    body = RULES[rule_id]
    assert result.stdout.startswith(rule_id)
    assert f"{body['file']}:{body['line']}" in result.stdout
    assert " ".join(body["rationale"].split()) in result.stdout
    assert "Passes:" in result.stdout
    assert "Fails:" in result.stdout


@pytest.mark.parametrize(
    ("asked", "hint"),
    [
        ("audit.overdu", "did you mean 'audit.overdue'"),
        ("warranty.expird-in-service", "did you mean 'warranty.expired-in-service'"),
        ("zzz", None),
    ],
)
def test_explain_unknown_rule(asked: str, hint: str | None) -> None:
    result = run_itam("policy", "explain", asked, "--root", PROJECT)
    assert result.exit_code == 2, str(result)
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, str(result)
    assert asked in lines[0]
    if hint is not None:
        assert hint in lines[0]
    else:
        assert "did you mean" not in lines[0]
    assert result.stdout == ""


def test_policy_without_a_subcommand_shows_help() -> None:
    result = run_itam("policy", "--help")
    assert result.exit_code == 0, str(result)
    assert "list" in result.stdout
    assert "explain" in result.stdout


# -- every check describes itself --------------------------------------------------------------
CHECK_ITEMS = sorted(CHECKS.items())


@pytest.mark.parametrize(("name", "check"), CHECK_ITEMS, ids=[n for n, _ in CHECK_ITEMS])
def test_check_describes_itself(name: str, check: type[Check]) -> None:
    assert check.name == name
    assert check.__doc__, "a docstring explains the check"
    assert len(check.__doc__.split()) >= 8, check.__doc__
    assert "summary" in vars(check)
    assert check.summary.strip()
    assert check.good_example.strip(), "good_example"
    assert check.bad_example.strip(), "bad_example"
    assert check.good_example != check.bad_example


ENTITY_CHECKS = [(n, c) for n, c in CHECK_ITEMS if not c.needs_base]


@pytest.mark.parametrize(("name", "check"), ENTITY_CHECKS, ids=[n for n, _ in ENTITY_CHECKS])
def test_check_examples_are_yaml(name: str, check: type[Check]) -> None:
    # Checks of single entities show entity fields; change checks may show a git command.
    for example in (check.good_example, check.bad_example):
        doc = yamlsafe.load(example.encode("utf-8"), f"{name}.example")
        assert doc.data is not None, (example, doc.findings)
        problems = [f for f in doc.findings if f.severity == "error"]
        assert not problems, (example, problems)


@pytest.mark.parametrize(("name", "check"), CHECK_ITEMS, ids=[n for n, _ in CHECK_ITEMS])
def test_check_parameter_schema_is_valid(name: str, check: type[Check]) -> None:
    schema = check.params_schema()
    Draft202012Validator.check_schema(schema)
    assert set(check.required_params) <= set(check.params)
    # The defaults, with any required parameter filled in, are valid parameters.
    sample = check.defaults() | {p: _sample(check.params[p]) for p in check.required_params}
    Draft202012Validator(schema).validate(sample)


def _sample(spec: dict[str, Any]) -> Any:
    return {"object": {}, "string": "text", "integer": 1, "boolean": True, "array": []}[
        spec["type"]
    ]


PARAMS = [
    pytest.param(
        name,
        param,
        id=f"{name}:{param}",
    )
    for name, check in CHECK_ITEMS
    for param in check.params
]


@pytest.mark.parametrize(("name", "param"), PARAMS)
def test_every_parameter_is_documented(name: str, param: str) -> None:
    check = CHECKS[name]
    spec = check.params[param]
    assert str(spec.get("description", "")).strip(), "description"
    assert "default" in spec or param in check.required_params, "a default, or required"
    if "default" in spec:
        Draft202012Validator(spec).validate(spec["default"])


def test_every_check_is_switched_on_by_the_bundled_policy() -> None:
    used = {body.get("check", rule_id) for rule_id, body in RULES.items()}
    assert set(CHECKS) <= used, set(CHECKS) - used


def test_every_bundled_entity_rule_has_examples() -> None:
    # Rules that compare with a pull request's base cannot be shown by one folder.
    examples = PROJECT / "tests" / "examples"
    for rule_id, body in RULES.items():
        if CHECKS[body.get("check", rule_id)].needs_base:
            continue
        for outcome in ("pass", "fail"):
            cases = list((examples / rule_id / outcome).glob("*"))
            assert cases, f"tests/examples/{rule_id}/{outcome}/ has no case"
