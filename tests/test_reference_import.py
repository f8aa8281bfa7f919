"""`itam reference import endoflife`: endoflife.date product files into reference/.

On small look-alike files always (tests/fixtures/endoflife/), on the real
product files of ../shared/data/reference/endoflife-date/ when they are there;
hostile files are refused with file and line and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from itam.dates import parse_date
from itam.evaluation import evaluate
from itam.layout import Layout
from itam.reference import store
from itam.reference.endoflife import parse_product
from tests.conftest import AS_OF, PROJECT, SHARED_DATA, copy_registry, git, run_itam

FIXTURES = PROJECT / "tests" / "fixtures" / "endoflife"
WIDGET = FIXTURES / "widgetos.md"
NEWER = FIXTURES / "newer" / "widgetos.md"
REAL = SHARED_DATA / "reference" / "endoflife-date" / "products"
HAS_REAL = REAL.is_dir()
needs_real = pytest.mark.skipif(not HAS_REAL, reason="the shared endoflife.date files are absent")

WIDGET_REFERENCE = """\
# End-of-support dates of Widget OS.
# Written by `itam reference import`: import a newer source file rather than
# editing this one. What each date means: README.md in this folder.
product: widgetos
title: "Widget OS"
source: "https://endoflife.date/widget-os (products/widgetos.md of github.com/endoflife-date/endoflife.date)"
licence: "MIT, Copyright 2020 endoflife.date contributors (see LICENSE.endoflife-date.txt)"
releases:
  "6": {released: 2026-06-01, eol: false}
  "5-25h2-e": {label: "5 25H2 (E)", released: 2025-09-30, eoas: 2028-10-10, eol: 2028-10-10}
  "5-25h2-w": {label: "5 25H2 (W)", released: 2025-09-30, eoas: 2027-10-12, eol: 2027-10-12}
  "4.10": {label: "Widget OS 4.10 (Quiet Quokka)", released: 2024-10-10, eoas: true, eol: 2026-07-01, eoes: 2030-07-01}
  "4.0": {label: "Widget OS 4.0 (Old Owl)", released: 2023-04-20, eoas: 2024-01-20, eol: true, eoes: false}
