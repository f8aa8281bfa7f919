"""Shared test helpers: a real copy of the bundled registry in a real git repo,
and a CLI runner whose failures show what the command printed."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from itam.cli import cli

PROJECT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT.parent / "shared" / "data"
AS_OF = "2026-11-22"

# Files of the bundled registry that tests edit, by what they hold.
LAPTOPS = "registry/hardware/laptops"
LT1 = f"{LAPTOPS}/LT-0001.yaml"  # deployed, two audits
LT2 = f"{LAPTOPS}/LT-0002.yaml"  # deployed
LT3 = f"{LAPTOPS}/LT-0003.yaml"  # deployed, has an asset tag
LT4 = f"{LAPTOPS}/LT-0004.yaml"  # deployed
LT5 = f"{LAPTOPS}/LT-0005.yaml"  # deployed
LT6 = f"{LAPTOPS}/LT-0006.yaml"  # deployed
LT8 = f"{LAPTOPS}/LT-0008.yaml"  # ordered, no serial yet
LT10 = f"{LAPTOPS}/LT-0010.yaml"  # retired, nothing refers to it
LT14 = f"{LAPTOPS}/LT-0014.yaml"  # deployed, nothing refers to it
LT15 = f"{LAPTOPS}/LT-0015.yaml"  # disposed
LT18 = f"{LAPTOPS}/LT-0018.yaml"
WAIVERS = "policies/waivers.yaml"


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a fixed identity and clock; return its output."""
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_AUTHOR_DATE": "2026-11-01T12:00:00Z",
        "GIT_COMMITTER_DATE": "2026-11-01T12:00:00Z",
        "HOME": str(root),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout


@dataclass
class Result:
    """What one CLI call did."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


Validate = Callable[..., Result]
"""The ``validate`` fixture: ``validate(root, *args)``."""


def edit(root: Path, rel: str | Path, old: str, new: str) -> int:
    """Replace ``old`` (exactly once) in a file's text; return the 1-based line where it starts."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def findings(
    result: Result, rule: str | None = None, entity: str | None = None
) -> list[dict[str, Any]]:
    """The JSON findings of ``result``, of ``rule`` and on ``entity`` when given."""
    return [
        f
        for f in result.json()["findings"]
        if (rule is None or f["rule"] == rule) and (entity is None or f["entity"] == entity)
    ]


def errors_on(result: Result, rel: Path | str, rule: str) -> list[dict[str, Any]]:
    """The error findings of ``rule`` on the file ``rel``."""
    rel = rel.as_posix() if isinstance(rel, Path) else rel
    return [
        f
        for f in result.json()["findings"]
        if f["file"] == rel and f["rule"] == rule and f["severity"] == "error"
    ]


def run_itam(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Invoke the CLI in-process; exceptions surface as failures, never silently."""
    runner = CliRunner()
    result = runner.invoke(cli, [str(a) for a in args], env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"itam raised {result.exception!r}\n{result.output}")
    return Result(result.exit_code, result.stdout, result.stderr)


def copy_registry(dest: Path, with_git: bool = True) -> Path:
    """A copy of the bundled registry (registry/, schemas/, policies/, reference/) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("registry", "schemas", "policies", "reference"):
        if (PROJECT / name).exists():
            shutil.copytree(PROJECT / name, dest / name)
    if with_git:
        git(dest, "init", "--quiet", "--initial-branch=main")
        git(dest, "add", "-A")
        git(dest, "commit", "--quiet", "-m", "registry")
    return dest


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """A fresh git repository holding a copy of the bundled registry."""
    return copy_registry(tmp_path / "repo")


@pytest.fixture
def validate() -> Callable[..., Result]:
    """``validate(root, *args)``: run ``itam validate`` pinned to AS_OF."""

    def _validate(root: Path, *args: str | Path) -> Result:
        return run_itam("validate", "--root", root, "--as-of", AS_OF, *args)

    return _validate


def rules_on(result: Result, file_suffix: str) -> set[str]:
    """The rule ids of JSON findings whose file ends with ``file_suffix``."""
    return {f["rule"] for f in result.json()["findings"] if (f["file"] or "").endswith(file_suffix)}
