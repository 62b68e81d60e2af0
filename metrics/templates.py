"""Import templates and filled examples to download from the Data page, derived from the contract.

Templates carry the German headers the importer recognises, in the format HR systems export:
Windows-1252, `;`, CRLF. The filled examples import cleanly (a test proves it). They are dated in
the year 2000 (reporting date 31.12.2000, applications of 2000, survey wave 2000), so that
importing one by mistake adds a clearly foreign year, which the Data page can delete again,
and never replaces real data.
"""

from __future__ import annotations

import io
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from metrics.contract import SOURCES_BY_KIND, Column, ColumnType, Source
from metrics.i18n import t

Lang = Literal["de", "en"]
EXAMPLE_YEAR = 2000

# ~5 rows per kind, in the spellings real exports use (aliases, decimal comma, empty optionals)
_EXAMPLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "personnel": (
        (
            "31.12.2000",
            "P-0001",
            "BA",
            "Bereich 1",
            "w",
            "1968",
            "Tarif",
            "E 9b",
            "39",
            "39",
            "keine",
            "nein",
            "nein",
            "",
            "nein",
            "keine",
            "nein",
            "mobil",
            "nein",
            "01.04.1990",
        ),
        (
            "31.12.2000",
            "P-0002",
            "Agentur für Arbeit",
            "Bereich 1",
            "weiblich",
            "1975",
            "Tarif",
            "TE IV",
            "19,5",
            "39",
            "Teamleitung",
            "nein",
            "schwerbehindert",
            "2",
            "nein",
            "keine",
            "nein",
            "keine",
            "nein",
            "15.08.1995",
        ),
        (
            "31.12.2000",
            "P-0003",
            "Stadt",
            "Markt & Integration",
            "m",
            "1961",
            "Beamte",
            "A 11",
            "41",
            "41",
            "Bereichsleitung",
            "nein",
            "nein",
            "",
            "nein",
            "keine",
            "nein",
            "Telearbeit",
            "nein",
            "01.10.1985",
        ),
        (
            "31.12.2000",
            "P-0004",
            "Kommune",
            "Markt & Integration",
            "w",
            "1979",
            "Tarif",
            "E 8",
            "30",
            "39",
            "keine",
            "ja",
            "gleichgestellt",
            "",
            "nein",
            "Elternzeit",
            "ja",
            "keine",
            "ja",
            "01.02.1999",
        ),
        (
            "31.12.2000",
            "P-0005",
            "BA",
            "Geschäftsführung",
            "m",
            "1982",
            "Ausbildung",
            "E 5",
            "39",
            "39",
            "keine",
            "nein",
            "nein",
            "",
            "nein",
            "keine",
            "nein",
            "keine",
            "ja",
            "01.09.2000",
        ),
    ),
    "applications": (
        ("15.03.2000", "B-0001", "2000-001", "BA", "w", "nein", "nein", "beworben"),
        ("16.03.2000", "B-0002", "2000-001", "BA", "m", "schwerbehindert", "nein", "eingeladen"),
        ("20.03.2000", "B-0003", "2000-001", "BA", "w", "nein", "nein", "eingestellt"),
        ("02.05.2000", "B-0002", "2000-002", "Kommune", "m", "schwerbehindert", "ja", "eingeladen"),
        ("05.05.2000", "B-0004", "2000-002", "", "d", "gleichgestellt", "ja", "beworben"),
    ),
    "survey": (
        ("2000", "ja", "nein", "0", "0", "nein", "w"),
        ("2000", "nein", "ja", "2", "2", "nein", "m"),
        ("2000", "ja", "nein", "1", "0", "ja", "w"),
        ("2000", "keine Angabe", "keine Angabe", "keine Angabe", "keine Angabe", "", ""),
        ("2000", "ja", "nein", "0", "keine Angabe", "keine Angabe", "x"),
    ),
    "survey_invited": (("2000", "1.050"),),
}


def _source(kind: str) -> Source:
    if kind not in SOURCES_BY_KIND:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(SOURCES_BY_KIND)}")
    return SOURCES_BY_KIND[kind]


