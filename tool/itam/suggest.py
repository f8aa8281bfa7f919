"""'Did you mean' for misspelt fields, states, rules, kinds and ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib compares one pair in microseconds, but across 10,000 ids for every
# broken reference that adds up to seconds: long lists are first narrowed to
# names that could be a typo of the word (same start, similar length).
_NARROW_ABOVE = 200


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    pool = sorted(choices)
    if len(pool) > _NARROW_ABOVE:
        start = word[:2].casefold()
        pool = [c for c in pool if abs(len(c) - len(word)) <= 2 and c[:2].casefold() == start]
    close = difflib.get_close_matches(word, pool[:500], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
