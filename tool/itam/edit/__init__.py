"""Editing registry files: round-trip changes, canonical text, judged atomic writes.

Every command that writes (``new``, ``transition``, ``audit``, ``fmt``,
``audit-session --write``, and the import and reconcile commands) goes the
same way: build the new text, read it back with the safe loader, judge the
whole registry with it in place, then write atomically. The API, stable for
other modules to build on::

    render_entity(data: Mapping[str, Any], schemas: SchemaSet | None) -> str
        The canonical text of a new file (keys in schema order, house style).

    apply_changes(text: str, changes: Mapping[str, Any],
                  schemas: SchemaSet | None = None, *, file: str = "") -> str
        ``text`` with each dotted path (``purchase.cost.amount``) set to its
        value in place; every other byte unchanged. A missing key is added
        (parents created), a longer list is appended to in the list's own
        style, ``DELETE`` removes a key. Raises EditError (a ConfigError) for
        an unloadable file or an edit that cannot be made safely.

    judge_writes(layout: Layout, as_of: date, writes: Mapping[str, bytes]) -> Evaluation
        The whole registry evaluated with ``writes`` (path relative to the
        root, e.g. ``registry/hardware/laptops/LT-0019.yaml`` → bytes) in place.

    new_errors(before: Evaluation | None, after: Evaluation,
               files: Iterable[str]) -> list[Finding]
        The blocking errors on ``files`` in ``after`` that ``before`` lacked.

    write_files(layout: Layout, writes: Mapping[str, bytes]) -> None
        Each file written atomically; folders created; refuses paths outside
        ``registry/``, symbolic links and non-regular files (EditError).

    folder_for(catalog: Catalog, kind: str) -> str
        Where new entities of ``kind`` go (``registry/hardware/laptops``).
    check_id(entity_id: str) -> None
        EditError unless ``entity_id`` is a safe, portable file name.
    next_id(catalog: Catalog, kind: str, taken: Iterable[str] = ()) -> str | None
        The next free id of the kind's series (``LT-0019`` after ``LT-0018``).
    parse_value(text: str) -> Any
        A ``--set`` value read as the registry reads a plain scalar.
"""

from __future__ import annotations

from itam.edit.ids import check_id, folder_for, next_id
from itam.edit.render import render_entity
from itam.edit.roundtrip import DELETE, apply_changes, verify
from itam.edit.scalars import parse_value
from itam.edit.source import EditError
from itam.edit.write import judge_writes, new_errors, write_files

__all__ = [
    "DELETE",
    "EditError",
    "apply_changes",
    "check_id",
    "folder_for",
    "judge_writes",
    "new_errors",
    "next_id",
    "parse_value",
    "render_entity",
    "verify",
    "write_files",
]
