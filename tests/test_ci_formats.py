"""The CI formats of a pull-request run: SARIF, GitHub annotations, the
Markdown job summary and JUnit XML, each read back and checked against the
JSON report of the same run.

The repository is built once per module: main carries one error already
(LT-0005's owner does not exist); the branch ``change`` brings new errors,
an allowed retirement and text that is hostile to Markdown and HTML.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from itam.reporters import markdown
from tests.conftest import (
    AS_OF,
    LAPTOPS,
    LT1,
    LT3,
    LT5,
    LT6,
    LT15,
    Result,
    copy_registry,
    edit,
    git,
    run_itam,
)

HOSTILE = "EMP-1 | b <script>x</script>"
SARIF_SCHEMA = Path(sys.prefix) / "share" / "sarif-schema-2.1.0.json"
ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+)(?:,col=\d+)?,title=")


def commit(root: Path, message: str) -> None:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", message)


@pytest.fixture(scope="module")
def pr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main with one error of its own; branch ``change`` with new errors, checked out."""
    root = copy_registry(tmp_path_factory.mktemp("pr") / "repo")
    edit(root, LT5, "owner: EMP-1005", "owner: EMP-9005")
    commit(root, "typo on main")
    git(root, "checkout", "--quiet", "-b", "change")
    edit(root, LT6, "owner: EMP-1006", f'owner: "{HOSTILE}"')
    edit(root, LT1, "serial: PF4K7M2Q", "serial: PF4K7M2R")
    edit(root, LT15, "status: disposed", "status: deployed")
    edit(
        root,
        LT3,
        "status: deployed\n",
        "status: retired\nretirement:\n  date: 2026-11-20\n  reason: Screen failure.\n",
    )
    commit(root, "a change with problems")
    return root


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean main; branch ``change`` alters 12 serials: exactly 12 new errors."""
    root = copy_registry(tmp_path_factory.mktemp("many") / "repo")
    git(root, "checkout", "--quiet", "-b", "change")
    changed = 0
    for path in sorted((root / "registry" / "hardware").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^serial: (\w+)$", text, re.MULTILINE)
        if match is None or "status: disposed" in text:
            continue
        path.write_text(text.replace(match.group(0), match.group(0) + "Z"), encoding="utf-8")
        changed += 1
        if changed == 12:
            break
    assert changed == 12
    commit(root, "twelve serials retyped")
    return root


@cache
def _run(root: Path, fmt: str) -> Result:
    return run_itam("validate", "--root", root, "--as-of", AS_OF, "--base", "main", "--format", fmt)


def run(root: Path, fmt: str) -> Result:
    result = _run(root, fmt)
    assert result.exit_code == 1, result
    return result


def report(root: Path) -> dict[str, Any]:
    document: dict[str, Any] = run(root, "json").json()
    return document


def blocking(finding: dict[str, Any]) -> bool:
    return (
        finding["severity"] == "error"
        and "waiver" not in finding
        and finding.get("change") != "base"
    )


def test_the_branch_has_new_base_and_waived_findings(pr: Path, many: Path) -> None:
    findings = report(pr)["findings"]
    changes = Counter(f.get("change") for f in findings)
    assert changes["new"] >= 4
    assert changes["base"] >= 1
    assert any("waiver" in f for f in findings)
    new_errors = [f for f in report(many)["findings"] if f["severity"] == "error" and blocking(f)]
    assert len(new_errors) == 12
    assert {f["rule"] for f in new_errors} == {"entity.immutable"}


# --- SARIF -------------------------------------------------------------------


def sarif_schema() -> dict[str, Any]:
    if not SARIF_SCHEMA.exists():
        if shutil.which("npm") is None:
            pytest.skip(f"{SARIF_SCHEMA} is missing and npm is not there to fetch it")
        pytest.fail(f"{SARIF_SCHEMA} is missing; `python3 dev.py test` installs it with npm")
    schema: dict[str, Any] = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return schema


@pytest.mark.parametrize("which", ["pr", "many"])
def test_sarif_is_valid_against_the_sarif_2_1_0_schema(
    which: str, request: pytest.FixtureRequest
) -> None:
    from jsonschema.validators import validator_for

    schema = sarif_schema()
    root: Path = request.getfixturevalue(which)
    log = json.loads(run(root, "sarif").stdout)
    cls = validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert errors == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert log["version"] == "2.1.0"


def test_sarif_results_match_the_json_findings(pr: Path) -> None:
    log = json.loads(run(pr, "sarif").stdout)
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    results = sarif_run["results"]
    findings = report(pr)["findings"]
    assert len(results) == len(findings)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(results, findings, strict=True):
        assert result["ruleId"] == finding["rule"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == levels[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == finding["file"]
        assert physical["region"]["startLine"] == finding["line"]
        assert isinstance(physical["region"]["startLine"], int)


def test_sarif_marks_waived_base_and_new_results(pr: Path) -> None:
    log = json.loads(run(pr, "sarif").stdout)
    results = log["runs"][0]["results"]
    findings = report(pr)["findings"]
    for result, finding in zip(results, findings, strict=True):
        if "waiver" in finding:
            assert result["suppressions"] == [
                {"kind": "external", "justification": finding["waiver"]}
            ]
        else:
            assert "suppressions" not in result
        if finding.get("change") == "base":
            assert result["baselineState"] == "unchanged"
        elif finding.get("change") == "new":
            assert result["baselineState"] == "new"
    lt5 = [
        r
        for r in results
        if r["ruleId"] == "integrity.reference" and r["properties"].get("entity") == "LT-0005"
    ]
    assert [r["baselineState"] for r in lt5] == ["unchanged"]
    assert any("suppressions" in r for r in results)


# --- GitHub annotations ------------------------------------------------------


def test_github_annotations_carry_file_and_line(pr: Path) -> None:
    lines = run(pr, "github").stdout.splitlines()
    places = {(f["file"], f["line"]) for f in report(pr)["findings"]}
    errors = [m for line in lines if (m := ANNOTATION.match(line)) and m.group(1) == "error"]
    assert errors
    for match in errors:
        assert (match.group(2), int(match.group(3))) in places
    assert any(line.startswith(f"::error file={LT1},line=") for line in lines)
    assert lines[-1].startswith("itam: FAILED")


def test_github_lists_errors_of_this_change_before_base_ones(pr: Path) -> None:
    lines = run(pr, "github").stdout.splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("::error ")]
    base = [i for i, line in enumerate(lines) if "already on the base branch" in line]
    assert errors
    assert base
    assert max(errors) < min(base)
    # The error already on main is a notice: it does not block this change.
    (lt5,) = [line for line in lines if f"file={LT5}" in line and "integrity.reference" in line]
    assert lt5.startswith("::notice ")


def test_github_shows_ten_errors_and_groups_the_rest(many: Path) -> None:
    lines = run(many, "github").stdout.splitlines()
    annotations = [line for line in lines if ANNOTATION.match(line)]
    assert sum(1 for line in annotations if line.startswith("::error ")) == 10
    per_level = Counter(line.split(" ", 1)[0] for line in annotations)
    assert all(count <= 10 for count in per_level.values())
    # What did not become an annotation is counted in a collapsed group.
    findings = report(many)["findings"]
    level = Counter(
        "notice"
        if "waiver" in f or f.get("change") == "base"
        else {"error": "error", "warning": "warning", "info": "notice"}[f["severity"]]
        for f in findings
    )
    hidden = sum(max(0, n - 10) for n in level.values())
    assert level["error"] == 12
    groups = [line for line in lines if line.startswith("::group::")]
    assert len(groups) == 1
    assert groups[0].startswith(f"::group::{hidden} more findings")
    start = lines.index(groups[0])
    end = lines.index("::endgroup::")
    inside = lines[start + 1 : end]
    assert len(inside) == hidden
    assert sum(1 for line in inside if "error [entity.immutable]" in line) == 2
    assert lines[-1].startswith("itam: FAILED")


# --- Markdown job summary ----------------------------------------------------


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


def section(text: str, heading: str) -> str:
    return text.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0].split("<details>", 1)[0]


def test_markdown_has_a_table_of_the_new_findings(pr: Path) -> None:
    text = run(pr, "markdown").stdout
    assert text.startswith("## itam validate: ❌ blocked")
    current = section(text, "Findings of this change")
    rows = table_rows(current)
    assert rows[0] == "| | Rule | Entity | Where | Finding |"
    for finding in report(pr)["findings"]:
        if finding.get("change") != "new":
            continue
        where = f"{finding['file']}:{finding['line']}"
        assert any(
            f"`{finding['rule']}`" in row and where in row and finding["entity"] in row
            for row in rows
        ), finding
    # The error already on main is in the collapsed part, not in this table.
    assert not any("LT-0005" in row and "integrity.reference" in row for row in rows)
    assert "already on the base (not blocking)" in text


def test_markdown_lists_the_transitions(pr: Path) -> None:
    text = run(pr, "markdown").stdout
    transitions = section(text, "Transitions")
    assert "- `LT-0003` deployed → retired" in transitions
    assert "- `LT-0015` disposed → deployed" in transitions
    assert len([line for line in transitions.splitlines() if line.startswith("- ")]) == 2


def test_markdown_escapes_text_from_entities(pr: Path) -> None:
    text = run(pr, "markdown").stdout
    assert "<script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text
    hostile = [row for row in table_rows(text) if "&lt;script&gt;" in row]
    assert hostile
    for row in hostile:
        assert "EMP-1 \\| b" in row
    for row in table_rows(text):
        assert unescaped_pipes(row) == 6, row


def test_markdown_escapes_file_names(registry: Path) -> None:
    git(registry, "checkout", "--quiet", "-b", "change")
    name = "LT-0099 <img src=x onerror=alert(1)> | x.yaml"
    (registry / LAPTOPS / name).write_text("id: LT-0099\n", encoding="utf-8")
    commit(registry, "a file with a hostile name")
    result = run_itam(
        "validate", "--root", registry, "--as-of", AS_OF, "--base", "main", "--format", "markdown"
    )
    assert result.exit_code == 1, result
    assert "<img" not in result.stdout
    assert "&lt;img src=x onerror=alert(1)&gt; \\| x.yaml" in result.stdout
    for row in table_rows(result.stdout):
        assert unescaped_pipes(row) == 6, row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a | b <script>x</script>", "a \\| b &lt;script&gt;x&lt;/script&gt;"),
        ("line\nbreak\r\nhere", "line break  here"),
        ("`code` & <b>", "&#96;code&#96; &amp; &lt;b&gt;"),
        ("plain LT-0001", "plain LT-0001"),
        (42, "42"),
    ],
)
def test_markdown_cell_escapes(value: object, expected: str) -> None:
    assert markdown.cell(value) == expected


# --- JUnit -------------------------------------------------------------------


@pytest.mark.parametrize("which", ["pr", "many"])
def test_junit_is_well_formed_and_counts_blocking_findings(
    which: str, request: pytest.FixtureRequest
) -> None:
    root: Path = request.getfixturevalue(which)
    text = run(root, "junit").stdout
    tree = ET.fromstring(text.encode("utf-8"))  # noqa: S314 - our own output
    assert tree.tag == "testsuites"
    (suite,) = tree.findall("testsuite")
    findings = report(root)["findings"]
    blocking_count = sum(1 for f in findings if blocking(f))
    waived = sum(1 for f in findings if "waiver" in f)
    assert blocking_count > 0
    assert int(tree.get("failures", "-1")) == blocking_count
    assert int(suite.get("failures", "-1")) == blocking_count
    assert len(suite.findall("testcase/failure")) == blocking_count
    assert int(suite.get("skipped", "-1")) == waived
    assert len(suite.findall("testcase/skipped")) == waived
    assert int(suite.get("tests", "-1")) == len(findings)
    assert len(suite.findall("testcase")) == len(findings)
    for case in suite.findall("testcase"):
        assert case.get("classname")
        assert case.get("file", "").startswith("registry/")
        assert int(case.get("line", "0")) >= 1
