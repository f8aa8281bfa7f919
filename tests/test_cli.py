"""The ``itam`` command line: formats, ``--output``, PATHS, ``--root``, dates,
environment variables, broken schemas, help and version.

Exit codes are the stable contract of PRODUCT.md: 0 no error, 1 at least one
error, 2 a usage or configuration problem, and never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from itam import __version__
from itam.cli import FORMATS
from tests.conftest import AS_OF, LT1, LT2, PROJECT, Result, Validate, edit, git, run_itam

CONTRACT_KEYS = {"version", "as_of", "root", "counts", "findings", "summary"}
FINDING_KEYS = ("rule", "severity", "entity", "file", "line", "column", "path", "message")
SUMMARY = re.compile(
    r"itam: (ok|FAILED): (\d+) entities in (\d+) files as of (\d{4}-\d{2}-\d{2}): "
    r"(\d+) errors?, (\d+) warnings?, (\d+) info(, \d+ waived)?"
)


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults under test must not depend on the CI runner's environment."""
    for name in ("GITHUB_ACTIONS", "SOURCE_DATE_EPOCH", "ITAM_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def break_registry(root: Path) -> None:
    """One blocking error: a misspelt field on LT-0001."""
    edit(root, LT1, "\nwarranty:\n", "\nwarrenty:\n")


def assert_usage_error(result: Result, *needles: str) -> None:
    """Exit 2, a message on stderr, nothing that looks like a crash."""
    assert result.exit_code == 2, str(result)
    assert "Traceback" not in result.stdout + result.stderr, str(result)
    assert "internal error" not in result.stderr, str(result)
    for needle in needles:
        assert needle in result.stderr, f"{needle!r} not in stderr:\n{result}"


def json_report(result: Result) -> dict[str, Any]:
    report = result.json()
    assert isinstance(report, dict)
    return report


# -- formats ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_passes_on_the_bundled_registry(
    registry: Path, validate: Validate, fmt: str
) -> None:
    result = validate(registry, "--format", fmt)
    assert result.exit_code == 0, str(result)
    assert result.stdout.endswith("\n")
    assert result.stderr == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_fails_on_a_broken_copy(registry: Path, validate: Validate, fmt: str) -> None:
    break_registry(registry)
    result = validate(registry, "--format", fmt)
    assert result.exit_code == 1, str(result)
    assert LT1 in result.stdout


def test_text_ends_with_one_summary_line(registry: Path, validate: Validate) -> None:
    result = validate(registry, "--format", "text")
    lines = result.stdout.splitlines()
    summaries = [line for line in lines if line.startswith("itam:")]
    assert summaries == [lines[-1]], result.stdout
    match = SUMMARY.fullmatch(lines[-1])
    assert match, lines[-1]
    verdict, entities, files, as_of, errors, warnings, infos, _ = match.groups()
    assert (verdict, as_of, errors) == ("ok", AS_OF, "0")
    report = json_report(validate(registry, "--format", "json"))
    assert int(entities) == report["counts"]["entities"]
    assert int(files) == report["counts"]["files"]
    assert int(warnings) == report["summary"]["warning"]
    assert int(infos) == report["summary"]["info"]


def test_text_is_the_default_format(registry: Path, validate: Validate) -> None:
    assert validate(registry).stdout == validate(registry, "--format", "text").stdout


def test_text_names_file_line_rule_and_entity(registry: Path, validate: Validate) -> None:
    break_registry(registry)
    result = validate(registry)
    lines = [line for line in result.stdout.splitlines() if "[schema.unknown-field]" in line]
    assert len(lines) == 1, result.stdout
    assert re.match(rf"{re.escape(LT1)}:\d+:\d+: error \[schema\.unknown-field\] ", lines[0])
    assert lines[0].endswith("(LT-0001)")
    assert result.stdout.splitlines()[-1].startswith("itam: FAILED: ")


