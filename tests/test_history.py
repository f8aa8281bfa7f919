"""The git history of every registry file, from one ``git log`` pass.

Each file's list of commits must be what ``git log --follow`` says for that
file alone, through renames; each change names the top-level fields it
changed; ``at`` stops the history at a commit; nothing in a commit message
or an author's name can derail the parsing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from itam.errors import ConfigError
from itam.history import Change, changed_fields, collect, same

LAPTOP = """id: LT-1
kind: laptop
name: First laptop
status: in-stock
serial: S-1
"""


def commit(root: Path, message: str, date: str, author: str = "Ann Admin") -> str:
    """Commit everything with a pinned identity and clock; the new commit's hash."""
    env = {
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "ann@example.invalid",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "ann@example.invalid",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "HOME": str(root),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }

    def run(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
        ).stdout

    run("add", "-A")
    run("commit", "--quiet", "--allow-empty", "-m", message)
    return run("rev-parse", "HEAD").strip()


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def follow(root: Path, rel: str) -> list[str]:
    """What ``git log --follow`` lists for one file: the reference answer."""
    out = subprocess.run(
        ["git", "log", "--follow", "--format=%H", "--", rel],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Five commits: add, edit, move, edit after the move, and an unrelated file."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main"], cwd=root, check=True)
    write(root, "registry/laptops/LT-1.yaml", LAPTOP)
    write(root, "registry/people/P-1.yaml", "id: P-1\nkind: person\nname: Pat\n")
    commit(root, "Add the first laptop and Pat", "2026-01-05T09:00:00+01:00")
    write(
        root,
        "registry/laptops/LT-1.yaml",
        LAPTOP.replace("in-stock", "deployed") + "owner: P-1\n",
    )
    commit(root, "Hand LT-1 to Pat", "2026-02-10T10:00:00+01:00", author="Bo Builder")
    (root / "registry/hardware").mkdir(parents=True)
    subprocess.run(
        ["git", "mv", "registry/laptops/LT-1.yaml", "registry/hardware/LT-1.yaml"],
        cwd=root,
        check=True,
    )
    commit(root, "Sort laptops under hardware/", "2026-03-01T11:00:00+00:00")
    write(
        root,
        "registry/hardware/LT-1.yaml",
        LAPTOP.replace("in-stock", "deployed").replace("First laptop", "Renamed") + "owner: P-1\n",
    )
    commit(root, "Rename LT-1", "2026-04-01T12:00:00+00:00")
    write(root, "README.md", "not in the registry\n")
    commit(root, "Docs only", "2026-05-01T12:00:00+00:00")
    return root


def test_each_file_lists_the_commits_git_log_follow_lists(repo: Path) -> None:
    history = collect(repo)
    assert set(history) == {"registry/hardware/LT-1.yaml", "registry/people/P-1.yaml"}
    for rel, changes in history.items():
        assert [c.commit for c in changes] == follow(repo, rel), rel
    assert len(history["registry/hardware/LT-1.yaml"]) == 4


def test_each_change_says_who_when_what_and_which_fields(repo: Path) -> None:
    changes = collect(repo)["registry/hardware/LT-1.yaml"]
    renamed, moved, handed, added = changes
    assert (added.action, added.fields, added.subject) == (
        "added",
        (),
        "Add the first laptop and Pat",
    )
    assert added.date == "2026-01-05T09:00:00+01:00"
    assert (handed.action, handed.fields, handed.author) == (
        "modified",
        ("status", "owner"),
        "Bo Builder",
    )
    assert (moved.action, moved.fields, moved.previous_path) == (
        "renamed",
        (),
        "registry/laptops/LT-1.yaml",
    )
    assert (renamed.action, renamed.fields) == ("modified", ("name",))


def test_at_a_past_commit_the_history_stops_there(repo: Path) -> None:
    history = collect(repo, at="HEAD~3")
    assert set(history) == {"registry/laptops/LT-1.yaml", "registry/people/P-1.yaml"}
    assert [c.subject for c in history["registry/laptops/LT-1.yaml"]] == [
        "Hand LT-1 to Pat",
        "Add the first laptop and Pat",
    ]


def test_an_unknown_ref_is_a_config_error(repo: Path) -> None:
    with pytest.raises(ConfigError, match="unknown ref"):
        collect(repo, at="no-such-branch")


def test_a_folder_outside_git_has_no_history(tmp_path: Path) -> None:
    (tmp_path / "registry").mkdir()
    assert collect(tmp_path) == {}


def test_a_repository_without_commits_has_no_history(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "--quiet"], cwd=tmp_path, check=True)
    assert collect(tmp_path) == {}


def test_hostile_subjects_and_names_do_not_derail_the_parsing(repo: Path) -> None:
    subject = "commit deadbeef\x1e: R100 fake\x1f <script>x</script>"
    write(repo, "registry/people/P-1.yaml", "id: P-1\nkind: person\nname: Pat Two\n")
    commit(repo, subject, "2026-06-01T12:00:00+00:00", author="Eve \x1e:100644 commit")
    history = collect(repo)
    newest = history["registry/people/P-1.yaml"][0]
    assert newest.subject == subject
    assert newest.author == "Eve \x1e:100644 commit"
    assert newest.fields == ("name",)
    for rel, changes in history.items():
        assert [c.commit for c in changes] == follow(repo, rel)


def test_a_file_deleted_and_added_again_keeps_both_lives(repo: Path) -> None:
    (repo / "registry/people/P-1.yaml").unlink()
    commit(repo, "Remove Pat", "2026-06-01T12:00:00+00:00")
    write(repo, "registry/people/P-1.yaml", "id: P-1\nkind: person\nname: Pat again\n")
    commit(repo, "Pat is back", "2026-07-01T12:00:00+00:00")
    changes = collect(repo)["registry/people/P-1.yaml"]
    assert [c.action for c in changes] == ["added", "deleted", "added"]
    assert [c.commit for c in changes] == follow(repo, "registry/people/P-1.yaml")


def test_a_side_that_is_not_valid_yaml_has_no_field_list(repo: Path) -> None:
    write(repo, "registry/people/P-1.yaml", "id: P-1\nkind: [unclosed\n")
    commit(repo, "Break Pat", "2026-06-01T12:00:00+00:00")
    newest = collect(repo)["registry/people/P-1.yaml"][0]
    assert isinstance(newest, Change)
    assert newest.fields is None


def test_a_registry_in_a_sub_folder_is_followed_too(tmp_path: Path) -> None:
    root = tmp_path / "mono"
    root.mkdir()
    subprocess.run(["git", "init", "--quiet"], cwd=root, check=True)
    write(root, "assets/registry/LT-1.yaml", LAPTOP)
    write(root, "registry/ignored.yaml", "id: other\n")
    commit(root, "Add", "2026-01-01T00:00:00+00:00")
    history = collect(root / "assets")
    assert list(history) == ["registry/LT-1.yaml"]


def test_values_compare_strictly() -> None:
    assert not same(1, True)
    assert not same(1, 1.0)
    assert not same("10.10", "10.1")
    assert same({"a": [1, {"b": "x"}]}, {"a": [1, {"b": "x"}]})
    assert changed_fields({"a": 1, "b": 2}, {"b": 3, "c": 4}) == ("b", "c", "a")
    assert changed_fields(None, {"a": 1}) is None
