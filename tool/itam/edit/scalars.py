"""One scalar written as YAML text, so that it reads back as the same value.

The registry is read by ``itam.yamlsafe`` (YAML 1.2 core, with values kept as
written), but people open the same files with other tools, most of which
still speak YAML 1.1: for them ``NO`` is false, ``0191`` a number and
``22:22`` 1342. So a text value is written plain only when both would read
it as that text, with two exceptions that the registry writes plain on
purpose: ISO dates (``2026-01-01``: every tool agrees on the date) and, where
the schema accepts a number, decimals kept as written (``1289.00``).
Anything else is double-quoted.

``parse_value`` reads a ``--set`` value the way the registry reads a value
in a file, so ``--set memory_gb=32`` is a number and ``--set
purchase.date=2026-01-01`` a date string.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import yaml.resolver

from itam import yamlsafe
from itam.dates import parse_date
from itam.errors import ConfigError
from itam.findings import Severity

_YAML11 = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
# What a YAML 1.2 core-schema reader (Go's yaml.v3, ruamel, js-yaml) takes for a
# number, true/false or null: ``0191`` is 191 there, though PyYAML keeps it text.
_CORE12_NUMBER = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_CORE12_OTHER = frozenset(
    ("true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~")
)
# What a double-quoted scalar must escape; the rest is written as it is.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]')
# What the safe loader reports as a hidden character (itam.yamlsafe): such a
# value could not be read back, so it is refused before anything is written.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\u00ad\u2028\u2029]"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


class Unwritable(ConfigError):
    """A value the registry cannot hold (an infinity, an object)."""


def normalise(value: Any, where: str = "") -> Any:
    """``value`` as registry data: dates become ISO text, decimals the value
    their text reads as, tuples lists; anything else that YAML data cannot be
    raises Unwritable."""
    if isinstance(value, str):
        hidden = _HIDDEN.search(value)
        if hidden:
            raise Unwritable(
                f"{where or 'a value'}: U+{ord(hidden.group()):04X} is a control or invisible "
                "character; the registry refuses those"
            )
        return value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unwritable(f"{where or 'a value'}: {value} cannot be written in the registry")
        return value
    if isinstance(value, dt.datetime):
        raise Unwritable(f"{where or 'a value'}: write dates as YYYY-MM-DD, not a time of day")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise Unwritable(f"{where or 'a value'}: {value} cannot be written in the registry")
        return parse_value(str(value))
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise Unwritable(f"{where or 'a mapping'}: keys must be text, not {key!r}")
            out[key] = normalise(item, f"{where}.{key}" if where else key)
        return out
    if isinstance(value, list | tuple):
        return [normalise(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise Unwritable(f"{where or 'a value'}: {type(value).__name__} cannot be written in YAML")


_UNREADABLE: Any = object()


@lru_cache(maxsize=4096)
def _read_plain(text: str, flow: bool) -> Any:
    """What ``text`` written plain reads back as, in that context."""
    source = f"v: [{text}]\n" if flow else f"v: {text}\n"
    doc = yamlsafe.load(source.encode("utf-8"), "")
    if doc.data is None or any(f.severity is Severity.ERROR for f in doc.findings):
        return _UNREADABLE
    value = doc.data.get("v")
    if flow:
        return value[0] if isinstance(value, list) and len(value) == 1 else _UNREADABLE
    return value


def _reads_back(text: str, flow: bool) -> bool:
    """Whether ``text`` written plain reads back, in that context, as itself."""
    return same(_read_plain(text, flow), text)


def plain_ok(text: str, *, flow: bool = False, number_ok: bool = False) -> bool:
    """Whether the text value ``text`` may be written without quotes."""
    if not text or text != text.strip() or "\n" in text or len(text) > 1000:
        return False
    if _CONTROL.search(text) or text[0] in "'\"!&*%@`|>{}[],#?:":
        return False
    if not _reads_back(text, flow):
        return False
    if text in _CORE12_OTHER:
        return False
    number = _CORE12_NUMBER.fullmatch(text) is not None
    tag = _YAML11.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _TIMESTAMP:
        return parse_date(text) is not None
    if tag == _STR and not number:
        return True
    return number_ok and (number or tag in _NUMBERS)


def quoted(text: str) -> str:
    """``text`` in double quotes, with what must be escaped escaped."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _ESCAPES.get(char) or (
            f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        )

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def inline(value: Any, *, flow: bool = False, number_ok: bool = False) -> str:
    """A scalar (text, number, true/false, null) as one line of YAML."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if not math.isfinite(value) or not same(_read_plain(text, flow), value):
            raise Unwritable(f"{value!r} cannot be written so that it reads back the same")
        return text
    if isinstance(value, str):
        return value if plain_ok(value, flow=flow, number_ok=number_ok) else quoted(value)
    raise Unwritable(f"{type(value).__name__} is not a scalar")


def key_text(key: str) -> str:
    """A mapping key as written: plain when it may be, quoted otherwise."""
    return key if plain_ok(key, flow=True) and ":" not in key else quoted(key)


def same(a: Any, b: Any) -> bool:
    """Equality that tells 1, 1.0 and true apart, and mapping order aside."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def parse_value(text: str) -> Any:
    """A ``--set`` value read as the registry reads a value in a file: ``32``
    is a number, ``true`` true, ``2026-01-01`` and ``NO`` text, ``[a, b]`` a
    list. Quotes force text: ``'"32"'`` is the text 32. ``null`` is the value
    null (it removes nothing)."""
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "'\"":
        doc = yamlsafe.load(f"v: {stripped}\n".encode(), "")
        if doc.data is not None and not doc.findings and isinstance(doc.data.get("v"), str):
            return doc.data["v"]
        raise ConfigError(f"cannot read the quoted value {text!r}")
    if stripped[:1] in ("[", "{") and "\n" not in stripped:
        # A flow list or mapping: ``--set tags=[spare, stores]``.
        doc = yamlsafe.load(f"v: {stripped}\n".encode(), "")
        if doc.data is not None and not doc.findings:
            return doc.data.get("v")
        raise ConfigError(f"cannot read {text!r} as a list or mapping")
    if not stripped or "\n" in stripped or stripped[0] in "&*!|>%@`#":
        # Not a scalar YAML would read plain: the text as given.
        return text
    doc = yamlsafe.load(f"v: {stripped}\n".encode(), "")
    if doc.data is None or doc.findings:
        return stripped
    value = doc.data.get("v")
    if isinstance(value, dict | list) or (isinstance(value, str) and value != stripped):
        # ``a #b`` would lose its end to a comment, ``a: b`` become a mapping.
        return stripped
    return value
