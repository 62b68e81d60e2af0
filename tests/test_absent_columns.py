"""A file without an optional column says nothing about it (CONTRACT § 1.1): the import report
names the column, and the KPIs resting on it have no value for the file's dates, never 0 %."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from metrics import store, views
from metrics.access import LOCAL_USER
from metrics.ingest import delete_coverage, import_files, inspect_files
from metrics.kpis import api as kpis
from metrics.settings import load_settings
from tests.exports import PERSONNEL_HEADER, person, write_csv

RULES = load_settings()  # k = 5 (ordinary), 10 (sensitive)


def staff(date: str = "31.12.2024", carrier: str = "BA", prefix: str = "P") -> list[list[str]]:
    """12 staff: 6 women, 6 men; 6 work mobile; 2 leaders; 6 deputies among the women."""
    return [
        person(
            f"{prefix}{i}",
            date,
            carrier=carrier,
            gender="w" if i < 6 else "m",
            mobile_work="mobil" if i % 2 else "keine",
            deputy="ja" if i < 6 else "nein",
            weekly_hours="19,5" if i < 6 else "39",
        )
        for i in range(12)
    ]


def without(columns: tuple[str, ...], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    keep = [i for i, header in enumerate(PERSONNEL_HEADER) if header not in columns]
    return [PERSONNEL_HEADER[i] for i in keep], [[row[i] for i in keep] for row in rows]


def write_without(path: Path, columns: tuple[str, ...], rows: list[list[str]]) -> Path:
    header, cut = without(columns, rows)
    return write_csv(path, header, cut)


def values(db: Path, year: int = 2024, carrier: str | None = None) -> dict[str, kpis.KpiValue]:
    with store.open_store(db) as con:
        return kpis.compute_kpis(con, year, carrier, RULES)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "vielfalt.duckdb"


def test_a_file_without_mobile_work_has_no_mobile_figure_not_zero(tmp_path: Path, db: Path):
    path = write_without(tmp_path / "p.csv", ("Mobiles Arbeiten", "Stellvertretung"), staff())
    [result] = import_files([path], db, by=LOCAL_USER)
    assert set(result.absent_columns) == {"mobile_work", "deputy"}
    assert "„Stellvertretung“, „Mobiles Arbeiten“" in result.summary("de")
    assert "keine Daten" in result.summary("de")
    assert "“no data”" in result.summary("en")

    shown = values(db)
    mobile = shown["mobile_work_share"]
    assert (mobile.value, mobile.numerator, mobile.denominator, mobile.suppressed) == (
        None,
        None,
        None,
        False,
    )
    assert mobile.extra["missing_columns"] == ["mobile_work"]
    assert shown["mobile_work_share.w"].extra["missing_columns"] == ["mobile_work"]
    assert shown["women_deputy_share"].value is None
    assert shown["women_deputy_share"].extra["missing_columns"] == ["deputy"]
    # what does not rest on the missing columns keeps its value: 6 of 12 work part-time
    assert shown["part_time_share"].value == pytest.approx(50.0)
    assert shown["headcount"].value == 12
    # the carrier's view and the breakdowns say the same; the CLI's JSON names the column
    assert values(db, carrier="BA")["mobile_work_share"].value is None
    with store.open_store(db) as con:
        table = kpis.kpi_breakdown(con, "mobile_work_share", 2024, "gender", None, RULES)
        assert table["value"].isna().all()
        entry = kpis.kpi_json(kpis.compute_kpis(con, 2024, None, RULES))["mobile_work_share"]
    assert entry["value"] is None and entry["missing_columns"] == ["mobile_work"]


def test_the_same_date_imported_again_with_the_column_has_its_value(tmp_path: Path, db: Path):
    import_files(
        [write_without(tmp_path / "p.csv", ("Mobiles Arbeiten",), staff())], db, by=LOCAL_USER
    )
    assert values(db)["mobile_work_share"].value is None
    [result] = import_files(
        [write_csv(tmp_path / "full.csv", PERSONNEL_HEADER, staff())], db, by=LOCAL_USER
    )
    assert result.absent_columns == ()
    assert "Spalte" not in result.summary("de")
    mobile = values(db)["mobile_work_share"]
    assert (mobile.value, mobile.numerator, mobile.denominator) == (50.0, 6, 12)
    assert "missing_columns" not in mobile.extra


def test_other_dates_keep_their_values(tmp_path: Path, db: Path):
    files = [
        write_csv(tmp_path / "2023.csv", PERSONNEL_HEADER, staff("31.12.2023")),
        write_without(tmp_path / "2024.csv", ("Mobiles Arbeiten",), staff("31.12.2024")),
    ]
    import_files(files, db, by=LOCAL_USER)
    assert values(db, 2023)["mobile_work_share"].value == pytest.approx(50.0)
    assert values(db, 2024)["mobile_work_share"].value is None


def test_two_files_of_one_date_and_one_lacks_the_column(tmp_path: Path, db: Path):
    """A BA export with the column and a Kommune export without it: for that date the store
    knows mobile work of only some staff, so no view has a value of the date."""
    files = [
        write_csv(tmp_path / "ba.csv", PERSONNEL_HEADER, staff()),
        write_without(
            tmp_path / "kommune.csv",
            ("Mobiles Arbeiten",),
            staff(carrier="Kommune", prefix="K"),
        ),
    ]
    results = import_files(files, db, by=LOCAL_USER)
    assert [r.absent_columns for r in results] == [(), ("mobile_work",)]
    for carrier in (None, "BA", "Kommune"):
        assert values(db, carrier=carrier)["mobile_work_share"].value is None, carrier


def test_the_preview_names_the_missing_column_before_anything_is_written(tmp_path: Path, db: Path):
    path = write_without(tmp_path / "p.csv", ("Mobiles Arbeiten",), staff())
    [preview] = inspect_files([path], db, by=LOCAL_USER)
    assert preview.absent_columns == ("mobile_work",)
    assert "„Mobiles Arbeiten“" in preview.summary("de")
    assert not db.exists()


def test_deleting_the_date_forgets_what_its_files_lacked(tmp_path: Path, db: Path):
    import_files(
        [write_without(tmp_path / "p.csv", ("Mobiles Arbeiten",), staff())], db, by=LOCAL_USER
    )
    delete_coverage(db, "personnel", "31.12.2024", by=LOCAL_USER)
    with store.open_store(db) as con:
        assert con.execute("SELECT count(*) FROM absent_columns").fetchall() == [(0,)]


def test_the_sb_quota_rests_on_the_multiple_credit(tmp_path: Path, db: Path):
    import_files(
        [write_without(tmp_path / "p.csv", ("Mehrfachanrechnung",), staff())], db, by=LOCAL_USER
    )
    shown = values(db)
    assert shown["sb_quota"].value is None
    assert shown["sb_quota"].extra["missing_columns"] == ["credit_factor"]
    with store.open_store(db) as con:
        table = kpis.published_year(con, 2024, RULES).sb_quota_tables()[None]
    assert table.kpi.value is None


def test_a_store_from_before_the_record_reads_and_takes_new_imports(tmp_path: Path, db: Path):
    import_files([write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, staff())], db, by=LOCAL_USER)
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE absent_columns")  # as every store made before this change
    assert values(db)["mobile_work_share"].value == pytest.approx(50.0)
    import_files(
        [write_without(tmp_path / "p2.csv", ("Mobiles Arbeiten",), staff())], db, by=LOCAL_USER
    )
    assert values(db)["mobile_work_share"].value is None


def test_the_page_says_no_data_and_why(tmp_path: Path, db: Path):
    files = [
        write_csv(tmp_path / "2023.csv", PERSONNEL_HEADER, staff("31.12.2023")),
        write_without(tmp_path / "2024.csv", ("Mobiles Arbeiten",), staff("31.12.2024")),
    ]
    import_files(files, db, by=LOCAL_USER)
    with store.open_store(db) as con:
        history = views.KpiHistory.of_store(con, RULES)
        page = views.build_part_time(history, views.Filters(2024), "de")
        english = views.build_part_time(history, views.Filters(2024), "en")
    [card] = [c for c in page.cards if c.kpi_id == "mobile_work_share"]
    assert card.value_text == "keine Daten"
    assert card.note == "Die Personaldaten dieses Stichtags haben keine Spalte „Mobiles Arbeiten“."
    assert page.mobile.notes == (
        "Keine Daten für 2024: Die Personaldaten dieses Stichtags haben keine Spalte "
        "„Mobiles Arbeiten“.",
    )
    [card] = [c for c in english.cards if c.kpi_id == "mobile_work_share"]
    assert card.value_text == "no data"
    part_time = next(c for c in page.cards if c.kpi_id == "part_time_share")
    assert part_time.value_text == "50,0 %" and part_time.note is None
