"""A configuration file read safely and checked against its own schema.

Policies, reference data and endoflife.date product files are read the same
way: the safe loader, then a standalone schema. The first problem stops the
run (exit 2) with its file and line, since rules would judge by the file.
"""

from __future__ import annotations

from typing import Any

from itam import yamlsafe
from itam.errors import ConfigError
from itam.findings import Severity
from itam.schema_messages import schema_findings
from itam.schemas import KindSchema


class EmptyFile(ConfigError):
    """The file holds no document (comments only): a policy file may, since
    it then declares nothing; anywhere else it is an error like any other."""


def load_checked(
    source: bytes, rel: str, schema: KindSchema
) -> tuple[yamlsafe.Document, dict[str, Any]]:
    """The document of ``source`` and its data, valid against ``schema``;
    ConfigError with the first problem's line otherwise."""
    doc = yamlsafe.load(source, rel)
    problems = [f for f in doc.findings if f.severity is Severity.ERROR]
    if problems or doc.data is None:
        first = problems[0]
        empty = [p.rule for p in problems] == ["yaml.empty"]
        raise (EmptyFile if empty else ConfigError)(first.message, rel, first.line)
    errors = sorted(schema_findings(doc, None, doc.data, schema), key=lambda f: f.line or 0)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(errors[0].message + more, rel, errors[0].line)
    return doc, doc.data
