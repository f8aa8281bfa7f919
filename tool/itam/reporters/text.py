"""Plain text for a terminal: one line per finding, then a one-line summary."""

from __future__ import annotations

from itam.findings import Finding, Report


def location(finding: Finding) -> str:
    parts = [finding.file or "(registry)"]
    if finding.line is not None:
        parts.append(str(finding.line))
        if finding.column is not None:
            parts.append(str(finding.column))
    return ":".join(parts)


def summary_line(report: Report) -> str:
    counts = report.summary()
    tally = ", ".join(
        f"{n} {name}{'s' if n != 1 and name != 'info' else ''}" for name, n in counts.items()
    )
    waived = f", {report.waived} waived" if report.waived else ""
    verdict = "FAILED" if report.failed else "ok"
    return (
        f"itam: {verdict}: {report.entities} entities in {report.files} files "
        f"as of {report.as_of}: {tally}{waived}"
    )


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        tag = f"{finding.severity}"
        if finding.waiver is not None:
            tag += f" (waived: {finding.waiver})"
        who = f" ({finding.entity})" if finding.entity else ""
        lines.append(f"{location(finding)}: {tag} [{finding.rule}] {finding.message}{who}")
        if finding.rationale:
            lines.append(f"    why: {finding.rationale}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
