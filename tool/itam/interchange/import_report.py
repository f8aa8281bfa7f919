"""What an import did (or, in a dry run, would do), for people and for scripts.

Text is one line per row, ``FILE:LINE: action ...``, as compilers print, so
editors jump to the CSV line; its warnings and reasons are indented under
it. Then the entities created because rows name them, the notes on the whole
file, and a summary with the most frequent reasons rows were rejected. Every
value from the CSV is quoted with escapes (``'a\\nb'``), so a cell holding a
newline or a terminal escape cannot forge a line of the report.

JSON is one object: ``{"version": 1, "source", "map", "as_of", "dry_run",
"counts", "rows", "created", "notes"}``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from itam.interchange.import_plan import ACTIONS, REJECTED, Outcome
from itam.interchange.importer import ImportResult
from itam.limits import quote, shorten
from itam.output import escaped

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
TOP_REASONS = 5


def _safe(text: str) -> str:
    """A message line with no character that could break or forge a line."""
    return escaped(text, _UNSAFE)


def _headline(outcome: Outcome, dry_run: bool) -> str:
    key = quote(outcome.key) if outcome.key is not None else "(no key)"
    verb = {
        "created": "would create" if dry_run else "created",
        "updated": "would update" if dry_run else "updated",
        "unchanged": "unchanged",
        "rejected": "rejected",
        "skipped": "skipped",
    }[outcome.action]
    if outcome.action in ("created", "updated", "unchanged"):
        text = f"{verb} {outcome.id} ({outcome.file}) for {key}"
        if outcome.changed:
            text += ": " + ", ".join(outcome.changed)
        return text
    return f"{verb} {key}"


def _reason_kind(reason: str) -> str:
    """A reason without the values that make it unique to its row, to count alike ones."""
    text = re.sub(r"'(?:[^'\\]|\\.)*'", "'…'", reason)
    text = re.sub(r"\b[A-Z]+-[0-9]+\b", "ID", text)
    text = re.sub(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b", "DATE", text)
    return shorten(text, 160)


def summary_line(result: ImportResult) -> str:
    """One line: how many rows did what."""
    counts = ", ".join(f"{result.count(a)} {a}" for a in ACTIONS if result.count(a))
    tail = "; nothing written (dry run)" if result.dry_run else ""
    if not result.dry_run and not result.writes:
        tail = "; nothing to write"
    elif not result.dry_run:
        tail = f"; {len(result.writes)} files written"
    refs = Counter(n.kind for n in result.created)
    made = ", ".join(f"{count} {kind}" for kind, count in sorted(refs.items()))
    also = f"; {'would also create' if result.dry_run else 'also created'} {made}" if made else ""
    rows = len(result.outcomes)
    flagged = sum(1 for o in result.outcomes if o.policy)
    policy = (
        f"; {flagged} of them with policy errors that itam validate reports (see 'policy error')"
        if flagged
        else ""
    )
    return f"{result.source}: {rows} rows: {counts or 'none'}{policy}{also}{tail}"


def render_text(result: ImportResult) -> str:
    """The report for people; see the module docstring."""
    source = _safe(result.source)
    lines = []
    for line, message in result.notes:
        where = f"{source}:{line}" if line is not None else source
        lines.append(f"{where}: note: {_safe(message)}")
    for outcome in result.outcomes:
        lines.append(f"{source}:{outcome.line}: {_safe(_headline(outcome, result.dry_run))}")
        lines += [f"    why: {_safe(reason)}" for reason in outcome.reasons]
        lines += [f"    warning: {_safe(w)}" for w in outcome.warnings]
        lines += [f"    policy error: {_safe(p)}" for p in outcome.policy]
    for new in result.created:
        shown = ", ".join(map(str, new.lines[:5])) + (", ..." if len(new.lines) > 5 else "")
        verb = "would create" if result.dry_run else "created"
        name = new.data.get("name")
        named = f" {quote(name)}" if isinstance(name, str) else ""
        lines.append(
            _safe(
                f"{source}: {verb} {new.kind} {new.id}{named} ({new.file}), named on lines {shown}"
            )
        )
    reasons = Counter(
        _reason_kind(r) for o in result.outcomes if o.action == REJECTED for r in o.reasons
    )
    if reasons:
        lines.append(f"{source}: most frequent reasons for rejecting a row:")
        lines += [f"    {n} rows: {_safe(r)}" for r, n in reasons.most_common(TOP_REASONS)]
    lines.append(_safe(summary_line(result)))
    return "\n".join(lines) + "\n"


def _row(outcome: Outcome) -> dict[str, Any]:
    return {
        "line": outcome.line,
        "key": outcome.key,
        "action": outcome.action,
        "id": outcome.id,
        "file": outcome.file,
        "changed": outcome.changed,
        "reasons": outcome.reasons,
        "warnings": outcome.warnings,
        "policy_errors": outcome.policy,
    }


def render_json(result: ImportResult) -> str:
    """The report for scripts; see the module docstring."""
    body = {
        "version": 1,
        "source": result.source,
        "map": result.map_name,
        "as_of": result.as_of.isoformat(),
        "dry_run": result.dry_run,
        "counts": {a: result.count(a) for a in ACTIONS},
        "rows": [_row(o) for o in result.outcomes],
        "created": [
            {"id": n.id, "kind": n.kind, "file": n.file, "lines": n.lines} for n in result.created
        ],
        "notes": [{"line": line, "message": message} for line, message in result.notes],
        "written": [] if result.dry_run else sorted(result.writes),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "json": render_json}
