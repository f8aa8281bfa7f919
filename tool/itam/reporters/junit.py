"""JUnit XML, for CI systems that show test results: one test case per finding.

Blocking findings are failures; the rest pass with their message as output,
and waived ones are skipped. A clean run is one passing case.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from itam.findings import Finding, Report
from itam.reporters.text import finding_line


def _case(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=finding.rule,
        name=f"{finding.entity or finding.file or 'registry'}: {finding.rule}",
        file=finding.file or "",
        line=str(finding.line or 0),
    )
    if finding.waiver is not None:
        ET.SubElement(case, "skipped", message=f"waived: {finding.waiver}")
    elif finding.blocking:
        failure = ET.SubElement(case, "failure", message=finding.message, type=finding.rule)
        failure.text = finding_line(finding)
    else:
        ET.SubElement(case, "system-out").text = finding_line(finding)


def render(report: Report) -> str:
    findings = report.findings
    failures = sum(1 for f in findings if f.blocking)
    skipped = sum(1 for f in findings if f.waiver is not None)
    total = max(len(findings), 1)
    root = ET.Element("testsuites", name="itam", tests=str(total), failures=str(failures))
    suite = ET.SubElement(
        root,
        "testsuite",
        name="itam validate",
        tests=str(total),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        timestamp=f"{report.as_of}T00:00:00",
    )
    for finding in findings:
        _case(suite, finding)
    if not findings:
        ET.SubElement(suite, "testcase", classname="itam", name="registry is valid")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
