"""The catalogue of rules: every id the tool can emit is explained, has
examples on disk, and `itam policy list|explain` show it."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from itam import yamlsafe
from itam.checks import CHECKS
from itam.errors import ConfigError
from itam.layout import Layout
from itam.policy.load import load_policy
from itam.policy.model import Policy
from itam.rules import BUILT_IN, BUILT_IN_ORIGIN, RuleInfo, catalogue, lookup
from itam.schemas import SchemaSet
from tests.conftest import PROJECT, Result, copy_registry, run_itam

SOURCE = PROJECT / "tool" / "itam"
EXAMPLES = PROJECT / "tests" / "examples"


def bundled_policy() -> Policy:
    """The policy of the bundled registry, loaded as `itam policy` loads it."""
    layout = Layout.at(PROJECT)
    return load_policy(layout, SchemaSet(layout.schemas, layout.root).kinds)


POLICY = bundled_policy()
CATALOGUE = catalogue(POLICY)
FAMILIES = sorted({rule_id.split(".")[0] for rule_id in CATALOGUE})
RULE_ID = re.compile(rf"(?:{'|'.join(FAMILIES)})\.[a-z0-9]+(?:-[a-z0-9]+)*")
# The start of an id the code completes at run time: "schema." + keyword.
RULE_PREFIX = re.compile(rf"(?:{'|'.join(FAMILIES)})\.[a-z0-9-]*")

# Ids the code builds at run time, and the test below that checks every id
# each one can become.
DYNAMIC = {
    "integrity.unique-": "test_every_unique_namespace_of_the_schemas_is_catalogued",
    "schema.": "test_every_schema_keyword_maps_to_a_catalogued_rule",
}


# -- what the code can emit ----------------------------------------------------------------
def _modules() -> list[tuple[str, ast.AST]]:
    return [
        (path.relative_to(PROJECT).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SOURCE.rglob("*.py"))
    ]


def _built_prefix(node: ast.AST) -> str | None:
    """The constant start of a rule id built at run time: ``f"schema.{x}"``,
    ``"schema." + x``, ``"schema.%s" % x`` or ``"schema.{}".format(x)``."""
    start: ast.AST | None = None
    template = False
    if isinstance(node, ast.JoinedStr) and node.values:
        start = node.values[0]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        start, template = node.left, isinstance(node.op, ast.Mod)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        start, template = (node.func.value, True) if node.func.attr == "format" else (None, False)
    if not (isinstance(start, ast.Constant) and isinstance(start.value, str)):
        return None
    if not template:
        return start.value if RULE_PREFIX.fullmatch(start.value) else None
    match = RULE_PREFIX.match(start.value)
    hole = start.value[match.end() : match.end() + 1] if match else ""
    return match.group() if match and hole in ("%", "{") else None


def _scan() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Rule-id constants and built rule-id prefixes in the code, with where they are."""
    literal: dict[str, list[str]] = {}
    built: dict[str, list[str]] = {}
    for module, tree in _modules():
        for node in ast.walk(tree):
            where = f"{module}:{getattr(node, 'lineno', '?')}"
            prefix = _built_prefix(node)
            if prefix is not None:
                built.setdefault(prefix, []).append(where)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and RULE_ID.fullmatch(node.value)
            ):
                literal.setdefault(node.value, []).append(where)
    return literal, built


def _field_paths() -> set[str]:
    """Every dotted field path of the bundled kinds: ``disposal.date`` reads
    like a rule id but names a field."""
    schemas = SchemaSet(PROJECT / "schemas", PROJECT)
    paths = set()
    for kind in schemas.kinds:
        schema = schemas.kind(kind)
        assert schema is not None
        for tokens, names in schema.properties.items():
            paths |= {".".join((*tokens, name)) for name in names}
    return paths


def _file_name(text: str) -> bool:
    """``entity.html`` names a template, not a rule."""
    return text.rsplit(".", 1)[-1] in {"html", "css", "js", "json", "yaml", "yml", "md", "txt"}


