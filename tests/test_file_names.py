"""A file name may hold any bytes but "/" and NUL: one that is not UTF-8, or
holds control characters, is a ``file.bad-name`` finding that names it with
escapes, and every report format stays valid (UTF-8, JSON, XML) whatever a
finding's strings hold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest

from itam import files
from itam.findings import Finding, Severity
from itam.report import Report, Transition
from itam.reporters import REPORTERS
from tests.conftest import AS_OF, PROJECT, copy_registry, run_itam

RAW_NAME = b"registry/x\xff\x01.yaml"
SHOWN = "registry/x\\xff\\x01.yaml"
FORMATS = ("json", "sarif", "junit", "github", "markdown", "text")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled registry plus one file whose name is not UTF-8 and holds \\x01."""
    root = copy_registry(tmp_path_factory.mktemp("names") / "repo")
    (root / os.fsdecode(RAW_NAME)).write_text("id: x\nkind: laptop\n", encoding="utf-8")
    return root


def check_output(fmt: str, data: bytes) -> None:
    """``data`` is valid for ``fmt`` and names the file readably."""
    text = data.decode("utf-8")  # strict: no invalid UTF-8 anywhere
    assert "\ufffd" not in text, "something was replaced on the way"
    if fmt == "json":
        [finding] = [f for f in json.loads(text)["findings"] if f["rule"] == "file.bad-name"]
        assert finding["file"] == SHOWN
        assert finding["severity"] == "error"
        assert "UTF-8" in finding["message"]
    elif fmt == "sarif":
        results = json.loads(text)["runs"][0]["results"]
        [result] = [r for r in results if r["ruleId"] == "file.bad-name"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert unquote(uri) == SHOWN
    elif fmt == "junit":
        cases = ET.fromstring(data).iter("testcase")  # noqa: S314 - our own output
        [case] = [c for c in cases if c.get("classname") == "file.bad-name"]
        assert case.get("file") == SHOWN
        assert case.find("failure") is not None
    elif fmt == "github":
        assert f"::error file={SHOWN},title=file.bad-name::" in text
    else:
        assert SHOWN in text
        assert "file.bad-name" in text
    # Nothing but newlines (and JSON's own indentation) as control characters.
    assert not [c for c in text if ord(c) < 0x20 and c not in "\n"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_stays_valid_and_names_the_file(root: Path, fmt: str) -> None:
    result = run_itam("validate", "--root", root, "--as-of", AS_OF, "--format", fmt)
    assert result.exit_code == 1, str(result)
    check_output(fmt, result.stdout.encode("utf-8"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_written_with_output_is_valid(root: Path, tmp_path: Path, fmt: str) -> None:
    report = tmp_path / f"report.{fmt}"
    args = ["--root", str(root), "--as-of", AS_OF, "--format", fmt, "--output", str(report)]
    done = subprocess.run(
        [sys.executable, "-m", "itam", "validate", *args],
        capture_output=True,
        timeout=120,
        cwd=PROJECT,
        check=False,
    )
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    assert b"internal error" not in done.stderr
    assert done.stdout == b""
    check_output(fmt, report.read_bytes())


def test_the_file_is_refused_unread(root: Path) -> None:
    result = run_itam("validate", "--root", root, "--as-of", AS_OF, "--format", "json")
    on_it = [f for f in result.json()["findings"] if "x\\xff" in (f["file"] or "")]
    assert [f["rule"] for f in on_it] == ["file.bad-name"]


# -- which names are bad -------------------------------------------------------


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    (tmp_path / "registry").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("raw", "shown", "why"),
    [
        (b"x\xff.yaml", "registry/x\\xff.yaml", "UTF-8"),
        (b"x\xc3.yaml", "registry/x\\xc3.yaml", "UTF-8"),  # a cut-off two-byte letter
        (b"x\x1b[31m.yaml", "registry/x\\x1b[31m.yaml", "control"),
        (b"x\n.yaml", "registry/x\\n.yaml", "control"),
        (b"x\x7f.yaml", "registry/x\\x7f.yaml", "control"),
        ("x\u202egpj.yaml".encode(), "registry/x\\u202egpj.yaml", "control"),
        ("x\u200b.yaml".encode(), "registry/x\\u200b.yaml", "invisible"),
    ],
)
def test_a_bad_file_name_is_a_finding_naming_it_with_escapes(
    bare: Path, raw: bytes, shown: str, why: str
) -> None:
    (bare / "registry" / os.fsdecode(raw)).write_text("id: x\n", encoding="utf-8")
    sources, findings = files.scan(bare, bare / "registry")
    assert sources == []
    [finding] = findings
    assert (finding.rule, finding.severity, finding.file) == ("file.bad-name", "error", shown)
    assert why in finding.message


def test_a_folder_with_a_bad_name_is_one_finding_and_not_entered(bare: Path) -> None:
    folder = bare / "registry" / os.fsdecode(b"lap\xfftops")
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text("id: x\n", encoding="utf-8")
    sources, findings = files.scan(bare, bare / "registry")
    assert sources == []
    assert [(f.rule, f.file) for f in findings] == [("file.bad-name", "registry/lap\\xfftops")]
    assert "folder name" in findings[0].message


@pytest.mark.parametrize("name", ["Ærø-LT-0001.yaml", "日本.yaml", "a b.yaml", "LT-0001.yaml"])
def test_names_in_any_language_are_fine(bare: Path, name: str) -> None:
    (bare / "registry" / name).write_text("id: x\n", encoding="utf-8")
    sources, findings = files.scan(bare, bare / "registry")
    assert [s.rel for s in sources] == [f"registry/{name}"]
    assert findings == []


# -- reporters with any string in any field -----------------------------------------

HOSTILE = "a\udcff\ud800\x00\x01\x0b\x1b[2J\x7f\x85\u2028\ufffe\uffff<&>\"'|`%,:;\r\n::error::x"


def hostile_report() -> Report:
    finding = Finding(
        rule="schema." + HOSTILE,
        severity=Severity.ERROR,
        message=HOSTILE,
        file="registry/" + HOSTILE,
        line=3,
        column=1,
        entity=HOSTILE,
        path="/" + HOSTILE,
        rationale=HOSTILE,
        change="new",
    )
    waived = finding.with_(waiver=HOSTILE, change=None)
    return Report(
        root="/" + HOSTILE,
        as_of=AS_OF,
        entities=1,
        files=1,
        findings=[finding, waived],
        base="0123456789abcdef" + HOSTILE,
        transitions=[Transition(HOSTILE, HOSTILE, None)],
    )


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_reporter_gives_valid_utf8_for_any_string(fmt: str) -> None:
    text = REPORTERS[fmt](hostile_report())
    data = text.encode("utf-8")  # raises on a lone surrogate
    if fmt in ("json", "sarif"):
        json.loads(data)
    elif fmt == "junit":
        ET.fromstring(data)  # noqa: S314 - our own output
    else:
        # A line break or escape sequence from a finding never reaches the output.
        assert "\x1b" not in text
        assert "\x00" not in text
        assert "\u2028" not in text


def test_json_keeps_control_characters_as_json_escapes() -> None:
    document = json.loads(REPORTERS["json"](hostile_report()))
    message = document["findings"][0]["message"]
    assert message.startswith("a\\xff\\ud800\x00\x01\x0b\x1b[2J")


def test_text_keeps_each_finding_on_one_line() -> None:
    lines = REPORTERS["text"](hostile_report()).splitlines()
    assert len([line for line in lines if "[schema.a" in line]) == 2
    assert all(line.startswith(("registry/", "    why:", "transition:", "itam:")) for line in lines)


def test_github_cannot_be_forged_by_any_field() -> None:
    lines = REPORTERS["github"](hostile_report()).splitlines()
    assert len(lines) == 3  # two annotations and the summary
    assert all(line.startswith(("::error ", "::notice ", "itam: ")) for line in lines)
    assert "%0D%0A::error::x" in lines[0]


def test_junit_attributes_show_forbidden_characters_as_escapes() -> None:
    text = REPORTERS["junit"](hostile_report())
    suite = ET.fromstring(text.encode("utf-8"))  # noqa: S314 - our own output
    case = next(suite.iter("testcase"))
    assert case.get("file", "").startswith("registry/a\\xff\\ud800\\x00\\x01\\x0b\\x1b[2J")
