"""Measure itam on synthetic registries against a floor and a peer, in one run.

    .venv/bin/python benchmarks/run.py [--sizes 1000,10000] [--repeat 3] [--peer]
        [--json FILE] [--markdown FILE] [--workdir DIR] [--itam PATH] [--only STEPS]

For each size it grows two registries with ``generate.py`` (the clean one,
with a 10-file pull request on a branch ``change``, and the one with findings
on a tenth of its files), then measures, ``--repeat`` times and interleaved so
that machine noise hits every figure alike, each in a fresh process:

* the floor: reading the bytes of every registry file, and parsing them with
  PyYAML's ``CSafeLoader`` in one process;
* ``itam validate`` cold (``.itam-cache/`` deleted first), again with nothing
  changed, and ``--base main`` with the 10 changed files checked out: first
  on a base no run judged yet (the first push of the day), then again, with
  the base's judgement remembered (a second push, or any pull request once
  the nightly run judged main);
* the site's floor: writing as many files of 10,000 bytes (an entity
  page's size) into one new folder, from one process: what the disk alone
  costs, which on this machine moves from 50 to 600 µs a file within an hour;
* ``itam site build`` cold (``--no-cache``) and after validate (from the
  cache), each into a new folder;
* every folder these write is kept until the whole run ends (see ``Outputs``).
* ``itam validate`` on the registry with findings, cold and unchanged;
* with ``--peer``, at sizes up to 10,000: check-jsonschema on the same files
  with the same schemas, one invocation per kind. It resolves the schemas'
  ``$ref`` on demand, about 25 ms a file here, so it runs ``--peer-repeat``
  times (once by default) rather than ``--repeat``: at 10,000 files one run
  takes minutes, and at tens of times itam's time its noise hardly moves a ratio.

itam runs as ``itam ... --format json --output /dev/null`` so that printing
costs nothing. Each figure is the median wall time; CPU is user + system of
the process and its children (above the wall time when it uses more than one
core); peak memory is the largest sum of the proportional set sizes (PSS:
resident memory, each page shared by forked workers counted once) of the
process and its children, sampled every second (reading it costs the
kernel 30 ms for a process of 800 MB), and never less than the largest
single process's own peak RSS. The machine is shared and noisy: compare the ratios to the
CSafeLoader floor measured in the same run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

from itam.sitegen.publish import remove_tree

PROJECT = generate.PROJECT
AS_OF = generate.AS_OF.isoformat()
CACHE = ".itam-cache"
PEER_LIMIT = 10_000
TIMEOUT = 3600.0
STAMP = "bench-stamp.json"
STEPS = (
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
    "peer",
)
"""What one run measures, in order; ``--only`` picks some (the cache a step
reads is then whatever the steps before it, of this run or an earlier one, left)."""
# The measurement whose run filled the cache that each warm one reads.
FILLED_BY = {
    "warm": "cold",
    "base": "cold",
    "base-again": "base",
    "site": "cold",
    "findings-warm": "findings-cold",
}

READ = """
import os, sys
size = 0
for folder, _, names in os.walk(os.path.join(sys.argv[1], "registry")):
    for name in names:
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name), "rb") as f:
                size += len(f.read())
"""
PARSE = """
import os, sys, yaml
for folder, _, names in os.walk(os.path.join(sys.argv[1], "registry")):
    for name in names:
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name), "rb") as f:
                yaml.load(f.read(), Loader=yaml.CSafeLoader)
"""
WRITE = """
import os, sys
folder = os.path.join(sys.argv[1], "entities")
os.makedirs(folder)
page = b"x" * int(sys.argv[3])
new = os.O_CREAT | os.O_EXCL | os.O_WRONLY
for number in range(int(sys.argv[2])):
    handle = os.open(os.path.join(folder, f"ENT-{number:06d}.html"), new, 0o644)
    os.write(handle, page)
    os.close(handle)
