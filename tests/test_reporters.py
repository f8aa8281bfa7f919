"""Exact output of each reporter on a small hand-built Report."""

from __future__ import annotations

import json
import re

import pytest

from itam.cli import FORMATS
from itam.findings import Finding, Severity
from itam.report import Report
from itam.reporters import REPORTERS, github, json_report, text

ERROR = Finding(
    "schema.unknown-field",
    Severity.ERROR,
    "unknown field 'warrenty' (did you mean 'warranty'?)",
    file="registry/hardware/LT-1.yaml",
    line=7,
    column=1,
    entity="LT-1",
    path="/warrenty",
)
WARNING = Finding(
    "audit.due",
    Severity.WARNING,
    "an audit is due on 2026-12-10 (in 18 days)",
    file="registry/hardware/LT-2.yaml",
    line=29,
    column=3,
    entity="LT-2",
    path="/audits",
    rationale="A month's notice lets the service desk plan audits.",
)
INFO = Finding("waiver.unused", Severity.INFO, "the waiver matches no finding")
WAIVED = Finding(
    "eol.passed-in-service",
    Severity.ERROR,
    "end of life was 2026-06-30",
    file="registry/network/NET-2.yaml",
    line=6,
    entity="NET-2",
    path="/model",
    waiver="approved by EMP-1001 until 2027-03-31",
)


def report(*findings: Finding) -> Report:
    return Report(
        root="/srv/registry",
        as_of="2026-11-22",
        entities=4,
        files=5,
        findings=list(findings),
    )


# -- text ------------------------------------------------------------------------


def test_text_lines_and_summary() -> None:
    assert text.render(report(ERROR, WARNING, INFO, WAIVED)) == (
        "registry/hardware/LT-1.yaml:7:1: error [schema.unknown-field] unknown field "
        "'warrenty' (did you mean 'warranty'?) (LT-1)\n"
        "registry/hardware/LT-2.yaml:29:3: warning [audit.due] an audit is due on 2026-12-10 "
        "(in 18 days) (LT-2)\n"
        "    why: A month's notice lets the service desk plan audits.\n"
        "(registry): info [waiver.unused] the waiver matches no finding\n"
        "registry/network/NET-2.yaml:6: error (waived: approved by EMP-1001 until 2027-03-31) "
        "[eol.passed-in-service] end of life was 2026-06-30 (NET-2)\n"
        "itam: FAILED: 4 entities in 5 files as of 2026-11-22: "
        "1 error, 1 warning, 1 info, 1 waived\n"
    )


def test_text_of_a_clean_report() -> None:
    assert text.render(report()) == (
        "itam: ok: 4 entities in 5 files as of 2026-11-22: 0 errors, 0 warnings, 0 info\n"
    )


@pytest.mark.parametrize(
    ("findings", "tally"),
    [
        ((WARNING, WARNING), "0 errors, 2 warnings, 0 info"),
        ((ERROR, ERROR, INFO, INFO), "2 errors, 0 warnings, 2 info"),
    ],
)
def test_text_summary_counts(findings: tuple[Finding, ...], tally: str) -> None:
    assert text.summary_line(report(*findings)).endswith(f"as of 2026-11-22: {tally}")


def test_only_unwaived_errors_fail() -> None:
    assert report(WARNING, INFO, WAIVED).exit_code == 0
    assert text.summary_line(report(WARNING, INFO, WAIVED)).startswith("itam: ok: ")
    assert report(WAIVED, ERROR).exit_code == 1


def test_a_file_without_a_line() -> None:
    finding = Finding("file.not-yaml", Severity.ERROR, "only YAML", file="registry/a.txt")
    assert text.render(report(finding)).splitlines()[0] == (
        "registry/a.txt: error [file.not-yaml] only YAML"
    )


def test_text_keeps_each_finding_on_one_line() -> None:
    odd = ERROR.with_(message="unknown field 'a\rb\nitam: ok: all clear\x1b[2J'")
    rendered = text.render(report(odd))
    assert rendered.count("\n") == 2, rendered
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", rendered), rendered


