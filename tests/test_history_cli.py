"""`itam history ID`: the commits of one entity, across renames and merges, as
`git log --follow` lists them, with the fields each changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import LT1, LT2, LT3, Result, copy_registry, edit, git, run_itam

MOVED = "registry/hardware/laptops/london/LT-0001.yaml"
BACK = "registry/hardware/LT-0001.yaml"


def history(root: Path, *args: str, code: int = 0) -> Result:
    result = run_itam("history", "--root", root, *args)
    assert result.exit_code == code, str(result)
    assert "Traceback" not in result.stderr
    return result


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LT-0001 edited, moved to a sub-folder, edited on a merged branch, and
    moved again with an edit; other files changed in between."""
    root = copy_registry(tmp_path_factory.mktemp("history") / "repo")
    edit(root, LT1, "location: lon-hq-3f", "location: lon-hq-stores")
    commit(root, "LT-0001 back to stores")
    edit(root, LT2, "owner: EMP-1002", "owner: EMP-1003")
    commit(root, "LT-0002 changes hands")
    (root / MOVED).parent.mkdir()
    git(root, "mv", LT1, MOVED)
    commit(root, "File London laptops by site")
    git(root, "checkout", "--quiet", "-b", "audit")
    edit(
        root,
        MOVED,
        "  - {date: 2026-03-18, by: EMP-1010, result: found}\n",
        "  - {date: 2026-03-18, by: EMP-1010, result: found}\n"
        "  - {date: 2026-10-30, by: EMP-1010, result: found}\n",
    )
    commit(root, "Audit LT-0001")
    git(root, "checkout", "--quiet", "main")
    edit(root, LT3, "status: deployed", "status: in-repair\nrepair: {ticket: INC-1}")
    commit(root, "LT-0003 to repair")
    git(root, "merge", "--quiet", "--no-ff", "-m", "Merge the October audit", "audit")
    git(root, "mv", MOVED, BACK)
    edit(root, BACK, "criticality: medium", "criticality: high")
    commit(root, "\x1b[2JLT-0001 is critical")
    return root


def test_the_same_commits_as_git_log_follow(repo: Path) -> None:
    changes = history(repo, "LT-0001", "--format", "json").json()["changes"]
    expected = git(repo, "log", "--follow", "--format=%H", "--", BACK).split()
    assert [c["commit"] for c in changes] == expected
    assert len(expected) == 5  # added, edited, moved, audited on the branch, moved and edited
    subjects = [c["subject"] for c in changes]
    assert "LT-0002 changes hands" not in subjects
    assert "Merge the October audit" not in subjects  # the branch's own commit carries it


def test_actions_and_the_fields_each_commit_changed(repo: Path) -> None:
    document = history(repo, "LT-0001", "--format", "json").json()
    assert (document["version"], document["id"], document["file"]) == (1, "LT-0001", BACK)
    by_subject = {c["subject"]: c for c in document["changes"]}
    assert by_subject["registry"]["action"] == "added"
    assert by_subject["LT-0001 back to stores"]["fields"] == ["location"]
    moved = by_subject["File London laptops by site"]
    assert (moved["action"], moved["fields"], moved["previous_path"]) == ("renamed", [], LT1)
    assert by_subject["Audit LT-0001"]["fields"] == ["audits"]
    last = document["changes"][0]
    assert (last["action"], last["fields"], last["previous_path"]) == (
        "renamed",
        ["criticality"],
        MOVED,
    )
    assert all(
        c["author"] == "Test" and c["date"].startswith("2026-11-01") for c in document["changes"]
    )


def test_text_lists_date_commit_author_subject_and_fields(repo: Path) -> None:
    text = history(repo, "LT-0001").stdout
    lines = text.splitlines()
    assert lines[0] == f"LT-0001  {BACK}  (5 commits)"
    top = git(repo, "rev-parse", "HEAD").strip()
    # A subject's escape sequence is shown, never sent to the terminal.
    assert lines[1] == f"2026-11-01  {top[:12]}  Test  \\x1b[2JLT-0001 is critical"
    assert "\x1b" not in text
    assert lines[2] == f"    moved from {MOVED}; changed criticality"
    assert "    changed location" in lines
    assert "    added" in lines


def test_unknown_and_hostile_ids_are_usage_errors(repo: Path) -> None:
    missing = history(repo, "LT-00001", code=2)
    assert "no entity with id 'LT-00001'" in missing.stderr
    assert "did you mean 'LT-0001'" in missing.stderr
    for hostile in ("../LT-0001", "/etc/passwd", "LT-0001\n", "-rf"):
        assert "is not an id" in history(repo, "--", hostile, code=2).stderr


def test_an_entity_not_committed_yet_has_no_history(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    shutil.copy(root / LT1, root / "registry/hardware/laptops/LT-0100.yaml")
    text = history(root, "LT-0100").stdout
    assert "not committed yet" in text
    assert history(root, "LT-0100", "--format", "json").json()["changes"] == []


def test_a_registry_outside_git_has_no_history(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "plain", with_git=False)
    assert "git repository" in history(root, "LT-0001", code=2).stderr