"""
PAGE_BYTES = 10_000
"""About an entity page's size: the site's floor writes as many files of it."""
# One check-jsonschema run per kind, on that kind's files and schema; the
# base URI makes the schemas' relative $refs resolve to the files beside them.
PEER = """
import json, subprocess, sys
peer, groups = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
worst = 0
for schema, chunks in groups.items():
    for files in chunks:
        args = [peer, "--base-uri", "file://" + schema, "--schemafile", schema, *files]
        done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        worst = max(worst, done.returncode)
sys.exit(worst)
"""


@dataclass
class Sample:
    """One run of one command."""

    wall: float
    cpu: float
    rss_mb: float
    code: int
    # The tool's code changed since the run's cold measurement (someone
    # edited the work tree): the cache, keyed on the code, was cold.
    tool_changed: bool = False


@dataclass
class Result:
    """Every run of one measurement at one size."""

    name: str
    label: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)

    def as_json(
        self, floor: float | None, peer: float | None, floor_cpu: float | None
    ) -> dict[str, Any]:
        walls = [round(s.wall, 4) for s in self.samples]
        return {
            "label": self.label,
            "runs_s": walls,
            "median_s": round(self.median, 4),
            "min_s": min(walls),
            "max_s": max(walls),
            "cpu_median_s": round(self.cpu, 4),
            "peak_rss_mb": round(self.peak_mb, 1),
            "exit_codes": sorted({s.code for s in self.samples}),
            "x_floor": _ratio(self.median, floor),
            "x_floor_cpu": _ratio(self.cpu, floor_cpu),
            "x_peer": _ratio(self.median, peer),
            "note": self.note,
        }


def _ratio(value: float, base: float | None) -> float | None:
    return round(value / base, 3) if base else None


# --- measuring one command ---------------------------------------------------------------


# The sampler runs every second beside the measured process: plain os calls on
# /proc cost it least (pathlib would double the sampler's own CPU).
def _tree(pid: int) -> list[int]:
    """The process and its descendants, from /proc (Linux)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):  # noqa: PTH208
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as f:  # noqa: PTH123
                    todo.extend(int(child) for child in f.read().split())
        except OSError:
            continue
    return out


PSS_EVERY = 1.0
"""Seconds between two samples of the process tree's memory."""


