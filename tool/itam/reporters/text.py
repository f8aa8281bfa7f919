"""Plain text for a terminal: one line per finding, then a one-line summary.

In pull-request mode, findings already on the base that do not block are
listed after the others, under their own heading.
"""

from __future__ import annotations

import re

from itam.findings import Finding
from itam.output import escaped
from itam.report import Report

# A line break or escape sequence from an entity must not split a line of the
# report or move the terminal's cursor; a surrogate (a byte of a file name
# that is not UTF-8) cannot be printed at all.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` with control characters and surrogates shown as escapes (\\n, \\x1b, \\xff)."""
    return escaped(text, _CONTROL)


def location(finding: Finding) -> str:
    parts = [clean(finding.file or "(registry)")]
    if finding.line is not None:
        parts.append(str(finding.line))
        if finding.column is not None:
            parts.append(str(finding.column))
    return ":".join(parts)


def finding_line(finding: Finding) -> str:
    tag = f"{finding.severity}"
    if finding.waiver is not None:
        tag += f" (waived: {clean(finding.waiver)})"
    who = f" ({clean(finding.entity)})" if finding.entity else ""
    return f"{location(finding)}: {tag} [{clean(finding.rule)}] {clean(finding.message)}{who}"


def summary_line(report: Report) -> str:
    counts = report.summary()
    tally = ", ".join(
        f"{n} {name}{'s' if n != 1 and name != 'info' else ''}" for name, n in counts.items()
    )
    extras = ""
    if report.on_base:
        extras += f", {report.on_base} already on the base (not blocking)"
    if report.waived:
        extras += f", {report.waived} waived"
    verdict = "FAILED" if report.failed else "ok"
    return (
        f"itam: {verdict}: {report.entities} entities in {report.files} files "
        f"as of {report.as_of}: {tally}{extras}"
    )


def render(report: Report) -> str:
    lines = []
    current = [f for f in report.findings if f.change != "base"]
    earlier = [f for f in report.findings if f.change == "base"]
    for finding in current:
        lines.append(finding_line(finding))
        if finding.rationale:
            lines.append(f"    why: {clean(finding.rationale)}")
    if earlier:
        lines.append("already on the base, on entities this change does not touch (not blocking):")
        lines.extend(f"  {finding_line(f)}" for f in earlier)
    for t in report.transitions:
        lines.append(
            f"transition: {clean(t.entity)} {clean(t.old or '(none)')} → {clean(t.new or '(none)')}"
        )
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
