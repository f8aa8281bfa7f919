"""A whole registry salted with hostile files: every one is reported at its line,
the run finishes, and nothing from outside the root is printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AS_OF, SHARED_DATA, Result, rules_on
from tests.hostile_inputs import EXPECTED, write_hostile_files

ADVERSARIAL = SHARED_DATA / "adversarial"
SECRET = "TOP-SECRET-not-for-ci-logs-7c91"

# Every hostile file's finding has a line (file.too-large points at line 1).
LINELESS_BY_DESIGN: set[str] = set()


def findings_by_file(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        out.setdefault(finding["file"] or "", []).append(finding)
    return out


def itam_command() -> list[str]:
    """The installed console script, or the package run as a module."""
    script = Path(sys.executable).with_name("itam")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "itam"]


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``itam validate`` in a fresh process; a hang fails the test, it never stalls it."""
    env = {k: v for k, v in os.environ.items() if k != "ITAM_DEBUG"}
    try:
        return subprocess.run(
            [*itam_command(), "validate", "--root", str(root), "--as-of", AS_OF, *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("itam validate did not finish within 60 s on the hostile registry")


def plant_secret(tmp_path: Path, folder: Path) -> None:
    """A YAML file outside the repository, linked from inside registry/.

    Its kind is the secret: were it read, the unknown-kind finding would print it.
    """
    secret = tmp_path / "outside" / "credentials.yaml"
    secret.parent.mkdir()
    secret.write_text(f"id: credentials\nkind: {SECRET}\nname: {SECRET}\n")
    (folder / "credentials.yaml").symlink_to(secret)
    (folder / "outside-folder").symlink_to(secret.parent, target_is_directory=True)


def test_our_hostile_files_are_each_reported_at_a_line(
    registry: Path, validate: Callable[..., Result]
) -> None:
    folder = registry / "registry" / "hostile"
    cases = write_hostile_files(folder)

    result = validate(registry, "--format", "json")

    assert result.exit_code == 1, result
    assert "Traceback" not in result.stderr
    report = result.json()
    found = findings_by_file(report)
    for name in cases:
        rel = f"registry/hostile/{name}"
        errors = [f for f in found.get(rel, []) if f["severity"] == "error"]
        assert errors, f"no error reported on {name}"
        if name not in LINELESS_BY_DESIGN:
            assert any(isinstance(f["line"], int) and f["line"] >= 1 for f in errors), errors
        rule = EXPECTED[name].rule
        if rule is not None:
            assert rule in rules_on(result, f"/{name}"), found[rel]
        else:
            assert not any(r.startswith("yaml.") for r in rules_on(result, f"/{name}"))


def test_loader_findings_keep_their_lines_through_the_cli(
    registry: Path, validate: Callable[..., Result]
) -> None:
    folder = registry / "registry" / "hostile"
    write_hostile_files(folder)

    report = validate(registry, "--format", "json").json()

    for name, expected in EXPECTED.items():
        if expected.rule is None:
            continue
        lines = {
            f["line"]
            for f in findings_by_file(report)[f"registry/hostile/{name}"]
            if f["rule"] == expected.rule
        }
        assert expected.line in lines, (name, lines)


def test_number_where_text_is_expected_is_shown_as_written(
    registry: Path, validate: Callable[..., Result]
) -> None:
    folder = registry / "registry" / "hostile"
    folder.mkdir()
    (folder / "lt-hostile-os.yaml").write_text(
        "id: lt-hostile-os\nkind: laptop\nname: Old Mac\nasset_tag: 0098765\n"
        "os:\n  name: macOS\n  version: 10.5\n"
    )

    result = validate(registry, "--format", "json")

    mine = findings_by_file(result.json())["registry/hostile/lt-hostile-os.yaml"]
    [version] = [f for f in mine if f["path"] == "/os/version"]
    assert version["line"] == 7
    assert "'10.5'" in version["message"]
    # A leading-zero tag stays the text that was written, so the schema accepts it.
    assert not [f for f in mine if f["path"] == "/asset_tag" and f["rule"].startswith("schema.")]


@pytest.mark.skipif(not ADVERSARIAL.is_dir(), reason=f"{ADVERSARIAL} is not on this machine")
def test_shared_adversarial_files_through_the_installed_cli(registry: Path, tmp_path: Path) -> None:
    folder = registry / "registry" / "adversarial"
    folder.mkdir()
    injected = set()
    for source in sorted(p for p in ADVERSARIAL.rglob("*") if p.is_file()):
        name = source.relative_to(ADVERSARIAL).as_posix().replace("/", "__") + ".yaml"
        (folder / name).write_bytes(source.read_bytes())
        injected.add(f"registry/adversarial/{name}")
    plant_secret(tmp_path, folder)
    os.mkfifo(folder / "pipe.yaml")

    done = run_cli(registry, "--format", "json")

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    found = findings_by_file(report)
    assert injected - found.keys() == set()
    assert {f["rule"] for f in found["registry/adversarial/credentials.yaml"]} == {"file.symlink"}
    assert {f["rule"] for f in found["registry/adversarial/outside-folder"]} == {"file.symlink"}
    assert {f["rule"] for f in found["registry/adversarial/pipe.yaml"]} == {"file.not-regular"}
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_text_reports_of_the_hostile_registry_finish_and_keep_secrets(
    registry: Path, tmp_path: Path, fmt: str
) -> None:
    folder = registry / "registry" / "hostile"
    write_hostile_files(folder)
    plant_secret(tmp_path, folder)
    os.mkfifo(folder / "pipe.yaml")

    done = run_cli(registry, "--format", fmt)

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stdout + done.stderr
    for name in EXPECTED:
        assert f"registry/hostile/{name}" in done.stdout
