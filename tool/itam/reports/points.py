"""The two ends of a period: which commit a ``--from``/``--to`` names, and as of when.

A date names the last commit on or before that day (UTC), judged as of that
day; a ref names its commit, judged as of the day it was committed (UTC).
Git is read through ``itam.gitsource.GitView`` alone: refs are checked there
before git sees them, and a date reaches git only as an option value that
``GitView.last_commit_on`` builds from a parsed date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from itam.dates import parse_date
from itam.errors import ConfigError

if TYPE_CHECKING:
    from itam.evaluation import Evaluation
    from itam.gitsource import GitView
    from itam.layout import Layout

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Point:
    """One end of a period: a commit (None when the history starts later) and a date."""

    commit: str | None
    as_of: dt.date


def git_view(layout: Layout) -> GitView:
    """The repository holding the registry; ConfigError when there is none."""
    from itam.gitsource import GitView  # GitPython costs ~70 ms to import

    try:
        return GitView(layout.root)
    except ConfigError as exc:
        raise ConfigError(f"a period's movements are read from git history: {exc}") from None


def last_commit_on(layout: Layout, day: dt.date) -> str | None:
    """The hash of the last commit on or before ``day`` (UTC) reachable from HEAD."""
    with git_view(layout) as view:
        return view.last_commit_on(day)


def resolve(layout: Layout, text: str) -> Point:
    """The commit and date ``text`` (a ref or YYYY-MM-DD) names; ConfigError otherwise."""
    day = parse_date(text)
    if day is None and _ISO.fullmatch(text):
        raise ConfigError(f"{text} does not exist on the calendar")
    with git_view(layout) as view:
        if day is not None:
            return Point(view.last_commit_on(day), day)
        commit = view.commit(text)
        return Point(commit.hexsha, commit.committed_datetime.astimezone(dt.UTC).date())


def evaluate_point(layout: Layout, point: Point) -> Evaluation | None:
    """The registry at ``point`` (None before the first commit: nothing was registered)."""
    from itam.evaluation import evaluate

    if point.commit is None:
        return None
    return evaluate(layout, point.as_of, at=point.commit)
