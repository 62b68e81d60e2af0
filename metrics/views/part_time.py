"""Teilzeit & flexibles Arbeiten: part-time by gender and level, mobile work, parental leave."""

from __future__ import annotations

from dataclasses import dataclass

from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.views.blocks import (
    ChartBlock,
    KpiCard,
    _as_of,
    _bar_block,
    _breakdown_block,
    _card,
    _trend_block,
    _view_subtitle,
)
from metrics.views.export import year_view
from metrics.views.inputs import PAGE_BREAKDOWN_KPIS, Filters, KpiHistory


@dataclass(frozen=True)
class PartTimeContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    by_gender: ChartBlock
    by_level: ChartBlock
    mobile: ChartBlock
    parental_leave: ChartBlock
    breakdown: ChartBlock | None


def build_part_time(history: KpiHistory, filters: Filters, lang: Lang) -> PartTimeContext:
    year, carrier = filters.year, filters.carrier
    assert year is not None
    women, men = (kpis.category_label("gender", g, lang) for g in ("w", "m"))
    everyone = t("view.all_staff", lang)
    by_gender = _trend_block(
        history,
        "part_time_gender",
        t("view.part_time_trend", lang),
        [
            ("part_time_share", everyone),
            ("part_time_share_women", women),
            ("part_time_share_men", men),
        ],
        carrier,
        lang,
    )
    levels = history.published(year).breakdown("part_time_share", "leadership", carrier)
    by_level = _bar_block(
        "part_time_level",
        t("view.part_time_by_level", lang, date=_as_of(history.published(year), lang)),
        [(kpis.category_label("leadership", row.category, lang), row.value) for row in levels],
        lang,
        category_label=t("view.level", lang),
        view=year_view(history, year, carrier, lang),
    )
    mobile = _trend_block(
        history,
        "mobile_work",
        t("view.mobile_trend", lang),
        [
            ("mobile_work_share", everyone),
            ("mobile_work_share.w", women),
            ("mobile_work_share.m", men),
        ],
        carrier,
        lang,
    )
    parental = _trend_block(
        history,
        "parental_leave",
        t("view.parental_trend", lang),
        [("parental_leave_men_share", kpis.kpi_label("parental_leave_men_share", lang))],
        carrier,
        lang,
    )
    cards = tuple(
        _card(history, kpi_id, year, carrier, lang)
        for kpi_id in (
            "part_time_share",
            "women_share_of_part_time",
            "part_time_leadership_share",
            "mobile_work_share",
            "parental_leave_men_share",
        )
    )
    return PartTimeContext(
        title=t("page.part_time", lang),
        subtitle=_view_subtitle(history, filters, lang),
        cards=cards,
        by_gender=by_gender,
        by_level=by_level,
        mobile=mobile,
        parental_leave=parental,
        breakdown=_breakdown_block(history, PAGE_BREAKDOWN_KPIS["part_time"], filters, lang),
    )
