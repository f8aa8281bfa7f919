"""``itam new``, ``transition``, ``audit``, ``fmt`` and ``audit-session``: the
commands that write registry files. Each builds the new text with
``itam.edit``, has the whole registry judged with it, and writes atomically
only when that brings no new error to the files it writes.

Exit codes: 0 done (or nothing to do), 1 refused by the registry's rules (a
transition the lifecycle forbids, a missing required field, a value that
makes the entity invalid; nothing is written), 2 bad input (unknown kind,
entity or state, an unsafe or taken id, a file that cannot be edited safely).
"""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from itam.cli.options import as_of_option, root_option

if TYPE_CHECKING:
    from itam.edit.commit import Outcome

AUDIT_RESULTS = ("found", "missing", "damaged", "relocated")
"""The results of an audit record (common.schema.json ``audit_record``)."""


def _settings(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, Any]:
    from itam.edit.scalars import parse_value

    out: dict[str, Any] = {}
    for item in values:
        path, equals, text = item.partition("=")
        path = path.strip()
        if not equals or not path:
            raise click.BadParameter(f"{item!r}: write PATH=VALUE, e.g. --set memory_gb=32")
        if path in out:
            raise click.BadParameter(f"{path} is set twice")
        out[path] = parse_value(text)
    return out


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    from itam.dates import parse_date

    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not a date on the calendar written YYYY-MM-DD")
    return parsed


def set_option(f: Any) -> Any:
    return click.option(
        "--set",
        "settings",
        multiple=True,
        callback=_settings,
        metavar="PATH=VALUE",
        help="Set a field (dotted path, e.g. purchase.date=2026-01-01); repeatable. "
        "Values are read as in a file: 32 is a number, 2026-01-01 a date.",
    )(f)


def date_option(f: Any) -> Any:
    return click.option(
        "--date",
        "on",
        callback=_date,
        metavar="YYYY-MM-DD",
        help="The day it happened (default: the --as-of date, i.e. today).",
    )(f)


def dry_run_option(f: Any) -> Any:
    return click.option(
        "--dry-run", is_flag=True, help="Show what would be written; write nothing."
    )(f)


def _finish(outcome: Outcome, dry_run: bool, verb: str) -> None:
    """Print what happened and exit with the command's code."""
    if outcome.errors:
        click.echo(
            f"itam: refused, nothing written: the change would bring {len(outcome.errors)} "
            "error(s) to the files it writes:",
            err=True,
        )
        for f in outcome.errors:
            where = f"{f.file}:{f.line}:{f.column}" if f.line else f"{f.file}"
            click.echo(f"  {where}: {f.rule}: {f.message}", err=True)
        sys.exit(1)
    if not outcome.changed:
        click.echo("nothing to change")
        return
    for rel in outcome.changed:
        old = outcome.old.get(rel)
        if dry_run:
            before = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
            after = outcome.writes[rel].decode("utf-8", "replace").splitlines(keepends=True)
            label = "/dev/null" if old is None else f"a/{rel}"
            click.echo("".join(difflib.unified_diff(before, after, label, f"b/{rel}")), nl=False)
        else:
            click.echo(f"{verb} {rel}")
    if dry_run:
        click.echo("dry run: nothing written", err=True)


@click.command("new")
@click.argument("kind")
@click.option(
    "--id", "entity_id", metavar="ID", help="The new id (default: the next of the kind's series)."
)
@set_option
@root_option
@as_of_option
@dry_run_option
def new(
    kind: str,
    entity_id: str | None,
    settings: dict[str, Any],
    root: Path | None,
    as_of: dt.date,
    dry_run: bool,
) -> None:
    """Write a new KIND entity where the registry keeps that kind.

    The id, kind, a name and the first state of the kind's lifecycle are
    filled in; --set gives the rest. The file is judged with the whole
    registry first: nothing is written if it would not be valid.
    """
    from itam.edit.commit import commit
    from itam.edit.create import new_entity
    from itam.evaluation import evaluate
    from itam.layout import Layout

    layout = Layout.at(root)
    before = evaluate(layout, as_of)
    made = new_entity(layout, before, kind, entity_id, settings)
    writes = {made.rel: made.text.encode("utf-8")}
    outcome = commit(layout, as_of, before, writes, dry_run=dry_run, old={made.rel: None})
    _finish(outcome, dry_run, f"created {made.entity_id}:")


@click.command("transition")
@click.argument("entity_id", metavar="ID")
@click.argument("state")
@date_option
@set_option
@root_option
@as_of_option
@dry_run_option
def transition(
    entity_id: str,
    state: str,
    on: dt.date | None,
    settings: dict[str, Any],
    root: Path | None,
    as_of: dt.date,
    dry_run: bool,
) -> None:
    """Move entity ID to lifecycle STATE, editing its file in place.

    Only a move the lifecycle allows; the state's required fields must be
    there afterwards (a missing date field takes --date, the rest --set).
    """
    from itam.edit.transition import transition_changes

    def changes(evaluation: Any, entity: Any) -> dict[str, Any]:
        return transition_changes(evaluation, entity, state, on or as_of, settings)

    _edit_one(root, as_of, entity_id, changes, dry_run)


@click.command("audit")
@click.argument("entity_id", metavar="ID")
@click.option("--by", "by", required=True, metavar="WHO", help="The auditor (a person's id).")
@date_option
@click.option("--note", metavar="TEXT", help="A note kept with the audit record.")
@click.option(
    "--result",
    type=click.Choice(AUDIT_RESULTS),
    default="found",
    show_default=True,
    help="What the auditor found.",
)
@root_option
@as_of_option
@dry_run_option
def audit(
    entity_id: str,
    by: str,
    on: dt.date | None,
    note: str | None,
    result: str,
    root: Path | None,
    as_of: dt.date,
    dry_run: bool,
) -> None:
    """Record an audit of entity ID: one more item in its audits list, in the
    list's own style; nothing else in the file changes."""
    from itam.edit.transition import audit_changes

    def changes(evaluation: Any, entity: Any) -> dict[str, Any]:
        return audit_changes(evaluation, entity, on or as_of, by, result, note)

    _edit_one(root, as_of, entity_id, changes, dry_run)


