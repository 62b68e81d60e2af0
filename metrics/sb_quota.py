"""The legal severely-disabled employment quota of §§ 154–160 SGB IX (CONTRACT § 2.1).

Raw, unpublished numbers: the KPI engine applies disclosure control (CONTRACT § 3) on top, using
the per-month person counts carried in `SbMonth`.

The method follows the annual notice (*Anzeige*, § 163(2) SGB IX) as the official IW-Elan software
computes it: places and filled places are counted per month from that month's latest snapshot and
summed over the year; the mandatory places (Soll), the unfilled places and the quota are computed
from the annual sums, never per month.

All counting happens in one DuckDB query per call (GROUP BY GROUPING SETS over month and carrier),
so the same code serves 100,000 staff × 120 monthly snapshots.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import duckdb

from metrics.contract import CARRIERS, PERSONNEL


@dataclass(frozen=True)
class LevyRates:
    """€ per unfilled place-month by annual quota band, for one year (CONTRACT § 2.1)."""

    from_3_to_5: int
    from_2_to_3: int
    below_2: int
    # from 2024 a quota of exactly 0 % has its own rate (§ 160(2) as amended); None: below-2 rate
    zero: int | None


# § 160(2) SGB IX and the BA's published adjustments (§ 160(3)); data by year, not code.
DEFAULT_LEVY_RATES: dict[int, LevyRates] = {
    2021: LevyRates(from_3_to_5=140, from_2_to_3=245, below_2=360, zero=None),
    2024: LevyRates(from_3_to_5=140, from_2_to_3=245, below_2=360, zero=720),
    2025: LevyRates(from_3_to_5=155, from_2_to_3=275, below_2=405, zero=815),
}


def levy_rates_for(year: int, rates: Mapping[int, LevyRates] = DEFAULT_LEVY_RATES) -> LevyRates:
    """The rates of the latest year <= `year`; before the first year of the table, the first."""
    if not rates:
        raise ValueError("no levy rates given")
    earlier = [known for known in rates if known <= year]
    return rates[max(earlier) if earlier else min(rates)]


@dataclass(frozen=True)
class SbMonth:
    month: int  # 1..12
    reporting_date: date  # the latest snapshot within that month
    places: int  # AP_m
    filled_places: float  # BPA_m (weighted; an int in practice)
    counted_disabled_persons: int  # persons (unweighted) contributing to BPA_m
    other_persons_on_places: int  # rows counted in AP_m that are not disabled (disclosure rule)


@dataclass(frozen=True)
class SbQuotaResult:
    year: int
    carrier: str | None  # None = combined (all carriers)
    months: tuple[SbMonth, ...]
    months_covered: int
    approximation: bool  # True when one month's snapshot stands for the whole year
    places_total: int  # Σ AP_m
    filled_total: float  # Σ BPA_m
    quota_percent: float | None  # Σ BPA / Σ AP × 100, None if Σ AP = 0
    average_places: float  # Σ AP_m / months_covered (0.0 without months)
    mandatory_place_months: int  # Soll
    unfilled_place_months: int  # max(0, Soll − Σ BPA)
    levy_eur: int


# Share of places to be filled (§ 154(1) SGB IX: 5 %), as the integer fraction 1/20 so that the
# round-half-up of the Soll stays exact: floor(ΣAP / 20 + 1/2) = (ΣAP + 10) // 20.
_QUOTA_DENOMINATOR = 20
_MIN_PLACES_FOR_DUTY = 20  # § 154(1) sentence 1: duty from an annual average of 20 places
_SMALL_EMPLOYER_BANDS = ((40, 1), (60, 2))  # § 154(1) sentence 3: below 40 → 1, below 60 → 2

# One row per (month[, carrier]) of the year: the month's latest snapshot over the whole store
# (a snapshot covers both carriers: an import replaces a reporting date as a whole), restricted
# to a carrier by the grouping set. Place and filled rules of CONTRACT § 2.1:
#   replaced leave:  leave ≠ keine and leave_replaced — neither a place nor filled (§ 156(2) Nr. 6)
#   place (AP):      not Ausbildung (§ 157(1)), weekly_hours ≥ 18 (§ 156(3)), not replaced leave
#   filled (BPA):    disabled, not replaced leave, and weekly_hours ≥ 18 or BA approval under
#                    § 158(2) or a trainee (trainees regardless of hours, CONTRACT § 2.1)
#   weight:          credit_factor (§ 159(1)), at least 2 for trainees (§ 159(2))
_MONTHLY_SQL = f"""
WITH snapshots AS (
    SELECT month(reporting_date) AS month, max(reporting_date) AS reporting_date
    FROM {PERSONNEL.table}
    WHERE reporting_date >= $year_start AND reporting_date < $next_year_start
    GROUP BY month(reporting_date)
),
snapshot_rows AS (
    SELECT
        s.month,
        s.reporting_date,
        p.carrier,
        p.disability <> 'nein' AS disabled,
        NOT (p.leave <> 'keine' AND p.leave_replaced) AS not_replaced_leave,
        p.employment_type = 'Ausbildung' AS trainee,
        p.weekly_hours,
        p.under18_approved,
        p.credit_factor
    FROM {PERSONNEL.table} AS p
    JOIN snapshots AS s ON p.reporting_date = s.reporting_date
),
classified AS (
    SELECT
        month,
        reporting_date,
        carrier,
        disabled,
        not_replaced_leave AND NOT trainee AND weekly_hours >= 18 AS is_place,
        disabled AND not_replaced_leave
            AND (weekly_hours >= 18 OR under18_approved OR trainee) AS is_filled,
        CASE WHEN trainee THEN greatest(credit_factor, 2) ELSE credit_factor END AS weight
    FROM snapshot_rows
)
SELECT
    month,
    reporting_date,
    carrier,
    GROUPING(carrier) = 1 AS all_carriers,
    count(*) FILTER (WHERE is_place) AS places,
    coalesce(sum(weight) FILTER (WHERE is_filled), 0) AS filled_places,
    count(*) FILTER (WHERE is_filled) AS counted_disabled_persons,
    count(*) FILTER (WHERE is_place AND NOT disabled) AS other_persons_on_places