FIELD_PATHS = _field_paths()
LITERAL, BUILT = _scan()


def test_the_scan_finds_rule_ids() -> None:
    # The scan would pass vacuously if it found nothing.
    for rule_id in ("yaml.duplicate-key", "file.symlink", "integrity.reference", "audit.due"):
        assert rule_id in LITERAL, rule_id
    assert "integrity.unique-" in BUILT, BUILT
    assert {"disposal.date", "warranty.end"} <= FIELD_PATHS
    assert not FIELD_PATHS & set(CATALOGUE), "a rule id that is also a field path"


def test_every_rule_id_written_in_the_code_is_catalogued() -> None:
    missing = {
        rule_id: places
        for rule_id, places in LITERAL.items()
        if rule_id not in CATALOGUE and rule_id not in FIELD_PATHS and not _file_name(rule_id)
    }
    assert not missing, f"emitted but not in itam.rules: {missing}"


def test_every_rule_id_built_by_the_code_is_checked() -> None:
    unknown = {prefix: places for prefix, places in BUILT.items() if prefix not in DYNAMIC}
    assert not unknown, (
        f"rule ids built at run time: {unknown}; catalogue what they become and "
        "add a test of it to DYNAMIC"
    )
    for test_name in DYNAMIC.values():
        assert callable(globals().get(test_name)), test_name


def test_every_unique_namespace_of_the_schemas_is_catalogued() -> None:
    namespaces = set()
    for path in sorted((PROJECT / "schemas").rglob("*.schema.json")):
        namespaces |= set(_x_unique(json.loads(path.read_text(encoding="utf-8"))))
    assert {"serial", "asset_tag", "mac"} <= namespaces
    for namespace in namespaces:
        assert f"integrity.unique-{namespace.replace('_', '-')}" in CATALOGUE, namespace


