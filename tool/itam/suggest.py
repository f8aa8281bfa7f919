"""'Did you mean' for misspelt fields, states, rules, kinds and ids.

A suggestion is a courtesy, so its cost is bounded whatever the input:
difflib compares one pair in microseconds (milliseconds for long words), but
across 10,000 ids for each of thousands of broken references that adds up to
minutes. So the choices are read once with cheap checks only, and difflib
compares at most ``MAX_COMPARED`` of them: all of a short list, or of a long
one those that could be a typo of the word (same start, similar length) and
nearest to it in sorted order. A word longer than any name is not compared.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable
from itertools import zip_longest

from itam.limits import quote

MAX_WORD = 100
"""Longer words are no typo of a field, state or id (ids have at most 64 characters)."""

MAX_COMPARED = 200
"""Names difflib compares for one suggestion."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    if not word or len(word) > MAX_WORD:
        return ""
    close = closest(word, candidates(word, choices))
    return f" (did you mean {quote(close)}?)" if close is not None else ""


def candidates(word: str, choices: Iterable[str]) -> list[str]:
    """At most ``MAX_COMPARED`` of ``choices``, sorted, that could be a typo of ``word``."""
    start = word[:2].casefold()
    every: list[str] = []
    alike: list[str] = []
    for choice in choices:
        if len(every) <= MAX_COMPARED:
            every.append(choice)
        if abs(len(choice) - len(word)) <= 2 and choice[:2].casefold() == start:
            alike.append(choice)
    if len(every) <= MAX_COMPARED:
        return sorted(every)
    alike.sort()
    if len(alike) <= MAX_COMPARED:
        return alike
    return _window(alike, word)


def _window(ordered: list[str], word: str) -> list[str]:
    """The ``MAX_COMPARED`` names of ``ordered`` that sort around ``word``: names
    that sort next to it share most of its start (LT-0010 for LT-0001)."""
    at = bisect.bisect_left(ordered, word)
    low = max(0, min(at - MAX_COMPARED // 2, len(ordered) - MAX_COMPARED))
    return ordered[low : low + MAX_COMPARED]


def did_you_mean_sorted(word: str, ordered: list[str]) -> str:
    """``did_you_mean`` over a list already sorted, in logarithmic time: the
    names compared are those that sort next to ``word``. For callers asking
    many times over the same long list (every broken reference of a run)."""
    if not word or len(word) > MAX_WORD:
        return ""
    window = _window(ordered, word)
    # Nearest in sorted order first: the likeliest best, so that ``closest``
    # rules most of the others out by their bounds alone.
    at = bisect.bisect_left(window, word)
    after, before = window[at:], window[:at][::-1]
    nearest_first = [n for pair in zip_longest(after, before) for n in pair if n is not None]
    close = closest(word, nearest_first)
    return f" (did you mean {quote(close)}?)" if close is not None else ""


CUTOFF = 0.6
"""The least similarity a suggestion needs: difflib's default."""


def closest(word: str, names: list[str]) -> str | None:
    """``difflib.get_close_matches(word, names, n=1)``'s answer, or None.

    The same answer for less: difflib computes the similarity of every name
    whose two cheap upper bounds reach the cutoff. Here a name is compared in
    full only when its bounds could still beat (or tie, for a name that sorts
    later, as difflib's ``nlargest`` breaks ties) the best found so far. With
    thousands of broken references to ids that all look alike, that is a
    few full comparisons each instead of two hundred.
    """
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best_score = CUTOFF
    best: str | None = None

    def loses(bound: float, name: str) -> bool:
        return bound < best_score or (bound == best_score and best is not None and name <= best)

    for name in names:
        matcher.set_seq1(name)
        if loses(matcher.real_quick_ratio(), name) or loses(matcher.quick_ratio(), name):
            continue
        score = matcher.ratio()
        if not loses(score, name):
            best_score, best = score, name
    return best
