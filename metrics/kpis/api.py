"""The public face of the KPIs: what pages, reports and the CLI ask (KPIs of a year and view,
breakdowns, trends, tables) and the registry words they read them with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from metrics.contract import (
    CARRIERS,
)
from metrics.disclosure import (
    WITHHELD_SIGN,
    publish_share,
)
from metrics.kpis.atoms import APPLICANT_ATOMS, PERSONNEL_ATOMS
from metrics.kpis.counting import _VIEWS, View, available_years, reporting_date
from metrics.kpis.published import (
    _flag_assessed,
    _kpi_values,
    _ratio_of,
    _sb_value,
    _section_of,
    _sorted_areas,
    _target,
    _unless_missing,
    _value_from,
    _values_for_view,
    underrepresented,
)
from metrics.kpis.registry import (
    KPI_IDS,
    KPIS,
    REGISTRY,
    Kpi,
    kpi_label,
    measure_of,
    ratio_measures,
    split_id,
    target_key_error,
    validate_registry,
    variant_ids,
)
from metrics.kpis.release import (
    _build_year,
    audit_release,
    audit_state,
    build_release,
    gender_assigned,
    personnel_figures,
    plan_release,
    plan_store,
    rules_release,
)
from metrics.kpis.values import KpiValue, format_kpi_value, format_target, persons_to_target
from metrics.kpis.vocabulary import DIMENSIONS, KINDS, UNITS, category_label, dimension_label
from metrics.kpis.year import _Year
from metrics.settings import Settings, load_settings


def _check_view(kpi: Kpi | None, carrier: str | None) -> None:
    if carrier is not None and carrier not in CARRIERS:
        raise ValueError(f"unknown carrier {carrier!r}; expected one of {CARRIERS} or None")
    if kpi is not None and carrier is not None and not kpi.carrier_view:
        raise ValueError(f"{kpi.id} has no carrier view (survey KPIs are anonymous and joint)")


def compute_kpis(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    settings: Settings | None = None,
) -> dict[str, KpiValue]:
    """Every KPI and variant of CONTRACT § 2 for `year` in one view, published."""
    _check_view(None, carrier)
    settings = settings or load_settings()
    return _values_for_view(_build_year(con, year, settings), carrier)


def compute_kpis_by_view(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> dict[str | None, dict[str, KpiValue]]:
    """`compute_kpis` of every view (None = all carriers, then each carrier) from one build of
    the year: a report or a page with all views needs the year once, not three times."""
    settings = settings or load_settings()
    state = _build_year(con, year, settings)
    return {view: _values_for_view(state, view) for view in _VIEWS}


def kpi_trend(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    carrier: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """One row per year in the store: year, value, target, suppressed, label (and wave for a
    survey KPI: the wave the year's value comes from)."""
    return kpi_trends(con, [kpi_id], carrier, settings)[kpi_id]


def kpi_trends(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Iterable[str],
    carrier: str | None = None,
    settings: Settings | None = None,
) -> dict[str, pd.DataFrame]:
    """`kpi_trend` of several KPIs (or variants) with one build of each year for all of them."""
    kpi_ids = list(kpi_ids)
    parsed = {kpi_id: split_id(kpi_id)[0] for kpi_id in kpi_ids}
    for kpi in parsed.values():
        _check_view(kpi, carrier)
    settings = settings or load_settings()
    rows: dict[str, list[dict[str, object]]] = {kpi_id: [] for kpi_id in kpi_ids}
    for year in available_years(con):
        state = _build_year(con, year, settings)
        for kpi_id, kpi in parsed.items():
            values = _kpi_values(state, kpi, carrier)
            if kpi_id not in values:
                raise ValueError(f"{kpi_id} does not exist in this view")
            value = values[kpi_id]
            row: dict[str, object] = {
                "year": year,
                "value": value.value,
                "target": value.target,
                "suppressed": value.suppressed,
                "label": value.label,
                "k": value.k,
            }
            if kpi.source == "survey":
                row["wave"] = state.survey_wave
            rows[kpi_id].append(row)
    trends = {}
    for kpi_id, kpi in parsed.items():
        columns = ["year", "value", "target", "suppressed", "label", "k"]
        if kpi.source == "survey":
            columns.append("wave")
        trend = pd.DataFrame(rows[kpi_id], columns=columns)
        trend["value"] = trend["value"].astype("float64")
        if kpi.source == "survey":
            trend["wave"] = trend["wave"].astype("Int64")
        trends[kpi_id] = trend
    return trends


BREAKDOWN_COLUMNS = [
    "category",
    "value",
    "numerator",
    "denominator",
    "suppressed",
    "label",
    "reason",
    "k",  # the k that applied (for the footnote), never parsed out of the label
]


@dataclass(frozen=True)
class BreakdownRow:
    """One category of a breakdown as the release publishes it."""

    category: str
    value: KpiValue


@dataclass(frozen=True)
class SbQuotaTable:
    """The published legal quota of one view: the KPI, with the year's sums (places, filled
    places, Soll, unfilled, levy) in its extra.

    Monthly places and filled places are not part of the release (CONTRACT § 3, issue 12): a
    monthly series of a sensitive figure shows who joined, left or was recognised in which
    month. They belong to the roles that file the notice; until roles exist, only the yearly
    sums are published.
    """

    carrier: str | None
    kpi: KpiValue


UNDERREPRESENTATION_COLUMNS = [
    "dimension",
    "area",
    "women",
    "men",
    "underrepresented",
    "assessed",
    "suppressed",
    "label",
]


@dataclass(frozen=True)
class PublishedYear:
    """A year's planned release as pages, reports and the CLI read it: every KPI and variant in
    every view, the breakdowns, the BGleiG table and the SGB IX sums, with the year's reporting
    date. Made from the release cache (one build per store state and year, every breakdown of
    the catalogue included), so asking it needs no connection."""

    year: int
    reporting_date: date | None
    gender_assigned: bool  # persons of gender d/x assigned to w/m for publication (§ 3)
    settings: Settings
    _state: _Year = field(repr=False)
    _views: dict[View, dict[str, KpiValue]] = field(default_factory=dict, repr=False)

    def values(self, carrier: str | None = None) -> Mapping[str, KpiValue]:
        """Every KPI and variant of CONTRACT § 2 in one view (None: all carriers)."""
        _check_view(None, carrier)
        if carrier not in self._views:
            self._views[carrier] = _values_for_view(self._state, carrier)
        return self._views[carrier]

    def breakdown(
        self, kpi_id: str, dimension: str, carrier: str | None = None
    ) -> tuple[BreakdownRow, ...]:
        """The KPI per category of `dimension` in one view, every row as the release publishes
        it (the categories in the catalogue's order)."""
        kpi = KPIS.get(kpi_id)
        if kpi is None:
            raise ValueError(f"unknown KPI id {kpi_id!r} (breakdowns are of KPIs, not variants)")
        if dimension not in kpi.breakdowns:
            raise ValueError(
                f"{kpi_id} cannot be broken down by {dimension!r}; allowed: {kpi.breakdowns}"
            )
        _check_view(kpi, carrier)
        rows = self._counted_breakdown(kpi, dimension, carrier)
        return tuple(
            BreakdownRow(row.category, _unless_missing(self._state, kpi, row.value)) for row in rows
        )

    def _counted_breakdown(
        self, kpi: Kpi, dimension: str, carrier: str | None
    ) -> tuple[BreakdownRow, ...]:
        state = self._state
        if dimension == "carrier":
            carriers = CARRIERS if carrier is None else (carrier,)
            return tuple(
                BreakdownRow(category, _kpi_values(state, kpi, category)[kpi.id])
                for category in carriers
            )
        if kpi.kind == "ratio":
            return _ratio_breakdown(state, kpi, dimension, carrier)
        assert kpi.measure is not None
        section = _section_of(state, kpi.measure.universe)
        if section is None:
            return ()
        group = section.groups[(kpi.measure, dimension)]
        return tuple(
            BreakdownRow(category, _value_from(kpi.id, kpi, group.results[carrier][category], None))
            for category in group.categories
        )

    def underrepresentation(self, carrier: str | None = None) -> pd.DataFrame:
        """BGleiG § 3 Nr. 10 per pay group and per leadership level of the staff at D.

        women/men: published counts (complementary suppression across the areas of a
        dimension); underrepresented: 'w', 'm' or None (see `underrepresented`), given where
        `assessed` (see `_flag_assessed`: the verdict must not reveal a small count).
        """
        _check_view(None, carrier)
        state = self._state
        section = state.personnel
        if section is None:
            return pd.DataFrame(columns=UNDERREPRESENTATION_COLUMNS)
        women_share = measure_of("women_share")
        leaders = measure_of("women_leadership_share")
        rows = []
        for (dimension, area), (women, men) in _sorted_areas(
            state.underrepresentation_counts[carrier]
        ):
            measure = women_share if dimension == "pay_group" else leaders
            published = section.groups[(measure, dimension)].results[carrier][area]
            assessed = _flag_assessed(dimension, women, men, self.settings.rules)
            # a share published rounded has its counts withheld: they are "•" here too
            withheld = published.suppressed or published.counts_withheld
            rows.append(
                {
                    "dimension": dimension,
                    "area": area,
                    "women": None if withheld else published.numerator,
                    "men": None if withheld else published.denominator - published.numerator,  # type: ignore[operator]
                    "underrepresented": underrepresented(women, men) if assessed else None,
                    "assessed": assessed,
                    "suppressed": withheld,
                    "label": published.label or (WITHHELD_SIGN if withheld else None),
                }
            )
        return pd.DataFrame(rows, columns=UNDERREPRESENTATION_COLUMNS)

    def sb_quota_tables(self) -> dict[str | None, SbQuotaTable]:
        """Per carrier and combined (key None), the legal quota of § 2.1 with its yearly sums."""
        kpi = KPIS["sb_quota"]
        tables: dict[str | None, SbQuotaTable] = {}
        for view in _VIEWS:
            full_id = kpi.id if view is None else f"{kpi.id}.{view}"
            target = _target(self.settings, kpi, full_id, None)
            value = _sb_value(self._state, kpi, view, full_id, target)
            tables[view] = SbQuotaTable(view, _unless_missing(self._state, kpi, value))
        return tables


def published_year(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> PublishedYear:
    """The year's planned release (planned or taken from the cache and the stored plan)."""
    settings = settings or load_settings()
    state = _build_year(con, year, settings)
    return PublishedYear(year, reporting_date(con, year), state.gender_assigned, settings, state)


def kpi_breakdown(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    year: int,
    dimension: str,
    carrier: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """`PublishedYear.breakdown` of one year as a table: BREAKDOWN_COLUMNS (the CLI, tests)."""
    rows = published_year(con, year, settings).breakdown(kpi_id, dimension, carrier)
    return pd.DataFrame(
        [_breakdown_row(row.category, row.value) for row in rows], columns=BREAKDOWN_COLUMNS
    )


def underrepresentation_table(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """`PublishedYear.underrepresentation` of one year."""
    return published_year(con, year, settings).underrepresentation(carrier)


def sb_quota_table(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> dict[str | None, SbQuotaTable]:
    """`PublishedYear.sb_quota_tables` of one year."""
    return published_year(con, year, settings).sb_quota_tables()


def _breakdown_row(category: str, value: KpiValue) -> dict[str, object]:
    return {
        "category": category,
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "suppressed": value.suppressed,
        "label": value.label,
        "reason": value.reason,
        "k": value.k,
    }


def _ratio_breakdown(
    state: _Year, kpi: Kpi, dimension: str, carrier: View
) -> tuple[BreakdownRow, ...]:
    section = state.personnel
    if section is None:
        return ()
    numerator, denominator = ratio_measures(kpi)
    leadership = section.groups[(numerator, dimension)]
    staff = section.groups[(denominator, dimension)]
    rows = []
    for category in staff.categories:
        staff_cell = staff.results[carrier][category]
        leader_cell = (
            leadership.results[carrier][category]
            if category in leadership.results[carrier]
            else publish_share(0, 0, sensitive=False, rules=section.rules)
        )
        value = _ratio_of(kpi.id, kpi, leader_cell, staff_cell, None, section.rules)
        rows.append(BreakdownRow(category, value))
    return tuple(rows)


def kpi_json(values: Mapping[str, KpiValue]) -> dict[str, dict[str, object]]:
    """The CONTRACT § 4 JSON object for a `compute_kpis` result."""
    return {kpi_id: value.to_json() for kpi_id, value in values.items()}


__all__ = [
    "APPLICANT_ATOMS",
    "DIMENSIONS",
    "KINDS",
    "KPIS",
    "KPI_IDS",
    "PERSONNEL_ATOMS",
    "REGISTRY",
    "UNITS",
    "BreakdownRow",
    "Kpi",
    "KpiValue",
    "PublishedYear",
    "SbQuotaTable",
    "audit_release",
    "audit_state",
    "available_years",
    "build_release",
    "category_label",
    "compute_kpis",
    "compute_kpis_by_view",
    "dimension_label",
    "format_kpi_value",
    "format_target",
    "gender_assigned",
    "kpi_breakdown",
    "kpi_json",
    "kpi_label",
    "kpi_trend",
    "kpi_trends",
    "personnel_figures",
    "persons_to_target",
    "plan_release",
    "plan_store",
    "published_year",
    "reporting_date",
    "rules_release",
    "sb_quota_table",
    "split_id",
    "target_key_error",
    "underrepresentation_table",
    "underrepresented",
    "validate_registry",
    "variant_ids",
]
