"""``itam reconcile DISCOVERY``: a discovery export compared with the registry.

Exit 0 when everything agrees, 1 when there are differences (unknown
devices, devices matching several entities, entities in service not seen,
fields that disagree), 2 when the export cannot be read or on a usage or
configuration error. With --write, drafts for the unknown devices are
written first, and the exit code still says what the comparison found.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from itam.cli.options import as_of_option, emit, output_option, root_option


@click.command()
@click.argument("discovery", metavar="DISCOVERY", type=click.Path(path_type=Path))
@click.argument("filters", nargs=-1, metavar="[FILTER]...")
@click.option(
    "--key",
    type=click.Choice(("serial", "mac", "hostname")),
    default="serial",
    help="What matches a device with an entity (default: serial).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json", "markdown")),
    default="text",
    help="text for a terminal, json for scripts, markdown for a pull request or job summary.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Draft an entity for each unknown device (validated against the whole registry "
    "before anything is written).",
)
@root_option
@as_of_option
@output_option
def reconcile(
    discovery: Path,
    filters: tuple[str, ...],
    key: str,
    fmt: str,
    write: bool,
    root: Path | None,
    as_of: dt.date,
    output: Path | None,
) -> None:
    """Compare the discovery export DISCOVERY (CSV, JSON, Open-AudIT JSON or
    XML, or a folder of them) with the registry: devices the registry does
    not know, entities in service that were not seen, and fields that
    disagree (host name, serial, MAC addresses, OS, model, manufacturer).

    FILTERs (as in itam list) narrow which entities are expected to be seen,
    e.g. location=fra-dc1 kind=server.

    Exit 0 when everything agrees, 1 when anything differs, 2 when the
    export cannot be read or on a usage or configuration error.
    """
    from itam.evaluation import evaluate
    from itam.interchange.discovery import read_discovery
    from itam.interchange.reconcile import reconcile as compare
    from itam.interchange.reconcile_render import RENDERERS
    from itam.inventory import Inventory
    from itam.layout import Layout
    from itam.query import parse, select

    layout = Layout.at(root)
    found = read_discovery(discovery)
    evaluation = evaluate(layout, as_of)
    expected = None
    if filters:
        inventory = Inventory(evaluation)
        expected = select(inventory, parse(filters, inventory))
    result = compare(evaluation, found, key, expected)
    drafted = None
    if write:
        from itam.interchange.drafts import draft_unknown

        drafted = draft_unknown(layout, evaluation, result)
    if emit(RENDERERS[fmt](result, drafted), output):
        click.echo(f"itam: reconciliation written to {output}", err=True)
    sys.exit(1 if result.differs else 0)
