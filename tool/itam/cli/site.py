"""``itam site build``: write the static inventory site."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from itam.cli.options import analysis_options, as_of_option, root_option, run_options


@click.group()
def site() -> None:
    """The static inventory site for stakeholders."""


@site.command("build")
@root_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="The folder to write the site to, replaced as a whole (default: _site/ under the root).",
)
@as_of_option
@click.option(
    "--at",
    metavar="REF",
    default=None,
    help="Show the registry as it stood at this commit, read from git objects.",
)
@click.option(
    "--base-url",
    metavar="URL",
    default=None,
    help="Where the site is published (e.g. https://org.github.io/registry/); sets canonical "
    "URLs only, every link stays relative.",
)
@run_options
def build(
    root: Path | None,
    out: Path | None,
    as_of: dt.date,
    at: str | None,
    base_url: str | None,
    no_cache: bool,
    jobs: int,
    progress: bool | None,
) -> None:
    """Build the inventory site: dashboard, inventory, a page per entity with
    its history, reports and rules.

    The site is built beside --out and swapped in whole; a failed build leaves
    the previous site as it was. Exit 0 when the registry has no blocking
    error, 1 when it has one (the site is written either way), 2 on a usage or
    configuration error.
    """
    from itam.gitsource import check_ref
    from itam.layout import Layout
    from itam.sitegen import build_site

    if at is not None:
        check_ref(at)  # before anything else runs, git included
    start = time.perf_counter()
    layout = Layout.at(root)
    with analysis_options(layout.root, no_cache, jobs, progress) as options:
        built = build_site(layout, out, as_of, at=at, base_url=base_url, options=options)
    seconds = time.perf_counter() - start
    errors = f"; {built.blocking} blocking findings" if built.blocking else ""
    click.echo(
        f"itam: site of {built.entities:,} entities ({built.pages:,} pages) as of "
        f"{as_of.isoformat()} written to {built.out} in {seconds:.1f} s{errors}",
        err=True,
    )
    sys.exit(1 if built.blocking else 0)
