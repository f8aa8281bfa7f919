"""Stakeholder reports: tables for finance, security, auditors and managers.

Each report is one module whose ``build(evaluation)`` returns a
``itam.reports.model.Table`` of plain values read from the evaluation
(derived values, findings, the policy in force); none computes what the
evaluation already knows. ``itam.reports.render`` turns a table into
markdown, CSV or JSON; HTML comes from the site's templates. ``itam report
NAME`` and the site's report pages both read this table, which is explicit
rather than discovered.

``movements`` compares two evaluations (``movements.build_movements``); its
entry here builds the year to date, reading the start from git.
"""

from __future__ import annotations

from itam.errors import ConfigError
from itam.limits import quote
from itam.reports import (
    audit,
    depreciation,
    disposal,
    eol,
    findings,
    licenses,
    movements,
    refresh,
    warranty,
)
from itam.reports.model import Column, ReportSpec, Table
from itam.suggest import did_you_mean

__all__ = ["REPORTS", "Column", "ReportSpec", "Table", "spec"]

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec("audit", "Audits due and overdue", audit.build),
        ReportSpec("warranty", "Warranties expiring and expired", warranty.build),
        ReportSpec("eol", "End of life", eol.build),
        ReportSpec("disposal", "Disposals pending and done", disposal.build),
        ReportSpec("refresh", "Refresh plan and budget", refresh.build),
        ReportSpec("licenses", "License compliance", licenses.build),
        ReportSpec("depreciation", "Depreciation and book value", depreciation.build),
        ReportSpec("movements", "Fixed-asset movements", movements.year_to_date),
        ReportSpec("findings", "Findings by rule", findings.build),
    )
}


def spec(name: str) -> ReportSpec:
    """The report called ``name``; a ConfigError with a "did you mean" otherwise."""
    found = REPORTS.get(name)
    if found is None:
        hint = did_you_mean(name, REPORTS)
        raise ConfigError(f"no report {quote(name)}{hint}; the reports are {', '.join(REPORTS)}")
    return found