def _rss(pids: list[int]) -> int:
    """Resident bytes of ``pids`` together, each page shared between them
    counted once: their proportional set sizes (PSS). Workers forked from
    itam share most of the parent's memory, which a sum of resident sizes
    would count once per worker; without smaps_rollup, that sum it is."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:  # noqa: PTH123
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
            continue
        except (OSError, IndexError, ValueError, StopIteration):
            pass
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as f:  # noqa: PTH123
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(command: Sequence[str | Path], cwd: Path | None = None) -> Sample:
    """Run ``command`` in a new process group; its wall time, CPU, peak RSS and exit code."""
    args = [str(a) for a in command]
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
        )
        peak = 0
        done = threading.Event()

        def sample() -> None:
            # Reading smaps_rollup walks the page tables: 30 ms for a process
            # of 800 MB here, so PSS is read once a second (a sampler busy
            # all the time would take a third of the cores it measures).
            nonlocal peak
            while not done.wait(PSS_EVERY):
                peak = max(peak, _rss(_tree(process.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(TIMEOUT, lambda: os.killpg(process.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        finally:
            timer.cancel()
            done.set()
            sampler.join()
        wall = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code < 0 or code > 1:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-2000:]
            raise SystemExit(f"run.py: {' '.join(args)} exited with {code}:\n{tail}")
    # ru_maxrss is KiB on Linux: the largest single process, exactly.
    single = usage.ru_maxrss * 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, max(peak, single) / 2**20, code)


# --- one size ------------------------------------------------------------------------------


@dataclass
class Size:
    """The registries of one size and their measurements."""

    entities: int
    clean: Path
    findings: Path
    files: int = 0
    bytes: int = 0
    generated_s: dict[str, float] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)

    def add(self, name: str, label: str, sample: Sample) -> None:
        self.results.setdefault(name, Result(name, label)).samples.append(sample)

    def median(self, name: str) -> float | None:
        found = self.results.get(name)
        return found.median if found and found.samples else None

    def cpu(self, name: str) -> float | None:
        found = self.results.get(name)
        return found.cpu if found and found.samples else None


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(path.parent)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _stamp(entities: int, findings: bool, seed: int) -> dict[str, Any]:
    """What a generated registry was made from: reuse it only when all match."""
    here = Path(__file__).resolve().parent
    sources = [here / "generate.py", here / "synthetic"]
    inputs = [PROJECT / name for name in (*generate.CONFIG, "registry")]
    return {
        "entities": entities,
        "findings": findings,
        "seed": seed,
        "generator": _digest(sources),
        "bundled": _digest(inputs),
    }


def _registry(dest: Path, entities: int, findings: bool, seed: int) -> float:
    """Generate ``dest`` (or reuse it when its stamp matches); seconds it took."""
    stamp = _stamp(entities, findings, seed)
    stamp_file = dest.parent / f"{dest.name}.{STAMP}"
    if (
        dest.is_dir()
        and stamp_file.is_file()
        and json.loads(stamp_file.read_text("utf-8")) == stamp
    ):
        return 0.0
    if dest.exists():
        shutil.rmtree(dest)
    started = time.perf_counter()
    generate.generate(dest, entities, findings=findings, seed=seed)
    if not findings:
        generate.make_change(dest)
    stamp_file.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return time.perf_counter() - started


def _peer_groups(root: Path, out: Path) -> Path:
    """Registry files by the schema of their kind, in argument lists of at most ~500 KB."""
    by_schema: dict[str, list[str]] = {}
    pattern = re.compile(rb"^kind: *([a-z][a-z0-9-]*)\s*$", re.MULTILINE)
    kinds = root / "schemas" / "kinds"
    for path in sorted((root / "registry").rglob("*.yaml")):
        found = pattern.search(path.read_bytes())
        if found and (kinds / f"{found.group(1).decode()}.schema.json").is_file():
            schema_file = str(kinds / f"{found.group(1).decode()}.schema.json")
            by_schema.setdefault(schema_file, []).append(str(path))
    groups: dict[str, list[list[str]]] = {}
    for schema, files in by_schema.items():
        chunks: list[list[str]] = [[]]
        length = 0
        for file in files:
            if length > 500_000:
                chunks.append([])
                length = 0
            chunks[-1].append(file)
            length += len(file) + 1
        groups[schema] = chunks
    out.write_text(json.dumps(groups), encoding="utf-8")
    return out


class Outputs:
    """New folders for the steps that write (the site and its floor), all
    removed when the run ends, none before.

    On ext4 without a journal (this machine's disk) a new file skips every
    inode freed in the last 60 to 300 seconds, one by one: removing the last
    run's 10,000 pages just before a build made its 10,000 creates cost 3 to
    8 s of system time instead of 1 (``perf``: ``recently_deleted`` under
    ``__ext4_new_inode``). A runner of the pages workflow starts with no such
    inodes, so no timed step follows a removal here.
    """

    def __init__(self, work: Path) -> None:
        self.root = work / "outputs"
        self.made = 0
        if self.root.exists():  # what a killed run left
            remove_tree(self.root)
        self.root.mkdir(parents=True)

    def new(self, what: str) -> Path:
        self.made += 1
        return self.root / f"{what}-{self.made}"

    def remove(self) -> None:
        remove_tree(self.root)


def run_size(
    entities: int, work: Path, args: argparse.Namespace, itam: list[str], outputs: Outputs
) -> Size:
    """Generate the registries of one size and measure everything on them."""
    folder = work / str(entities)
    folder.mkdir(parents=True, exist_ok=True)
    size = Size(entities, folder / "clean", folder / "findings")
    print(f"\n{entities:,} entities: generating in {folder}", flush=True)
    size.generated_s["clean"] = _registry(size.clean, entities, False, args.seed)
    size.generated_s["findings"] = _registry(size.findings, entities, True, args.seed)
    files = sorted((size.clean / "registry").rglob("*.yaml"))
    size.files, size.bytes = len(files), sum(p.stat().st_size for p in files)
    peer = Path(sys.executable).parent / "check-jsonschema"
    with_peer = args.peer and entities <= PEER_LIMIT
    if with_peer and not peer.is_file():
        raise SystemExit(f"run.py: --peer needs {peer} (pip install check-jsonschema)")
    groups = _peer_groups(size.clean, folder / "peer-groups.json") if with_peer else None
    validate = [*itam, "validate", "--as-of", AS_OF, "--format", "json", "--output", os.devnull]
    for run in range(1, args.repeat + 1):
        print(f"  run {run}/{args.repeat}:", end="", flush=True)
        steps: list[tuple[str, str, Callable[[], Sample]]] = [
            (
                "read",
                "read the bytes (floor)",
                lambda: measure([sys.executable, "-c", READ, size.clean]),
            ),
            (
                "parse",
                "parse with CSafeLoader (floor)",
                lambda: measure([sys.executable, "-c", PARSE, size.clean]),
            ),
            ("cold", "itam validate, cold", lambda: _cold(validate, size.clean)),
            (
                "warm",
                "itam validate, nothing changed",
                lambda: measure([*validate, "--root", size.clean]),
            ),
            (
                "base",
                "itam validate --base main, 10 files changed",
                lambda: measure([*validate, "--root", size.clean, "--base", "main"]),
            ),
            (
                "base-again",
                "itam validate --base main again, base remembered",
                lambda: measure([*validate, "--root", size.clean, "--base", "main"]),
            ),
            (
                "write",
                "write as many 10 KB files (site floor)",
                lambda: _write_floor(outputs.new(f"{entities}-floor"), entities),
            ),
            (
                "site-cold",
                "itam site build, cold",
                lambda: _site(itam, size.clean, outputs.new(f"{entities}-site"), "--no-cache"),
            ),
            # After the runs above, as a workflow runs it after validate: the
            # files' analysis comes from the cache.
            (
                "site",
                "itam site build, after validate",
                lambda: _site(itam, size.clean, outputs.new(f"{entities}-site")),
            ),
            (
                "findings-cold",
                "itam validate, findings on 1/10, cold",
                lambda: _cold(validate, size.findings),
            ),
            (
                "findings-warm",
                "itam validate, findings on 1/10, nothing changed",
                lambda: measure([*validate, "--root", size.findings]),
            ),
        ]
        if groups is not None and run <= args.peer_repeat:
            steps.append(
                (
                    "peer",
                    "check-jsonschema, per kind (peer)",
                    lambda: measure([sys.executable, "-c", PEER, peer, groups]),
                )
            )
        if args.only is not None:
            steps = [step for step in steps if step[0] in args.only]
        before: dict[str, str] = {}
        for name, label, step in steps:
            before[name] = _tool_signature()
            sample = step()
            # Another installation (--itam) is taken as fixed: the work tree
            # watched here is not the code it runs.
            filler = FILLED_BY.get(name)
            if filler in before and args.itam is None:
                sample.tool_changed = _tool_signature() != before[filler]
            size.add(name, label, sample)
            print(f" {name} {sample.wall:.2f}s", end="", flush=True)
        print(flush=True)
    _notes(size)
    return size


def _cold(validate: list[str], root: Path) -> Sample:
    shutil.rmtree(root / CACHE, ignore_errors=True)
    return measure([*validate, "--root", root])


def _write_floor(out: Path, files: int) -> Sample:
    os.sync()  # the steps before it wrote: their writes are not this step's
    return measure([sys.executable, "-c", WRITE, out, str(files), str(PAGE_BYTES)])


def _site(itam: list[str], root: Path, out: Path, *options: str) -> Sample:
    # Into a new folder, as the pages workflow builds on a fresh runner, the
    # earlier steps' writes flushed first: 100,000 pages still on their way
    # to the disk slowed the next build by a fifth. (A rebuild into an
    # existing site also removes the old one: docs/performance.md gives what
    # that swap costs.)
    os.sync()
    command: list[str | Path] = [*itam, "site", "build", "--root", root, "--out", out]
    return measure([*command, "--as-of", AS_OF, *options])


def _tool_signature() -> str:
    """Names, sizes and modification times of the itam package's files."""
    spec = importlib.util.find_spec("itam")
    if spec is None or spec.origin is None:
        return ""
    digest = hashlib.sha256()
    for path in sorted(Path(spec.origin).parent.rglob("*")):
        if path.suffix in (".py", ".json"):
            info = path.stat()
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _notes(size: Size) -> None:
    """Flag exit codes that say the registry is not what it should be, and
    runs during which the tool's code changed."""
    for name, result in size.results.items():
        changed = sum(s.tool_changed for s in result.samples)
        if changed:
            result.note = (
                f"the tool's code changed during {changed} of these runs (an edit in the work "
                "tree): the cache was cold for them"
            )
        codes = {s.code for s in result.samples}
        if name in ("cold", "warm", "base", "base-again") and codes != {0}:
            result.note += "exit 1 on the clean registry: a finding the generator should not make"
        elif name.startswith("findings") and codes != {1}:
            result.note += "exit 0 on the registry with findings: its defects were not found"
        elif name == "peer" and codes != {0}:
            result.note += "check-jsonschema found errors in the clean registry"


# --- report --------------------------------------------------------------------------------


def machine(itam: list[str]) -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    memory = None
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in info.splitlines()
                if line.startswith("model name")
            ),
            cpu,
        )
        meminfo = Path("/proc/meminfo").read_text(encoding="ascii", errors="replace")
        found = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
        memory = round(int(found.group(1)) / 2**20, 1) if found else None
    except OSError:
        pass
    version = subprocess.run([*itam, "--version"], capture_output=True, text=True, check=False)
    commit = subprocess.run(
        ["git", "-C", str(PROJECT), "describe", "--always", "--dirty", "--abbrev=12"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gib": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "itam": re.sub(r"^itam, version ", "itam ", version.stdout.strip()) or "itam ?",
        "commit": commit.stdout.strip() or "unknown",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _target(name: str, entities: int, result: Result, size: Size) -> str:
    """The issue's target for this figure at this size, and whether it was met."""
    floor = size.median("parse")
    cold = size.median("cold")
    checks: list[tuple[str, bool]] = []
    if name == "cold" and floor:
        checks.append(("<= 0.35x floor", result.median <= 0.35 * floor))
        if entities >= 100_000:
            checks.append(("<= 15 s", result.median <= 15))
    elif name == "warm" and entities >= 100_000:
        checks.append(("<= 3 s", result.median <= 3))
    elif name in ("base", "base-again") and entities >= 100_000:
        checks.append(("<= 1 s", result.median <= 1))
    elif name == "findings-cold" and cold:
        checks.append(("<= 1.2x clean", result.median <= 1.2 * cold))
    elif name in ("site", "site-cold") and entities in (10_000, 100_000):
        limit = 10 if entities == 10_000 else 90
        checks.append((f"<= {limit} s", result.median <= limit))
    if entities >= 100_000 and name in ("cold", "warm", "base", "base-again", "findings-cold"):
        checks.append(("< 512 MB", result.peak_mb < 512))
    if entities >= 100_000 and name in ("site", "site-cold"):
        checks.append(("< 1 GB", result.peak_mb < 1024))
    return ", ".join(f"{text} {'met' if ok else 'MISSED'}" for text, ok in checks)


def rows(size: Size) -> list[list[str]]:
    """The table of one size: every figure and its ratios."""
    floor, peer = size.median("parse"), size.median("peer")
    out = []
    for name, result in size.results.items():
        walls = [s.wall for s in result.samples]
        out.append(
            [
                result.label,
                f"{result.median:.2f}",
                f"{min(walls):.2f}-{max(walls):.2f}",
                f"{result.cpu:.2f}",
                f"{result.peak_mb:.0f}",
                _times(result.median, floor),
                _times(result.median, peer),
                _target(name, size.entities, result, size),
            ]
        )
    return out


def _times(value: float, base: float | None) -> str:
    return f"{value / base:.2f}x" if base else "-"


def ratios(size: Size) -> dict[str, float | None]:
    """The ratios the issue asks about, within one size."""
    cold = size.median("cold")
    pairs = {
        "findings_over_clean": (size.median("findings-cold"), cold),
        "unchanged_over_cold": (size.median("warm"), cold),
        "base_over_cold": (size.median("base"), cold),
        "base_again_over_cold": (size.median("base-again"), cold),
        "cold_over_floor": (cold, size.median("parse")),
        "cold_over_floor_cpu": (size.cpu("cold"), size.cpu("parse")),
        "peer_over_cold": (size.median("peer"), cold),
        "site_over_write_floor": (size.median("site"), size.median("write")),
    }
    return {key: (round(a / b, 3) if a and b else None) for key, (a, b) in pairs.items()}


HEADER = [
    "measurement",
    "median s",
    "range s",
    "CPU s",
    "peak MB (PSS)",
    "x floor",
    "x peer",
    "target",
]


def text_report(sizes: list[Size], info: dict[str, Any], repeat: int) -> str:
    lines = [
        "",
        f"itam benchmark as of {AS_OF}: median of {repeat} interleaved runs, each in a new process",
        _machine_line(info),
    ]
    for size in sizes:
        lines.append("")
        lines.append(_size_line(size))
        table = [HEADER, *rows(size)]
        widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
        for row in table:
            cells = (
                [row[0].ljust(widths[0])]
                + [row[i].rjust(widths[i]) for i in range(1, 7)]
                + [row[7]]
            )
            lines.append("  " + "  ".join(cells).rstrip())
        lines.append("  " + _ratio_line(size))
        lines.extend(f"  note: {r.label}: {r.note}" for r in size.results.values() if r.note)
    return "\n".join(lines) + "\n"


def _machine_line(info: dict[str, Any]) -> str:
    return (
        f"machine: {info['cpu']}, {info['cpu_count']} cores ({info['usable_cores']} usable), "
        f"{info['ram_gib']} GiB RAM, {info['system']}, Python {info['python']}; "
        f"{info['itam']} at commit {info['commit']}; load average at start "
        f"{' '.join(str(x) for x in info['load_average'])}"
    )


def _size_line(size: Size) -> str:
    generated = ", ".join(
        f"{k} {v:.1f} s" if v else f"{k} reused" for k, v in size.generated_s.items()
    )
    return (
        f"{size.entities:,} entities: {size.files:,} files, {size.bytes / 1e6:.1f} MB "
        f"({size.bytes / max(size.files, 1):.0f} bytes a file); generated: {generated}"
    )


def _ratio_line(size: Size) -> str:
    r = ratios(size)
    names = {
        "findings_over_clean": "findings/clean (cold)",
        "unchanged_over_cold": "nothing changed/cold",
        "base_over_cold": "--base/cold",
        "base_again_over_cold": "--base again/cold",
        "cold_over_floor": "cold/floor",
        "cold_over_floor_cpu": "in CPU time",
        "peer_over_cold": "peer/cold",
        "site_over_write_floor": "site after validate/write floor",
    }
    return "; ".join(f"{names[k]} {v:.2f}x" for k, v in r.items() if v is not None)


def markdown_report(sizes: list[Size], info: dict[str, Any], repeat: int, command: str) -> str:
    lines = [
        f"Measured with `{command}` as of {AS_OF}: the median of {repeat} interleaved runs, "
        "each in a new process.",
        "",
        _machine_line(info) + ".",
    ]
    for size in sizes:
        lines += ["", f"**{_size_line(size)}**", ""]
        lines.append("| " + " | ".join(HEADER) + " |")
        lines.append("|" + "|".join(["---"] + ["--:"] * 6 + ["---"]) + "|")
        lines.extend("| " + " | ".join(row) + " |" for row in rows(size))
        lines += ["", _ratio_line(size) + "."]
        lines.extend(f"Note: {r.label}: {r.note}." for r in size.results.values() if r.note)
    return "\n".join(lines) + "\n"


def json_report(sizes: list[Size], info: dict[str, Any], repeat: int, command: str) -> str:
    out = {
        "version": 1,
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "as_of": AS_OF,
        "repeat": repeat,
        "machine": info,
        "sizes": [
            {
                "entities": s.entities,
                "files": s.files,
                "bytes": s.bytes,
                "generated_s": {k: round(v, 2) for k, v in s.generated_s.items()},
                "measurements": {
                    name: r.as_json(s.median("parse"), s.median("peer"), s.cpu("parse"))
                    for name, r in s.results.items()
                },
                "ratios": ratios(s),
            }
            for s in sizes
        ],
    }
    return json.dumps(out, indent=2) + "\n"


# --- command line --------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive numbers: {text!r}")
    return sizes


def _itam(given: str | None) -> list[str]:
    if given:
        return [given]
    beside = Path(sys.executable).parent / "itam"
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "itam"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=[1000, 10000], help="e.g. 1000,10000,100000"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (median)")
    parser.add_argument(
        "--peer", action="store_true", help=f"check-jsonschema too, up to {PEER_LIMIT:,}"
    )
    parser.add_argument("--peer-repeat", type=int, default=1, help="runs of the peer (median)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write a Markdown table")
    parser.add_argument("--workdir", type=Path, help="keep the registries here and reuse them")
    parser.add_argument("--itam", help="the itam executable to measure (default: this venv's)")
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        metavar="STEPS",
        help="measure only these, in their usual order: " + ",".join(STEPS),
    )
    args = parser.parse_args(argv)
    if args.only is not None and not args.only <= set(STEPS):
        parser.error(f"--only: unknown steps {','.join(sorted(args.only - set(STEPS)))}")
    if args.repeat < 1 or args.peer_repeat < 1:
        parser.error("--repeat and --peer-repeat must be at least 1")
    args.peer_repeat = min(args.peer_repeat, args.repeat)
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    itam = _itam(args.itam)
    info = machine(itam)
    temporary = None
    outputs: Outputs | None = None
    if args.workdir is None:
        temporary = tempfile.TemporaryDirectory(prefix="itam-bench-")
        work = Path(temporary.name)
    else:
        work = args.workdir.resolve()
    try:
        outputs = Outputs(work)
        sizes = [run_size(n, work, args, itam, outputs) for n in args.sizes]
        info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        print(text_report(sizes, info, args.repeat), end="")
        if args.json:
            _write_atomically(args.json, json_report(sizes, info, args.repeat, command))
        if args.markdown:
            _write_atomically(args.markdown, markdown_report(sizes, info, args.repeat, command))
    except (ValueError, RuntimeError, OSError) as error:
        print(f"run.py: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("run.py: interrupted", file=sys.stderr)
        return 130
    finally:
        if outputs is not None:
            outputs.remove()
        if temporary is not None:
            temporary.cleanup()
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


if __name__ == "__main__":
    sys.exit(main())
