"""Per-file results as plain JSON values, for the cache.

A cached result must load as exactly what ``analyse`` returned. Entity data
holds only what the safe loader builds (str keys; str, int, finite float,
bool, None, lists and mappings), which JSON keeps exactly: ``bool`` apart from
``int``, floats by their shortest repr. Anything else read back is refused
(the entry is then ignored and the file analysed again).
"""

from __future__ import annotations

import json
from typing import Any

from itam.findings import Finding, Severity

_FIELDS = ("rule", "severity", "message", "file", "line", "column", "entity", "path")
# A final finding also carries what waivers, policies and pull-request mode add.
_FINAL = ("waiver", "rationale", "change")
_SEVERITIES = {s.value: s for s in Severity}


class Unreadable(ValueError):
    """A cached value that is not what this version of the tool writes."""


def encode_finding(finding: Finding) -> list[Any]:
    """The fields ``analyse`` sets (waivers, rationale and marks come later)."""
    return [getattr(finding, name) for name in _FIELDS]


def encode_final(finding: Finding) -> list[Any]:
    """Every field of a finding, as the evaluation reports it."""
    return encode_finding(finding) + [getattr(finding, name) for name in _FINAL]


def decode_final(value: Any) -> Finding:
    if not isinstance(value, list) or len(value) != len(_FIELDS) + len(_FINAL):
        raise Unreadable("a finding is not a list of its fields")
    extra = value[len(_FIELDS) :]
    if any(item is not None and not isinstance(item, str) for item in extra):
        raise Unreadable("a finding's waiver, rationale or mark is not text")
    waiver, rationale, change = extra
    return decode_finding(value[: len(_FIELDS)]).with_(
        waiver=waiver, rationale=rationale, change=change
    )


def decode_finding(value: Any) -> Finding:
    if not isinstance(value, list) or len(value) != len(_FIELDS):
        raise Unreadable("a finding is not a list of its fields")
    rule, severity, message, file, line, column, entity, path = value
    if not (isinstance(rule, str) and isinstance(message, str) and isinstance(path, str)):
        raise Unreadable("a finding's rule, message or path is not text")
    if severity not in _SEVERITIES:
        raise Unreadable(f"unknown severity {severity!r}")
    for text in (file, entity):
        if text is not None and not isinstance(text, str):
            raise Unreadable("a finding's file or entity is not text")
    for number in (line, column):
        if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
            raise Unreadable("a finding's line or column is not a number")
    return Finding(
        rule,
        _SEVERITIES[severity],
        message,
        file=file,
        line=line,
        column=column,
        entity=entity,
        path=path,
    )


def _no_constants(name: str) -> Any:
    raise Unreadable(f"{name} is no value the loader builds")


def decode_json(text: str) -> Any:
    """JSON text to values; JSON has only str keys, and NaN or Infinity
    (which the loader keeps as text) are refused."""
    try:
        return json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        raise Unreadable(str(exc)) from None


def encode_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