FROM classified
GROUP BY GROUPING SETS ((month, reporting_date), (month, reporting_date, carrier))
ORDER BY month
"""


def compute_sb_quota_all(
    con: duckdb.DuckDBPyConnection,
    year: int,
    rates: Mapping[int, LevyRates] = DEFAULT_LEVY_RATES,
) -> dict[str | None, SbQuotaResult]:
    """The quota for all carriers combined (key None) and for each carrier, in one pass.

    A carrier's months are the store's months: a month whose snapshot has no row of that carrier
    counts for it with zero places (its staff numbered 0 at that date), so the per-carrier sums
    always add up to the combined figures.
    """
    result = con.execute(
        _MONTHLY_SQL,
        {"year_start": date(year, 1, 1), "next_year_start": date(year + 1, 1, 1)},
    ).fetchall()
    combined: list[SbMonth] = []
    per_carrier: dict[str, dict[int, SbMonth]] = {carrier: {} for carrier in CARRIERS}
    for month, reporting_date, carrier, all_carriers, places, filled, counted, others in result:
        entry = SbMonth(
            month=month,
            reporting_date=reporting_date,
            places=int(places),
            filled_places=float(filled),
            counted_disabled_persons=int(counted),
            other_persons_on_places=int(others),
        )
        if all_carriers:
            combined.append(entry)
        else:
            per_carrier[carrier][month] = entry
    results: dict[str | None, SbQuotaResult] = {None: _summarise(year, None, combined, rates)}
    for carrier in CARRIERS:
        no_rows = {m.month: SbMonth(m.month, m.reporting_date, 0, 0.0, 0, 0) for m in combined}
        months = [per_carrier[carrier].get(m.month, no_rows[m.month]) for m in combined]
        results[carrier] = _summarise(year, carrier, months, rates)
    return results


def compute_sb_quota(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    rates: Mapping[int, LevyRates] = DEFAULT_LEVY_RATES,
) -> SbQuotaResult:
    """The quota of one view: carrier None = all carriers combined (the internal KPI).

    Computed by the same single query as `compute_sb_quota_all`, so a carrier's figure is by
    construction the one that enters the combined figure.
    """
    if carrier is not None and carrier not in CARRIERS:
        raise ValueError(f"unknown carrier {carrier!r}; expected one of {CARRIERS} or None")
    return compute_sb_quota_all(con, year, rates)[carrier]


def mandatory_place_months(places_total: int, months_covered: int) -> int:
    """The Soll in place-months for the year.

    From an annual average of 60 places: 5 % of Σ AP_m, fractions of 0.5 and more rounded up
    (§ 154(1), § 157(2) SGB IX). Below that the minimum numbers of § 154(1) apply exactly as
    IW-Elan applies them: average < 20 places no duty; 20 to < 40 one place per month; 40 to < 60
    two places per month, times the months covered (the thresholds compare the exact average).
    """
    if months_covered == 0:
        return 0
    # compare averages in integers: ΣAP / months ≥ t  ⇔  ΣAP ≥ t × months
    if places_total >= 60 * months_covered:
        return (places_total + _QUOTA_DENOMINATOR // 2) // _QUOTA_DENOMINATOR
    if places_total < _MIN_PLACES_FOR_DUTY * months_covered:
        return 0
    for upper_bound, places_per_month in _SMALL_EMPLOYER_BANDS:
        if places_total < upper_bound * months_covered:
            return places_per_month * months_covered
    raise AssertionError("unreachable: the bands cover every average below 60")


def levy_rate(filled_total: float, places_total: int, rates: LevyRates) -> int:
    """€ per unfilled place-month for the band of the annual quota Σ BPA / Σ AP (§ 160(2)).

    Bands are compared as exact fractions (no float percentages at the boundaries). The CONTRACT's
    bands apply to every employer size; the special rates of § 160(2) for employers
    below an average of 60 places are deliberately not applied (a Jobcenter is far above it).
    """
    if places_total == 0 or 100 * filled_total >= 5 * places_total:
        return 0
    if 100 * filled_total >= 3 * places_total:
        return rates.from_3_to_5
    if 100 * filled_total >= 2 * places_total:
        return rates.from_2_to_3
    if filled_total > 0 or rates.zero is None:
        return rates.below_2
    return rates.zero


def _summarise(
    year: int,
    carrier: str | None,
    months: list[SbMonth],
    rates: Mapping[int, LevyRates],
) -> SbQuotaResult:
    months_covered = len(months)
    places_total = sum(m.places for m in months)
    filled_total = float(sum(m.filled_places for m in months))
    soll = mandatory_place_months(places_total, months_covered)
    # Σ BPA is integral (integer weights); ceil keeps a fractional shortfall from being dropped
    unfilled = max(0, math.ceil(soll - filled_total))
    levy = unfilled * levy_rate(filled_total, places_total, levy_rates_for(year, rates))
    return SbQuotaResult(
        year=year,
        carrier=carrier,
        months=tuple(months),
        months_covered=months_covered,
        # a single snapshot (or several within one month) stands for the whole year
        approximation=months_covered == 1,
        places_total=places_total,
        filled_total=filled_total,
        quota_percent=filled_total / places_total * 100 if places_total else None,
        average_places=places_total / months_covered if months_covered else 0.0,
        mandatory_place_months=soll,
        unfilled_place_months=unfilled,
        levy_eur=levy,
    )
