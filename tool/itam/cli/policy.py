"""``itam policy list|explain``: every rule the tool can emit, and one in depth."""

from __future__ import annotations

from pathlib import Path

import click

from itam.cli.options import root_option
from itam.policy.model import Policy


@click.group()
def policy() -> None:
    """Explain the rules: built-in ones and those of policies/."""


def _load_policy(root: Path | None) -> Policy:
    from itam.layout import Layout
    from itam.policy.load import load_config

    return load_config(Layout.at(root))[1]


@policy.command("list")
@root_option
def policy_list(root: Path | None) -> None:
    """Every rule: built-in ones, then those of policies/, with severity and scope."""
    from itam.policy.describe import rule_table

    click.echo(rule_table(_load_policy(root)), nl=False)


@policy.command("explain")
@click.argument("rule")
@root_option
def policy_explain(rule: str, root: Path | None) -> None:
    """What RULE checks, why, its parameters, and a passing and a failing example."""
    from itam.policy.describe import explain

    click.echo(explain(_load_policy(root), rule), nl=False)
