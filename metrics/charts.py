"""Plotly figure builders: published DataFrame in, Figure out. One palette, de-DE separators.

Figures only ever receive frames that already passed ``metrics.disclosure``; suppressed points
have no value, never numbers: a trend marks them on its baseline with their sign, and the hover
text shows what the tables show. Every text of a figure (categories, legend, hover, title, line
labels) goes through `safe_text.plotly_text`: org-unit and pay-group names come from uploads,
and Plotly renders its HTML subset (links, styles) in all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from numbers import Real

import pandas as pd
import plotly.graph_objects as go

from metrics.formatting import format_value
from metrics.i18n import Lang, t
from metrics.safe_text import plotly_text

# Okabe–Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
TARGET_COLOUR = "#D55E00"
GRID_COLOUR = "#E5E5E5"


def wrap_title(title: str, width: int = 58) -> str:
    """Plotly does not wrap titles: break long ones at word boundaries."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def annotation_style() -> dict[str, object]:
    """Style of reference-line labels; a fresh dict each time, because Plotly writes the label's
    position into the dict it is given (a shared one moved every later label)."""
    return {"bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 12, "color": "#333333"}}


def base_layout(
    figure: go.Figure, *, title: str, lang: Lang, unit: str, height: int = 380
) -> go.Figure:
    wrapped = wrap_title(plotly_text(title))
    figure.update_layout(
        title={"text": wrapped, "x": 0, "xanchor": "left", "font": {"size": 15}},
        # German: decimal comma, thousands point
        separators=",." if lang == "de" else ".,",
        colorway=list(PALETTE),
        template="plotly_white",
        height=height,
        margin={"l": 10, "r": 10, "t": 50 + 20 * wrapped.count("<br>"), "b": 10},
        # legend below the x axis labels, never on top of them
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13},
        hovermode="x unified",
        # the whole series name ("Alle Führungskräfte" was cut to "Alle Führungskr..."), and
        # the lines of a label left-aligned
        hoverlabel={"namelength": -1, "align": "left"},
    )
    figure.update_yaxes(
        gridcolor=GRID_COLOUR,
        zeroline=False,
        ticksuffix=" %" if unit == "%" else "",
        rangemode="tozero",
        separatethousands=True,  # "1.066", not "1066" (year axes are x axes, tickformat "d")
    )
    figure.update_xaxes(showgrid=False)
    return figure


def _hover(unit: str, lang: Lang, series: pd.Series, labels: pd.Series | None) -> list[str]:
    texts = []
    for i, value in enumerate(series):
        label = None if labels is None else labels.iloc[i]
        if value is None or pd.isna(value):
            texts.append(plotly_text(label) if isinstance(label, str) and label else "–")
        else:
            texts.append(format_value(float(value), unit, lang))
    return texts


_NO_EXTRA = "<extra></extra>"  # a hover label without the trace name beside it


def _interval_text(low: object, high: object, unit: str, lang: Lang) -> str | None:
    """ "95-%-Intervall: 8,1 % – 12,3 %" in a survey bar's hover label (as its table says)."""
    if not isinstance(low, Real) or not isinstance(high, Real) or _missing(low) or _missing(high):
        return None
    bounds = f"{format_value(float(low), unit, lang)} – {format_value(float(high), unit, lang)}"
    return f"{t('view.interval', lang)}: {bounds}"


def _category(value: object) -> object:
    """A category as Plotly shows it; years and other numbers stay numbers (a numeric axis)."""
    return plotly_text(value) if isinstance(value, str) else value


def _level_label(label: str, level: float, unit: str, lang: Lang) -> str:
    return f"{plotly_text(label)}: {format_value(level, unit, lang)}"


