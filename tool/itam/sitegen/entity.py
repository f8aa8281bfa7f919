"""An entity page's context: its fields, derived dates, findings, references and history.

Everything shown comes from the evaluation (derived values and findings are
read, never recomputed), the reference graph and the git history. Nested
data becomes readable shapes (a mapping becomes a list of labelled values, a
list of flat mappings such as audits becomes a small table); references
become links to the entities they name, and an http(s) URL a link out;
anything else stays text, escaped by the template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from itam.derive import Derived
from itam.entities import Entity
from itam.evaluation import Evaluation
from itam.findings import Finding
from itam.history import Change
from itam.reports.scope import check_of, covered
from itam.rules import RuleInfo
from itam.sitegen.fieldhtml import fields_html
from itam.sitegen.filters import NOTHING, money
from itam.sitegen.labels import SEVERITY_RANK, humanise, severity_badge, state_badge, summary_badge
from itam.sitegen.pages import (
    EntityView,
    Fact,
    FindingView,
    HistoryRow,
    LinkGroup,
    Ref,
)
from itam.sitegen.references import References
from itam.support import Support

RefFor = Callable[[str], Ref]
"""How a page names an entity by id (label and page), shared by every page."""


def entity_view(
    evaluation: Evaluation,
    entity: Entity,
    references: References,
    history: list[Change],
    history_note: str,
    rules: Mapping[str, RuleInfo],
    ref_for: RefFor,
    audited: Collection[int],
) -> EntityView:
    """The context of ``entities/<id>.html``; ``audited`` are the entities (by
    ``id()``) an audit rule applies to (``audited_entities``)."""
    entity_id = entity.id or ""
    state = evaluation.context.state(entity)
    status = entity.get("status")
    findings = evaluation.findings_of(entity_id)
    links = references.outgoing(entity)
    by_pointer = {link.pointer: ref_for(link.target) for link in links}
    claims = evaluation.catalog.claims.get(entity_id, [])
    return EntityView(
        id=entity_id,
        name=_text(entity.get("name")) or entity_id,
        kind=humanise(entity.kind) if entity.kind else "Unknown kind",
        status=state_badge(status, state.state_class if state else None)
        if isinstance(status, str)
        else None,
        state_class=state.state_class if state else None,
        file=entity.file,
        summary=summary_badge(findings),
        facts=tuple(
            facts(
                evaluation.derived(entity),
                evaluation.as_of,
                live=state is None or state.state_class != "archived",
                checks=frozenset(check_of(evaluation, f.rule) for f in findings),
                audited=id(entity) in audited,
            )
        ),
        findings=tuple(_finding(f, rules) for f in _by_severity(findings)),
        fields=fields_html(entity.data, by_pointer, "../"),
        points_to=tuple(_grouped(links, ref_for)),
        pointed_from=tuple(
            LinkGroup(
                _field_label(field),
                tuple(ref_for(s) for s in sorted(slot.sources)),
                slot.count - len(slot.sources),
            )
            for field, slot in references.pointing_to(entity_id).items()
        ),
        history=tuple(_history(history)),
        history_note=history_note,
        also_claimed_by=tuple(e.file for e in claims if e is not entity),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _by_severity(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (f.waiver is not None, -SEVERITY_RANK[f.severity], f.line or 0, f.rule),
    )


def _finding(finding: Finding, rules: Mapping[str, RuleInfo]) -> FindingView:
    info = rules.get(finding.rule)
    place = []
    if finding.line is not None:
        place.append(f"line {finding.line}")
    if finding.path:
        place.append(finding.path)
    return FindingView(
        badge=severity_badge(finding.severity, waived=finding.waiver is not None),
        rule=finding.rule,
        rule_path=f"rules.html#rule-{finding.rule}",
        message=finding.message[:1].upper() + finding.message[1:],
        summary=info.summary if info else "",
        why=finding.rationale or (info.why if info else ""),
        place=", ".join(place),
        waiver=finding.waiver,
    )


# -- derived values ---------------------------------------------------------------


def _when(day: dt.date, as_of: dt.date) -> str:
    delta = (day - as_of).days
    if delta == 0:
        return "today"
    count = abs(delta)
    span = f"{count:,} day{'' if count == 1 else 's'}"
    return f"in {span}" if delta > 0 else f"{span} ago"


@dataclass(frozen=True, slots=True)
class Watch:
    """The checks that judge a derived date: one warns ahead, within the lead
    time its rule gives, the other says the date has passed."""

    warns: str
    passed: str


WARRANTY = Watch("warranty.expiring", "warranty.expired-in-service")
END_OF_LIFE = Watch("eol.approaching", "eol.passed-in-service")
AUDIT = Watch("audit.due", "audit.overdue")
MAINTENANCE = Watch("maintenance.due", "maintenance.overdue")
SUPPORT = {
    "os": ("OS support ends", Watch("software.eol-approaching", "software.unsupported")),
    "firmware": (
        "Firmware support ends",
        Watch("firmware.eol-approaching", "firmware.unsupported"),
    ),
}
"""Per source of ``itam.support``: the fact's label and the checks that judge it."""


def audited_entities(evaluation: Evaluation) -> frozenset[int]:
    """The entities (by ``id()``) an audit rule applies to: only they have an audit due.

    The policy's intervals give every entity one (a contract or a person too),
    but only the audit rules' kinds and states are ever audited."""
    return covered(evaluation, (AUDIT.warns, AUDIT.passed))


def _tone(day: dt.date, as_of: dt.date, watch: Watch, checks: frozenset[str]) -> str:
    """The colour of a deadline, from the entity's findings: red once a rule says
    the date has passed, amber while one warns of it (so the lead time and a
    grace period are the policy's), and red for any other date gone by."""
    if watch.passed in checks:
        return "bad"
    if watch.warns in checks:
        return "warn"
    return "bad" if day < as_of else ""


