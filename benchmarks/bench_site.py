"""Benchmark ``itam site build`` on a synthetic registry of N assets.

    .venv/bin/python benchmarks/bench_site.py [--entities 10000] [--runs 3]

Grows a registry of N entities with ``generate.py`` (the generator every
benchmark uses) in a temporary git repository, then, in fresh processes and
interleaved so that machine noise hits both:

* validate: ``itam validate --no-cache`` of the same registry, the
  evaluation alone;
* site, cold: ``itam site build --no-cache`` into a folder beside it (the
  same folder each run, so every run after the first also swaps out the
  previous site);
* site after validate: ``itam validate`` then ``itam site build``, timing the
  build alone, as the publishing workflow runs them: the build reads the
  files' analysis from the cache the validation wrote.

It prints the median and spread of each, the peak resident memory of a
build (its own and that of its worker processes), the size of the
inventory's data file raw and gzipped, and the ratio of the site to
validate, which stays comparable across the shared, noisy machines we run on.
``run.py`` measures the site build too, beside validate and the floor.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # beside this file

AS_OF = generate.AS_OF.isoformat()

# Runs in a fresh interpreter: the CLI, then the peak memory of the process
# and of the workers it waited for, in KiB.
_MEASURED = """
import resource, sys
from itam.cli import cli
try:
    cli(sys.argv[1:], prog_name="itam", standalone_mode=False)
except SystemExit:
    pass
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(max(own, workers), file=sys.stderr)
"""


def measured(*args: str) -> tuple[float, int]:
    """Seconds and peak RSS (MiB) of one ``itam`` command in a new process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"itam {' '.join(args)} failed:\n{done.stderr}")
    peak = int(done.stderr.strip().splitlines()[-1]) // 1024
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000, help="entities in all")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="itam-bench-site-") as folder:
        repo = Path(folder) / "repo"
        out = Path(folder) / "site"
        generate.generate(repo, args.entities)
        files = sum(1 for _ in (repo / "registry").rglob("*.yaml"))
        validate, site, warm, peaks = [], [], [], []
        check = ("validate", "--root", str(repo), "--as-of", AS_OF)
        build = ("site", "build", "--root", str(repo), "--out", str(out), "--as-of", AS_OF)
        for _ in range(args.runs):
            seconds, _peak = measured(*check, "--no-cache")
            validate.append(seconds)
            seconds, peak = measured(*build, "--no-cache")
            site.append(seconds)
            peaks.append(peak)
            shutil.rmtree(repo / ".itam-cache", ignore_errors=True)
            measured(*check)
            seconds, peak = measured(*build)
            warm.append(seconds)
            peaks.append(peak)
        data = (out / "assets" / "inventory-data.js").read_bytes()
        pages = sum(1 for _ in out.rglob("*.html"))
    print(f"{files} files, {pages} pages, {args.runs} runs each, interleaved, fresh processes")
    timings = (("validate", validate), ("site build", site), ("site after validate", warm))
    for name, values in timings:
        print(
            f"  {name:19} median {statistics.median(values):7.2f} s  "
            f"(min {min(values):.2f}, max {max(values):.2f})"
        )
    print(f"  site peak RSS     median {statistics.median(peaks):,} MiB (max {max(peaks):,})")
    print(
        f"  inventory data    {len(data) / 1e6:.2f} MB raw, "
        f"{len(gzip.compress(data, 6)) / 1e6:.2f} MB gzipped"
    )
    base = statistics.median(validate)
    print(f"  site / validate:  {statistics.median(site) / base:.2f}x")
    print(f"  site after validate / validate: {statistics.median(warm) / base:.2f}x")


if __name__ == "__main__":
    main()
