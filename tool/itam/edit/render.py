"""Entity data as the canonical text of a registry file.

The layout is the house style of ``itam.edit.style``: keys in schema order,
two spaces per level, lists of mappings as block lists, the places the
style names in flow style, text quoted only where a YAML reader would
misread it (``itam.edit.scalars``), multi-line text as a literal block
(``|``). ``itam new`` writes it, the round-trip editor uses it for each new
value, and ``itam fmt`` lays whole files out with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from itam.edit.scalars import inline, key_text, normalise
from itam.edit.style import KindStyle, Styles, Tokens, generic
from itam.schemas import SchemaSet

INDENT = 2

Keep = Callable[[Tokens, Any, int], list[str] | None]
"""``keep(place, value, indent)``: the lines to write for a scalar instead of
its canonical text (``itam fmt`` keeps folded text folded where it was), or None."""


def is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


class Renderer:
    """Writes values in the style of one kind."""

    def __init__(
        self,
        style: KindStyle,
        keep: Keep | None = None,
        hints: dict[Tokens, list[str]] | None = None,
        flows: dict[Tokens, bool] | None = None,
    ) -> None:
        self.style = style
        self.keep = keep
        # Key order and flow style of places an existing file already decided
        # (the next audit record is written like the last one).
        self.hints = {generic(p): keys for p, keys in (hints or {}).items()}
        self.flows = {generic(p): flow for p, flow in (flows or {}).items()}

    def ordered(self, place: Tokens, keys: Iterable[str]) -> list[str]:
        """``keys`` in the order of the hint for ``place``, else the schema's."""
        given = {key: i for i, key in enumerate(keys)}
        hint = self.hints.get(generic(place))
        if hint is None:
            return self.style.keys_in_order(place, given)
        rank = {key: i for i, key in enumerate(hint)}
        canonical = {k: i for i, k in enumerate(self.style.keys_in_order(place, given))}
        return sorted(given, key=lambda k: (rank.get(k, len(rank)), canonical[k]))

    def is_flow(self, place: Tokens) -> bool:
        return self.flows.get(generic(place), self.style.is_flow(place))

    # -- whole documents and entries --------------------------------------
    def document(self, data: Mapping[str, Any]) -> list[str]:
        """The lines of a file holding ``data`` (no line breaks)."""
        return self.mapping_block(data, (), 0)

    def mapping_block(self, data: Mapping[str, Any], place: Tokens, indent: int) -> list[str]:
        lines: list[str] = []
        for key in self.ordered(place, data):
            lines.extend(self.entry(key, data[key], (*place, key), indent))
        return lines

    def entry(self, key: str, value: Any, place: Tokens, indent: int) -> list[str]:
        """``key: value`` at ``indent``, over as many lines as the value needs."""
        head = " " * indent + key_text(key) + ":"
        after = self.after_key(value, place, indent)
        if after[0]:
            return [head + " " + after[0], *after[1:]]
        return [head, *after[1:]]

    def after_key(self, value: Any, place: Tokens, indent: int) -> list[str]:
        """What follows ``key:``: the first element goes on the key's line ("" for
        nothing), the rest are whole lines below it."""
        if is_scalar(value):
            return self.block_scalar(value, place, indent)
        flow = self.flow(value, place)
        if flow is not None:
            return [flow]
        if isinstance(value, dict):
            return ["", *self.mapping_block(value, place, indent + INDENT)]
        return ["", *self.sequence_block(value, place, indent + INDENT)]

    def sequence_block(self, items: list[Any], place: Tokens, indent: int) -> list[str]:
        lines: list[str] = []
        dash = " " * indent + "-"
        for index, item in enumerate(items):
            here = (*place, index)
            if isinstance(item, dict) and item and self.flow(item, here) is None:
                inner = self.mapping_block(item, here, indent + INDENT)
                lines.append(dash + " " + inner[0][indent + INDENT :])
                lines.extend(inner[1:])
                continue
            if isinstance(item, list) and item and self.flow(item, here) is None:
                inner = self.sequence_block(item, here, indent + INDENT)
                lines.append(dash + " " + inner[0][indent + INDENT :])
                lines.extend(inner[1:])
                continue
            after = self.after_key(item, here, indent)
            lines.append(dash + " " + after[0] if after[0] else dash)
            lines.extend(after[1:])
        return lines

    # -- flow collections ----------------------------------------------------
    def flow(self, value: dict[str, Any] | list[Any], place: Tokens) -> str | None:
        """``value`` on one line, when the style writes it so; None otherwise."""
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        if isinstance(value, list):
            if not all(is_scalar(item) and not _multiline(item) for item in value):
                return None
            return (
                "[" + ", ".join(self.flow_scalar(v, (*place, i)) for i, v in enumerate(value)) + "]"
            )
        if not self.is_flow(place):
            return None
        if not all(is_scalar(item) and not _multiline(item) for item in value.values()):
            return None
        parts = [
            f"{key_text(key)}: {self.flow_scalar(value[key], (*place, key))}"
            for key in self.ordered(place, value)
        ]
        return "{" + ", ".join(parts) + "}"

    def flow_scalar(self, value: Any, place: Tokens) -> str:
        return inline(value, flow=True, number_ok=self.style.accepts_number(place))

    # -- scalars -------------------------------------------------------------
    def block_scalar(self, value: Any, place: Tokens, indent: int) -> list[str]:
        """A scalar after ``key:`` or ``-``: one line, or a literal block."""
        if self.keep is not None:
            kept = self.keep(place, value, indent + INDENT)
            if kept is not None:
                return kept
        if isinstance(value, str) and _multiline(value):
            literal = literal_block(value, indent + INDENT)
            if literal is not None:
                return literal
        return [inline(value, number_ok=self.style.accepts_number(place))]


def _multiline(value: Any) -> bool:
    return isinstance(value, str) and ("\n" in value or "\r" in value)


def literal_block(text: str, indent: int) -> list[str] | None:
    """``text`` as a literal block scalar at ``indent``; None when one cannot
    hold it exactly (carriage returns, tabs or spaces before a line break)."""
    if "\r" in text or any(line != line.rstrip(" \t") for line in text.split("\n")):
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    lines = body.split("\n")
    first = next((line for line in lines if line), "")
    if not body or first.startswith(" "):
        # Would need an indentation indicator; quoted text is clearer.
        return None
    pad = " " * indent
    content = [pad + line if line else "" for line in lines]
    if chomp == "+":
        content.extend([""] * (trailing - 1))
    return ["|" + chomp, *content]


def render_entity(data: Mapping[str, Any], schemas: SchemaSet | None) -> str:
    """The canonical text of a new file holding ``data`` (see the module docstring).

    Values are normalised first (dates become ISO text); raises
    ``itam.edit.scalars.Unwritable`` for a value YAML cannot hold.
    """
    clean = normalise(dict(data))
    style = Styles.shared(schemas).of(clean.get("kind"))
    return "\n".join(Renderer(style).document(clean)) + "\n"
