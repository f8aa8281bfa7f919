"""A registry file as an editor sees it: its data, its nodes, its comments.

The data comes from ``itam.yamlsafe`` (which refuses hostile files); only a
file it accepts is composed again with PyYAML's safe composer, whose nodes
say where each value starts and ends. Comments are what lies between the
scanner's tokens from a ``#`` to the end of its line. Positions are indexes
into ``body``: the text without its byte order mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from itam import yamlsafe
from itam.errors import ConfigError
from itam.findings import Severity

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

BOM = "\ufeff"
_LONE_CR = re.compile("\r(?!\n)")


class EditError(ConfigError):
    """An edit that cannot be made safely; nothing is written (exit 2)."""


@dataclass(frozen=True, slots=True)
class Comment:
    start: int
    end: int
    line: int  # 1-based
    own_line: bool  # nothing but spaces before it on its line


@dataclass(slots=True)
class Source:
    """One file's text, data, nodes and comments."""

    bom: str
    body: str
    newline: str
    data: dict[str, Any]
    root: yaml.MappingNode
    comments: list[Comment]

    @classmethod
    def read(cls, text: str, file: str = "") -> Source:
        """Parse ``text``; EditError (with the file and line) when the safe
        loader finds the file unusable, or finds anything wrong with its YAML."""
        doc = yamlsafe.load(text.encode("utf-8", "surrogateescape"), file)
        problems = [
            f
            for f in doc.findings
            if f.severity is Severity.ERROR and f.rule.split(".")[0] in ("yaml", "file")
        ]
        if doc.data is None or problems:
            first = problems[0] if problems else None
            reason = first.message if first else "the file holds no mapping"
            raise EditError(
                f"cannot edit this file safely: {reason}; fix it by hand first",
                file or None,
                first.line if first else None,
            )
        bom = BOM if text.startswith(BOM) else ""
        body = text[len(bom) :]
        lone = _LONE_CR.search(body)
        if lone is not None:
            # Lines are found by their line feeds; a lone CR (classic Mac
            # line endings) would put an inserted line in the wrong place.
            raise EditError(
                "cannot edit this file safely: it ends lines with a lone carriage return; "
                "save it with LF (or CRLF) line endings",
                file or None,
                body.count("\n", 0, lone.start()) + 1,
            )
        try:
            root = yaml.compose(body, Loader=_Loader)
            tokens = list(yaml.scan(body, Loader=_Loader))
        except (yaml.YAMLError, ValueError, RecursionError) as exc:  # pragma: no cover
            # The safe loader accepted it, so PyYAML should too.
            raise EditError(f"cannot edit this file safely: {exc}", file or None) from None
        if not isinstance(root, yaml.MappingNode):  # pragma: no cover - checked above
            raise EditError("the file holds no mapping", file or None)
        newline = "\r\n" if "\r\n" in body else "\n"
        return cls(bom, body, newline, doc.data, root, _comments(body, tokens))

    def comments_in(self, start: int, end: int) -> list[Comment]:
        """The comments that start inside ``[start, end)``."""
        return [c for c in self.comments if start <= c.start < end]


def _comments(body: str, tokens: list[Any]) -> list[Comment]:
    found: list[Comment] = []
    position = 0
    for token in [*tokens, None]:
        stop = len(body) if token is None else token.start_mark.index
        while True:
            hash_at = body.find("#", position, stop)
            if hash_at < 0:
                break
            line_end = body.find("\n", hash_at)
            line_end = len(body) if line_end < 0 else line_end
            end = min(line_end, stop) if token is not None else line_end
            line_start = body.rfind("\n", 0, hash_at) + 1
            found.append(
                Comment(
                    hash_at,
                    end,
                    body.count("\n", 0, hash_at) + 1,
                    not body[line_start:hash_at].strip(),
                )
            )
            position = max(end, hash_at + 1)
        if token is not None:
            position = max(position, token.end_mark.index)
    return found


def is_null(node: Any) -> bool:
    """Whether ``node`` is a null scalar (``key:`` with nothing, ``~``, ``null``)."""
    return (
        isinstance(node, yaml.ScalarNode)
        and node.style in (None, "")
        and node.value in ("", "~", "null", "Null", "NULL")
    )


def is_plain_style(node: yaml.ScalarNode) -> bool:
    return node.style in (None, "")


def content_end(body: str, node: Any) -> int:
    """Where ``node``'s own text ends: its closing bracket, the end of its last
    scalar (a block collection's end mark lies past the comments after it)."""
    if isinstance(node, yaml.ScalarNode):
        end: int = node.end_mark.index
        if node.style in ("|", ">"):
            start: int = node.start_mark.index
            while end > start and body[end - 1] in " \t\r\n":
                end -= 1
        return end
    if node.flow_style:
        return int(node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        last_key, last_value = node.value[-1]
        if is_null(last_value) and last_value.value == "":
            return int(last_key.end_mark.index) + _colon_after(body, last_key.end_mark.index)
        return content_end(body, last_value)
    return content_end(body, node.value[-1])


def _colon_after(body: str, index: int) -> int:
    """How far past ``index`` the ``:`` after a key ends."""
    colon = body.find(":", index)
    return colon + 1 - index if colon >= 0 else 0


def colon_end(body: str, key: Any) -> int:
    """The index just past the ``:`` that follows ``key``."""
    index: int = key.end_mark.index
    return index + _colon_after(body, index)


def line_start(body: str, index: int) -> int:
    return body.rfind("\n", 0, index) + 1


def after_line(body: str, index: int) -> int:
    """The index of the line after the one ``index`` is on (len(body) at the end)."""
    found = body.find("\n", index)
    return len(body) if found < 0 else found + 1
