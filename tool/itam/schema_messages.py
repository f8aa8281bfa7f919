"""Turn jsonschema's errors into findings a person can act on.

jsonschema speaks in schema terms ("Unevaluated properties are not allowed
('warrenty' was unexpected)"); people want the field, the line, and what to
write instead. The raw text of a scalar is at hand, so a value that YAML read
as a number where text belongs can be shown exactly as it was written.

Explaining costs far more than deciding validity, and a file from a pull
request may hold 200,000 unknown fields: so each rule explains its first
``PER_RULE`` problems of an entity and only counts the rest, at most
``MAX_ERRORS`` errors are read, and at most ``MAX_SUGGESTIONS`` "did you mean"
hints are computed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from itam.findings import Finding, Severity
from itam.limits import PER_RULE, quote, shorten, too_many
from itam.pointers import escape
from itam.schemas import WILDCARD, KindSchema, Tokens
from itam.suggest import did_you_mean
from itam.yamlsafe import Document

# The rule of each JSON Schema keyword; any other keyword is schema.invalid.
RULES: dict[str, str] = {
    "required": "schema.required",
    "type": "schema.type",
    "enum": "schema.enum",
    "const": "schema.const",
    "additionalProperties": "schema.unknown-field",
    "unevaluatedProperties": "schema.unknown-field",
    "pattern": "schema.pattern",
    "format": "schema.format",
    "minimum": "schema.minimum",
    "maximum": "schema.maximum",
    "exclusiveMinimum": "schema.exclusive-minimum",
    "exclusiveMaximum": "schema.exclusive-maximum",
    "minLength": "schema.min-length",
    "maxLength": "schema.max-length",
    "minItems": "schema.min-items",
    "maxItems": "schema.max-items",
    "uniqueItems": "schema.unique-items",
    "multipleOf": "schema.multiple-of",
    "minProperties": "schema.min-properties",
    "maxProperties": "schema.max-properties",
    "dependentRequired": "schema.dependent-required",
    "propertyNames": "schema.property-names",
    "contains": "schema.contains",
    "not": "schema.not",
}
KIND = "schema.kind"
"""An entity whose kind has no schema (reported by the judge, before any schema runs)."""
INVALID = "schema.invalid"
RULE_IDS = (
    "schema.required",
    "schema.type",
    "schema.enum",
    "schema.const",
    "schema.unknown-field",
    KIND,
    "schema.pattern",
    "schema.format",
    "schema.minimum",
    "schema.maximum",
    "schema.exclusive-minimum",
    "schema.exclusive-maximum",
    "schema.min-length",
    "schema.max-length",
    "schema.min-items",
    "schema.max-items",
    "schema.unique-items",
    "schema.multiple-of",
    "schema.min-properties",
    "schema.max-properties",
    "schema.dependent-required",
    "schema.property-names",
    "schema.contains",
    "schema.not",
    INVALID,
)
"""Every rule id a schema problem can have (the rule catalogue lists the same)."""

MAX_ERRORS = 1_000
"""python-jsonschema errors read per entity; past them it is "at least N more"."""

MAX_SUGGESTIONS = 20
"""'Did you mean' hints computed per entity (each compares up to 200 names)."""

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
_QUOTED = re.compile(r"'([^']*)'")
_DEPENDENCY = re.compile(r"^'(.*)' is a dependency of '(.*)'$")

Detail = tuple[list[Any], str, str]
"""Path, rule and message of one problem."""


def show(value: Any) -> str:
    """A value as YAML would write it: true, false, null, 'text', 3.5; cut at 200 characters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return quote(value)
    return shorten(repr(value))


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
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = shorten(str(part))
            out += f".{name}" if out else name
    return out or "(top level)"


def pointer_of(path: Any) -> str:
    """The JSON pointer of an error's path."""
    return "".join(f"/{escape(str(part))}" for part in path)


def _tokens_of(path: Any) -> Tokens:
    return tuple(WILDCARD if isinstance(p, int) else str(p) for p in path)


@dataclass(slots=True)
class _Tally:
    """What one entity's explanation has spent: findings per rule, suggestions."""

    per_rule: int
    kept: dict[str, int] = field(default_factory=dict)
    # Per rule beyond the cap: how many, and the path of the first.
    left: dict[str, tuple[int, list[Any]]] = field(default_factory=dict)
    suggestions: int = 0
    stopped: bool = False

    def wants(self, rule: str) -> bool:
        """Whether a problem of ``rule`` would still be shown."""
        return self.kept.get(rule, 0) < self.per_rule

    def keep(self, rule: str) -> None:
        self.kept[rule] = self.kept.get(rule, 0) + 1

    def leave(self, rule: str, path: list[Any], count: int = 1) -> None:
        """Count ``count`` problems of ``rule`` that are not shown, from ``path`` on."""
        before, first = self.left.get(rule, (0, path))
        self.left[rule] = (before + count, first)

    def suggest(self, word: str, choices: Iterable[str]) -> str:
        """``did_you_mean``, while the entity's budget of suggestions lasts."""
        if self.suggestions >= MAX_SUGGESTIONS:
            return ""
        self.suggestions += 1
        return did_you_mean(word, choices)


