"""The overview page: the headline KPIs of a year and view."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from metrics.contract import CARRIERS
from metrics.formatting import format_target
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.views.blocks import (
    KpiCard,
    TableBlock,
    _card,
    _more_target_values,
    _status,
    _suppressed_k,
    _value_text,
    _view_subtitle,
)
from metrics.views.export import export_cell
from metrics.views.inputs import Filters, KpiHistory

OVERVIEW_KPIS = (
    "headcount",
    "women_share",
    "women_leadership_share",
    "leadership_representation_index",
    "part_time_share",
    "mobile_work_share",
    "sb_quota",
    "sb_applicant_share",
    "migration_background_share",
)

# the topic page of each card (url paths of pages/): a manager clicks the figure to see more
TOPIC_PAGES = {
    "women_share": "women_leadership",
    "women_leadership_share": "women_leadership",
    "leadership_representation_index": "women_leadership",
    "part_time_share": "part_time",
    "mobile_work_share": "part_time",
    "sb_quota": "inclusion",
    "sb_applicant_share": "inclusion",
    "migration_background_share": "migration",
}


@dataclass(frozen=True)
class OverviewContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    empty: bool = False
    # every carrier-view KPI of the overview for all carriers and each carrier, with status
    carriers: TableBlock | None = None


def build_overview(history: KpiHistory, filters: Filters, lang: Lang) -> OverviewContext:
    if filters.year is None:
        return OverviewContext(t("page.overview", lang), "", (), empty=True)
    cards = []
    for kpi_id in OVERVIEW_KPIS:
        kpi = kpis.KPIS[kpi_id]
        if filters.carrier is not None and not kpi.carrier_view:
            continue
        card = _card(history, kpi_id, filters.year, filters.carrier, lang)
        cards.append(dataclasses.replace(card, page=TOPIC_PAGES.get(kpi_id)))
    return OverviewContext(
        title=t("view.overview_title", lang, year=filters.year),
        subtitle=_view_subtitle(history, filters, lang),
        cards=tuple(cards),
        carriers=_carriers_block(history, filters.year, lang),
    )


def _verdict(value: KpiValue, name: str, level: float, lang: Lang) -> str:
    """ "Ziel 50 % · erreicht"; without a status where the value is withheld."""
    status = _status(value, level)
    text = f"{name} {format_target(level, value.unit, lang)}"
    return f"{text} · {t(f'app.status_{status}', lang)}" if status else text


def _carriers_block(history: KpiHistory, year: int, lang: Lang) -> TableBlock:
    """The carriers side by side: each KPI with a carrier view, for all carriers and each
    carrier, its value and its status against that view's target (a carrier's SB quota against
    the legal 5 %), as the cards of each view show them."""
    views = (None, *CARRIERS)
    values = {view: history.values(year, view) for view in views}
    rows, numbers, shown = [], [], []
    for kpi_id in OVERVIEW_KPIS:
        if not kpis.KPIS[kpi_id].carrier_view:
            continue
        row = {t("view.kpi", lang): kpis.kpi_label(kpi_id, lang)}
        number_row: dict[str, object] = dict(row)
        for view in views:
            value = values[view].get(kpi_id)
            shown.append(value)
            name = t("app.all_carriers", lang) if view is None else view
            number_row[name] = (
                None if value is None else export_cell(value.value, value.label, value.unit)
            )
            text = _value_text(value, lang)
            if value is not None and value.target is not None:
                targets = [(t("app.target", lang), value.target)]
                # a carrier's SB quota: the legal 5 % and the inclusion agreement's 9 %
                targets += [
                    (t("view.internal_target", lang), level)
                    for level in _more_target_values(history, kpi_id, view)
                ]
                verdicts = "; ".join(_verdict(value, n, level, lang) for n, level in targets)
                text = f"{text} ({verdicts})"
            row[name] = text
        rows.append(row)
        numbers.append(number_row)
    # the CSV: each view's value as a number (its status is in the page's table)
    export = pd.DataFrame(numbers).astype(object)
    return TableBlock(
        "carriers",
        t("view.carriers_title", lang, year=year),
        pd.DataFrame(rows),
        _suppressed_k([v for v in shown if v is not None and v.suppressed]),
        export=export,
    )
