"""Templates carry every contract column in the HR-export format; examples import cleanly."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from metrics import store
from metrics.access import LOCAL_USER
from metrics.contract import SOURCES, SOURCES_BY_KIND, recognise_source
from metrics.ingest import ImportRefused, coverage_summary, import_files
from metrics.templates import (
    EXAMPLE_YEAR,
    example_csv,
    template_csv,
    template_headers,
    template_xlsx,
)

KINDS = [source.kind for source in SOURCES]


@pytest.mark.parametrize("kind", KINDS)
def test_csv_template_is_a_header_the_importer_recognises(kind: str) -> None:
    data = template_csv(kind)
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 1
    headers = data.decode("cp1252").rstrip("\r\n").split(";")
    assert len(headers) == len(SOURCES_BY_KIND[kind].columns)
    assert recognise_source(headers) is SOURCES_BY_KIND[kind]
    english = template_csv(kind, "en").decode("ascii").rstrip("\r\n").split(",")
    assert english == [c.name for c in SOURCES_BY_KIND[kind].columns]
    assert recognise_source(english) is SOURCES_BY_KIND[kind]


def test_german_template_is_windows_1252() -> None:
    assert "Träger".encode("cp1252") in template_csv("personnel")
    assert template_headers("personnel")[:3] == ["Stichtag", "Pseudonym", "Träger"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_template_is_refused_as_empty(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"vorlage_{kind}.csv"
    path.write_bytes(template_csv(kind))
    with pytest.raises(ImportRefused) as caught:
        import_files([path], tmp_path / "store.duckdb", by=LOCAL_USER)
    assert "Die Datei ist leer" in caught.value.report("de")


@pytest.mark.parametrize("kind", KINDS)
def test_xlsx_template_first_sheet_headers_and_explanations(kind: str) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    data, explanation = workbook.worksheets
    assert [c.value for c in data[1]] == template_headers(kind)
    explained = [row[0] for row in explanation.iter_rows(min_row=2, values_only=True)]
    assert explained == template_headers(kind)
    english = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind, "en")))
    assert english.worksheets[1].title == "Explanation"


def test_xlsx_template_explains_codes_defaults_and_aliases() -> None:
    explanation = openpyxl.load_workbook(io.BytesIO(template_xlsx("personnel"))).worksheets[1]
    rows = {row[0]: row for row in explanation.iter_rows(min_row=2, values_only=True)}
    assert rows["Träger"][1] == "ja"
    assert "BA (Agentur, Bundesagentur, Agentur für Arbeit)" in rows["Träger"][3]
    assert rows["Mehrfachanrechnung"][1] == "nein (leer = 1)"
    assert rows["Mehrfachanrechnung"][3] == "1 bis 3"
    assert rows["Stellvertretung"][1] == "nein (leer = nein)"
    assert "PersNr" in rows["Pseudonym"][4]


@pytest.mark.parametrize(
    ("kind", "rows"), [("personnel", 5), ("applications", 5), ("survey", 5), ("survey_invited", 1)]
)
def test_examples_import_cleanly(tmp_path: Path, kind: str, rows: int) -> None:
    path = tmp_path / f"beispiel_{kind}.csv"
    path.write_bytes(example_csv(kind))
    path.read_bytes().decode("cp1252")  # the HR systems' encoding
    db = tmp_path / "store" / "vielfalt.duckdb"
    [result] = import_files([path], db, by=LOCAL_USER)
    assert (result.kind, result.rows, result.unknown_columns) == (kind, rows, ())
    assert all(str(EXAMPLE_YEAR) in value for value in result.coverage)
    summary = coverage_summary(db)
    assert summary["rows"].sum() == rows


def test_the_personnel_example_round_trips_its_values(tmp_path: Path) -> None:
    path = tmp_path / "beispiel.csv"
    path.write_bytes(example_csv("personnel"))
    db = tmp_path / "store" / "vielfalt.duckdb"
    import_files([path], db, by=LOCAL_USER)
    with store.open_store(db) as con:
        stored = con.execute(
            "SELECT carrier, org_unit, gender, pay_group, weekly_hours, disability, credit_factor,"
            " leave, leave_replaced FROM personnel ORDER BY entry_date"
        ).fetchall()
        (reporting_date,) = con.execute("SELECT DISTINCT reporting_date FROM personnel").fetchone()
    assert reporting_date == date(EXAMPLE_YEAR, 12, 31)
    assert stored == [
        ("Kommune", "Markt & Integration", "m", "A 11", 41.0, "nein", 1, "keine", False),
        ("BA", "Bereich 1", "w", "E 9b", 39.0, "nein", 1, "keine", False),
        ("BA", "Bereich 1", "w", "TE IV", 19.5, "schwerbehindert", 2, "keine", False),
        (
            "Kommune",
            "Markt & Integration",
            "w",
            "E 8",
            30.0,
            "gleichgestellt",
            1,
            "Elternzeit",
            True,
        ),
        ("BA", "Geschäftsführung", "m", "E 5", 39.0, "nein", 1, "keine", False),
    ]


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        template_csv("payroll")
