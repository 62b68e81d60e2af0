"""The demo exports (CONTRACT § 5): raw German format, determinism, validity and calibration.

The files are read back with pandas and decoded with the contract's own alias tables, never with
the importer, so these tests pin down what the generator writes, not what ingest makes of it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics.contract import (
    APPLICATIONS,
    FALSE_SPELLINGS,
    PERSONNEL,
    SURVEY,
    SURVEY_INVITED,
    TRUE_SPELLINGS,
    ColumnType,
    Source,
    header_lookup,
    normalise_header,
    recognise_source,
)
from metrics.demo import write_demo_exports

FIRST_YEAR, LAST_YEAR = 2016, 2025
SOURCES_IN_IMPORT_ORDER = (PERSONNEL, APPLICATIONS, SURVEY, SURVEY_INVITED)
FILE_NAMES = (
    "personalbestand_2016-2025.csv",
    "bewerbungen_2016-2025.csv",
    "vielfaltsbefragung_2019-2025.csv",
    "befragung_eingeladene.csv",
)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_demo_exports(tmp_path_factory.mktemp("demo"))


def read_raw(path: Path) -> pd.DataFrame:
    """The file as the cells say, every cell a string, empty cells empty."""
    return pd.read_csv(
        path, encoding="cp1252", sep=";", decimal=",", dtype=str, keep_default_na=False
    )


def canonical(raw: pd.DataFrame, source: Source) -> pd.DataFrame:
    """Canonical column names and codes via the contract's alias tables; fails on unknown codes."""
    lookup = header_lookup(source)
    frame = pd.DataFrame(index=raw.index)
    for header in raw.columns:
        column = lookup[normalise_header(header)]
        cells = raw[header].str.strip()
        if column.type == ColumnType.CODE:
            codes: dict[str, str | None] = {**column.code_lookup()}
            if not column.required:
                codes[""] = None if column.default is None else str(column.default)
            unknown = set(cells.str.lower()) - set(codes)
            assert not unknown, f"{header}: codes outside the contract {sorted(unknown)}"
            frame[column.name] = cells.str.lower().map(codes)
        elif column.type == ColumnType.BOOL:
            spellings = {**dict.fromkeys(TRUE_SPELLINGS, True), **dict.fromkeys(FALSE_SPELLINGS)}
            unknown = set(cells.str.lower()) - set(spellings)
            assert not unknown, f"{header}: not a boolean {sorted(unknown)}"
            frame[column.name] = cells.str.lower().isin(TRUE_SPELLINGS)
        elif column.type == ColumnType.DATE:
            frame[column.name] = pd.to_datetime(cells.replace("", None), format="%d.%m.%Y")
        elif column.type == ColumnType.DECIMAL:
            frame[column.name] = cells.str.replace(",", ".").astype(float)
        elif column.type == ColumnType.INT:
            frame[column.name] = pd.to_numeric(cells.replace("", None)).astype("Int64")
        else:
            frame[column.name] = cells
    return frame


@pytest.fixture(scope="module")
def raw_personnel(exports: list[Path]) -> pd.DataFrame:
    return read_raw(exports[0])


@pytest.fixture(scope="module")
def personnel(raw_personnel: pd.DataFrame) -> pd.DataFrame:
    frame = canonical(raw_personnel, PERSONNEL)
    frame["year"] = frame["reporting_date"].dt.year
    frame["staff"] = frame["employment_type"] != "Ausbildung"
    frame["active"] = frame["leave"] == "keine"
    frame["part_time"] = frame["weekly_hours"] < frame["full_time_hours"]
    return frame


@pytest.fixture(scope="module")
def applications(exports: list[Path]) -> pd.DataFrame:
    frame = canonical(read_raw(exports[1]), APPLICATIONS)
    frame["year"] = frame["application_date"].dt.year
    return frame


@pytest.fixture(scope="module")
def survey(exports: list[Path]) -> pd.DataFrame:
    return canonical(read_raw(exports[2]), SURVEY)


@pytest.fixture(scope="module")
def invited(exports: list[Path]) -> dict[int, int]:
    frame = canonical(read_raw(exports[3]), SURVEY_INVITED)
    return dict(zip(frame["wave"].astype(int), frame["invited"].astype(int), strict=True))


