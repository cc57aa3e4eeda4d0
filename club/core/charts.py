"""Charts drawn on the server as inline SVG: no JavaScript, no third-party library, nothing inline to style.

Each chart is an `<svg role="img">` whose `<title>` (pointed at by
`aria-labelledby`) is its text alternative: the chart's name, then every
label with its value as written beside the bar ("Oui : 12 (60 %)"). Pages put
the same numbers in a table next to the chart, so nothing is only drawn.

Colours and type come from classes (`static/css/charts.css`): the site's CSP
forbids inline styles, and SVG presentation attributes are kept to geometry.
The drawing is generic — labels, values and the text written beside them — and
knows nothing of what is counted.

- `bar_chart`: horizontal bars, one per label (choices, mean ranks); the label
  sits above its bar, so long labels never squeeze the bars, and the text beside
  the bars gets the room its longest line needs (the drawing widens if need be).
- `column_chart`: vertical columns for a short scale (ratings 1–5, NPS 0–10).
- `stacked_chart`: one 100 % bar per row, split by share (a Likert matrix),
  with a legend.
- `heat_level`: the shade (0–5) of a table cell for a share between 0 and 1.
- `percent_text`: a percentage as the reader's language writes it ("64,3 %" with
  a narrow no-break space in French, "64.3%" in English), for charts and tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

WIDTH = 480  # the drawing's own units: about its size beside a table on a desktop, so text reads at 14 px
LABEL_CHARS = 60  # a label longer than this is cut with "…" in the drawing (the table holds it whole)
SEGMENT_CLASSES = 7  # stacked segments cycle through chart-seg-0 … chart-seg-6
HEAT_LEVELS = 5
PERCENT_SPACE = {"fr": "\u202f"}  # French puts a narrow no-break space before "%"; English nothing
VALUE_CHAR = 10  # room for a character of a bold value at 14 px, generously (DejaVu Sans Bold digits are 9.7)
VALUE_WIDE = {"%": 14, "M": 14, "W": 16, "m": 15, "w": 13}  # the wider ones, a full em or nearly
VALUE_GAP = 8  # between a bar's track and its value
TRACK_MIN = 240  # a bar's full length never gets shorter than this to make room for its value


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the value that sets its length, and the text written beside it ("12 (60 %)")."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class StackedRow:
    """One row of a stacked chart: its label and a value per segment (in the legend's order)."""

    label: str
    values: Sequence[float]


def percent_text(value: float, decimals: int = 1) -> str:
    """A percentage as the reader's language writes it: "64,3\u202f%" in French, "64.3%" in English.

    A typographic convention of the language, like its decimal separator (which
    `floatformat` takes from Django's formats), not a sentence to translate.
    """
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return f"{floatformat(value, decimals)}{PERCENT_SPACE.get(language, '')}%"


def _value_width(text: str) -> float:
    """About how wide a value is drawn, erring on the wide side (no font metrics on the server)."""
    return sum(VALUE_WIDE.get(char, VALUE_CHAR) for char in text)


def _cut(label: str, limit: int = LABEL_CHARS) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _alternative(title: str, parts: Sequence[tuple[str, str]]) -> str:
    """The text alternative: the title (a question keeps its "?"), then "label : value" for each part."""
    title = " ".join(str(title).split())
    sentence = title if title.endswith(("?", "!", ".", "…")) else f"{title}."
    items = [_("%(label)s : %(value)s") % {"label": label, "value": value} for label, value in parts]
    return f"{sentence} " + " ; ".join(items) + "." if items else sentence


def _svg(
    chart_id: str, height: float, alternative: str, body: list[str], css_class: str, width: float = WIDTH
) -> SafeString:
    title_id = f"{chart_id}-title"
    return mark_safe(  # noqa: S308 - every text put in `body` and the alternative is escaped here
        f'<svg class="chart {css_class}" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(title_id)}" '
        f'viewBox="0 0 {math.ceil(width)} {math.ceil(height)}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(title_id)}">{escape(alternative)}</title>' + "".join(body) + "</svg>"
    )


def _scale(values: Sequence[float], scale_max: float | None) -> float:
    top = max([*values, 0.0]) if scale_max is None else scale_max
    return top if top > 0 else 1.0


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar], scale_max: float | None = None) -> SafeString:
    """Horizontal bars, the label above each; `scale_max` is the value of a full-width bar (default: the largest).

    The value texts get the room their longest needs beside the full track: the
    track shortens down to `TRACK_MIN`, then the drawing widens, so no text runs
    out of the picture.
    """
    row, bar_height, label_gap = 46, 20, 18
    text_room = VALUE_GAP + max([_value_width(bar.text) for bar in bars] + [VALUE_CHAR * 12])
    room = max(TRACK_MIN, WIDTH - text_room)  # a full bar's length
    width = max(WIDTH, room + text_room)
    top = _scale([bar.value for bar in bars], scale_max)
    body = []
    for index, bar in enumerate(bars):
        y = index * row
        length = max(0.0, min(1.0, bar.value / top)) * room
        body.append(f'<text class="chart-label" x="0" y="{y + 14}">{escape(_cut(bar.label))}</text>')
        body.append(
            f'<rect class="chart-track" x="0" y="{y + label_gap}" width="{room}" height="{bar_height}" rx="3"></rect>'
        )
        if length > 0:
            body.append(
                f'<rect class="chart-bar" x="0" y="{y + label_gap}" width="{length:.1f}" height="{bar_height}" '
                f'rx="3"></rect>'
            )
        body.append(
            f'<text class="chart-value" x="{room + VALUE_GAP}" y="{y + label_gap + 15}">{escape(bar.text)}</text>'
        )
    alternative = _alternative(title, [(bar.label, bar.text) for bar in bars])
    return _svg(chart_id, max(len(bars), 1) * row, alternative, body, "chart-bars", width)


