"""Change values in a registry file in place, leaving every other byte alone.

``apply_changes(text, {"status": "retired", "retirement.date": "2026-11-22"})``
splices each change into the text where PyYAML's composer says the value
starts and ends: comments, key order, quoting, flow style, block scalars,
CRLF line endings and a byte order mark stay as they were. A change is one of

* a new value at a dotted path that exists: only that value's text is replaced;
* a path that does not exist: the key is added to its mapping (parents are
  created), at the place the schema's key order gives it;
* a list that extends the list there: the new items are appended in the
  list's own style (a flow list ``[a, b]`` grows to ``[a, b, c]``, a block
  list of flow mappings gets one more ``- {...}`` line);
* a mapping: the same, key by key; ``DELETE`` removes a key.

A change that would drop a comment is refused. After the edit the text is
read again with ``itam.yamlsafe`` and must hold exactly the intended data;
anything else is refused (EditError), so a caller never writes a surprise.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from itam import yamlsafe
from itam.edit.render import Renderer, is_scalar
from itam.edit.scalars import inline, key_text, normalise, same
from itam.edit.source import (
    EditError,
    Source,
    after_line,
    colon_end,
    content_end,
    is_null,
    line_start,
)
from itam.edit.style import KindStyle, Styles, Tokens
from itam.findings import Severity
from itam.schemas import SchemaSet


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""The value that removes a key: ``apply_changes(text, {"repair": DELETE})``."""

_MISSING: Any = object()


def apply_changes(
    text: str,
    changes: Mapping[str, Any],
    schemas: SchemaSet | None = None,
    *,
    file: str = "",
) -> str:
    """``text`` with each dotted path of ``changes`` set to its value, in place.

    ``schemas`` (optional) gives new keys their place in the kind's key order
    and lets decimals such as ``1289.00`` stay unquoted where a number is
    accepted. ``file`` names the file in messages. Raises EditError (nothing
    to write) for a file that does not load cleanly, a path through a value
    that is not a mapping, a change that would drop a comment, or a result
    that would not read back as the intended data.
    """
    source = Source.read(text, file)
    style = Styles.shared(schemas).of(source.data.get("kind"))
    intended, operations = _plan(source.data, changes)
    current = text
    for operation in operations:
        current = _Editor(Source.read(current, file), style, file).run(operation)
    verify(current, intended, file)
    return current


def verify(text: str, intended: Mapping[str, Any], file: str = "") -> None:
    """Refuse ``text`` unless the safe loader reads exactly ``intended`` from it."""
    doc = yamlsafe.load(text.encode("utf-8", "surrogateescape"), file)
    broken = [
        f
        for f in doc.findings
        if f.severity is Severity.ERROR and f.rule.split(".")[0] in ("yaml", "file")
    ]
    if doc.data is None or broken or not same(doc.data, dict(intended)):
        raise EditError(
            "internal error: the edited text would not read back as the intended values, "
            "so nothing is written; please report this with the file",
            file or None,
        )


# -- the data side: what the file should hold afterwards -------------------


