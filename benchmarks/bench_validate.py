"""Benchmark ``itam validate`` on a synthetic registry of N assets.

    .venv/bin/python benchmarks/bench_validate.py [--entities 10000] [--runs 5]

Builds a registry in a temporary folder: the bundled reference entities
(locations, models, vendors, people, licenses) plus N hardware assets cloned
from the bundled ones with fresh ids, serials, tags and MAC addresses. Then it
times, in the same process and interleaved so that machine noise hits both:

* baseline: reading and parsing every file with PyYAML's CSafeLoader alone;
* validate: the whole ``itam validate`` pipeline (load, schemas, integrity,
  policies);
* schemas-only: the same with the lifecycles alone (no other policy rule),
  to show what the policies add;
* base: ``itam validate --base main`` with 10 changed files, the
  pull-request mode.

It prints the median and spread of each and ratios against validate and the
parse baseline, which stay comparable across the shared, noisy machines we run
on.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from itam.evaluation import evaluate
from itam.layout import Layout
from itam.pullrequest import Revisions

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 22)
HARDWARE = {
    "laptop",
    "desktop",
    "server",
    "network-device",
    "mobile-device",
    "peripheral",
    "storage",
}


def build(dest: Path, count: int, with_findings: bool = False) -> None:
    """Write a registry of ``count`` cloned hardware assets plus the references."""
    shutil.copytree(PROJECT / "schemas", dest / "schemas")
    if (PROJECT / "policies").exists():
        shutil.copytree(PROJECT / "policies", dest / "policies")
    templates: list[dict[str, Any]] = []
    out = dest / "registry"
    # Clone only assets without findings: a registry on main is mostly clean.
    # With --with-findings the clones keep the bundled deadlines too.
    bundled = evaluate(Layout(PROJECT), AS_OF).report()
    noisy = {f.entity for f in bundled.findings} if not with_findings else set()
    waived = {f.entity for f in bundled.findings if f.waiver is not None}
    for path in sorted((PROJECT / "registry").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        target = out / path.relative_to(PROJECT / "registry")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        if data.get("kind") in HARDWARE and data["id"] not in noisy | waived:
            templates.append(_strings(data))
    bench = out / "bench"
    for index in range(count):
        entity = copy.deepcopy(templates[index % len(templates)])
        entity["id"] = f"BN-{index:06d}"
        entity.pop("licenses", None)  # keep seat counts within what was bought
        if "serial" in entity:
            entity["serial"] = f"BENCH{index:08d}"
        if "asset_tag" in entity:
            entity["asset_tag"] = f"BT-{index:07d}"
        macs = entity.get("network", {}).get("mac_addresses")
        if macs:
            entity["network"]["mac_addresses"] = [
                f"02:00:{n:02x}:{index >> 16 & 255:02x}:{index >> 8 & 255:02x}:{index & 255:02x}"
                for n in range(len(macs))
            ]
        folder = bench / f"{index // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{entity['id']}.yaml").write_text(
            yaml.safe_dump(entity, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )


def _strings(value: Any) -> Any:
    """Dates back to the strings the registry writes."""
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def baseline(root: Path) -> None:
    for path in (root / "registry").rglob("*.yaml"):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def validate(root: Path, revisions: Revisions | None = None) -> None:
    report = evaluate(Layout(root), AS_OF, revisions).report()
    errors = [f for f in report.findings if f.blocking]
    if errors:
        shown = "\n".join(f"  {f.file}: [{f.rule}] {f.message}" for f in errors[:5])
        raise SystemExit(f"the benchmark registry has {len(errors)} errors:\n{shown}")


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def prepare_change(root: Path, count: int = 10) -> None:
    """Commit the registry on main, then edit ``count`` assets in the work tree."""
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "registry")
    deployed = [
        path
        for path in sorted((root / "registry" / "bench").rglob("*.yaml"))
        if "\nstatus: deployed\n" in path.read_text(encoding="utf-8")
    ]
    for path in deployed[:count]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nname: ", "\nname: Renamed ", 1), encoding="utf-8")


def copy_without_policies(root: Path, dest: Path) -> None:
    shutil.copytree(root / "registry", dest / "registry")
    shutil.copytree(root / "schemas", dest / "schemas")
    # The lifecycles must be there (without them a run is refused); no rules.
    (dest / "policies").mkdir()
    lifecycle = (root / "policies" / "lifecycle.yaml").read_text(encoding="utf-8")
    (dest / "policies" / "lifecycle.yaml").write_text(
        lifecycle.split("\nrules:")[0] + "\n", encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--with-findings",
        action="store_true",
        help="clone the bundled assets near deadlines too (about 1 in 6 gets a warning)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="itam-bench-") as folder:
        root = Path(folder)
        repo = root / "repo"
        build(repo, args.entities, args.with_findings)
        bare = root / "no-policies"
        copy_without_policies(repo, bare)
        prepare_change(repo)
        files = sum(1 for _ in (repo / "registry").rglob("*.yaml"))
        steps: dict[str, Callable[[], None]] = {
            "baseline": lambda: baseline(repo),
            "schemas-only": lambda: validate(bare),
            "validate": lambda: validate(repo),
            "base": lambda: validate(repo, Revisions("main")),
        }
        timings: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(args.runs):
            for name, step in steps.items():
                start = time.perf_counter()
                step()
                timings[name].append(time.perf_counter() - start)
        print(f"{files} files, {args.runs} runs each, interleaved; 10 files changed for --base")
        medians = {name: statistics.median(values) for name, values in timings.items()}
        for name, values in timings.items():
            print(
                f"  {name:13} median {medians[name]:7.3f} s  "
                f"(min {min(values):.3f}, max {max(values):.3f})"
            )
        print(f"  validate / baseline parse:  {medians['validate'] / medians['baseline']:.2f}x")
        print(f"  validate / schemas-only:    {medians['validate'] / medians['schemas-only']:.2f}x")
        print(f"  --base / validate:          {medians['base'] / medians['validate']:.2f}x")


if __name__ == "__main__":
    main()