"""  # noqa: E501 - one release a line, as the file holds it


def _import(*args: str | Path) -> tuple[int, str, str]:
    result = run_itam("reference", "import", "endoflife", *args)
    return result.exit_code, result.stdout, result.stderr


# -- look-alike files ----------------------------------------------------------------------
def test_a_product_file_becomes_one_compact_reference_file(tmp_path: Path) -> None:
    code, out, err = _import(WIDGET, "--output-dir", tmp_path)
    assert code == 0, err
    assert out == f"{tmp_path / 'widgetos.yaml'}: written (5 releases)\n"
    assert (tmp_path / "widgetos.yaml").read_text(encoding="utf-8") == WIDGET_REFERENCE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["widgetos.yaml"]


def test_the_front_matter_shapes_are_read_as_written() -> None:
    product = parse_product(WIDGET.read_bytes(), "widgetos.md", "widgetos")
    # A bare 4.0 is the cycle "4.0", not the number 4.
    assert list(product.releases) == ["5-25h2-e", "5-25h2-w", "4.10", "4.0", "6"]
    old = product.releases["4.0"]
    # The older names support and extendedSupport are eoas and eoes.
    assert (old.eoas, old.eol, old.eoes) == (parse_date("2024-01-20"), True, False)
    assert product.releases["4.10"].eoas is True
    assert product.releases["6"].eol is False
    assert product.releases["6"].label is None  # the template's __CODENAME__ has nothing to fill
    assert product.title == "Widget OS"


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    assert _import(WIDGET, "--output-dir", tmp_path)[0] == 0
    target = tmp_path / "widgetos.yaml"
    before = target.read_bytes()
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    code, out, _ = _import(WIDGET, "--output-dir", tmp_path)
    assert code == 0
    assert out.endswith("widgetos.yaml: unchanged\n")
    assert target.read_bytes() == before
    # Not even rewritten with the same bytes.
    assert target.stat().st_mtime_ns == 1_000_000_000


def test_a_newer_file_updates_the_dates_and_nothing_else(tmp_path: Path) -> None:
    assert _import(WIDGET, "--output-dir", tmp_path)[0] == 0
    target = tmp_path / "widgetos.yaml"
    old = target.read_text(encoding="utf-8").splitlines()
    code, out, _ = _import(NEWER, "--output-dir", tmp_path)
    assert code == 0
    assert out.endswith("widgetos.yaml: updated (releases: 1 changed, 1 added)\n")
    new = target.read_text(encoding="utf-8").splitlines()
    assert [line for line in old if line not in new] == [
        '  "5-25h2-w": {label: "5 25H2 (W)", released: 2025-09-30, eoas: 2027-10-12, eol: 2027-10-12}'  # noqa: E501
    ]
    assert [line for line in new if line not in old] == [
        '  "5-26h1-w": {label: "5 26H1 (W)", released: 2026-02-10, eoas: 2028-03-14, eol: 2028-03-14}',  # noqa: E501
        '  "5-25h2-w": {label: "5 25H2 (W)", released: 2025-09-30, eoas: 2027-10-12, eol: 2027-12-14}',  # noqa: E501
    ]
    # Back to the older file: byte for byte what it gave the first time.
    assert _import(WIDGET, "--output-dir", tmp_path)[0] == 0
    assert target.read_text(encoding="utf-8") == WIDGET_REFERENCE


def test_the_default_output_is_the_registrys_reference_folder(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    code, out, err = _import(WIDGET, "--root", root)
    assert code == 0, err
    assert out == "reference/widgetos.yaml: written (5 releases)\n"
    assert (root / "reference" / "widgetos.yaml").read_text(encoding="utf-8") == WIDGET_REFERENCE


def test_the_reference_folder_is_created_when_missing(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "registry").mkdir(parents=True)
    code, _, err = _import(WIDGET, "--root", root)
    assert code == 0, err
    assert (root / "reference" / "widgetos.yaml").is_file()


# -- hostile and broken input ---------------------------------------------------------------
FRONT = b"---\ntitle: Evil\nreleases:\n  - releaseCycle: '1'\n    eol: 2026-01-01\n"
BROKEN: dict[str, tuple[bytes, str]] = {
    "python-tag": (FRONT + b"    latest: !!python/object/apply:os.system [id]\n---\n", ":6:"),
    "alias": (
        b"---\ntitle: Evil\nbase: &a [x, x, x]\nreleases:\n  - releaseCycle: '1'\n"
        b"    more: *a\n---\n",
        ":3:",
    ),
    "duplicate-key": (FRONT + b"    eol: 2027-01-01\n---\n", ":6:"),
    "impossible-date": (FRONT.replace(b"2026-01-01", b"2023-02-30") + b"---\n", ":5:"),
    "date-not-iso": (FRONT.replace(b"2026-01-01", b"'January 2026'") + b"---\n", ":5:"),
    "nul-byte": (FRONT + b"    latest: a\x00b\n---\n", ":6:"),
    "no-front-matter": (b"# Evil\n\nNo YAML here.\n", ":1:"),
    "unclosed": (FRONT, ":1:"),
    "not-a-mapping": (b"---\n- a\n- b\n---\n", ":1:"),
    "no-releases": (b"---\ntitle: Evil\n---\n", ":2:"),
    "cycle-upper-case": (FRONT.replace(b"'1'", b"'Ten Two'") + b"---\n", ":4:"),
    "cycle-twice": (FRONT + b"  - releaseCycle: '1'\n---\n", ":6:"),
    "deep": (b"---\ntitle: Evil\nreleases: " + b"[" * 200 + b"]" * 200 + b"\n---\n", ":3:"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_exit_2_with_file_and_line_and_nothing_written(
    case: str, tmp_path: Path
) -> None:
    source = tmp_path / "src" / "evil.md"
    source.parent.mkdir()
    source.write_bytes(BROKEN[case][0])
    out = tmp_path / "out"
    out.mkdir()
    (out / "evil.yaml").write_text("# an earlier import\n", encoding="utf-8")
    code, stdout, stderr = _import(WIDGET, source, "--output-dir", out)
    assert code == 2, stderr
    assert f"{source}{BROKEN[case][1]}" in stderr, stderr
    assert "Traceback" not in stderr
    assert stdout == ""
    # The good file given with it is not written either; the old one is untouched.
    assert sorted(p.name for p in out.iterdir()) == ["evil.yaml"]
    assert (out / "evil.yaml").read_text(encoding="utf-8") == "# an earlier import\n"


def test_files_that_are_not_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    big = tmp_path / "big.md"
    big.write_bytes(b"---\ntitle: x\n" + b"# padding\n" * 120_000 + b"---\n")
    cases = {
        fifo: "not a regular file",
        big: "larger than",
        tmp_path / "missing.md": "no such file",
        tmp_path: "Is a directory",
    }
    for path, message in cases.items():
        code, _, stderr = _import(path, "--output-dir", tmp_path / "out")
        assert code == 2, (path, stderr)
        assert message in stderr, (path, stderr)
        assert not (tmp_path / "out").exists()


def test_two_files_of_one_product_are_refused(tmp_path: Path) -> None:
    code, _, stderr = _import(WIDGET, NEWER, "--output-dir", tmp_path)
    assert code == 2
    assert "a second file of product 'widgetos'" in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_that_is_no_product_id_is_refused(tmp_path: Path) -> None:
    odd = tmp_path / "Windows (copy).md"
    odd.write_bytes(WIDGET.read_bytes())
    code, _, stderr = _import(odd, "--output-dir", tmp_path / "out")
    assert code == 2
    assert "is not a product id" in stderr


def test_a_link_in_place_of_a_reference_file_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("keep me\n", encoding="utf-8")
    (out / "widgetos.yaml").symlink_to(secret)
    code, _, stderr = _import(WIDGET, "--output-dir", out)
    assert code == 2
    assert "is not a regular file" in stderr
    assert secret.read_text(encoding="utf-8") == "keep me\n"


def test_a_reference_folder_linked_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "registry").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "reference").symlink_to(elsewhere, target_is_directory=True)
    code, _, stderr = _import(WIDGET, "--root", root)
    assert code == 2
    assert "outside" in stderr
    assert list(elsewhere.iterdir()) == []


# -- reference files as the registry reads them ---------------------------------------------
def test_a_broken_reference_file_stops_validate_with_its_line(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    path = root / "reference" / "fortios.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("eol: 2028-11-11", "eol: 2028-11-31"), encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "eol: 2028-11-11" in t)
    result = run_itam("validate", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 2, str(result)
    assert f"reference/fortios.yaml:{line}:" in result.stderr


def test_a_reference_file_must_be_named_after_its_product(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    (root / "reference" / "fortios.yaml").rename(root / "reference" / "fortigate.yaml")
    result = run_itam("validate", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 2, str(result)
    assert "reference/fortigate.yaml:4: the file of product 'fortios'" in result.stderr


def test_a_missing_reference_product_stops_validate(tmp_path: Path) -> None:
    # Deleting reference data must not quietly turn errors into "unmatched".
    root = copy_registry(tmp_path / "repo", with_git=False)
    (root / "reference" / "windows.yaml").unlink()
    result = run_itam("validate", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 2, str(result)
    assert "policies/software.yaml:" in result.stderr
    assert "unknown product 'windows'" in result.stderr


def test_a_pull_request_changing_reference_data_changes_the_rules(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    path = root / "reference" / "windows.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"11-24h2-w": {label: "11 24H2 (W)", released: 2024-10-01, eoas: 2026-10-13, '
            "eol: 2026-10-13}",
            '"11-24h2-w": {label: "11 24H2 (W)", released: 2024-10-01, eoas: 2026-10-13, '
            "eol: 2030-10-13}",
        ),
        encoding="utf-8",
    )
    result = run_itam(
        "validate", "--root", root, "--as-of", AS_OF, "--base", "HEAD", "--format", "json"
    )
    changed = [f for f in result.json()["findings"] if f["rule"] == "policy.changed"]
    assert [f["file"] for f in changed] == ["reference/windows.yaml"], result.stdout


def test_at_a_commit_the_commits_reference_data_judges(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    laptop = root / "registry" / "hardware" / "laptops" / "LT-0005.yaml"
    laptop.write_text(
        laptop.read_text(encoding="utf-8").replace("Windows 11 Enterprise", "Windows 11 Pro"),
        encoding="utf-8",
    )
    git(root, "commit", "--quiet", "-am", "LT-0005 runs Pro")
    # The work tree then loses Windows 24H2 W's end of support; the commit still has it.
    reference = root / "reference" / "windows.yaml"
    reference.write_text(
        reference.read_text(encoding="utf-8").replace("eol: 2026-10-13", "eol: 2030-10-13"),
        encoding="utf-8",
    )
    as_of = parse_date(AS_OF)
    assert as_of is not None
    now = evaluate(Layout(root), as_of)
    then = evaluate(Layout(root), as_of, at="HEAD")
    assert "software.unsupported" not in {f.rule for f in now.findings_of("LT-0005")}
    assert "software.unsupported" in {f.rule for f in then.findings_of("LT-0005")}


# -- the real endoflife.date files ----------------------------------------------------------
@needs_real
def test_the_real_windows_file_gives_the_dates_of_the_issue(tmp_path: Path) -> None:
    names = ("windows", "fortios", "ubuntu")
    code, _, err = _import(*(REAL / f"{name}.md" for name in names), "--output-dir", tmp_path)
    assert code == 0, err
    windows = store.parse((tmp_path / "windows.yaml").read_bytes(), "windows.yaml")
    assert str(windows.releases["11-24h2-e"].eol) == "2027-10-12"
    assert str(windows.releases["11-24h2-w"].eol) == "2026-10-13"
    assert windows.releases["11-24h2-w"].label == "11 24H2 (W)"
    fortios = store.parse((tmp_path / "fortios.yaml").read_bytes(), "fortios.yaml")
    assert str(fortios.releases["7.4"].eol) == "2028-11-11"
    ubuntu = store.parse((tmp_path / "ubuntu.yaml").read_bytes(), "ubuntu.yaml")
    assert str(ubuntu.releases["25.04"].eol) == "2026-01-17"


@needs_real
def test_every_real_product_file_imports_and_imports_again_unchanged(tmp_path: Path) -> None:
    sources = sorted(REAL.glob("*.md"))
    assert len(sources) >= 20
    code, out, err = _import(*sources, "--output-dir", tmp_path)
    assert code == 0, err
    assert out.count(": written") == len(sources)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code, out, _ = _import(*sources, "--output-dir", tmp_path)
    assert code == 0
    assert out.count(": unchanged") == len(sources)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@needs_real
def test_the_bundled_reference_files_are_what_the_shared_snapshot_gives(tmp_path: Path) -> None:
    shipped = sorted((PROJECT / "reference").glob("*.yaml"))
    assert {p.stem for p in shipped} >= {"windows", "macos", "ios", "ubuntu", "fortios"}
    code, _, err = _import(*(REAL / f"{p.stem}.md" for p in shipped), "--output-dir", tmp_path)
    assert code == 0, err
    for path in shipped:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
