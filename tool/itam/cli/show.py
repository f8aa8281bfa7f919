"""``itam show ID``: one entity's derived values and findings, as of a date."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from itam.cli.options import as_of_option, root_option


@click.command()
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
    age, book value) and findings, as of a date.

    Exit 0 when the entity has no blocking error, 1 when it has one (as
    validate), 2 when there is no such entity.
    """
    from itam.evaluation import evaluate
    from itam.layout import Layout
    from itam.show import describe, render_text

    info = describe(evaluate(Layout.at(root), as_of), entity_id)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(info), nl=False)
    sys.exit(1 if info["failed"] else 0)
