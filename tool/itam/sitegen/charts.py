"""Charts drawn at build time as inline SVG: nothing to load, nothing to run.

Each chart is an image to assistive technology (``role="img"`` with a
``<title>`` and a ``<desc>``); the page also carries the same numbers as a
table and a sentence (``Chart.caption``), so nothing is only in the picture.
Every text is escaped here, since the SVG is inserted as markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from itam.sitegen.filters import percent

TONES = ("neutral", "good", "warn", "bad", "muted", "accent")

_ROW = 26
_LABEL_W = 190
_BAR_W = 250
_WIDTH = 520
_LABEL_CHARS = 28


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    tone: str = "accent"


@dataclass(frozen=True, slots=True)
class Chart:
    """A drawn chart and its text alternative."""

    key: str
    title: str
    caption: str
    bars: tuple[Bar, ...]
    svg: Markup
    group: str  # what a bar stands for: the heading of the table's first column

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def _clip(text: str, limit: int = _LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def bar_chart(key: str, title: str, bars: Sequence[Bar], caption: str, group: str) -> Chart:
    """Horizontal bars, one per label, longest scaled to the full width."""
    top = max((bar.value for bar in bars), default=0) or 1
    height = max(len(bars), 1) * _ROW + 8
    rows = []
    for index, bar in enumerate(bars):
        y = 4 + index * _ROW
        width = round(_BAR_W * bar.value / top, 1) if bar.value else 0
        tone = bar.tone if bar.tone in TONES else "accent"
        rows.append(
            Markup(
                '<g class="bar tone-{tone}">'
                '<text class="bar-label" x="0" y="{ty}">{label}</text>'
                '<rect x="{x}" y="{y}" width="{w}" height="16" rx="3"></rect>'
                '<text class="bar-value" x="{vx}" y="{ty}">{value}</text></g>'
            ).format(
                tone=tone,
                ty=y + 13,
                label=_clip(bar.label),
                x=_LABEL_W,
                y=y + 1,
                w=width,
                vx=_LABEL_W + width + 6,
                value=f"{bar.value:,}",
            )
        )
    svg = Markup(
        '<svg class="chart chart-bars" role="img" viewBox="0 0 {w} {h}" '
        'aria-labelledby="{key}-title {key}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{key}-title">{title}</title><desc id="{key}-desc">{caption}</desc>'
        "{rows}</svg>"
    ).format(w=_WIDTH, h=height, key=key, title=title, caption=caption, rows=Markup("").join(rows))
    return Chart(key, title, caption, tuple(bars), svg, group)


def donut(key: str, title: str, share: float | None, caption: str, tone: str = "good") -> Markup:
    """A ring filled to ``share`` (0 to 1) with the percentage in its middle."""
    radius = 42
    circumference = 2 * math.pi * radius
    filled = 0.0 if share is None else max(0.0, min(1.0, share)) * circumference
    label = "n/a" if share is None else percent(share)
    tone = tone if tone in TONES else "good"
    return Markup(
        '<svg class="chart chart-donut tone-{tone}" role="img" viewBox="0 0 120 120" '
        'aria-labelledby="{key}-title {key}-desc">'
        '<title id="{key}-title">{title}</title><desc id="{key}-desc">{caption}</desc>'
        '<circle class="donut-track" cx="60" cy="60" r="{r}"></circle>'
        '<circle class="donut-fill" cx="60" cy="60" r="{r}" '
        'stroke-dasharray="{filled:.2f} {rest:.2f}" transform="rotate(-90 60 60)"></circle>'
        '<text class="donut-label" x="60" y="66" text-anchor="middle">{label}</text></svg>'
    ).format(
        tone=tone,
        key=key,
        title=title,
        caption=caption,
        r=radius,
        filled=filled,
        rest=circumference - filled,
        label=label,
    )