# -- JSON ------------------------------------------------------------------------


def test_json_structure() -> None:
    rendered = json_report.render(report(ERROR, WARNING, INFO, WAIVED))
    assert rendered.endswith("}\n")
    assert json.loads(rendered) == {
        "version": 1,
        "as_of": "2026-11-22",
        "root": "/srv/registry",
        "counts": {"entities": 4, "files": 5},
        "findings": [
            {
                "rule": "schema.unknown-field",
                "severity": "error",
                "entity": "LT-1",
                "file": "registry/hardware/LT-1.yaml",
                "line": 7,
                "column": 1,
                "path": "/warrenty",
                "message": "unknown field 'warrenty' (did you mean 'warranty'?)",
            },
            {
                "rule": "audit.due",
                "severity": "warning",
                "entity": "LT-2",
                "file": "registry/hardware/LT-2.yaml",
                "line": 29,
                "column": 3,
                "path": "/audits",
                "message": "an audit is due on 2026-12-10 (in 18 days)",
                "rationale": "A month's notice lets the service desk plan audits.",
            },
            {
                "rule": "waiver.unused",
                "severity": "info",
                "entity": None,
                "file": None,
                "line": None,
                "column": None,
                "path": "",
                "message": "the waiver matches no finding",
            },
            {
                "rule": "eol.passed-in-service",
                "severity": "error",
                "entity": "NET-2",
                "file": "registry/network/NET-2.yaml",
                "line": 6,
                "column": None,
                "path": "/model",
                "message": "end of life was 2026-06-30",
                "waiver": "approved by EMP-1001 until 2027-03-31",
            },
        ],
        "summary": {"error": 1, "warning": 1, "info": 1},
    }


def test_json_keeps_the_contract_order_and_text_as_written() -> None:
    odd = ERROR.with_(message="Ærø: naïve “quotes”, </script> and \x00 and \u202e")
    rendered = json_report.render(report(odd))
    assert list(json.loads(rendered)) == [
        "version",
        "as_of",
        "root",
        "counts",
        "findings",
        "summary",
    ]
    assert list(json.loads(rendered)["findings"][0])[:8] == [
        "rule",
        "severity",
        "entity",
        "file",
        "line",
        "column",
        "path",
        "message",
    ]
    assert json.loads(rendered)["findings"][0]["message"] == odd.message
    assert "Ærø" in rendered  # UTF-8, not \u escapes


def test_json_of_an_empty_report() -> None:
    assert json.loads(json_report.render(report()))["findings"] == []


# -- GitHub workflow commands ----------------------------------------------------


def test_github_annotations() -> None:
    # What blocks comes first; then the rest by severity (a waived error first).
    assert github.render(report(ERROR, WARNING, INFO, WAIVED)) == (
        "::error file=registry/hardware/LT-1.yaml,line=7,col=1,"
        "title=schema.unknown-field (LT-1)::unknown field 'warrenty' (did you mean 'warranty'?)\n"
        "::notice file=registry/network/NET-2.yaml,line=6,title=eol.passed-in-service (NET-2)::"
        "waived (approved by EMP-1001 until 2027-03-31): end of life was 2026-06-30\n"
        "::warning file=registry/hardware/LT-2.yaml,line=29,col=3,title=audit.due (LT-2)::"
        "an audit is due on 2026-12-10 (in 18 days)%0AWhy: A month's notice lets the service "
        "desk plan audits.\n"
        "::notice title=waiver.unused::the waiver matches no finding\n"
        "itam: FAILED: 4 entities in 5 files as of 2026-11-22: "
        "1 error, 1 warning, 1 info, 1 waived\n"
    )


