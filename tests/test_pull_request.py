"""Pull-request mode: ``itam validate --base REF`` judges what a branch did.

Every test builds a real branch in the ``registry`` fixture (a git repository
whose ``main`` holds the bundled registry), commits a change and validates it
two ways: from the branch's own work tree (``--base main``), and from main's
checkout naming the branch (``--base main --head BRANCH``). Both must judge
the change the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    LAPTOPS,
    LT1,
    LT3,
    LT4,
    LT5,
    LT6,
    LT8,
    LT10,
    LT14,
    LT15,
    Result,
    Validate,
    edit,
    findings,
    git,
)

Judge = Callable[[], Result]

BRANCH = "change/pr-1"
DT4 = "registry/hardware/desktops/DT-0004.yaml"  # disposed, nothing refers to it
EMP9 = "registry/people/EMP-1009.yaml"  # a person nobody refers to

RETIREMENT = "status: retired\nretirement:\n  date: 2026-11-20\n  reason: Replaced by LT-0009.\n"


# --- helpers ---------------------------------------------------------------


def drop_line(root: Path, rel: str, line: str) -> None:
    edit(root, rel, line + "\n", "")


def line_of(text: str, prefix: str) -> int:
    """The 1-based number of the first line of ``text`` starting with ``prefix``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"no line starts with {prefix!r}")


def line_in(root: Path, rel: str, prefix: str) -> int:
    return line_of((root / rel).read_text(encoding="utf-8"), prefix)


def line_on_main(root: Path, rel: str, prefix: str) -> int:
    return line_of(git(root, "show", f"main:{rel}"), prefix)


def start_branch(root: Path, name: str = BRANCH) -> None:
    git(root, "checkout", "--quiet", "-b", name)


def commit(root: Path, message: str = "change") -> None:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", message)


def one(result: Result, rule: str, entity: str) -> dict[str, Any]:
    hits = [f for f in findings(result, rule) if f["entity"] == entity]
    assert len(hits) == 1, f"expected one {rule} on {entity}\n{result}"
    return hits[0]


def new_errors(result: Result) -> list[dict[str, Any]]:
    return [f for f in findings(result) if f["severity"] == "error" and f.get("change") == "new"]


def assert_blocks(
    result: Result, rule: str, entity: str, file: str, line: int | None = None
) -> dict[str, Any]:
    """``result`` failed (exit 1) because of a new ``rule`` error at ``file``:``line``."""
    assert result.exit_code == 1, result
    finding = one(result, rule, entity)
    assert finding["severity"] == "error"
    assert finding["change"] == "new"
    assert finding["file"] == file
    assert isinstance(finding["line"], int)
    assert finding["line"] >= 1
    if line is not None:
        assert finding["line"] == line, finding
    return finding


def assert_allowed(result: Result) -> None:
    assert result.exit_code == 0, result
    assert new_errors(result) == [], result
    assert not [f for f in findings(result) if f["rule"].startswith(("entity.", "history."))]


@pytest.fixture(params=["worktree", "head"])
def judge(request: pytest.FixtureRequest, registry: Path, validate: Validate) -> Judge:
    """``judge()`` validates the committed branch against main, one of two ways:

    - ``worktree``: on the branch, ``--base main`` (the work tree is the change);
    - ``head``: on main, ``--base main --head BRANCH`` (the commit is the change).
    """
    mode: str = request.param

    def _judge() -> Result:
        if mode == "worktree":
            assert git(registry, "branch", "--show-current").strip() == BRANCH
            return validate(registry, "--base", "main", "--format", "json")
        git(registry, "checkout", "--quiet", "main")
        result = validate(registry, "--base", "main", "--head", BRANCH, "--format", "json")
        git(registry, "checkout", "--quiet", BRANCH)
        return result

    return _judge


@pytest.fixture
def branch(registry: Path) -> Path:
    """The registry, checked out on a new branch BRANCH forked from main."""
    start_branch(registry)
    return registry


# --- the base itself is clean ------------------------------------------------


def test_an_unchanged_branch_passes(branch: Path, judge: Judge) -> None:
    git(branch, "commit", "--quiet", "--allow-empty", "-m", "nothing")
    result = judge()
    assert_allowed(result)
    document = result.json()
    assert document["transitions"] == []
    assert isinstance(document["base"], str)
    assert len(document["base"]) == 40
    assert document["base"] == git(branch, "rev-parse", "main").strip()