def _deadline(
    label: str,
    day: dt.date | None,
    as_of: dt.date,
    watch: Watch,
    checks: frozenset[str],
    note: str = "",
    live: bool = True,
) -> Fact:
    if day is None:
        return Fact(label, NOTHING, note or "not recorded")
    # A retired or disposed asset's passed deadlines alarm nobody.
    tone = _tone(day, as_of, watch, checks) if live else ""
    when = _when(day, as_of)
    return Fact(label, day.isoformat(), f"{when}; {note}" if note else when, tone)


_EOL_FROM = {"asset": "from its own end_of_life", "model": "from its model"}


def facts(
    derived: Derived,
    as_of: dt.date,
    live: bool = True,
    checks: frozenset[str] = frozenset(),
    audited: bool = True,
) -> list[Fact]:
    """Derived dates and values, each with a note saying where it comes from,
    with the end of vendor support of the software the asset runs.

    Deadlines are coloured only for what is still in use or on hand
    (``live``), by the checks of the entity's findings (``checks``); the next
    audit is due only where an audit rule applies (``audited``).
    """
    out = [
        _deadline(
            "Warranty ends",
            derived.warranty_end,
            as_of,
            WARRANTY,
            checks,
            f"from {derived.warranty_source}" if derived.warranty_source else "",
            live,
        ),
        _deadline(
            "End of life",
            derived.end_of_life,
            as_of,
            END_OF_LIFE,
            checks,
            _EOL_FROM.get(derived.end_of_life_source or "", ""),
            live,
        ),
    ]
    if derived.last_audit is not None:
        out.append(
            Fact("Last audit", derived.last_audit.isoformat(), _when(derived.last_audit, as_of))
        )
    else:
        out.append(Fact("Last audit", NOTHING, "no audit recorded"))
    every = (
        f"every {derived.audit_interval_days:,} days"
        if derived.audit_interval_days is not None
        else ""
    )
    if audited:
        out.append(
            _deadline("Next audit due", derived.audit_due, as_of, AUDIT, checks, every, live)
        )
    else:
        out.append(Fact("Next audit due", NOTHING, "no audit rule applies to it"))
    upcoming = derived.next_maintenance
    if upcoming is not None:
        kind = humanise(upcoming.schedule.name)
        if upcoming.due is None:
            out.append(Fact("Next maintenance", NOTHING, f"{kind}: no job nor purchase on record"))
        else:
            note = f"{kind}, every {upcoming.interval_days:,} days"
            out.append(
                _deadline("Next maintenance", upcoming.due, as_of, MAINTENANCE, checks, note, live)
            )
    out += [_support(item, as_of, checks, live) for item in derived.software]
    if derived.purchased is not None:
        age = f"{derived.age_days:,} days old" if derived.age_days is not None else ""
        out.append(Fact("Purchased", derived.purchased.isoformat(), age))
    if derived.book_value is not None:
        plan = derived.depreciation
        note = (
            f"straight line over {plan.months} months, salvage {plan.salvage_percent:g}%"
            if plan
            else ""
        )
        out.append(Fact("Book value", money(derived.book_value, derived.currency), note))
    return out


def _support(item: Support, as_of: dt.date, checks: frozenset[str], live: bool) -> Fact:
    """When the vendor's support of the asset's OS or firmware ends, as matched
    by ``itam.support`` for the evaluation, coloured as the support rules judge it."""
    label, watch = SUPPORT[item.source]
    recorded = " ".join(part for part in (item.name or item.source, item.version) if part)
    release = item.release
    if release is None:
        return Fact(label, "unknown", f"{recorded} matches no known release: {item.problem}")
    note = f"{recorded}, matched to {item.matched()} in {item.file}"
    if isinstance(release.eoes, dt.date):
        note += f"; extended support (at extra cost) until {release.eoes.isoformat()}"
    end = release.eol
    if end is True:
        # Ended on a day the reference does not give: as a date long gone.
        tone = _tone(dt.date.min, as_of, watch, checks) if live else ""
        return Fact(label, "ended", f"the reference gives no date; {note}", tone)
    if not isinstance(end, dt.date):
        return Fact(label, NOTHING, f"no end announced; {note}")
    return _deadline(label, end, as_of, watch, checks, note, live)


# -- references and history ---------------------------------------------------------


def _grouped(links: list[Any], ref_for: RefFor) -> list[LinkGroup]:
    groups: dict[str, list[Ref]] = {}
    for link in links:
        refs = groups.setdefault(link.field, [])
        ref = ref_for(link.target)
        if ref not in refs:
            refs.append(ref)
    return [LinkGroup(_field_label(field), tuple(refs)) for field, refs in groups.items()]


@lru_cache(maxsize=1024)
def _field_label(dotted: str) -> str:
    return " \u203a ".join(humanise(part) for part in dotted.split("."))


def _change(change: Change) -> str:
    if change.action == "added":
        return "created"
    if change.action == "deleted":
        return "an earlier file of this name was deleted"
    if change.fields is None:
        what = "changed (one side is not readable YAML)"
    elif change.fields:
        what = "changed " + ", ".join(change.fields)
    else:
        what = "no field changed"
    if change.action == "renamed":
        return f"moved from {change.previous_path}; {what}"
    return what


def _history(changes: list[Change]) -> list[HistoryRow]:
    return [
        HistoryRow(
            date=c.date[:10],
            datetime=c.date,
            author=c.author,
            commit=c.commit,
            subject=c.subject,
            change=_change(c),
        )
        for c in changes
    ]
