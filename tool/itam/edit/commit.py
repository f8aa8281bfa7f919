"""Judge the files a command wants to write, then write them, or say why not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from itam.edit.source import EditError
from itam.edit.write import judge_writes, new_errors, write_files
from itam.evaluation import Evaluation
from itam.files import read_capped
from itam.findings import Finding
from itam.layout import Layout
from itam.yamlsafe import MAX_FILE_BYTES


@dataclass(slots=True)
class Outcome:
    """What a writing command did: the files (old and new bytes), the
    blocking errors that stopped it, whether anything was written."""

    writes: dict[str, bytes] = field(default_factory=dict)
    old: dict[str, bytes | None] = field(default_factory=dict)
    errors: list[Finding] = field(default_factory=list)
    written: bool = False

    @property
    def changed(self) -> list[str]:
        """The files whose bytes would change, sorted."""
        return sorted(rel for rel, data in self.writes.items() if self.old.get(rel) != data)


def read_text(layout: Layout, rel: str) -> str:
    """The text of the registry file ``rel``; EditError when it cannot be read
    as UTF-8 (the evaluation reports why)."""
    try:
        data = read_capped(layout.root / rel, MAX_FILE_BYTES)
    except OSError as exc:
        raise EditError(f"cannot read: {exc.strerror or exc}", rel) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError("cannot edit this file safely: it is not UTF-8", rel) from None


def commit(
    layout: Layout,
    as_of: dt.date,
    before: Evaluation,
    writes: dict[str, bytes],
    *,
    dry_run: bool = False,
    old: dict[str, bytes | None] | None = None,
) -> Outcome:
    """Judge ``writes`` against the whole registry and write them unless they
    bring a new blocking error to a written file (or ``dry_run``)."""
    outcome = Outcome(writes=dict(writes), old=dict(old or {}))
    if not outcome.changed:
        return outcome
    changed = {rel: writes[rel] for rel in outcome.changed}
    after = judge_writes(layout, as_of, changed)
    outcome.errors = new_errors(before, after, changed)
    if not outcome.errors and not dry_run:
        write_files(layout, changed)
        outcome.written = True
    return outcome