# --- deletions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "entity"),
    [(LT14, "LT-0014"), (LT10, "LT-0010"), (DT4, "DT-0004")],
    ids=["deployed", "retired", "disposed"],
)
def test_deleting_an_asset_file_is_entity_deleted(
    branch: Path, judge: Judge, rel: str, entity: str
) -> None:
    id_line = line_in(branch, rel, "id:")
    git(branch, "rm", "--quiet", rel)
    commit(branch, f"delete {entity}")
    result = judge()
    finding = assert_blocks(result, "entity.deleted", entity, rel, id_line)
    assert finding["path"] == "/id"
    assert "retired or disposed" in finding["message"]


def test_deleting_a_person_file_is_not_entity_deleted(branch: Path, judge: Judge) -> None:
    git(branch, "rm", "--quiet", EMP9)
    commit(branch, "EMP-1009 left")
    result = judge()
    assert findings(result, "entity.deleted") == []
    assert_allowed(result)


# --- lifecycle transitions ---------------------------------------------------


def test_disposed_back_to_deployed_is_a_transition_and_a_frozen_record(
    branch: Path, judge: Judge
) -> None:
    edit(branch, LT15, "status: disposed", "status: deployed")
    commit(branch)
    result = judge()
    status_line = line_in(branch, LT15, "status:")
    transition = assert_blocks(result, "lifecycle.transition", "LT-0015", LT15, status_line)
    assert "disposed → deployed" in transition["message"]
    assert "terminal" in transition["message"]
    assert transition["path"] == "/status"
    frozen = assert_blocks(result, "entity.frozen", "LT-0015", LT15, status_line)
    assert "status" in frozen["message"]
    assert result.json()["transitions"] == [
        {"entity": "LT-0015", "from": "disposed", "to": "deployed"}
    ]


def test_editing_any_field_of_a_disposed_asset_is_frozen(branch: Path, judge: Judge) -> None:
    edit(branch, LT15, "memory_gb: 16", "memory_gb: 32")
    commit(branch)
    result = judge()
    finding = assert_blocks(
        result, "entity.frozen", "LT-0015", LT15, line_in(branch, LT15, "memory_gb:")
    )
    assert "memory_gb" in finding["message"]
    assert findings(result, "lifecycle.transition") == []


def test_ordered_straight_to_disposed_is_not_a_transition(branch: Path, judge: Judge) -> None:
    edit(branch, LT8, "status: ordered", "status: disposed")
    commit(branch)
    result = judge()
    finding = assert_blocks(
        result, "lifecycle.transition", "LT-0008", LT8, line_in(branch, LT8, "status:")
    )
    assert "ordered → disposed" in finding["message"]
    assert findings(result, "entity.frozen") == []  # ordered is not terminal


def test_deployed_to_retired_with_its_fields_is_allowed(
    branch: Path, judge: Judge, validate: Validate
) -> None:
    edit(branch, LT1, "status: deployed\n", RETIREMENT)
    commit(branch, "retire LT-0001")
    result = judge()
    assert_allowed(result)
    assert result.json()["transitions"] == [
        {"entity": "LT-0001", "from": "deployed", "to": "retired"}
    ]
    markdown = validate(branch, "--base", "main", "--format", "markdown")
    assert markdown.exit_code == 0, markdown
    section = markdown.stdout.split("### Transitions", 1)[1]
    assert "- `LT-0001` deployed → retired" in section.split("###")[0]


# --- immutable fields --------------------------------------------------------


def test_changing_a_serial_is_entity_immutable(branch: Path, judge: Judge) -> None:
    edit(branch, LT1, "serial: PF4K7M2Q", "serial: PF4K7M2R")
    commit(branch)
    result = judge()
    finding = assert_blocks(
        result, "entity.immutable", "LT-0001", LT1, line_in(branch, LT1, "serial:")
    )
    assert finding["path"] == "/serial"
    assert "PF4K7M2Q" in finding["message"]
    assert "PF4K7M2R" in finding["message"]


