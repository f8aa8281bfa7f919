"""The site's HTML (and CSS) is valid for the Nu HTML checker (vnu-jar from npm).

One JVM run over a sample of every page type: the fixed pages, every report,
and up to three entity pages of each kind.
"""

from __future__ import annotations

from pathlib import Path

from tests.browser.sites import KINDS, PAGE_ID, PAGE_TYPES, Site
from tests.browser.tools import vnu_errors


def sample(site: Site) -> list[Path]:
    pages = {site.page(t) for t in PAGE_TYPES}
    for kind in KINDS:
        ids = [e.id for e in site.evaluation.catalog.of_kind(kind) if e.id and PAGE_ID.match(e.id)]
        pages |= {site.out / "entities" / f"{i}.html" for i in ids[:3]}
    return sorted(pages)


def test_sampled_pages_and_the_stylesheet_validate(site: Site) -> None:
    files = [*sample(site), *sorted((site.out / "assets").glob("*.css"))]
    assert len(files) > len(PAGE_TYPES)
    assert all(path.is_file() for path in files), [p for p in files if not p.is_file()]
    assert vnu_errors(files) == []
