"""``itam validate``: judge the registry, report in a CI format, exit 0/1/2."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from itam.cli.options import (
    FORMATS,
    analysis_options,
    as_of_option,
    emit,
    output_option,
    root_option,
    run_options,
)
from itam.findings import Finding
from itam.output import write_output


def _also(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, Path], ...]:
    out = []
    for value in values:
        name, sep, path = value.partition(":")
        if not sep or not path:
            raise click.BadParameter(f"{value!r} is not FORMAT:FILE")
        if name not in FORMATS:
            raise click.BadParameter(
                f"{name!r} is not a format; the formats are: {', '.join(FORMATS)}"
            )
        out.append((name, Path(path)))
    return tuple(out)


def _inside_root(path: Path, root: Path) -> Path:
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise click.BadParameter(f"{path} is outside the registry root {root}", param_hint="PATHS")
    return resolved


def _selector(root: Path, only: list[Path]) -> Callable[[Finding], bool]:
    def selected(finding: Finding) -> bool:
        if finding.file is None:
            return True
        path = root / finding.file
        return any(path == p or p in path.parents for p in only)

    return selected


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@root_option
@as_of_option
@click.option(
    "--base",
    metavar="REF",
    default=None,
    help="Pull-request mode: compare with the merge base of REF (a branch, tag or commit).",
)
@click.option(
    "--head",
    metavar="REF",
    default=None,
    help="With --base: judge the commit REF instead of the work tree.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: text; github when GITHUB_ACTIONS=true, as in GitHub Actions).",
)
@output_option
@click.option(
    "--also",
    "also",
    multiple=True,
    metavar="FORMAT:FILE",
    callback=_also,
    help="Also write the report in FORMAT to FILE, from the same run (repeatable): "
    "annotations on standard output and a job summary in one pass.",
)
@run_options
def validate(
    paths: tuple[Path, ...],
    root: Path | None,
    as_of: dt.date,
    base: str | None,
    head: str | None,
    fmt: str | None,
    output: Path | None,
    also: tuple[tuple[str, Path], ...],
    no_cache: bool,
    jobs: int,
    progress: bool | None,
) -> None:
    """Check the registry against its schemas and integrity rules.

    With PATHS, only findings on those files or folders are reported; the
    whole registry is still read, since uniqueness and references span files.
    With --base, the change from the merge base of REF is judged too (state
    transitions, deletions, immutable fields), and only errors the change
    introduces or that sit on entities it touches fail the run.

    Per-file results are cached in .itam-cache/ (git-ignored) and parsing
    uses every core; the findings are the same either way.

    Exit 0 when no blocking error is found, 1 when one is, 2 on a usage or
    configuration error.
    """
    from itam.evaluation import evaluate, report_of
    from itam.gitsource import check_ref
    from itam.layout import Layout
    from itam.pullrequest import Revisions
    from itam.reporters import REPORTERS
    from itam.reporters.text import summary_line

    if head is not None and base is None:
        raise click.UsageError("--head needs --base")
    for ref in (base, head):
        if ref is not None:
            check_ref(ref)  # before anything else runs, git included
    layout = Layout.at(root)
    only = [_inside_root(p, layout.root) for p in paths]
    with analysis_options(layout.root, no_cache, jobs, progress) as options:
        if base is None:
            report = report_of(layout, as_of, options)
        else:
            report = evaluate(layout, as_of, Revisions(base, head), options=options).report()
    if only:
        report = report.select(_selector(layout.root, only))
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    for extra, path in also:
        write_output(path, REPORTERS[extra](report))
    if emit(REPORTERS[fmt](report), output):
        click.echo(summary_line(report), err=True)
    sys.exit(report.exit_code)