def trend_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    unit: str,
    lang: Lang,
    series_column: str | None = None,
    target: float | None = None,
    target_label: str = "Ziel",
    extra_lines: Sequence[tuple[str, float]] = (),
) -> go.Figure:
    """Lines over `year` of `value` (one per `series_column` value), target and reference lines.

    `frame` has columns year, value and optionally label ("< k" for suppressed points).
    """
    figure = go.Figure()
    groups = (
        [(None, frame)] if series_column is None else list(frame.groupby(series_column, sort=False))
    )
    # per year, the signs of its withheld points and what each stands for ("Kommune: < 5")
    withheld: dict[object, list[tuple[str, str]]] = {}
    for index, (name, group) in enumerate(groups):
        labels = group.get("label")
        if labels is not None:
            for year, value, label in zip(group["year"], group["value"], labels, strict=True):
                if _missing(value) and isinstance(label, str) and label:
                    text = label if name is None else f"{name}: {label}"
                    withheld.setdefault(year, []).append((label, plotly_text(text)))
        if group["value"].map(_missing).all():
            continue  # a series with nothing to show has no place in the legend
        figure.add_trace(
            go.Scatter(
                x=group["year"],
                y=group["value"],
                name=plotly_text(name if name is not None else title),
                mode="lines+markers",
                line={"color": PALETTE[index % len(PALETTE)], "width": 3},
                marker={"size": 8},
                connectgaps=False,
                hovertext=_hover(unit, lang, group["value"], labels),
                # x: the year heads the unified hover label (without it the label had none)
                hoverinfo="x+text+name",
                showlegend=series_column is not None,
            )
        )
    if withheld:
        # withheld points are marked on the baseline, not left as silent gaps (CONTRACT § 3):
        # one mark per year with its signs, and every series' sign in its hover label (two
        # marks on one year drew their signs on top of each other, and the hover showed one)
        years = sorted(withheld, key=float)  # type: ignore[arg-type]
        withheld_text = t("chart.withheld", lang)
        figure.add_trace(
            go.Scatter(
                x=years,
                y=[0] * len(years),
                name=t("chart.withheld", lang),
                mode="markers+text",
                marker={
                    "symbol": "circle-open",
                    "size": 11,
                    "color": "#767676",
                    "line": {"width": 2},
                },
                text=[
                    plotly_text(" / ".join(dict.fromkeys(sign for sign, _ in withheld[year])))
                    for year in years
                ],
                textposition="top center",
                textfont={"color": "#555555", "size": 16},
                cliponaxis=False,  # on the baseline: half of the marker would be cut off
                hovertext=[
                    "<br>".join(f"{text} – {withheld_text}" for _, text in withheld[year])
                    for year in years
                ],
                hoverinfo="text",
                showlegend=True,
            )
        )
    if target is not None:
        line = {"color": TARGET_COLOUR, "dash": "dash", "width": 2}
        add_level(figure, target, line, _level_label(target_label, target, unit, lang))
    for index, (label, value) in enumerate(extra_lines):
        line = {"color": PALETTE[(index + 4) % len(PALETTE)], "dash": "dot", "width": 2}
        add_level(figure, value, line, _level_label(label, value, unit, lang))
    base_layout(figure, title=title, lang=lang, unit=unit)
    figure.update_xaxes(dtick=1, tickformat="d")
    return figure


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def bar_figure(
    frame: pd.DataFrame,
    *,
    category_column: str,
    title: str,
    unit: str,
    lang: Lang,
    series_column: str | None = None,
    target: float | None = None,
    target_label: str = "Ziel",
    lines: Sequence[tuple[str, float]] = (),
    horizontal: bool = False,
    error_columns: tuple[str, str] | None = None,
) -> go.Figure:
    """Bars of `value` per category (grouped by `series_column`), the target and other
    labelled levels (a legal quota, say) as dashed lines, and error bars from (low, high)
    columns."""
    figure = go.Figure()
    groups = (
        [(None, frame)] if series_column is None else list(frame.groupby(series_column, sort=False))
    )
    for index, (name, group) in enumerate(groups):
        labels = group.get("label")
        values = group["value"]
        error = None
        if error_columns is not None:
            low, high = (group[c] for c in error_columns)
            error = {
                "type": "data",
                "symmetric": False,
                "array": (high - values).tolist(),
                "arrayminus": (values - low).tolist(),
                "color": "#555555",
            }
        texts = _hover(unit, lang, values, labels)
        hover = texts
        if error_columns is not None:
            intervals = [
                None if _missing(value) else _interval_text(low, high, unit, lang)
                for value, low, high in zip(
                    values, group[error_columns[0]], group[error_columns[1]], strict=True
                )
            ]
            hover = [
                f"{text}<br>{interval}" if interval else text
                for text, interval in zip(texts, intervals, strict=True)
            ]
        axis = (
            {"x": values, "y": group[category_column].map(_category)}
            if horizontal
            else {"x": group[category_column].map(_category), "y": values}
        )
        figure.add_trace(
            go.Bar(
                **axis,
                name=plotly_text(name if name is not None else title),
                orientation="h" if horizontal else "v",
                marker_color=PALETTE[index % len(PALETTE)],
                text=texts,
                # error bars would run through labels placed above the bars; a withheld bar
                # has no inside, its sign stands on the baseline
                textposition=[
                    "outside" if not error or _missing(value) else "inside" for value in values
                ],
                insidetextanchor="start",
                hovertext=hover,
                # the category and its value ("Teamleitung: 52,6 %"); the series' name only
                # where there are series (a lone series was named by the title, cut at 15
                # characters: "Frauenanteil...")
                hovertemplate=f"%{{{'y' if horizontal else 'x'}}}: %{{hovertext}}"
                + ("<extra>%{fullData.name}</extra>" if series_column is not None else _NO_EXTRA),
                showlegend=series_column is not None,
                **({"error_x" if horizontal else "error_y": error} if error else {}),
            )
        )
    levels = [*([(target_label, target)] if target is not None else []), *lines]
    for index, (label, level) in enumerate(levels):
        # a second level (the legal quota beside the target) is dotted: the legend tells them apart
        line = {"color": TARGET_COLOUR, "dash": "dash" if index == 0 else "dot", "width": 2}
        text = _level_label(label, level, unit, lang)
        if horizontal:
            figure.add_vline(
                x=level, line=line, annotation_text=text, annotation=annotation_style()
            )
        else:
            add_level(figure, level, line, text)
    base_layout(figure, title=title, lang=lang, unit=unit)
    figure.update_layout(barmode="group", hovermode="closest")
    if not horizontal:
        # room above the highest bar for its value label ("11,8 %" was cut at the top)
        drawn = [float(v) for v in frame["value"] if not _missing(v)]
        top = max([*drawn, *(level for _, level in levels)], default=0.0)
        if top > 0:
            figure.update_yaxes(range=[0, top * 1.15])
    if horizontal:
        # room for the value label beyond the longest bar ("22,0 %" ran past the chart's edge)
        drawn = [float(v) for v in frame["value"] if not _missing(v)]
        levels_drawn = [level for _, level in levels]
        top = max([*drawn, *levels_drawn], default=0.0)
        figure.update_xaxes(
            ticksuffix=" %" if unit == "%" else "",
            rangemode="tozero",
            separatethousands=True,
            **({"range": [0, top * 1.25]} if top > 0 else {}),
        )
        figure.update_yaxes(ticksuffix="", autorange="reversed")
    return figure


