"""``itam import csv FILE --map MAP``: any export through a map; the shipped Shelf.nu map."""

from __future__ import annotations

from pathlib import Path

import pytest

from itam import yamlsafe
from tests.conftest import AS_OF, Result, copy_registry, run_itam

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SHELF = FIXTURES / "shelf-assets.csv"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_registry(tmp_path / "repo")


def import_csv(root: Path, *args: str | Path) -> Result:
    return run_itam("import", "csv", *args, "--root", root, "--as-of", AS_OF)


def registry_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in (root / "registry").rglob("*")
        if p.is_file()
    }


def test_the_shipped_shelf_map_imports_and_a_second_run_changes_nothing(root: Path) -> None:
    before = registry_files(root)
    result = import_csv(root, SHELF, "--map", "shelf", "--currency", "GBP")
    assert result.exit_code == 1, result
    out = result.stdout
    assert f"{SHELF}:2: created LT-0019" in out
    assert f"{SHELF}:3: rejected 'SHLF-PRN-07'" in out
    assert "(the map reads it from column 'assetModel', blank on this row)" in out
    assert f"{SHELF}:4: skipped" in out
    assert "not an asset" in out
    assert f"{SHELF}:5: rejected 'SHLF-KIT-01'" in out
    assert "--category 'Kitchen=KIND'" in out
    after = registry_files(root)
    assert sorted(set(after) - set(before)) == ["registry/hardware/laptops/LT-0019.yaml"]
    doc = yamlsafe.load(after["registry/hardware/laptops/LT-0019.yaml"], "LT-0019.yaml")
    assert doc.data is not None
    assert doc.data["owner"] == "EMP-1001"  # "Amelia Hart", already in the registry
    assert doc.data["model"] == "apple-macbook-pro-14-m3"  # "Apple" + "MacBook Pro 14 (M3)"
    assert doc.data["tags"] == ["high-priority", "small"]
    assert doc.data["purchase"] == {
        "date": "2025-02-10",
        "cost": {"amount": "1450.00", "currency": "GBP"},
    }
    again = import_csv(root, SHELF, "--map", "shelf", "--currency", "GBP")
    assert registry_files(root) == after
    assert f"{SHELF}:2: unchanged LT-0019" in again.stdout


def test_a_map_file_and_a_delimiter(root: Path, tmp_path: Path) -> None:
    source = tmp_path / "tools.csv"
    source.write_text("tag;label;where;bought\nT-1;Drill;London HQ;01.02.2025\n")
    mapping = tmp_path / "tools.yaml"
    mapping.write_text(
        "map: 1\n"
        "name: Workshop tools\n"
        "key: asset_tag\n"
        "kind: peripheral\n"
        "fields:\n"
        "  asset_tag: {column: tag, as: code}\n"
        "  name: label\n"
        "  status: {constant: in-stock}\n"
        "  model: {constant: dell-wd22tb4}\n"
        "  location: {column: where, reference: location}\n"
        "  purchase.date: {column: bought, as: date, formats: ['%d.%m.%Y']}\n"
    )
    result = import_csv(root, source, "--map", mapping, "--delimiter", ";")
    assert result.exit_code == 0, result
    assert f"{source}:2: created PER-0009" in result.stdout
    text = (root / "registry/hardware/peripherals/PER-0009.yaml").read_text()
    assert "location: lon-hq\n" in text
    assert "date: 2025-02-01\n" in text


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "key: asset_tag\nkind: laptop\nfields:\n  asset_tag: Tag\n  warrenty.months: W\n",
            6,
            "laptop has no field 'warrenty' (did you mean 'warranty'?)",
        ),
        (
            "key: asset_tag\nkind: laptops\nfields:\n  asset_tag: Tag\n",
            3,
            "kind 'laptops' is not a kind of this registry (did you mean 'laptop'?)",
        ),
        (
            "key: asset_tag\nkind: laptop\nfields:\n  asset_tag: Tag\n"
            "  owner: {column: O, reference: peeple}\n",
            6,
            "reference 'peeple' is not a kind",
        ),
    ],
)
def test_a_map_that_names_what_the_registry_lacks_is_exit_2_with_its_line(
    root: Path, tmp_path: Path, body: str, line: int, message: str
) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("map: 1\n" + body)
    result = import_csv(root, SHELF, "--map", mapping)
    assert result.exit_code == 2, result
    assert f"{mapping}:{line}: " in result.stderr
    assert message in result.stderr


def test_a_broken_map_is_exit_2_before_the_csv_is_read(root: Path) -> None:
    result = import_csv(root, "no-such.csv", "--map", FIXTURES / "bad-map.yaml")
    assert result.exit_code == 2
    assert "bad-map.yaml:6: the map: unknown key 'feilds'" in result.stderr
    missing = import_csv(root, SHELF, "--map", "no-such-map")
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
