"""One entity's commits, as ``itam history ID`` shows them.

The changes come from ``itam.history``'s one ``git log`` pass over the
registry (the one the site's entity pages read), so a file is followed back
through its renames as ``git log --follow`` does. An entity is found by its
file's stem, which is its id: at HEAD, or in the work tree when it was added
and not committed yet. When several files claim the id, the first by path
owns it, as in the registry's catalogue.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from itam.errors import ConfigError
from itam.files import is_yaml
from itam.history import Change, collect
from itam.layout import Layout
from itam.limits import quote
from itam.output import escaped
from itam.suggest import did_you_mean

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Timeline:
    """An entity's file and its changes, newest first (empty when not committed)."""

    entity: str
    file: str
    changes: list[Change]
    committed: bool = True


def timeline(layout: Layout, entity_id: str) -> Timeline:
    """The commits of ``entity_id``; ConfigError (exit 2) when there is no such entity."""
    if not _ID.fullmatch(entity_id):
        raise ConfigError(
            f"{quote(entity_id)} is not an id: ids are letters, digits, '.', '_' and '-', "
            "starting with a letter or digit, at most 64 characters"
        )
    try:
        history = collect(layout.root, "HEAD")
    except ConfigError:
        raise ConfigError(
            f"history reads git: {layout.root} is not in a git repository with a commit"
        ) from None
    claims = sorted(path for path in history if PurePosixPath(path).stem == entity_id)
    if claims:
        return Timeline(entity_id, claims[0], history[claims[0]])
    uncommitted = sorted(p for p in _worktree_files(layout) if PurePosixPath(p).stem == entity_id)
    if uncommitted:
        return Timeline(entity_id, uncommitted[0], [], committed=False)
    known = {PurePosixPath(p).stem for p in history}
    raise ConfigError(
        f"no entity with id {quote(entity_id)} in the registry{did_you_mean(entity_id, known)}"
    )


def _worktree_files(layout: Layout) -> list[str]:
    out = []
    for folder, subfolders, names in os.walk(layout.registry):
        subfolders.sort()
        for name in names:
            if is_yaml(name):
                out.append(Path(folder, name).relative_to(layout.root).as_posix())
    return out


def _shown(text: str) -> str:
    return escaped(text, _CONTROL)


def what_changed(change: Change) -> str:
    """One line saying what the commit did to the file."""
    if change.action == "added":
        return "added"
    if change.action == "deleted":
        return "deleted (an earlier file of this name)"
    if change.fields is None:
        fields = "changed (one side is not a readable YAML mapping)"
    elif change.fields:
        fields = "changed " + ", ".join(_shown(f) for f in change.fields)
    else:
        fields = "no field changed"
    if change.action == "renamed":
        moved = f"moved from {_shown(change.previous_path or '?')}"
        return moved if not change.fields and change.fields is not None else f"{moved}; {fields}"
    return fields


def render_text(line: Timeline) -> str:
    """The timeline as lines for a terminal."""
    head = f"{line.entity}  {_shown(line.file)}"
    if not line.committed:
        return f"{head}\n  not committed yet: no history\n"
    count = len(line.changes)
    lines = [f"{head}  ({count} commit{'' if count == 1 else 's'})"]
    for change in line.changes:
        lines.append(
            f"{change.date[:10]}  {change.commit[:12]}  {_shown(change.author)}  "
            f"{_shown(change.subject)}"
        )
        lines.append(f"    {what_changed(change)}")
    return "\n".join(lines) + "\n"


def as_json(line: Timeline) -> dict[str, Any]:
    """The timeline as one JSON-ready object."""
    return {
        "version": 1,
        "id": line.entity,
        "file": escaped(line.file),
        "committed": line.committed,
        "changes": [
            {
                "commit": c.commit,
                "date": c.date,
                "author": escaped(c.author),
                "subject": escaped(c.subject),
                "action": c.action,
                "fields": list(c.fields) if c.fields is not None else None,
                "previous_path": escaped(c.previous_path) if c.previous_path else None,
            }
            for c in line.changes
        ],
    }
