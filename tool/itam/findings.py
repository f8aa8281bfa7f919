"""The one shape every problem takes, from a bad byte to an overdue audit."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any


class Severity(enum.StrEnum):
    """How much a finding matters: only errors fail a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found in the registry.

    ``file`` is relative to the registry root (POSIX separators), ``line`` and
    ``column`` are 1-based, ``path`` is a JSON pointer into the entity ("" for
    the whole entity or file).
    """

    rule: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    entity: str | None = None
    path: str = ""
    # Set when a waiver in policies/waivers.yaml covers the finding.
    waiver: str | None = None
    # The policy rule's one-line rationale, shown next to its findings.
    rationale: str | None = None
    # In pull-request mode: "new" (the change introduced it), "touched" (it was
    # on the base already, on an entity the change touches) or "base" (on the
    # base already, on an untouched entity: the nightly run owns it).
    change: str | None = None

    @property
    def blocking(self) -> bool:
        """Whether this finding fails the run."""
        return self.severity is Severity.ERROR and self.waiver is None and self.change != "base"

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.rule,
            self.entity or "",
            self.message,
        )

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Deterministic order: by file, place, rule, then message."""
    return sorted(findings, key=Finding.sort_key)
