"""What the reports (deck, workbook, PDF) take from the pages: trend blocks and previous
values.
"""

from __future__ import annotations

from metrics.i18n import Lang
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.views.blocks import ChartBlock, _previous_value, _trend_block
from metrics.views.inputs import KpiHistory


def kpi_trend_block(
    history: KpiHistory, kpi_id: str, carrier: str | None, lang: Lang, *, title: str
) -> ChartBlock:
    """One KPI over every year in the store with its latest target as a line: the chart of a
    report slide for a KPI that no page context draws on its own."""
    kpi, _ = kpis.split_id(kpi_id)
    targets = history.trend(kpi_id, carrier)["target"].dropna()
    return _trend_block(
        history,
        f"trend_{kpi_id}",
        title,
        [(kpi_id, kpis.kpi_label(kpi_id, lang))],
        carrier,
        lang,
        unit=kpi.unit,
        target=float(targets.iloc[-1]) if not targets.empty else None,
    )


def previous_value(
    history: KpiHistory, kpi_id: str, year: int, carrier: str | None
) -> KpiValue | None:
    """What a KPI card compares with: the previous year's value, for a survey KPI the previous
    wave's (reports state the same change as the cards)."""
    current = history.values(year, carrier).get(kpi_id)
    return _previous_value(history, kpi_id, current, year, carrier)
