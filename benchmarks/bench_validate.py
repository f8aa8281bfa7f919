"""Benchmark ``itam validate`` on a synthetic registry of N assets.

    .venv/bin/python benchmarks/bench_validate.py [--entities 10000] [--runs 5]

Builds a registry in a temporary folder: the bundled reference entities
(locations, models, vendors, people, licenses) plus N hardware assets cloned
from the bundled ones with fresh ids, serials, tags and MAC addresses. Then it
times, in the same process and interleaved so that machine noise hits both:

* baseline: reading and parsing every file with PyYAML's CSafeLoader alone;
* validate: the whole ``itam validate`` pipeline (load, schemas, integrity).

It prints the median and spread of each and the ratio validate/baseline, which
stays comparable across the shared, noisy machines we run on.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from itam.layout import Layout
from itam.validate import run

PROJECT = Path(__file__).resolve().parent.parent
HARDWARE = {
    "laptop",
    "desktop",
    "server",
    "network-device",
    "mobile-device",
    "peripheral",
    "storage",
}


def build(dest: Path, count: int) -> None:
    """Write a registry of ``count`` cloned hardware assets plus the references."""
    shutil.copytree(PROJECT / "schemas", dest / "schemas")
    if (PROJECT / "policies").exists():
        shutil.copytree(PROJECT / "policies", dest / "policies")
    templates: list[dict[str, Any]] = []
    out = dest / "registry"
    for path in sorted((PROJECT / "registry").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        target = out / path.relative_to(PROJECT / "registry")
        if data.get("kind") in HARDWARE:
            templates.append(_strings(data))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
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


def validate(root: Path) -> None:
    report = run(Layout(root), dt.date(2026, 11, 22))
    errors = report.summary()["error"]
    if errors:
        raise SystemExit(f"the benchmark registry has {errors} errors; fix the generator")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="itam-bench-") as folder:
        root = Path(folder)
        build(root, args.entities)
        files = sum(1 for _ in (root / "registry").rglob("*.yaml"))
        timings: dict[str, list[float]] = {"baseline": [], "validate": []}
        steps: dict[str, Callable[[Path], None]] = {"baseline": baseline, "validate": validate}
        for _ in range(args.runs):
            for name, step in steps.items():
                start = time.perf_counter()
                step(root)
                timings[name].append(time.perf_counter() - start)
        print(f"{files} files, {args.runs} runs each, interleaved")
        for name, values in timings.items():
            print(
                f"  {name:9} median {statistics.median(values):7.3f} s  "
                f"(min {min(values):.3f}, max {max(values):.3f})"
            )
        ratio = statistics.median(timings["validate"]) / statistics.median(timings["baseline"])
        print(f"  validate / baseline parse: {ratio:.2f}x")


if __name__ == "__main__":
    main()
