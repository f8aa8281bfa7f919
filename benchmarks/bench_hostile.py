"""Time ``itam validate`` on hostile files of about 1 MiB, one shape at a time.

    .venv/bin/python benchmarks/bench_hostile.py [--runs 3] [--timeout 120] [--shape NAME ...]

CI runs itam on pull requests from anyone, so a single file must not be able
to stall a run. Each shape is one registry file just under the 1 MiB cap,
written into a copy of the bundled registry (registry/, schemas/ and
policies/) and judged by ``itam validate --format json`` in a fresh process,
the way CI runs it. ``clean`` is the copy without a hostile file, for
reference. Shapes are interleaved across runs so that machine noise hits all
of them; the median wall time of each is printed with the number of findings
on the hostile file. The target is under 2 s per shape; a run that takes
longer than ``--timeout`` is killed and shown as ``>TIMEOUT``.

``--source DIR`` copies the registry from another checkout, and a
``PYTHONPATH`` pointing at that checkout's ``tool/`` runs its code: that is
how the figures before a change are measured.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-22"
# The loader refuses files over 1 MiB unread; a shape must stay just under it.
BUDGET = (1 << 20) - 64
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Names declared by the bundled schemas; generated keys avoid them so that
# every generated key is an unknown field, never a duplicate of a real one.
LAPTOP_FIELDS = [
    *("asset_tag", "audits", "cpu", "criticality", "encryption", "end_of_life", "id", "kind"),
    *("licenses", "location", "maintenance", "mdm", "memory_gb", "model", "name", "network"),
    *("notes", "os", "owner", "purchase", "serial", "status", "storage_gb", "tags", "warranty"),
]


def _head(stem: str, kind: str = "laptop") -> str:
    return f"id: {stem}\nkind: {kind}\nname: Hostile {stem}\n"


def _base62(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, len(ALPHABET))
        out = ALPHABET[digit] + out
        if number == 0:
            return out


def _fill(head: str, line: Callable[[int], str]) -> bytes:
    """``head`` then ``line(0)``, ``line(1)``, ... for as long as the budget allows."""
    parts = [head]
    size = len(head)
    index = 0
    while True:
        text = line(index)
        if size + len(text) > BUDGET:
            return "".join(parts).encode()
        parts.append(text)
        size += len(text)
        index += 1


def many_keys(stem: str) -> bytes:
    """About 200,000 short keys at the top level, each an unknown field."""
    reserved = set(LAPTOP_FIELDS)

    def line(index: int) -> str:
        key = _base62(index)
        return "" if key in reserved else f"{key}:\n"

    return _fill(_head(stem), line)


def many_unknown_fields(stem: str) -> bytes:
    """Near-misses of real field names, the worst case for "did you mean"."""
    return _fill(
        _head(stem),
        lambda i: f"{LAPTOP_FIELDS[i % len(LAPTOP_FIELDS)]}{_base62(i // len(LAPTOP_FIELDS))}: 1\n",
    )


def huge_pattern_value(stem: str) -> bytes:
    """One host name of a megabyte that fails its pattern only at the last character."""
    head = _head(stem) + "network:\n  hostname: "
    return (head + "a-" * ((BUDGET - len(head)) // 2 - 1) + "\n").encode()


def long_ip(stem: str) -> bytes:
    """An IP address of colons: the old pattern backtracked over every split."""
    head = _head(stem) + "network:\n  ip_addresses:\n  - '"
    return (head + ":" * (BUDGET - len(head) - 4) + "!'\n").encode()


def long_email(stem: str) -> bytes:
    """A domain of dots: the old e-mail pattern backtracked over every dot."""
    head = _head(stem, "person") + "email: 'a@"
    return (head + "a." * ((BUDGET - len(head)) // 2 - 2) + "@'\n").encode()


def deep_flow_nesting(stem: str) -> bytes:
    """A megabyte of ``[``: libyaml alone would need minutes to reach the end."""
    head = _head(stem) + "notes: "
    return (head + "[" * (BUDGET - len(head))).encode()


def long_list(stem: str) -> bytes:
    """100,000 tags, each breaking the tag pattern, all the same."""
    return (_head(stem) + "tags: [" + "X, " * 100_000 + "X]\n").encode()


def many_broken_references(stem: str) -> bytes:
    """Audits by people who do not exist: each broken reference gets a "did you mean"."""
    head = _head(stem) + "status: in-stock\nmodel: lenovo-thinkpad-t14-gen4\naudits:\n"
    return _fill(head, lambda i: f"- {{date: 2024-01-01, by: EMP-{i}}}\n")


def many_duplicate_keys(stem: str) -> bytes:
    """The same key again and again."""
    return _fill(_head(stem), lambda _: "notes: again\n")


SHAPES: dict[str, Callable[[str], bytes]] = {
    "many-keys": many_keys,
    "many-unknown-fields": many_unknown_fields,
    "huge-pattern-value": huge_pattern_value,
    "long-ip": long_ip,
    "long-email": long_email,
    "deep-flow-nesting": deep_flow_nesting,
    "long-list": long_list,
    "many-duplicate-keys": many_duplicate_keys,
    "many-broken-references": many_broken_references,
}


def prepare(source: Path, dest: Path, shape: str | None) -> None:
    """A copy of the registry at ``source`` in ``dest``, plus the file of ``shape``."""
    for name in ("registry", "schemas", "policies"):
        if (source / name).exists():
            shutil.copytree(source / name, dest / name)
    if shape is not None:
        stem = f"HOSTILE-{shape}"
        data = SHAPES[shape](stem)
        assert len(data) <= BUDGET, (shape, len(data))
        (dest / "registry" / "hostile").mkdir()
        (dest / "registry" / "hostile" / f"{stem}.yaml").write_bytes(data)


def judge(root: Path, timeout: float) -> tuple[float | None, int | None]:
    """Seconds ``itam validate`` took on ``root`` (None on timeout) and findings on hostile/."""
    command = [sys.executable, "-m", "itam", "validate", "--root", str(root)]
    command += ["--as-of", AS_OF, "--format", "json"]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, cwd=root
        )
    except subprocess.TimeoutExpired:
        return None, None
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"itam failed on {root} (exit {done.returncode}):\n{done.stderr}")
    findings = json.loads(done.stdout)["findings"]
    return elapsed, sum(1 for f in findings if "/hostile/" in (f["file"] or ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES))
    parser.add_argument("--source", type=Path, default=PROJECT)
    args = parser.parse_args()
    shapes: list[str | None] = [None, *(args.shape or SHAPES)]
    times: dict[str | None, list[float | None]] = {s: [] for s in shapes}
    counts: dict[str | None, int | None] = {}
    with tempfile.TemporaryDirectory(prefix="itam-hostile-") as tmp:
        roots = {}
        for shape in shapes:
            roots[shape] = Path(tmp) / (shape or "clean")
            prepare(args.source.resolve(), roots[shape], shape)
        for _ in range(args.runs):
            for shape in shapes:
                elapsed, count = judge(roots[shape], args.timeout)
                times[shape].append(elapsed)
                counts[shape] = count
    print(f"itam validate, median of {args.runs} runs (target: under 2 s per shape)")
    for shape in shapes:
        measured = [t for t in times[shape] if t is not None]
        if len(measured) < len(times[shape]):
            shown = f">{args.timeout:.0f} s"
        else:
            shown = f"{statistics.median(measured):.2f} s"
        print(f"  {shape or 'clean':22} {shown:>9}   {counts[shape]} findings on the file")


if __name__ == "__main__":
    main()
