"""The import on the real exports in ../shared/data/itam_samples (when that folder is there).

These files are other projects' (AGPL) samples, so they are read in place,
never copied into the repository; the look-alike fixtures in
tests/fixtures/import cover the same cases everywhere else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from itam.interchange.importer import STRUCTURAL
from tests.conftest import AS_OF, SHARED_DATA, Result, copy_registry, run_itam

SAMPLES = SHARED_DATA / "itam_samples"
SNIPE = SAMPLES / "snipe-it"

pytestmark = pytest.mark.skipif(
    not SNIPE.is_dir(), reason=f"the real export samples are not here ({SNIPE})"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_registry(tmp_path / "repo")


def snipeit(root: Path, *args: str | Path) -> Result:
    return run_itam("import", "snipeit", *args, "--root", root, "--as-of", AS_OF)


def registry_state(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in (root / "registry").rglob("*")
        if p.is_file()
    }


def test_the_sample_asset_csv_imports_into_files_that_validate_once(root: Path) -> None:
    sample = SNIPE / "assets-sample.csv"
    before = registry_state(root)
    first = snipeit(root, sample, "--currency", "USD")
    assert first.exit_code == 1, first  # rows checked out to a room have no owner
    assert "22 rows: 13 created, 9 rejected" in first.stdout
    written = set(registry_state(root)) - set(before)
    assert len(written) == 42
    report = run_itam("validate", "--root", root, "--as-of", AS_OF, "--format", "json").json()
    assert not [
        f
        for f in report["findings"]
        if f["file"] in written
        and f["severity"] == "error"
        and f["rule"].split(".")[0] in STRUCTURAL
    ]
    after = registry_state(root)
    second = snipeit(root, sample, "--currency", "USD")
    assert registry_state(root) == after
    assert "13 unchanged, 9 rejected; nothing to write" in second.stdout


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("assets-sample-BAD.csv", ["1: note: columns 6 and 13 are both named 'Category'", "12: "]),
        ("assets-sample-BLANKS.csv", ["1: note: column 5 has no header", "12: "]),
        ("licenses-sample.csv", ["5: ", "145: "]),
    ],
)
def test_the_awkward_samples_report_lines_not_tracebacks(
    root: Path, name: str, lines: list[str]
) -> None:
    sample = SNIPE / name
    result = snipeit(root, sample, "--dry-run")
    assert result.exit_code == 1, result
    assert "Traceback" not in result.stdout + result.stderr
    for line in lines:
        assert f"{sample}:{line}" in result.stdout
    assert "rejected" in result.stdout


def test_the_stock_samples_are_refused(root: Path) -> None:
    for name in ("accessories", "consumables", "components"):
        result = snipeit(root, SNIPE / f"{name}-sample.csv")
        assert result.exit_code == 2, result
        assert f"{name} are counted in stock" in result.stderr


def test_the_shelf_samples_through_the_shipped_map(root: Path) -> None:
    for path in sorted((SAMPLES / "shelf.nu").glob("*asset-import*.csv")):
        result = run_itam(
            "import", "csv", path, "--map", "shelf", "--root", root, "--as-of", AS_OF, "--dry-run"
        )
        assert result.exit_code == 1, result
        assert f"{path}:3: would create" in result.stdout
        assert "2 skipped" in result.stdout
