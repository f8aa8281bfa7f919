"""Refs given to ``--base`` and ``--head`` are untrusted input.

A ref is never passed to git as an option, a transport, a range or a
``rev:path``; anything refused or unresolvable exits 2 with one line on
standard error, writes nothing and never prints a traceback. A clone too
shallow to hold the merge base says how to fetch it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import LT1, LT2, Result, Validate, copy_registry, git


def files_under(folder: Path) -> set[str]:
    """Every path below ``folder``, relative, folders included."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def assert_refused(result: Result, *expected: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr holding each of ``expected``."""
    assert result.exit_code == 2, result
    assert result.stdout == "", result
    assert "Traceback" not in result.stderr, result
    assert "internal error" not in result.stderr, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result
    assert lines[0].startswith("itam: "), result
    for text in expected:
        assert text in lines[0], result
    return lines[0]


def hostile_refs(target: Path) -> list[str]:
    """Refs that would write ``target`` (or worse) if git took them as options."""
    return [
        f"--output={target}",
        f"ext::sh -c touch% {target}",
        f"-u{target}",
        "--upload-pack=touch " + str(target),
        "main\nrm -rf /",
        "main\0--output=x",
        "main\x1b[31m",
        "main\x07",
        "main\t",
        " main",
        "main..other",
        "main...other",
        "HEAD:registry",
        ":/LT-0001",
        "",
        "a" * 300,
        "a/" * 150,
    ]


HOSTILE_IDS = [
    "output-option",
    "ext-transport",
    "upload-pack-short",
    "upload-pack-long",
    "newline",
    "nul",
    "escape",
    "bell",
    "tab",
    "leading-space",
    "range",
    "symmetric-range",
    "rev-path",
    "commit-message-search",
    "empty",
    "300-chars",
    "300-chars-path",
]


@pytest.fixture
def branch(registry: Path) -> Path:
    """The registry on a branch 'other' with one harmless commit."""
    git(registry, "checkout", "--quiet", "-b", "other")
    path = registry / LT1
    path.write_text(
        path.read_text(encoding="utf-8").replace("Amelia Hart", "A. Hart"), encoding="utf-8"
    )
    git(registry, "commit", "--quiet", "-am", "rename")
    return registry


@pytest.mark.parametrize("index", range(len(HOSTILE_IDS)), ids=HOSTILE_IDS)
@pytest.mark.parametrize("option", ["--base", "--head"])
def test_hostile_refs_are_refused_before_git_runs(
    branch: Path, tmp_path: Path, validate: Validate, index: int, option: str
) -> None:
    target = tmp_path / "pwned"
    report = tmp_path / "report.json"
    ref = hostile_refs(target)[index]
    status = git(branch, "status", "--porcelain", "--untracked-files=all")
    before = files_under(tmp_path)
    args = ["--base", ref] if option == "--base" else ["--base", "main", "--head", ref]
    result = validate(branch, *args, "--format", "json", "--output", report)
    assert_refused(result, "refusing ref")
    assert not target.exists()
    assert not report.exists()
    assert files_under(tmp_path) == before
    assert git(branch, "status", "--porcelain", "--untracked-files=all") == status
    assert git(branch, "branch", "--show-current").strip() == "other"


def test_a_refused_ref_is_shown_escaped_on_one_line(branch: Path, validate: Validate) -> None:
    result = validate(branch, "--base", "main\n::error file=x::forged\r\x1b[2J")
    line = assert_refused(result, "refusing ref")
    assert "\x1b" not in line
    assert "\r" not in result.stderr


def test_the_equals_form_of_the_option_is_refused_too(
    branch: Path, tmp_path: Path, validate: Validate
) -> None:
    target = tmp_path / "pwned"
    result = validate(branch, f"--base=--output={target}")
    assert_refused(result, "refusing ref")
    assert not target.exists()


def test_head_without_base_is_a_usage_error(branch: Path, validate: Validate) -> None:
    result = validate(branch, "--head", "other", "--format", "json")
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    # click's usage error: a usage line and a hint, then one line that says what is wrong.
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: --head needs --base"], result


def test_an_unknown_well_formed_ref_is_unknown(branch: Path, validate: Validate) -> None:
    assert_refused(validate(branch, "--base", "no-such-branch"), "unknown ref", "no-such-branch")
    assert_refused(
        validate(branch, "--base", "main", "--head", "release/9.9"), "unknown ref", "release/9.9"
    )
    assert_refused(validate(branch, "--base", "deadbeef" * 5), "unknown ref")
    assert_refused(validate(branch, "--base", "main~5"), "unknown ref")


