"""What a page is asked for: the sidebar's filters, and the KPI history of the store (every
year's published values, built once per store state).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.settings import Settings, load_settings

BREAKDOWNS = kpis.DIMENSIONS

YearValues = Mapping[str, KpiValue]


@dataclass(frozen=True)
class Filters:
    year: int | None
    carrier: str | None = None
    breakdown: str | None = None


class KpiHistory:
    """Published KPI values per year and view; each year is built once for all of its views.

    `compute(year)` returns every view of a year (`kpis.compute_kpis_by_view`): switching the
    carrier then costs nothing, and a page comparing views builds the year once. The app backs
    this with a cache keyed by the store's stamp; tests, reports and the CLI use it as it is
    (memoised for the lifetime of the object).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        settings: Settings | None = None,
        compute: Callable[[int], Mapping[str | None, YearValues]] | None = None,
    ):
        self.settings = settings or load_settings()
        self.years: tuple[int, ...] = tuple(kpis.available_years(con))
        self._compute = compute or (
            lambda year: kpis.compute_kpis_by_view(con, year, self.settings)
        )
        self._memo: dict[int, Mapping[str | None, YearValues]] = {}

    def values(self, year: int, carrier: str | None = None) -> YearValues:
        if year not in self._memo:
            self._memo[year] = self._compute(year)
        return self._memo[year][carrier]

    def trend(self, kpi_id: str, carrier: str | None = None) -> pd.DataFrame:
        """year, value, label, target over every year in the store (gaps where no value)."""
        rows = []
        for year in self.years:
            value = self.values(year, carrier).get(kpi_id)
            # a survey KPI has a point only in the years of its waves
            if value is not None and value.extra.get("wave", year) == year:
                rows.append(
                    {
                        "year": year,
                        "value": value.value,
                        "label": value.label,
                        "target": value.target,
                    }
                )
        return pd.DataFrame(rows, columns=["year", "value", "label", "target"])