def _x_unique(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        value = node.get("x-unique")
        if value is not None:
            yield from [value] if isinstance(value, str) else value
        for child in node.values():
            yield from _x_unique(child)
    elif isinstance(node, list):
        for child in node:
            yield from _x_unique(child)


# One laptop field per JSON Schema keyword, with a value that breaks it.
PROBES: dict[str, tuple[Any, str]] = {
    "$ref": ({"$ref": "common.schema.json#/$defs/mac"}, "zz"),
    "additionalProperties": (
        {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
        "{a: 1, b: 2}",
    ),
    "allOf": ({"allOf": [{"type": "string"}]}, "1"),
    "anyOf": ({"anyOf": [{"type": "string"}, {"type": "boolean"}]}, "1"),
    "const": ({"const": "x"}, "y"),
    "contains": ({"type": "array", "contains": {"const": "x"}}, "[y]"),
    "dependentRequired": ({"type": "object", "dependentRequired": {"a": ["b"]}}, "{a: 1}"),
    "dependentSchemas": (
        {"type": "object", "dependentSchemas": {"a": {"required": ["b"]}}},
        "{a: 1}",
    ),
    "enum": ({"enum": ["x", "y"]}, "z"),
    "exclusiveMaximum": ({"exclusiveMaximum": 10}, "10"),
    "exclusiveMinimum": ({"exclusiveMinimum": 0}, "0"),
    "false": (False, "1"),
    "format": ({"type": "string", "format": "date"}, "'2023-02-30'"),
    "if": ({"if": {"const": "x"}, "then": {"const": "never"}}, "x"),
    "items": ({"type": "array", "prefixItems": [{"type": "string"}], "items": False}, "[a, b]"),
    "maxItems": ({"maxItems": 1}, "[a, b]"),
    "maxLength": ({"maxLength": 1}, "ab"),
    "maxProperties": ({"maxProperties": 1}, "{a: 1, b: 2}"),
    "maximum": ({"maximum": 1}, "2"),
    "minItems": ({"minItems": 1}, "[]"),
    "minLength": ({"minLength": 2}, "a"),
    "minProperties": ({"minProperties": 1}, "{}"),
    "minimum": ({"minimum": 1}, "0"),
    "multipleOf": ({"multipleOf": 2}, "3"),
    "not": ({"not": {"const": "x"}}, "x"),
    "oneOf": ({"oneOf": [{"type": "string"}, {"minLength": 1}]}, "ab"),
    "pattern": ({"type": "string", "pattern": "^x"}, "y"),
    "patternProperties": (
        {"type": "object", "patternProperties": {"^a": {"type": "string"}}},
        "{a1: 1}",
    ),
    "prefixItems": ({"type": "array", "prefixItems": [{"type": "string"}]}, "[1]"),
    "properties": ({"type": "object", "properties": {"a": {"type": "string"}}}, "{a: 1}"),
    "propertyNames": ({"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}, "{A: 1}"),
    "required": ({"type": "object", "required": ["a"]}, "{}"),
    "type": ({"type": "string"}, "1"),
    "unevaluatedItems": (
        {"type": "array", "prefixItems": [{"type": "string"}], "unevaluatedItems": False},
        "[a, b]",
    ),
    "unevaluatedProperties": (
        {"type": "object", "properties": {"a": {}}, "unevaluatedProperties": False},
        "{a: 1, b: 2}",
    ),
    "uniqueItems": ({"type": "array", "uniqueItems": True}, "[a, a]"),
}
# Keywords that only lead elsewhere; the keyword they lead to is the one reported.
NOT_PROBED = {"$dynamicRef": "resolves like $ref"}


def _probe_field(keyword: str) -> str:
    return "acme_probe_" + re.sub(r"[^a-z0-9]+", "_", keyword.lower()).strip("_")


def test_every_schema_keyword_is_probed() -> None:
    assert set(Draft202012Validator.VALIDATORS) <= set(PROBES) | set(NOT_PROBED)


def test_every_schema_keyword_maps_to_a_catalogued_rule(
    tmp_path: Path, validate: Callable[..., Result]
) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    path = root / "schemas" / "extensions.schema.json"
    extensions = json.loads(path.read_text(encoding="utf-8"))
    fields = extensions["$defs"]["laptop"]["properties"]
    probes = root / "registry" / "examples" / "probes"
    probes.mkdir(parents=True)
    for keyword, (schema, value) in PROBES.items():
        field = _probe_field(keyword)
        fields[field] = schema
        (probes / f"ex-{field.replace('_', '-')}.yaml").write_text(
            f"id: ex-{field.replace('_', '-')}\nkind: laptop\nname: Probe of {keyword}\n"
            f"status: planned\nmodel: lenovo-thinkpad-t14-gen5\n{field}: {value}\n",
            encoding="utf-8",
        )
    path.write_text(json.dumps(extensions), encoding="utf-8")
    findings = validate(root, "--format", "json").json()["findings"]
    emitted: dict[str, set[str]] = {}
    for finding in findings:
        stem = Path(finding["file"] or "").stem
        emitted.setdefault(stem, set()).add(finding["rule"])
    for keyword in PROBES:
        stem = f"ex-{_probe_field(keyword).replace('_', '-')}"
        rules = emitted.get(stem, set())
        assert rules, f"the {keyword} probe produced no finding"
        assert rules <= set(CATALOGUE), (
            f"{keyword}: {sorted(rules - set(CATALOGUE))} not catalogued"
        )


def test_every_rule_of_the_bundled_policies_is_catalogued() -> None:
    # Read straight from the YAML, not through the loader that catalogue() trusts.
    for path in sorted((PROJECT / "policies").glob("*.yaml")):
        doc = yamlsafe.load(path.read_bytes(), f"policies/{path.name}")
        assert doc.data is not None, doc.findings
        for index, body in enumerate(doc.data.get("rules", [])):
            info = CATALOGUE.get(body["id"])
            assert info is not None, body["id"]
            line, _ = doc.locate(f"/rules/{index}")
            assert info.origin == f"policies/{path.name}:{line}"
            assert info.severity == body["severity"]
            assert info.why == body["rationale"] or " ".join(info.why.split()) == " ".join(
                body["rationale"].split()
            )


# -- what the catalogue says ---------------------------------------------------------------
def test_built_in_rules_are_sorted_unique_and_filled_in() -> None:
    ids = [info.id for info in BUILT_IN]
    assert ids == sorted(set(ids))
    for info in BUILT_IN:
        assert info.origin == BUILT_IN_ORIGIN
        assert RULE_ID.fullmatch(info.id), info.id
        for text in (info.summary, info.why, info.passing, info.failing):
            assert text.strip(), info
        assert info.passing != info.failing, info.id
        assert "\n" not in info.summary, info.id
        _check_date(info)


def _check_date(info: RuleInfo) -> None:
    if info.examples_as_of is not None:
        assert dt.date.fromisoformat(info.examples_as_of).isoformat() == info.examples_as_of


def test_the_rules_built_in_and_in_progress_are_catalogued() -> None:
    built_in = {info.id for info in BUILT_IN}
    for rule_id in ("file.too-many-findings", "file.bad-name", "policy.changed", "schema.invalid"):
        assert rule_id in built_in, rule_id
    families = {rule_id.split(".")[0] for rule_id in built_in}
    assert families == {"file", "yaml", "schema", "integrity", "waiver", "policy"}
    # Change rules and the other policy rules are declared in policies/, not built in.
    assert not {i for i in built_in if i.split(".")[0] in ("entity", "history", "lifecycle")}


# Examples that only describe bytes a text cannot show (Latin-1, U+200B).
TOLD_NOT_SHOWN = {"yaml.encoding", "yaml.invisible-character"}
YAML_RULES = [i for i in BUILT_IN if i.id.startswith("yaml.") and i.id not in TOLD_NOT_SHOWN]


@pytest.mark.parametrize("info", YAML_RULES, ids=[info.id for info in YAML_RULES])
def test_yaml_examples_do_what_they_say(info: RuleInfo) -> None:
    failing = yamlsafe.load(info.failing.encode("utf-8"), "failing.yaml")
    assert info.id in {f.rule for f in failing.findings}, failing.findings
    passing = yamlsafe.load(info.passing.encode("utf-8"), "passing.yaml")
    assert passing.findings == [], passing.findings


CHECK_ITEMS = sorted(CHECKS.items())


@pytest.mark.parametrize(("name", "check"), CHECK_ITEMS, ids=[name for name, _ in CHECK_ITEMS])
def test_every_check_documents_itself(name: str, check: Any) -> None:
    assert check.name == name
    assert check.__doc__, name
    assert len(check.__doc__.split()) >= 8, name
    assert check.summary.strip(), name
    assert check.good_example.strip(), name
    assert check.bad_example.strip(), name
    if check.examples_as_of is not None:
        assert dt.date.fromisoformat(check.examples_as_of)


def test_dated_examples_say_their_date() -> None:
    # audit.overdue's passing example is overdue by 2026-12-01.
    assert CATALOGUE["audit.overdue"].examples_as_of == "2026-11-22"
    assert CATALOGUE["waiver.expired"].examples_as_of is not None
    assert CATALOGUE["yaml.duplicate-key"].examples_as_of is None


def test_policy_rules_take_their_declaration() -> None:
    rule = POLICY.rule("security.mobile-managed")
    assert rule is not None
    info = CATALOGUE["security.mobile-managed"]
    assert info.severity == rule.severity
    assert info.why == rule.rationale
    assert info.summary == rule.params["message"]
    assert info.passing == CHECKS["conditional"].good_example


def test_catalogue_without_a_policy_is_the_built_in_rules() -> None:
    assert list(catalogue(None)) == [info.id for info in BUILT_IN]
    assert list(CATALOGUE) == sorted(CATALOGUE)
    assert {rule.id for rule in POLICY.rules} <= set(CATALOGUE)


def test_lookup_suggests_the_closest_rule() -> None:
    assert lookup("yaml.duplicate-key", None).severity == "error"
    with pytest.raises(ConfigError, match=r"did you mean 'integrity\.reference'"):
        lookup("integrity.referenc", POLICY)
    with pytest.raises(ConfigError, match=r"did you mean 'audit\.overdue'"):
        lookup("audit.overdu", POLICY)


# -- examples on disk ----------------------------------------------------------------------
@pytest.mark.parametrize("rule_id", sorted(CATALOGUE))
def test_every_catalogued_rule_has_a_failing_example(rule_id: str) -> None:
    cases = sorted((EXAMPLES / rule_id / "fail").glob("*"))
    assert cases, f"tests/examples/{rule_id}/fail/ has no case"


# -- itam policy explain | list -------------------------------------------------------------
@pytest.mark.parametrize("rule_id", sorted(CATALOGUE))
def test_explain_every_catalogued_rule(rule_id: str) -> None:
    result = run_itam("policy", "explain", rule_id, "--root", PROJECT)
    assert result.exit_code == 0, str(result)
    info = CATALOGUE[rule_id]
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{rule_id}  ("), first
    assert info.severity in first
    assert info.origin in first
    out = result.stdout
    assert "Passes:" in out
    assert "Fails:" in out
    assert out.index("Passes:") < out.index(info.passing.splitlines()[0]) < out.index("Fails:")
    assert out.index("Fails:") < out.rindex(info.failing.splitlines()[0])
    assert " ".join(info.why.split()) in " ".join(out.split())
    if info.examples_as_of is not None:
        assert f"as of {info.examples_as_of}" in out
    else:
        assert "Examples as of" not in out


def test_explain_a_built_in_rule() -> None:
    out = run_itam("policy", "explain", "yaml.duplicate-key", "--root", PROJECT).stdout
    assert out.startswith("yaml.duplicate-key  (error; built-in)")
    assert "serial: PF4K7M2Q\n  serial: PF4K7M2R" in out
    # A finding on no entity cannot be waived, and explain does not pretend it can.
    assert "waived" not in out


def test_explain_dated_examples() -> None:
    out = run_itam("policy", "explain", "audit.overdue", "--root", PROJECT).stdout
    assert "as of 2026-11-22" in out
    assert out.index("as of 2026-11-22") < out.index("Passes:")


def test_explain_an_unknown_rule_suggests_a_built_in_one() -> None:
    result = run_itam("policy", "explain", "yaml.duplicate-keys", "--root", PROJECT)
    assert result.exit_code == 2, str(result)
    assert "did you mean 'yaml.duplicate-key'" in result.stderr
    assert result.stdout == ""


def _sections(stdout: str) -> tuple[list[str], list[str]]:
    lines = stdout.splitlines()
    [built_in_at] = [n for n, line in enumerate(lines) if line.startswith("Built-in rules")]
    [declared_at] = [n for n, line in enumerate(lines) if line.startswith("Rules of policies/")]
    return lines[built_in_at + 1 : declared_at], lines[declared_at + 1 :]


def test_policy_list_groups_built_in_rules_before_policy_rules() -> None:
    result = run_itam("policy", "list", "--root", PROJECT)
    assert result.exit_code == 0, str(result)
    built_in, declared = _sections(result.stdout)
    listed_built_in = [line.split()[0] for line in built_in if line.startswith("  ")]
    assert listed_built_in == [info.id for info in BUILT_IN]
    for family in ("yaml", "schema", "integrity", "waiver", "file"):
        assert any(rule_id.startswith(f"{family}.") for rule_id in listed_built_in), family
    for info in BUILT_IN:
        [line] = [x for x in built_in if x.split()[:1] == [info.id]]
        assert info.severity in line
        assert info.summary in line
    listed_declared = [line.split()[0] for line in declared if re.match(r"[a-z]", line)]
    assert listed_declared == sorted(rule.id for rule in POLICY.rules)
    assert f"{len(BUILT_IN)} built-in rules and {len(POLICY.rules)} rules" in result.stdout