def changed(data: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` with ``changes`` (dotted path → value) applied, as
    ``apply_changes`` applies them to a file's text."""
    intended: dict[str, Any] = _plan(data, changes)[0]
    return intended


def _plan(data: Mapping[str, Any], changes: Mapping[str, Any]) -> tuple[Any, list[_Operation]]:
    intended: Any = copy.deepcopy(dict(data))
    operations: list[_Operation] = []
    for dotted, value in changes.items():
        new = value if value is DELETE else normalise(value, dotted)
        tokens = _tokens(intended, dotted)
        operations.extend(_expand(tokens, _get(intended, tokens), new))
        intended = _put(intended, tokens, new, dotted)
    return intended, operations


def _tokens(data: Any, dotted: str) -> Tokens:
    parts = dotted.split(".")
    if not dotted or any(not part for part in parts):
        raise EditError(f"{dotted!r} is not a path: write keys joined by dots, e.g. purchase.date")
    tokens: list[str | int] = []
    for part in parts:
        if isinstance(data, list) and part.isdigit():
            tokens.append(int(part))
            data = data[int(part)] if int(part) < len(data) else None
        else:
            tokens.append(part)
            data = data.get(part) if isinstance(data, dict) else None
    return tuple(tokens)


def _get(data: Any, tokens: Tokens) -> Any:
    for token in tokens:
        in_mapping = isinstance(data, dict) and isinstance(token, str) and token in data
        in_list = isinstance(data, list) and isinstance(token, int) and token < len(data)
        if not (in_mapping or in_list):
            return _MISSING
        data = data[token]
    return data


def _put(data: Any, tokens: Tokens, value: Any, dotted: str, done: Tokens = ()) -> Any:
    """``data`` with ``value`` at ``tokens`` (parents created); EditError when
    a value on the way is neither a mapping nor null."""
    if not tokens:
        return value
    head, rest = tokens[0], tokens[1:]
    here = (*done, head)
    if data is None and value is not DELETE:
        data = {}
    if isinstance(data, dict) and isinstance(head, str):
        if value is DELETE and not rest:
            data.pop(head, None)
            return data
        if value is DELETE and head not in data:
            return data
        data[head] = _put(data.get(head), rest, value, dotted, here)
        return data
    if isinstance(data, list) and isinstance(head, int) and head <= len(data):
        if value is DELETE and not rest:
            if head < len(data):
                del data[head]
            return data
        if head == len(data):
            data.append(_put(None, rest, value, dotted, here))
        else:
            data[head] = _put(data[head], rest, value, dotted, here)
        return data
    what = "a list" if isinstance(data, list) else "not a mapping"
    raise EditError(f"cannot set {dotted}: {_dotted(done)} is {what}")


@dataclass(frozen=True, slots=True)
class _Operation:
    action: str  # replace, add, append, delete
    tokens: Tokens
    value: Any = None


def _expand(tokens: Tokens, old: Any, new: Any) -> list[_Operation]:
    """The smallest edits that turn ``old`` into ``new`` at ``tokens``."""
    if new is DELETE:
        return [] if old is _MISSING else [_Operation("delete", tokens)]
    if old is _MISSING:
        return [_Operation("add", tokens, new)]
    if same(old, new):
        return []
    if isinstance(old, dict) and isinstance(new, dict) and tokens:
        operations = [_Operation("delete", (*tokens, k)) for k in old if k not in new]
        for key, value in new.items():
            operations.extend(_expand((*tokens, key), old.get(key, _MISSING), value))
        return operations
    if isinstance(old, list) and isinstance(new, list) and tokens:
        if len(new) > len(old) and all(same(a, b) for a, b in zip(old, new, strict=False)):
            return [_Operation("append", tokens, new[len(old) :])]
        if len(new) == len(old):
            return [
                op
                for i, (a, b) in enumerate(zip(old, new, strict=True))
                for op in _expand((*tokens, i), a, b)
            ]
    return [_Operation("replace", tokens, new)]


# -- the text side: splicing ------------------------------------------------


@dataclass(slots=True)
class _Located:
    node: Any
    parent: Any = None
    key: Any = None  # the key node, when the parent is a mapping
    index: int = 0  # the entry's position in its parent
    flow: bool = False  # inside a flow collection
    ancestors: list[Any] = field(default_factory=list)


def _nest(tokens: Tokens, value: Any) -> Any:
    for token in reversed(tokens):
        value = {token: value} if isinstance(token, str) else [value]
    return value


class _Editor:
    def __init__(self, source: Source, style: KindStyle, file: str) -> None:
        self.source = source
        self.body = source.body
        self.nl = source.newline
        self.style = style
        self.file = file

    def run(self, operation: _Operation) -> str:
        action = getattr(self, "_" + operation.action)
        body: str = action(operation.tokens, operation.value)
        return self.source.bom + body

    # -- finding nodes ---------------------------------------------------------
    def locate(self, tokens: Tokens) -> tuple[_Located | None, int]:
        """The node at ``tokens``, or None and how many tokens did resolve."""
        here = _Located(self.source.root)
        for depth, token in enumerate(tokens):
            node = here.node
            ancestors = [*here.ancestors, node]
            flow = here.flow or bool(getattr(node, "flow_style", False))
            if isinstance(node, yaml.MappingNode) and isinstance(token, str):
                found = next((i for i, (k, _) in enumerate(node.value) if k.value == token), None)
                if found is None:
                    return None, depth
                key, value = node.value[found]
                here = _Located(value, node, key, found, flow, ancestors)
            elif isinstance(node, yaml.SequenceNode) and isinstance(token, int):
                if token >= len(node.value):
                    return None, depth
                here = _Located(node.value[token], node, None, token, flow, ancestors)
            else:
                return None, depth
        return here, len(tokens)

    def must(self, tokens: Tokens) -> _Located:
        found, _ = self.locate(tokens)
        if found is None:  # pragma: no cover - the data side found it
            raise EditError(f"{_dotted(tokens)} is not in the file", self.file or None)
        return found

    # -- helpers ---------------------------------------------------------------
    def renderer(self, hints: dict[Tokens, list[str]] | None = None) -> Renderer:
        return Renderer(self.style, hints=hints)

    def guard(self, start: int, end: int, tokens: Tokens) -> None:
        dropped = self.source.comments_in(start, end)
        if dropped:
            raise EditError(
                f"changing {_dotted(tokens)} would drop the comment on line {dropped[0].line}; "
                "change that part by hand",
                self.file or None,
                dropped[0].line,
            )

    def splice(self, start: int, end: int, first: str, rest: list[str]) -> str:
        """``first`` in place of ``[start, end)``; ``rest`` as whole lines after that line."""
        body = self.body[:start] + first + self.body[end:]
        if rest:
            at = after_line(body, start + len(first))
            if at == len(body) and not body.endswith("\n"):
                body += self.nl
                at = len(body)
            body = body[:at] + "".join(line + self.nl for line in rest) + body[at:]
        return body

    def insert_lines(self, at: int, lines: list[str]) -> str:
        body = self.body
        if at == len(body) and body and not body.endswith("\n"):
            body += self.nl
            at = len(body)
        return body[:at] + "".join(line + self.nl for line in lines) + body[at:]

    def dash(self, node: Any) -> int:
        """The index of the ``-`` that starts the block list item ``node``."""
        index: int = node.start_mark.index - 1
        while index >= 0 and self.body[index] in " \t":
            index -= 1
        if index < 0 or self.body[index] != "-":  # pragma: no cover - PyYAML put it there
            raise EditError("cannot find the list item's dash", self.file or None)
        return index

    def column(self, index: int) -> int:
        return index - line_start(self.body, index)

    def flow_text(self, value: Any, place: Tokens, order: list[str] | None = None) -> str:
        """Any value on one line, for a flow context."""
        if is_scalar(value):
            return inline(value, flow=True, number_ok=self.style.accepts_number(place))
        if isinstance(value, list):
            items = [self.flow_text(v, (*place, i)) for i, v in enumerate(value)]
            return "[" + ", ".join(items) + "]"
        keys = _ordered(value, order) if order else self.style.keys_in_order(place, value)
        parts = [f"{key_text(k)}: {self.flow_text(value[k], (*place, k))}" for k in keys]
        return "{" + ", ".join(parts) + "}"

    # -- the four actions ----------------------------------------------------
    def _replace(self, tokens: Tokens, new: Any) -> str:
        here = self.must(tokens)
        node = here.node
        end = content_end(self.body, node)
        if here.flow:
            start = node.start_mark.index
            self.guard(start, end, tokens)
            return self.splice(start, end, self.flow_text(new, tokens), [])
        if isinstance(node, yaml.ScalarNode) and is_scalar(new):
            start = node.start_mark.index
            indent = (
                here.key.start_mark.column if here.key is not None else self.column(self.dash(node))
            )
            lines = self.renderer().block_scalar(new, tokens, indent)
            self.guard(start, end, tokens)
            return self.splice(start, end, lines[0], lines[1:])
        if here.key is not None:
            start = colon_end(self.body, here.key)
            after = self.renderer().after_key(new, tokens, here.key.start_mark.column)
        else:
            dash = self.dash(node)
            start = dash + 1
            column = self.column(dash)
            lines = self.renderer().sequence_block([new], tokens[:-1], column)
            after = [lines[0][column + 2 :], *lines[1:]]
        self.guard(start, end, tokens)
        return self.splice(start, end, " " + after[0] if after[0] else "", after[1:])

    def _add(self, tokens: Tokens, new: Any) -> str:
        here, depth = self.locate(tokens)
        if here is not None:  # pragma: no cover - the data side says it is missing
            return self._replace(tokens, new)
        parent_tokens, rest = tokens[:depth], tokens[depth:]
        parent = self.must(parent_tokens)
        if is_null(parent.node) and depth > 0:
            return self._replace(parent_tokens, _nest(rest, new))
        if isinstance(parent.node, yaml.SequenceNode) and rest[0] == len(parent.node.value):
            return self._append(parent_tokens, [_nest(rest[1:], new)])
        if not isinstance(parent.node, yaml.MappingNode) or not isinstance(rest[0], str):
            raise EditError(
                f"cannot set {_dotted(tokens)}: {_dotted(parent_tokens)} is not a mapping",
                self.file or None,
            )
        return self.add_key(parent, parent_tokens, rest[0], _nest(rest[1:], new))

    def add_key(self, here: _Located, place: Tokens, key: str, value: Any) -> str:
        mapping = here.node
        entries = mapping.value
        rank = self.style.rank(place, key)
        later = None
        if rank is not None:
            later = next(
                (
                    i
                    for i, (k, _) in enumerate(entries)
                    if (r := self.style.rank(place, k.value)) is not None and r > rank
                ),
                None,
            )
        if here.flow or mapping.flow_style:
            text = f"{key_text(key)}: {self.flow_text(value, (*place, key))}"
            if not entries:
                at = mapping.start_mark.index + 1
                return self.body[:at] + text + self.body[at:]
            if later is not None:
                at = entries[later][0].start_mark.index
                return self.body[:at] + text + ", " + self.body[at:]
            at = content_end(self.body, entries[-1][1])
            return self.body[:at] + ", " + text + self.body[at:]
        column = entries[0][0].start_mark.column
        lines = self.renderer().entry(key, value, (*place, key), column)
        first_key = entries[0][0].start_mark.index
        if later == 0 and not self.body[line_start(self.body, first_key) : first_key].strip():
            return self.insert_lines(line_start(self.body, first_key), lines)
        if later is not None and later > 0:
            return self.insert_lines(
                after_line(self.body, self.entry_end(entries, later - 1)), lines
            )
        return self.insert_lines(after_line(self.body, content_end(self.body, mapping)), lines)

    def entry_end(self, entries: list[Any], index: int) -> int:
        key, value = entries[index]
        if is_null(value) and value.value == "":
            return colon_end(self.body, key)
        return content_end(self.body, value)

    def _append(self, tokens: Tokens, items: list[Any]) -> str:
        here = self.must(tokens)
        seq = here.node
        if not isinstance(seq, yaml.SequenceNode):  # pragma: no cover - data side checked
            return self._replace(tokens, items)
        start = len(seq.value)
        if here.flow or seq.flow_style:
            order = _keys_of(seq.value[-1]) if seq.value else None
            texts = [self.flow_text(v, (*tokens, start + i), order) for i, v in enumerate(items)]
            if not seq.value:
                at = seq.start_mark.index + 1
                return self.body[:at] + ", ".join(texts) + self.body[at:]
            at = content_end(self.body, seq.value[-1])
            return self.body[:at] + ", " + ", ".join(texts) + self.body[at:]
        last = seq.value[-1]
        column = self.column(self.dash(seq.value[0]))
        hints: dict[Tokens, list[str]] = {}
        flows: dict[Tokens, bool] = {}
        if isinstance(last, yaml.MappingNode):
            hints[(*tokens, 0)] = _keys_of(last)
            flows[(*tokens, 0)] = bool(last.flow_style)
        renderer = Renderer(self.style, hints=hints, flows=flows)
        lines = renderer.sequence_block(items, tokens, column)
        return self.insert_lines(after_line(self.body, content_end(self.body, seq)), lines)

    def _delete(self, tokens: Tokens, _value: Any = None) -> str:
        here = self.must(tokens)
        parent = here.parent
        entries = parent.value
        if len(entries) == 1:
            return self._replace(tokens[:-1], {} if here.key is not None else [])
        node = here.node
        end = content_end(self.body, node)
        if here.flow or parent.flow_style:
            first = here.key if here.key is not None else node
            if here.index < len(entries) - 1:
                after = entries[here.index + 1]
                stop = (after[0] if here.key is not None else after).start_mark.index
                start = first.start_mark.index
                self.guard(start, stop, tokens)
                return self.body[:start] + self.body[stop:]
            before = entries[here.index - 1]
            start = content_end(self.body, before[1] if here.key is not None else before)
            self.guard(start, end, tokens)
            return self.body[:start] + self.body[end:]
        begin = here.key.start_mark.index if here.key is not None else self.dash(node)
        start = line_start(self.body, begin)
        if self.body[start:begin].strip():
            raise EditError(
                f"cannot remove {_dotted(tokens)} in place: it shares its line with a list "
                "dash; change that part by hand",
                self.file or None,
            )
        stop = after_line(self.body, end)
        self.guard(start, stop, tokens)
        return self.body[:start] + self.body[stop:]


def _keys_of(node: Any) -> list[str]:
    return [k.value for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []


def _ordered(value: dict[str, Any], order: list[str]) -> list[str]:
    rank = {key: i for i, key in enumerate(order)}
    given = {key: i for i, key in enumerate(value)}
    return sorted(value, key=lambda k: (rank.get(k, len(rank)), given[k]))


def _dotted(tokens: Tokens) -> str:
    return ".".join(str(t) for t in tokens) or "the file"
