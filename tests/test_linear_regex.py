"""No pattern can make a run backtrack: the bundled ones are written so that
even Python's ``re`` runs them in linear time, and every pattern, an
organisation's own included, is matched by RE2 (explaining) and by the regex
crate (deciding validity), which never backtrack."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from itam import yamlsafe
from itam.errors import ConfigError
from itam.findings import Finding
from itam.schema_regex import LinearValidator, compiled, matches, translate
from itam.schemas import SchemaSet, fast_validator, standalone
from tests.conftest import PROJECT

BUNDLED = [
    *sorted(PROJECT.glob("schemas/**/*.schema.json")),
    *sorted(PROJECT.glob("tool/itam/policy/*.json")),
]
LENGTH = 10_000
BOUND = 0.050


def bundled_patterns() -> list[str]:
    """Every ``pattern`` and ``patternProperties`` key of every bundled schema."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.add(value)
                if key == "patternProperties" and isinstance(value, dict):
                    found.update(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in BUNDLED:
        walk(json.loads(path.read_text(encoding="utf-8")))
    return sorted(found)


def adversarial(pattern: str) -> Iterator[str]:
    """Long strings that pump one or two characters the pattern is about, then
    fail at the end: what makes a backtracking engine try every split."""
    chars = sorted(set(pattern) | set("aA0 .:-@"))
    units = chars + ["".join(pair) for pair in itertools.product(chars, repeat=2)]
    for unit in units:
        body = unit * (LENGTH // len(unit))
        for prefix in ("", "a@", "1.", "a:"):
            for suffix in ("!", "\n"):
                yield prefix + body + suffix


def slowest(search: Callable[[str], object], pattern: str) -> tuple[float, str]:
    """The longest a match took on the adversarial strings.

    A slow one is timed again and its best time kept: a busy machine can stall
    one match, a backtracking pattern is slow every time.
    """
    worst = (0.0, "")
    for text in adversarial(pattern):
        took = _time(search, text)
        if took > BOUND:
            took = min(_time(search, text) for _ in range(5))
        worst = max(worst, (took, text[:12] + "…" + repr(text[-3:])))
    return worst


def _time(search: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    search(text)
    return time.perf_counter() - start


def test_the_scan_finds_the_bundled_patterns() -> None:
    patterns = bundled_patterns()
    assert len(patterns) >= 15
    assert any("@" in p for p in patterns)


@pytest.mark.parametrize("pattern", bundled_patterns())
def test_bundled_patterns_do_not_backtrack_even_in_python_re(pattern: str) -> None:
    took, text = slowest(re.compile(pattern).search, pattern)
    assert took < BOUND, f"{pattern} took {took * 1000:.0f} ms on {text}"


@pytest.mark.parametrize("pattern", bundled_patterns())
def test_bundled_patterns_are_linear_in_re2(pattern: str) -> None:
    took, text = slowest(compiled(pattern).search, pattern)
    assert took < BOUND, f"{pattern} took {took * 1000:.0f} ms on {text}"


def test_the_old_ip_and_email_patterns_were_the_ones_that_backtracked() -> None:
    # What the test above guards against, measured on the patterns it replaced.
    old_ip = r"^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$"
    old_email = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    for pattern, text in ((old_ip, ":" * 3_000 + "!"), (old_email, "a@" + "a." * 3_000 + "@")):
        assert _time(re.compile(pattern).search, text) > BOUND, pattern
        # RE2 runs even these in linear time.
        assert _time(compiled(pattern).search, text * 300) < BOUND * 10, pattern


def test_the_new_patterns_accept_and_refuse_what_the_old_ones_did() -> None:
    common = json.loads((PROJECT / "schemas/common.schema.json").read_text(encoding="utf-8"))
    ip = re.compile(common["$defs"]["ip_address"]["pattern"])
    email = re.compile(common["$defs"]["email"]["pattern"])
    for good in (
        "10.20.0.11",
        "10.20.0.0/16",
        "2001:db8::11",
        "::1",
        "::ffff:10.0.0.1",
        "fe80::/64",
    ):
        assert ip.search(good), good
    for bad in ("10.20.0", "host.example.com", "2001:db8::g", "1.2.3.4/", ""):
        assert not ip.search(bad), bad
    for good in ("it-support@example.com", "a.b+c@mail.example.co.uk"):
        assert email.search(good), good
    for bad in ("it-support", "a@b", "a@b..c", "a@.b.c", "a b@c.d", "a@b@c.d", "a@b.c."):
        assert not email.search(bad), bad


# -- the engines --------------------------------------------------------------------


def test_linear_validator_explains_a_catastrophic_pattern_at_once() -> None:
    validator = LinearValidator({"type": "string", "pattern": "^(a+)+$"})
    start = time.perf_counter()
    [error] = validator.iter_errors("a" * 50_000 + "!")
    assert time.perf_counter() - start < 1
    assert error.validator == "pattern"
    assert len(error.message) < 600


def test_pattern_properties_are_matched_with_re2_everywhere() -> None:
    # patternProperties is read by three keywords in python-jsonschema.
    hostile = "^(a|a)+$"
    key = "a" * 40 + "!"
    schemas: list[dict[str, Any]] = [
        {"patternProperties": {hostile: {"type": "integer"}}},
        {"patternProperties": {hostile: {}}, "additionalProperties": False},
        {"allOf": [{"patternProperties": {hostile: {}}}], "unevaluatedProperties": False},
    ]
    for schema in schemas:
        start = time.perf_counter()
        errors = list(LinearValidator(schema).iter_errors({key: "x", "aaa": "x"}))
        assert time.perf_counter() - start < 1, schema
        assert errors, schema


def test_unevaluated_properties_see_pattern_properties_of_every_branch() -> None:
    schema = {
        "allOf": [{"patternProperties": {"^acme_": {"type": "string"}}}],
        "properties": {"id": {}},
        "unevaluatedProperties": False,
    }
    validator = LinearValidator(schema)
    assert validator.is_valid({"id": 1, "acme_cost": "x"})
    [error] = validator.iter_errors({"id": 1, "acme_cost": "x", "other": 1})
    assert "'other'" in error.message
    # As in python-jsonschema: a field that fails its branch is unevaluated too.
    errors = validator.iter_errors({"id": 1, "acme_cost": 3})
    assert sorted(e.validator for e in errors) == ["type", "unevaluatedProperties"]


def test_the_keywords_agree_with_python_jsonschema_on_ordinary_schemas() -> None:
    schema = {
        "allOf": [
            {"patternProperties": {"^acme_": {"type": "string"}}},
            {"if": {"required": ["a"]}, "then": {"properties": {"b": {}}}, "else": {}},
            {"dependentSchemas": {"c": {"properties": {"d": {}}}}},
        ],
        "properties": {
            "id": {},
            "nested": {"properties": {"x": {}}, "additionalProperties": False},
        },
        "patternProperties": {"^n[0-9]+$": {"type": "integer"}},
        "unevaluatedProperties": False,
    }
    instances: list[dict[str, Any]] = [
        {"id": 1, "acme_x": "x", "n1": 1},
        {"id": 1, "acme_x": 2, "n1": "x", "zz": 1},
        {"a": 1, "b": 2},
        {"b": 2},
        {"c": 1, "d": 2},
        {"d": 2},
        {"nested": {"x": 1, "y": 2}},
    ]
    ours, theirs = LinearValidator(schema), Draft202012Validator(schema)
    for instance in instances:
        found = sorted(str(e.validator) for e in ours.iter_errors(instance))
        assert found == sorted(str(e.validator) for e in theirs.iter_errors(instance)), instance


def test_the_message_of_many_unexpected_fields_is_short() -> None:
    validator = LinearValidator({"properties": {}, "unevaluatedProperties": False})
    [error] = validator.iter_errors({f"k{i}": i for i in range(100_000)})
    assert "and 99,990 more were unexpected" in error.message
    assert len(error.message) < 300


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"^\s$", "\u00a0", True),  # ECMA's white space is Unicode's; RE2's is ASCII
        (r"^\s$", "\u2003", True),
        (r"^\s$", "\x0b", True),
        (r"^\S$", "\u00a0", False),
        (r"^[^@\s]+$", "a\u00a0b", False),
        (r"^\u0041$", "A", True),
        (r"^\u{1F600}$", "\U0001f600", True),
        (r"^\cJ$", "\n", True),
        (r"^\d$", "\u0663", False),  # ECMA's \d is ASCII, as RE2's
        (r"^a$", "a\n", False),  # $ is the end, not before a final line break as in re
        (r"^\/$", "/", True),
    ],
)
def test_re2_reads_ecma_patterns_as_jsonschema_rs_does(
    pattern: str, text: str, expected: bool
) -> None:
    fast = jsonschema_rs.validator_for(
        {"pattern": pattern}, pattern_options=jsonschema_rs.RegexOptions()
    )
    assert fast.is_valid(text) is expected
    assert matches(pattern, text) is expected


