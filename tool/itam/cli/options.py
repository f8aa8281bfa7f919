"""Options every command shares, and the one way a command writes its output."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itam.reporters import REPORTERS

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
