"""The one evaluation every command reads, and the pipeline that builds it.

Defects found reading the code are pinned here, each with a test that failed
before its fix.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from itam.evaluation import evaluate
from itam.layout import Layout
from tests.conftest import (
    AS_OF,
    LT1,
    LT15,
    PROJECT,
    WAIVERS,
    Validate,
    edit,
    findings,
    git,
)

PACKAGE = PROJECT / "tool" / "itam"


def _commit(root: Path, message: str) -> None:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", message)


# -- the import graph ------------------------------------------------------------------


def _imports() -> dict[str, set[str]]:
    """Module → the itam modules it imports, at any depth of its code."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("itam"):
                # `from itam.cli import policy` names a submodule: an edge to
                # it, not to the package (which is how submodules find each
                # other); a name defined in the package is an edge to it.
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    if (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists():
                        targets.add(candidate)
                    else:
                        targets.add(node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("itam")}
        graph[module] = targets - {module}
    return graph


def test_the_import_graph_has_no_cycle() -> None:
    # Type-only and function-level imports count too: nothing below calls up.
    graph = _imports()
    assert "itam.evaluation" in graph
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            # A package's __init__ importing its own submodules (cli registering
            # its verbs) is a table, not a cycle, unless a submodule imports back.
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_findings_is_a_leaf() -> None:
    assert _imports()["itam.findings"] == set()


# -- one evaluation --------------------------------------------------------------------


def test_the_evaluation_indexes_final_findings_by_entity_and_rule() -> None:
    evaluation = evaluate(Layout(PROJECT), dt.date(2031, 6, 30))
    assert evaluation.findings, "the bundled registry has findings as of 2031"
    for finding in evaluation.findings:
        assert finding in evaluation.by_rule[finding.rule]
        if finding.entity is not None:
            assert finding in evaluation.findings_of(finding.entity)
    total = sum(len(v) for v in evaluation.by_rule.values())
    assert total == len(evaluation.findings)
    # The report is derived from it and holds the same findings.
    assert evaluation.report().findings == evaluation.findings


def test_derived_values_are_computed_once_per_entity() -> None:
    evaluation = evaluate(Layout(PROJECT), dt.date.fromisoformat(AS_OF))
    laptop = evaluation.entity("LT-0001")
    assert laptop is not None
    # The rules already asked for them; a consumer gets the same object.
    assert evaluation.derived(laptop) is evaluation.derived(laptop)
    assert evaluation.derived(laptop) is evaluation.context.derived(laptop)


# -- defects ----------------------------------------------------------------------------


def _expire_the_waiver(root: Path) -> None:
    edit(root, WAIVERS, "expires: 2027-03-31", "expires: 2026-11-01")


def test_an_expired_waiver_in_an_untouched_file_does_not_block_a_pull_request(
    registry: Path, validate: Validate
) -> None:
    _expire_the_waiver(registry)
    _commit(registry, "the waiver is expired on main already")
    nightly = validate(registry, "--format", "json")
    assert nightly.exit_code == 1, str(nightly)
    assert findings(nightly, "waiver.expired")
    git(registry, "checkout", "--quiet", "-b", "unrelated")
    edit(registry, LT1, "status: deployed", "status: deployed  # checked")
    _commit(registry, "an unrelated one-line edit")
    change = validate(registry, "--base", "main", "--format", "json")
    expired = findings(change, "waiver.expired")
    assert [f["change"] for f in expired] == ["base"], str(change)
    assert change.exit_code == 0, str(change)


def test_an_expired_waiver_added_by_the_change_blocks_it(
    registry: Path, validate: Validate
) -> None:
    git(registry, "checkout", "--quiet", "-b", "edits-waivers")
    _expire_the_waiver(registry)
    _commit(registry, "edit the waivers file")
    change = validate(registry, "--base", "main", "--format", "json")
    expired = findings(change, "waiver.expired")
    assert expired, str(change)
    assert all(f["change"] in ("new", "touched") for f in expired), str(change)
    assert change.exit_code == 1, str(change)


def test_a_change_rule_on_a_terminal_state_sees_an_edit_leaving_it(
    registry: Path, validate: Validate
) -> None:
    # A frozen rule that applies to disposed assets only: the edit that moves
    # LT-0015 out of disposed must be judged by it (it selected the old version).
    edit(
        registry,
        "policies/changes.yaml",
        "  - id: entity.frozen\n    severity: error\n",
        "  - id: entity.frozen\n    severity: error\n    applies_to:\n      states: [disposed]\n",
    )
    _commit(registry, "frozen applies to disposed assets")
    git(registry, "checkout", "--quiet", "-b", "undispose")
    edit(registry, LT15, "status: disposed", "status: deployed")
    _commit(registry, "bring a disposed laptop back")
    change = validate(registry, "--base", "main", "--format", "json")
    assert findings(change, "entity.frozen", "LT-0015"), str(change)
    assert change.exit_code == 1


def test_findings_of_one_rule_on_one_file_are_capped_and_still_block(
    registry: Path, validate: Validate
) -> None:
    waivers = "".join(
        f"  - rule: warranty.expiring\n    entities: [LT-{n:04d}]\n    reason: old\n"
        f"    approved_by: EMP-1001\n    expires: 2020-01-{n:02d}\n"
        for n in range(1, 26)
    )
    (registry / WAIVERS).write_text(f"waivers:\n{waivers}", encoding="utf-8")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    expired = findings(result, "waiver.expired")
    assert len(expired) == 10
    (rest,) = findings(result, "file.too-many-findings")
    assert rest["file"] == WAIVERS
    assert rest["severity"] == "error"
    assert "15 more findings of waiver.expired" in rest["message"]


def test_broken_references_past_ten_on_a_file_are_counted_not_explained(
    registry: Path, validate: Validate
) -> None:
    audits = "".join(f"  - {{date: 2024-01-01, by: NOBODY-{n}}}\n" for n in range(40))
    edit(registry, LT1, "audits:\n", "audits:\n" + audits)
    result = validate(registry, "--format", "json")
    broken = findings(result, "integrity.reference", "LT-0001")
    assert len(broken) == 10
    assert all(f["line"] is not None for f in broken)
    (rest,) = findings(result, "file.too-many-findings", "LT-0001")
    assert "30 more findings of integrity.reference" in rest["message"]
    assert rest["severity"] == "error"
    assert result.exit_code == 1


def test_a_decimal_stays_as_written_in_text_and_in_amounts(
    registry: Path, validate: Validate
) -> None:
    # schemas/README.md: `10.10` stays "10.10"; an amount keeps its cents.
    assert "cost: {amount: 1289.00, currency: GBP}" in (registry / LT1).read_text("utf-8")
    edit(registry, LT1, "version: 24H2", "version: 10.10")
    result = validate(registry, "--format", "json")
    # No schema finding; "Windows 11 Enterprise 10.10" is no Windows release,
    # and the finding that says so quotes the version as written.
    [unmatched] = findings(result, entity="LT-0001")
    assert unmatched["rule"] == "software.unmatched", str(result)
    assert "'10.10'" in unmatched["message"]
    evaluation = evaluate(Layout(registry), dt.date.fromisoformat(AS_OF))
    laptop = evaluation.entity("LT-0001")
    assert laptop is not None
    assert laptop.data["os"]["version"] == "10.10"
    assert laptop.data["purchase"]["cost"]["amount"] == "1289.00"
    assert evaluation.derived(laptop).book_value is not None


def test_sarif_rule_descriptors_come_from_the_rule_catalogue() -> None:
    from itam.rules import catalogue
    from tests.conftest import run_itam

    result = run_itam("validate", "--root", PROJECT, "--as-of", "2031-06-30", "--format", "sarif")
    evaluation = evaluate(Layout(PROJECT), dt.date(2031, 6, 30))
    known = catalogue(evaluation.policy)
    descriptors = result.json()["runs"][0]["tool"]["driver"]["rules"]
    assert len(descriptors) > 5
    for descriptor in descriptors:
        info = known[descriptor["id"]]
        assert descriptor["shortDescription"]["text"] == info.summary
        assert descriptor["fullDescription"]["text"] == info.why
