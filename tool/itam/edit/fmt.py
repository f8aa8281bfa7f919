"""``itam fmt``: one canonical layout for every registry file, values untouched.

The layout is ``itam.edit.render``'s (keys in schema order, two-space
indentation, the house style's flow places, quoting only where a YAML
reader would misread). What the layout does not decide is kept: the byte
order mark and the line endings, and folded text (``>``) folded where its
author folded it.

Comments are kept where they can move with what they describe: the comment
lines at the top of the file, those on the lines just above a top-level
field (they move with it), one at the end of a top-level field's line when
that field stays on one line, and those at the end of the file. A file with a
comment anywhere else (inside a nested block or a flow collection) keeps
its layout as it is, and the result says so: a comment is never dropped.

The formatted text is read back with the safe loader and must hold exactly
the data the file held; a file whose data would change is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from itam.edit.render import Renderer
from itam.edit.roundtrip import verify
from itam.edit.source import Comment, EditError, Source, content_end, line_start
from itam.edit.style import Styles, Tokens
from itam.errors import ConfigError
from itam.files import SourceFile, read_capped, scan
from itam.layout import Layout
from itam.schemas import SchemaSet
from itam.yamlsafe import MAX_FILE_BYTES


@dataclass(frozen=True, slots=True)
class Formatted:
    """The canonical text of one file, or why its layout is kept."""

    text: str
    kept: str | None = None  # why the layout was left as it is


def format_text(text: str, schemas: SchemaSet | None, file: str = "") -> Formatted:
    """The canonical layout of ``text``. EditError when the file cannot be
    read safely (it is reported, never touched)."""
    source = Source.read(text, file)
    body = source.body
    entries = source.root.value
    if not entries:
        return Formatted(text)
    spans = _entry_spans(source)
    leading: dict[str, list[str]] = {}
    trailing: dict[str, tuple[str, Comment]] = {}
    placed: set[int] = set()
    header_end = line_start(body, entries[0][0].start_mark.index)
    header = body[:header_end]
    placed.update(c.start for c in source.comments_in(0, header_end))
    for (key, _), (start, end, line_end) in zip(entries, spans, strict=True):
        above = [c for c in source.comments_in(start, end) if c.start < key.start_mark.index]
        if above and start > 0:
            leading[key.value] = _lines(body, above)
            placed.update(c.start for c in above)
        after = source.comments_in(end, line_end)
        if after:
            trailing[key.value] = (
                body[_space_before(body, after[0].start) : after[0].end],
                after[0],
            )
            placed.update(c.start for c in after)
    last_end = spans[-1][2]
    trailer = [c for c in source.comments if c.start >= last_end]
    placed.update(c.start for c in trailer)
    stray = [c for c in source.comments if c.start not in placed]
    if stray:
        return Formatted(text, _kept(stray))
    style = Styles.shared(schemas).of(source.data.get("kind"))
    renderer = Renderer(style, keep=_Folded(source).lines)
    lines = [*_split(header)]
    for key in style.keys_in_order((), source.data):
        lines.extend(leading.get(key, []))
        entry = renderer.entry(key, source.data[key], (key,), 0)
        if key in trailing:
            comment, where = trailing[key]
            if len(entry) > 1:
                return Formatted(text, _kept([where]))
            entry = [entry[0] + comment]
        lines.extend(entry)
    lines.extend(_lines(body, trailer))
    result = source.bom + source.newline.join(lines) + source.newline
    try:
        verify(result, source.data, file)
    except EditError:
        return Formatted(text, "the canonical layout would not read back the same; kept as it is")
    return Formatted(result)


def _kept(comments: list[Comment]) -> str:
    where = ", ".join(str(c.line) for c in comments[:5])
    what = "comment on line" if len(comments) == 1 else "comments on lines"
    verb = "sits" if len(comments) == 1 else "sit"
    return (
        f"layout kept as it is: the {what} {where} {verb} where the canonical layout "
        "cannot keep them (inside a nested value, or after a field written over several lines)"
    )


def _entry_spans(source: Source) -> list[tuple[int, int, int]]:
    """For each top-level entry: where its leading comments may start, where
    its value ends, and where the line of that end ends."""
    body = source.body
    spans = []
    previous = line_start(body, source.root.value[0][0].start_mark.index)
    for key, value in source.root.value:
        end = content_end(body, value) if not _empty(value) else key.end_mark.index + 1
        newline = body.find("\n", end)
        line_end = len(body) if newline < 0 else newline
        spans.append((previous, end, line_end))
        previous = line_end
    return spans


def _empty(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.start_mark.index == node.end_mark.index


def _space_before(body: str, index: int) -> int:
    while index > 0 and body[index - 1] in " \t":
        index -= 1
    return index


def _lines(body: str, comments: list[Comment]) -> list[str]:
    """The whole lines the comments are on, as written (they stand alone)."""
    return [body[line_start(body, c.start) : c.end].rstrip("\r") for c in comments]


def _split(header: str) -> list[str]:
    if not header:
        return []
    return [line.rstrip("\r") for line in header.split("\n")[:-1]]


class _Folded:
    """Keeps folded text (``>``) folded at the author's line breaks."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def lines(self, place: Tokens, value: Any, indent: int) -> list[str] | None:
        node: Any = self.source.root
        for token in place:
            if isinstance(node, yaml.MappingNode) and isinstance(token, str):
                node = next((v for k, v in node.value if k.value == token), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(token, int):
                node = node.value[token] if token < len(node.value) else None
            else:
                return None
        if not isinstance(node, yaml.ScalarNode) or node.style != ">" or not isinstance(value, str):
            return None
        body = self.source.body
        text = body[node.start_mark.index : content_end(body, node)]
        rows = [row.rstrip("\r") for row in text.split("\n")]
        head = rows[0].split("#")[0].strip()
        if any(c.isdigit() for c in head) or len(rows) < 2:
            return None
        content = rows[1:]
        depth = min(len(r) - len(r.lstrip(" ")) for r in content if r.strip())
        pad = " " * indent
        return [head, *(pad + r[depth:] if r.strip() else "" for r in content)]


@dataclass(frozen=True, slots=True)
class FileFormat:
    """What ``itam fmt`` makes of one file."""

    rel: str
    old: bytes
    new: bytes | None  # None: not formatted (unreadable)
    note: str | None = None  # why the layout was kept, or why it cannot be read

    @property
    def changes(self) -> bool:
        return self.new is not None and self.new != self.old


def select(layout: Layout, paths: list[Path]) -> list[SourceFile]:
    """The registry files under ``paths`` (all of them when none); ConfigError
    for a path that does not exist or lies outside registry/."""
    sources, _ = scan(layout.root, layout.registry)
    if not paths:
        return sources
    registry = layout.registry.resolve()
    chosen: dict[str, SourceFile] = {}
    for given in paths:
        if not given.exists():
            raise ConfigError(f"{given}: no such file or folder")
        target = given.resolve()
        if target != registry and registry not in target.parents:
            raise ConfigError(
                f"{given} is not inside {layout.registry}: only registry files are formatted"
            )
        for source in sources:
            path = source.path.resolve()
            if path == target or target in path.parents:
                chosen[source.rel] = source
    return [chosen[rel] for rel in sorted(chosen)]


def format_files(layout: Layout, schemas: SchemaSet, sources: list[SourceFile]) -> list[FileFormat]:
    """The canonical layout of each file; nothing is written."""
    out = []
    for source in sources:
        try:
            old = read_capped(source.path, MAX_FILE_BYTES)
        except OSError as exc:
            out.append(FileFormat(source.rel, b"", None, f"cannot read: {exc.strerror or exc}"))
            continue
        try:
            formatted = format_text(old.decode("utf-8"), schemas, source.rel)
        except UnicodeDecodeError:
            out.append(FileFormat(source.rel, old, None, "not UTF-8; run itam validate for where"))
            continue
        except EditError as exc:
            out.append(FileFormat(source.rel, old, None, str(exc)))
            continue
        out.append(FileFormat(source.rel, old, formatted.text.encode("utf-8"), formatted.kept))
    return out
