"""Frauen in Führung: the women's share per leadership level, the representation index and
the BGleiG under-representation per pay group and level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from metrics.contract import LEADERSHIP_LEVELS
from metrics.formatting import format_number
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.views.blocks import (
    ChartBlock,
    KpiCard,
    TableBlock,
    _as_of,
    _bar_block,
    _breakdown_block,
    _card,
    _display,
    _suppressed_from_labels,
    _suppressed_k,
    _trend_block,
    _view_subtitle,
)
from metrics.views.export import export_cell, export_column, unit_header, year_view
from metrics.views.inputs import PAGE_BREAKDOWN_KPIS, Filters, KpiHistory


@dataclass(frozen=True)
class LeadershipContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    trend: ChartBlock
    pipeline: ChartBlock
    underrepresentation: TableBlock
    breakdown: ChartBlock | None
    # what it takes to reach the target, per level (None without a target)
    to_target: TableBlock | None = None


def build_women_leadership(history: KpiHistory, filters: Filters, lang: Lang) -> LeadershipContext:
    year, carrier = filters.year, filters.carrier
    assert year is not None
    values = history.values(year, carrier)
    target = history.settings.target("women_leadership_share")
    level_ids = [f"women_leadership_share_by_level.{level}" for level in LEADERSHIP_LEVELS]
    trend = _trend_block(
        history,
        "leadership_trend",
        t("view.leadership_trend", lang),
        [
            ("women_leadership_share", t("view.all_leaders", lang)),
            *[
                (kpi_id, kpis.category_label("leadership", level, lang))
                for kpi_id, level in zip(level_ids, LEADERSHIP_LEVELS, strict=True)
            ],
        ],
        carrier,
        lang,
        target=target,
    )
    as_of = _as_of(history.published(year), lang)
    pipeline = _bar_block(
        "leadership_pipeline",
        t("view.pipeline", lang, date=as_of),
        [
            (t("view.staff", lang), values.get("women_share")),
            *[
                (kpis.category_label("leadership", level, lang), values.get(kpi_id))
                for kpi_id, level in zip(level_ids, LEADERSHIP_LEVELS, strict=True)
            ],
        ],
        lang,
        target=target,
        category_label=t("view.level", lang),
        view=year_view(history, year, carrier, lang),
    )
    cards = tuple(
        _card(history, kpi_id, year, carrier, lang)
        for kpi_id in (
            "women_leadership_share",
            "leadership_representation_index",
            "women_deputy_share",
            "part_time_leadership_share",
        )
    )
    return LeadershipContext(
        title=t("page.women_leadership", lang),
        subtitle=_view_subtitle(history, filters, lang),
        cards=cards,
        trend=trend,
        pipeline=pipeline,
        underrepresentation=_underrepresentation_block(history, year, carrier, lang),
        breakdown=_breakdown_block(history, PAGE_BREAKDOWN_KPIS["women_leadership"], filters, lang),
        to_target=_to_target_block(values, level_ids, as_of, lang),
    )


def _to_target_block(
    values: Mapping[str, KpiValue], level_ids: list[str], as_of: str, lang: Lang
) -> TableBlock | None:
    """Per level and for all leaders: the women's share, the target and how many more women
    among as many leaders reach it (from the published counts: kpis.persons_to_target)."""
    rows = [
        (t("view.all_leaders", lang), values.get("women_leadership_share")),
        *[
            (kpis.category_label("leadership", kpi_id.rsplit(".", 1)[1], lang), values.get(kpi_id))
            for kpi_id in level_ids
        ],
    ]
    # a level without leaders (no value, nothing withheld) has nothing to reach
    shown = [
        (name, value)
        for name, value in rows
        if value is not None
        and value.target is not None
        and (value.value is not None or value.suppressed)
    ]
    if not shown:
        return None

    def needed(value: KpiValue) -> str:
        if value.value is not None and not value.suppressed and value.value >= value.target:  # type: ignore[operator]
            return t("view.target_reached", lang)
        count = kpis.persons_to_target(value)
        return "–" if count is None else format_number(count, lang)

    table = pd.DataFrame(
        {
            t("view.level", lang): [name for name, _ in shown],
            t("view.women_share", lang): [kpis.format_kpi_value(v, lang) for _, v in shown],
            t("app.target", lang): [kpis.format_target(v, lang) for _, v in shown],
            t("view.women_to_target", lang): [needed(v) for _, v in shown],
        }
    )
    # the CSV: the same rows, the share and the target in percent, the women as a count
    export = pd.DataFrame(
        {
            t("view.level", lang): table[t("view.level", lang)],
            unit_header(t("view.women_share", lang), "%"): export_column(
                export_cell(v.value, v.label, "%") for _, v in shown
            ),
            unit_header(t("app.target", lang), "%"): export_column(v.target for _, v in shown),
            t("view.women_to_target", lang): export_column(
                text
                if text == t("view.target_reached", lang)
                else export_cell(kpis.persons_to_target(v), None, "count")
                for text, (_, v) in zip(table[t("view.women_to_target", lang)], shown, strict=True)
            ),
        }
    )
    return TableBlock(
        "leadership_to_target",
        t("view.to_target_title", lang, date=as_of),
        table,
        _suppressed_k([v for _, v in shown]),
        (t("view.to_target_note", lang),),
        export,
    )


def _underrepresentation_block(
    history: KpiHistory, year: int, carrier: str | None, lang: Lang
) -> TableBlock:
    frame = history.published(year).underrepresentation(carrier)
    gender_names = {g: kpis.category_label("gender", g, lang) for g in ("w", "m")}

    def count(value: float | None, label: object) -> str:
        return _display(value, label, "count", lang)

    def verdict(row: pd.Series) -> str:
        if not row["assessed"]:
            return t("view.not_assessed", lang)
        if row["underrepresented"] in gender_names:
            return gender_names[row["underrepresented"]]
        return t("view.balanced", lang)

    table = pd.DataFrame(
        {
            t("view.area_kind", lang): [kpis.dimension_label(d, lang) for d in frame["dimension"]],
            t("view.area", lang): [
                kpis.category_label(d, a, lang)
                for d, a in zip(frame["dimension"], frame["area"], strict=True)
            ],
            gender_names["w"]: [
                count(v, lab) for v, lab in zip(frame["women"], frame["label"], strict=True)
            ],
            gender_names["m"]: [
                count(v, lab) for v, lab in zip(frame["men"], frame["label"], strict=True)
            ],
            t("view.underrepresented", lang): [verdict(row) for _, row in frame.iterrows()],
        }
    )
    # the CSV: the same rows, the counts as whole numbers (or their sign)
    export = table.copy()
    for column, counts in ((gender_names["w"], frame["women"]), (gender_names["m"], frame["men"])):
        export[column] = export_column(
            export_cell(v, lab, "count") for v, lab in zip(counts, frame["label"], strict=True)
        ).set_axis(export.index)
    return TableBlock(
        "underrepresentation",
        t("view.underrepresentation_title", lang, date=_as_of(history.published(year), lang)),
        table,
        _suppressed_from_labels(frame),
        (t("view.underrepresentation_note", lang, k=history.settings.k_ordinary),),
        export=export,
    )
