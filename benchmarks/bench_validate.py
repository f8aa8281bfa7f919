"""Benchmark ``itam validate`` in one process, step by step, on a synthetic registry.

    .venv/bin/python benchmarks/bench_validate.py [--entities 10000] [--runs 5] [--with-findings]

Grows a registry of N entities with ``generate.py`` (the generator every
benchmark uses) and a 10-file change on a branch, then times, in the same
process and interleaved so that machine noise hits all of them:

* baseline: reading and parsing every file with PyYAML's CSafeLoader alone;
* validate: the whole evaluation (load, schemas, integrity, policies);
* schemas-only: the same with the lifecycles alone (no other policy rule),
  to show what the policies add;
* base: the evaluation with ``--base main``, the pull-request mode.

In-process timings leave out interpreter start-up and imports, which helps
when profiling one step; ``run.py`` measures the CLI as CI runs it, in fresh
processes, with the cache, the site, memory and a peer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

from itam.evaluation import evaluate
from itam.layout import Layout
from itam.pullrequest import Revisions

AS_OF: dt.date = generate.AS_OF


def baseline(root: Path) -> None:
    for path in (root / "registry").rglob("*.yaml"):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def validate(root: Path, revisions: Revisions | None = None, errors_expected: bool = False) -> None:
    report = evaluate(Layout(root), AS_OF, revisions).report()
    errors = [f for f in report.findings if f.blocking]
    if errors and not errors_expected:
        shown = "\n".join(f"  {f.file}: [{f.rule}] {f.message}" for f in errors[:5])
        raise SystemExit(f"the benchmark registry has {len(errors)} errors:\n{shown}")


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
    parser.add_argument("--entities", type=int, default=10_000, help="entities in all")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--with-findings",
        action="store_true",
        help="the registry with findings on a tenth of its files",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="itam-bench-") as folder:
        root = Path(folder)
        repo = root / "repo"
        generate.generate(repo, args.entities, findings=args.with_findings)
        bare = root / "no-policies"
        copy_without_policies(repo, bare)
        generate.make_change(repo)
        noisy = args.with_findings
        files = sum(1 for _ in (repo / "registry").rglob("*.yaml"))
        steps: dict[str, Callable[[], None]] = {
            "baseline": lambda: baseline(repo),
            "schemas-only": lambda: validate(bare, errors_expected=noisy),
            "validate": lambda: validate(repo, errors_expected=noisy),
            "base": lambda: validate(repo, Revisions("main"), errors_expected=noisy),
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
