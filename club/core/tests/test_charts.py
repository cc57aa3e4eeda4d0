"""Charts drawn as SVG on the server: geometry from the values, a text alternative, everything escaped."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from club.core.charts import Bar, StackedRow, bar_chart, column_chart, heat_level, percent_text, stacked_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own drawing, not outside input


def _widths(root: ET.Element, css_class: str) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.get("class") == css_class]


def test_a_bar_chart_is_an_image_named_by_its_text_alternative():
    with translation.override("fr"):
        svg = bar_chart(chart_id="c1", title="Votre avis", bars=[Bar("Oui", 3, "3 (75 %)"), Bar("Non", 1, "1 (25 %)")])
    root = _parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title"
    title = root.find(f"{SVG}title")
    assert title.get("id") == "c1-title"
    assert title.text == "Votre avis. Oui : 3 (75 %) ; Non : 1 (25 %)."


def test_bars_are_as_long_as_their_share_of_the_scale():
    root = _parse(bar_chart(chart_id="c", title="t", bars=[Bar("a", 2, ""), Bar("b", 1, ""), Bar("c", 0, "")],
                            scale_max=4))  # fmt: skip
    tracks = _widths(root, "chart-track")
    bars = _widths(root, "chart-bar")
    assert len(tracks) == 3 and len(bars) == 2  # a zero draws no bar, only its track
    assert bars[0] == pytest.approx(tracks[0] / 2, abs=0.1) and bars[1] == pytest.approx(tracks[0] / 4, abs=0.1)
    without_scale = _parse(bar_chart(chart_id="c", title="t", bars=[Bar("a", 2, ""), Bar("b", 1, "")]))
    assert _widths(without_scale, "chart-bar")[0] == pytest.approx(tracks[0], abs=0.1)  # the largest fills the track


def test_labels_and_texts_are_escaped_and_long_labels_cut():
    label = '<script>alert("x")</script> & ' + "très long " * 20
    svg = str(bar_chart(chart_id="c", title="Q <1>", bars=[Bar(label, 1, "1 & 2")]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "1 &amp; 2" in svg
    root = _parse(svg)
    drawn = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "chart-label"][0]
    assert drawn.endswith("…") and len(drawn) <= 60
    assert "très long très long" in root.find(f"{SVG}title").text  # the whole label stays in the alternative


def test_an_empty_chart_is_still_valid():
    root = _parse(bar_chart(chart_id="c", title="Rien", bars=[]))
    assert root.find(f"{SVG}title").text == "Rien."
    assert _parse(column_chart(chart_id="d", title="Rien", bars=[Bar("1", 0, "0")])).get("role") == "img"


def test_a_column_chart_draws_one_column_per_value_with_its_height():
    bars = [Bar(str(value), count, str(count)) for value, count in [(1, 0), (2, 1), (3, 4), (4, 2), (5, 2)]]
    root = _parse(column_chart(chart_id="r", title="Note", bars=bars))
    heights = [float(rect.get("height")) for rect in root.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]
    assert len(heights) == 4  # the zero draws nothing
    assert heights[1] == pytest.approx(4 * heights[0]) and heights[2] == pytest.approx(2 * heights[0])
    labels = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "chart-label"]
    assert labels == ["1", "2", "3", "4", "5"]


def test_a_stacked_chart_splits_each_row_by_share_with_a_legend():
    rows = [StackedRow("Lisibles", [3, 1, 0]), StackedRow("Utiles", [0, 0, 0])]
    with translation.override("fr"):
        svg = stacked_chart(chart_id="m", title="Cartels", rows=rows, legend=["Oui", "Bof", "Non"])
    root = _parse(svg)
    segments = [(rect.get("class"), float(rect.get("width"))) for rect in root.iter(f"{SVG}rect")
                if re.fullmatch(r"chart-seg-\d", rect.get("class") or "") and rect.get("height") == "20"]  # fmt: skip
    assert segments == [("chart-seg-0", 360.0), ("chart-seg-1", 120.0)]  # 75 % and 25 % of 480
    title = root.find(f"{SVG}title").text
    assert title.startswith("Cartels. Lisibles : Oui 75\u202f%, Bof 25\u202f%, Non 0\u202f%")
    legend = [text.text for text in root.iter(f"{SVG}text")][-3:]
    assert legend == ["Oui", "Bof", "Non"]


@pytest.mark.parametrize(
    ("share", "level"), [(0, 0), (0.01, 1), (0.2, 1), (0.21, 2), (0.5, 3), (0.6, 3), (0.61, 4), (0.8, 4), (1, 5)]
)
def test_heat_levels_go_by_fifths(share, level):
    assert heat_level(share) == level


# How wide DejaVu Sans Bold (system-ui's fallback on Linux) draws a value at 14 px: digits and most lowercase
# letters up to 0.7 em, "%" 1.0 em, "m" 1.04 em.
def _drawn_width(text: str) -> float:
    return sum({"%": 14.0, "m": 14.6}.get(char, 9.75) for char in text)


@pytest.mark.parametrize(
    "texts",
    [["1,96", "2,00", "2,04"], ["rang moyen 2,04", "rang moyen 12,50"], ["1042 (100,0\u202f%)", "7 (0,7\u202f%)"],
     ["12 345 (100,0\u202f%)"], ["3 (75 %)"]],
)  # fmt: skip
def test_the_text_beside_the_bars_stays_inside_the_drawing(texts):
    root = _parse(bar_chart(chart_id="c", title="t", bars=[Bar(f"L{n}", n + 1, text) for n, text in enumerate(texts)]))
    view_width = float(root.get("viewBox").split()[2])
    for node in root.iter(f"{SVG}text"):
        if node.get("class") == "chart-value":
            assert float(node.get("x")) + _drawn_width(node.text) <= view_width, node.text
    tracks = _widths(root, "chart-track")
    assert min(tracks) >= 240  # the bars keep their room


def test_percentages_are_written_as_the_language_does():
    with translation.override("fr"):
        assert percent_text(64.2857) == "64,3\u202f%"  # a narrow no-break space, a decimal comma
        assert percent_text(50, 0) == "50\u202f%"
    with translation.override("en"):
        assert percent_text(64.2857) == "64.3%"
        assert percent_text(100, 0) == "100%"
