"""The home page's figures, each defined once, in words a finance director can check.

* **Audit compliance**: of the entities an ``audit.overdue`` rule applies to
  (the policy's audited kinds and states), the share without an
  ``audit.overdue`` finding. A waived finding still counts as overdue: the
  waiver excuses the delay, it does not make the audit happen.
* **Warranty coverage**, **past end of life**, **pending disposal** and
  **book value** are the reports' own figures, read from their rows so that
  the home page and the report it links to never disagree: the coverage
  section of the warranty report (the hardware in service, and how much of it
  is under warranty), the ``Past end of life`` section of the eol report, the
  ``Pending disposal`` section of the disposal report, and the per-currency
  totals of the depreciation report (amounts in different currencies never
  add up).

Derived values and findings are read from the evaluation, never recomputed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from itam.evaluation import Evaluation
from itam.findings import Severity
from itam.policy.model import STATE_CLASSES
from itam.reports import depreciation, disposal, eol, warranty
from itam.reports.model import Table
from itam.reports.scope import covered
from itam.sitegen.charts import Bar, Chart, bar_chart, donut
from itam.sitegen.filters import money, percent
from itam.sitegen.inventory import Row
from itam.sitegen.labels import humanise
from itam.sitegen.locations import Locations
from itam.sitegen.pages import Count, HomeView, Metric, Money, ReportLink, Ring

AUDIT_RULE = "audit.overdue"
TOP_LOCATIONS = 10
TOP_RULES = 8

_CLASS_TONES = {
    "pending": "muted",
    "deployable": "accent",
    "deployed": "good",
    "undeployable": "warn",
    "archived": "neutral",
}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def audit_compliance(evaluation: Evaluation) -> tuple[int, int]:
    """(not overdue, audited): see the module docstring."""
    audited = covered(evaluation, (AUDIT_RULE,))
    overdue_ids = {
        f.entity
        for rule in evaluation.policy.rules
        if rule.check == AUDIT_RULE
        for f in evaluation.by_rule.get(rule.id, [])
        if f.entity is not None
    }
    entities = [e for e in evaluation.catalog if id(e) in audited]
    overdue = sum(1 for e in entities if e.id in overdue_ids)
    return len(entities) - overdue, len(entities)


def warranty_coverage(tables: Mapping[str, Table]) -> tuple[int, int]:
    """(under warranty, hardware in service): the warranty report's coverage row."""
    (row,) = tables["warranty"].section(warranty.COVERAGE)
    return row["covered"], row["in_service"]


def book_values(tables: Mapping[str, Table]) -> tuple[Money, ...]:
    """The book value on the books per currency: the depreciation report's totals."""
    return tuple(
        Money(row["currency"] or "(no currency)", money(row["book_value"]), row["count"] or 0)
        for row in tables["depreciation"].section(depreciation.TOTAL)
        if row["book_value"] is not None
    )


