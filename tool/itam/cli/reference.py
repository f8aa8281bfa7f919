"""``itam reference import endoflife FILE...``: end-of-support data into reference/."""

from __future__ import annotations

from pathlib import Path

import click

from itam.cli.options import root_option


@click.group()
def reference() -> None:
    """Reference data in reference/ (vendors' end-of-support dates) that rules judge by."""


@reference.group("import")
def import_group() -> None:
    """Import reference data from a public source."""


def _shown(path: Path, root: Path | None) -> str:
    from itam.files import shown_name

    if root is not None:
        try:
            return shown_name(path.resolve().relative_to(root).as_posix())
        except ValueError:
            pass
    return shown_name(str(path))


@import_group.command("endoflife")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE..."
)
@root_option
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the reference files here instead of the registry's reference/ folder.",
)
def endoflife(files: tuple[Path, ...], root: Path | None, output_dir: Path | None) -> None:
    """Import endoflife.date product files (products/<id>.md) into one compact
    reference file per product: release cycles, release days and the ends of
    active, security and extended support, with source and licence noted.

    Every file is checked before anything is written: a malformed one is exit
    2 with its file and line, and nothing changes. Importing a newer file
    updates the dates; an unchanged one leaves its reference file untouched.
    """
    from itam.layout import Layout
    from itam.policy.load import REFERENCE_FOLDER
    from itam.reference.importer import import_endoflife

    shown_root = inside = None
    if output_dir is None:
        layout = Layout.at(root)
        shown_root = inside = layout.root
        output_dir = layout.root / REFERENCE_FOLDER
    elif root is not None:
        shown_root = root.resolve()
    for outcome in import_endoflife(list(files), output_dir, inside):
        detail = f" ({outcome.detail})" if outcome.detail else ""
        click.echo(f"{_shown(outcome.path, shown_root)}: {outcome.status}{detail}")
