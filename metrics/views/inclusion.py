"""Inklusion: the SGB IX quota (legal method) and the internal target, per carrier, with the
months, Soll, unfilled places and the levy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from metrics.contract import CARRIERS
from metrics.formatting import format_number, format_value
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.views.blocks import (
    ChartBlock,
    KpiCard,
    TableBlock,
    _bar_block,
    _breakdown_block,
    _card,
    _suppressed_k,
    _trend_block,
    _value_text,
    _view_subtitle,
)
from metrics.views.export import (
    applications_view,
    export_cell,
    export_column,
    unit_header,
    year_view,
)
from metrics.views.inputs import PAGE_BREAKDOWN_KPIS, Filters, KpiHistory


@dataclass(frozen=True)
class InclusionContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    quota: ChartBlock
    trend: ChartBlock
    notices: TableBlock
    applicants: ChartBlock
    breakdown: ChartBlock | None


def _views_of(carrier: str | None) -> tuple[str | None, ...]:
    return (None, *CARRIERS) if carrier is None else (carrier,)


def _quota_id(view: str | None) -> str:
    return "sb_quota" if view is None else f"sb_quota.{view}"


def build_inclusion(history: KpiHistory, filters: Filters, lang: Lang) -> InclusionContext:
    year, carrier = filters.year, filters.carrier
    assert year is not None
    settings = history.settings
    values = history.values(year)  # the quota per carrier is part of the all-carrier view
    # the legal 5 % (§ 154 SGB IX, the same for both carriers) and the internal target, as the
    # settings have them: a line the settings lack is left out, never invented
    targets = (
        (t("view.legal_quota", lang), settings.target("sb_quota.BA")),
        (t("view.internal_target", lang), settings.target("sb_quota")),
    )
    target_lines = tuple((label, value) for label, value in targets if value is not None)

    def view_name(view: str | None) -> str:
        return t("combined", lang) if view is None else view

    quota = _bar_block(
        "sb_quota",
        t("view.sb_quota_title", lang, year=year),
        [(view_name(v), values.get(_quota_id(v))) for v in _views_of(carrier)],
        lang,
        lines=target_lines,
        category_label=t("app.carrier", lang),
        view=year_view(history, year, carrier, lang),
    )
    trend = _trend_block(
        history,
        "sb_quota_trend",
        t("view.sb_quota_trend", lang),
        [(_quota_id(v), view_name(v)) for v in _views_of(carrier)],
        None,
        lang,
        extra_lines=target_lines,
        view_of=carrier,
    )
    tables = history.published(year).sb_quota_tables()
    notices = _notice_table(tables, _views_of(carrier), lang, view_name)
    applicant_values = history.values(year, carrier)
    applicants = _bar_block(
        "sb_applicants",
        t("view.sb_applicants_title", lang, year=year),
        [
            (
                kpis.kpi_label("sb_applicant_share", lang),
                applicant_values.get("sb_applicant_share"),
            ),
            (t("view.invite_rate_disclosing", lang), applicant_values.get("sb_invite_rate")),
            (t("view.invite_rate_others", lang), applicant_values.get("sb_invite_rate.others")),
        ],
        lang,
        horizontal=True,
        notes=(t("view.applicants_note", lang),),
        view=applications_view(year, carrier, lang),
    )
    # "sb_quota" in the carrier's own view is the carrier's quota (the chart's sb_quota.<carrier>
    # of the all-carrier view), as on the overview
    cards = tuple(
        _card(history, kpi_id, year, carrier, lang)
        for kpi_id in ("sb_quota", "sb_headcount_share", "sb_applicant_share")
    )
    return InclusionContext(
        title=t("page.inclusion", lang),
        subtitle=_view_subtitle(history, filters, lang),
        cards=cards,
        quota=quota,
        trend=trend,
        notices=notices,
        applicants=applicants,
        breakdown=_breakdown_block(history, PAGE_BREAKDOWN_KPIS["inclusion"], filters, lang),
    )


def _notice_table(
    tables: Mapping[str | None, kpis.SbQuotaTable],
    views: Sequence[str | None],
    lang: Lang,
    view_name: Callable[[str | None], str],
) -> TableBlock:
    rows = []
    numbers = []  # the same rows for the CSV: numbers as numbers, signs as text
    for view in views:
        value = tables[view].kpi
        extra = value.extra

        def number(raw: float | None, unit: str = "count", value: KpiValue = value) -> str:
            if value.suppressed:
                return value.label or "–"
            return "–" if raw is None else format_value(float(raw), unit, lang)

        rows.append(
            {
                t("app.carrier", lang): view_name(view),
                t("view.quota", lang): _value_text(value, lang),
                t("view.months_covered", lang): t(
                    "view.months_of_12", lang, months=extra.get("months_covered", 0)
                ),
                t("view.places_total", lang): "–"
                if value.denominator is None
                else format_number(value.denominator, lang),
                t("view.filled_total", lang): "–"
                if value.numerator is None
                else format_number(value.numerator, lang),
                t("view.mandatory", lang): number(extra.get("mandatory_place_months")),
                t("view.unfilled", lang): number(extra.get("unfilled_place_months")),
                t("view.levy", lang): number(extra.get("levy_eur"), "€"),
            }
        )

        def cell(raw: object, unit: str = "count", value: KpiValue = value) -> object:
            return export_cell(raw, value.label if value.suppressed else None, unit)

        numbers.append(
            {
                t("app.carrier", lang): view_name(view),
                unit_header(t("view.quota", lang), "%"): cell(value.value, "%"),
                t("view.months_covered", lang): extra.get("months_covered", 0),
                t("view.places_total", lang): export_cell(value.denominator, None, "count"),
                t("view.filled_total", lang): export_cell(value.numerator, None, "count"),
                t("view.mandatory", lang): cell(extra.get("mandatory_place_months")),
                t("view.unfilled", lang): cell(extra.get("unfilled_place_months")),
                unit_header(t("view.levy", lang), "€"): cell(extra.get("levy_eur"), "€"),
            }
        )
    notes = [t("view.notice_note", lang), t("view.months_not_published", lang)]
    if any(tables[v].kpi.extra.get("approximation") for v in views):
        notes.append(t("view.approximation", lang))
    return TableBlock(
        "sb_notice",
        t("view.notice_title", lang),
        pd.DataFrame(rows),
        _suppressed_k([tables[v].kpi for v in views]),
        tuple(notes),
        export=pd.DataFrame({name: export_column(r[name] for r in numbers) for name in numbers[0]})
        if numbers
        else pd.DataFrame(),
    )
