"""Where the registry sits in git: a sub-folder of a larger repository, and
``itam`` run from a folder inside the registry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import AS_OF, LT1, PROJECT, edit, findings, git, run_itam


def _monorepo(tmp_path: Path) -> tuple[Path, Path]:
    """A git repository whose registry lives in ``it/assets/``."""
    top = tmp_path / "mono"
    root = top / "it" / "assets"
    root.mkdir(parents=True)
    for name in ("registry", "schemas", "policies", "reference"):
        shutil.copytree(PROJECT / name, root / name)
    (top / "README.md").write_text("other projects live here too\n", encoding="utf-8")
    git(top, "init", "--quiet", "--initial-branch=main")
    git(top, "add", "-A")
    git(top, "commit", "--quiet", "-m", "registry in a sub-folder")
    return top, root


def test_base_works_when_the_registry_is_a_sub_folder(tmp_path: Path) -> None:
    top, root = _monorepo(tmp_path)
    git(top, "checkout", "--quiet", "-b", "retire")
    edit(root, LT1, "status: deployed", "status: disposed")
    git(top, "commit", "--quiet", "-am", "jump to disposed")
    result = run_itam(
        "validate", "--root", root, "--as-of", AS_OF, "--base", "main", "--format", "json"
    )
    assert result.exit_code == 1, str(result)
    moves = result.json()["transitions"]
    assert moves == [{"entity": "LT-0001", "from": "deployed", "to": "disposed"}]
    assert findings(result, "lifecycle.transition", "LT-0001")
    # Files are named relative to the registry root, not the repository top.
    assert all(not f["file"].startswith("it/") for f in result.json()["findings"] if f["file"])


def test_an_unchanged_sub_folder_registry_has_no_new_findings(tmp_path: Path) -> None:
    _top, root = _monorepo(tmp_path)
    result = run_itam(
        "validate", "--root", root, "--as-of", AS_OF, "--base", "main", "--format", "json"
    )
    assert result.exit_code == 0, str(result)
    assert result.json()["transitions"] == []
    assert all(f.get("change") == "base" for f in result.json()["findings"])


@pytest.mark.parametrize("inside", ["", "registry", "registry/hardware/laptops", "policies"])
def test_the_root_is_found_from_inside_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inside: str
) -> None:
    top, root = _monorepo(tmp_path)
    monkeypatch.chdir(root / inside)
    result = run_itam("validate", "--as-of", AS_OF, "--base", "main", "--format", "json")
    assert result.exit_code == 0, str(result)
    assert Path(result.json()["root"]) == root.resolve()
    assert top != root
