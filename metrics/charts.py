"""Plotly figure builders: published DataFrame in, Figure out. One palette, de-DE separators.

Figures only ever receive frames that already passed ``metrics.disclosure``; suppressed points
are gaps (value None), never numbers, and the hover text shows what the tables show.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from metrics.i18n import Lang, format_number

# Okabe–Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
TARGET_COLOUR = "#D55E00"
GRID_COLOUR = "#E5E5E5"


def format_value(value: float | None, unit: str, lang: Lang) -> str:
    """A published value as the UI shows it: '8,7 %', '1.052', '0,93'."""
    if value is None:
        return "–"
    if unit == "%":
        return f"{format_number(value, lang, 1)} %"
    if unit == "count":
        return format_number(value, lang, 0)
    if unit == "€":
        return f"{format_number(value, lang, 0)} €"
    return format_number(value, lang, 2)


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
    wrapped = wrap_title(title)
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
    )
    figure.update_yaxes(
        gridcolor=GRID_COLOUR,
        zeroline=False,
        ticksuffix=" %" if unit == "%" else "",
        rangemode="tozero",
    )
    figure.update_xaxes(showgrid=False)
    return figure


def _hover(unit: str, lang: Lang, series: pd.Series, labels: pd.Series | None) -> list[str]:
    texts = []
    for i, value in enumerate(series):
        label = None if labels is None else labels.iloc[i]
        if value is None or pd.isna(value):
            texts.append(label if isinstance(label, str) and label else "–")
        else:
            texts.append(format_value(float(value), unit, lang))
    return texts


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
    for index, (name, group) in enumerate(groups):
        labels = group.get("label")
        figure.add_trace(
            go.Scatter(
                x=group["year"],
                y=group["value"],
                name=str(name) if name is not None else title,
                mode="lines+markers",
                line={"color": PALETTE[index % len(PALETTE)], "width": 3},
                marker={"size": 8},
                connectgaps=False,
                hovertext=_hover(unit, lang, group["value"], labels),
                hoverinfo="text+name",
                showlegend=series_column is not None,
            )
        )
    if target is not None:
        figure.add_hline(
            y=target,
            line={"color": TARGET_COLOUR, "dash": "dash", "width": 2},
            annotation_text=f"{target_label}: {format_value(target, unit, lang)}",
            annotation_position="top left",
            annotation=annotation_style(),
        )
    for index, (label, value) in enumerate(extra_lines):
        figure.add_hline(
            y=value,
            line={"color": PALETTE[(index + 4) % len(PALETTE)], "dash": "dot", "width": 2},
            annotation_text=f"{label}: {format_value(value, unit, lang)}",
            annotation_position="bottom right",
            annotation=annotation_style(),
        )
    base_layout(figure, title=title, lang=lang, unit=unit)
    figure.update_xaxes(dtick=1, tickformat="d")
    return figure


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
    horizontal: bool = False,
    error_columns: tuple[str, str] | None = None,
) -> go.Figure:
    """Bars of `value` per category (grouped by `series_column`), optional target line and
    error bars from (low, high) columns."""
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
        axis = (
            {"x": values, "y": group[category_column]}
            if horizontal
            else {"x": group[category_column], "y": values}
        )
        figure.add_trace(
            go.Bar(
                **axis,
                name=str(name) if name is not None else title,
                orientation="h" if horizontal else "v",
                marker_color=PALETTE[index % len(PALETTE)],
                text=texts,
                # error bars would run through labels placed above the bars
                textposition="inside" if error else "outside",
                insidetextanchor="start",
                hovertext=texts,
                hoverinfo="text+name",
                showlegend=series_column is not None,
                **({"error_x" if horizontal else "error_y": error} if error else {}),
            )
        )
    if target is not None:
        line = {"color": TARGET_COLOUR, "dash": "dash", "width": 2}
        text = f"{target_label}: {format_value(target, unit, lang)}"
        if horizontal:
            figure.add_vline(
                x=target, line=line, annotation_text=text, annotation=annotation_style()
            )
        else:
            figure.add_hline(
                y=target,
                line=line,
                annotation_text=text,
                annotation_position="top right",
                annotation=annotation_style(),
            )
    base_layout(figure, title=title, lang=lang, unit=unit)
    figure.update_layout(barmode="group", hovermode="closest")
    if horizontal:
        figure.update_xaxes(ticksuffix=" %" if unit == "%" else "", rangemode="tozero")
        figure.update_yaxes(ticksuffix="", autorange="reversed")
    return figure


def sparkline(
    frame: pd.DataFrame, *, unit: str, lang: Lang, target: float | None = None
) -> go.Figure:
    """A small trend for a KPI card: no axes titles, no legend."""
    figure = go.Figure(
        go.Scatter(
            x=frame["year"],
            y=frame["value"],
            mode="lines+markers",
            line={"color": PALETTE[0], "width": 2},
            marker={"size": 4},
            connectgaps=False,
            hovertext=_hover(unit, lang, frame["value"], frame.get("label")),
            hoverinfo="text",
        )
    )
    if target is not None:
        figure.add_hline(y=target, line={"color": TARGET_COLOUR, "dash": "dash", "width": 1})
    figure.update_layout(
        height=90,
        margin={"l": 0, "r": 0, "t": 4, "b": 0},
        showlegend=False,
        template="plotly_white",
        separators=",." if lang == "de" else ".,",
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure
