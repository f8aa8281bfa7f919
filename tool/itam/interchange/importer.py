"""A table read through a map, judged against the registry, then written.

``run_import`` is the whole import, for ``itam import snipeit`` and ``itam
import csv`` alike:

1. evaluate the registry as it is (its entities, schemas and findings);
2. read every row into a draft (``import_rows``);
3. plan each row against the registry, keyed on the map's key field (the
   asset tag): an entity holding that key is *updated* in place with only the
   fields the row gives that differ (``itam.edit.apply_changes``, so comments
   and hand-added fields stay) or *unchanged*; otherwise it is *created* with
   the next id of its kind's series, and so are the locations, models,
   vendors and people it names that the registry does not hold yet;
4. judge all the planned files against the whole registry without writing
   (``itam.edit.judge_writes``); a row whose files get an error they did not
   have before is *rejected* with those findings as its reasons, mapped back
   to the CSV line and column, and the plan is made again without it, until
   what is left judges clean;
5. write the files of the rows left (``itam.edit.write_files``, atomic), unless
   this is a dry run.

A second run over the same file finds every key and every difference gone,
so it plans no file and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from itam.edit import judge_writes, new_errors, write_files
from itam.errors import ConfigError
from itam.evaluation import Evaluation, evaluate
from itam.findings import Finding
from itam.interchange.import_plan import REJECTED, Outcome, Plan, plan_rows
from itam.interchange.import_refs import NewEntity
from itam.interchange.import_rows import Draft, Options, RowReader, read_rows
from itam.interchange.mapped import ImportMap, check_against
from itam.layout import Layout
from itam.limits import quote
from itam.suggest import did_you_mean
from itam.tabular import Table

MAX_ROUNDS = 8
"""Rounds of judging: each rejects rows whose files fail; nearly always one or two."""

STRUCTURAL = frozenset(("file", "yaml", "schema", "integrity", "lifecycle"))
"""Rule families whose errors mean a row cannot become an entity: a malformed
value, a broken reference, a duplicate serial, a state without what it
requires. Errors of the other families (an overdue audit, an unencrypted
deployed laptop) are the registry's verdict on a well-formed entity: it is
imported and the report lists them, unless the import is strict."""


@dataclass(slots=True)
class ImportResult:
    """The whole import: per row, the new reference entities, and the notes."""

    source: str
    map_name: str
    as_of: dt.date
    dry_run: bool
    outcomes: list[Outcome]
    created: list[NewEntity]
    notes: list[tuple[int | None, str]]
    writes: dict[str, bytes]

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def rejected(self) -> bool:
        return any(o.action == REJECTED for o in self.outcomes)


def run_import(
    layout: Layout,
    table: Table,
    import_map: ImportMap,
    options: Options,
    as_of: dt.date,
    *,
    into: str | None = None,
    dry_run: bool = False,
    adjust: Callable[[Draft], None] | None = None,
    strict: bool = False,
) -> ImportResult:
    """Import ``table`` into the registry at ``layout``; see the module docstring.

    ``into`` is a folder (relative to the root, inside registry/) for the new
    files; ``adjust`` changes each draft after the map has read it;
    ``strict`` rejects rows whose entities would have any error, policy
    errors included (see ``STRUCTURAL``).
    """
    base = evaluate(layout, as_of)
    check_against(import_map, base.schemas)
    _check_options(options, base, import_map)
    drafts, reader = read_rows(table, import_map, options)
    if adjust is not None:
        for draft in drafts:
            if draft.rejection is None and draft.skipped is None:
                adjust(draft)
    _reject_repeated_keys(drafts, import_map.key)
    rejected: dict[int, list[str]] = {}
    plan = plan_rows(base, drafts, import_map, rejected, into)
    for _ in range(MAX_ROUNDS):
        if not plan.writes:
            break
        judged = judge_writes(layout, as_of, plan.writes)
        failures, verdicts = _failures(base, judged, plan, drafts, strict, import_map)
        if not failures:
            for line, found in verdicts.items():
                plan.outcomes[line].policy.extend(found)
            break
        for line, reasons in failures.items():
            rejected.setdefault(line, []).extend(reasons)
        plan = plan_rows(base, drafts, import_map, rejected, into)
    else:
        raise ConfigError(  # pragma: no cover - each round rejects at least one row
            f"the import did not settle after {MAX_ROUNDS} rounds of judging"
        )
    if not dry_run and plan.writes:
        write_files(layout, plan.writes)
    notes = _notes(table, import_map, drafts, reader, plan)
    return ImportResult(
        source=table.source,
        map_name=import_map.name,
        as_of=as_of,
        dry_run=dry_run,
        outcomes=[plan.outcomes[d.line] for d in drafts],
        created=plan.created,
        notes=notes,
        writes=plan.writes,
    )


def _notes(
    table: Table, import_map: ImportMap, drafts: list[Draft], reader: RowReader, plan: Plan
) -> list[tuple[int | None, str]]:
    """What the file as a whole gets told; a problem on a row's line goes to that row."""
    rows = {d.line for d in drafts}
    notes = [(p.line, p.message) for p in table.problems if p.line not in rows]
    for problem in table.problems:
        if problem.line in rows:
            plan.outcomes[problem.line].warnings.insert(0, problem.message)
    for note in reader.notes.values():
        if note.lines:
            shown = ", ".join(map(str, note.lines[:5])) + (", ..." if len(note.lines) > 5 else "")
            notes.append((None, f"{note.message} ({len(note.lines)} rows: lines {shown})"))
        else:
            notes.append((None, note.message))
    notes.append(_unused_columns(table, import_map))
    return [n for n in notes if n[1]]


