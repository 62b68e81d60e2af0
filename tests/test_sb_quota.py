"""The legal severely-disabled quota (CONTRACT § 2.1, §§ 154–160 SGB IX), on stores built through
the real importer; every expected value is computed by hand in the comment beside it."""

from __future__ import annotations

import calendar
import dataclasses
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import store
from metrics.access import LOCAL_USER
from metrics.ingest import import_files
from metrics.sb_quota import (
    DEFAULT_LEVY_RATES,
    LevyRates,
    SbMonth,
    SbQuotaResult,
    compute_sb_quota,
    compute_sb_quota_all,
    levy_rates_for,
    mandatory_place_months,
)
from tests.exports import PERSONNEL_HEADER, person, write_csv


def month_end(year: int, month: int) -> str:
    return f"{calendar.monthrange(year, month)[1]:02d}.{month:02d}.{year}"


def build_store(directory: Path, rows: Sequence[Sequence[str]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "store" / "vielfalt.duckdb"
    import_files(
        [write_csv(directory / "personnel.csv", PERSONNEL_HEADER, rows)], db, by=LOCAL_USER
    )
    return db


def quota_all(db: Path, year: int) -> dict[str | None, SbQuotaResult]:
    with store.open_store(db) as con:
        return compute_sb_quota_all(con, year)


def quota(db: Path, year: int, carrier: str | None = None) -> SbQuotaResult:
    with store.open_store(db) as con:
        return compute_sb_quota(con, year, carrier)


# --- which rows are places (AP) and filled places (BPA) -------------------------------------------


def rule(case: str, expected: tuple[int, int, int, int], **fields: str) -> tuple:
    """(case, row fields, (AP, BPA, counted disabled persons, other persons on places))."""
    return case, fields, expected


ROW_RULES = [
    rule("full time, not disabled", (1, 0, 0, 1)),
    rule("exactly 18 hours is a place", (1, 0, 0, 1), weekly_hours="18"),
    rule("under 18 hours: no place (§ 156(3))", (0, 0, 0, 0), weekly_hours="17,5"),
    # the approval only lets a disabled person count; it never makes a place
    rule(
        "under 18 h approved, not disabled",
        (0, 0, 0, 0),
        weekly_hours="17,5",
        under18_approved="ja",
    ),
    rule("severely disabled", (1, 1, 1, 0), disability="schwerbehindert"),
    rule("equal status", (1, 1, 1, 0), disability="gleichgestellt"),
    rule(
        "disabled under 18 h without approval",
        (0, 0, 0, 0),
        disability="schwerbehindert",
        weekly_hours="17,5",
    ),
    # § 156(3): no place; § 158(2): counts with the BA's approval
    rule(
        "disabled under 18 h with approval",
        (0, 1, 1, 0),
        disability="schwerbehindert",
        weekly_hours="17,5",
        under18_approved="ja",
    ),
    rule("credit factor 2", (1, 2, 1, 0), disability="schwerbehindert", credit_factor="2"),
    rule("credit factor 3", (1, 3, 1, 0), disability="schwerbehindert", credit_factor="3"),
    rule("trainee, not disabled: no place (§ 157(1))", (0, 0, 0, 0), employment_type="Ausbildung"),
    # § 159(2): a disabled trainee counts at least twice: weight max(1, 2) = 2
    rule(
        "disabled trainee", (0, 2, 1, 0), employment_type="Ausbildung", disability="schwerbehindert"
    ),
    # weight max(3, 2) = 3
    rule(
        "disabled trainee, credit factor 3",
        (0, 3, 1, 0),
        employment_type="Ausbildung",
        disability="gleichgestellt",
        credit_factor="3",
    ),
    # trainees count regardless of hours
    rule(
        "disabled trainee under 18 h",
        (0, 2, 1, 0),
        employment_type="Ausbildung",
        disability="schwerbehindert",
        weekly_hours="10",
    ),
    # § 156(2) Nr. 6: the replacement holds the place; the person on leave counts nowhere
    rule(
        "disabled, leave with replacement",
        (0, 0, 0, 0),
        disability="schwerbehindert",
        leave="Elternzeit",
        leave_replaced="ja",
    ),
    rule(
        "disabled, leave without replacement",
        (1, 1, 1, 0),
        disability="schwerbehindert",
        leave="Pflege",
        leave_replaced="nein",
    ),
    rule(
        "not disabled, leave with replacement", (0, 0, 0, 0), leave="sonstige", leave_replaced="ja"
    ),
    rule("not disabled, leave without replacement", (1, 0, 0, 1), leave="Elternzeit"),
    # a replacement flag without leave changes nothing
    rule("replacement flag without leave", (1, 0, 0, 1), leave_replaced="ja"),
    rule(
        "disabled under 18 h approved, leave with replacement",
        (0, 0, 0, 0),
        disability="schwerbehindert",
        weekly_hours="12",
        under18_approved="ja",
        leave="Elternzeit",
        leave_replaced="ja",
    ),
    rule(
        "disabled trainee, leave with replacement",
        (0, 0, 0, 0),
        employment_type="Ausbildung",
        disability="schwerbehindert",
        leave="Elternzeit",
        leave_replaced="ja",
    ),
]
FIRST_RULE_YEAR = 2001  # each case is the only row of its own year in one shared store


@pytest.fixture(scope="module")
def row_rules_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("row_rules")
    rows = [
        person(f"P{index}", f"31.12.{FIRST_RULE_YEAR + index}", **fields)
        for index, (_, fields, _) in enumerate(ROW_RULES)
    ]
    return build_store(directory, rows)


@pytest.mark.parametrize(
    ("index", "places", "filled", "counted", "others"),
    [(index, *expected) for index, (_, _, expected) in enumerate(ROW_RULES)],
    ids=[case for case, *_ in ROW_RULES],
)
def test_place_and_filled_rules_per_row(
    row_rules_store: Path, index: int, places: int, filled: int, counted: int, others: int
) -> None:
    year = FIRST_RULE_YEAR + index
    [month] = quota(row_rules_store, year).months
    assert month == SbMonth(12, date(year, 12, 31), places, float(filled), counted, others)


def test_rules_add_up_within_one_yearly_snapshot(tmp_path: Path) -> None:
    rows = [
        person(f"P{index}", "31.12.2024", **fields)
        for index, (_, fields, _) in enumerate(ROW_RULES)
    ]
    result = quota(build_store(tmp_path, rows), 2024)
    # AP (0-based rows): 0, 1 (full time, 18 h), 4, 5, 8, 9 (disabled), 15 (disabled on leave
    # without replacement), 17, 18 (not disabled, no replaced leave) = 9
    assert result.places_total == 9
    # BPA: 1 + 1 (disabled) + 1 (approved < 18 h) + 2 + 3 (credit) + 2 + 3 + 2 (trainees)
    #      + 1 (leave without replacement) = 16
    assert result.filled_total == 16.0
    # counted persons: the 9 rows with BPA > 0; others: full time, 18 h, Elternzeit, flag = 4
    assert result.months[0].counted_disabled_persons == 9
    assert result.months[0].other_persons_on_places == 4
    assert result.quota_percent == pytest.approx(16 / 9 * 100)  # 177.78 %
    assert result.months_covered == 1
    assert result.approximation is True  # a single yearly snapshot
    assert result.average_places == 9.0
    # average 9 < 20 places: no duty (§ 154(1)), nothing unfilled, no levy
    assert (result.mandatory_place_months, result.unfilled_place_months, result.levy_eur) == (
        0,
        0,
        0,
    )


# --- months ---------------------------------------------------------------------------------------


def test_months_missing_latest_snapshot_per_month_and_round_half_up(tmp_path: Path) -> None:
    # Jan–Sep at month end, Oct only mid-month (15.10.), Nov and Dec missing: 10 months.
    dates = [month_end(2024, month) for month in range(1, 10)] + ["15.10.2024"]
    rows = [
        person(f"P{index:03d}", day, disability="schwerbehindert" if index < 2 else "nein")
        for day in dates
        for index in range(61)
    ]
    # An earlier snapshot in March with other people: only 31.03. counts for March.
    rows += [
        person(f"X{index}", "15.03.2024", disability="schwerbehindert", credit_factor="3")
        for index in range(3)
    ]
    result = quota(build_store(tmp_path, rows), 2024)

    assert result.months_covered == 10
    assert result.approximation is False
    assert [m.month for m in result.months] == list(range(1, 11))
    assert result.months[2].reporting_date == date(2024, 3, 31)  # not 15.03.
    assert result.months[9].reporting_date == date(2024, 10, 15)
    # each month: 61 places, 2 disabled of weight 1 → BPA 2; others 61 − 2 = 59
    assert all(m == SbMonth(m.month, m.reporting_date, 61, 2.0, 2, 59) for m in result.months)
    assert result.places_total == 610  # 10 × 61
    assert result.filled_total == 20.0  # 10 × 2
    assert result.quota_percent == pytest.approx(20 / 610 * 100)  # 3.2787 %
    assert result.average_places == 61.0  # 610 / 10 ≥ 60: the 5 % rule applies
    # 0.05 × 610 = 30.5 → round half up 31 (Python's round(30.5) would give 30)
    assert result.mandatory_place_months == 31
    assert result.unfilled_place_months == 11  # 31 − 20
    assert result.levy_eur == 1540  # quota 3.28 % in band 3 % to < 5 %, 2024: 11 × 140 €


def test_snapshots_of_other_years_are_ignored(tmp_path: Path) -> None:
    rows = [
        person("P1", "31.12.2023", disability="schwerbehindert"),
        person("P1", "31.01.2024"),
        person("P2", "31.01.2024"),
        person("P1", "31.01.2025", disability="schwerbehindert"),
    ]
    result = quota(build_store(tmp_path, rows), 2024)
    # only 31.01.2024: 2 places, nothing filled
    assert (result.months_covered, result.places_total, result.filled_total) == (1, 2, 0.0)


def test_year_without_data(tmp_path: Path) -> None:
    db = build_store(tmp_path, [person("P1", "31.12.2024")])
    for year in (2023, 2025):
        results = quota_all(db, year)
        assert set(results) == {None, "BA", "Kommune"}
        for carrier, result in results.items():
            assert result == SbQuotaResult(
                year=year,
                carrier=carrier,
                months=(),
                months_covered=0,
                approximation=False,
                places_total=0,
                filled_total=0.0,
                quota_percent=None,
                average_places=0.0,
                mandatory_place_months=0,
                unfilled_place_months=0,
                levy_eur=0,
            )


# --- mandatory places, unfilled, levy bands -------------------------------------------------------

# (year, places, disabled among them, Soll, unfilled, levy) — one yearly snapshot 31.12.
LEVY_CASES = [
    # Soll for 100 places: 0.05 × 100 = 5
    (2024, 100, 6, 5, 0, 0),  # 6 % ≥ 5 %: no levy
    (2024, 100, 5, 5, 0, 0),  # exactly 5 %: duty met
    (2024, 100, 4, 5, 1, 140),  # 4 %: band 3 to < 5 %, 1 × 140 €
    (2024, 100, 3, 5, 2, 280),  # exactly 3 %: still band 3 to < 5 %, 2 × 140 €
    (2025, 100, 3, 5, 2, 310),  # 2025 rate: 2 × 155 €
    (2024, 101, 3, 5, 2, 490),  # 3 / 101 = 2.97 %: band 2 to < 3; Soll 5.05 → 5; 2 × 245 €
    (2024, 100, 2, 5, 3, 735),  # exactly 2 %: band 2 to < 3 %, 3 × 245 €
    (2025, 100, 2, 5, 3, 825),  # 3 × 275 €
    (2024, 100, 1, 5, 4, 1440),  # 1 %: below 2 %, 4 × 360 €
    (2025, 100, 1, 5, 4, 1620),  # 4 × 405 €
    (2021, 100, 0, 5, 5, 1800),  # 0 % before 2024: the below-2 rate, 5 × 360 €
    (2023, 100, 0, 5, 5, 1800),  # 5 × 360 €
    (2024, 100, 0, 5, 5, 3600),  # 0 % from 2024: own rate, 5 × 720 €
    (2025, 100, 0, 5, 5, 4075),  # 5 × 815 €
    (2024, 70, 0, 4, 4, 2880),  # 0.05 × 70 = 3.5 → 4; 4 × 720 €
    (2024, 69, 0, 3, 3, 2160),  # 0.05 × 69 = 3.45 → 3; 3 × 720 €
]


@pytest.mark.parametrize(("year", "places", "disabled", "soll", "unfilled", "levy"), LEVY_CASES)
def test_mandatory_unfilled_and_levy_bands(
    tmp_path: Path, year: int, places: int, disabled: int, soll: int, unfilled: int, levy: int
) -> None:
    rows = [
        person(
            f"P{index:03d}",
            f"31.12.{year}",
            disability="schwerbehindert" if index < disabled else "nein",
        )
        for index in range(places)
    ]
    result = quota(build_store(tmp_path, rows), year)
    assert (result.places_total, result.filled_total) == (places, float(disabled))
    assert result.quota_percent == pytest.approx(disabled / places * 100)
    assert result.approximation is True
    assert (result.mandatory_place_months, result.unfilled_place_months, result.levy_eur) == (
        soll,
        unfilled,
        levy,
    )


@pytest.mark.parametrize(
    ("places_total", "months", "expected"),
    [
        (0, 0, 0),
        (19, 1, 0),  # average 19 < 20: no duty
        (20, 1, 1),  # 20 to < 40: 1 place per month
        (39, 1, 1),
        (40, 1, 2),  # 40 to < 60: 2 places per month
        (59, 1, 2),
        (60, 1, 3),  # ≥ 60: 0.05 × 60 = 3
        (239, 12, 0),  # average 19.92 < 20
        (360, 12, 12),  # average 30: 1 × 12 months
        (119, 2, 4),  # average 59.5 < 60: 2 × 2 months (5 % would be 5.95 → 6)
        (120, 2, 6),  # average 60: 0.05 × 120 = 6
        (610, 10, 31),  # 30.5 → 31
        (630, 10, 32),  # 31.5 → 32 (banker's rounding would also give 32)
        (12_490, 12, 625),  # 624.5 → 625
    ],
)
def test_mandatory_place_months(places_total: int, months: int, expected: int) -> None:
    assert mandatory_place_months(places_total, months) == expected


def test_small_employer_minimum_numbers_in_a_store(tmp_path: Path) -> None:
    # Jan–Mar 2025, 25 places each, one severely disabled person in January only
    rows = [
        person(
            f"P{index:02d}",
            month_end(2025, month),
            disability="schwerbehindert" if (index, month) == (0, 1) else "nein",
        )
        for month in (1, 2, 3)
        for index in range(25)
    ]
    result = quota(build_store(tmp_path, rows), 2025)
    assert result.places_total == 75  # 3 × 25
    assert result.average_places == 25.0  # 75 / 3: 20 to < 40 → 1 place per month
    assert result.mandatory_place_months == 3  # 1 × 3 months
    assert result.unfilled_place_months == 2  # 3 − 1
    # quota 1 / 75 = 1.33 %: CONTRACT band below 2 %, 2025: 2 × 405 € (the § 160(2) special
    # rates for employers below 60 places are not applied, see sb_quota.levy_rate)
    assert result.levy_eur == 810


def test_levy_rates_by_year() -> None:
    old = LevyRates(from_3_to_5=140, from_2_to_3=245, below_2=360, zero=None)
    assert levy_rates_for(2016) == old  # before the first year of the table: the first
    assert levy_rates_for(2021) == old
    assert levy_rates_for(2023) == old
    assert levy_rates_for(2024) == LevyRates(140, 245, 360, 720)
    assert levy_rates_for(2025) == LevyRates(155, 275, 405, 815)
    assert levy_rates_for(2031) == LevyRates(155, 275, 405, 815)  # latest year <= 2031
    custom = {2026: LevyRates(1, 2, 3, 4)}
    assert levy_rates_for(2025, custom) == levy_rates_for(2030, custom) == LevyRates(1, 2, 3, 4)
    assert levy_rates_for(2025, DEFAULT_LEVY_RATES) is DEFAULT_LEVY_RATES[2025]
    with pytest.raises(ValueError):
        levy_rates_for(2025, {})


def test_custom_rates_are_used(tmp_path: Path) -> None:
    rows = [person(f"P{index:03d}", "31.12.2024") for index in range(100)]
    with store.open_store(build_store(tmp_path, rows)) as con:
        result = compute_sb_quota(con, 2024, rates={2020: LevyRates(1, 2, 3, zero=None)})
    assert result.levy_eur == 15  # 0 %, no own zero rate: below-2 rate 3 € × 5 unfilled


# --- carriers -------------------------------------------------------------------------------------


def carrier_rows(which: str = "both") -> list[list[str]]:
    """Jan–Mar 2025. BA: 70 places, B00 disabled with credit 2, B01, B02 disabled.
    Kommune: 40 places, not disabled, plus a disabled trainee in January and February."""
    rows: list[list[str]] = []
    for month in (1, 2, 3):
        day = month_end(2025, month)
        if which in ("both", "BA"):
            rows += [
                person(
                    f"B{index:02d}",
                    day,
                    carrier="BA",
                    disability="schwerbehindert" if index < 3 else "nein",
                    credit_factor="2" if index == 0 else "",
                )
                for index in range(70)
            ]
        if which in ("both", "Kommune"):
            rows += [person(f"K{index:02d}", day, carrier="Kommune") for index in range(40)]
            if month < 3:
                rows.append(
                    person(
                        "KA",
                        day,
                        carrier="Kommune",
                        employment_type="Ausbildung",
                        disability="schwerbehindert",
                    )
                )
    return rows


def test_per_carrier_and_combined(tmp_path: Path) -> None:
    results = quota_all(build_store(tmp_path, carrier_rows()), 2025)
    ba, kommune, combined = results["BA"], results["Kommune"], results[None]

    # BA per month: AP 70, BPA 2 + 1 + 1 = 4, counted 3, others 67
    assert [
        (m.places, m.filled_places, m.counted_disabled_persons, m.other_persons_on_places)
        for m in ba.months
    ] == [(70, 4.0, 3, 67)] * 3
    assert (ba.places_total, ba.filled_total) == (210, 12.0)  # 3 × 70, 3 × 4
    assert ba.quota_percent == pytest.approx(12 / 210 * 100)  # 5.71 %
    assert ba.mandatory_place_months == 11  # 0.05 × 210 = 10.5 → 11
    assert (ba.unfilled_place_months, ba.levy_eur) == (0, 0)  # 12 ≥ 11

    # Kommune: AP 40 (the trainee is no place), BPA 2 (trainee weight 2) in Jan, Feb; 0 in Mar
    assert [
        (m.places, m.filled_places, m.counted_disabled_persons, m.other_persons_on_places)
        for m in kommune.months
    ] == [(40, 2.0, 1, 40), (40, 2.0, 1, 40), (40, 0.0, 0, 40)]
    assert (kommune.places_total, kommune.filled_total) == (120, 4.0)
    assert kommune.average_places == 40.0  # 40 to < 60: 2 places per month
    assert kommune.mandatory_place_months == 6  # 2 × 3
    assert kommune.unfilled_place_months == 2  # 6 − 4
    assert kommune.levy_eur == 310  # 4 / 120 = 3.33 %: 2 × 155 € (2025)

    # combined: AP 110 per month, BPA 6, 6, 4
    assert [
        (m.places, m.filled_places, m.counted_disabled_persons, m.other_persons_on_places)
        for m in combined.months
    ] == [(110, 6.0, 4, 107), (110, 6.0, 4, 107), (110, 4.0, 3, 107)]
    assert (combined.places_total, combined.filled_total) == (330, 16.0)
    assert combined.mandatory_place_months == 17  # 0.05 × 330 = 16.5 → 17
    assert combined.unfilled_place_months == 1  # 17 − 16
    assert combined.levy_eur == 155  # 16 / 330 = 4.85 %: 1 × 155 €
    # the combined Soll is not the sum of the carriers' (11 + 6 = 17 here, by coincidence equal;
    # unfilled 1 ≠ 0 + 2): each carrier files its own notice

    for carrier in (None, "BA", "Kommune"):
        assert quota(tmp_path / "store" / "vielfalt.duckdb", 2025, carrier) == results[carrier]


@pytest.mark.parametrize("carrier", ["BA", "Kommune"])
def test_carrier_view_equals_a_store_of_that_carrier_alone(tmp_path: Path, carrier: str) -> None:
    mixed = quota_all(build_store(tmp_path / "mixed", carrier_rows()), 2025)[carrier]
    alone = quota(build_store(tmp_path / "alone", carrier_rows(carrier)), 2025)
    assert mixed == dataclasses.replace(alone, carrier=carrier)


def test_carrier_without_rows_counts_the_store_months_with_zero_places(tmp_path: Path) -> None:
    results = quota_all(build_store(tmp_path, carrier_rows("BA")), 2025)
    kommune = results["Kommune"]
    assert kommune.months_covered == 3
    assert all(m.places == m.counted_disabled_persons == 0 for m in kommune.months)
    assert (kommune.quota_percent, kommune.mandatory_place_months, kommune.levy_eur) == (None, 0, 0)


def test_unknown_carrier_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="carrier"):
        quota(build_store(tmp_path, [person()]), 2024, "Land")


# --- properties -----------------------------------------------------------------------------------

SNAPSHOT_DATES = (
    "31.12.2023",
    "15.01.2024",
    "31.01.2024",
    "29.02.2024",
    "30.06.2024",
    "31.12.2024",
)
HOURS = (10.0, 17.5, 18.0, 39.0)

random_row = st.fixed_dictionaries(
    {
        "date": st.sampled_from(SNAPSHOT_DATES),
        "carrier": st.sampled_from(("BA", "Kommune")),
        "employment_type": st.sampled_from(("Tarif", "Beamte", "Ausbildung")),
        "hours": st.sampled_from(HOURS),
        "disability": st.sampled_from(("nein", "schwerbehindert", "gleichgestellt")),
        "credit_factor": st.integers(1, 3),
        "under18_approved": st.booleans(),
        "leave": st.sampled_from(("keine", "Elternzeit", "Pflege", "sonstige")),
        "leave_replaced": st.booleans(),
    }
)


def expected_month(rows: list[dict], carrier: str | None) -> tuple[int, int]:
    """An independent per-row oracle for (AP_m, BPA_m) of one snapshot."""
    places = filled = 0
    for row in rows:
        if carrier is not None and row["carrier"] != carrier:
            continue
        replaced_leave = row["leave"] != "keine" and row["leave_replaced"]
        trainee = row["employment_type"] == "Ausbildung"
        if not replaced_leave and not trainee and row["hours"] >= 18:
            places += 1
        if (
            row["disability"] != "nein"
            and not replaced_leave
            and (row["hours"] >= 18 or row["under18_approved"] or trainee)
        ):
            filled += max(row["credit_factor"], 2) if trainee else row["credit_factor"]
    return places, filled


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(random_row, min_size=1, max_size=25))
def test_property_carriers_partition_the_combined_quota(rows: list[dict]) -> None:
    export = [
        person(
            f"P{index}",
            row["date"],
            carrier=row["carrier"],
            employment_type=row["employment_type"],
            weekly_hours=str(row["hours"]).replace(".", ","),
            disability=row["disability"],
            credit_factor=str(row["credit_factor"]),
            under18_approved="ja" if row["under18_approved"] else "nein",
            leave=row["leave"],
            leave_replaced="ja" if row["leave_replaced"] else "nein",
        )
        for index, row in enumerate(rows)
    ]
    with tempfile.TemporaryDirectory() as directory:
        results = quota_all(build_store(Path(directory), export), 2024)

    # the oracle: per month of 2024 the latest date present
    latest: dict[int, str] = {}
    for row in rows:
        day, month, year = (int(part) for part in row["date"].split("."))
        if year == 2024 and (month not in latest or day > int(latest[month][:2])):
            latest[month] = row["date"]
    combined = results[None]
    assert [m.month for m in combined.months] == sorted(latest)
    assert combined.approximation == (len(latest) == 1)
    for carrier, result in results.items():
        assert result.months_covered == len(latest)
        for month in result.months:
            snapshot = [row for row in rows if row["date"] == latest[month.month]]
            assert (month.places, month.filled_places) == expected_month(snapshot, carrier)
            assert month.counted_disabled_persons <= month.filled_places
            assert 0 <= month.other_persons_on_places <= month.places
        assert result.places_total >= 0 and result.filled_total >= 0
        assert 0 <= result.unfilled_place_months <= result.mandatory_place_months
        assert result.levy_eur >= 0
        if result.quota_percent is not None:
            assert result.quota_percent >= 0

    by_carrier = [results["BA"], results["Kommune"]]
    assert sum(r.places_total for r in by_carrier) == combined.places_total
    assert sum(r.filled_total for r in by_carrier) == combined.filled_total
    for index, month in enumerate(combined.months):
        parts = [r.months[index] for r in by_carrier]
        assert sum(p.places for p in parts) == month.places
        assert sum(p.filled_places for p in parts) == month.filled_places
        assert sum(p.counted_disabled_persons for p in parts) == month.counted_disabled_persons
        assert sum(p.other_persons_on_places for p in parts) == month.other_persons_on_places