def home_view(
    evaluation: Evaluation,
    rows: Sequence[Row],
    locations: Locations,
    reports: Sequence[ReportLink],
    tables: Mapping[str, Table],
) -> HomeView:
    """The dashboard's context; ``tables`` are the reports by name, already built."""
    not_overdue, audited = audit_compliance(evaluation)
    under_warranty, in_service = warranty_coverage(tables)
    past_eol = len(tables["eol"].section(eol.PAST))
    pending = len(tables["disposal"].section(disposal.PENDING))
    open_findings = Counter(f.severity for f in evaluation.findings if f.waiver is None)
    waived = sum(1 for f in evaluation.findings if f.waiver is not None)
    audit_share = _share(not_overdue, audited)
    warranty_share = _share(under_warranty, in_service)
    metrics = (
        Metric(
            "entities",
            "Entities",
            f"{len(rows):,}",
            f"{sum(1 for r in rows if r.status):,} with a lifecycle state",
            "neutral",
            "inventory/index.html",
        ),
        Metric(
            "past-eol",
            "Past end of life",
            f"{past_eol:,}",
            "in service or in stock",
            "bad" if past_eol else "good",
            "reports/eol.html",
        ),
        Metric(
            "pending-disposal",
            "Pending disposal",
            f"{pending:,}",
            "retired, waiting to leave",
            "warn" if pending else "good",
            "reports/disposal.html",
        ),
        Metric(
            "errors",
            "Open errors",
            f"{open_findings[Severity.ERROR]:,}",
            f"{open_findings[Severity.WARNING]:,} warnings, {waived:,} waived",
            "bad" if open_findings[Severity.ERROR] else "good",
            "reports/findings.html",
        ),
    )
    audit_caption = (
        f"{not_overdue:,} of {audited:,} audited assets are not overdue ({percent(audit_share)})."
        if audited
        else "No asset falls under an audit rule."
    )
    warranty_caption = (
        f"{under_warranty:,} of {in_service:,} hardware assets in service are under warranty "
        f"({percent(warranty_share)})."
        if in_service
        else "No hardware is in service."
    )
    rings = (
        Ring(
            "ring-audit",
            "Audit compliance",
            donut("ring-audit", "Audit compliance", audit_share, audit_caption, _tone(audit_share)),
            audit_caption,
            "reports/audit.html",
        ),
        Ring(
            "ring-warranty",
            "Warranty coverage",
            donut(
                "ring-warranty",
                "Warranty coverage",
                warranty_share,
                warranty_caption,
                _tone(warranty_share),
            ),
            warranty_caption,
            "reports/warranty.html",
        ),
    )
    return HomeView(
        metrics=metrics,
        rings=rings,
        charts=(
            _by_kind(rows),
            _by_class(rows),
            _by_site(rows, locations),
        ),
        by_status=tuple(
            Count(status, count, f"inventory/index.html?status={quote(status)}")
            for status, count in sorted(
                Counter(r.status for r in rows if r.status).items(), key=lambda i: (-i[1], i[0])
            )
        ),
        book_values=book_values(tables),
        findings=tuple(
            Count(word if open_findings[severity] == 1 else words, open_findings[severity])
            for severity, word, words in (
                (Severity.ERROR, "error", "errors"),
                (Severity.WARNING, "warning", "warnings"),
                (Severity.INFO, "info finding", "info findings"),
            )
        ),
        top_rules=_top_rules(evaluation),
        reports=tuple(reports),
    )


def _tone(share: float | None) -> str:
    if share is None:
        return "muted"
    return "good" if share >= 0.95 else ("warn" if share >= 0.8 else "bad")


def _sorted_counts(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _by_kind(rows: Sequence[Row]) -> Chart:
    counts = Counter(r.kind_label or "Unknown kind" for r in rows)
    bars = [Bar(label, count) for label, count in _sorted_counts(counts)]
    top = bars[0] if bars else None
    caption = (
        f"{len(rows):,} entities of {len(bars)} kinds; the most are {top.label.lower()} "
        f"({top.value:,})."
        if top
        else "The registry holds no entities."
    )
    return bar_chart("chart-kind", "Entities by kind", bars, caption, "Kind")


def _by_class(rows: Sequence[Row]) -> Chart:
    counts = Counter(r.state_class for r in rows if r.state_class)
    bars = [
        Bar(humanise(c), counts[c], _CLASS_TONES.get(c, "accent"))
        for c in STATE_CLASSES
        if counts[c]
    ]
    bars += [Bar(humanise(c), n) for c, n in _sorted_counts(counts) if c not in STATE_CLASSES]
    parts = ", ".join(f"{b.value:,} {b.label.lower()}" for b in bars)
    caption = (
        f"Entities with a lifecycle state by class: {parts}."
        if bars
        else ("No entity has a lifecycle state.")
    )
    return bar_chart("chart-class", "Lifecycle state classes", bars, caption, "State class")


def _by_site(rows: Sequence[Row], locations: Locations) -> Chart:
    counts = Counter(locations.site(r.location.id) for r in rows if r.location)
    ranked = _sorted_counts(counts)
    bars = [Bar(locations.name(site), count) for site, count in ranked[:TOP_LOCATIONS]]
    rest = sum(count for _, count in ranked[TOP_LOCATIONS:])
    if rest:
        bars.append(Bar(f"{len(ranked) - TOP_LOCATIONS} other sites", rest, "muted"))
    located = sum(counts.values())
    caption = (
        f"{located:,} entities with a location, at {len(ranked)} sites (each site with "
        "everything inside it)."
        if ranked
        else "No entity records a location."
    )
    return bar_chart("chart-site", "Entities by site", bars, caption, "Site")


def _top_rules(evaluation: Evaluation) -> tuple[Count, ...]:
    counts = Counter(f.rule for f in evaluation.findings if f.waiver is None)
    return tuple(
        Count(rule, count, f"rules.html#rule-{rule}")
        for rule, count in _sorted_counts(counts)[:TOP_RULES]
    )