def column_chart(*, chart_id: str, title: str, bars: Sequence[Bar], scale_max: float | None = None) -> SafeString:
    """Vertical columns over short labels (a scale: 1–5, 0–10), the value written above each column."""
    plot_top, plot_height, label_room = 24, 150, 26
    count = max(len(bars), 1)
    slot = WIDTH / count
    width = min(slot * 0.7, 48)
    top = _scale([bar.value for bar in bars], scale_max)
    body = [f'<line class="chart-axis" x1="0" y1="{plot_top + plot_height}" x2="{WIDTH}" '
            f'y2="{plot_top + plot_height}"></line>']  # fmt: skip
    for index, bar in enumerate(bars):
        centre = slot * index + slot / 2
        height = max(0.0, min(1.0, bar.value / top)) * plot_height
        y = plot_top + plot_height - height
        if height > 0:
            body.append(
                f'<rect class="chart-bar" x="{centre - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{height:.1f}" rx="2"></rect>'
            )
        body.append(
            f'<text class="chart-value" x="{centre:.1f}" y="{y - 6:.1f}" text-anchor="middle">{escape(bar.text)}</text>'
        )
        body.append(
            f'<text class="chart-label" x="{centre:.1f}" y="{plot_top + plot_height + 18}" text-anchor="middle">'
            f"{escape(_cut(bar.label, 12))}</text>"
        )
    alternative = _alternative(title, [(bar.label, bar.text) for bar in bars])
    return _svg(chart_id, plot_top + plot_height + label_room, alternative, body, "chart-columns")


def _shares(values: Sequence[float]) -> list[float]:
    total = sum(values)
    return [value / total if total else 0.0 for value in values]


def stacked_chart(*, chart_id: str, title: str, rows: Sequence[StackedRow], legend: Sequence[str]) -> SafeString:
    """One 100 % bar per row split by share, the legend below; the alternative gives each share in whole percent."""
    row, bar_height, label_gap, legend_row = 46, 20, 18, 22
    body = []
    parts: list[tuple[str, str]] = []
    for index, stacked in enumerate(rows):
        y = index * row
        body.append(f'<text class="chart-label" x="0" y="{y + 14}">{escape(_cut(stacked.label))}</text>')
        body.append(
            f'<rect class="chart-track" x="0" y="{y + label_gap}" width="{WIDTH}" height="{bar_height}"></rect>'
        )
        x = 0.0
        shares = _shares(stacked.values)
        for segment, share in enumerate(shares):
            if share <= 0:
                continue
            width = share * WIDTH
            body.append(
                f'<rect class="chart-seg-{segment % SEGMENT_CLASSES}" x="{x:.1f}" y="{y + label_gap}" '
                f'width="{width:.1f}" height="{bar_height}"></rect>'
            )
            x += width
        described = ", ".join(
            f"{name} {percent_text(share * 100, 0)}" for name, share in zip(legend, shares, strict=False)
        )
        parts.append((stacked.label, described))
    legend_top = len(rows) * row + 8
    for index, name in enumerate(legend):
        y = legend_top + index * legend_row
        body.append(f'<rect class="chart-seg-{index % SEGMENT_CLASSES}" x="0" y="{y}" width="14" height="14"></rect>')
        body.append(f'<text class="chart-label" x="22" y="{y + 12}">{escape(_cut(name))}</text>')
    alternative = _alternative(title, parts)
    return _svg(chart_id, legend_top + len(legend) * legend_row, alternative, body, "chart-stacked")


def heat_level(share: float) -> int:
    """The shade of a heat-table cell: 0 for nothing, then 1–5 by fifths of the share (0 < share ≤ 1)."""
    if share <= 0:
        return 0
    return min(HEAT_LEVELS, max(1, math.ceil(share * HEAT_LEVELS - 1e-9)))
