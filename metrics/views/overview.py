"""The overview page: the headline KPIs of a year and view."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.views.blocks import KpiCard, _card, _view_subtitle
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
    )
