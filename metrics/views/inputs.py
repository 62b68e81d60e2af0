"""What a page is asked for: the sidebar's filters, and the KPI history of the store (every
year's published values, built once per store state).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.settings import Settings, load_settings

BREAKDOWNS = kpis.DIMENSIONS
# the KPI each topic page breaks down by the sidebar's "Aufschlüsseln nach" (its registry entry
# says by what); the migration page breaks its survey down by gender only; other pages none
PAGE_BREAKDOWN_KPIS = {
    "women_leadership": "women_leadership_share",
    "inclusion": "sb_headcount_share",
    "part_time": "part_time_share",
}


def page_breakdowns(page: str, carrier: str | None) -> tuple[str, ...]:
    """What the sidebar's breakdown may offer on `page` (its url path): only what changes the
    page (all six read the same on the overview), and no carrier split within one carrier."""
    if page == "migration":
        return ("gender",)
    kpi_id = PAGE_BREAKDOWN_KPIS.get(page)
    if kpi_id is None:
        return ()
    kpi = kpis.KPIS[kpi_id]
    if carrier is not None and not kpi.carrier_view:
        return ()
    return tuple(d for d in kpi.breakdowns if not (carrier is not None and d == "carrier"))


YearValues = Mapping[str, KpiValue]


@dataclass(frozen=True)
class Filters:
    year: int | None
    carrier: str | None = None
    breakdown: str | None = None
    # the years the trends show (first, last); None: every year of the store
    years: tuple[int, int] | None = None


class KpiHistory:
    """The store's published years as the pages read them: each year's planned release
    (`kpis.PublishedYear`: every view, breakdown and table), asked for once per year.

    The app backs it with releases cached per store state, so a page builder sends no query;
    reports, the CLI and tests use `of_store` (memoised for the lifetime of the object)."""

    def __init__(
        self,
        years: Sequence[int],
        settings: Settings,
        published: Callable[[int], kpis.PublishedYear],
    ):
        self.years: tuple[int, ...] = tuple(years)
        # the years trends and sparklines show (see `showing`); comparisons with the year before
        # still read every year
        self.shown_years: tuple[int, ...] = self.years
        self.settings = settings
        self._published = published
        self._memo: dict[int, kpis.PublishedYear] = {}

    def showing(self, years: tuple[int, int] | None) -> KpiHistory:
        """The same history with its trends limited to the years first … last (None: all);
        a range that holds none of the store's years shows them all."""
        if years is None:
            return self
        first, last = years
        shown = tuple(y for y in self.years if first <= y <= last)
        if not shown or shown == self.years:
            return self
        limited = KpiHistory(self.years, self.settings, self._published)
        limited._memo = self._memo  # the same published years, asked for once
        limited.shown_years = shown
        return limited

    @classmethod
    def of_store(
        cls, con: duckdb.DuckDBPyConnection, settings: Settings | None = None
    ) -> KpiHistory:
        """Straight from a connection (reports, the CLI, tests)."""
        chosen = settings or load_settings()
        return cls(
            kpis.available_years(con),
            chosen,
            lambda year: kpis.published_year(con, year, chosen),
        )

    def published(self, year: int) -> kpis.PublishedYear:
        if year not in self._memo:
            self._memo[year] = self._published(year)
        return self._memo[year]

    def values(self, year: int, carrier: str | None = None) -> YearValues:
        return self.published(year).values(carrier)

    def trend(self, kpi_id: str, carrier: str | None = None) -> pd.DataFrame:
        """year, value, label, target over the years shown (gaps where no value), and
        the k of a withheld value (for the footnote on its sign)."""
        rows = []
        for year in self.shown_years:
            value = self.values(year, carrier).get(kpi_id)
            # a survey KPI has a point only in the years of its waves
            if value is not None and value.extra.get("wave", year) == year:
                rows.append(
                    {
                        "year": year,
                        "value": value.value,
                        "label": value.label,
                        "target": value.target,
                        "k": value.k if value.suppressed else None,
                    }
                )
        return pd.DataFrame(rows, columns=["year", "value", "label", "target", "k"])