def year_end(personnel: pd.DataFrame, year: int) -> pd.DataFrame:
    return personnel[personnel["reporting_date"] == pd.Timestamp(year, 12, 31)]


def women_share(frame: pd.DataFrame) -> float:
    women, men = (frame["gender"] == "w").sum(), (frame["gender"] == "m").sum()
    return women / (women + men)


# -- files -------------------------------------------------------------------------------------


def test_writes_the_four_files_in_import_order(exports: list[Path]) -> None:
    assert [path.name for path in exports] == list(FILE_NAMES)
    assert all(path.is_file() and path.stat().st_size > 0 for path in exports)


def test_files_are_windows_1252_with_semicolons_and_crlf(exports: list[Path]) -> None:
    personnel_bytes = exports[0].read_bytes()
    header = personnel_bytes.split(b"\r\n", 1)[0]
    assert b"Tr\xe4ger" in header  # 'ä' as the single cp1252 byte, not UTF-8's two
    assert "Träger".encode() not in personnel_bytes
    with pytest.raises(UnicodeDecodeError):
        personnel_bytes.decode("utf-8")
    assert header.count(b";") == 19
    first_row = personnel_bytes.split(b"\r\n", 2)[1].decode("cp1252")
    assert first_row.startswith("31.01.2016;JC-")
    assert "19,5" in personnel_bytes.decode("cp1252")  # decimal comma


def test_headers_are_german_aliases_and_recognised_as_their_source(exports: list[Path]) -> None:
    for path, source in zip(exports, SOURCES_IN_IMPORT_ORDER, strict=True):
        headers = path.read_bytes().split(b"\r\n", 1)[0].decode("cp1252").split(";")
        assert recognise_source(headers) is source
        # German aliases, not the canonical English names
        assert all(
            normalise_header(header) not in {c.name for c in source.columns} for header in headers
        )


def test_same_seed_gives_identical_bytes(exports: list[Path], tmp_path: Path) -> None:
    again = write_demo_exports(tmp_path / "again")
    assert [path.read_bytes() for path in again] == [path.read_bytes() for path in exports]


def test_raw_spellings_vary_as_in_real_exports(raw_personnel: pd.DataFrame) -> None:
    raw = raw_personnel
    assert {"BA", "Agentur für Arbeit", "Kommune", "Stadt"} <= set(raw["Träger"])
    assert {"w", "m", "weiblich", "männlich"} <= set(raw["Geschlecht"])
    pay_groups = set(raw["Entgeltgruppe"])
    assert {"TE IV", "E 9b", "A 11"} <= pay_groups
    assert any(group.startswith("te ") for group in pay_groups)  # lower case
    assert any(group.startswith(("E9", "A1")) for group in pay_groups)  # no space
    # optional booleans: 'nein' written out by one system, left empty by the other
    assert {"ja", "nein", ""} <= set(raw["Befristet"])


# -- personnel: validity -----------------------------------------------------------------------


def test_monthly_snapshots_2016_to_2025(personnel: pd.DataFrame) -> None:
    dates = sorted(personnel["reporting_date"].unique())
    assert len(dates) == 120
    assert dates[0] == pd.Timestamp(2016, 1, 31)
    assert dates[-1] == pd.Timestamp(2025, 12, 31)
    assert all(pd.Timestamp(day).is_month_end for day in dates)


def test_personnel_rows_are_valid(personnel: pd.DataFrame) -> None:
    assert not personnel.duplicated(["reporting_date", "person_id"]).any()
    assert personnel["person_id"].str.fullmatch(r"JC-\d{6}").all()
    assert personnel["weekly_hours"].between(0, 60, inclusive="right").all()
    assert set(personnel["full_time_hours"]) <= {39.0, 39.5, 41.0}
    assert (personnel["weekly_hours"] <= personnel["full_time_hours"]).all()
    age = personnel["year"] - personnel["birth_year"]
    assert personnel["birth_year"].min() >= 1940
    assert age.between(17, 66).all()
    assert (personnel["entry_date"].dropna() <= personnel["reporting_date"]).all()
    today = pd.Timestamp(date.today())
    assert personnel["reporting_date"].max() <= today
    assert personnel["entry_date"].max() <= today


