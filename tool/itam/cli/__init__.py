"""The ``itam`` command: parse options, call the library, pick a renderer, exit.

One module per verb group; shared options live in ``itam.cli.options``. The
library never imports click: its operational errors (``ConfigError``) become
exit 2 here, at the edge.

Exit codes: 0 no blocking error, 1 at least one, 2 usage or configuration
error, 130 interrupted (Ctrl-C). No input may produce a traceback: known
operational errors print one line; anything else is reported as an internal
error (ITAM_DEBUG=1 shows it).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import click

from itam import __version__
from itam.cli.options import FORMATS
from itam.errors import ConfigError

__all__ = ["FORMATS", "cli", "main"]

INTERRUPTED = 130
"""What shells report for a command ended by SIGINT; CI must not read it as 'errors found'."""


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"itam: {exc}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("itam: interrupted", err=True)
            ctx.exit(INTERRUPTED)
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


@click.group("itam", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="itam")
def cli() -> None:
    """A GitOps IT asset registry: assets are YAML files in git, checked by
    JSON Schemas and lifecycle policies."""


def _register() -> None:
    # Each verb group in its own module; the table is explicit, not discovered.
    from itam.cli import (
        edit,
        export,
        importing,
        inventory,
        policy,
        reconcile,
        reference,
        report,
        show,
        site,
        validate,
    )

    for command in (
        validate.validate,
        show.show,
        inventory.list_,
        inventory.history,
        policy.policy,
        report.report,
        site.site,
        edit.new,
        edit.transition,
        edit.audit,
        edit.audit_session,
        edit.fmt,
        importing.import_group,
        export.export,
        reconcile.reconcile,
        reference.reference,
    ):
        cli.add_command(command)


_register()


def main() -> None:
    """Entry point of the ``itam`` console script."""
    if hasattr(signal, "SIGPIPE"):
        # `itam validate | head` should end quietly, as cat does, not with a
        # BrokenPipeError at exit.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        cli(prog_name="itam")
    except KeyboardInterrupt:
        # Ctrl-C before or after a command ran (while importing, at exit).
        click.echo("itam: interrupted", err=True)
        sys.exit(INTERRUPTED)
