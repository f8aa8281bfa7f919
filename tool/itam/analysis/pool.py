"""Analysing many files on every core.

Workers are forked after the schemas are compiled, so each has them without
building them again, and they read the files to analyse from the memory they
inherited: a task is a range of indexes, and only results travel back. Where
``fork`` does not exist (Windows, or a platform that forbids it) the files are
analysed in this process; the results are the same either way, in the same
order.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any

from itam.analysis.cache import Result

Analyse = Callable[[str, bytes], Result]

# Below this many files a pool costs more than it saves (forking, pickling).
MIN_FILES_PER_WORKER = 1500
# Small tasks keep the workers equally busy to the end; each costs a round trip.
_TASKS_PER_WORKER = 8

# What a forked worker inherits: set just before the pool starts.
_WORK: tuple[Sequence[tuple[str, bytes]], Analyse] | None = None


def _task(span: tuple[int, int]) -> list[Result]:
    assert _WORK is not None
    items, analyse = _WORK
    return [analyse(rel, source) for rel, source in items[span[0] : span[1]]]


def analyse_many(
    items: Sequence[tuple[str, bytes]],
    analyse: Analyse,
    workers: int,
    done: Callable[[int], None] | None = None,
) -> list[Result]:
    """``analyse`` every (path, bytes) of ``items``, in order, on up to
    ``workers`` processes (``analyse`` is inherited by the fork, never pickled)."""
    workers = min(workers, len(items) // MIN_FILES_PER_WORKER)
    context = _fork_context()
    if workers < 2 or context is None:
        out = []
        for n, (rel, source) in enumerate(items, 1):
            out.append(analyse(rel, source))
            if done is not None and n % 500 == 0:
                done(n)
        return out
    global _WORK
    _WORK = (items, analyse)
    size = max(1, -(-len(items) // (workers * _TASKS_PER_WORKER)))
    spans = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    results: list[Result] = []
    try:
        with context.Pool(workers) as pool:
            for chunk in pool.imap(_task, spans):
                results.extend(chunk)
                if done is not None:
                    done(len(results))
    finally:
        _WORK = None
    return results


_BESIDE: Callable[[], Any] | None = None
"""What the process forked by ``Beside`` runs: set just before the fork."""


def _beside() -> Any:
    assert _BESIDE is not None
    return _BESIDE()


class Beside:
    """``work()`` run in a forked process while this one goes on; ``result()``
    waits for what it returns (pickled back). Where fork does not exist, or
    ``parallel`` is false, ``result()`` runs it here: the same result either way.
    """

    def __init__(self, work: Callable[[], Any], parallel: bool) -> None:
        global _BESIDE
        self.work = work
        self.pool: Any = None
        self.pending: Any = None
        context = _fork_context() if parallel else None
        if context is None:
            return
        _BESIDE = work
        try:
            self.pool = context.Pool(1)  # forks now: the child holds ``work``
            self.pending = self.pool.apply_async(_beside)
        finally:
            _BESIDE = None

    def result(self) -> Any:
        if self.pool is None:
            return self.work()
        try:
            return self.pending.get()
        finally:
            self.pool.terminate()
            self.pool.join()


def _fork_context() -> Any:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None