def test_persons_persist_and_keep_their_birth_year(personnel: pd.DataFrame) -> None:
    # one population evolving month by month, not independent rows per month
    assert personnel.groupby("person_id")["birth_year"].nunique().max() == 1
    before = set(year_end(personnel, 2020)["person_id"])
    after = set(year_end(personnel, 2021)["person_id"])
    assert 0.85 < len(before & after) / len(before) < 0.99
    assert personnel["person_id"].nunique() < 2.2 * len(before)


def test_credit_factor_is_mostly_empty(
    raw_personnel: pd.DataFrame, personnel: pd.DataFrame
) -> None:
    raw = raw_personnel["Mehrfachanrechnung"]
    assert (raw == "").mean() > 0.97
    assert set(raw) - {""} and set(raw) <= {"", "2", "3"}
    credited_people = personnel.loc[personnel["credit_factor"].notna(), "person_id"].nunique()
    assert 2 <= credited_people <= 30  # a handful
    disabled_only = personnel.loc[personnel["credit_factor"].notna(), "disability"]
    assert (disabled_only != "nein").all()


def test_a_few_under_18_hours_some_credited(personnel: pd.DataFrame) -> None:
    for year in (FIRST_YEAR, LAST_YEAR):
        snapshot = year_end(personnel, year)
        under_18 = snapshot[snapshot["weekly_hours"] < 18]
        assert 1 <= len(under_18) <= 25
        assert under_18["under18_approved"].sum() >= 1
    approved = personnel[personnel["under18_approved"]]
    assert (approved["weekly_hours"] < 18).all()
    assert (approved["disability"] != "nein").all()


def test_a_few_people_outside_w_and_m(personnel: pd.DataFrame) -> None:
    outside = personnel[personnel["gender"].isin(["d", "x"])]
    assert 2 <= outside["person_id"].nunique() <= 6
    assert set(outside["gender"]) == {"d", "x"}
    assert year_end(personnel, LAST_YEAR)["gender"].isin(["d", "x"]).sum() >= 1


# -- personnel: calibration (CONTRACT § 5) -------------------------------------------------------


@pytest.mark.parametrize("year", [FIRST_YEAR, LAST_YEAR])
def test_workforce_composition(personnel: pd.DataFrame, year: int) -> None:
    snapshot = year_end(personnel, year)
    staff = snapshot[snapshot["staff"]]
    assert 980 <= len(snapshot) <= 1120
    assert 0.55 <= (snapshot["carrier"] == "BA").mean() <= 0.65
    assert 0.65 <= women_share(staff) <= 0.72
    assert 0.025 <= (snapshot["employment_type"] == "Ausbildung").mean() <= 0.045
    civil_servants = snapshot[snapshot["employment_type"] == "Beamte"]
    assert 0.10 <= len(civil_servants) / len(snapshot) <= 0.25
    assert (civil_servants["carrier"] == "Kommune").mean() > 0.6
    assert 0.065 <= (snapshot["disability"] != "nein").mean() <= 0.10
    trainees = personnel[(personnel["year"] == year) & ~personnel["staff"]]
    assert (trainees["birth_year"] >= year - 30).all()


@pytest.mark.parametrize("year", [FIRST_YEAR, LAST_YEAR])
def test_leadership_posts(personnel: pd.DataFrame, year: int) -> None:
    levels = year_end(personnel, year)["leadership"].value_counts()
    assert 1 <= levels["Geschäftsführung"] <= 2
    assert 8 <= levels["Bereichsleitung"] <= 10
    assert 60 <= levels["Teamleitung"] <= 70
    assert 25 <= year_end(personnel, year)["deputy"].sum() <= 60


def test_women_in_leadership_rise_from_40_to_50_percent(personnel: pd.DataFrame) -> None:
    def leaders(year: int) -> pd.DataFrame:
        snapshot = year_end(personnel, year)
        return snapshot[snapshot["staff"] & (snapshot["leadership"] != "keine")]

    first, last = women_share(leaders(FIRST_YEAR)), women_share(leaders(LAST_YEAR))
    assert 0.35 <= first <= 0.45
    assert 0.45 <= last <= 0.56
    assert last - first >= 0.04


