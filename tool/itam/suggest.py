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

from itam.limits import quote

MAX_WORD = 100
"""Longer words are no typo of a field, state or id (ids have at most 64 characters)."""

MAX_COMPARED = 200
"""Names difflib compares for one suggestion."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    if not word or len(word) > MAX_WORD:
        return ""
    close = difflib.get_close_matches(word, candidates(word, choices), n=1)
    return f" (did you mean {quote(close[0])}?)" if close else ""


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
    close = difflib.get_close_matches(word, _window(ordered, word), n=1)
    return f" (did you mean {quote(close[0])}?)" if close else ""
