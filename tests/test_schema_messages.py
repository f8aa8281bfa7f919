"""Schema findings: a fixed table of rule ids, and messages a person can act on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from itam import yamlsafe
from itam.findings import Finding
from itam.schema_messages import INVALID, RULE_IDS, RULES, schema_findings
from itam.schemas import KindSchema, SchemaSet, standalone
from tests.conftest import PROJECT
from tests.hostile_inputs import FIXTURES, GENERATED

HEAD = ("id: LT-9", "kind: laptop", "name: Test laptop", "status: in-stock", "model: m-1")


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return SchemaSet(PROJECT / "schemas", PROJECT)


def explain(schema: KindSchema, *lines: str, head: tuple[str, ...] = HEAD) -> list[Finding]:
    text = "\n".join((*head, *lines)) + "\n"
    doc = yamlsafe.load(text.encode(), "registry/LT-9.yaml")
    assert doc.data is not None, doc.findings
    return list(schema_findings(doc, "LT-9", doc.data, schema))


def laptop(schemas: SchemaSet, *lines: str) -> list[Finding]:
    schema = schemas.kind("laptop")
    assert schema is not None
    return explain(schema, *lines)


def only(findings: list[Finding], path: str) -> Finding:
    [found] = [f for f in findings if f.path == path]
    return found


# -- the rule table -------------------------------------------------------------


def test_the_rule_ids_are_a_fixed_list() -> None:
    assert RULE_IDS == (
        "schema.required",
        "schema.type",
        "schema.enum",
        "schema.const",
        "schema.unknown-field",
        "schema.kind",
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
        "schema.invalid",
    )
    assert set(RULES.values()) | {"schema.kind", INVALID} == set(RULE_IDS)


@pytest.mark.parametrize(
    ("schema", "value", "rule"),
    [
        ({"items": False, "prefixItems": [{}]}, [1, 2], "schema.invalid"),
        ({"oneOf": [{}, {}]}, 1, "schema.invalid"),
        ({"not": {"type": "integer"}}, 1, "schema.not"),
        ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"Bad": 1}, "schema.property-names"),
        ({"maxLength": 2}, "abc", "schema.max-length"),
        ({"exclusiveMinimum": 0}, 0, "schema.exclusive-minimum"),
        ({"uniqueItems": True}, ["a", "a"], "schema.unique-items"),
        ({"dependentRequired": {"a": ["b"]}}, {"a": 1}, "schema.dependent-required"),
        ({"contains": {"const": 1}}, [2], "schema.contains"),
        ({"minProperties": 2}, {"a": 1}, "schema.min-properties"),
        ({"multipleOf": 5}, 7, "schema.multiple-of"),
    ],
)
def test_each_keyword_has_its_rule(schema: dict[str, Any], value: Any, rule: str) -> None:
    compiled = standalone({"properties": {"v": schema}}, "test", "test.json")
    head = ("v: " + json.dumps(value),)
    [found] = explain(compiled, head=head)
    assert found.rule == rule
    assert found.rule in RULE_IDS
    assert found.path == "/v"


# -- messages -------------------------------------------------------------------


def test_a_quoted_number_is_told_to_lose_its_quotes(schemas: SchemaSet) -> None:
    found = only(laptop(schemas, "memory_gb: '32'"), "/memory_gb")
    assert found.message == (
        "memory_gb should be a whole number, not text; write the number without quotes"
    )


def test_a_number_with_a_unit_is_not_told_about_quotes(schemas: SchemaSet) -> None:
    found = only(laptop(schemas, "memory_gb: 32GB"), "/memory_gb")
    assert "quotes" not in found.message
    assert "in digits, without units" in found.message


@pytest.mark.parametrize("written", ["~", "null"])
def test_a_null_in_a_text_field_says_to_quote_or_remove_it(
    schemas: SchemaSet, written: str
) -> None:
    found = only(laptop(schemas, f"cpu: {written}"), "/cpu")
    assert found.rule == "schema.type"
    assert f"YAML reads {written} as no value" in found.message
    assert f"write '{written}' in quotes if it is meant as text, or remove the field" in (
        found.message
    )


def test_an_empty_field_says_to_fill_or_remove_it(schemas: SchemaSet) -> None:
    found = only(laptop(schemas, "cpu:"), "/cpu")
    assert found.message == "cpu has no value; write text or remove the field"


def test_a_number_where_text_belongs_is_shown_as_written(schemas: SchemaSet) -> None:
    found = only(laptop(schemas, "os:", "  name: macOS", "  version: 12.5"), "/os/version")
    assert found.message.endswith("quote it to keep it as written: '12.5'")


def test_a_decimal_a_number_would_rewrite_is_text_already(schemas: SchemaSet) -> None:
    # 10.10 stays "10.10" (the loader keeps it as written): nothing to report.
    assert laptop(schemas, "os:", "  name: macOS", "  version: 10.10") == []


def test_values_in_messages_are_cut_at_200_characters(schemas: SchemaSet) -> None:
    found = laptop(schemas, "asset_tag: '" + "#" * 5_000 + "'")
    assert {f.rule for f in found} == {"schema.pattern", "schema.max-length"}
    for item in found:
        assert len(item.message) < 600, item.message
    pattern = only([f for f in found if f.rule == "schema.pattern"], "/asset_tag")
    assert "'" + "#" * 200 + "'… (5,000 characters)" in pattern.message
    length = only([f for f in found if f.rule == "schema.max-length"], "/asset_tag")
    assert length.message == "asset_tag has 5,000 characters; at most 32 characters are allowed"


def test_a_huge_unknown_key_is_cut_in_its_message(schemas: SchemaSet) -> None:
    found = laptop(schemas, "? " + "k" * 3_000, ": 1")
    [unknown] = [f for f in found if f.rule == "schema.unknown-field"]
    assert "… (3,000 characters)" in unknown.message
    assert len(unknown.message) < 600


def test_a_repeated_tag_is_named(schemas: SchemaSet) -> None:
    found = only(laptop(schemas, "tags: [spare, loaner, spare]"), "/tags")
    assert found.message == "tags lists 'spare' more than once; list each item once"


def test_a_website_that_is_no_uri_is_reported(schemas: SchemaSet) -> None:
    # Before, jsonschema-rs checked "uri" and python-jsonschema did not: the
    # vendor was invalid and nothing said why.
    schema = schemas.kind("vendor")
    assert schema is not None
    head = ("id: acme", "kind: vendor", "name: Acme")
    found = explain(schema, "website: https://www.acme example.com", head=head)
    assert [(f.rule, f.path) for f in found] == [("schema.format", "/website")]
    assert found[0].message.endswith("write the address as a full URL, e.g. https://www.dell.com")


def test_an_entity_the_engines_judge_apart_still_gets_a_finding(tmp_path: Path) -> None:
    # Inside a class, \\S stays RE2's ASCII one: a no-break space is not white
    # space to RE2 but is to jsonschema-rs.
    shutil.copytree(PROJECT / "schemas", tmp_path / "schemas")
    path = tmp_path / "schemas" / "extensions.schema.json"
    extensions = json.loads(path.read_text(encoding="utf-8"))
    extensions["$defs"]["laptop"]["properties"]["acme_code"] = {"pattern": "^[\\S]+$"}
    path.write_text(json.dumps(extensions), encoding="utf-8")
    schema = SchemaSet(tmp_path / "schemas", tmp_path).kind("laptop")
    assert schema is not None

    found = explain(schema, "acme_code: 'a\u00a0b'")

    assert [(f.rule, f.path, f.line) for f in found] == [("schema.pattern", "/acme_code", 6)]


# -- loader messages ----------------------------------------------------------------


def test_a_tab_used_for_indentation_says_so() -> None:
    source = (FIXTURES / "tabs-indentation.yaml").read_bytes()
    [found] = yamlsafe.load(source, "tabs.yaml").findings
    assert found.rule == "yaml.syntax"
    assert found.message.startswith("a tab is used for indentation")
    assert "spaces" in found.message


def test_other_syntax_errors_keep_libyaml_words() -> None:
    [found] = yamlsafe.load(b"a: [1, 2\n", "bad.yaml").findings
    assert "tab" not in found.message


def test_a_too_large_file_says_the_cap_and_what_to_do() -> None:
    [found] = yamlsafe.load(GENERATED["too-large.yaml"], "big.yaml").findings
    assert found.rule == "file.too-large"
    assert "1 MiB" in found.message
    assert "split it into one file per entity" in found.message
    assert "not an asset file" in found.message


def test_quoted_scalars_are_known_as_quoted() -> None:
    doc = yamlsafe.load(b"a: '1'\nb: \"2\"\nc: 3\n", "q.yaml")
    assert [doc.was_quoted(p) for p in ("/a", "/b", "/c", "/missing")] == [
        True,
        True,
        False,
        False,
    ]
