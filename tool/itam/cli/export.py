"""``itam export csv|json|jsonl``: every entity with its derived values, for
finance and BI tools.

An export is information, not a gate: exit 0 whenever it was written; 2 on a
usage or configuration error (an unknown field, a bad filter, ref or date,
an output path that cannot be written).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from itam.cli.inventory import at_option, fields_option, load_inventory
from itam.cli.options import as_of_option, emit, output_option, root_option


@click.command()
@click.argument("fmt", metavar="csv|json|jsonl", type=click.Choice(("csv", "json", "jsonl")))
@click.argument("filters", nargs=-1, metavar="[FILTER]...")
@root_option
@as_of_option
@at_option
@fields_option
@output_option
def export(
    fmt: str,
    filters: tuple[str, ...],
    root: Path | None,
    as_of: dt.date,
    at: str | None,
    fields: tuple[str, ...],
    output: Path | None,
) -> None:
    """Export every entity (or those every FILTER matches, as in itam list)
    as flat rows: identity, owner, location, purchase date, cost, currency,
    book value, age, warranty end, end of life, last and next audit, open
    findings and their worst severity.

    Rows are in id order. CSV is safe to open in a spreadsheet (text that
    would run as a formula is defused); JSON is one object with version,
    as_of, at, fields and rows; jsonl is one row object per line.

    Exit 0 when the export was written, 2 on a usage or configuration error.
    """
    from itam.interchange.export import WRITERS
    from itam.inventory import EXPORT_FIELDS, fields_of
    from itam.query import parse, select

    inventory = load_inventory(root, as_of, at)
    chosen = parse(filters, inventory)
    columns = fields_of(inventory, fields or EXPORT_FIELDS)
    entities = select(inventory, chosen)
    if emit(WRITERS[fmt](inventory, columns, entities), output):
        click.echo(f"itam: {len(entities)} entities exported to {output}", err=True)