@pytest.mark.parametrize("year", [FIRST_YEAR, LAST_YEAR])
def test_part_time(personnel: pd.DataFrame, year: int) -> None:
    snapshot = year_end(personnel, year)
    active_staff = snapshot[snapshot["staff"] & snapshot["active"]]
    part_time = active_staff[active_staff["part_time"]]
    assert 0.28 <= len(part_time) / len(active_staff) <= 0.37
    assert 0.77 <= women_share(part_time) <= 0.92
    assert set(part_time["weekly_hours"]) >= {19.5, 30.0}


def test_part_time_leaders_rise(personnel: pd.DataFrame) -> None:
    def part_time_leader_share(year: int) -> float:
        snapshot = year_end(personnel, year)
        leaders = snapshot[
            snapshot["staff"] & snapshot["active"] & (snapshot["leadership"] != "keine")
        ]
        return leaders["part_time"].mean()

    assert part_time_leader_share(FIRST_YEAR) <= 0.10
    assert 0.10 <= part_time_leader_share(LAST_YEAR) <= 0.22


def test_mobile_work_rises(personnel: pd.DataFrame) -> None:
    def mobile_share(year: int) -> float:
        snapshot = year_end(personnel, year)
        active_staff = snapshot[snapshot["staff"] & snapshot["active"]]
        return (active_staff["mobile_work"] != "keine").mean()

    assert 0.05 <= mobile_share(FIRST_YEAR) <= 0.18
    assert 0.55 <= mobile_share(2021) <= 0.75
    assert 0.55 <= mobile_share(LAST_YEAR) <= 0.75


def test_leave(personnel: pd.DataFrame) -> None:
    on_parental_leave = personnel["leave"] == "Elternzeit"
    for year in (FIRST_YEAR, LAST_YEAR):
        in_year = personnel["year"] == year
        assert 0.015 <= on_parental_leave[in_year].mean() <= 0.04
    assert {"Pflege", "sonstige"} <= set(personnel["leave"])
    leave = personnel[~personnel["active"]]
    assert 0.2 <= leave["leave_replaced"].mean() <= 0.8
    assert not personnel.loc[personnel["active"], "leave_replaced"].any()

    def men_share_of_parental_leave(years: range) -> float:
        parents = personnel[on_parental_leave & personnel["year"].isin(years)]
        return 1 - women_share(parents)

    assert men_share_of_parental_leave(range(2016, 2019)) < men_share_of_parental_leave(
        range(2023, 2026)
    )


def test_trainees_leave_or_are_taken_over(personnel: pd.DataFrame) -> None:
    trainees = personnel[~personnel["staff"]]
    months_in_training = trainees.groupby("person_id").size()
    assert months_in_training.max() <= 36
    assert set(trainees["pay_group"]) <= {"Azubi", "Anw."}
    assert trainees["fixed_term"].all()
    assert (trainees["disability"] != "nein").any()


# -- applications ------------------------------------------------------------------------------


def per_applicant(applications: pd.DataFrame, year: int) -> pd.DataFrame:
    in_year = applications[applications["year"] == year].sort_values("application_date")
    return in_year.groupby("applicant_id").agg(
        disclosed=("disability", lambda cells: (cells != "nein").any()),
        invited=("stage", lambda cells: cells.isin(["eingeladen", "eingestellt"]).any()),
        gender=("gender", "last"),
        applications=("stage", "size"),
    )


def test_applications_are_valid(applications: pd.DataFrame) -> None:
    assert applications["application_date"].max() <= pd.Timestamp(date.today())
    assert set(applications["year"]) == set(range(FIRST_YEAR, LAST_YEAR + 1))
    posting_year = applications["posting_id"].str[:4].astype(int)
    assert (posting_year == applications["year"]).all()
    assert not applications.duplicated(["applicant_id", "posting_id"]).any()
    assert 0 < applications["carrier"].isna().mean() < 0.03


