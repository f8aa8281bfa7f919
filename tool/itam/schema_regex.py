"""The patterns of JSON Schemas, matched in linear time whatever the input.

python-jsonschema matches ``pattern`` and ``patternProperties`` with Python's
``re``, which backtracks: a 20 KB value took 33 s against a pattern that
looked harmless, and an organisation's own pattern in
``schemas/extensions.schema.json`` could take forever. Here they are matched
with RE2, which never backtracks, through a validator class of our own
(``LinearValidator``) rather than by patching the library. A pattern RE2
cannot run (lookarounds, backreferences) is refused when the schemas load.

Schemas are written in ECMA-262 syntax (what JSON Schema specifies, and what
jsonschema-rs reads); the few places where RE2 reads it differently are
translated so that both engines agree: ``\\s`` is ECMA's Unicode white space
(RE2's is ASCII), and ``\\uXXXX`` and ``\\cX`` become ``\\x{...}``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import re2  # type: ignore[import-untyped]
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from itam.limits import quote

# ECMA-262 WhiteSpace and LineTerminator, as a character class body.
_ECMA_SPACE = (
    r"\t\n\x{0b}\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}"
    r"\x{3000}\x{feff}"
)
_HEX = frozenset("0123456789abcdefABCDEF")
# Names listed in a message before "and N more".
_LISTED = 10


def _options() -> Any:
    options = re2.Options()
    # Refusals are reported as findings or configuration errors, not logged.
    options.log_errors = False
    # Only whether it matches is asked: no captures lets RE2 use its DFA.
    options.never_capture = True
    return options


_OPTIONS = _options()


def translate(pattern: str) -> str:
    """``pattern`` (ECMA-262 syntax) as RE2 reads the same language."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped, i = _escape(pattern, i + 1, in_class)
            out.append(escaped)
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _escape(pattern: str, at: int, in_class: bool) -> tuple[str, int]:
    """The RE2 form of the escape whose letter is at ``pattern[at]``, and where it ends."""
    letter = pattern[at]
    if letter == "s":
        return (_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]"), at + 1
    if letter == "S" and not in_class:
        return f"[^{_ECMA_SPACE}]", at + 1
    if letter == "u":
        digits = pattern[at + 1 : at + 5]
        if len(digits) == 4 and set(digits) <= _HEX:
            return f"\\x{{{digits}}}", at + 5
        end = pattern.find("}", at)
        if pattern[at + 1 : at + 2] == "{" and end > at + 2 and set(pattern[at + 2 : end]) <= _HEX:
            return f"\\x{{{pattern[at + 2 : end]}}}", end + 1
    if letter == "c" and pattern[at + 1 : at + 2].isascii() and pattern[at + 1 : at + 2].isalpha():
        return f"\\x{{{ord(pattern[at + 1]) % 32:02x}}}", at + 2
    return "\\" + letter, at + 1


@functools.lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    """The RE2 program of an ECMA-262 ``pattern``; ValueError if RE2 cannot run it."""
    try:
        return re2.compile(translate(pattern), _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "not a pattern RE2 can run"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(
            f"{reason}; patterns must run in linear time, so lookarounds, backreferences "
            "and repetitions over 1000 are not supported"
        ) from None


def matches(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches somewhere in ``text`` (JSON Schema's ``pattern``)."""
    return compiled(pattern).search(text) is not None


def is_regex(value: object) -> bool:
    """The ``regex`` format: a pattern RE2 can run."""
    if not isinstance(value, str):
        return True
    try:
        compiled(value)
    except ValueError:
        return False
    return True


def runnable(value: object) -> bool:
    """A pattern RE2 can run (or no pattern at all); ValueError explains one it cannot."""
    return not isinstance(value, str) or compiled(value) is not None


# check_schema() with this refuses a pattern RE2 cannot run, at its place,
# with the reason as the error's cause.
SCHEMA_FORMATS = FormatChecker(formats=())
SCHEMA_FORMATS.checks("regex", raises=ValueError)(runnable)


def _names(names: list[str]) -> str:
    shown = ", ".join(quote(n) for n in names[:_LISTED])
    more = f" and {len(names) - _LISTED:,} more" if len(names) > _LISTED else ""
    verb = "was" if len(names) == 1 else "were"
    return f"{shown}{more} {verb} unexpected"


def _valid(errors: Iterator[ValidationError]) -> bool:
    return next(errors, None) is None


# The keywords below are python-jsonschema's own (jsonschema/_keywords.py),
# with RE2 where they match patterns, and with messages of bounded length.


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{quote(instance)} does not match {quote(pattern)}")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if matches(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _extras(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in properties and not any(matches(p, key) for p in patterns)
    ]


def _additional_properties(
    validator: Any, additional: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    extras = _extras(instance, schema)
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        yield ValidationError(f"Additional properties are not allowed ({_names(sorted(extras))})")


def evaluated_keys(validator: Any, instance: dict[str, Any], schema: Any) -> set[str]:
    """The keys of ``instance`` that ``schema`` evaluates, for ``unevaluatedProperties``.

    python-jsonschema's ``find_evaluated_property_keys_by_schema``, with RE2 for
    ``patternProperties``, and without validating each value against a
    boolean schema (200,000 keys against ``false`` took seconds).
    """
    if not isinstance(schema, dict):
        return set()
    keys: set[str] = set()
    for keyword in ("$ref", "$dynamicRef"):
        reference = schema.get(keyword)
        if isinstance(reference, str):
            resolved = validator._resolver.lookup(reference)
            inner = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
            keys |= evaluated_keys(inner, instance, resolved.contents)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        keys |= properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        subschema = schema.get(keyword)
        if subschema is True:
            keys |= instance.keys()
        elif isinstance(subschema, dict):
            keys |= {k for k, v in instance.items() if _valid(validator.descend(v, subschema))}
    patterns = schema.get("patternProperties")
    if isinstance(patterns, dict):
        keys |= {k for k in instance if any(matches(p, k) for p in patterns)}
    for name, subschema in schema.get("dependentSchemas", {}).items():
        if name in instance:
            keys |= evaluated_keys(validator, instance, subschema)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for subschema in schema.get(keyword, ()):
            if _valid(validator.descend(instance, subschema)):
                keys |= evaluated_keys(validator, instance, subschema)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            keys |= evaluated_keys(validator, instance, schema["if"])
            keys |= evaluated_keys(validator, instance, schema.get("then"))
        else:
            keys |= evaluated_keys(validator, instance, schema.get("else"))
    return keys


def _unevaluated_properties(
    validator: Any, unevaluated: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    evaluated = evaluated_keys(validator, instance, schema)
    rest = [key for key in instance if key not in evaluated]
    if unevaluated is not False:
        rest = [
            key
            for key in rest
            if not _valid(validator.descend(instance[key], unevaluated, path=key, schema_path=key))
        ]
    if not rest:
        return
    if unevaluated is False:
        yield ValidationError(f"Unevaluated properties are not allowed ({_names(sorted(rest))})")
    else:
        yield ValidationError(
            "Unevaluated properties are not valid under the given schema "
            f"({_names(rest)} and invalid)"
        )


# types-jsonschema leaves extend() unannotated.
LinearValidator: Any = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
        "unevaluatedProperties": _unevaluated_properties,
    },
)
"""Draft 2020-12, with every pattern matched by RE2 and messages of bounded length."""
