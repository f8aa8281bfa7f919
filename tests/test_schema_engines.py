"""The compiled validator decides validity; python-jsonschema explains it.

If the two ever disagreed, an entity could pass unreported (compiled says
valid, Python would not) or fail without a message. Both are run over every
bundled entity and every example case, valid and invalid.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from itam import yamlsafe
from itam.schemas import SchemaSet
from tests.conftest import PROJECT

EXAMPLES = Path(__file__).parent / "examples"


def _documents() -> list[Path]:
    bundled = sorted((PROJECT / "registry").rglob("*.yaml"))
    examples = sorted(EXAMPLES.rglob("*.yaml"))
    return bundled + examples


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return SchemaSet(PROJECT / "schemas", PROJECT)


def test_the_compiled_validator_is_in_use(schemas: SchemaSet) -> None:
    laptop = schemas.kind("laptop")
    assert laptop is not None
    assert laptop.fast is not None


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_both_validators_agree(path: Path, schemas: SchemaSet) -> None:
    doc = yamlsafe.load(path.read_bytes(), path.name)
    if doc.data is None or not isinstance(doc.data.get("kind"), str):
        return
    schema = schemas.kind(doc.data["kind"])
    if schema is None:
        return
    python_valid = schema.validator.is_valid(doc.data)
    assert schema.fast.is_valid(doc.data) == python_valid


def test_they_agree_on_the_cases_that_differ_in_2020_12(schemas: SchemaSet) -> None:
    laptop = schemas.kind("laptop")
    assert laptop is not None
    base = yamlsafe.load(
        (PROJECT / "registry/hardware/laptops/LT-0001.yaml").read_bytes(), "LT-0001.yaml"
    ).data
    assert base is not None
    cases = [
        {**base, "warrenty": {}},  # unevaluatedProperties across allOf
        {**base, "purchase": {**base["purchase"], "date": "2023-02-30"}},  # format: date
        {**base, "purchase": {**base["purchase"], "date": "20230228"}},  # pattern
        {**base, "memory_gb": "32"},  # type
        {**base, "kind": "desktop"},  # const
    ]
    for case in cases:
        assert laptop.validator.is_valid(case) is False
        assert laptop.fast.is_valid(case) is False


# Schemas themselves: jsonschema-rs checks the meta-schema first, fast; what it
# passes must be what python-jsonschema passes, and what either refuses is refused.
_SCHEMA_CASES = [
    ({"type": "object", "properties": {"a": {"pattern": "^[a-z]+$"}}}, True),
    ({"type": 12}, False),
    ({"properties": {"a": {"minLength": -1}}}, False),
    ({"properties": {"a": {"pattern": "(?=a)b"}}}, False),  # a lookahead RE2 cannot run
    ({"patternProperties": {"(a)\\1": {}}}, False),  # a backreference, as a key
    ({"examples": [{"pattern": "(?=a)"}]}, True),  # an example, no keyword: the slow check says so
    ({"$schema": "https://example.invalid/other-draft", "type": "string"}, True),  # never fetched
]


@pytest.mark.parametrize(("contents", "valid"), _SCHEMA_CASES)
def test_schemas_are_checked_alike_on_the_fast_path(
    contents: dict[str, object], valid: bool
) -> None:
    from jsonschema.exceptions import SchemaError

    from itam.schema_regex import SCHEMA_FORMATS, LinearValidator
    from itam.schemas import check_schema

    def slow() -> bool:
        try:
            LinearValidator.check_schema(contents, format_checker=SCHEMA_FORMATS)
        except SchemaError:
            return False
        return True

    def fast() -> bool:
        try:
            check_schema(contents)
        except SchemaError:
            return False
        return True

    assert slow() is valid
    assert fast() is valid
