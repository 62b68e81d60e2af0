"""Migrationshintergrund: the survey's shares per wave with their intervals and the
benchmarks, and the breakdowns the survey allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metrics import charts
from metrics.formatting import format_value
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.views.blocks import (
    ChartBlock,
    KpiCard,
    TableBlock,
    _card,
    _display,
    _drawn,
    _suppressed_from_labels,
    _value_text,
    _wide_table,
)
from metrics.views.export import (
    export_cell,
    export_column,
    picture_text,
    survey_view,
    unit_header,
)
from metrics.views.inputs import Filters, KpiHistory


@dataclass(frozen=True)
class MigrationContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    waves: ChartBlock | None
    response: TableBlock | None
    leaders: ChartBlock | None
    breakdown: ChartBlock | None
    notes: tuple[str, ...] = field(default=())


SURVEY_KPIS = ("migration_background_share", "immigration_history_share")


def build_migration(history: KpiHistory, filters: Filters, lang: Lang) -> MigrationContext:
    year = filters.year
    # the survey is anonymous and joint: no carrier view (CONTRACT § 2)
    notes = (t("app.not_in_carrier_view", lang),) if filters.carrier else ()
    waves = [
        w
        for w in history.years
        if year is not None
        and w <= year
        and history.values(w).get("survey_response_rate") is not None
        and history.values(w)["survey_response_rate"].extra.get("wave") == w
    ]
    if not waves:
        return MigrationContext(t("page.migration", lang), "", (), None, None, None, None, notes)
    rows = []
    for wave in waves:
        values = history.values(wave)
        for kpi_id in SURVEY_KPIS:
            value = values[kpi_id]
            rows.append(
                {
                    "wave": str(wave),
                    "series": kpis.kpi_label(kpi_id, lang),
                    "value": value.value,
                    "label": value.label,
                    "low": value.extra.get("ci_low", value.value),
                    "high": value.extra.get("ci_high", value.value),
                    "k": value.k if value.suppressed else None,  # for the footnote on signs
                }
            )
    frame = pd.DataFrame(rows)
    benchmarks = [
        (f"{b.label(lang)} ({b.year})", b.value)
        for kpi_id in SURVEY_KPIS
        for b in history.settings.benchmarks_for(kpi_id)
    ]
    title = t("view.waves_title", lang)
    figure = charts.bar_figure(
        frame,
        category_column="wave",
        series_column="series",
        title=title,
        unit="%",
        lang=lang,
        error_columns=("low", "high"),
    )
    for index, (label, level) in enumerate(benchmarks):
        figure.add_hline(
            y=level,
            line={"color": charts.PALETTE[5 + index % 3], "dash": "dot"},
            annotation_text=f"{label}: {format_value(level, '%', lang)}",
            annotation_position="top right" if index % 2 else "top left",
            annotation=charts.annotation_style(),
        )
    table = pd.DataFrame(
        {
            t("view.wave", lang, wave="").strip(): frame["wave"],
            t("view.definition", lang): frame["series"],
            t("view.value", lang): [
                _display(v, lab, "%", lang)
                for v, lab in zip(frame["value"], frame["label"], strict=True)
            ],
            t("view.interval", lang): [
                "–"
                if isinstance(lab, str) and lab
                else f"{format_value(lo, '%', lang)} – {format_value(hi, '%', lang)}"
                for lo, hi, lab in zip(frame["low"], frame["high"], frame["label"], strict=True)
            ],
        }
    )
    withheld = [isinstance(lab, str) and bool(lab) for lab in frame["label"]]
    export = pd.DataFrame(
        {
            t("view.wave", lang, wave="").strip(): [int(w) for w in frame["wave"]],
            t("view.definition", lang): frame["series"],
            unit_header(t("view.value", lang), "%"): export_column(
                export_cell(v, lab, "%")
                for v, lab in zip(frame["value"], frame["label"], strict=True)
            ),
            **{
                unit_header(t(key, lang), "%"): export_column(
                    None if hidden else export_cell(bound, None, "%")
                    for bound, hidden in zip(frame[column], withheld, strict=True)
                )
                for key, column in (("view.interval_low", "low"), ("view.interval_high", "high"))
            },
        }
    )
    source_notes = tuple(
        t("view.benchmark_source", lang, label=b.label(lang), source=b.source)
        for kpi_id in SURVEY_KPIS
        for b in history.settings.benchmarks_for(kpi_id)
    )
    suppressed_k = _suppressed_from_labels(frame)
    waves_block = ChartBlock(
        "survey_waves",
        title,
        figure,
        table,
        suppressed_k,
        (t("view.interval_note", lang), *source_notes),
        drawn=_drawn(frame),
        export=export,
        picture=picture_text(survey_view(waves[-1], lang), SURVEY_KPIS, suppressed_k, lang),
    )
    response_values = [history.values(w)["survey_response_rate"] for w in waves]
    response = TableBlock(
        "survey_response",
        t("view.response_title", lang),
        pd.DataFrame(
            {
                t("view.wave", lang, wave="").strip(): [str(w) for w in waves],
                t("view.response_rate", lang): [_value_text(v, lang) for v in response_values],
            }
        ),
        export=pd.DataFrame(
            {
                t("view.wave", lang, wave="").strip(): waves,
                unit_header(t("view.response_rate", lang), "%"): export_column(
                    export_cell(v.value, v.label, "%") for v in response_values
                ),
            }
        ),
    )
    latest = waves[-1]
    leaders = _survey_breakdown(history, latest, "leadership", lang)
    breakdown = None
    if filters.breakdown == "gender":
        breakdown = _survey_breakdown(history, latest, "gender", lang)
    cards = tuple(
        _card(history, kpi_id, latest, None, lang)
        for kpi_id in (*SURVEY_KPIS, "survey_response_rate")
    )
    return MigrationContext(
        t("page.migration", lang),
        t("view.survey_subtitle", lang, wave=latest),
        cards,
        waves_block,
        response,
        leaders,
        breakdown,
        notes,
    )


def _survey_breakdown(
    history: KpiHistory, wave: int, dimension: str, lang: Lang
) -> ChartBlock | None:
    rows = []
    for kpi_id in SURVEY_KPIS:
        for row in history.published(wave).breakdown(kpi_id, dimension):
            rows.append(
                {
                    "category": kpis.category_label(dimension, row.category, lang),
                    "series": kpis.kpi_label(kpi_id, lang),
                    "value": row.value.value,
                    "label": row.value.label,
                    "k": row.value.k,
                }
            )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    title = t(
        "view.survey_breakdown_title",
        lang,
        dimension=kpis.dimension_label(dimension, lang),
        wave=wave,
    )
    figure = charts.bar_figure(
        frame, category_column="category", series_column="series", title=title, unit="%", lang=lang
    )
    grouped = frame.rename(columns={"category": "group"})
    index_label = kpis.dimension_label(dimension, lang)
    table = _wide_table(grouped, lang, "%", index="group", index_label=index_label)
    export = _wide_table(grouped, lang, "%", index="group", index_label=index_label, export=True)
    suppressed_k = _suppressed_from_labels(frame)
    return ChartBlock(
        f"survey_{dimension}",
        title,
        figure,
        table,
        suppressed_k,
        drawn=_drawn(frame),
        export=export,
        picture=picture_text(survey_view(wave, lang), SURVEY_KPIS, suppressed_k, lang),
    )