def test_white_space_is_the_same_in_both_engines_for_every_character() -> None:
    fast = jsonschema_rs.validator_for({"pattern": r"^\s$"})
    differ = [
        hex(point)
        for point in (*range(0xD800), *range(0xE000, 0x10000))
        if fast.is_valid(chr(point)) != matches(r"^\s$", chr(point))
    ]
    assert differ == []


def test_translation_leaves_ordinary_patterns_alone() -> None:
    for pattern in bundled_patterns():
        if "\\s" not in pattern and "\\S" not in pattern:
            assert translate(pattern) == pattern


@pytest.mark.parametrize("pattern", ["^(?=a)", r"^(\w)\1$", "^(?<!a)b", "^a{2000}$"])
def test_patterns_that_cannot_run_in_linear_time_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="linear time"):
        compiled(pattern)
    with pytest.raises(SchemaError):
        standalone({"type": "string", "pattern": pattern}, "policy", "policies/rules.yaml")


def test_jsonschema_rs_runs_the_linear_regex_engine(tmp_path: Path) -> None:
    # fancy-regex, its default, accepts lookarounds and backtracks on them;
    # the regex crate refuses them.
    assert jsonschema_rs.validator_for({"pattern": "^(?=a)"}).is_valid("a")
    with pytest.raises(ValueError, match="regex"):
        fast_validator({"pattern": "^(?=a)"}, None)
    schemas = _schemas_with_extension(
        tmp_path, {"acme_code": {"type": "string", "pattern": "^(a|aa)+$"}}
    )
    laptop = schemas.kind("laptop")
    assert laptop is not None
    entity = {"id": "LT-1", "kind": "laptop", "name": "L", "acme_code": "a" * 100_000 + "!"}
    start = time.perf_counter()
    assert not laptop.fast.is_valid(entity)
    assert time.perf_counter() - start < 1