def test_json_follows_the_contract(registry: Path, validate: Validate) -> None:
    result = validate(registry, "--format", "json")
    report = json_report(result)
    assert set(report) >= CONTRACT_KEYS
    assert report["version"] == 1
    assert report["as_of"] == AS_OF
    assert report["root"] == str(registry.resolve())
    counts = report["counts"]
    assert set(counts) == {"entities", "files"}
    assert isinstance(counts["entities"], int)
    assert isinstance(counts["files"], int)
    assert counts["entities"] >= 60
    assert counts["files"] >= counts["entities"]
    assert set(report["summary"]) == {"error", "warning", "info"}
    assert report["summary"]["error"] == 0
    for finding in report["findings"]:
        for key in FINDING_KEYS:
            assert key in finding, (key, finding)
        assert finding["severity"] in ("error", "warning", "info")
        assert isinstance(finding["rule"], str)
        assert re.fullmatch(r"[a-z]+(\.[a-z0-9-]+)+", finding["rule"]), finding
        assert finding["message"], finding
        if finding["file"] is not None:
            assert not finding["file"].startswith("/"), finding
            assert "\\" not in finding["file"], finding
            assert (registry / finding["file"]).is_file(), finding
        for place in ("line", "column"):
            assert finding[place] is None or finding[place] >= 1, finding
        assert finding["path"] == "" or finding["path"].startswith("/"), finding
    unwaived = [f for f in report["findings"] if "waiver" not in f]
    for severity in ("error", "warning", "info"):
        expected = sum(1 for f in unwaived if f["severity"] == severity)
        assert report["summary"][severity] == expected, severity


def test_json_has_exactly_the_contract_keys(registry: Path, validate: Validate) -> None:
    report = json_report(validate(registry, "--format", "json"))
    assert set(report) == CONTRACT_KEYS


def test_json_findings_on_a_broken_copy(registry: Path, validate: Validate) -> None:
    break_registry(registry)
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1
    report = json_report(result)
    [finding] = [f for f in report["findings"] if f["rule"] == "schema.unknown-field"]
    assert finding["file"] == LT1
    assert finding["entity"] == "LT-0001"
    assert finding["path"] == "/warrenty"
    assert finding["severity"] == "error"
    lines = (registry / LT1).read_text(encoding="utf-8").splitlines()
    assert lines[finding["line"] - 1].startswith("warrenty:")
    assert finding["column"] == 1
    assert report["summary"]["error"] >= 1


def test_github_annotations_on_a_broken_copy(registry: Path, validate: Validate) -> None:
    break_registry(registry)
    result = validate(registry, "--format", "github")
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert any(
        re.match(
            rf"::error file={re.escape(LT1)},line=\d+,col=\d+,"
            r"title=schema\.unknown-field \(LT-0001\)::unknown field 'warrenty'",
            line,
        )
        for line in errors
    ), result.stdout
    # Past GitHub's ten annotations a level, the rest are plain lines in a group.
    grouped = False
    for line in lines[:-1]:
        grouped = line.startswith("::group::") or (grouped and line != "::endgroup::")
        assert grouped or line.startswith("::"), result.stdout
    assert lines[-1].startswith("itam: FAILED: ")


# -- --output --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_writes_what_stdout_would_show(
    registry: Path, validate: Validate, tmp_path: Path, fmt: str
) -> None:
    break_registry(registry)
    shown = validate(registry, "--format", fmt)
    out = tmp_path / "out"
    out.mkdir()
    report = out / f"report.{fmt}"
    written = validate(registry, "--format", fmt, "--output", report)
    assert written.exit_code == shown.exit_code == 1
    assert written.stdout == ""
    assert report.read_bytes() == shown.stdout.encode("utf-8")
    summary = validate(registry, "--format", "text").stdout.splitlines()[-1]
    assert written.stderr == summary + "\n"
    assert sorted(p.name for p in out.iterdir()) == [report.name], "temporary files left behind"


