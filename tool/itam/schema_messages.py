"""Turn jsonschema's errors into findings a person can act on.

jsonschema speaks in schema terms ("Unevaluated properties are not allowed
('warrenty' was unexpected)"); people want the field, the line, and what to
write instead. The raw text of a scalar is at hand, so a value that YAML read
as a number where text belongs can be shown exactly as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from itam.findings import Finding, Severity
from itam.pointers import escape
from itam.schemas import WILDCARD, KindSchema, Tokens
from itam.suggest import did_you_mean
from itam.yamlsafe import Document

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of fields",
    "array": "a list",
    "null": "empty",
}
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_UNKNOWN = re.compile(r"'([^']*)'")


def show(value: Any) -> str:
    """A value as YAML would write it: true, false, null, 'text', 3.5."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value)


def describe(value: Any) -> str:
    """A value's type in words."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty"


def field_name(path: Any) -> str:
    """``purchase.cost.amount`` or ``audits[2].date`` for an error's path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def pointer_of(path: Any) -> str:
    return "".join(f"/{escape(str(part))}" for part in path)


def _tokens_of(path: Any) -> Tokens:
    return tuple(WILDCARD if isinstance(p, int) else str(p) for p in path)


def schema_findings(
    doc: Document, entity_id: str | None, data: dict[str, Any], schema: KindSchema
) -> Iterator[Finding]:
    """Every schema problem of one entity, each at the line of the offending key."""
    if schema.fast is not None and schema.fast.is_valid(data):
        return
    seen: set[tuple[str, str, str]] = set()
    for error in schema.validator.iter_errors(data):
        for detail in _explain(error, doc, schema):
            path, rule, message = detail
            # A base schema and a kind schema may both require the same field.
            if (pointer_of(path), rule, message) in seen:
                continue
            seen.add((pointer_of(path), rule, message))
            pointer = pointer_of(path)
            line, column = doc.locate(pointer)
            yield Finding(
                rule,
                Severity.ERROR,
                message,
                file=doc.file,
                line=line,
                column=column,
                entity=entity_id,
                path=pointer,
            )


def _explain(
    error: ValidationError, doc: Document, schema: KindSchema
) -> Iterator[tuple[list[Any], str, str]]:
    if error.context:
        # anyOf/oneOf: show the branch that came closest, not every branch.
        best = best_match(error.context)
        if best is not None:
            yield from _explain(best, doc, schema)
            return
    keyword = str(error.validator)
    path = list(error.absolute_path)
    name = field_name(path)
    instance = error.instance
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        yield from _unknown_fields(error, path, schema)
    elif keyword == "required":
        missing = _UNKNOWN.search(error.message)
        field = missing.group(1) if missing else error.message
        where = "" if not path else f" in {name}"
        yield path, "schema.required", f"missing required field '{field}'{where}"
    elif keyword == "type":
        raw = doc.raw_text(pointer_of(path))
        yield path, "schema.type", _type_message(name, error, raw)
    elif keyword == "enum":
        allowed = [v if isinstance(v, str) else show(v) for v in _listed(error.validator_value)]
        hint = did_you_mean(str(instance), allowed)
        shown = ", ".join(allowed)
        yield path, "schema.enum", f"{name}: {show(instance)} is not one of: {shown}{hint}"
    elif keyword == "const":
        expected = show(error.validator_value)
        yield path, "schema.const", f"{name} must be {expected}, not {show(instance)}"
    elif keyword in ("pattern", "format"):
        advice = error.schema.get("x-message") if isinstance(error.schema, dict) else None
        if keyword == "format" and error.validator_value == "date" and advice is None:
            advice = "not a date on the calendar; write YYYY-MM-DD"
        detail = advice or error.message
        yield path, f"schema.{keyword}", f"{name}: {show(instance)}: {detail}"
    else:
        rule = "schema." + re.sub(r"(?<!^)(?=[A-Z])", "-", keyword).lower()
        yield path, rule, f"{name}: {error.message}"


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _type_message(name: str, error: ValidationError, raw: str | None) -> str:
    expected = error.validator_value
    wanted = [expected] if isinstance(expected, str) else [str(w) for w in _listed(expected)]
    words = " or ".join(_TYPE_NAMES.get(w, w) for w in wanted)
    instance = error.instance
    message = f"{name} should be {words}, not {describe(instance)}"
    if "string" in wanted and isinstance(instance, int | float | bool):
        shown = raw if raw is not None else str(instance)
        message += f"; quote it to keep it as written: '{shown}'"
    elif "boolean" in wanted and isinstance(instance, str) and instance.lower() in _YAML11_BOOLS:
        message += f"; '{instance}' is text here, write true or false"
    elif {"integer", "number"} & set(wanted) and isinstance(instance, str):
        message += "; write the number without quotes"
    return message


def _unknown_fields(
    error: ValidationError, path: list[Any], schema: KindSchema
) -> Iterator[tuple[list[Any], str, str]]:
    instance = error.instance
    if not isinstance(instance, dict):
        return
    known = schema.properties.get(_tokens_of(path), set())
    if not known and isinstance(error.schema, dict):
        known = set(error.schema.get("properties", {}))
    # A field that fails its own subschema is "unevaluated" in 2020-12 too; it
    # has its own finding already, so only truly undeclared names are reported.
    for key in sorted(k for k in instance if k not in known):
        hint = did_you_mean(key, known)
        where = f" in {field_name(path)}" if path else ""
        advice = f"; {schema.unknown_hint}" if schema.unknown_hint else ""
        yield [*path, key], "schema.unknown-field", f"unknown field '{key}'{where}{hint}{advice}"