def _edit_one(
    root: Path | None,
    as_of: dt.date,
    entity_id: str,
    changes: Callable[[Any, Any], dict[str, Any]],
    dry_run: bool,
) -> None:
    """Evaluate, compute the changes to one entity, edit its file in place,
    judge and write; a refusal by the rules is exit 1."""
    from itam.edit.commit import commit, read_text
    from itam.edit.roundtrip import apply_changes
    from itam.edit.transition import Refused, entity_of
    from itam.evaluation import evaluate
    from itam.layout import Layout

    layout = Layout.at(root)
    before = evaluate(layout, as_of)
    entity = entity_of(before, entity_id)
    try:
        wanted = changes(before, entity)
    except Refused as exc:
        click.echo(f"itam: refused, nothing written: {exc}", err=True)
        sys.exit(1)
    text = read_text(layout, entity.file)
    edited = apply_changes(text, wanted, before.schemas, file=entity.file)
    writes = {entity.file: edited.encode("utf-8")}
    old: dict[str, bytes | None] = {entity.file: text.encode("utf-8")}
    _finish(commit(layout, as_of, before, writes, dry_run=dry_run, old=old), dry_run, "edited")


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Write nothing; list the files that would change (exit 1)."
)
@root_option
def fmt(paths: tuple[Path, ...], check: bool, root: Path | None) -> None:
    """Lay registry files out in the one canonical layout (all of registry/,
    or the files and folders PATHS). Values never change; comments are kept.

    Exit 0 when every file is (now) formatted, 1 with --check when some
    would change, and 1 when a file cannot be read safely (it is reported and
    not touched).
    """
    from itam.edit.fmt import format_files, select
    from itam.edit.write import write_files
    from itam.layout import Layout
    from itam.policy.load import load_config

    layout = Layout.at(root)
    schemas, _ = load_config(layout)
    results = format_files(layout, schemas, select(layout, list(paths)))
    failed = False
    changed = {r.rel: r.new for r in results if r.changes and r.new is not None}
    for result in results:
        if result.new is None:
            failed = True
            click.echo(f"itam: not formatted: {result.note}", err=True)
        elif result.note:
            click.echo(f"{result.rel}: {result.note}", err=True)
    if check:
        for rel in sorted(changed):
            click.echo(f"would reformat {rel}")
        if changed:
            click.echo(
                f"{len(changed)} of {len(results)} files would change; run itam fmt", err=True
            )
        sys.exit(1 if changed or failed else 0)
    if changed:
        write_files(layout, changed)
    for rel in sorted(changed):
        click.echo(f"reformatted {rel}")
    click.echo(f"{len(changed)} of {len(results)} files reformatted", err=True)
    sys.exit(1 if failed else 0)


@click.command("audit-session")
@click.argument("location")
@click.argument("scans", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@click.option("--by", "by", metavar="WHO", help="The auditor (a person's id); needed with --write.")
@date_option
@click.option("--write", is_flag=True, help="Record an audit on every found asset, in place.")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", help="text or json."
)
@root_option
@as_of_option
def audit_session(
    location: str,
    scans: Path,
    by: str | None,
    on: dt.date | None,
    write: bool,
    fmt: str,
    root: Path | None,
    as_of: dt.date,
) -> None:
    """Compare the tags or serials scanned at LOCATION (SCANS: a CSV or a
    plain list, '-' for standard input) with the registry: found, missing
    (registered there, in service, not scanned) and unexpected (registered
    elsewhere, or unknown).

    Exit 0 when nothing is missing or unexpected, 1 otherwise (or when
    --write is refused), 2 for bad input.
    """
    import json

    from itam.edit.commit import commit
    from itam.edit.scans import MAX_SCAN_BYTES, read_scans
    from itam.edit.session import as_json, as_text, compare, known_values, record_audits
    from itam.errors import ConfigError
    from itam.evaluation import evaluate
    from itam.layout import Layout

    if write and not by:
        raise click.UsageError("--write records audits: say who audited with --by")
    layout = Layout.at(root)
    evaluation = evaluate(layout, as_of)
    try:
        # Read one byte past the cap, so that /dev/zero is refused, not read forever.
        if str(scans) == "-":
            data = sys.stdin.buffer.read(MAX_SCAN_BYTES + 1)
        else:
            with scans.open("rb") as handle:
                data = handle.read(MAX_SCAN_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {scans}: {exc.strerror or exc}") from None
    session = compare(evaluation, location, read_scans(data, str(scans), known_values(evaluation)))
    written: list[str] = []
    skipped: list[str] = []
    if write:
        writes, old, skipped = record_audits(layout, evaluation, session, on or as_of, by or "")
        outcome = commit(layout, as_of, evaluation, writes, old=old)
        if outcome.errors:
            _finish(outcome, False, "")
        written = outcome.changed if outcome.written else []
    for note in skipped:
        click.echo(f"itam: no audit recorded: {note}", err=True)
    if fmt == "json":
        click.echo(
            json.dumps(as_json(session, as_of.isoformat(), written), indent=2, ensure_ascii=False)
        )
    else:
        click.echo(as_text(session, as_of.isoformat(), written), nl=False)
    sys.exit(0 if session.clean else 1)
