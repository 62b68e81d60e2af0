"""The SVG sparkline of the KPI cards: gaps stay gaps, values as text, everything escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd

from metrics import charts
from metrics.charts import SPARK_PAD, SPARK_WIDTH, sparkline_svg
from metrics.i18n import Lang

SVG = "{http://www.w3.org/2000/svg}"


def trend(values: list[float | None], labels: list[str | None] | None = None) -> pd.DataFrame:
    years = list(range(2019, 2019 + len(values)))
    return pd.DataFrame(
        {"year": years, "value": values, "label": labels or [None] * len(values)}
    ).astype({"value": "float64"})


def x_of(year: int, first: int, last: int) -> float:
    return round(SPARK_PAD + (year - first) / (last - first) * (SPARK_WIDTH - 2 * SPARK_PAD), 1)


def test_suppressed_and_missing_points_are_gaps_never_drawn() -> None:
    # 2020 suppressed ("< 5"), 2023 without a value: the line breaks at both
    spark = sparkline_svg(
        trend(
            [10.0, None, 30.0, 40.0, None, 20.0, 25.0], [None, "< 5", None, None, None, None, None]
        ),
        unit="%",
        lang="de",
    )
    root = ET.fromstring(spark.svg)  # well-formed: an SVG image with an XML error shows nothing
    lines = root.findall(f"{SVG}polyline")
    circles = root.findall(f"{SVG}circle")
    # runs: [2019] alone (a dot, no line), [2021, 2022], [2024, 2025]
    assert len(lines) == 2
    assert [len(line.get("points", "").split()) for line in lines] == [2, 2]
    drawn_x = {float(c.get("cx", "nan")) for c in circles}
    assert drawn_x == {x_of(y, 2019, 2025) for y in (2019, 2021, 2022, 2024, 2025)}
    assert x_of(2020, 2019, 2025) not in drawn_x and x_of(2023, 2019, 2025) not in drawn_x
    for line in lines:
        xs = {float(point.split(",")[0]) for point in line.get("points", "").split()}
        assert not xs & {x_of(2020, 2019, 2025), x_of(2023, 2019, 2025)}


def test_values_are_the_accessible_text_in_the_users_format() -> None:
    frame = trend([1045.0, None, 1062.0], [None, "< 5", None])
    german = sparkline_svg(frame, unit="count", lang="de")
    assert german.text == "Verlauf: 2019: 1.045; 2020: < 5; 2021: 1.062"
    root = ET.fromstring(german.svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == german.text
    assert root.findtext(f"{SVG}title") == german.text
    shares = trend([52.634, 48.0])
    assert sparkline_svg(shares, unit="%", lang="de", target=50.0).text == (
        "Verlauf: 2019: 52,6 %; 2020: 48,0 %; Ziel: 50,0 %"
    )
    assert sparkline_svg(shares, unit="%", lang="en", target=50.0).text == (
        "Trend: 2019: 52.6 %; 2020: 48.0 %; Target: 50.0 %"
    )


def test_target_is_a_dashed_line_and_the_cards_year_is_marked() -> None:
    spark = sparkline_svg(
        trend([40.0, 45.0, 52.0]), unit="%", lang="de", target=50.0, highlight_year=2020
    )
    root = ET.fromstring(spark.svg)
    (target,) = root.findall(f"{SVG}line")
    assert target.get("stroke-dasharray")
    assert target.get("stroke") == "#D55E00"
    # the target lies inside the drawn range: between the 45 and 52 points
    ys = {c.findtext(f"{SVG}title"): float(c.get("cy", "nan")) for c in root.iter(f"{SVG}circle")}
    assert ys["2021: 52,0 %"] < float(target.get("y1", "nan")) < ys["2020: 45,0 %"]
    marked = [c for c in root.iter(f"{SVG}circle") if c.get("stroke")]
    assert [c.findtext(f"{SVG}title") for c in marked] == ["2020: 45,0 %"]


def test_text_is_escaped() -> None:
    spark = sparkline_svg(
        trend([None, 3.0, 4.0], ['<script>alert("x")</script> & co', None, None]),
        unit="count",
        lang="de",
    )
    assert "<script" not in spark.svg
    assert "&lt;script&gt;" in spark.svg and "&amp; co" in spark.svg
    root = ET.fromstring(spark.svg)
    assert root.get("aria-label", "").startswith('Verlauf: 2019: <script>alert("x")</script> & co;')


def test_a_flat_trend_and_a_lone_point_are_drawn_without_error() -> None:
    flat = ET.fromstring(sparkline_svg(trend([5.0, 5.0, 5.0]), unit="%", lang="de").svg)
    ys = {c.get("cy") for c in flat.iter(f"{SVG}circle")}
    assert len(ys) == 1 and all(re.fullmatch(r"\d+\.\d", y or "") for y in ys)
    lone = ET.fromstring(sparkline_svg(trend([None, 7.0, None]), unit="%", lang="de").svg)
    assert not lone.findall(f"{SVG}polyline") and len(lone.findall(f"{SVG}circle")) == 1


def test_trend_marks_withheld_points_and_drops_empty_series() -> None:
    from metrics.charts import trend_figure

    frame = pd.concat(
        [
            trend([10.0, None, 30.0], [None, "•", None]).assign(series="BA"),
            trend([None, None, None], ["•", "< 5", "•"]).assign(series="Kommune"),
        ]
    )
    figure = trend_figure(frame, title="t", unit="%", lang="de", series_column="series")
    names = [trace.name for trace in figure.data]
    # Kommune has nothing to show: no line and no legend entry; its withheld points are marked
    assert names == ["BA", "nicht ausgewiesen (Datenschutz)"]
    marks = figure.data[1]
    # one mark a year: two on 2020 drew "•" and "< 5" on top of each other, and the unified
    # hover label showed one of them
    assert list(marks.x) == [2019, 2020, 2021] and set(marks.y) == {0}
    # escaped for Plotly's HTML subset: the chart reads "• / < 5", the label each series' sign
    assert list(marks.text) == ["•", "• / &lt; 5", "•"]
    assert marks.hovertext[1] == (
        "BA: • – nicht ausgewiesen (Datenschutz)<br>"
        "Kommune: &lt; 5 – nicht ausgewiesen (Datenschutz)"
    )
    assert marks.hovertext[0] == "Kommune: • – nicht ausgewiesen (Datenschutz)"
    # the withheld point carries no value on the line itself
    assert pd.isna(figure.data[0].y[1])


def test_hover_labels_say_the_year_the_category_and_the_value_in_the_users_format() -> None:
    """The labels of a bar read "52,6 %  Frauenanteil..." (no category, the title as name cut
    at 15 characters), a trend's had no year and cut "Alle Führungskräfte"."""
    from metrics.charts import bar_figure, trend_figure

    levels = pd.DataFrame(
        {
            "category": ["Alle Führungskräfte", "Teamleitung"],
            "value": [52.634, None],
            "label": [None, "•"],
        }
    )
    languages: tuple[tuple[Lang, str], ...] = (("de", "52,6 %"), ("en", "52.6 %"))
    for lang, shown in languages:
        bars = bar_figure(
            levels, category_column="category", title="Frauenanteil je Ebene", unit="%", lang=lang
        )
        (trace,) = bars.data
        assert trace.hovertemplate == "%{x}: %{hovertext}<extra></extra>"
        assert list(trace.hovertext) == [shown, "•"]
        assert bars.layout.hoverlabel.namelength == -1 and bars.layout.hoverlabel.align == "left"
    lying = bar_figure(
        levels, category_column="category", title="t", unit="%", lang="de", horizontal=True
    )
    assert lying.data[0].hovertemplate == "%{y}: %{hovertext}<extra></extra>"
    counts = pd.DataFrame({"category": ["BA"], "value": [1066.0], "series": ["Frauen"]})
    grouped = bar_figure(
        counts,
        category_column="category",
        series_column="series",
        title="t",
        unit="count",
        lang="de",
    )
    # series have their name beside the value, thousands grouped as the page does
    assert grouped.data[0].hovertemplate == "%{x}: %{hovertext}<extra>%{fullData.name}</extra>"
    assert list(grouped.data[0].hovertext) == ["1.066"]
    line = trend_figure(
        trend([1066.0, 1070.0]).assign(series="Alle Führungskräfte"),
        title="t",
        unit="count",
        lang="en",
        series_column="series",
    )
    # "x": the year heads the unified label; the whole name beside each value
    assert line.data[0].hoverinfo == "x+text+name"
    assert list(line.data[0].hovertext) == ["1,066", "1,070"]
    assert line.layout.hovermode == "x unified" and line.layout.hoverlabel.namelength == -1