def _schemas_with_extension(
    root: Path, properties: dict[str, Any], files: dict[str, Any] | None = None
) -> SchemaSet:
    """The bundled schemas, with ``properties`` declared for laptops and
    further schema ``files`` (by name) beside them."""
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    for name, contents in (files or {}).items():
        (root / "schemas" / name).write_text(json.dumps(contents), encoding="utf-8")
    path = root / "schemas" / "extensions.schema.json"
    extensions = json.loads(path.read_text(encoding="utf-8"))
    extensions["$defs"]["laptop"]["properties"].update(properties)
    path.write_text(json.dumps(extensions), encoding="utf-8")
    return SchemaSet(root / "schemas", root)


def test_a_lookahead_in_the_extensions_is_refused_at_its_place(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _schemas_with_extension(tmp_path, {"acme_code": {"type": "string", "pattern": "^(?=x)"}})
    error = caught.value
    assert error.file == "schemas/extensions.schema.json"
    assert "'^(?=x)'" in error.message
    assert "$defs/laptop/properties/acme_code/pattern" in error.message
    assert "linear time" in error.message


def _acme_code_findings(schemas: SchemaSet, value: str, within: float) -> list[Finding]:
    """The findings on a laptop whose ``acme_code`` is ``value``, made within ``within`` s."""
    from itam.schema_messages import schema_findings

    laptop = schemas.kind("laptop")
    assert laptop is not None
    source = b"id: LT-1\nkind: laptop\nname: L\nacme_code: " + value.encode() + b"\n"
    doc = yamlsafe.load(source, "registry/LT-1.yaml")
    assert doc.data is not None
    start = time.perf_counter()
    found = list(schema_findings(doc, "LT-1", doc.data, laptop))
    assert time.perf_counter() - start < within
    return [f for f in found if f.path == "/acme_code"]


def test_a_catastrophic_pattern_in_the_extensions_is_explained_at_once(tmp_path: Path) -> None:
    schemas = _schemas_with_extension(
        tmp_path,
        {"acme_code": {"type": "string", "pattern": "^(a+)+$", "x-message": "write a's"}},
    )
    [code] = _acme_code_findings(schemas, "a" * 5_000 + "!", within=2)
    assert (code.rule, code.line) == ("schema.pattern", 4)
    assert code.message.endswith("write a's")


def test_a_pattern_in_a_whole_schema_file_a_ref_names_is_matched_with_re2(tmp_path: Path) -> None:
    # A $ref to a whole file that declares "$schema" once made python-jsonschema
    # switch to its stock validator class, and Python's re, below that file.
    acme = {"$schema": "https://json-schema.org/draft/2020-12/schema", "pattern": "^(a+)+$"}
    schemas = _schemas_with_extension(
        tmp_path, {"acme_code": {"$ref": "acme.schema.json"}}, {"acme.schema.json": acme}
    )
    # 2**26 ways to split the a's: seconds for a backtracking engine.
    [code] = _acme_code_findings(schemas, "a" * 26 + "!", within=1)
    assert (code.rule, code.line) == ("schema.pattern", 4)
