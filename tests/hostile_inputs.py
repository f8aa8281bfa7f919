"""Hostile registry files and the loader finding each one must produce.

Readable cases are stored in ``fixtures/hostile/``. Cases that are about bytes
(encodings, BOMs, CRLF, control and invisible characters) are built here
instead: an editor, git's end-of-line conversion or a formatter would quietly
"repair" a stored copy, and a bytes literal shows exactly what is in the file.
Huge and deeply nested inputs are built here too, to keep the repository small.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from itam.yamlsafe import MAX_FILE_BYTES

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"


def _asset(name: str, *lines: str) -> str:
    """The text of a small laptop entity whose id is ``name``, then ``lines``."""
    return "\n".join((f"id: {name}", "kind: laptop", *lines)) + "\n"


_PADDING = b"  lorem ipsum dolor sit amet\n"

GENERATED: dict[str, bytes] = {
    "invalid-utf8-byte.yaml": b"id: invalid-utf8-byte\nkind: laptop\nname: Caf\xff\n",
    "latin1-text.yaml": _asset("latin1-text", "name: José García").encode("latin-1"),
    "utf16le-with-bom.yaml": codecs.BOM_UTF16_LE
    + _asset("utf16le-with-bom", "name: UTF-16 laptop").encode("utf-16-le"),
    "nul-byte.yaml": b"id: nul-byte\nkind: laptop\nserial: C02\x00XK1JHJG5H\n",
    "control-character.yaml": b"id: control-character\nkind: laptop\nserial: C02\x01XK1JHJG5H\n",
    "bom-in-middle.yaml": _asset("bom-in-middle", "\ufeffserial: C02XK1JHJG5H").encode(),
    "zero-width-and-bidi.yaml": _asset(
        "zero-width-and-bidi", "serial: C02\u200bXK1JHJG5H", "name: \u202eevil laptop"
    ).encode(),
    "nbsp.yaml": _asset("nbsp", "name: MacBook\u00a0Pro").encode(),
    "deep-nesting.yaml": _asset("deep-nesting", "notes: " + "[" * 5000).encode(),
    # Many short lines past the cap: the cap must apply before any parsing.
    "too-large.yaml": _asset("too-large", "notes: |").encode()
    + _PADDING * (MAX_FILE_BYTES // len(_PADDING) + 1),
    # These two must load cleanly: a BOM at the very start and Windows line endings are fine.
    "bom-at-start.yaml": codecs.BOM_UTF8 + _asset("bom-at-start", "name: BOM laptop").encode(),
    "crlf-line-endings.yaml": _asset(
        "crlf-line-endings", "name: CRLF laptop", "notes: |", "  line one", "  line two"
    )
    .replace("\n", "\r\n")
    .encode(),
}


@dataclass(frozen=True)
class Expected:
    """The loader finding a hostile file must produce (rule None: loads cleanly)."""

    rule: str | None
    line: int | None
    severity: str = "error"


EXPECTED: dict[str, Expected] = {
    # stored in fixtures/hostile/
    "duplicate-key.yaml": Expected("yaml.duplicate-key", 6),
    "duplicate-key-nested.yaml": Expected("yaml.duplicate-key", 7),
    "anchor-alias.yaml": Expected("yaml.alias", 4),
    "alias-bomb-9-levels.yaml": Expected("yaml.alias", 5),
    "cyclic-alias.yaml": Expected("yaml.alias", 4),
    "merge-key.yaml": Expected("yaml.merge-key", 4),
    "python-object-apply-tag.yaml": Expected("yaml.tag", 4),
    "python-name-tag.yaml": Expected("yaml.tag", 4),
    "binary-tag.yaml": Expected("yaml.tag", 4),
    "omap-tag.yaml": Expected("yaml.tag", 4),
    "set-tag.yaml": Expected("yaml.tag", 4),
    "custom-tag.yaml": Expected("yaml.tag", 4),
    "two-documents.yaml": Expected("yaml.multiple-documents", 4),
    "empty.yaml": Expected("yaml.empty", 1),
    "comment-only.yaml": Expected("yaml.empty", 1),
    "top-level-list.yaml": Expected("yaml.not-mapping", 1),
    "top-level-scalar.yaml": Expected("yaml.not-mapping", 1),
    "tabs-indentation.yaml": Expected("yaml.syntax", 5),
    "impossible-date-plain.yaml": Expected("yaml.invalid-date", 5),
    # Quoted, it is text to the loader; the schema's date format rejects it.
    "impossible-date-quoted.yaml": Expected(None, None),
    "complex-key.yaml": Expected("yaml.complex-key", 4),
    "null-key.yaml": Expected("yaml.empty-key", 4),
    # libyaml points at the end of the stream, not at the opening quote on line 3.
    "unterminated-quote.yaml": Expected("yaml.syntax", 5),
    "bad-indentation.yaml": Expected("yaml.syntax", 6),
    # generated above
    "invalid-utf8-byte.yaml": Expected("yaml.encoding", 3),
    "latin1-text.yaml": Expected("yaml.encoding", 3),
    "utf16le-with-bom.yaml": Expected("yaml.encoding", 1),
    "nul-byte.yaml": Expected("yaml.control-character", 3),
    "control-character.yaml": Expected("yaml.control-character", 3),
    "bom-in-middle.yaml": Expected("yaml.invisible-character", 3),
    "zero-width-and-bidi.yaml": Expected("yaml.invisible-character", 3),
    "nbsp.yaml": Expected("yaml.invisible-character", 3, "warning"),
    "deep-nesting.yaml": Expected("yaml.too-deep", 3),
    "too-large.yaml": Expected("file.too-large", 1),
    "bom-at-start.yaml": Expected(None, None),
    "crlf-line-endings.yaml": Expected(None, None),
}


def hostile_files() -> dict[str, bytes]:
    """Every hostile file, stored and generated, by file name."""
    stored = {p.name: p.read_bytes() for p in sorted(FIXTURES.glob("*.yaml"))}
    overlap = stored.keys() & GENERATED.keys()
    assert not overlap, f"stored and generated fixtures share names: {overlap}"
    return {**stored, **GENERATED}


def write_hostile_files(folder: Path) -> dict[str, bytes]:
    """Write every hostile file into ``folder``; return them by name."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = hostile_files()
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    return cases