def test_removing_an_asset_tag_is_entity_immutable(branch: Path, judge: Judge) -> None:
    drop_line(branch, LT3, "asset_tag: OSL-30042")
    commit(branch)
    result = judge()
    finding = assert_blocks(result, "entity.immutable", "LT-0003", LT3)
    assert "asset_tag" in finding["message"]
    assert "removed" in finding["message"]
    lines = (branch / LT3).read_text(encoding="utf-8").splitlines()
    assert finding["line"] <= len(lines)


def test_filling_in_a_missing_serial_is_allowed(branch: Path, judge: Judge) -> None:
    edit(branch, LT8, "owner: EMP-1012\n", "owner: EMP-1012\nserial: C02ZX9NEW1\n")
    commit(branch, "LT-0008 delivered")
    assert_allowed(judge())


# --- ids ---------------------------------------------------------------------


def test_changing_an_id_in_the_same_file_is_id_changed_not_deleted(
    branch: Path, judge: Judge
) -> None:
    edit(branch, LT4, "id: LT-0004", "id: LT-0099")
    commit(branch)
    result = judge()
    finding = assert_blocks(result, "entity.id-changed", "LT-0099", LT4, 1)
    assert "LT-0004" in finding["message"]
    assert findings(result, "entity.deleted") == []


def test_renaming_the_file_with_its_id_is_id_changed_not_deleted(
    branch: Path, judge: Judge
) -> None:
    moved = f"{LAPTOPS}/LT-0099.yaml"
    git(branch, "mv", LT4, moved)
    edit(branch, moved, "id: LT-0004", "id: LT-0099")
    commit(branch)
    result = judge()
    assert_blocks(result, "entity.id-changed", "LT-0099", moved, 1)
    assert findings(result, "entity.deleted") == []


def test_changing_an_id_to_one_already_taken_is_not_a_deletion(branch: Path, judge: Judge) -> None:
    edit(branch, LT4, "id: LT-0004", "id: LT-0005")
    commit(branch)
    result = judge()
    assert result.exit_code == 1
    assert findings(result, "entity.deleted") == []
    assert findings(result, "entity.id-changed") != []


# --- history -----------------------------------------------------------------

AUDIT_2025 = "  - {date: 2025-03-20, by: EMP-1010, result: found}"
AUDIT_2026 = "  - {date: 2026-03-18, by: EMP-1010, result: found}"


def test_removing_an_audit_record_is_history_append_only(branch: Path, judge: Judge) -> None:
    drop_line(branch, LT1, AUDIT_2025)
    commit(branch)
    result = judge()
    finding = assert_blocks(
        result, "history.append-only", "LT-0001", LT1, line_in(branch, LT1, "audits:")
    )
    assert finding["path"] == "/audits"
    assert "2025-03-20" in finding["message"]


def test_altering_an_audit_record_is_history_append_only(branch: Path, judge: Judge) -> None:
    edit(branch, LT1, AUDIT_2025, AUDIT_2025.replace("EMP-1010", "EMP-1014"))
    commit(branch)
    result = judge()
    assert_blocks(result, "history.append-only", "LT-0001", LT1, line_in(branch, LT1, "audits:"))


def test_adding_an_audit_record_is_allowed(branch: Path, judge: Judge) -> None:
    added = "  - {date: 2026-11-20, by: EMP-1010, result: found}"
    edit(branch, LT1, AUDIT_2026, f"{AUDIT_2026}\n{added}")
    commit(branch, "audit LT-0001")
    assert_allowed(judge())


# --- allowed everyday changes ------------------------------------------------


def test_renaming_a_deployed_laptop_is_allowed(branch: Path, judge: Judge) -> None:
    edit(
        branch,
        LT1,
        "name: ThinkPad T14 Gen 4 - Amelia Hart",
        "name: ThinkPad T14 Gen 4 - Amelia Hart (London)",
    )
    commit(branch, "rename LT-0001")
    result = judge()
    assert_allowed(result)
    assert result.json()["transitions"] == []


def test_moving_a_file_to_another_folder_is_the_same_asset(branch: Path, judge: Judge) -> None:
    (branch / "registry" / "hardware" / "london").mkdir()
    moved = "registry/hardware/london/LT-0001.yaml"
    git(branch, "mv", LT1, moved)
    commit(branch, "file LT-0001 by site")
    result = judge()
    assert_allowed(result)
    assert findings(result, "entity.deleted") == []
    assert findings(result, "entity.id-changed") == []
    assert [f for f in findings(result) if f.get("change") == "new"] == []
    assert result.json()["counts"]["entities"] == 163


