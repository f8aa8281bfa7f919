"""The ``itam`` command: parse options, call the library, pick a reporter, exit.

Exit codes: 0 no blocking error, 1 at least one, 2 usage or configuration
error. No input may produce a traceback: known operational errors print one
line; anything else is reported as an internal error (ITAM_DEBUG=1 shows it).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from itam import __version__
from itam.errors import ConfigError

FORMATS = ("text", "json", "github", "sarif", "junit", "markdown")


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"itam: {exc}", err=True)
            ctx.exit(2)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("ITAM_DEBUG"):
                raise
            click.echo(
                f"itam: internal error: {type(exc).__name__}: {exc} "
                "(run with ITAM_DEBUG=1 for details)",
                err=True,
            )
            ctx.exit(2)


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    from itam.dates import default_as_of, parse_date

    if value is None:
        return default_as_of()
    parsed = parse_date(value)
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD")
    return parsed


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The registry repository (default: the git work tree holding the current folder).",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    callback=_as_of,
    metavar="YYYY-MM-DD",
    help="Judge deadlines as of this date (default: today, or SOURCE_DATE_EPOCH).",
)


@click.group("itam", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="itam")
def cli() -> None:
    """A GitOps IT asset registry: assets are YAML files in git, checked by
    JSON Schemas and lifecycle policies."""


@cli.command()
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
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to FILE (atomically) instead of standard output ('-').",
)
def validate(
    paths: tuple[Path, ...],
    root: Path | None,
    as_of: dt.date,
    base: str | None,
    head: str | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Check the registry against its schemas and integrity rules.

    With PATHS, only findings on those files or folders are reported; the
    whole registry is still read, since uniqueness and references span files.
    With --base, the change from the merge base of REF is judged too (state
    transitions, deletions, immutable fields), and only errors the change
    introduces or that sit on entities it touches fail the run.

    Exit 0 when no blocking error is found, 1 when one is, 2 on a usage or
    configuration error.
    """
    from itam.gitsource import check_ref
    from itam.layout import Layout
    from itam.reporters import REPORTERS
    from itam.validate import Revisions, run

    if head is not None and base is None:
        raise click.UsageError("--head needs --base")
    for ref in (base, head):
        if ref is not None:
            check_ref(ref)  # before anything else runs, git included
    layout = Layout.at(root)
    only = [_inside_root(p, layout.root) for p in paths]
    revisions = Revisions(base, head) if base is not None else None
    report = run(layout, as_of, only or None, revisions)
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    text = REPORTERS[fmt](report)
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
    else:
        from itam.atomic import write_text
        from itam.reporters.text import summary_line

        try:
            write_text(output, text)
        except OSError as exc:
            raise ConfigError(f"cannot write {output}: {exc.strerror}") from None
        click.echo(summary_line(report), err=True)
    sys.exit(report.exit_code)


@cli.command()
@click.argument("entity_id", metavar="ID")
@root_option
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    help="text for people, json for scripts.",
)
def show(entity_id: str, root: Path | None, as_of: dt.date, fmt: str) -> None:
    """One entity's derived values (warranty end, end of life, next audit,
    age, book value) and findings, as of a date."""
    import json

    from itam.layout import Layout
    from itam.show import describe, render_text

    info = describe(Layout.at(root), as_of, entity_id)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(info), nl=False)


@cli.group()
def policy() -> None:
    """Show the lifecycle policies of policies/."""


def _load_policy(root: Path | None) -> Any:
    from itam.layout import Layout
    from itam.policy.load import load_policy
    from itam.schemas import SchemaSet

    layout = Layout.at(root)
    return load_policy(layout, SchemaSet(layout.schemas, layout.root).kinds)


@policy.command("list")
@root_option
def policy_list(root: Path | None) -> None:
    """Every rule in force, with its severity, scope and rationale."""
    from itam.policy.describe import rule_table

    click.echo(rule_table(_load_policy(root)), nl=False)


@policy.command("explain")
@click.argument("rule")
@root_option
def policy_explain(rule: str, root: Path | None) -> None:
    """What RULE checks, its parameters, and a passing and a failing example."""
    from itam.policy.describe import explain

    click.echo(explain(_load_policy(root), rule), nl=False)


def _inside_root(path: Path, root: Path) -> Path:
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise click.BadParameter(f"{path} is outside the registry root {root}", param_hint="PATHS")
    return resolved


def main() -> None:
    """Entry point of the ``itam`` console script."""
    cli(prog_name="itam")
