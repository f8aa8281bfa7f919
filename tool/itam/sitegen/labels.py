"""Words for what the registry writes as keys: kinds, fields, severities, states."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from itam.findings import Finding, Severity
from itam.sitegen.pages import Badge

# Written in capitals where a key holds an abbreviation.
_WORDS = {
    "id": "ID",
    "os": "OS",
    "cpu": "CPU",
    "gb": "GB",
    "tb": "TB",
    "mac": "MAC",
    "ip": "IP",
    "url": "URL",
    "mdm": "MDM",
    "eol": "EOL",
    "po": "PO",
    "saas": "SaaS",
    "sla": "SLA",
    "vat": "VAT",
    "ups": "UPS",
}

SEVERITY_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}
SEVERITY_WORDS = {3: "error", 2: "warning", 1: "info", 0: "none"}


@lru_cache(maxsize=4096)  # the same few dozen keys and kinds on every page and row
def humanise(key: str) -> str:
    """``mac_addresses`` → ``MAC addresses``, ``network-device`` → ``Network device``."""
    words = key.replace("_", " ").replace("-", " ").split()
    if not words:
        return key
    shown = [_WORDS.get(w.lower(), w) for w in words]
    first = shown[0]
    if first == words[0]:
        first = first[:1].upper() + first[1:]
    return " ".join([first, *shown[1:]])


def severity_badge(severity: Severity | str, waived: bool = False) -> Badge:
    text = str(severity).capitalize()
    if waived:
        return Badge(f"{text} (waived)", "waived")
    return Badge(text, str(severity))


def worst(findings: Iterable[Finding]) -> int:
    """The rank of the worst unwaived finding: 3 error, 2 warning, 1 info, 0 none."""
    return max((SEVERITY_RANK[f.severity] for f in findings if f.waiver is None), default=0)


def summary_badge(findings: list[Finding]) -> Badge:
    """One label for an entity: its worst unwaived finding and how many it has."""
    open_findings = [f for f in findings if f.waiver is None]
    rank = worst(open_findings)
    if rank == 0:
        return Badge("No open findings", "ok")
    count = sum(1 for f in open_findings if SEVERITY_RANK[f.severity] == rank)
    word = SEVERITY_WORDS[rank]
    return Badge(f"{count} {word}{'' if count == 1 else 's'}", word)


def state_badge(status: str, state_class: str | None) -> Badge:
    return Badge(status, f"state-{state_class or 'unknown'}")
