"""``itam transition`` and ``itam audit``: lifecycle-checked edits in place."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from itam import yamlsafe
from tests.conftest import AS_OF, LT1, LT10, LT15, PROJECT, git, run_itam

COMMENTED = PROJECT / "tests" / "fixtures" / "edit" / "LT-0101.yaml"
LT101 = "registry/hardware/laptops/LT-0101.yaml"


def status(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all")


def itam(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_itam(*args, "--root", root, "--as-of", AS_OF)
    return result.exit_code, result.stdout, result.stderr


def diff(old: str, new: str) -> list[str]:
    """The changed lines, as ``-line`` and ``+line``."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm="")
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def with_commented(root: Path) -> Path:
    """The registry with the hand-written, commented laptop committed."""
    shutil.copy(COMMENTED, root / LT101)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "commented laptop")
    return root / LT101


def test_an_allowed_transition_edits_only_what_it_must(registry: Path) -> None:
    path = registry / LT1
    old = path.read_text()
    code, out, err = itam(
        registry,
        "transition",
        "LT-0001",
        "retired",
        "--set",
        "retirement.reason=end of refresh cycle",
    )
    assert code == 0, err
    assert f"edited {LT1}" in out
    new = path.read_text()
    assert diff(old, new) == [
        "-status: deployed",
        "+status: retired",
        "+retirement:",
        f"+  date: {AS_OF}",
        "+  reason: end of refresh cycle",
    ]
    assert status(registry) == f" M {LT1}\n"


def test_the_date_fills_the_target_states_date_fields(registry: Path) -> None:
    evidence = {
        "disposal.method": "recycling",
        "disposal.vendor": "greenit-recycling",
        "disposal.certificate": "GIT-2026-0042",
        "disposal.sanitization.method": "purge",
        "disposal.sanitization.date": "2026-11-19",
        "disposal.sanitization.by": "greenit-recycling",
        "disposal.sanitization.certificate": "GIT-W-2026-0042",
    }
    sets = [arg for path, value in evidence.items() for arg in ("--set", f"{path}={value}")]
    code, _, err = itam(
        registry, "transition", "LT-0010", "disposed", "--date", "2026-11-20", *sets
    )
    assert code == 0, err
    data = yamlsafe.load((registry / LT10).read_bytes(), "x").data
    assert data is not None
    assert data["status"] == "disposed"
    assert data["disposal"]["date"] == "2026-11-20"
    assert data["disposal"]["sanitization"]["method"] == "purge"
    # retirement.date was there already and is not overwritten.
    assert data["retirement"]["date"] != "2026-11-20"


def test_a_transition_the_lifecycle_forbids_is_refused(registry: Path) -> None:
    code, _, err = itam(registry, "transition", "LT-0001", "disposed")
    assert code == 1
    assert "does not allow deployed → disposed" in err
    assert "from deployed: in-repair, in-stock, lost, retired" in err
    assert status(registry) == ""


def test_a_final_state_allows_no_transition(registry: Path) -> None:
    code, _, err = itam(registry, "transition", "LT-0015", "in-stock")
    assert code == 1
    assert "none: it is a final state" in err
    assert status(registry) == ""


def test_missing_required_fields_are_named(registry: Path) -> None:
    code, _, err = itam(registry, "transition", "LT-0001", "in-repair")
    assert code == 1
    assert "needs repair.ticket or repair.vendor" in err
    assert "--set repair.ticket=..." in err
    assert status(registry) == ""


def test_unknown_entity_or_state_is_a_usage_error(registry: Path) -> None:
    assert itam(registry, "transition", "LT-9999", "retired")[0] == 2
    code, _, err = itam(registry, "transition", "LT-0001", "retird")
    assert code == 2
    assert "did you mean 'retired'" in err
    assert status(registry) == ""


def test_a_transition_on_a_commented_file_keeps_every_comment(registry: Path) -> None:
    path = with_commented(registry)
    old = path.read_text()
    code, _, err = itam(
        registry,
        "transition",
        "LT-0101",
        "deployed",
        "--set",
        "owner=EMP-1001",
        "--set",
        "mdm.enrolled=true",
        "--set",
        "mdm.system=Microsoft Intune",
    )
    assert code == 0, err
    assert diff(old, path.read_text()) == [
        "-status: in-stock",
        "+status: deployed",
        "+owner: EMP-1001",
        "+mdm: {enrolled: true, system: Microsoft Intune}",
    ]


def test_an_audit_on_a_commented_file_changes_only_the_audit_lines(registry: Path) -> None:
    path = with_commented(registry)
    old = path.read_text()
    code, _, err = itam(registry, "audit", "LT-0101", "--by", "EMP-1011", "--note", "Shelf B2")
    assert code == 0, err
    assert diff(old, path.read_text()) == [
        f"+  - {{date: {AS_OF}, by: EMP-1011, result: found, notes: Shelf B2}}"
    ]
    assert status(registry) == f" M {LT101}\n"


def test_an_audit_on_a_crlf_file_keeps_crlf(registry: Path) -> None:
    path = registry / LT1
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    old = path.read_bytes()
    code, _, err = itam(registry, "audit", "LT-0001", "--by", "EMP-1010", "--result", "relocated")
    assert code == 0, err
    new = path.read_bytes()
    line = f"  - {{date: {AS_OF}, by: EMP-1010, result: relocated}}\r\n".encode()
    assert new.replace(line, b"") == old
    assert new.startswith(b"\xef\xbb\xbfid: LT-0001\r\n")


def test_an_audit_by_nobody_known_is_refused(registry: Path) -> None:
    code, _, err = itam(registry, "audit", "LT-0001", "--by", "EMP-9999")
    assert code == 1
    assert f"{LT1}:" in err
    assert "integrity.reference" in err
    assert status(registry) == ""


def test_a_disposed_asset_is_not_audited(registry: Path) -> None:
    code, _, err = itam(registry, "audit", "LT-0015", "--by", "EMP-1010")
    assert code == 1
    assert "final state" in err
    assert status(registry) == ""
    assert LT15 in err


def test_an_unloadable_file_is_refused_with_its_message(registry: Path) -> None:
    path = registry / LT1
    path.write_text(path.read_text() + "status: retired\n")  # a duplicate key
    git(registry, "commit", "-qam", "duplicate key")
    code, _, err = itam(registry, "audit", "LT-0001", "--by", "EMP-1010")
    assert code == 2
    assert f"{LT1}:" in err
    assert "appears twice" in err
    assert status(registry) == ""
