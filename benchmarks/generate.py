"""Grow a realistic synthetic registry from the bundled one, for benchmarks.

    .venv/bin/python benchmarks/generate.py DEST --entities N [--findings] [--seed S] [--change K]

DEST (new or empty) becomes a git repository with one commit on ``main``:
``schemas/`` and ``policies/`` copied from this project, the bundled
``registry/`` unchanged, and generated entities beside it until the registry
holds N entities in all. Every kind the bundled registry has is grown in
proportions a real organisation shows (per 100 new entities about 27
laptops, 23 peripherals, 15 phones, 12 people, 8 desktops, 5 servers, 4
network devices, 2 locations, 1 storage system, 1.5 contracts, 1 license and
half a subscription), with references that resolve (owners, locations and
racks, models, vendors, licenses and their seats, contracts and what they
cover, peripherals and the computer they are connected to, managers) and
unique serials, asset tags and MAC addresses. Files look like the bundled
ones (block mappings, flow mappings for audits and money, quoted all-digit
serials) and average about 730 bytes.

As of ``AS_OF`` (2026-11-22, the date the runner passes as ``--as-of``) the
generated entities carry no finding at all: audits are recent, warranties
and end of life are not near, every seat is bought. The bundled files keep
their own deliberate warnings. ``--findings`` writes the same registry with
a defect in about a tenth of the generated files, as a nightly run after
deadlines passed would see: overdue audits, expired warranties on
infrastructure in service, broken references and schema errors (a number
written as text, a value outside its list, a misspelt field, a date in the
wrong form). The defects come from their own random stream, so the clean
and the findings registries differ only in those files.

The same N, seed and variant always give the same bytes and the same commit
id (a pinned identity and date). ``--change K`` then commits K edited files
on a branch ``change`` and leaves it checked out: the pull request that
``itam validate --base main`` judges. 100,000 entities take about half a
minute, most of it in ``git add``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic.book import AS_OF
from synthetic.grower import Grower
from synthetic.values import FOLDERS, MIX

__all__ = ["AS_OF", "Summary", "counts", "generate", "git", "make_change"]

PROJECT = Path(__file__).resolve().parent.parent
# What a registry needs beside registry/: copied from the project when present.
CONFIG = ("schemas", "policies", "reference")
BRANCH = "main"
CHANGE_BRANCH = "change"
FINDINGS_SHARE = 0.10
# The tool's cache and a site built inside the registry stay out of git.
GITIGNORE = ".itam-cache/\n/_site/\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Registry Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "Registry Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
COMMIT_DATE = "2026-11-01T12:00:00+00:00"
CHANGE_DATE = "2026-11-20T09:30:00+00:00"


@dataclass(frozen=True)
class Summary:
    """What :func:`generate` wrote."""

    root: Path
    entities: int
    files: int
    bytes: int
    seconds: float
    kinds: dict[str, int]
    defects: dict[str, int]
    commit: str


def counts(entities: int, bundled: int) -> dict[str, int]:
    """How many entities of each kind to generate so that the registry holds
    ``entities`` in all; at least one of each kind."""
    grow = entities - bundled
    if grow < len(MIX) * 2:
        raise ValueError(
            f"a registry needs at least {bundled + len(MIX) * 2} entities: the bundled one "
            f"already holds {bundled} and every kind grows by at least two"
        )
    out = {kind: max(2, int(grow * share)) for kind, share in MIX.items()}
    out["laptop"] += grow - sum(out.values())
    return out


def _bundled(source: Path) -> dict[str, list[Any]]:
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for path in sorted((source / "registry").rglob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        if isinstance(data, dict) and isinstance(data.get("kind"), str):
            by_kind[data["kind"]].append(data)
    return by_kind


def _write(dest: Path, files: list[tuple[str, str]]) -> int:
    """Write ``files`` (never over an existing one) and return their bytes.
    Creating a file costs the kernel more than the text costs Python, so
    threads write them, as many at once as there are cores."""
    by_folder: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for rel, text in files:
        by_folder[rel.rpartition("/")[0]].append((rel, text.encode("utf-8")))
    for folder in by_folder:
        (dest / folder).mkdir(parents=True, exist_ok=True)
    root = str(dest)

    def write(items: list[tuple[str, bytes]]) -> int:
        for rel, data in items:
            # O_EXCL: a second file of one id, or one over a bundled file, is a bug.
            fd = os.open(f"{root}/{rel}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        return sum(len(data) for _, data in items)

    chunks = [
        items[i : i + 1000] for items in by_folder.values() for i in range(0, len(items), 1000)
    ]
    with ThreadPoolExecutor(max(1, len(os.sched_getaffinity(0)))) as pool:
        return sum(pool.map(write, chunks))


def git(root: Path, *args: str, date: str = COMMIT_DATE) -> str:
    """Run git in ``root`` with a pinned identity, date and no user config."""
    env = {
        **os.environ,
        **GIT_ENV,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    done = subprocess.run(
        ["git", "-c", "core.autocrlf=false", "-c", "gc.auto=0", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {root}: {done.stderr.strip()}")
    return done.stdout.strip()


def generate(
    dest: Path,
    entities: int,
    findings: bool = False,
    seed: int = 0,
    source: Path = PROJECT,
) -> Summary:
    """Write a registry of ``entities`` entities into ``dest`` (new or empty)
    as a git repository with one commit on ``main``; see the module docstring."""
    started = time.perf_counter()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ValueError(f"{dest} exists and is not an empty folder")
    bundled = _bundled(source)
    plan = counts(entities, sum(len(v) for v in bundled.values()))
    dest.mkdir(parents=True, exist_ok=True)
    for name in (*CONFIG, "registry"):
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name)
    (dest / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    grower = Grower(dest, seed, findings, bundled)
    book = grower.book
    if findings:
        # A tenth of the generated files, drawn from the entities that can
        # carry a defect (all but locations).
        judged = sum(n for kind, n in plan.items() if kind != "location")
        share = min(judged, round(sum(plan.values()) * FINDINGS_SHARE))
        book.targets = set(book.defect_rng.sample(range(judged), share))
    grower.grow(plan)
    size = _write(dest, book.files)
    git(dest, "init", "--quiet", f"--initial-branch={BRANCH}")
    git(dest, "add", "-A")
    variant = "with findings on a tenth of the files" if findings else "clean"
    message = f"Registry of {entities} entities, {variant} (seed {seed})"
    git(dest, "commit", "--quiet", "--no-verify", "-m", message)
    bundled_bytes = sum(p.stat().st_size for p in (source / "registry").rglob("*.yaml"))
    kinds = {
        kind: len(bundled.get(kind, [])) + plan.get(kind, 0) for kind in sorted({*bundled, *plan})
    }
    return Summary(
        root=dest,
        entities=entities,
        files=len(book.files) + sum(len(v) for v in bundled.values()),
        bytes=size + bundled_bytes,
        seconds=time.perf_counter() - started,
        kinds=kinds,
        defects=dict(sorted(book.defects.items())),
        commit=git(dest, "rev-parse", "HEAD"),
    )


def make_change(root: Path, count: int = 10, branch: str = CHANGE_BRANCH) -> list[str]:
    """Commit ``count`` edited asset files on a new branch ``branch`` of the
    registry at ``root`` and leave it checked out: a pull request against
    ``main``. Each edit renames a deployed laptop (a new desk), which every
    rule allows. Returns the changed files, relative to ``root``."""
    folder = root / "registry" / FOLDERS["laptop"]
    deployed = [
        path
        for path in sorted(folder.glob("*.yaml"))
        if "\nstatus: deployed\n" in path.read_text(encoding="utf-8")
    ]
    if len(deployed) < count:
        raise ValueError(f"{root} has {len(deployed)} deployed laptops, fewer than {count}")
    step = len(deployed) // count
    chosen = [deployed[i * step] for i in range(count)]
    git(root, "checkout", "--quiet", "-b", branch)
    for path in chosen:
        text = path.read_text(encoding="utf-8")
        start = text.index("\nname: ") + len("\nname: ")
        end = text.index("\n", start)
        path.write_text(
            f"{text[:start]}{text[start:end]} (desk moved){text[end:]}", encoding="utf-8"
        )
    changed = [p.relative_to(root).as_posix() for p in chosen]
    git(root, "add", "--", *changed, date=CHANGE_DATE)
    git(root, "commit", "--quiet", "--no-verify", "-m", f"Move {count} laptops", date=CHANGE_DATE)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="a new or empty folder")
    parser.add_argument("--entities", type=int, required=True, help="entities in all")
    parser.add_argument("--findings", action="store_true", help="defects in a tenth of the files")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--change", type=int, metavar="K", help="then commit K edits on a branch")
    args = parser.parse_args(argv)
    try:
        summary = generate(args.dest, args.entities, args.findings, args.seed)
        changed = make_change(args.dest, args.change) if args.change else []
    except (ValueError, RuntimeError, OSError) as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 2
    print(
        f"{summary.root}: {summary.files:,} files, {summary.bytes / summary.files:.0f} bytes "
        f"a file, commit {summary.commit[:12]}, {summary.seconds:.1f} s"
    )
    print("  " + ", ".join(f"{kind} {n:,}" for kind, n in summary.kinds.items()))
    if summary.defects:
        print("  defects: " + ", ".join(f"{k} {n:,}" for k, n in summary.defects.items()))
    if changed:
        print(f"  branch {CHANGE_BRANCH}: {len(changed)} files changed from {BRANCH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
