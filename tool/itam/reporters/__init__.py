"""Reporters turn one Report into text; ``--format`` chooses among them."""

from __future__ import annotations

from collections.abc import Callable

from itam.report import Report
from itam.reporters import github, json_report, junit, markdown, sarif, text

Reporter = Callable[[Report], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "github": github.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "markdown": markdown.render,
}