def schema_findings(
    doc: Document,
    entity_id: str | None,
    data: dict[str, Any],
    schema: KindSchema,
    per_rule: int = PER_RULE,
) -> Iterator[Finding]:
    """Every schema problem of one entity, each at the line of the offending key.

    Each rule shows its first ``per_rule`` problems; the rest of each become
    one ``file.too-many-findings``.
    """
    if schema.fast is not None and schema.fast.is_valid(data):
        return
    tally = _Tally(per_rule)
    seen: set[tuple[str, str, str]] = set()

    def finding(rule: str, path: list[Any], message: str) -> Finding:
        pointer = pointer_of(path)
        line, column = doc.locate(pointer)
        return Finding(
            rule,
            Severity.ERROR,
            message,
            file=doc.file,
            line=line,
            column=column,
            entity=entity_id,
            path=pointer,
        )

    for read, error in enumerate(schema.validator.iter_errors(data)):
        if read == MAX_ERRORS:
            tally.stopped = True
            break
        for path, rule, message in _explain(error, doc, schema, tally):
            if not tally.wants(rule):
                tally.leave(rule, path)
                continue
            # A base schema and a kind schema may both require the same field.
            key = (pointer_of(path), rule, message)
            if key in seen:
                continue
            seen.add(key)
            tally.keep(rule)
            yield finding(rule, path, message)
    for rule, (count, path) in tally.left.items():
        first = finding(rule, path, "")
        yield too_many(rule, count, first, at_least=tally.stopped)
    if not tally.kept and not tally.left and schema.fast is not None:
        yield from _compiled_findings(data, schema, per_rule, finding)


def _compiled_findings(
    data: dict[str, Any],
    schema: KindSchema,
    limit: int,
    finding: Callable[[str, list[Any], str], Finding],
) -> Iterator[Finding]:
    """jsonschema-rs's own errors, for the rare value the two engines judge apart.

    Neither engine is told the other's verdict, so an entity the compiled
    validator rejects is never passed without a finding.
    """
    shown = 0
    for error in schema.fast.iter_errors(data):
        path = list(error.instance_path)
        rule = RULES.get(error.kind.name, INVALID)
        if rule == RULES["unevaluatedProperties"]:
            # As above: a declared field that fails is not also an unknown one.
            known = schema.properties.get(_tokens_of(path), set())
            details = [
                ([*path, key], f"unknown field {quote(key)}")
                for key in error.kind.unexpected
                if key not in known
            ]
        else:
            details = [(path, f"{field_name(path)}: {shorten(error.message)}")]
        for where, message in details:
            yield finding(rule, where, message)
            shown += 1
            if shown == limit:
                return


def _explain(
    error: ValidationError, doc: Document, schema: KindSchema, tally: _Tally
) -> Iterator[Detail]:
    if error.context:
        # anyOf/oneOf: show the branch that came closest, not every branch.
        best = best_match(error.context)
        if best is not None:
            yield from _explain(best, doc, schema, tally)
            return
    keyword = str(error.validator)
    path = list(error.absolute_path)
    if len(error.relative_schema_path) > 1 and error.relative_schema_path[-2] == "propertyNames":
        yield path, RULES["propertyNames"], _property_name_message(path, error)
    elif keyword in ("additionalProperties", "unevaluatedProperties"):
        yield from _unknown_fields(error, path, schema, tally)
    else:
        rule = RULES.get(keyword, INVALID)
        if tally.wants(rule):
            yield path, rule, _message(keyword, path, error, doc, tally)
        else:
            # Only counted: explaining it is the cost being bounded.
            tally.leave(rule, path)


def _message(
    keyword: str, path: list[Any], error: ValidationError, doc: Document, tally: _Tally
) -> str:
    name = field_name(path)
    instance = error.instance
    limit = error.validator_value
    if keyword == "required":
        missing = _QUOTED.search(error.message)
        field = missing.group(1) if missing else error.message
        where = f" in {name}" if path else ""
        return f"missing required field '{field}'{where}"
    if keyword == "type":
        pointer = pointer_of(path)
        return _type_message(name, error, doc.raw_text(pointer), doc.was_quoted(pointer))
    if keyword == "enum":
        allowed = [v if isinstance(v, str) else show(v) for v in _listed(limit)]
        hint = tally.suggest(instance, allowed) if isinstance(instance, str) else ""
        shown = shorten(", ".join(allowed), 1_000)
        return f"{name}: {show(instance)} is not one of: {shown}{hint}"
    if keyword == "const":
        return f"{name} must be {show(limit)}, not {show(instance)}"
    if keyword in ("pattern", "format"):
        return f"{name}: {show(instance)}: {_advice(keyword, error)}"
    if keyword in _BOUNDS or keyword in _SIZES:
        return _bound_message(keyword, name, instance, limit)
    if keyword == "uniqueItems":
        repeated = _first_repeat(instance) if isinstance(instance, list) else None
        what = f"{show(repeated)} more than once" if repeated is not None else "an item twice"
        return f"{name} lists {what}; list each item once"
    if keyword == "dependentRequired":
        pair = _DEPENDENCY.match(error.message)
        if pair:
            where = f"{name}: " if path else ""
            return f"{where}'{pair.group(1)}' is required when '{pair.group(2)}' is set"
    if keyword == "contains" and error.message.startswith("Too "):
        return f"{name}: {error.message}"
    if keyword == "contains":
        return f"{name} has no item of the kind it must contain"
    if keyword == "not":
        return f"{name}: {show(instance)} is not allowed here"
    if keyword == "oneOf":
        # With no branch matching, the closest one is explained instead.
        return f"{name}: {show(instance)} matches more than one of the choices; it must match one"
    return f"{name}: {shorten(error.message)}"