def test_github_at_most_ten_annotations_per_level() -> None:
    errors = [ERROR.with_(line=n, message=f"error {n}") for n in range(1, 13)]
    rendered = github.render(report(*errors, WARNING))
    lines = rendered.splitlines()
    assert [line.split(" ")[0] for line in lines[:11]] == ["::error"] * 10 + ["::warning"]
    assert lines[11] == (
        "::group::2 more findings (GitHub shows 10 annotations of each level per step)"
    )
    assert lines[12:14] == [
        "registry/hardware/LT-1.yaml:11:1: error [schema.unknown-field] error 11 (LT-1)",
        "registry/hardware/LT-1.yaml:12:1: error [schema.unknown-field] error 12 (LT-1)",
    ]
    assert lines[14] == "::endgroup::"
    assert lines[15].startswith("itam: FAILED: 4 entities in 5 files as of 2026-11-22: 12 errors")
    assert len(lines) == 16


def test_github_grouped_findings_cannot_forge_a_command() -> None:
    errors = [ERROR.with_(line=n) for n in range(1, 11)]
    forged = ERROR.with_(line=11, message="x\n::endgroup::\n::error::forged\r")
    lines = github.render(report(*errors, forged)).splitlines()
    assert lines[11].endswith(
        "error [schema.unknown-field] x\\n::endgroup::\\n::error::forged\\r (LT-1)"
    )
    assert lines[12] == "::endgroup::"
    assert not any(line.startswith("::error::") for line in lines)


def test_github_escapes_the_message() -> None:
    finding = ERROR.with_(message="100% sure\r\nsecond line\nthird")
    assert github.annotation(finding).endswith("::100%25 sure%0D%0Asecond line%0Athird")


def test_github_escapes_properties() -> None:
    finding = ERROR.with_(file="registry/a,b: c%.yaml", entity="x,y:z")
    assert github.annotation(finding) == (
        "::error file=registry/a%2Cb%3A c%25.yaml,line=7,col=1,"
        "title=schema.unknown-field (x%2Cy%3Az)::"
        "unknown field 'warrenty' (did you mean 'warranty'?)"
    )


@pytest.mark.parametrize(
    "message",
    [
        "x\n::error::forged",
        "x\r::error file=a.yaml,line=1::forged",
        "x\r\n::add-mask::secret",
        "::stop-commands::token",
    ],
)
def test_github_message_cannot_forge_a_command(message: str) -> None:
    rendered = github.render(report(ERROR.with_(message=message)))
    lines = rendered.split("\n")
    assert len(lines) == 3, rendered  # one annotation, the summary, ""
    assert lines[2] == ""
    assert lines[0].startswith("::error file=registry/hardware/LT-1.yaml,")
    assert "\r" not in rendered
    assert lines[1].startswith("itam: ")


def test_github_an_entity_id_cannot_end_the_properties() -> None:
    finding = ERROR.with_(entity="LT-1::error file=evil.yaml")
    annotation = github.annotation(finding)
    properties, _, message = annotation.partition("::")[2].partition("::")
    assert message == ERROR.message
    assert properties.endswith("title=schema.unknown-field (LT-1%3A%3Aerror file=evil.yaml)")


@pytest.mark.parametrize(
    ("finding", "level"),
    [
        (ERROR, "error"),
        (WARNING, "warning"),
        (INFO, "notice"),
        (WAIVED, "notice"),
        (WARNING.with_(waiver="approved"), "notice"),
        (ERROR.with_(change="new"), "error"),
        (ERROR.with_(change="touched"), "error"),
        (ERROR.with_(change="base"), "notice"),
    ],
)
def test_github_levels(finding: Finding, level: str) -> None:
    assert github.annotation(finding).startswith(f"::{level} ")


def test_an_error_already_on_the_base_says_so() -> None:
    assert github.annotation(ERROR.with_(change="base")).endswith(
        "::already on the base branch, not blocking: " + ERROR.message
    )


def test_waived_annotation_says_waived() -> None:
    assert "::waived (approved by EMP-1001 until 2027-03-31): " in github.annotation(WAIVED)


def test_every_format_has_a_reporter() -> None:
    assert set(REPORTERS) == set(FORMATS)
    assert {"text", "json", "github"} <= set(FORMATS)
    for render in REPORTERS.values():
        assert render(report(ERROR)).endswith("\n")
