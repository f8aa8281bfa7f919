"""YAML text written directly, in the bundled files' style, without a dumper.

An entity is an ordered mapping of top-level keys to already-rendered values:
`` value`` for an inline value, ``\\n  key: value`` lines for a block. Writing
text is several times faster than ``yaml.safe_dump`` and keeps the house
style: flow mappings for audits and money, block mappings elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()+,'&-]*[A-Za-z0-9.)]|[A-Za-z]")
# In a flow collection a comma ends the value.
_FLOW_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()+'&-]*[A-Za-z0-9.)]|[A-Za-z]")
# YAML 1.1 reads these as booleans or null when they stand alone.
_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def scalar(text: str, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain where no reader could take it for
    anything but text, double-quoted otherwise (all-digit serials, versions,
    the country code NO)."""
    plain = _FLOW_PLAIN if flow else _PLAIN
    if plain.fullmatch(text) and text.lower() not in _WORDS and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def mac_text(mac: str) -> str:
    """A MAC address plain, as the bundled files write it, unless it is all
    digits (YAML 1.1 would read 10:20:30:40:50:59 as a sexagesimal number)."""
    return mac if re.search("[a-f]", mac) else f'"{mac}"'


def inline(value: str) -> str:
    return " " + value


def flow_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def flow_map(pairs: Iterable[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def block_map(pairs: Iterable[tuple[str, str]], indent: str = "  ") -> str:
    return "".join(f"\n{indent}{k}: {v}" for k, v in pairs)


def block_list(items: Iterable[str]) -> str:
    return "".join(f"\n  - {item}" for item in items)


def money(amount: float, currency: str) -> str:
    return flow_map((("amount", f"{amount:.2f}"), ("currency", currency)))


def render(fields: dict[str, str]) -> str:
    """An entity's text from its top-level fields."""
    return "".join(f"{key}:{value}\n" for key, value in fields.items())