def _advice(keyword: str, error: ValidationError) -> str:
    """The schema's ``x-message`` for a pattern or format, or a plain default."""
    advice = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    if isinstance(advice, str):
        return advice
    if keyword == "format" and error.validator_value == "date":
        return "not a date on the calendar; write YYYY-MM-DD"
    if keyword == "format":
        return f"not a valid {error.validator_value}"
    return f"does not match the pattern {quote(str(error.validator_value))}"


def _property_name_message(path: list[Any], error: ValidationError) -> str:
    where = f" in {field_name(path)}" if path else ""
    keyword = str(error.validator)
    reason = _advice(keyword, error) if keyword in ("pattern", "format") else "it is not allowed"
    return f"field name {show(error.instance)}{where}: {reason}"


_BOUNDS = {
    "minimum": "is less than the minimum of",
    "maximum": "is more than the maximum of",
    "exclusiveMinimum": "must be more than",
    "exclusiveMaximum": "must be less than",
    "multipleOf": "is not a multiple of",
}
# What each size keyword counts.
_SIZES = {
    "minLength": "character",
    "maxLength": "character",
    "minItems": "item",
    "maxItems": "item",
    "minProperties": "field",
    "maxProperties": "field",
}


def _bound_message(keyword: str, name: str, instance: Any, limit: Any) -> str:
    if keyword in _BOUNDS:
        return f"{name}: {show(instance)} {_BOUNDS[keyword]} {limit}"
    if keyword == "minLength" and limit == 1:
        return f"{name} is empty; write a value or remove the field"
    noun = _SIZES[keyword]
    size = len(instance) if isinstance(instance, str | list | dict) else 0
    bound = "at least" if keyword.startswith("min") else "at most"
    verb = "needed" if keyword.startswith("min") else "allowed"
    return f"{name} has {_count(size, noun)}; {bound} {_count(limit, noun)} {_be(limit)} {verb}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def _be(number: int) -> str:
    return "is" if number == 1 else "are"


def _first_repeat(items: list[Any]) -> Any:
    seen: set[str] = set()
    for item in items:
        key = json.dumps(item, sort_keys=True, default=str)
        if key in seen:
            return item
        seen.add(key)
    return None


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _type_message(name: str, error: ValidationError, raw: str | None, quoted: bool) -> str:
    expected = error.validator_value
    wanted = [expected] if isinstance(expected, str) else [str(w) for w in _listed(expected)]
    words = " or ".join(_TYPE_NAMES.get(w, w) for w in wanted)
    instance = error.instance
    if instance is None:
        # YAML reads ~, null and nothing at all as "no value".
        if "string" in wanted and raw:
            return (
                f"{name} should be {words}, but YAML reads {raw} as no value; "
                f"write '{raw}' in quotes if it is meant as text, or remove the field"
            )
        return f"{name} has no value; write {words} or remove the field"
    message = f"{name} should be {words}, not {describe(instance)}"
    if "string" in wanted and isinstance(instance, int | float | bool):
        shown = shorten(raw if raw is not None else str(instance))
        message += f"; quote it to keep it as written: '{shown}'"
    elif "boolean" in wanted and isinstance(instance, str) and instance.lower() in _YAML11_BOOLS:
        message += f"; '{instance}' is text here, write true or false"
    elif {"integer", "number"} & set(wanted) and isinstance(instance, str):
        if quoted:
            message += "; write the number without quotes"
        else:
            message += "; write the number alone, in digits, without units or separators"
    return message


def _unknown_fields(
    error: ValidationError, path: list[Any], schema: KindSchema, tally: _Tally
) -> Iterator[Detail]:
    instance = error.instance
    if not isinstance(instance, dict):
        return
    rule = RULES["unevaluatedProperties"]
    known = schema.properties.get(_tokens_of(path), set())
    if not known and isinstance(error.schema, dict):
        known = set(error.schema.get("properties", {}))
    where = f" in {field_name(path)}" if path else ""
    advice = f"; {schema.unknown_hint}" if schema.unknown_hint else ""
    # A field that fails its own subschema is "unevaluated" in 2020-12 too; it
    # has its own finding already, so only truly undeclared names are reported,
    # in the order of the file.
    unknown = [key for key in instance if key not in known]
    for at, key in enumerate(unknown):
        if not tally.wants(rule):
            tally.leave(rule, [*path, key], len(unknown) - at)
            return
        hint = tally.suggest(key, known)
        yield [*path, key], rule, f"unknown field {quote(key)}{where}{hint}{advice}"
