"""GitHub Actions workflow commands: annotations on the file and line.

Values are escaped as the runner expects (``%``, CR and LF in messages; also
``:`` and ``,`` in properties), so a message from a YAML file cannot end the
command early or forge another one.
"""

from __future__ import annotations

from itam.findings import Finding, Report, Severity
from itam.reporters.text import summary_line

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    level = "notice" if finding.waiver is not None else _LEVEL[finding.severity]
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
    if finding.rationale:
        message += f"\nWhy: {finding.rationale}"
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def render(report: Report) -> str:
    lines = [annotation(f) for f in report.findings]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
