"""``itam new``: a new entity in the right folder, or nothing written at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from itam import yamlsafe
from tests.conftest import AS_OF, LAPTOPS, git, run_itam


def status(root: Path) -> str:
    """Everything git sees changed or added, untracked files included."""
    return git(root, "status", "--porcelain", "--untracked-files=all")


def new(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_itam("new", *args, "--root", root, "--as-of", AS_OF)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("entity_id", "why"),
    [
        ("../../x", "path separator"),
        ("../LT-0001", "path separator"),
        ("/tmp/x", "path separator"),
        ("C:\\x", "path separator"),
        ("a\nb", "line break"),
        ("a\rb", "line break"),
        ("tab\there", "control character"),
        ("..", "starts with a dot"),
        (".hidden", "starts with a dot"),
        ("CON", "Windows reserves"),
        ("nul", "Windows reserves"),
        ("COM1", "Windows reserves"),
        ("lpt9.yaml", "Windows reserves"),
        ("LT-0020.", "ends in a dot"),
        ("LT-0020 ", "ends in a dot or a space"),
        ("x" * 65, "longer than 64"),
        ("", "empty"),
        ("a b", "may hold only"),
        ("LT-0001", "exists already"),
        ("lt-0001", "differ only in case"),
        ("EMP-1001", "exists already (person"),
    ],
)
def test_an_unsafe_or_taken_id_is_refused_and_nothing_written(
    registry: Path, entity_id: str, why: str
) -> None:
    code, out, err = new(registry, "laptop", "--id", entity_id, "--set", "model=dell-latitude-7440")
    assert code == 2, (out, err)
    assert why in err
    assert "Traceback" not in err
    assert status(registry) == ""
    assert not (registry.parent / "x").exists()
    assert not Path("/tmp/x.yaml").exists()


def test_an_unknown_kind_is_refused(registry: Path) -> None:
    code, _, err = new(registry, "lapto")
    assert code == 2
    assert "did you mean 'laptop'" in err
    assert status(registry) == ""


def test_without_an_id_the_next_of_the_series_is_taken(registry: Path) -> None:
    code, out, err = new(registry, "laptop", "--set", "model=lenovo-thinkpad-t14-gen4")
    assert code == 0, err
    made = registry / LAPTOPS / "LT-0019.yaml"
    assert f"{LAPTOPS}/LT-0019.yaml" in out
    assert status(registry) == f"?? {LAPTOPS}/LT-0019.yaml\n"
    assert made.read_text() == (
        "id: LT-0019\n"
        "kind: laptop\n"
        "name: Laptop LT-0019\n"
        "status: planned\n"
        "model: lenovo-thinkpad-t14-gen4\n"
    )
    code, out, _ = new(registry, "laptop", "--set", "model=lenovo-thinkpad-t14-gen4")
    assert code == 0
    assert "LT-0020" in out


def test_set_values_are_typed_as_in_a_file(registry: Path) -> None:
    code, _, err = new(
        registry,
        "laptop",
        "--id",
        "LT-0100",
        "--set",
        "model=dell-latitude-7440",
        "--set",
        "memory_gb=32",
        "--set",
        "purchase.date=2026-01-01",
        "--set",
        "purchase.cost.amount=1289.00",
        "--set",
        "purchase.cost.currency=GBP",
        "--set",
        "serial=0012345",
        "--set",
        "name=Spare: finance",
    )
    assert code == 0, err
    text = (registry / LAPTOPS / "LT-0100.yaml").read_text()
    data = yamlsafe.load(text.encode(), "x").data
    assert data is not None
    assert data["memory_gb"] == 32
    assert data["purchase"] == {
        "date": "2026-01-01",
        "cost": {"amount": "1289.00", "currency": "GBP"},
    }
    assert data["serial"] == "0012345"
    assert 'serial: "0012345"' in text
    assert 'name: "Spare: finance"' in text
    assert "  cost: {amount: 1289.00, currency: GBP}\n" in text


def test_a_value_that_makes_the_entity_invalid_is_refused_with_file_and_line(
    registry: Path,
) -> None:
    code, _, err = new(
        registry,
        "laptop",
        "--id",
        "LT-0100",
        "--set",
        "model=dell-latitude-7440",
        "--set",
        "memory_gb=lots",
    )
    assert code == 1
    assert f"{LAPTOPS}/LT-0100.yaml:6:1: schema.type" in err
    assert status(registry) == ""


def test_a_missing_required_field_is_refused(registry: Path) -> None:
    code, _, err = new(registry, "laptop")
    assert code == 1
    assert "schema.required" in err
    assert "'model'" in err
    assert status(registry) == ""


def test_set_may_not_give_the_id_or_kind(registry: Path) -> None:
    code, _, err = new(registry, "laptop", "--set", "id=../x")
    assert code == 2
    assert "--id" in err
    assert status(registry) == ""


def test_a_kind_without_entities_goes_to_the_declared_folder(registry: Path) -> None:
    git(registry, "rm", "-rq", "registry/hardware/storage")
    git(registry, "commit", "-qm", "no storage")
    code, out, err = new(registry, "storage", "--set", "model=netapp-aff-a250")
    assert code == 0, err
    assert "registry/hardware/storage/STO-0001.yaml" in out


def test_a_slug_kind_needs_an_id(registry: Path) -> None:
    code, _, err = new(registry, "vendor")
    assert code == 2
    assert "--id" in err
    code, _out, err = new(registry, "vendor", "--id", "acme")
    assert code == 0, err
    assert (
        registry / "registry/vendors/acme.yaml"
    ).read_text() == "id: acme\nkind: vendor\nname: Vendor acme\n"


def test_dry_run_writes_nothing(registry: Path) -> None:
    code, out, _ = new(registry, "laptop", "--set", "model=dell-latitude-7440", "--dry-run")
    assert code == 0
    assert "+id: LT-0019" in out
    assert status(registry) == ""
