"""A Markdown job summary for a pull request ($GITHUB_STEP_SUMMARY).

GitHub renders HTML inside Markdown, so every value from the registry is
HTML-escaped, and table cells also escape ``|`` and line breaks. Other
control characters and surrogates (a byte of a file name that is not UTF-8)
are shown as escapes such as ``\\x1b``, as in the text report.
"""

from __future__ import annotations

import html

from itam.findings import Finding
from itam.report import Report
from itam.reporters.order import by_priority
from itam.reporters.text import clean


def cell(value: object) -> str:
    text = html.escape(str(value), quote=False)
    text = text.replace("|", "\\|").replace("\r", " ").replace("\n", " ").replace("`", "&#96;")
    return clean(text)


def _table(findings: list[Finding]) -> list[str]:
    lines = ["| | Rule | Entity | Where | Finding |", "|---|---|---|---|---|"]
    icons = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}  # noqa: RUF001 - emoji, not letters
    for f in findings:
        where = f.file or ""
        if f.line is not None:
            where += f":{f.line}"
        lines.append(
            f"| {icons[str(f.severity)]} {cell(f.severity)} | `{cell(f.rule)}` | "
            f"{cell(f.entity or '')} | {cell(where)} | {cell(f.message)} |"
        )
    return lines


def render(report: Report) -> str:
    counts = report.summary()
    verdict = "❌ blocked" if report.failed else "✅ passes"
    out = [
        f"## itam validate: {verdict}",
        "",
        f"{report.entities} entities in {report.files} files, as of {report.as_of}"
        + (f", compared with `{report.base[:12]}`" if report.base else "")
        + f": {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info.",
    ]
    ordered = by_priority(report.findings)
    current = [f for f in ordered if f.change != "base" and f.waiver is None]
    earlier = [f for f in ordered if f.change == "base" and f.waiver is None]
    waived = [f for f in ordered if f.waiver is not None]
    heading = "Findings of this change" if report.compared else "Findings"
    out += ["", f"### {heading}", ""]
    out += _table(current) if current else ["None."]
    rule_changes = [f for f in ordered if f.rule == "policy.changed"]
    if rule_changes:
        # Above the transitions: an edit of the rules changes how everything
        # else here was judged, and needs the rule owners' review.
        out += ["", "### Changes to the rules", ""]
        out += [f"- ⚠️ `{cell(f.file or '')}`: {cell(f.message)}" for f in rule_changes]
    if report.compared:
        out += ["", "### Transitions", ""]
        out += [
            f"- `{cell(t.entity)}` {cell(t.old or '(new)')} → {cell(t.new or '(none)')}"
            for t in report.transitions
        ] or ["No status changes."]
    if earlier:
        out += [
            "",
            f"<details><summary>{len(earlier)} already on the base (not blocking)</summary>",
            "",
            *_table(earlier),
            "",
            "</details>",
        ]
    if waived:
        out += ["", f"<details><summary>{len(waived)} waived</summary>", ""]
        out += [f"- `{cell(f.rule)}` {cell(f.entity or '')}: {cell(f.waiver)}" for f in waived]
        out += ["", "</details>"]
    return "\n".join(out) + "\n"
