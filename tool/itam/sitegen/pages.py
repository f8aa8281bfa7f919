"""Typed contexts of the site's pages: what each template may read, and nothing else.

Every template gets three names: ``site`` (the footer's facts, the same on
every page), ``page`` (where this page is, its title, its relative links)
and ``view`` (this page type's content, one dataclass per template). All
values are plain: text, numbers, dates, tuples of further dataclasses.
Links are relative (``page.url("rules.html")``), so the site works from
``file://`` and under any sub-path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ID_PAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""Ids that get a page of their own (``entities/<ID>.html``); others are listed only."""

NAV = (
    ("home", "Home", "index.html"),
    ("inventory", "Inventory", "inventory/index.html"),
    ("reports", "Reports", "reports/index.html"),
    ("rules", "Rules", "rules.html"),
)


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every page says about the build: which commit, which rules, which date."""

    title: str
    commit: str | None  # the commit shown (HEAD for a work tree), full hash
    work_tree: bool  # built from the work tree (which may differ from the commit)
    policy_digest: str
    as_of: str
    base_url: str | None
    entities: int


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: its path below the site's root and its title."""

    path: str
    title: str
    section: str

    @property
    def root(self) -> str:
        """The relative way back to the site's root: ``""`` or ``"../"``."""
        return "../" * self.path.count("/")

    def url(self, target: str) -> str:
        """A link to ``target`` (a path below the site's root) from this page."""
        return self.root + target

    def canonical(self, site: SiteInfo) -> str | None:
        """The page's absolute URL under ``--base-url``, when one was given."""
        if site.base_url is None:
            return None
        return site.base_url + ("" if self.path == "index.html" else self.path)

    @property
    def nav(self) -> tuple[tuple[str, str, str], ...]:
        return NAV


@dataclass(frozen=True, slots=True)
class Chrome:
    """The header and footer of every entity page, drawn once a build: they
    depend only on the site and on the page's depth and section, the same for all."""

    header: Any  # Markup
    footer: Any


def entity_path(entity_id: str) -> str:
    return f"entities/{entity_id}.html"


# -- shared pieces ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    """An entity named on a page: its id, a label, and its page when it has one."""

    id: str
    label: str
    path: str | None  # below the site's root; None: no page (or no such entity)
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Badge:
    """A severity or state shown as a coloured label that also says it in words."""

    text: str
    tone: str  # error, warning, info, ok, neutral, and state classes


# -- home ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metric:
    """One headline figure on the dashboard."""

    key: str
    label: str
    value: str
    detail: str
    tone: str
    link: str | None = None  # below the site's root


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    value: int
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Ring:
    """A share drawn as a ring (audit compliance, warranty coverage)."""

    key: str
    title: str
    svg: Any  # Markup
    caption: str
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Money:
    currency: str
    amount: str
    assets: int


@dataclass(frozen=True, slots=True)
class HomeView:
    metrics: tuple[Metric, ...]
    rings: tuple[Ring, ...]
    charts: tuple[Any, ...]  # charts.Chart
    by_status: tuple[Count, ...]
    book_values: tuple[Money, ...]
    findings: tuple[Count, ...]  # open findings by severity
    top_rules: tuple[Count, ...]
    reports: tuple[ReportLink, ...]


# -- inventory ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: str  # text, date, severity, ...


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Filter:
    key: str  # kind, status, location, owner, severity
    label: str
    any_label: str
    options: tuple[Option, ...]
    # The options are drawn by inventory.js from the data file (whose owner
    # table holds them all), not written into the page.
    from_data: bool = False


@dataclass(frozen=True, slots=True)
class InventoryView:
    columns: tuple[Column, ...]
    body: Any  # Markup: the first rows, drawn by itam.sitegen.inventory.rows_html
    shown: int
    total: int
    filters: tuple[Filter, ...]
    static_pages: tuple[str, ...]  # inventory/page-N.html
    page_size: int


@dataclass(frozen=True, slots=True)
class InventoryPageView:
    columns: tuple[Column, ...]
    body: Any  # Markup: this page's rows
    number: int
    count: int
    first: int
    last: int
    total: int


# -- entity ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str
    note: str = ""
    tone: str = ""


@dataclass(frozen=True, slots=True)
class FindingView:
    badge: Badge
    rule: str
    rule_path: str  # rules.html#rule-<id>
    message: str
    summary: str
    why: str
    place: str  # "line 12, /audits"
    waiver: str | None


@dataclass(frozen=True, slots=True)
class LinkGroup:
    """References of one field: to one entity, or (pointing here) from several."""

    field: str
    refs: tuple[Ref, ...]
    more: int = 0


@dataclass(frozen=True, slots=True)
class HistoryRow:
    date: str  # YYYY-MM-DD
    datetime: str  # full ISO 8601, for <time datetime>
    author: str
    commit: str
    subject: str
    change: str  # what happened, in words


@dataclass(frozen=True, slots=True)
class EntityView:
    id: str
    name: str
    kind: str
    status: Badge | None
    state_class: str | None
    file: str
    summary: Badge  # the worst finding, or "no findings"
    facts: tuple[Fact, ...]
    findings: tuple[FindingView, ...]
    fields: Any  # Markup: the recorded fields, drawn by itam.sitegen.fieldhtml
    points_to: tuple[LinkGroup, ...]
    pointed_from: tuple[LinkGroup, ...]
    history: tuple[HistoryRow, ...]
    history_note: str
    also_claimed_by: tuple[str, ...]


# -- reports and rules ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportLink:
    name: str
    title: str
    description: str
    path: str
    rows: int


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    kind: str
    ref: str | None = None  # below the site's root
    badge: Badge | None = None
    datetime: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """One table of a report: a section shows the columns its rows carry."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: int  # rows of the section; more than ``rows`` when the page shows the first ones


@dataclass(frozen=True, slots=True)
class ReportView:
    name: str
    title: str
    description: str
    as_of: str
    columns: tuple[Column, ...]
    sections: tuple[Section, ...]
    totals: tuple[Cell, ...] | None
    notes: tuple[str, ...]
    standalone: bool
    stylesheet: Any  # Markup: the stylesheet inlined in a standalone page; empty otherwise
    csv: str | None = None  # the whole table as CSV, below the site's root


@dataclass(frozen=True, slots=True)
class ReportsIndexView:
    reports: tuple[ReportLink, ...]
    missing: str  # why there are none, when there are none


@dataclass(frozen=True, slots=True)
class RuleView:
    id: str
    badge: Badge
    summary: str
    why: str
    passing: str
    failing: str
    examples_as_of: str | None
    origin: str
    findings: int


@dataclass(frozen=True, slots=True)
class RulesView:
    rules: tuple[RuleView, ...]
    families: tuple[tuple[str, int], ...]  # prefix, number of rules