def template_headers(kind: str, lang: Lang = "de") -> list[str]:
    """German: the first German alias (as HR systems name the column); English: the canonical
    name. The importer accepts both."""
    source = _source(kind)
    if lang == "en":
        return [column.name for column in source.columns]
    return [column.aliases[0] if column.aliases else column.name for column in source.columns]


def _csv_line(values: list[str] | tuple[str, ...], delimiter: str) -> str:
    def quoted(value: str) -> str:
        if delimiter in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    return delimiter.join(quoted(v) for v in values) + "\r\n"


def template_csv(kind: str, lang: Lang = "de") -> bytes:
    """An empty export (header row only). German: `;`, Windows-1252, as HR systems export it;
    English headers with `,` (still plain ASCII, so the encoding does not matter)."""
    if lang == "en":
        return _csv_line(template_headers(kind, "en"), ",").encode("ascii")
    return _csv_line(template_headers(kind, "de"), ";").encode("cp1252")


def example_csv(kind: str) -> bytes:
    """A small filled export in the German format that imports cleanly (dated in the year 2000)."""
    _source(kind)
    lines = [_csv_line(template_headers(kind, "de"), ";")]
    lines += [_csv_line(row, ";") for row in _EXAMPLES[kind]]
    return "".join(lines).encode("cp1252")


_TYPE_KEYS = {
    ColumnType.DATE: "data.template.type_date",
    ColumnType.TEXT: "data.template.type_text",
    ColumnType.INT: "data.template.type_int",
    ColumnType.DECIMAL: "data.template.type_decimal",
    ColumnType.BOOL: "data.template.type_bool",
    ColumnType.CODE: "data.template.type_code",
    ColumnType.PSEUDONYM: "data.template.type_pseudonym",
}


def _allowed_values(column: Column, lang: Lang) -> str:
    if column.codes:
        return "; ".join(
            code + (f" ({', '.join(aliases)})" if aliases else "")
            for code, aliases in column.codes.items()
        )
    if column.minimum is not None and column.maximum is not None:
        return t(
            "data.template.range",
            lang,
            minimum=_number(column.minimum),
            maximum=_number(column.maximum),
        )
    if column.minimum is not None:
        return t("data.template.at_least", lang, minimum=_number(column.minimum))
    return ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def template_xlsx(kind: str, lang: Lang = "de") -> bytes:
    """An empty workbook: the header row on the first sheet (the one the importer reads), dates
    and ids pre-formatted (ids as text, so Excel keeps leading zeros), and a second sheet that
    explains every column: required or not, type, allowed values, accepted header spellings."""
    source = _source(kind)
    headers = template_headers(kind, lang)
    workbook = Workbook()
    data = workbook.active
    data.title = t("data.template.sheet_data", lang)
    data.append(headers)
    data.freeze_panes = "A2"
    for position, (column, header) in enumerate(zip(source.columns, headers, strict=True), 1):
        data.cell(row=1, column=position).font = Font(bold=True)
        letter = get_column_letter(position)
        data.column_dimensions[letter].width = max(12, len(header) + 2)
        if column.type is ColumnType.DATE:
            data.column_dimensions[letter].number_format = "DD.MM.YYYY"
        elif column.type in (ColumnType.PSEUDONYM, ColumnType.TEXT, ColumnType.CODE):
            data.column_dimensions[letter].number_format = "@"
    help_sheet = workbook.create_sheet(t("data.template.sheet_help", lang))
    help_sheet.append(
        [
            t(key, lang)
            for key in (
                "data.template.column",
                "data.template.required",
                "data.template.type",
                "data.template.values",
                "data.template.aliases",
            )
        ]
    )
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column, header in zip(source.columns, headers, strict=True):
        if column.required:
            required = t("data.template.yes", lang)
        elif column.default not in (None, ""):
            default = column.default
            shown = ("ja" if default else "nein") if isinstance(default, bool) else str(default)
            required = t("data.template.no_default", lang, default=shown)
        else:
            required = t("data.template.no", lang)
        help_sheet.append(
            [
                header,
                required,
                t(_TYPE_KEYS[column.type], lang),
                _allowed_values(column, lang),
                ", ".join(name for name in column.header_names() if name != header),
            ]
        )
    for letter, width in zip("ABCDE", (28, 18, 34, 60, 50), strict=True):
        help_sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