def test_output_replaces_an_existing_file(
    registry: Path, validate: Validate, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    report.write_text("old content that is much longer than nothing\n" * 1000, encoding="utf-8")
    result = validate(registry, "--format", "json", "--output", report)
    assert result.exit_code == 0, str(result)
    assert json.loads(report.read_text(encoding="utf-8"))["as_of"] == AS_OF
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["report.json"]


def test_output_relative_to_the_current_folder(
    registry: Path, validate: Validate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = validate(registry, "--format", "json", "--output", "report.json")
    assert result.exit_code == 0, str(result)
    assert json.loads((work / "report.json").read_text(encoding="utf-8"))["version"] == 1


def test_output_into_a_missing_folder(registry: Path, validate: Validate, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.json"
    result = validate(registry, "--output", target)
    assert_usage_error(result, "cannot write", str(target))
    assert not target.parent.exists()


def test_output_onto_a_folder(registry: Path, validate: Validate, tmp_path: Path) -> None:
    result = validate(registry, "--output", tmp_path)
    assert_usage_error(result)


# -- PATHS -----------------------------------------------------------------------


def test_paths_limit_findings_to_those_files(registry: Path, validate: Validate) -> None:
    break_registry(registry)
    edit(registry, LT2, "\nname: ", "\nnmae: ")
    everything = json_report(validate(registry, "--format", "json"))
    assert {LT1, LT2} <= {f["file"] for f in everything["findings"]}
    result = validate(registry, "--format", "json", registry / LT1)
    assert result.exit_code == 1
    report = json_report(result)
    assert {f["file"] for f in report["findings"]} == {LT1}
    # Everything is still read: the counts are the whole registry's.
    assert report["counts"] == everything["counts"]


def test_paths_take_folders(registry: Path, validate: Validate) -> None:
    result = validate(registry, "--format", "json", registry / "registry" / "hardware")
    files = {f["file"] for f in json_report(result)["findings"]}
    assert files, "the bundled hardware has warnings"
    assert all(f.startswith("registry/hardware/") for f in files), files


def test_paths_relative_to_the_current_folder(
    registry: Path, validate: Validate, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_registry(registry)
    monkeypatch.chdir(registry / Path(LT1).parent)
    result = validate(registry, "--format", "json", Path(LT1).name)
    assert result.exit_code == 1
    assert {f["file"] for f in json_report(result)["findings"]} == {LT1}


def test_an_error_outside_the_paths_does_not_fail_the_run(
    registry: Path, validate: Validate
) -> None:
    edit(registry, LT2, "\nname: ", "\nnmae: ")
    result = validate(registry, "--format", "json", registry / LT1)
    assert result.exit_code == 0, str(result)
    assert json_report(result)["findings"] == []


def test_a_duplicate_serial_with_an_unlisted_file_is_found(
    registry: Path, validate: Validate
) -> None:
    edit(registry, LT2, "serial: 8JQ4KZ3\n", "serial: PF4K7M2Q\n")
    result = validate(registry, "--format", "json", registry / LT1)
    assert result.exit_code == 1, str(result)
    findings = json_report(result)["findings"]
    assert [(f["rule"], f["file"]) for f in findings] == [("integrity.unique-serial", LT1)]
    assert "LT-0002" in findings[0]["message"]
    assert findings[0]["path"] == "/serial"
    assert findings[0]["line"] == 6


def test_a_path_outside_the_root(registry: Path, validate: Validate, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("id: x\n", encoding="utf-8")
    result = validate(registry, elsewhere)
    assert_usage_error(result, "outside the registry root")


def test_a_path_that_does_not_exist(registry: Path, validate: Validate) -> None:
    assert_usage_error(validate(registry, registry / "registry" / "nothing.yaml"))


# -- --root ----------------------------------------------------------------------


def test_a_missing_root(tmp_path: Path, validate: Validate) -> None:
    missing = tmp_path / "no-such-folder"
    assert_usage_error(validate(missing), str(missing), "not a readable folder")


def test_a_root_that_is_not_a_registry(tmp_path: Path, validate: Validate) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_usage_error(validate(empty), "not an itam registry", "registry/")


def test_a_root_that_is_a_file(tmp_path: Path, validate: Validate) -> None:
    file = tmp_path / "file.txt"
    file.write_text("", encoding="utf-8")
    assert_usage_error(validate(file))


def test_a_registry_without_schemas(registry: Path, validate: Validate) -> None:
    shutil.rmtree(registry / "schemas")
    assert_usage_error(validate(registry), "schemas")


def test_root_defaults_to_the_git_work_tree(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(registry / "registry" / "hardware" / "laptops")
    result = run_itam("validate", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, str(result)
    report = json_report(result)
    assert report["root"] == str(registry.resolve())
    assert report["counts"]["entities"] >= 60


def test_root_defaults_to_a_linked_worktree(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a linked worktree (and a submodule) .git is a file, not a folder.
    linked = tmp_path / "linked"
    git(registry, "worktree", "add", "--quiet", str(linked))
    assert (linked / ".git").is_file()
    monkeypatch.chdir(linked / "registry")
    result = run_itam("validate", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, str(result)
    assert json_report(result)["root"] == str(linked.resolve())


def test_no_root_outside_a_git_work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    if any((folder / ".git").exists() for folder in (nowhere, *nowhere.parents)):
        pytest.skip("the temporary folder is inside a git work tree")
    monkeypatch.chdir(nowhere)
    result = run_itam("validate", "--as-of", AS_OF)
    assert_usage_error(result, "not inside a git work tree", "--root")


def test_no_root_in_a_git_work_tree_that_is_not_a_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "other"
    repo.mkdir()
    git(repo, "init", "--quiet")
    monkeypatch.chdir(repo)
    assert_usage_error(run_itam("validate", "--as-of", AS_OF), "not an itam registry")


# -- --as-of and SOURCE_DATE_EPOCH -------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["tomorrow", "2026-11-22T10:00", "22.11.2026", "", "20261122"],
)
def test_a_bad_as_of(registry: Path, value: str) -> None:
    result = run_itam("validate", "--root", registry, "--as-of", value)
    assert_usage_error(result, "YYYY-MM-DD")


@pytest.mark.parametrize("value", ["2023-02-30", "2026-13-01", "2025-02-29"])
def test_an_impossible_as_of_says_it_does_not_exist(registry: Path, value: str) -> None:
    result = run_itam("validate", "--root", registry, "--as-of", value)
    assert_usage_error(result, f"{value} does not exist on the calendar")


def test_as_of_is_reported(registry: Path, validate: Validate) -> None:
    report = json_report(validate(registry, "--format", "json", "--as-of", "2024-02-29"))
    assert report["as_of"] == "2024-02-29"


def test_source_date_epoch_sets_as_of(registry: Path) -> None:
    # The last second of 2026-11-22 in UTC: the date is taken in UTC, not local time.
    epoch = int(dt.datetime(2026, 11, 22, 23, 59, 59, tzinfo=dt.UTC).timestamp())
    result = run_itam(
        "validate", "--root", registry, "--format", "json", env={"SOURCE_DATE_EPOCH": str(epoch)}
    )
    assert result.exit_code == 0, str(result)
    assert json_report(result)["as_of"] == "2026-11-22"


def test_as_of_wins_over_source_date_epoch(registry: Path) -> None:
    result = run_itam(
        "validate",
        "--root",
        registry,
        "--format",
        "json",
        "--as-of",
        AS_OF,
        env={"SOURCE_DATE_EPOCH": "0"},
    )
    assert json_report(result)["as_of"] == AS_OF


def test_a_bad_source_date_epoch(registry: Path) -> None:
    result = run_itam("validate", "--root", registry, env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert_usage_error(result, "SOURCE_DATE_EPOCH")


def test_as_of_defaults_to_today(registry: Path) -> None:
    before = dt.date.today().isoformat()
    result = run_itam("validate", "--root", registry, "--format", "json")
    after = dt.date.today().isoformat()
    assert json_report(result)["as_of"] in (before, after)


# -- usage errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "--format", "xml"),
        ("validate", "--format"),
        ("validate", "--no-such-option"),
        ("no-such-command",),
        ("policy", "no-such-command"),
    ],
    ids=["format-xml", "format-missing-value", "unknown-option", "unknown-command", "unknown-sub"],
)
def test_usage_errors(registry: Path, args: tuple[str, ...]) -> None:
    result = run_itam(*args, "--root", registry)
    assert_usage_error(result)
    assert "Usage:" in result.stderr or "Error:" in result.stderr


# -- the environment -------------------------------------------------------------


def test_github_actions_switches_the_default_format(registry: Path) -> None:
    break_registry(registry)
    args = ("validate", "--root", registry, "--as-of", AS_OF)
    result = run_itam(*args, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"::error file={LT1},") for line in lines), result.stdout
    assert any(line.startswith("::warning file=") for line in lines), result.stdout
    assert result.stdout == run_itam(*args, "--format", "github").stdout


def test_github_actions_does_not_override_an_explicit_format(registry: Path) -> None:
    args = ("validate", "--root", registry, "--as-of", AS_OF, "--format", "json")
    result = run_itam(*args, env={"GITHUB_ACTIONS": "true"})
    assert json_report(result)["version"] == 1


@pytest.mark.parametrize("value", ["false", ""])
def test_github_actions_other_values_keep_text(registry: Path, value: str) -> None:
    args = ("validate", "--root", registry, "--as-of", AS_OF)
    result = run_itam(*args, env={"GITHUB_ACTIONS": value})
    assert result.stdout == run_itam(*args, "--format", "text").stdout


# -- broken schema files ---------------------------------------------------------


LAPTOP_SCHEMA = Path("schemas/kinds/laptop.schema.json")


def test_a_schema_with_invalid_json(registry: Path, validate: Validate) -> None:
    (registry / LAPTOP_SCHEMA).write_text(
        '{\n  "type": "object",\n  "properties": {,\n}\n', encoding="utf-8"
    )
    result = validate(registry)
    assert_usage_error(result, f"{LAPTOP_SCHEMA.as_posix()}:3:", "invalid JSON")
    assert result.stdout == ""


def test_a_schema_that_is_not_an_object(registry: Path, validate: Validate) -> None:
    (registry / LAPTOP_SCHEMA).write_text('["type", "object"]\n', encoding="utf-8")
    assert_usage_error(validate(registry), LAPTOP_SCHEMA.as_posix())


def test_a_schema_that_is_not_valid_json_schema(registry: Path, validate: Validate) -> None:
    edit(
        registry,
        LAPTOP_SCHEMA,
        '"memory_gb": { "description": "Installed memory in GB.", "type": "integer"',
        '"memory_gb": { "description": "Installed memory in GB.", "type": "integr"',
    )
    result = validate(registry)
    assert_usage_error(result, LAPTOP_SCHEMA.as_posix(), "not a valid JSON Schema", "memory_gb")


def test_a_schema_with_a_dangling_ref(registry: Path, validate: Validate) -> None:
    edit(registry, LAPTOP_SCHEMA, '"../hardware.schema.json"', '"../hardwear.schema.json"')
    result = validate(registry)
    assert_usage_error(result, LAPTOP_SCHEMA.as_posix(), "hardwear")


def test_a_schema_that_is_not_utf8(registry: Path, validate: Validate) -> None:
    (registry / "schemas" / "extensions.schema.json").write_bytes(b'{"title": "\xff"}\n')
    assert_usage_error(validate(registry), "schemas/extensions.schema.json")


# -- help and version ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("-h",),
        ("validate", "--help"),
        ("policy", "--help"),
        ("policy", "list", "--help"),
        ("policy", "explain", "--help"),
    ],
    ids=" ".join,
)
def test_help(args: tuple[str, ...]) -> None:
    result = run_itam(*args)
    assert result.exit_code == 0, str(result)
    # In-process the program name is the function's; see test_the_program_name.
    assert result.stdout.startswith("Usage: "), result.stdout
    assert result.stderr == ""


def test_validate_help_lists_the_contract_options() -> None:
    text = run_itam("validate", "--help").stdout
    for option in ("--root", "--as-of", "--format", "--output", "PATHS"):
        assert option in text, option
    for fmt in FORMATS:
        assert fmt in text, fmt


def test_help_does_not_need_a_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert run_itam("validate", "--help").exit_code == 0


def test_version() -> None:
    result = run_itam("--version")
    assert result.exit_code == 0
    assert result.stdout == f"itam, version {__version__}\n"
    with (PROJECT / "pyproject.toml").open("rb") as handle:
        assert tomllib.load(handle)["project"]["version"] == __version__


def test_the_module_runs_as_a_program(registry: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "itam", "validate", "--root", str(registry), "--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("itam: ok: ")


def test_the_program_name() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "itam", "validate", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: itam validate [OPTIONS] [PATHS]..."), result.stdout
