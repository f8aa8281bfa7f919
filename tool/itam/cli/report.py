"""``itam report NAME``: a stakeholder report as markdown, HTML, CSV or JSON.

A report is information, not a gate: exit 0 whenever it was produced,
whatever it shows; 2 on a usage or configuration error (an unknown report,
a bad ref or date).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from itam.cli.options import as_of_option, emit, output_option, root_option


@click.command()
@click.argument("name", metavar="NAME")
@root_option
@as_of_option
@click.option(
    "--at",
    metavar="REF",
    default=None,
    help="Report on the registry as it stood at commit REF (read from git, nothing checked out).",
)
@click.option(
    "--from",
    "start",
    metavar="REF|DATE",
    default=None,
    help="movements: the period's start, a commit or YYYY-MM-DD (the last commit that day).",
)
@click.option(
    "--to",
    "end",
    metavar="REF|DATE",
    default=None,
    help="movements: the period's end, a commit or YYYY-MM-DD (the last commit that day).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("md", "html", "csv", "json")),
    default="md",
    help="md for a meeting or a job summary, html for a standalone page, csv for a "
    "spreadsheet, json for scripts.",
)
@output_option
def report(
    name: str,
    root: Path | None,
    as_of: dt.date,
    at: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Write the report NAME: audit, warranty, eol, disposal, refresh, licenses,
    depreciation, movements or findings.

    --as-of fixes the date deadlines are judged against, --at the commit whose
    registry is reported; together they reproduce any past report. movements
    takes --from and --to instead (each a ref, judged as of its commit date,
    or a date, meaning the last commit on or before it, judged as of that day);
    --as-of does not apply to it.

    Exit 0 when the report was produced, 2 on a usage or configuration error.
    """
    from itam.evaluation import evaluate
    from itam.gitsource import check_ref
    from itam.layout import Layout
    from itam.reports import spec
    from itam.reports.render import RENDERERS

    chosen = spec(name)
    if chosen.name == "movements":
        if at is not None:
            raise click.UsageError("movements takes --from and --to, not --at")
        if start is None or end is None:
            raise click.UsageError("movements needs --from REF|DATE and --to REF|DATE")
    elif start is not None or end is not None:
        raise click.UsageError("--from and --to belong to the movements report")
    if at is not None:
        check_ref(at)  # before anything else runs, git included
    layout = Layout.at(root)
    if chosen.name == "movements":
        from itam.reports.movements import between

        table, evaluation = between(layout, start or "", end or "")
    else:
        evaluation = evaluate(layout, as_of, at=at)
        table = chosen.build(evaluation)
    if fmt == "html":
        from itam.sitegen import render_report_html

        text = render_report_html(table, evaluation)
    else:
        text = RENDERERS[fmt](table)
    if emit(text, output):
        click.echo(f"itam: {chosen.name} report written to {output}", err=True)
