"""The generic rule: when an entity matches one JSON Schema, it must match another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from itam.checks.base import Check
from itam.errors import ConfigError
from itam.findings import Finding
from itam.schema_messages import schema_findings
from itam.schemas import KindSchema, standalone

if TYPE_CHECKING:
    from itam.policy.context import Context
    from itam.policy.model import Rule


class Conditional(Check):
    """For each selected entity that matches the ``if`` schema (or every
    selected entity when there is none), the ``then`` schema must hold. Both
    are JSON Schema fragments; ``message`` says what the rule wants in words.
    Use it for plain structural demands: "deployed laptops are encrypted and
    enrolled in device management", "critical servers name a support
    contract". Relative dates and counts belong in named checks."""

    name = "conditional"
    summary = "if an entity matches one schema, it must match another"
    params: ClassVar[dict[str, Any]] = {
        "if": {
            "type": "object",
            "default": {},
            "description": "JSON Schema the entity must match first (empty: every entity).",
        },
        "then": {"type": "object", "description": "JSON Schema it must then match."},
        "message": {"type": "string", "description": "What the rule asks for, in words."},
    }
    required_params = ("then", "message")
    good_example = (
        "kind: laptop\nstatus: deployed\nencryption: {enabled: true}\nmdm: {enrolled: true}"
    )
    bad_example = "kind: laptop\nstatus: deployed\nencryption: {enabled: false}"

    def __init__(self, params: dict[str, Any]) -> None:
        self.message = str(params["message"])
        self.when = _compile(params["if"], "if") if params.get("if") else None
        self.then = _compile(params["then"], "then")

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            if self.when is not None and not self.when.validator.is_valid(entity.data):
                continue
            for problem in schema_findings(entity.doc, entity.id, entity.data, self.then):
                yield ctx.finding(rule, entity, problem.path, f"{self.message}: {problem.message}")


def _compile(schema: dict[str, Any], name: str) -> KindSchema:
    try:
        Draft202012Validator.check_schema(schema)
        return standalone(schema, name, "policies")
    except SchemaError as exc:
        inner = "".join(f"/{p}" for p in exc.absolute_path)
        raise ConfigError(
            f"{name}: not a valid JSON Schema: {exc.message}", pointer=f"/{name}{inner}"
        ) from None
    except ValueError as exc:
        raise ConfigError(f"{name}: not a valid JSON Schema: {exc}") from None
