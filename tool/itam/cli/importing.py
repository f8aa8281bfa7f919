"""``itam import snipeit|csv FILE``: entities from another system's CSV export.

Exit codes: 0 every row imported (or already there), 1 some rows rejected
(the others are imported), 2 the file, the map or an option is unusable.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itam.cli.options import as_of_option, root_option

F = TypeVar("F", bound=Callable[..., Any])


def _pairs(_ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        text, sep, target = value.rpartition("=")
        if not sep or not text.strip() or not target.strip():
            raise click.BadParameter(f"{value!r} is not TEXT=VALUE", param=param)
        out[text.strip()] = target.strip()
    return out


def _currency(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) != 3 or not value.isascii() or not value.isalpha():
        raise click.BadParameter(f"{value!r} is not an ISO 4217 code such as USD")
    return value.upper()


def _shared(f: F) -> F:
    """Options both import commands take."""
    options = [
        click.option(
            "--dry-run",
            is_flag=True,
            help="Say what would be created, updated and rejected; write nothing.",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Also reject rows whose entities would break a policy (an overdue audit, "
            "an unencrypted deployed laptop); by default they are imported and listed.",
        ),
        click.option(
            "--into",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Put new files under this folder inside registry/ (in the kind's usual "
            "sub-folder), instead of where the registry keeps each kind.",
        ),
        click.option(
            "--currency",
            callback=_currency,
            metavar="CODE",
            help="Currency of costs that name none (Snipe-IT writes $ for any currency).",
        ),
        click.option(
            "--date-order",
            type=click.Choice(("mdy", "dmy", "ymd")),
            default=None,
            help="How dates such as 4/5/16 read (default: what each column shows, "
            "else the map's order, said in a note).",
        ),
        click.option(
            "--kind",
            "default_kind",
            metavar="KIND",
            default=None,
            help="The kind of rows whose category names none.",
        ),
        click.option(
            "--category",
            "categories",
            multiple=True,
            callback=_pairs,
            metavar="TEXT=KIND",
            help="Read this category as this kind (repeatable), e.g. 'Notebooks=laptop'.",
        ),
        click.option(
            "--status",
            "states",
            multiple=True,
            callback=_pairs,
            metavar="TEXT=STATE",
            help="Read this status as this lifecycle state (repeatable), e.g. 'Spare=in-stock'.",
        ),
        click.option(
            "--encoding",
            default="utf-8",
            show_default=True,
            help="How the file's bytes are text, e.g. cp1252 for a file saved by Excel on Windows.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(("text", "json")),
            default="text",
            help="text for people, json for scripts.",
        ),
        as_of_option,
        root_option,
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.group("import")
def import_group() -> None:
    """Entities from another system's CSV export: Snipe-IT, or any other
    through a map.

    Every file written is judged against the whole registry first; a row
    that cannot become a valid entity is reported with its CSV line and why,
    and the rest are still imported. Running an import again changes nothing.
    Exit 0 when every row was imported, 1 when some were rejected, 2 when the
    file, the map or an option is unusable.
    """


@import_group.command("snipeit")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "--type",
    "what",
    type=click.Choice(("assets", "licenses", "users", "models", "locations", "suppliers")),
    default=None,
    help="Which Snipe-IT file this is (default: told from its headers).",
)
@_shared
def snipeit(file: Path, what: str | None, **options: Any) -> None:
    """Snipe-IT's asset CSV (or its licenses, users, models, locations or
    suppliers CSV) into entities, keyed on the asset tag (the name, or the
    e-mail for users).
    """
    from itam.interchange import snipeit as snipe
    from itam.tabular import read_table

    table = read_table(file, encoding=options["encoding"])
    kind = what or snipe.detect(table)
    _run(table, snipe.map_for(kind), options, adjust=snipe.adjuster(kind, options["as_of"]))


@import_group.command("csv")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "--map",
    "map_path",
    required=True,
    metavar="MAP",
    help="The map: a YAML file, or the name of a shipped one (e.g. shelf).",
)
@click.option("--delimiter", default=None, help="The delimiter (default: told from the header).")
@_shared
def csv_command(file: Path, map_path: str, delimiter: str | None, **options: Any) -> None:
    """Any system's CSV export into entities, read through a map that says
    which column holds which field (see docs/import.md)."""
    from itam.interchange.mapped import builtin_map, builtin_names, load_map
    from itam.tabular import read_table

    if not Path(map_path).exists() and map_path in builtin_names():
        import_map = builtin_map(map_path)
    else:
        import_map = load_map(Path(map_path))
    table = read_table(file, encoding=options["encoding"], delimiter=delimiter)
    _run(table, import_map, options)


def _into(layout_root: Path, into: Path | None) -> str | None:
    from itam.errors import ConfigError
    from itam.layout import REGISTRY_FOLDER

    if into is None:
        return None
    absolute = Path(os.path.normpath(into.absolute()))
    registry = layout_root / REGISTRY_FOLDER
    if absolute != registry and registry not in absolute.parents:
        raise ConfigError(f"--into {into}: new files go inside {registry}, not elsewhere")
    return absolute.relative_to(layout_root).as_posix()


def _run(table: Any, import_map: Any, options: dict[str, Any], adjust: Any = None) -> None:
    from itam.interchange.import_report import RENDERERS
    from itam.interchange.import_rows import Options
    from itam.interchange.importer import run_import
    from itam.layout import Layout

    layout = Layout.at(options["root"])
    as_of: dt.date = options["as_of"]
    result = run_import(
        layout,
        table,
        import_map,
        Options(
            currency=options["currency"],
            date_order=options["date_order"],
            kind=options["default_kind"],
            kinds=options["categories"],
            states=options["states"],
        ),
        as_of,
        into=_into(layout.root, options["into"]),
        dry_run=options["dry_run"],
        adjust=adjust,
        strict=options["strict"],
    )
    click.echo(RENDERERS[options["fmt"]](result), nl=False)
    sys.exit(1 if result.rejected else 0)
