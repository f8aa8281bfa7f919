"""A small tree of an HTML file, enough to check links, ids, tables and landmarks.

The stdlib parser, not a browser: the link crawl reads every page of the
site, and a browser would spend minutes where this spends a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)


@dataclass(eq=False)
class Node:
    """One element: its tag, attributes and children (elements and text)."""

    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)
    line: int = 0

    def iter(self, *tags: str) -> Iterator[Node]:
        """This element and every element below it (of ``tags`` when given), in order."""
        if not tags or self.tag in tags:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(*tags)

    def find(self, tag: str) -> Node | None:
        return next(self.iter(tag), None)

    def text(self) -> str:
        """The text inside, whitespace collapsed (scripts and styles left out)."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in ("script", "style", "template"):
                parts.append(child.text())
        return " ".join(" ".join(parts).split())

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def __repr__(self) -> str:
        shown = " ".join(f'{k}="{v}"' for k, v in self.attrs.items())
        return f"<{self.tag}{' ' if shown else ''}{shown}> (line {self.line})"


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1], line=self.getpos()[0])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    """The document tree of ``text``."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


@cache
def parse_file(path: Path) -> Node:
    """The document tree of a file, parsed once per session (the site does not change)."""
    return parse_html(path.read_text(encoding="utf-8"))


def ids_of(document: Node) -> set[str]:
    """Every fragment a link can point at: ids, and names of <a> elements."""
    found = {node.attrs["id"] for node in document.iter() if "id" in node.attrs}
    found |= {node.attrs["name"] for node in document.iter("a") if "name" in node.attrs}
    return found
