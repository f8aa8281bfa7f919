"""Options every command shares, and the one way a command writes its output."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from itam.reporters import REPORTERS

if TYPE_CHECKING:
    from itam.analysis import RunOptions

FORMATS = tuple(REPORTERS)
"""``--format`` choices of validate, in the reporter registry's order."""

F = TypeVar("F", bound=Callable[..., Any])
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    from itam.dates import default_as_of, parse_date

    if value is None:
        return default_as_of()
    parsed = parse_date(value)
    if parsed is None:
        if _ISO.fullmatch(value):
            raise click.BadParameter(f"{value} does not exist on the calendar")
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD")
    return parsed


def root_option(f: F) -> F:
    """``--root DIR``: the registry repository."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The registry repository (default: the git work tree holding the current folder).",
    )(f)


def as_of_option(f: F) -> F:
    """``--as-of YYYY-MM-DD``: the date deadlines are judged against."""
    return click.option(
        "--as-of",
        "as_of",
        callback=_as_of,
        metavar="YYYY-MM-DD",
        help="Judge deadlines as of this date (default: today, or SOURCE_DATE_EPOCH).",
    )(f)


def output_option(f: F) -> F:
    """``--output FILE``: where the command's output goes ('-' is standard output)."""
    return click.option(
        "--output",
        type=click.Path(path_type=Path),
        default=None,
        help="Write to FILE (atomically; a pipe or device is written in place) "
        "instead of standard output ('-').",
    )(f)


def emit(text: str, output: Path | None) -> bool:
    """Print ``text`` or write it to ``output``; True when it went to a file."""
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return False
    from itam.output import write_output

    write_output(output, text)  # ConfigError (exit 2) naming the path and why
    return True


def run_options(f: F) -> F:
    """``--no-cache``, ``--jobs N`` and ``--progress/--no-progress``: how a run
    analyses its files (never what it finds)."""
    f = click.option(
        "--progress/--no-progress",
        default=None,
        help="A progress line on standard error (default: on a terminal, for runs over a second).",
    )(f)
    f = click.option(
        "--jobs",
        type=click.IntRange(min=0),
        default=0,
        metavar="N",
        help="Worker processes for parsing (default 0: every available core).",
    )(f)
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Analyse every file again, without reading or writing .itam-cache/ "
        "(ITAM_CACHE_DIR moves it; ITAM_NO_CACHE=1 turns it off).",
    )(f)


@contextmanager
def analysis_options(
    root: Path, no_cache: bool, jobs: int, progress: bool | None
) -> Iterator[RunOptions]:
    """The run options the shared flags ask for, with the progress line
    cleared at the end; an untrusted cache folder is said on standard error
    and left alone."""
    from itam.analysis import CACHE_FOLDER, RunOptions
    from itam.analysis.cache import refusal

    cache = None
    if not no_cache and not os.environ.get("ITAM_NO_CACHE"):
        folder = Path(os.environ.get("ITAM_CACHE_DIR") or root / CACHE_FOLDER)
        why = refusal(folder, root)
        if why is None:
            cache = folder
        else:
            click.echo(f"itam: not using the cache at {folder}: {why}", err=True)
    if progress is None:
        # CI logs keep every carriage return, and a terminal may be faked there.
        progress = sys.stderr.isatty() and not os.environ.get("CI")
    line = ProgressLine() if progress else None
    try:
        yield RunOptions(cache=cache, workers=jobs, progress=line)
    finally:
        if line is not None:
            line.clear()


class ProgressLine:
    """``itam: parsed 40,000 of 100,000 files`` on standard error, rewritten
    in place; silent for the first second, so short runs print nothing."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if time.monotonic() - self.started < 1.0:
            return
        text = f"itam: {stage} {done:,} of {total:,} files"
        if done >= total:
            text += "; judging the registry"
        sys.stderr.write(f"\r{text}\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