def add_level(figure: go.Figure, level: float, line: Mapping[str, object], text: str) -> None:
    """A target or reference level: a line across the chart, named in the legend. Its label
    drawn beside the line covered bars and points ("Ziel Inklusionsvereinbarung" hid the
    Kommune's 2023 point) whatever corner it went to."""
    figure.add_hline(y=level, line=line)
    figure.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines",
            line=line,
            name=plotly_text(text),
            showlegend=True,
            hoverinfo="skip",
        )
    )


@dataclass(frozen=True)
class Sparkline:
    """A KPI card's small trend as SVG, and the same values as text (its accessible name,
    also what a screen reader reads and what the disclosure scan checks)."""

    svg: str
    text: str


# viewBox of a sparkline; the SVG scales to the card's width keeping this aspect ratio
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 300.0, 56.0, 6.0


def sparkline_svg(
    frame: pd.DataFrame,
    *,
    unit: str,
    lang: Lang,
    target: float | None = None,
    highlight_year: int | None = None,
) -> Sparkline:
    """A small trend for a KPI card as SVG markup: no axes, no legend, no script.

    `frame` is a published trend (columns year, value, label as from `KpiHistory.trend`). A
    point without a value (suppressed: label "< k", or not computed) is a gap: the line breaks
    there and nothing is drawn for it. Years absent from the frame are not points (a survey has
    values only in its waves), as in the Plotly trends. The target is a dashed line, the point of
    `highlight_year` (the card's year) is marked. Every point carries its displayed value as a
    tooltip (<title>); the whole trend as text is the SVG's accessible name.
    """
    rows = [
        (int(year), None if value is None or pd.isna(value) else float(value), label)
        for year, value, label in zip(
            frame["year"],
            frame["value"],
            frame["label"] if "label" in frame else [None] * len(frame),
            strict=True,
        )
    ]
    texts = [f"{year}: {_display_text(value, label, unit, lang)}" for year, value, label in rows]
    summary = f"{t('chart.sparkline', lang)}: " + "; ".join(texts)
    if target is not None:
        summary += f"; {t('app.target', lang)}: {format_value(target, unit, lang)}"

    values = [value for _, value, _ in rows if value is not None]
    scale = [*values, *([target] if target is not None else [])]
    low, high = (min(scale), max(scale)) if scale else (0.0, 1.0)
    if high == low:  # a flat line in the middle
        low, high = low - 1, high + 1
    years = [year for year, _, _ in rows]
    first, last = (min(years), max(years)) if years else (0, 1)
    span = max(last - first, 1)

    def x(year: int) -> float:
        return SPARK_PAD + (year - first) / span * (SPARK_WIDTH - 2 * SPARK_PAD)

    def y(value: float) -> float:
        return SPARK_PAD + (high - value) / (high - low) * (SPARK_HEIGHT - 2 * SPARK_PAD)

    parts = [
        f'<svg class="kpi-sparkline" xmlns="http://www.w3.org/2000/svg" role="img" '
        # an intrinsic size (the page scales it to the card's width): usable as an <img> too
        f'viewBox="0 0 {SPARK_WIDTH:.0f} {SPARK_HEIGHT:.0f}" '
        f'width="{SPARK_WIDTH:.0f}" height="{SPARK_HEIGHT:.0f}" aria-label="{escape(summary)}">',
        f"<title>{escape(summary)}</title>",
    ]
    if target is not None:
        parts.append(
            f'<line x1="0" x2="{SPARK_WIDTH:.0f}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
    # one polyline per run of consecutive published points: a gap breaks the line
    runs: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] = []
    for year, value, _ in rows:
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x(year), y(value)))
    if run:
        runs.append(run)
    for points in runs:
        if len(points) > 1:
            coordinates = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{PALETTE[0]}" '
                'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
            )
    for (year, value, _), text in zip(rows, texts, strict=True):
        if value is None:
            continue
        marked = year == highlight_year
        parts.append(
            f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="{4 if marked else 2.5}" '
            f'fill="{PALETTE[0]}"'
            + (' stroke="#FFFFFF" stroke-width="1.5"' if marked else "")
            + f"><title>{escape(text)}</title></circle>"
        )
    parts.append("</svg>")
    return Sparkline(svg="".join(parts), text=summary)


def _display_text(value: float | None, label: object, unit: str, lang: Lang) -> str:
    """A point as the tables show it: its value, its suppression label ("< 5") or "–"."""
    if value is None:
        return label if isinstance(label, str) and label else "–"
    return format_value(value, unit, lang)
