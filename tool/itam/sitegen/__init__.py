"""The static inventory site, and report pages in the site's look.

``build_site`` writes the whole site (see ``itam.sitegen.build``);
``render_report_html`` renders one report as a standalone page (the site's
report template, its stylesheet inlined, no links into a site that is not
there) for ``itam report NAME --format html``.
"""

from __future__ import annotations

from markupsafe import Markup

from itam.evaluation import Evaluation
from itam.layout import Layout
from itam.reports.model import Table
from itam.sitegen.build import SITE_TITLE, Built, build_site
from itam.sitegen.pages import Page, SiteInfo
from itam.sitegen.reportpages import report_view

__all__ = ["Built", "build_site", "render_report_html"]


def render_report_html(table: Table, evaluation: Evaluation) -> str:
    """``table`` as one self-contained HTML page, from the site's report template."""
    from itam.sitegen import templates

    env = templates.environment(evaluation.root)
    css = templates.static_files(evaluation.root).get("site.css", b"").decode("utf-8", "replace")
    # The site's own stylesheet, inlined; "</" could end the <style> element early.
    stylesheet = Markup(css.replace("</", "<\\/"))  # noqa: S704
    work_tree = evaluation.label == "work tree"
    site = SiteInfo(
        title=SITE_TITLE,
        commit=_head(evaluation) if work_tree else evaluation.label,
        work_tree=work_tree,
        policy_digest=evaluation.policy_digest,
        as_of=evaluation.as_of.isoformat(),
        base_url=None,
        entities=len(evaluation.catalog),
    )
    page = Page(f"{table.name}.html", table.title, "reports")
    view = report_view(table, None, standalone=True, stylesheet=stylesheet)
    return env.get_template("report.html").render(site=site, page=page, view=view)


def _head(evaluation: Evaluation) -> str | None:
    from itam.sitegen import build

    view = build.open_repository(Layout(evaluation.root))
    if view is None:
        return None
    with view:
        return build.head_commit(view)
