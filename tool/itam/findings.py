"""The one shape every problem takes, from a bad byte to an overdue audit."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from itam.changes import ChangeSet


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


@dataclass(slots=True)
class Report:
    """Everything one run found, ready for a reporter."""

    root: str
    as_of: str
    entities: int
    files: int
    findings: list[Finding] = field(default_factory=list)
    # Set in pull-request mode.
    changes: ChangeSet | None = None

    def summary(self) -> dict[str, int]:
        """Counts per severity of the findings that are not waived."""
        counts = Counter(f.severity for f in self.findings if f.waiver is None)
        return {str(s): counts.get(s, 0) for s in Severity}

    @property
    def on_base(self) -> int:
        """Findings already on the base, on entities the change leaves alone."""
        return sum(1 for f in self.findings if f.change == "base" and f.waiver is None)

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waiver is not None)

    @property
    def failed(self) -> bool:
        return any(f.blocking for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0
