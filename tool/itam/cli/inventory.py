"""``itam list`` and ``itam history``: what the registry holds, and how it got there.

Both are information, not a gate: exit 0 whenever the answer was produced,
whatever it shows (an empty list included); 2 on a usage or configuration
error (an unknown field or id, a bad filter, ref or date).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from itam.cli.options import F, as_of_option, emit, output_option, root_option

if TYPE_CHECKING:
    from itam.inventory import Inventory

LIST_FIELDS = ("id", "kind", "status", "owner", "location", "name")
"""The columns of ``itam list`` without --fields; fields filtered on are added."""


def at_option(f: F) -> F:
    """``--at REF``: read the registry of a past commit from git objects."""
    return click.option(
        "--at",
        metavar="REF",
        default=None,
        help="Read the registry as it stood at commit REF (from git objects, nothing checked out).",
    )(f)


def fields_option(f: F) -> F:
    """``--fields a,b,c``: the columns, in order."""
    return click.option(
        "--fields",
        "fields",
        multiple=True,
        metavar="FIELD,...",
        help="Columns, comma-separated: named fields (id, warranty_end, book_value, ...) "
        "or stored dotted paths (os.name).",
    )(f)


@click.command("list")
@click.argument("filters", nargs=-1, metavar="[FILTER]...")
@root_option
@as_of_option
@at_option
@fields_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    help="table for a terminal, csv for a spreadsheet, json for scripts.",
)
@output_option
def list_(
    filters: tuple[str, ...],
    root: Path | None,
    as_of: dt.date,
    at: str | None,
    fields: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """List the entities every FILTER matches, with stored and derived fields.

    A FILTER is FIELD OP VALUE, e.g. kind=laptop status=deployed
    'warranty.end<2027-01-01' owner=EMP-1001 location=lon-hq (which includes
    the locations inside it). OP is one of = != < <= > >= ~ !~ (~: contains,
    ignoring case). Dates compare as dates, numbers as exact decimals.

    Exit 0 when the list was produced (even empty), 2 on a usage or
    configuration error.
    """
    from itam.interchange.export import WRITERS
    from itam.inventory import fields_of
    from itam.listing import render_table
    from itam.query import parse, select

    inventory = load_inventory(root, as_of, at)
    chosen = parse(filters, inventory)
    if fields:
        columns = fields_of(inventory, fields)
    else:
        columns = fields_of(inventory, [*LIST_FIELDS, *(f.field.key for f in chosen)])
    entities = select(inventory, chosen)
    if fmt == "table":
        width = shutil.get_terminal_size((120, 24)).columns
        text = render_table(inventory, columns, entities, width) if entities else ""
        click.echo(
            f"itam: {len(entities)} of {len(inventory.evaluation.catalog)} entities, "
            f"as of {as_of.isoformat()}",
            err=True,
        )
    else:
        text = WRITERS[fmt](inventory, columns, entities)
    if emit(text, output):
        click.echo(f"itam: list written to {output}", err=True)


def load_inventory(root: Path | None, as_of: dt.date, at: str | None) -> Inventory:
    """The inventory of the work tree, or of commit ``at``, judged as of ``as_of``."""
    from itam.evaluation import evaluate
    from itam.gitsource import check_ref
    from itam.inventory import Inventory
    from itam.layout import Layout

    if at is not None:
        check_ref(at)  # before anything else runs, git included
    return Inventory(evaluate(Layout.at(root), as_of, at=at))


@click.command()
@click.argument("entity_id", metavar="ID")
@root_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    help="text for people, json for scripts.",
)
def history(entity_id: str, root: Path | None, fmt: str) -> None:
    """The commits that changed entity ID: date, author, commit, subject and
    the fields each changed, following its file through renames.

    Exit 0 when the history was produced, 2 when there is no such entity or
    no git repository.
    """
    from itam.layout import Layout
    from itam.timeline import as_json, render_text, timeline

    found = timeline(Layout.at(root), entity_id)
    if fmt == "json":
        click.echo(json.dumps(as_json(found), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(found), nl=False)