@pytest.mark.parametrize("what", ["tree", "blob"])
@pytest.mark.parametrize("option", ["--base", "--head"])
def test_a_ref_naming_a_tree_or_blob_is_refused(
    branch: Path, validate: Validate, what: str, option: str
) -> None:
    spec = "HEAD^{tree}" if what == "tree" else f"HEAD:{LT1}"
    sha = git(branch, "rev-parse", spec).strip()
    args = ["--base", sha] if option == "--base" else ["--base", "main", "--head", sha]
    assert_refused(validate(branch, *args, "--format", "json"), f"names a {what}", "not a commit")
    assert_refused(validate(branch, "--base", sha[:12]), f"names a {what}")


def test_a_tag_of_a_commit_is_a_commit(branch: Path, validate: Validate) -> None:
    git(branch, "tag", "--annotate", "-m", "release", "v1", "main")
    result = validate(branch, "--base", "v1", "--format", "json")
    assert result.exit_code == 0, result
    assert result.json()["base"] == git(branch, "rev-parse", "main").strip()


@pytest.mark.parametrize("option", ["--base", "--head"])
def test_the_null_hash_is_an_unknown_ref(branch: Path, validate: Validate, option: str) -> None:
    null = "0" * 40
    args = ["--base", null, "--head", "main"] if option == "--base" else ["--base", "main"]
    if option == "--head":
        args += ["--head", null]
    assert_refused(validate(branch, *args), "unknown ref")


def test_a_reflog_date_ref_is_refused_cleanly(branch: Path, validate: Validate) -> None:
    assert_refused(validate(branch, "--base", "main@{2000-01-01}"))


# --- clones and folders that cannot answer --------------------------------------


@pytest.fixture
def shallow(registry: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(origin, clone): main has two commits and a branch; the clone has main's tip only."""
    git(registry, "checkout", "--quiet", "-b", "feature")
    path = registry / LT1
    path.write_text(
        path.read_text(encoding="utf-8").replace("Amelia Hart", "A. Hart"), encoding="utf-8"
    )
    git(registry, "commit", "--quiet", "-am", "feature")
    git(registry, "checkout", "--quiet", "main")
    path = registry / LT2
    path.write_text(
        path.read_text(encoding="utf-8").replace("Jonas Weber", "J. Weber"), encoding="utf-8"
    )
    git(registry, "commit", "--quiet", "-am", "main moves on")
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{registry}", "shallow")
    clone = tmp_path / "shallow"
    assert (clone / ".git" / "shallow").exists()
    assert git(clone, "rev-list", "--count", "HEAD").strip() == "1"
    return registry, clone


def test_shallow_clone_without_the_base_commit_says_fetch_depth_0(
    shallow: tuple[Path, Path], validate: Validate
) -> None:
    origin, clone = shallow
    first = git(origin, "rev-parse", "main~1").strip()
    before = files_under(clone)
    for ref in (first, "origin/feature", "feature"):
        assert_refused(validate(clone, "--base", ref, "--format", "json"), "fetch-depth: 0")
    assert files_under(clone) == before


def test_shallow_clone_without_the_merge_base_says_fetch_depth_0(
    shallow: tuple[Path, Path], validate: Validate
) -> None:
    _, clone = shallow
    git(clone, "fetch", "--quiet", "--depth", "1", "origin", "feature:feature")
    assert_refused(validate(clone, "--base", "feature"), "merge base", "fetch-depth: 0")
    # The parent of the tip is named in the tip's commit, but was not fetched.
    assert_refused(validate(clone, "--base", "main~1"), "fetch-depth: 0")


def test_shallow_clone_compares_with_what_it_has(
    shallow: tuple[Path, Path], validate: Validate
) -> None:
    _, clone = shallow
    result = validate(clone, "--base", "origin/main", "--format", "json")
    assert result.exit_code == 0, result
    assert result.json()["transitions"] == []


def test_unrelated_histories_have_no_merge_base(registry: Path, validate: Validate) -> None:
    git(registry, "checkout", "--quiet", "--orphan", "unrelated")
    git(registry, "commit", "--quiet", "-m", "a fresh start")
    assert_refused(validate(registry, "--base", "main"), "share no history")


@pytest.mark.parametrize("ref", ["main", "HEAD"])
def test_a_repository_without_commits_is_refused(
    tmp_path: Path, validate: Validate, ref: str
) -> None:
    root = copy_registry(tmp_path / "empty", with_git=False)
    git(root, "init", "--quiet", "--initial-branch=main")
    before = files_under(root)
    assert_refused(validate(root, "--base", ref, "--format", "json"))
    assert files_under(root) == before


def test_a_folder_that_is_not_a_git_repository_is_refused(
    tmp_path: Path, validate: Validate
) -> None:
    root = copy_registry(tmp_path / "plain", with_git=False)
    assert not (root / ".git").exists()
    before = files_under(tmp_path)
    assert_refused(
        validate(root, "--base", "main", "--format", "json"), "not inside a git repository"
    )
    assert files_under(tmp_path) == before
    # Without --base the same folder validates: git is only needed to compare.
    assert validate(root, "--format", "json").exit_code == 0
