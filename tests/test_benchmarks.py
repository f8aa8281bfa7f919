"""The benchmark tools do what the figures rely on.

The generator's clean registry carries no finding on any generated file, its
findings variant carries them on about a tenth of the files, both are real
git repositories that one seed always makes byte for byte the same, and the
runner measures everything end to end. Real files, real git, the real CLI.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.conftest import AS_OF, PROJECT, git, run_itam

BENCH = PROJECT / "benchmarks"
SIZE = 600
SEED = 7


def generate(dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``benchmarks/generate.py DEST ARGS`` as a user runs it."""
    return subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), str(dest), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def load(name: str) -> ModuleType:
    """A benchmark script as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        # Dataclasses look their module up in sys.modules while it loads.
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def bundled_files() -> set[str]:
    return {p.relative_to(PROJECT).as_posix() for p in (PROJECT / "registry").rglob("*.yaml")}


def kinds_in(root: Path) -> Counter[str]:
    return Counter(
        yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader).get("kind")
        for p in (root / "registry").rglob("*.yaml")
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "clean"
    done = generate(root, "--entities", str(SIZE), "--seed", str(SEED), "--change", "10")
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "findings"
    done = generate(root, "--entities", str(SIZE), "--seed", str(SEED), "--findings")
    assert done.returncode == 0, done.stderr
    return root


def test_clean_registry_has_every_kind_and_no_finding_on_generated_files(clean: Path) -> None:
    result = run_itam("validate", "--root", clean, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result
    report = result.json()
    assert report["summary"]["error"] == 0
    assert report["counts"]["entities"] == SIZE
    on_generated = [f for f in report["findings"] if f["file"] not in bundled_files()]
    assert not on_generated, "the generator made findings: " + ", ".join(
        sorted({f"{f['rule']} ({f['file']})" for f in on_generated})[:10]
    )
    bundled = kinds_in(PROJECT)
    grown = kinds_in(clean)
    assert set(grown) == set(bundled)
    # Every kind grows, the reference kinds that assets point to included.
    for kind in set(bundled) - {"model", "vendor"}:
        assert grown[kind] > bundled[kind], kind


def test_clean_registry_looks_like_the_bundled_one(clean: Path) -> None:
    files = [
        p
        for p in (clean / "registry").rglob("*.yaml")
        if p.relative_to(clean).as_posix() not in bundled_files()
    ]
    mean = sum(p.stat().st_size for p in files) / len(files)
    assert 600 <= mean <= 900, mean
    for name in ("schemas", "policies"):
        copied = sorted(
            p.relative_to(clean).as_posix() for p in (clean / name).rglob("*") if p.is_file()
        )
        original = sorted(
            p.relative_to(PROJECT).as_posix() for p in (PROJECT / name).rglob("*") if p.is_file()
        )
        assert copied == original
    laptops = [
        yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
        for p in files
        if "/laptops/" in p.as_posix()
    ]
    deployed = [d for d in laptops if d["status"] == "deployed"]
    assert len(deployed) > len(laptops) / 2
    wanted = {"serial", "asset_tag", "owner", "location", "purchase", "audits", "encryption", "mdm"}
    assert all(wanted <= set(d) for d in deployed)


def test_registry_is_a_git_repository_with_a_ten_file_change(clean: Path) -> None:
    assert git(clean, "status", "--porcelain") == ""
    assert git(clean, "rev-parse", "--abbrev-ref", "HEAD").strip() == "change"
    assert git(clean, "rev-list", "--count", "main").strip() == "1"
    changed = git(clean, "diff", "--name-only", "main", "change").split()
    assert len(changed) == 10
    assert all(path.startswith("registry/hardware/laptops/") for path in changed)
    assert ".itam-cache/" in (clean / ".gitignore").read_text(encoding="utf-8")
    result = run_itam("validate", "--root", clean, "--as-of", AS_OF, "--base", "main")
    assert result.exit_code == 0, result


def test_findings_variant_has_findings_on_about_a_tenth_of_the_files(noisy: Path) -> None:
    result = run_itam("validate", "--root", noisy, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1, result
    report = result.json()
    with_findings = {f["file"] for f in report["findings"]}
    assert 0.08 <= len(with_findings) / report["counts"]["files"] <= 0.14, len(with_findings)
    rules = {f["rule"] for f in report["findings"]}
    assert {"audit.overdue", "integrity.reference"} <= rules
    assert any(rule.startswith("schema.") for rule in rules)


def test_same_seed_same_bytes_and_the_variants_differ_only_in_their_defects(tmp_path: Path) -> None:
    heads, printed = [], ""
    for name, args in (
        ("a", ["--seed", "3"]),
        ("b", ["--seed", "3"]),
        ("c", ["--seed", "4"]),
        ("d", ["--seed", "3", "--findings"]),
    ):
        done = generate(tmp_path / name, "--entities", "300", *args)
        assert done.returncode == 0, done.stderr
        heads.append(git(tmp_path / name, "rev-parse", "HEAD").strip())
        printed = done.stdout
    assert heads[0] == heads[1]
    assert heads[0] != heads[2]
    # The findings variant is the clean registry of its seed with defects in some files.
    git(tmp_path / "d", "fetch", "--quiet", str(tmp_path / "a"), "main")
    differ = git(tmp_path / "d", "diff", "--name-only", "FETCH_HEAD", "HEAD").split()
    defects = printed.split("defects: ", 1)[1].splitlines()[0].split(", ")
    assert len(differ) == sum(int(part.rsplit(" ", 1)[1]) for part in defects) >= 10
    assert not set(differ) & bundled_files()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entities", "20"], "a registry needs at least"),
        (["--entities", "300", "--seed", "x"], "invalid int value"),
    ],
)
def test_generator_refuses_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    done = generate(tmp_path / "new", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "new").exists()


def test_generator_never_writes_into_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    done = generate(tmp_path, "--entities", "300")
    assert done.returncode == 2
    assert "is not an empty folder" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_measure_adds_the_memory_of_children_and_reports_cpu() -> None:
    run = load("run")
    # Both alive past the sampler's first look, which comes after PSS_EVERY.
    hold = run.PSS_EVERY * 2 + 0.5
    grow = f"x = bytearray(80 * 2**20); import time; time.sleep({hold})"
    parent = (
        "import subprocess, sys; "
        f"p = subprocess.Popen([sys.executable, '-c', {grow!r}]); {grow}; p.wait()"
    )
    sample = run.measure([sys.executable, "-c", parent])
    assert sample.code == 0
    # Two processes of 80 MiB each at the same time: the sum, not the largest.
    assert sample.rss_mb >= 150, sample
    assert sample.wall >= hold
    assert sample.cpu > 0
    with pytest.raises(SystemExit, match="exited with 3"):
        run.measure([sys.executable, "-c", "import sys; sys.exit(3)"])


def test_runner_reuses_a_registry_only_when_its_stamp_matches(tmp_path: Path) -> None:
    run = load("run")
    dest = tmp_path / "clean"
    assert run._registry(dest, 300, False, 5) > 0
    head = git(dest, "rev-parse", "main")
    assert run._registry(dest, 300, False, 5) == 0.0
    assert git(dest, "rev-parse", "main") == head
    assert run._registry(dest, 300, False, 6) > 0
    assert git(dest, "rev-parse", "main") != head


def _runner(*args: str | Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, BENCH / "run.py", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_runner_measures_everything_end_to_end(tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "figures.json", tmp_path / "figures.md"
    leftover = tmp_path / "work" / "outputs" / "200-site-1"  # as a killed run leaves it
    leftover.mkdir(parents=True)
    (leftover / "index.html").write_text("old", encoding="utf-8")
    done = _runner(
        *("--sizes", "200", "--repeat", "1", "--workdir", tmp_path / "work"),
        *("--json", out_json, "--markdown", out_md),
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(out_json.read_text(encoding="utf-8"))
    assert figures["repeat"] == 1
    assert {"cpu", "usable_cores", "ram_gib", "python", "itam", "commit"} <= set(figures["machine"])
    (size,) = figures["sizes"]
    assert size["entities"] == size["files"] == 200
    measured = size["measurements"]
    assert set(measured) == {
        "read",
        "parse",
        "cold",
        "warm",
        "base",
        "base-again",
        "write",
        "site-cold",
        "site",
        "findings-cold",
        "findings-warm",
    }
    for name, figure in measured.items():
        assert figure["median_s"] > 0, name
        assert figure["peak_rss_mb"] > 0, name
        assert len(figure["runs_s"]) == 1, name
    assert measured["parse"]["x_floor"] == 1.0
    assert measured["cold"]["exit_codes"] == [0]
    assert measured["findings-cold"]["exit_codes"] == [1]
    assert measured["cold"]["note"] == ""
    assert size["ratios"]["findings_over_clean"] > 0
    assert size["ratios"]["site_over_write_floor"] > 0
    assert measured["site"]["exit_codes"] == measured["site-cold"]["exit_codes"] == [0]
    # What the site and its floor wrote, and what a killed run left, is gone.
    assert not (tmp_path / "work" / "outputs").exists()
    markdown = out_md.read_text(encoding="utf-8")
    assert "| measurement | median s |" in markdown
    assert "| itam validate, cold |" in markdown
    assert "itam validate, cold" in done.stdout
    assert "x floor" in done.stdout


def test_runner_measures_only_the_steps_asked_for(tmp_path: Path) -> None:
    out_json = tmp_path / "figures.json"
    done = _runner(
        *("--sizes", "200", "--repeat", "1", "--only", "site,parse"),
        *("--workdir", tmp_path / "work", "--json", out_json),
    )
    assert done.returncode == 0, done.stderr
    (size,) = json.loads(out_json.read_text(encoding="utf-8"))["sizes"]
    # In the usual order, whatever the order asked.
    assert list(size["measurements"]) == ["parse", "site"]
    assert size["measurements"]["site"]["x_floor"] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--sizes", "ten"], "not a list of numbers"), (["--only", "site,nap"], "unknown steps nap")],
)
def test_runner_refuses_bad_arguments(args: list[str], message: str) -> None:
    done = _runner(*args, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
