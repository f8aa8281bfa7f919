"""Per-file analysis at scale: a process pool and a cache behind ``itam.judge``.

``judge.analyse`` is a pure function of (path, bytes, schemas). This package
answers it for many files at once without changing any result:

* ``pool``: the files that need analysing, spread over worker processes
  forked after the schemas are built, so each worker has them for free;
* ``cache``: results kept between runs in a git-ignored folder, keyed on the
  file's path and git blob id and on digests of the schemas and of the tool
  itself; a corrupt, foreign or planted cache is ignored, never trusted;
* ``RunOptions``: how a run uses them (the CLI turns the cache on; library
  callers get the pure, uncached behaviour unless they ask).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as a run reads, parses and judges."""

CACHE_FOLDER = ".itam-cache"
"""Where the CLI keeps the cache, at the registry root (git-ignored)."""


def available_cores() -> int:
    """The cores this process may run on (a CI container's quota, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How one evaluation analyses its files."""

    # Folder of the analysis cache; None runs without one.
    cache: Path | None = None
    # Worker processes for the files the cache does not answer; 0 means every
    # available core. Small runs stay in-process (forking costs more).
    workers: int = 0
    progress: Progress | None = None
    # In pull-request mode, judge the head from its base's judgement: the
    # whole-registry rules run only on what the change can affect. False
    # judges the head in full; the findings are the same either way.
    incremental: bool = True

    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else available_cores()
