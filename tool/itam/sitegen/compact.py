"""Scripts as the site ships them: without the comments, indentation and spaces
that the browser skips anyway.

``site/static/*.js`` stay readable in the repository, comments and all; the
built site gets the same code in about two thirds of the bytes. This is not a
minifier: every name stays, and every line break stays where it was, so that
automatic semicolon insertion reads the code exactly as before. Only a space
that keeps two tokens apart (``let x``, ``a - -b``) is kept.

It reads string literals in single or double quotes, ``//`` and ``/* */``
comments, and takes any other ``/`` for division. Where a ``/`` could start a
regular expression literal (after an operator, a bracket or ``return``), or a
template literal appears, it gives up and the script ships as written: a
wrong guess would break the page, a missed saving costs a few kilobytes.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
      (?P<comment>//[^\n]*|/\*.*?\*/)
    | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<space>\s+)
    | (?P<word>[\w$]+)
    | (?P<other>.)
    """,
    re.DOTALL | re.VERBOSE,
)
# After these words a "/" starts a regular expression, not a division.
_BEFORE_EXPRESSION = frozenset(
    (
        "return",
        "typeof",
        "case",
        "do",
        "else",
        "in",
        "of",
        "new",
        "delete",
        "void",
        "throw",
        "instanceof",
        "yield",
        "await",
    )
)


class _Unsure(Exception):
    """The script holds something this reader does not follow."""


def _is_word(char: str) -> bool:
    return char.isalnum() or char in "_$"


def _apart(previous: str, token: str) -> bool:
    """Whether ``previous`` and ``token`` need a space between them."""
    if _is_word(previous[-1]) and _is_word(token[0]):
        return True
    if previous[-1] == token[0] and token[0] in "+-":  # a - -b is not a-- b
        return True
    return previous[-1].isdigit() and token[0] == "."  # 1 .toString()


def _tokens(source: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(source):
        kind, text = match.lastgroup or "", match.group()
        if kind == "other" and text == "`":
            raise _Unsure
        if kind == "other" and text == "/":
            before = next((t for k, t in reversed(found) if k not in ("comment", "space")), "")
            if (
                not before
                or before in _BEFORE_EXPRESSION
                or not (_is_word(before[-1]) or before in ")]")
            ):
                raise _Unsure
        found.append((kind, text))
    return found


def compact_script(source: str) -> str:
    """``source`` without comments and needless spaces, line breaks kept; as it
    was when it holds what this reader does not follow (see the module docstring)."""
    try:
        tokens = _tokens(source)
    except _Unsure:
        return source
    out: list[str] = []
    previous = ""
    gap = ""  # "" nothing skipped, " " a space or comment, "\n" a line break
    for kind, text in tokens:
        if kind in ("comment", "space"):
            if "\n" in text or (kind == "comment" and text.startswith("//")):
                gap = "\n"
            elif not gap:
                gap = " "
            continue
        if previous and gap == "\n":
            out.append("\n")
        elif previous and gap and _apart(previous, text):
            out.append(" ")
        out.append(text)
        previous, gap = text, ""
    return "".join(out) + ("\n" if out else "")


def shipped(name: str, data: bytes) -> bytes:
    """A static file as the site ships it: a script compacted, anything else as it is."""
    if not name.endswith(".js"):
        return data
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return compact_script(source).encode("utf-8")