def test_a_survey_bar_hovers_with_its_interval_and_a_withheld_one_shows_its_sign() -> None:
    from metrics.charts import bar_figure

    waves = pd.DataFrame(
        {
            "wave": ["2022", "2025"],
            "series": ["Migrationshintergrund", "Migrationshintergrund"],
            "value": [20.1, None],
            "label": [None, "•"],
            "low": [17.04, None],
            "high": [23.4, None],
        }
    )
    figure = bar_figure(
        waves,
        category_column="wave",
        series_column="series",
        title="t",
        unit="%",
        lang="de",
        error_columns=("low", "high"),
    )
    (trace,) = figure.data
    assert list(trace.hovertext) == ["20,1 %<br>95-%-Intervall: 17,0 % – 23,4 %", "•"]
    # labels inside the bars (the error bars run above them), but a withheld bar has no
    # inside: its sign stood nowhere
    assert list(trace.textposition) == ["inside", "outside"]


def test_target_and_quota_lines_are_named_in_the_legend_not_over_the_bars() -> None:
    """A level's label beside its line covered a bar ("Ziel Inklusionsvereinbarung: 9,0 %"
    over the first carrier) or a trend's point, whatever corner it was put in."""
    frame = pd.DataFrame({"category": ["alle", "BA", "Kommune"], "value": [10.4, 11.8, 8.3]})
    frame["label"] = None
    figure = charts.bar_figure(
        frame,
        category_column="category",
        title="Quote",
        unit="%",
        lang="de",
        target=9.0,
        target_label="Ziel Inklusionsvereinbarung",
        lines=[("Pflichtquote", 5.0)],
    )
    assert not figure.layout.annotations
    assert sorted(shape.y0 for shape in figure.layout.shapes) == [5.0, 9.0]
    named = [trace for trace in figure.data if trace.type == "scatter"]
    assert [trace.name for trace in named] == [
        "Ziel Inklusionsvereinbarung: 9,0 %",
        "Pflichtquote: 5,0 %",
    ]
    assert [trace.line.dash for trace in named] == ["dash", "dot"]
    assert all(trace.showlegend for trace in named)
    # the highest bar's label has room above it
    assert figure.layout.yaxis.range[1] >= 11.8 * 1.15 - 1e-9
    trend = charts.trend_figure(
        pd.DataFrame({"year": [2024, 2025], "value": [8.0, 9.5], "label": [None, None]}),
        title="t",
        unit="%",
        lang="de",
        target=9.0,
        target_label="Ziel",
    )
    assert not trend.layout.annotations
    assert [t.name for t in trend.data if t.mode == "lines"] == ["Ziel: 9,0 %"]


def test_value_axes_group_thousands_and_year_axes_do_not() -> None:
    """The headcount axis read "1066"; a year must stay "2025"."""
    from metrics.charts import bar_figure, trend_figure

    bars = pd.DataFrame({"category": ["BA", "Kommune"], "value": [1066.0, 417.0]})
    upright = bar_figure(bars, category_column="category", title="t", unit="count", lang="de")
    lying = bar_figure(
        bars, category_column="category", title="t", unit="count", lang="de", horizontal=True
    )
    line = trend_figure(trend([1066.0, 1070.0, 1080.0]), title="t", unit="count", lang="de")
    assert upright.layout.yaxis.separatethousands and lying.layout.xaxis.separatethousands
    assert line.layout.yaxis.separatethousands
    assert not line.layout.xaxis.separatethousands and line.layout.xaxis.tickformat == "d"
    assert upright.layout.separators == ",."