def test_moving_a_disposed_asset_to_another_folder_is_allowed(branch: Path, judge: Judge) -> None:
    (branch / "registry" / "archive").mkdir()
    git(branch, "mv", LT15, "registry/archive/LT-0015.yaml")
    commit(branch, "archive LT-0015")
    assert_allowed(judge())


# --- new, touched and base findings ------------------------------------------


@pytest.fixture
def broken_main(registry: Path) -> Path:
    """main holds an error already: LT-0005's owner does not exist. Then a branch."""
    edit(registry, LT5, "owner: EMP-1005", "owner: EMP-9005")
    commit(registry, "typo in LT-0005's owner")
    assert git(registry, "branch", "--show-current").strip() == "main"
    start_branch(registry)
    return registry


def test_an_error_already_on_main_on_an_untouched_entity_is_base(
    broken_main: Path, judge: Judge
) -> None:
    edit(broken_main, LT1, "name: ThinkPad T14 Gen 4 - Amelia Hart", "name: Amelia's laptop")
    commit(broken_main)
    result = judge()
    assert result.exit_code == 0, result
    finding = one(result, "integrity.reference", "LT-0005")
    assert finding["severity"] == "error"
    assert finding["change"] == "base"
    assert finding["file"] == LT5
    assert new_errors(result) == []


def test_an_error_already_on_main_on_a_touched_entity_is_touched(
    broken_main: Path, judge: Judge
) -> None:
    edit(broken_main, LT5, "name: Latitude 7440 - Priya Natarajan", "name: Priya's laptop")
    commit(broken_main)
    result = judge()
    assert result.exit_code == 1, result
    finding = one(result, "integrity.reference", "LT-0005")
    assert finding["change"] == "touched"
    assert finding["line"] == line_in(broken_main, LT5, "owner:")


def test_an_error_the_branch_brings_is_new(broken_main: Path, judge: Judge) -> None:
    edit(broken_main, LT6, "owner: EMP-1006", "owner: EMP-9006")
    commit(broken_main)
    result = judge()
    assert_blocks(
        result, "integrity.reference", "LT-0006", LT6, line_in(broken_main, LT6, "owner:")
    )
    assert one(result, "integrity.reference", "LT-0005")["change"] == "base"


def test_without_base_every_error_counts(broken_main: Path, validate: Validate) -> None:
    result = validate(broken_main, "--format", "json")
    assert result.exit_code == 1, result
    assert "change" not in one(result, "integrity.reference", "LT-0005")


def test_deleting_a_referenced_entity_is_new_on_the_untouched_referrer(
    branch: Path, judge: Judge
) -> None:
    # LT-0005 itself is not edited, but the change breaks its owner reference.
    git(branch, "rm", "--quiet", "registry/people/EMP-1005.yaml")
    commit(branch)
    result = judge()
    assert_blocks(result, "integrity.reference", "LT-0005", LT5, line_in(branch, LT5, "owner:"))


# --- merges ------------------------------------------------------------------


def test_a_merge_commit_judges_both_branches(registry: Path, judge: Judge) -> None:
    start_branch(registry, "other")
    edit(registry, LT15, "status: disposed", "status: deployed")
    commit(registry, "B: revive LT-0015")
    git(registry, "checkout", "--quiet", "main")
    start_branch(registry)  # A
    edit(registry, LT1, "serial: PF4K7M2Q", "serial: PF4K7M2R")
    commit(registry, "A: fix LT-0001's serial")
    git(registry, "merge", "--quiet", "--no-ff", "-m", "merge other", "other")
    parents = git(registry, "log", "-1", "--format=%P").split()
    assert len(parents) == 2
    result = judge()
    assert_blocks(result, "entity.immutable", "LT-0001", LT1, line_in(registry, LT1, "serial:"))
    assert_blocks(
        result, "lifecycle.transition", "LT-0015", LT15, line_in(registry, LT15, "status:")
    )


