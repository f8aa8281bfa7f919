"""GitHub Actions workflow commands: annotations on the file and line.

Values are escaped as the runner expects (``%``, CR and LF in messages; also
``:`` and ``,`` in properties), so a message from a YAML file cannot end the
command early or forge another one. Other control characters (a terminal
escape sequence would restyle the log) and surrogates (a byte of a file name
that is not UTF-8) are shown as escapes such as ``\\x1b``.

GitHub shows at most 10 annotations of each level per step (50 per job), so
the findings that block this change come first, at most ten per level become
annotations, and the rest are listed in a collapsed group with a count.
"""

from __future__ import annotations

import re
from collections import Counter

from itam.findings import Finding, Severity
from itam.output import escaped
from itam.report import Report
from itam.reporters.order import by_priority
from itam.reporters.text import finding_line, summary_line

ANNOTATIONS_PER_LEVEL = 10
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# CR and LF are kept: the runner's own escapes make them line breaks of a message.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def escape_data(value: str) -> str:
    value = escaped(value, _UNPRINTABLE)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def level(finding: Finding) -> str:
    if finding.waiver is not None or finding.change == "base":
        return "notice"
    return _LEVEL[finding.severity]


def annotation(finding: Finding) -> str:
    props = []
    if finding.file is not None:
        props.append(f"file={escape_property(finding.file)}")
        if finding.line is not None:
            props.append(f"line={finding.line}")
            if finding.column is not None:
                props.append(f"col={finding.column}")
    title = finding.rule if finding.entity is None else f"{finding.rule} ({finding.entity})"
    props.append(f"title={escape_property(title)}")
    message = finding.message
    if finding.waiver is not None:
        message = f"waived ({finding.waiver}): {message}"
    elif finding.change == "base":
        message = f"already on the base branch, not blocking: {message}"
    if finding.rationale:
        message += f"\nWhy: {finding.rationale}"
    return f"::{level(finding)} {','.join(props)}::{escape_data(message)}"


def render(report: Report) -> str:
    shown: Counter[str] = Counter()
    lines, rest = [], []
    for finding in by_priority(report.findings):
        kind = level(finding)
        if shown[kind] < ANNOTATIONS_PER_LEVEL:
            shown[kind] += 1
            lines.append(annotation(finding))
        else:
            rest.append(finding)
    if rest:
        lines.append(
            f"::group::{len(rest)} more findings (GitHub shows {ANNOTATIONS_PER_LEVEL} "
            "annotations of each level per step)"
        )
        lines.extend(escape_data(finding_line(f)) for f in rest)
        lines.append("::endgroup::")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
