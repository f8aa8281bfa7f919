"""Every rule has passing and failing example entities on disk, found by folder.

    tests/examples/<rule id>/pass/<case>.yaml   (or a folder of files)
    tests/examples/<rule id>/fail/<case>.yaml

Each case is dropped into ``registry/examples/`` of a copy of the bundled
registry (so that its references resolve) and validated as of AS_OF. A failing
case must produce its rule, as an error or warning, on one of its files; all
passing cases together must produce no finding at all on their files. A case
may carry ``# as-of: YYYY-MM-DD`` on its first line to be judged as of
another date.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import AS_OF, Result, copy_registry

EXAMPLES = Path(__file__).parent / "examples"
AS_OF_LINE = re.compile(r"#\s*as-of:\s*([0-9]{4}-[0-9]{2}-[0-9]{2})")


def _cases(outcome: str) -> list[Path]:
    return sorted(EXAMPLES.glob(f"*/{outcome}/*"))


def _case_id(case: Path) -> str:
    return f"{case.parent.parent.name}/{case.name}"


def _as_of(case: Path) -> str:
    first = next(iter(sorted(case.rglob("*.yaml")) if case.is_dir() else [case]))
    match = AS_OF_LINE.match(first.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else AS_OF


def _install(case: Path, registry: Path) -> list[str]:
    target = registry / "registry" / "examples" / case.name
    if case.is_dir():
        shutil.copytree(case, target)
        files = sorted(target.rglob("*"))
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(case, target)
        files = [target]
    return [f.relative_to(registry).as_posix() for f in files if f.is_file()]


def test_every_rule_has_examples() -> None:
    rules = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    assert rules, "no examples found"
    for rule in rules:
        assert _cases_of(rule, "fail"), f"{rule} has no failing example"


def _cases_of(rule: str, outcome: str) -> list[Path]:
    return sorted((EXAMPLES / rule / outcome).glob("*"))


@pytest.mark.parametrize("case", _cases("fail"), ids=_case_id)
def test_failing_example(case: Path, tmp_path: Path, validate: Callable[..., Result]) -> None:
    rule = case.parent.parent.name
    root = copy_registry(tmp_path / "repo", with_git=False)
    files = _install(case, root)
    result = validate(root, "--format", "json", "--as-of", _as_of(case))
    assert result.exit_code in (0, 1), str(result)
    found = [
        f
        for f in result.json()["findings"]
        if f["rule"] == rule and (f["file"] in files or f["file"].startswith("policies/"))
    ]
    assert found, f"{rule} not reported on {files}:\n{result.stdout}"
    for finding in found:
        assert finding["message"], finding
        if finding["file"] in files and finding["file"].endswith((".yaml", ".yml")):
            assert finding["line"] is not None, finding
    if any(f["severity"] == "error" for f in found):
        assert result.exit_code == 1, str(result)


def test_passing_examples_together(tmp_path: Path, validate: Callable[..., Result]) -> None:
    cases = _cases("pass")
    assert cases, "no passing examples"
    by_date: dict[str, list[Path]] = {}
    for case in cases:
        by_date.setdefault(_as_of(case), []).append(case)
    for when, group in sorted(by_date.items()):
        root = copy_registry(tmp_path / f"repo-{when}", with_git=False)
        installed = {f: c for c in group for f in _install(c, root)}
        result = validate(root, "--format", "json", "--as-of", when)
        on_examples = [f for f in result.json()["findings"] if f["file"] in installed]
        assert not on_examples, "\n".join(
            f"{_case_id(installed[f['file']])}: [{f['rule']}] {f['message']}" for f in on_examples
        )
