"""JUnit XML, for CI systems that show test results: one test case per finding.

Blocking findings are failures; the rest pass with their message as output,
and waived ones are skipped. A clean run is one passing case.

XML 1.0 cannot hold most control characters, not even as ``&#1;``, nor
surrogates (a byte of a file name that is not UTF-8): ElementTree writes them
as they are and the document does not parse. They are shown as escapes such
as ``\\x01`` instead.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from itam.findings import Finding
from itam.output import escaped
from itam.report import Report
from itam.reporters.text import finding_line

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with the characters XML 1.0 forbids shown as escapes."""
    return escaped(value, _NOT_XML)


def _case(suite: ET.Element, finding: Finding) -> None:
    name = f"{finding.entity or finding.file or 'registry'}: {finding.rule}"
    case = ET.SubElement(
        suite,
        "testcase",
        classname=xml_text(finding.rule),
        name=xml_text(name),
        file=xml_text(finding.file or ""),
        line=str(finding.line or 0),
    )
    if finding.waiver is not None:
        ET.SubElement(case, "skipped", message=xml_text(f"waived: {finding.waiver}"))
    elif finding.blocking:
        failure = ET.SubElement(
            case, "failure", message=xml_text(finding.message), type=xml_text(finding.rule)
        )
        failure.text = xml_text(finding_line(finding))
    else:
        ET.SubElement(case, "system-out").text = xml_text(finding_line(finding))


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