@pytest.mark.parametrize("year", [FIRST_YEAR, LAST_YEAR])
def test_applications_calibration(applications: pd.DataFrame, year: int) -> None:
    in_year = applications[applications["year"] == year]
    assert 1350 <= len(in_year) <= 1650
    assert 55 <= in_year["posting_id"].nunique() <= 75
    assert in_year["application_date"].dt.month.nunique() == 12
    applicants = per_applicant(applications, year)
    assert (applicants["applications"] > 1).mean() > 0.05
    assert 0.025 <= applicants["disclosed"].mean() <= 0.06
    assert 0.60 <= women_share(applicants) <= 0.70
    invited_share = in_year["stage"].isin(["eingeladen", "eingestellt"]).mean()
    assert 0.18 <= invited_share <= 0.28
    assert applicants.loc[applicants["disclosed"], "invited"].mean() >= 0.85
    hires_per_posting = (in_year["stage"] == "eingestellt").sum() / in_year["posting_id"].nunique()
    assert 0.8 <= hires_per_posting <= 1.2
    assert in_year["leadership_posting"].any()


# -- survey ------------------------------------------------------------------------------------


def test_invited_is_the_headcount_at_survey_time(
    invited: dict[int, int], personnel: pd.DataFrame
) -> None:
    assert set(invited) == {2019, 2022, 2025}
    for wave, count in invited.items():
        snapshot = personnel[personnel["reporting_date"] == pd.Timestamp(wave, 5, 31)]
        assert count == len(snapshot)
        assert 980 <= count <= 1120


@pytest.mark.parametrize(
    ("wave", "low", "high"), [(2019, 0.08, 0.16), (2022, 0.11, 0.20), (2025, 0.14, 0.23)]
)
def test_survey_calibration(
    survey: pd.DataFrame, invited: dict[int, int], wave: int, low: float, high: float
) -> None:
    answers = survey[survey["wave"] == wave]
    assert 0.45 <= len(answers) / invited[wave] <= 0.57
    parents = answers["parents_not_german_at_birth"]
    background = (answers["german_at_birth"] == "nein") | parents.isin(["1", "2"])
    no_background = (answers["german_at_birth"] == "ja") & (parents == "0")
    background_share = background.sum() / (background | no_background).sum()
    assert low <= background_share <= high
    history = (answers["immigrated"] == "ja") | (answers["parents_immigrated"] == "2")
    no_history = (answers["immigrated"] == "nein") & answers["parents_immigrated"].isin(["0", "1"])
    assert history.sum() / (history | no_history).sum() < background_share
    for question in ("german_at_birth", "immigrated", "parents_not_german_at_birth"):
        assert 0.005 <= (answers[question] == "keine Angabe").mean() <= 0.06
    assert 0.05 <= (answers["leadership"] == "ja").mean() <= 0.11
    assert (answers["gender"].isin(["w", "m"])).mean() >= 0.9


def test_migration_background_rises(survey: pd.DataFrame) -> None:
    def share(wave: int) -> float:
        answers = survey[survey["wave"] == wave]
        parents = answers["parents_not_german_at_birth"]
        background = (answers["german_at_birth"] == "nein") | parents.isin(["1", "2"])
        determinable = background | ((answers["german_at_birth"] == "ja") & (parents == "0"))
        return background.sum() / determinable.sum()

    assert share(2019) < share(2025)


def test_demo_store_is_built_through_the_real_importer(tmp_path: Path) -> None:
    from metrics import store
    from metrics.demo import build_demo_store

    db = tmp_path / "vielfalt.duckdb"
    exports = build_demo_store(db)
    assert sorted(p.name for p in exports.iterdir()) == sorted(
        p.name for p in write_demo_exports(tmp_path / "again")
    )
    with store.open_store(db) as con:
        status = store.store_status(con)
        assert status.demo
        assert status.latest_reporting_date == date(2025, 12, 31)
        assert status.has_personnel and status.has_applications and status.has_survey
        (snapshots,) = con.execute(
            "SELECT count(DISTINCT reporting_date) FROM personnel"
        ).fetchall()[0]
        assert snapshots == 120
        assert con.execute("SELECT count(*) FROM import_log").fetchall() == [(4,)]
    # rebuilding a demo store works; a store with real data is never overwritten
    build_demo_store(db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE meta SET value = 'false' WHERE key = 'demo'")
    with pytest.raises(store.StoreError, match="real data"):
        build_demo_store(db)