def _check_options(options: Options, base: Evaluation, import_map: ImportMap) -> None:
    kinds = base.schemas.kinds
    named = [("--kind", options.kind)] if options.kind else []
    named += [("--category", k) for k in options.kinds.values()]
    for option, kind in named:
        if kind not in kinds:
            raise ConfigError(
                f"{option}: {kind!r} is not a kind of this registry{did_you_mean(kind, kinds)}"
            )
    if options.states:
        made = import_map.kind.kinds() | set(options.kinds.values())
        if options.kind:
            made.add(options.kind)
        states = sorted(
            {
                state
                for lifecycle in base.policy.lifecycles
                if made & lifecycle.kinds
                for state in lifecycle.states
            }
        )
        for state in options.states.values():
            if state not in states:
                raise ConfigError(
                    f"--status: {state!r} is not a state of these kinds' lifecycle"
                    f"{did_you_mean(state, states)}; the states are {', '.join(states)}"
                )


def _reject_repeated_keys(drafts: list[Draft], key: str) -> None:
    first: dict[str, int] = {}
    for draft in drafts:
        if draft.key is None or draft.rejection or draft.skipped:
            continue
        seen = first.setdefault(draft.key.casefold(), draft.line)
        if seen != draft.line:
            draft.rejection = (
                f"{key} {quote(draft.key)} is also on line {seen}; the first one counts"
            )


def _unused_columns(table: Table, import_map: ImportMap) -> tuple[int | None, str]:
    used = {table.column(name) for name in import_map.column_names()}
    ignored = []
    unused = []
    for column in table.columns:
        if column in used:
            continue
        reason = import_map.ignore.get(" ".join(column.split()).casefold())
        if reason is not None:
            ignored.append(f"{column} ({reason})")
        elif not column.startswith("(column ") and not all(
            not row.get(column) for row in table.rows
        ):
            unused.append(column)
    parts = []
    if unused:
        parts.append("columns the map does not import: " + ", ".join(map(repr, unused)))
    if ignored:
        parts.append("not imported on purpose: " + "; ".join(ignored))
    return table.header_line, "; ".join(parts)


# -- planning -------------------------------------------------------------------


def _failures(
    base: Evaluation,
    judged: Evaluation,
    plan: Plan,
    drafts: list[Draft],
    strict: bool,
    import_map: ImportMap,
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The errors the planned files get that they did not have, by row: those
    that reject it, and the policy errors it is imported with."""
    columns = {d.line: d.columns for d in drafts}
    created = {new.file: new for new in plan.created}
    rejections: dict[int, list[str]] = {}
    verdicts: dict[int, list[str]] = {}
    for finding in new_errors(base, judged, plan.writes):
        assert finding.file is not None
        structural = strict or finding.rule.split(".")[0] in STRUCTURAL
        into = rejections if structural else verdicts
        for line in plan.owners.get(finding.file, []):
            # A policy finding sits on the field it reads (an audit on /status) but is
            # not that column's fault: only structural ones name the column.
            named = columns.get(line, {}) if finding.rule.split(".")[0] in STRUCTURAL else {}
            into.setdefault(line, []).append(
                _reason(finding, created.get(finding.file), named, plan, line, import_map)
            )
    return rejections, verdicts


_MISSING_FIELD = re.compile(r"missing required field '([a-z_][a-z0-9_]*)'")


def _reason(
    finding: Finding,
    new: NewEntity | None,
    columns: dict[str, str],
    plan: Plan,
    line: int,
    import_map: ImportMap,
) -> str:
    text = f"{finding.rule}: {finding.message}"
    if new is not None:
        return f"the new {new.kind} {new.id} ({new.file}) it names: {text}"
    if plan.own_file.get(line) != finding.file:
        return text
    path = ".".join(p for p in finding.path.split("/") if p)
    missing = _MISSING_FIELD.search(finding.message) if finding.rule == "schema.required" else None
    if missing is not None:
        wanted = f"{path}.{missing.group(1)}" if path else missing.group(1)
        rule = import_map.field(wanted)
        if rule is not None and rule.columns:
            shown = " or ".join(quote(" + ".join(group)) for group in rule.columns)
            return f"{text} (the map reads it from column {shown}, blank on this row)"
    column = columns.get(path)
    # A finding on purchase.cost.amount came from the column of purchase.cost.
    while path and column is None:
        path = path.rpartition(".")[0]
        column = columns.get(path)
    return f"{text} (column {quote(column)})" if column else text