def test_a_merge_of_main_into_the_branch_does_not_blame_the_branch(
    registry: Path, judge: Judge
) -> None:
    start_branch(registry)
    edit(registry, LT1, "name: ThinkPad T14 Gen 4 - Amelia Hart", "name: Amelia's laptop")
    commit(registry, "rename")
    git(registry, "checkout", "--quiet", "main")
    edit(registry, LT5, "owner: EMP-1005", "owner: EMP-9005")
    commit(registry, "main breaks LT-0005")
    git(registry, "checkout", "--quiet", BRANCH)
    git(registry, "merge", "--quiet", "--no-ff", "-m", "update from main", "main")
    result = judge()
    assert result.exit_code == 0, result
    assert one(result, "integrity.reference", "LT-0005")["change"] == "base"


# --- the work tree -----------------------------------------------------------


def test_uncommitted_edits_in_the_work_tree_are_judged(branch: Path, validate: Validate) -> None:
    edit(branch, LT1, "serial: PF4K7M2Q", "serial: PF4K7M2R")
    (branch / LT14).unlink()
    assert git(branch, "rev-parse", "HEAD") == git(branch, "rev-parse", "main")
    result = validate(branch, "--base", "main", "--format", "json")
    assert_blocks(result, "entity.immutable", "LT-0001", LT1, line_in(branch, LT1, "serial:"))
    assert_blocks(result, "entity.deleted", "LT-0014", LT14, line_on_main(branch, LT14, "id:"))


def test_an_untracked_new_file_in_the_work_tree_is_judged(branch: Path, validate: Validate) -> None:
    (branch / LAPTOPS / "LT-0050.yaml").write_text(
        "id: LT-0050\nkind: laptop\nname: New\nstatus: deployed\nmodel: nosuch-model\n",
        encoding="utf-8",
    )
    result = validate(branch, "--base", "main", "--format", "json")
    assert_blocks(result, "integrity.reference", "LT-0050", f"{LAPTOPS}/LT-0050.yaml", 5)


def test_head_judges_the_commit_not_the_work_tree(registry: Path, validate: Validate) -> None:
    start_branch(registry)
    edit(registry, LT1, "name: ThinkPad T14 Gen 4 - Amelia Hart", "name: Amelia's laptop")
    commit(registry)
    git(registry, "checkout", "--quiet", "main")
    edit(registry, LT3, "serial: K9V2XQ7H4M", "serial: CHANGED")  # uncommitted, on main
    result = validate(registry, "--base", "main", "--head", BRANCH, "--format", "json")
    assert_allowed(result)
    assert findings(result, "entity.immutable") == []


def _state(root: Path) -> tuple[str, str, str, str]:
    # The analysis cache is the one thing a run may write, in its own
    # git-ignored folder (see tests/test_analysis.py).
    status = git(root, "status", "--porcelain", "--untracked-files=all", "--ignored")
    return (
        "".join(line for line in status.splitlines(True) if " .itam-cache/" not in line),
        git(root, "rev-parse", "HEAD"),
        git(root, "symbolic-ref", "HEAD"),
        git(root, "stash", "list"),
    )


@pytest.mark.parametrize("use_head", [False, True], ids=["worktree", "head"])
def test_validating_never_touches_the_work_tree(
    registry: Path, validate: Validate, use_head: bool
) -> None:
    start_branch(registry)
    edit(registry, LT15, "status: disposed", "status: deployed")
    git(registry, "rm", "--quiet", LT14)
    commit(registry)
    if use_head:
        git(registry, "checkout", "--quiet", "main")
    # Uncommitted and untracked changes that a checkout would clobber or refuse.
    edit(registry, LT1, "name: ThinkPad T14 Gen 4 - Amelia Hart", "name: dirty")
    git(registry, "add", LT1)
    edit(registry, LT3, "name: MacBook Pro 14 M3 Pro - Ingrid Solberg", "name: dirty too")
    (registry / LAPTOPS / "LT-0077.yaml").write_text("id: LT-0077\n", encoding="utf-8")
    before = _state(registry)
    on_disk = {p: p.read_bytes() for p in sorted((registry / "registry").rglob("*.yaml"))}
    args = ["--base", "main", "--format", "json"] + (["--head", BRANCH] if use_head else [])
    result = validate(registry, *args)
    assert result.exit_code == 1, result
    assert _state(registry) == before
    assert {p: p.read_bytes() for p in sorted((registry / "registry").rglob("*.yaml"))} == on_disk
