"""An entity's recorded fields as HTML, and the filters of ``itam.sitegen.markup``."""

from __future__ import annotations

from itam.pointers import escape as pointer_token
from itam.pointers import unescape
from itam.sitegen.fieldhtml import fields_html
from itam.sitegen.markup import (
    badge,
    cell,
    fact_items,
    history_rows,
    links_from,
    links_to,
    ref_link,
    table_rows,
)
from itam.sitegen.pages import Badge, Cell, Fact, HistoryRow, LinkGroup, Page, Ref

VENDOR = Ref("bechtle", "Bechtle", "entities/bechtle.html")
PERSON = Ref("EMP-1", "Ana <b>", "entities/EMP-1.html")
GONE = Ref("EMP-9", "EMP-9", None)


def test_pointer_tokens_round_trip_with_slashes_and_tildes() -> None:
    for key in ["plain", "a/b", "~0", "~1/", "", "x~/~y"]:
        assert unescape(pointer_token(key)) == key


def test_a_reference_links_wherever_it_sits_in_the_data() -> None:
    data = {
        "purchase": {"vendor": "bechtle", "order": "bechtle"},
        "owners": ["EMP-1", "EMP-9"],
        "audits": [{"by": "EMP-1", "result": "found"}, {"result": "missing"}],
        "odd/key": {"~vendor": "bechtle"},
        "history": [{"notes": ["bechtle", {"who": "EMP-1"}]}],
    }
    refs = {
        "/purchase/vendor": VENDOR,
        "/owners/0": PERSON,
        "/owners/1": GONE,
        "/audits/0/by": PERSON,
        f"/{pointer_token('odd/key')}/{pointer_token('~vendor')}": VENDOR,
        "/history/0/notes/1/who": PERSON,
    }
    html = str(fields_html(data, refs, "../"))
    link = '<a href="../entities/bechtle.html">bechtle</a><span class="ref-hint">Bechtle</span>'
    person = '<a href="../entities/EMP-1.html">EMP-1</a><span class="ref-hint">Ana &lt;b&gt;</span>'
    # The vendor field and the oddly named one link; "order", with the same text, does not.
    assert html.count(link) == 2
    assert '<dt title="order">Order</dt><dd>bechtle</dd>' in html
    # In a list of values, in a table's cell, deep in a list of mixed items.
    assert f"<li>{person}</li>" in html
    assert f"<td>{person}</td>" in html
    assert html.count(person) == 3
    # An entity with no page is named, not linked; a row without the column has an empty cell.
    assert '<li><span class="tone-muted">EMP-9</span></li>' in html
    assert "<td></td><td>missing</td>" in html


def test_a_reference_that_names_something_else_stays_text() -> None:
    html = str(fields_html({"vendor": "other"}, {"/vendor": VENDOR}, "../"))
    assert "<dd>other</dd>" in html
    assert "href" not in html


def test_hostile_text_is_escaped_and_only_http_urls_link() -> None:
    data = {
        "name": '"><img src=x onerror=alert(1)>',
        "url": "javascript:alert(1)",
        "site": "https://example.com/?a=1&b='2'",
        "cost": {"amount": "1289.5", "currency": "GBP"},
        "flags": [True, None],
    }
    html = str(fields_html(data, {}, "../"))
    assert "<img" not in html
    assert "&#x27;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<dd>javascript:alert(1)</dd>" in html
    assert 'href="https://example.com/?a=1&amp;b=&#x27;2&#x27;"' in html
    assert "GBP 1,289.50" in html
    assert '<li>yes</li><li><span class="tone-muted">null</span></li>' in html


def test_the_filters_escape_every_part() -> None:
    assert str(badge(Badge("<x>", 'ok" onclick="'))) == (
        '<span class="badge tone-ok&#34; onclick=&#34;">&lt;x&gt;</span>'
    )
    page = Page("entities/A.html", "A", "inventory")
    assert str(ref_link(PERSON, page)) == (
        '<a href="../entities/EMP-1.html">Ana &lt;b&gt;</a> <span class="id">EMP-1</span>'
    )
    assert str(ref_link(GONE, page)) == '<span class="unlinked">EMP-9</span>'


def test_report_cells_escape_every_part_as_autoescaping_does() -> None:
    page = Page("reports/audit.html", "Audit", "reports")
    hostile = Cell('"><img src=x onerror=alert(1)>', "text")
    rows = (
        (Cell("LAP-1", "id", ref="entities/LAP-1.html"), hostile),
        (
            Cell("error", "severity", badge=Badge("<b>", "error")),
            Cell("2031-06-30", "date", datetime="2031-06-30"),
        ),
    )
    assert str(table_rows(rows, 2, page)) == (
        '  <tr><td class="kind-id"><a href="../entities/LAP-1.html">LAP-1</a></td>'
        '<td class="kind-text">&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</td></tr>\n'
        '  <tr><td class="kind-severity"><span class="badge tone-error">&lt;b&gt;</span></td>'
        '<td class="kind-date"><time datetime="2031-06-30">2031-06-30</time></td></tr>\n'
    )
    assert str(cell(Cell("it's", "text"), page)) == "it&#39;s"
    assert str(table_rows((), 4, page)) == (
        '  <tr><td colspan="4" class="empty-row">Nothing to report.</td></tr>\n'
    )


def test_the_entity_page_lists_escape_every_part() -> None:
    page = Page("entities/A.html", "A", "inventory")
    hostile = '"><img src=x onerror=alert(1)>'
    facts = (Fact("Warranty", hostile, note="<b>", tone="error"), Fact("Value", "GBP 1.00"))
    assert str(fact_items(facts)) == (
        '      <div class="fact tone-error"><dt>Warranty</dt><dd><span class="fact-value">'
        "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</span>"
        ' <span class="fact-note">&lt;b&gt;</span></dd></div>\n'
        '      <div class="fact"><dt>Value</dt><dd><span class="fact-value">GBP 1.00</span>'
        "</dd></div>\n"
    )
    row = HistoryRow(
        "2026-01-02", "2026-01-02T10:00:00+00:00", "<Ann>", "a" * 40, hostile, "created"
    )
    assert str(history_rows((row,))) == (
        '    <tr><td class="date"><time datetime="2026-01-02T10:00:00+00:00">2026-01-02</time>'
        f'</td><td>&lt;Ann&gt;</td><td class="mono"><span title="{"a" * 40}">{"a" * 12}</span>'
        "</td><td>&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</td><td>created</td></tr>\n"
    )
    assert str(links_to((LinkGroup("Owner <x>", (PERSON, GONE)),), page)) == (
        '      <div><dt>Owner &lt;x&gt;</dt><dd><ul class="inline-list">'
        '<li><a href="../entities/EMP-1.html">Ana &lt;b&gt;</a> <span class="id">EMP-1</span></li>'
        '<li><span class="unlinked">EMP-9</span>'
        ' <span class="tone-muted">(not in the registry)</span></li></ul></dd></div>\n'
    )
    assert str(links_from((LinkGroup("Audits \u203a By", (PERSON,), more=1200),), page)) == (
        '      <div><dt>as audits \u203a by</dt><dd><ul class="inline-list">'
        '<li><a href="../entities/EMP-1.html">Ana &lt;b&gt;</a> <span class="id">EMP-1</span></li>'
        '<li class="tone-muted">and 1,200 more</li></ul></dd></div>\n'
    )
