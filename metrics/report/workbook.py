"""The Excel workbook the annual report is written from.

Sheets: the data status; every KPI and variant of the year; the equality statistics in the style
of the GleiStatV (staff by status, working time and leave, applications and hires; pay groups by
pay system and rank with career-group and status subtotals; leadership levels with deputies;
organisational units); the SGB IX notice per carrier and the combined internal figure; the time
series of every KPI; the legend of signs; the methodology.

Only published values go in: the `KpiValue`s of the report and of `KpiHistory`, and the
breakdowns, BGleiG table and SGB IX sums of the `PublishedYear`, each already through
`metrics.disclosure`. A derived cell (men = denominator − numerator, trainees = all persons −
staff, a subtotal, a share) is computed only from published cells, so it reveals nothing the
release does not; where one of its parts is withheld the cell is withheld too ("•"). What the
release does not publish (full- and part-time per pay group, the monthly rows of the SGB IX
notice) is left out, and the sheet's note says so.

The cells are written by `metrics.safe_export.to_xlsx_bytes` (every text neutralised against
formula injection, typed string cells); this module then adds number formats, a bold frozen
header, column widths, wrapped notes and the print setup (A4 landscape, fit to width, header
row repeated). Person counts, and only they, carry COUNT_FORMAT, so a disclosure scan can find
every one of them; place-months carry PLACE_MONTHS_FORMAT.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from metrics import safe_export, views
from metrics.contract import CARRIERS, LEADERSHIP_LEVELS
from metrics.disclosure import WITHHELD_SIGN
from metrics.formatting import RATIO_DECIMALS, SHARE_DECIMALS
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.report.content import ReportContent
from metrics.views import KpiHistory

# Person counts and only they: the disclosure scan of the workbook looks for this format.
COUNT_FORMAT = "#,##0"
# Place-months and other whole numbers that are no person counts (SGB IX Soll, targets): shown
# exactly like COUNT_FORMAT, but a different format string so scans can tell them apart.
PLACE_MONTHS_FORMAT = "#,##0;-#,##0;0"
# the decimals of the UI (metrics.formatting): a KPI's cell keeps the JSON's two (52.63, in
# percent) and shows one, a derived share of the equality tables is rounded to one
PERCENT_FORMAT = "0." + "0" * SHARE_DECIMALS
RATIO_FORMAT = "0." + "0" * RATIO_DECIMALS
EURO_FORMAT = '#,##0" €"'
PLAIN_FORMAT = "0"  # years, months, k
CHANGE_FORMATS = {
    "%": f"+{PERCENT_FORMAT};-{PERCENT_FORMAT};{PERCENT_FORMAT}",
    "ratio": f"+{RATIO_FORMAT};-{RATIO_FORMAT};{RATIO_FORMAT}",
}
UNIT_FORMATS = {"%": PERCENT_FORMAT, "ratio": RATIO_FORMAT, "count": COUNT_FORMAT, "€": EURO_FORMAT}
NO_VALUE = "–"

# column widths in characters; a header wraps, so it need not widen its column
LABEL_WIDTH = (18, 45)
NUMBER_WIDTH = (10, 16)
TEXT_WIDTH = (12, 60)
ID_WIDTH = (12, 44)
NOTE_SPAN = 120  # notes run across at least this many characters (a landscape page: ~140)
SPARE_WIDTH = 10.0  # the blank columns a note beside a narrow table runs across
CHARS_PER_WIDTH = 1.1  # characters of 11-point text per unit of column width
HEADER_CHARS_PER_WIDTH = 0.95  # bold headers run wider
LINE_HEIGHT = 14.5  # points per line of 11-point text
FONT, FONT_SIZE, ID_FONT_SIZE = "Calibri", 11, 9

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADING_FILL = PatternFill("solid", fgColor="F2F2F2")

ColumnKind = Literal["label", "number", "text", "id"]
RowStyle = Literal["body", "heading", "subtotal", "total"]


@dataclass(frozen=True)
class Cell:
    """A published number, or the sign that stands in for it ("•", "< 5", "–")."""

    number: float | int | None
    text: str | None = None

    @property
    def shown(self) -> object:
        return self.number if self.number is not None else (self.text or NO_VALUE)

    @property
    def withheld(self) -> bool:
        return self.number is None and self.text not in (None, NO_VALUE)


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None  # for the numeric cells of the column
    kind: ColumnKind = "number"
    max_width: int | None = None  # narrower than its kind allows
    # a short word after a number column ("Männer") reads as part of the number unless centred
    centred: bool = False


@dataclass
class Row:
    cells: list[object]
    style: RowStyle = "body"
    formats: dict[int, str] = field(default_factory=dict)  # column -> format, where it differs


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        cells: Sequence[object],
        style: RowStyle = "body",
        formats: dict[int, str] | None = None,
    ) -> None:
        self.rows.append(Row(list(cells), style, formats or {}))

    def heading(self, text: str) -> None:
        self.add([text, *([None] * (len(self.columns) - 1))], "heading")

    def frame(self) -> pd.DataFrame:
        """Rows, an empty line, then the notes in the first column: one frame to write."""
        width = len(self.columns)
        body = [row.cells for row in self.rows]
        if self.notes:
            body.append([None] * width)
            body += [[note, *([None] * (width - 1))] for note in self.notes]
        return pd.DataFrame(body, columns=[column.header for column in self.columns], dtype=object)


def render_workbook(
    content: ReportContent, published: kpis.PublishedYear, history: KpiHistory
) -> bytes:
    sheets = [
        _info_sheet(content),
        _kpi_sheet(content),
        _staff_sheet(published, content),
        _pay_group_sheet(published, content),
        _leadership_sheet(published, content),
        _org_unit_sheet(published, content),
        *_sb_sheets(published, content),
        _series_sheet(content, history),
        _signs_sheet(content),
        _methodology_sheet(content),
    ]
    raw = safe_export.to_xlsx_bytes({sheet.name: sheet.frame() for sheet in sheets})
    book = load_workbook(io.BytesIO(raw))
    for sheet, worksheet in zip(sheets, book.worksheets, strict=True):
        _style(worksheet, sheet, content)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- cells from published values ------------------------------------------------------------------


def _count_cell(value: KpiValue | None) -> Cell:
    """A published count (a KPI of unit count) as a cell."""
    if value is None:
        return Cell(None)
    if value.suppressed:
        return Cell(None, value.label or WITHHELD_SIGN)
    return Cell(None) if value.value is None else Cell(_whole(value.value))


def _split(value: KpiValue | None) -> tuple[Cell, Cell]:
    """A published share a / n as the two person counts (a, n − a) it rests on."""
    if value is None or (value.value is None and not value.suppressed):
        return Cell(None), Cell(None)
    if value.suppressed or value.counts_withheld or value.numerator is None:
        # a withheld share is never "< k" (CONTRACT § 3); its counts are withheld with it
        return Cell(None, WITHHELD_SIGN), Cell(None, WITHHELD_SIGN)
    if value.denominator is None:
        return Cell(None), Cell(None)
    numerator = _whole(value.numerator)
    return Cell(numerator), Cell(_whole(value.denominator) - numerator)


def _whole(number: float) -> int:
    return round(number)


def _combine(cells: Sequence[Cell], operation: Callable[[list[float | int]], float | int]) -> Cell:
    """A cell derived from published cells: withheld if any part is, no value if any has none."""
    if any(cell.withheld for cell in cells):
        return Cell(None, WITHHELD_SIGN)
    numbers = [cell.number for cell in cells]
    if any(number is None for number in numbers):
        return Cell(None)
    return Cell(operation([number for number in numbers if number is not None]))


def _sum(cells: Sequence[Cell]) -> Cell:
    return _combine(cells, sum)


def _difference(whole: Cell, part: Cell) -> Cell:
    return _combine([whole, part], lambda numbers: numbers[0] - numbers[1])


def _share(part: Cell, whole: Cell) -> Cell:
    result = _combine([part, whole], lambda numbers: numbers[1])
    if result.number is None or part.number is None:
        return result
    if result.number == 0:
        return Cell(None)
    return Cell(round(100 * part.number / result.number, SHARE_DECIMALS))


def _first_published(*cells: Cell) -> Cell:
    for cell in cells:
        if cell.number is not None:
            return cell
    return cells[0]


def _gender_cells(women: Cell, men: Cell) -> list[object]:
    both = _sum([women, men])
    return [women.shown, men.shown, both.shown, _share(women, both).shown]


def _gender_cells_of(value: KpiValue | None, *, men_share: bool = False) -> list[object]:
    """The counts of one published share (women's, or men's with men_share), and the share
    itself where only the share is published (its counts withheld)."""
    part, rest = _split(value)
    women, men = (rest, part) if men_share else (part, rest)
    cells = _gender_cells(women, men)
    if value is not None and value.counts_withheld and value.value is not None:
        share = float(value.value)
        cells[-1] = round(100 - share if men_share else share, SHARE_DECIMALS)
    return cells


GENDER_COLUMNS_FORMATS = (COUNT_FORMAT, COUNT_FORMAT, COUNT_FORMAT, PERCENT_FORMAT)


def _gender_columns(first: str, lang: Lang) -> list[Column]:
    headers = (
        "report.col.women",
        "report.col.men",
        "report.wb.col.total",
        "report.col.women_share",
    )
    return [
        Column(_capitalised(first), kind="label"),
        *(
            Column(t(key, lang), number_format)
            for key, number_format in zip(headers, GENDER_COLUMNS_FORMATS, strict=True)
        ),
    ]


def _capitalised(text: str) -> str:
    """A label of the vocabulary ("trainees", "pay group") as the first word of a cell."""
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _date(content: ReportContent) -> str:
    return content.reporting_date or str(content.year)


# --- data status, KPIs --------------------------------------------------------------------------


def _info_sheet(content: ReportContent) -> Sheet:
    lang, settings = content.lang, content.settings
    sheet = Sheet(
        t("report.wb.sheet.info", lang),
        [
            Column(t("report.col.item", lang), kind="label"),
            Column(t("report.col.value", lang), kind="text"),
        ],
    )
    if settings.organisation:
        sheet.add([t("report.wb.info.organisation", lang), settings.organisation])
    data = t("report.info.demo" if content.demo else "report.info.real", lang)
    privacy = t("view.rule_counts", lang, k=settings.k_ordinary, k_sensitive=settings.k_sensitive)
    for key, text in (
        ("report.info.title", t("report.workbook_title", lang, year=content.year)),
        ("report.info.view", content.view_name),
        ("report.info.reporting_date", content.reporting_date or NO_VALUE),
        ("report.info.data_as_of", content.data_as_of or NO_VALUE),
        ("report.info.data", data),
        ("report.info.created", content.created),
        ("report.info.privacy", privacy),
        ("report.wb.info.signs", t("report.wb.info.see_signs", lang)),
    ):
        sheet.add([t(key, lang), text])
    return sheet


def _kpi_sheet(content: ReportContent) -> Sheet:
    lang, year = content.lang, content.year
    sheet = Sheet(
        t("report.sheet.kpis", lang),
        [
            Column(t("report.col.kpi", lang), kind="label"),
            Column(t("report.col.value_year", lang, year=year)),
            Column(t("report.col.unit", lang), kind="text"),
            Column(t("report.col.target", lang)),
            Column(t("report.col.previous", lang, year=content.previous_year or year - 1)),
            Column(t("report.wb.col.change", lang)),
            Column(t("report.wb.col.numerator", lang)),
            Column(t("report.wb.col.denominator", lang)),
            Column(t("report.col.note", lang), kind="text", max_width=40),
            Column(t("report.wb.col.id", lang), kind="id"),
        ],
    )
    for kpi_id, value in content.values.items():
        previous = content.previous_values.get(kpi_id)
        counts_format = _counts_format(value)
        formats: dict[int, str] = {}
        if value.unit in UNIT_FORMATS:
            formats = {1: UNIT_FORMATS[value.unit], 4: UNIT_FORMATS[value.unit]}
            # a target is no person count
            formats[3] = PLACE_MONTHS_FORMAT if value.unit == "count" else UNIT_FORMATS[value.unit]
        if value.unit in CHANGE_FORMATS:
            formats[5] = CHANGE_FORMATS[value.unit]
        if counts_format:
            formats |= {6: counts_format, 7: counts_format}
        sheet.add(
            [
                kpis.kpi_label(kpi_id, lang),
                _kpi_cell(value, lang),
                t(f"report.unit.{value.unit}", lang),
                value.target,
                NO_VALUE if previous is None or value.unit == "flag" else _kpi_cell(previous, lang),
                _change(value, previous),
                _kpi_count(value, "numerator", counts_format),
                _kpi_count(value, "denominator", counts_format),
                _kpi_note(value, previous, content),
                kpi_id,
            ],
            formats=formats,
        )
    settings = content.settings
    sheet.notes = [
        t("view.rule_counts", lang, k=settings.k_ordinary, k_sensitive=settings.k_sensitive),
        *content.sign_notes(),
    ]
    if content.carrier is not None:
        sheet.notes.append(t("report.note.not_in_carrier_view", lang))
    return sheet


def _counts_format(value: KpiValue) -> str | None:
    """Numerator and denominator: persons, but place-months for the SGB IX quota and shares
    (no counts) for the representation index."""
    if value.unit in ("ratio", "flag"):
        return None
    if value.id.startswith("sb_quota"):
        return PLACE_MONTHS_FORMAT
    return COUNT_FORMAT


def _kpi_cell(value: KpiValue, lang: Lang) -> object:
    """The value as published: its number, or the sign the planner gave it."""
    if value.suppressed:
        return value.label or NO_VALUE
    if value.unit == "flag":
        # the areas flagged are a sentence: it stands in the note, not in a number column
        return t("report.wb.see_note", lang)
    if value.value is None:
        return NO_VALUE
    return value.to_json()["value"]


def _kpi_count(value: KpiValue, key: str, counts_format: str | None) -> object:
    if counts_format is None:
        return None
    if value.suppressed:
        return value.label
    number = getattr(value, key)
    if number is None or value.value is None:
        # no data: an empty population says nothing that needs a 0 (for a sensitive KPI
        # a published 0 would itself be disclosive)
        return None
    return int(number) if float(number).is_integer() else number


def _change(value: KpiValue, previous: KpiValue | None) -> object:
    """Percentage points or index points; counts are compared by the reader (both are shown)."""
    if previous is None or value.unit not in CHANGE_FORMATS:
        return None
    if value.suppressed or previous.suppressed or value.value is None or previous.value is None:
        return None
    return round(float(value.value) - float(previous.value), 2)


def _kpi_note(value: KpiValue, previous: KpiValue | None, content: ReportContent) -> str | None:
    lang = content.lang
    notes = []
    if value.unit == "flag" and not value.suppressed:
        notes.append(kpis.format_kpi_value(value, lang) + ".")
    wave = value.extra.get("wave")
    if isinstance(wave, int):
        notes.append(t("report.wave_note", lang, wave=wave))
    previous_wave = None if previous is None else previous.extra.get("wave")
    if isinstance(previous_wave, int):
        notes.append(t("report.note.survey_previous", lang, wave=previous_wave))
    if value.id.startswith("sb_quota"):
        notes.append(t("report.wb.note.place_months", lang))
    if value.extra.get("approximation"):
        notes.append(t("view.approximation", lang))
    return " ".join(notes) or None


# --- equality statistics (GleiStatV) ------------------------------------------------------------


def _staff_sheet(published: kpis.PublishedYear, content: ReportContent) -> Sheet:
    """Staff by status, working time and leave, and applications against hires: each count a
    published one or a difference of two published ones."""
    lang, values = content.lang, content.values
    sheet = Sheet(
        t("report.wb.sheet.staff", lang), _gender_columns(t("report.wb.col.group", lang), lang)
    )
    staff_women, staff_men = _split(values.get("women_share"))

    sheet.heading(t("report.wb.heading.status", lang))
    by_type = {
        row.category: row.value
        for row in published.breakdown("women_share", "employment_type", content.carrier)
    }
    for category in ("Beamte", "Tarif"):
        if category in by_type:
            label = t(f"report.wb.status.{category}", lang)
            sheet.add([label, *_gender_cells_of(by_type[category])])
    sheet.add([t("report.wb.row.staff", lang), *_gender_cells(staff_women, staff_men)], "subtotal")
    all_women = _count_cell(values.get("headcount.w"))
    all_men = _count_cell(values.get("headcount.m"))
    trainees = _gender_cells(_difference(all_women, staff_women), _difference(all_men, staff_men))
    trainee_label = _capitalised(kpis.category_label("employment_type", "Ausbildung", lang))
    sheet.add([trainee_label, *trainees])
    sheet.add([t("report.wb.row.everyone", lang), *_gender_cells(all_women, all_men)], "total")

    sheet.heading(t("report.wb.heading.working_time", lang))
    women_part, women_full = _split(values.get("part_time_share_women"))
    men_part, men_full = _split(values.get("part_time_share_men"))
    women_part_alt, men_part_alt = _split(values.get("women_share_of_part_time"))
    women_part = _first_published(women_part, women_part_alt)
    men_part = _first_published(men_part, men_part_alt)
    active_women = _sum([women_full, women_part])
    active_men = _sum([men_full, men_part])
    sheet.add([t("report.row.full_time", lang), *_gender_cells(women_full, men_full)])
    sheet.add([t("report.row.part_time", lang), *_gender_cells(women_part, men_part)])
    active = _gender_cells(active_women, active_men)
    sheet.add([t("report.wb.row.active", lang), *active], "subtotal")

    sheet.heading(t("report.wb.heading.leave", lang))
    on_leave = _gender_cells(
        _difference(staff_women, active_women), _difference(staff_men, active_men)
    )
    sheet.add([t("report.wb.row.on_leave", lang), *on_leave], "subtotal")
    for kpi_id, row_key in (
        ("parental_leave_men_share", "report.wb.row.parental_leave"),
        ("care_leave_men_share", "report.wb.row.care_leave"),
    ):
        sheet.add([t(row_key, lang), *_gender_cells_of(values.get(kpi_id), men_share=True)])

    sheet.heading(t("report.wb.heading.applications", lang, year=content.year))
    for kpi_id, row_key in (
        ("women_share_applicants", "report.row.applicants"),
        ("women_share_hires", "report.row.hires"),
    ):
        sheet.add([t(row_key, lang), *_gender_cells_of(values.get(kpi_id))])

    date = _date(content)
    sheet.notes = [
        t("report.wb.note.status", lang, date=date),
        t("report.note.active", lang, date=date),
        t("report.wb.note.on_leave", lang),
        t("report.note.applications", lang, year=content.year),
        t("report.wb.note.derived", lang),
        *content.sign_notes()[1:],  # the d / x note; the signs have a sheet of their own
    ]
    return sheet


@dataclass(frozen=True)
class PaySystem:
    """A pay scale: how its group names read, how they rank, which career group each is in."""

    key: str  # "A" (Besoldung, with B above it), "TE" (TV-BA), "E" (TVöD)
    status: str  # employment type of its staff: "Beamte" or "Tarif"
    rank: Callable[[str], int | None]  # None: the name is not of this scale
    # (career group, lowest rank, highest rank): the career group of the entry grade
    careers: tuple[tuple[str, int, int], ...]
    # the lowest and highest name of each career group, for the note
    names: tuple[tuple[str, str], ...]


def _civil_service_rank(name: str) -> int | None:
    match = re.fullmatch(r"([AB])\s*(\d{1,2})", name.strip(), re.IGNORECASE)
    if match is None:
        return None
    number = int(match.group(2))
    return number + (100 if match.group(1).upper() == "B" else 0)


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}


def _activity_level_rank(name: str) -> int | None:
    """TE I is the highest activity level of the TV-BA, TE VIII the lowest."""
    match = re.fullmatch(r"TE\s*([IV]+)", name.strip(), re.IGNORECASE)
    if match is None or match.group(1).upper() not in ROMAN:
        return None
    return 9 - ROMAN[match.group(1).upper()]


E_SUFFIX_RANK = {"a": 1, "": 2, "b": 3, "c": 4, "ü": 9}


def _tvoed_rank(name: str) -> int | None:
    """E 15Ü > E 15 > … > E 9c > E 9b > E 9 > E 9a > … > E 1."""
    match = re.fullmatch(r"E\s*(\d{1,2})\s*([abcü]?)", name.strip(), re.IGNORECASE)
    if match is None:
        return None
    return 10 * int(match.group(1)) + E_SUFFIX_RANK[match.group(2).lower()]


PAY_SYSTEMS = (
    PaySystem(
        "A",
        "Beamte",
        _civil_service_rank,
        (("higher", 13, 199), ("elevated", 9, 12), ("intermediate", 6, 8), ("basic", 1, 5)),
        (("A 13", "A 16"), ("A 9", "A 12"), ("A 6", "A 8"), ("A 2", "A 5")),
    ),
    PaySystem(
        "TE",
        "Tarif",
        _activity_level_rank,
        (("higher", 6, 8), ("elevated", 4, 5), ("intermediate", 2, 3), ("basic", 1, 1)),
        (("TE I", "TE III"), ("TE IV", "TE V"), ("TE VI", "TE VII"), ("TE VIII", "TE VIII")),
    ),
    PaySystem(
        "E",
        "Tarif",
        _tvoed_rank,
        (("higher", 130, 199), ("elevated", 92, 129), ("intermediate", 50, 91), ("basic", 1, 49)),
        (("E 13", "E 15"), ("E 9b", "E 12"), ("E 5", "E 9a"), ("E 1", "E 4")),
    ),
)


@dataclass(frozen=True)
class PayGroupRow:
    name: str
    women: Cell
    men: Cell
    verdict: str


def _pay_group_rows(published: kpis.PublishedYear, content: ReportContent) -> list[PayGroupRow]:
    """The pay groups of the BGleiG table: published women and men, withheld with its sign."""
    table = published.underrepresentation(content.carrier)
    rows = []
    for _, row in table[table["dimension"] == "pay_group"].iterrows():
        if row["suppressed"]:
            sign = row["label"] if isinstance(row["label"], str) else WITHHELD_SIGN
            women = men = Cell(None, sign)
        else:
            women, men = Cell(int(row["women"])), Cell(int(row["men"]))
        rows.append(PayGroupRow(str(row["area"]), women, men, _verdict(row, content.lang)))
    return rows


def _pay_group_sheet(published: kpis.PublishedYear, content: ReportContent) -> Sheet:
    """Per pay system the groups from the highest down, with a subtotal per career group, per
    pay system and per status group; each subtotal is withheld where one of its parts is."""
    lang = content.lang
    sheet = Sheet(
        t("report.sheet.pay_groups", lang),
        [
            *_gender_columns(kpis.dimension_label("pay_group", lang), lang),
            Column(t("report.col.underrepresented", lang), kind="text", centred=True),
        ],
    )
    ranked, others = _by_pay_system(_pay_group_rows(published, content))
    for status in ("Beamte", "Tarif"):
        systems = [
            system for system in PAY_SYSTEMS if system.status == status and ranked[system.key]
        ]
        for system in systems:
            _add_pay_system(sheet, system, ranked[system.key], lang, subtotal=len(systems) > 1)
        if systems:
            status_name = t(f"report.wb.status.{status}", lang)
            members = [row for system in systems for _, row in ranked[system.key]]
            _add_subtotal(
                sheet, t("report.wb.row.together", lang, name=status_name), members, "total"
            )
    if others:
        sheet.heading(t("report.wb.system.other", lang))
        for row in others:
            sheet.add([row.name, *_gender_cells(row.women, row.men), row.verdict])
    total = _gender_cells_of(content.values.get("women_share"))
    sheet.add([t("report.wb.row.total_staff", lang), *total, None], "total")
    sheet.notes = [
        t("report.note.pay_groups", lang, date=_date(content), k=content.settings.k_ordinary),
        t("report.wb.note.careers", lang, mapping=_career_mapping(lang)),
        t("report.wb.note.derived", lang),
        t("report.wb.note.pay_group_cells", lang),
        *content.sign_notes()[1:],
    ]
    return sheet


def _by_pay_system(
    rows: Iterable[PayGroupRow],
) -> tuple[dict[str, list[tuple[int, PayGroupRow]]], list[PayGroupRow]]:
    """The pay groups per pay system, highest first, and those of no known system."""
    ranked: dict[str, list[tuple[int, PayGroupRow]]] = {system.key: [] for system in PAY_SYSTEMS}
    others = []
    for row in rows:
        for system in PAY_SYSTEMS:
            rank = system.rank(row.name)
            if rank is not None:
                ranked[system.key].append((rank, row))
                break
        else:
            others.append(row)
    for members in ranked.values():
        members.sort(key=lambda item: -item[0])
    return ranked, others


def _add_pay_system(
    sheet: Sheet,
    system: PaySystem,
    ranked: Sequence[tuple[int, PayGroupRow]],
    lang: Lang,
    *,
    subtotal: bool,
) -> None:
    """The system's groups, highest first, each career group closed by its subtotal."""
    sheet.heading(t(f"report.wb.system.{system.key}", lang))
    for career, lowest, highest in system.careers:
        members = [row for rank, row in ranked if lowest <= rank <= highest]
        if not members:
            continue
        for row in members:
            sheet.add([row.name, *_gender_cells(row.women, row.men), row.verdict])
        name = _career_name(system, career, lang)
        _add_subtotal(sheet, t("report.wb.row.together", lang, name=name), members)
    if subtotal:
        name = t(f"report.wb.system_short.{system.key}", lang)
        _add_subtotal(sheet, t("report.wb.row.together", lang, name=name), [r for _, r in ranked])


def _add_subtotal(
    sheet: Sheet, label: str, members: Sequence[PayGroupRow], style: RowStyle = "subtotal"
) -> None:
    women = _sum([row.women for row in members])
    men = _sum([row.men for row in members])
    sheet.add([label, *_gender_cells(women, men), None], style)


def _career_name(system: PaySystem, career: str, lang: Lang) -> str:
    name = t(f"report.wb.career.{career}", lang)
    if system.status == "Beamte":
        return name
    return t("report.wb.career.equivalent", lang, career=_lower_first(name))


def _career_mapping(lang: Lang) -> str:
    """ "Besoldung: A 13–A 16 höherer Dienst, …; TV-BA: TE I–TE III …" from PAY_SYSTEMS."""

    def name(career: str) -> str:  # within a sentence: "höherer Dienst"
        return _lower_first(t(f"report.wb.career.{career}", lang))

    parts = []
    for system in PAY_SYSTEMS:
        ranges = [
            f"{low}–{high} {name(career)}" if low != high else f"{low} {name(career)}"
            for (career, _, _), (low, high) in zip(system.careers, system.names, strict=True)
        ]
        parts.append(f"{t(f'report.wb.system.{system.key}', lang)}: {', '.join(ranges)}")
    return "; ".join(parts)


def _verdict(row: pd.Series, lang: Lang) -> str:
    if not row["assessed"]:
        return t("view.not_assessed", lang)
    if row["underrepresented"] in ("w", "m"):
        return kpis.category_label("gender", row["underrepresented"], lang)
    return t("view.balanced", lang)


def _leadership_sheet(published: kpis.PublishedYear, content: ReportContent) -> Sheet:
    """Leadership levels from the highest down (public facts, CONTRACT § 3), all leaders, and
    the deputies as published."""
    lang, values = content.lang, content.values
    sheet = Sheet(
        t("report.sheet.leadership", lang),
        [
            *_gender_columns(kpis.dimension_label("leadership", lang), lang),
            Column(t("report.col.underrepresented", lang), kind="text", centred=True),
        ],
    )
    table = published.underrepresentation(content.carrier)
    levels = {row["area"]: row for _, row in table[table["dimension"] == "leadership"].iterrows()}
    for level in reversed(LEADERSHIP_LEVELS):
        if level not in levels:
            continue
        row = levels[level]
        if row["suppressed"]:
            women = men = Cell(
                None, row["label"] if isinstance(row["label"], str) else WITHHELD_SIGN
            )
        else:
            women, men = Cell(int(row["women"])), Cell(int(row["men"]))
        label = kpis.category_label("leadership", level, lang)
        sheet.add([label, *_gender_cells(women, men), _verdict(row, lang)])
    leaders = _gender_cells_of(values.get("women_leadership_share"))
    sheet.add([t("report.row.all_leaders", lang), *leaders, None], "total")
    deputies = _gender_cells_of(values.get("women_deputy_share"))
    sheet.add([t("report.wb.row.deputies", lang), *deputies, None])
    sheet.notes = [
        t("report.note.leaders", lang, date=_date(content), k=content.settings.k_ordinary),
        t("report.wb.note.deputies", lang),
        *content.sign_notes()[1:],
    ]
    return sheet


def _org_unit_sheet(published: kpis.PublishedYear, content: ReportContent) -> Sheet:
    """Per organisational unit (the equality plan is drawn up per unit): staff and the women's
    share among its leaders."""
    lang, carrier = content.lang, content.carrier
    dimension = kpis.dimension_label("org_unit", lang)
    leader_share_header = t("report.wb.col.leader_share", lang)
    sheet = Sheet(
        t("report.wb.sheet.org_units", lang),
        [*_gender_columns(dimension, lang), Column(leader_share_header, PERCENT_FORMAT)],
    )
    leaders = published.breakdown("women_leadership_share", "org_unit", carrier)
    leader_share = {row.category: row.value for row in leaders}
    for row in published.breakdown("women_share", "org_unit", carrier):
        share = _share_cell(leader_share.get(row.category))
        sheet.add([row.category, *_gender_cells_of(row.value), share])
    sheet.add(
        [
            t("report.row.total", lang),
            *_gender_cells_of(content.values.get("women_share")),
            _share_cell(content.values.get("women_leadership_share")),
        ],
        "total",
    )
    sheet.notes = [t("report.note.staff", lang, date=_date(content)), *content.sign_notes()[1:]]
    return sheet


def _share_cell(value: KpiValue | None) -> object:
    if value is None:
        return None
    if value.suppressed:
        return value.label or NO_VALUE
    return NO_VALUE if value.value is None else round(float(value.value), SHARE_DECIMALS)


# --- SGB IX notice ------------------------------------------------------------------------------

# what the notice asks per month that the release does not publish (SbQuotaTable: yearly sums)
SB_NOT_PUBLISHED = (
    "months",
    "all_places",
    "not_counted",
    "severely_disabled",
    "equal_status",
    "multiple_credit",
)


def _sb_sheets(published: kpis.PublishedYear, content: ReportContent) -> list[Sheet]:
    """The notice of §§ 154–160 SGB IX: each carrier's own, and the combined internal figure."""
    tables = published.sb_quota_tables()
    shown: tuple[str | None, ...] = (
        (*CARRIERS, None) if content.carrier is None else (content.carrier,)
    )
    return [_sb_sheet(tables[view].kpi, view, content) for view in shown]


def _sb_sheet(value: KpiValue, view: str | None, content: ReportContent) -> Sheet:
    """The year's line of the notice, item by item (the release publishes no monthly rows)."""
    lang = content.lang
    name = view if view is not None else t("report.wb.sb_combined", lang)
    sheet = Sheet(
        t("report.sheet.sb", lang, name=name),
        [
            Column(t("report.col.item", lang), kind="label"),
            Column(t("report.wb.sb.year", lang, year=content.year), kind="number"),
        ],
    )
    extra = value.extra
    withheld = value.label if value.suppressed else None

    def number(raw: object) -> object:
        if withheld:
            return withheld
        if not isinstance(raw, int | float):
            return NO_VALUE
        return int(raw) if float(raw).is_integer() else raw

    approximation = extra.get("approximation")
    target_key = "report.wb.sb.legal" if view is not None else "report.wb.sb.target"
    items: tuple[tuple[str, object, str], ...] = (
        ("report.wb.sb.months", extra.get("months_covered", NO_VALUE), PLAIN_FORMAT),
        ("report.wb.sb.counted", number(value.denominator), PLACE_MONTHS_FORMAT),
        ("report.wb.sb.filled", number(value.numerator), PLACE_MONTHS_FORMAT),
        ("report.wb.sb.quota", _kpi_cell(value, lang), PERCENT_FORMAT),
        (target_key, NO_VALUE if value.target is None else value.target, PERCENT_FORMAT),
        (
            "report.wb.sb.mandatory",
            number(extra.get("mandatory_place_months")),
            PLACE_MONTHS_FORMAT,
        ),
        ("report.wb.sb.unfilled", number(extra.get("unfilled_place_months")), PLACE_MONTHS_FORMAT),
        ("report.wb.sb.levy", number(extra.get("levy_eur")), EURO_FORMAT),
        (
            "report.wb.sb.approximation",
            NO_VALUE
            if approximation is None
            else t("report.wb.yes" if approximation else "report.wb.no", lang),
            PLAIN_FORMAT,
        ),
    )
    for key, cell, number_format in items:
        style: RowStyle = "subtotal" if key == "report.wb.sb.quota" else "body"
        sheet.add([t(key, lang), cell], style, {1: number_format})
    sheet.notes = [t("report.note.sb", lang, name=name)]
    if view is None:
        sheet.notes.append(t("report.note.sb_internal", lang))
    if approximation:
        sheet.notes.append(t("view.approximation", lang))
    if value.suppressed:
        sheet.notes.append(t("app.suppressed_note", lang, k=content.settings.k_sensitive))
    sheet.notes.append(t("view.months_not_published", lang))
    sheet.notes += [
        t("report.wb.sb.not_published", lang, item=t(f"report.wb.sb.missing.{item}", lang))
        for item in SB_NOT_PUBLISHED
    ]
    return sheet


# --- time series, signs, methodology ------------------------------------------------------------


def _series_sheet(content: ReportContent, history: KpiHistory) -> Sheet:
    """Every KPI (rows) in every year of the history up to the report's (columns), each value
    as the release of its year publishes it."""
    lang = content.lang
    years = [year for year in history.years if year <= content.year]
    by_year = {year: history.values(year, content.carrier) for year in years}
    ids = _series_ids(content.values, [by_year[year] for year in reversed(years)])
    sheet = Sheet(
        t("report.wb.sheet.series", lang),
        [
            Column(t("report.col.kpi", lang), kind="label"),
            Column(t("report.col.unit", lang), kind="text"),
            *(Column(str(year)) for year in years),
            Column(t("report.wb.col.id", lang), kind="id"),
        ],
    )
    for kpi_id in ids:
        unit = kpis.split_id(kpi_id)[0].unit
        cells: list[object] = [kpis.kpi_label(kpi_id, lang), t(f"report.unit.{unit}", lang)]
        formats = {}
        for column, year in enumerate(years, start=2):
            value = by_year[year].get(kpi_id)
            cells.append(NO_VALUE if value is None else _kpi_cell(value, lang))
            if unit in UNIT_FORMATS:
                formats[column] = UNIT_FORMATS[unit]
        sheet.add([*cells, kpi_id], formats=formats)
    sheet.notes = [t("report.wb.note.series", lang), *content.sign_notes()[1:]]
    return sheet


def _series_ids(
    current: Mapping[str, KpiValue], earlier: Iterable[Mapping[str, KpiValue]]
) -> list[str]:
    """The year's KPIs, then any an earlier year has besides; the flag table is a sentence per
    year and stands in the sheets of the pay groups and leadership levels instead."""
    ids = dict.fromkeys(current)
    for values in earlier:
        ids |= dict.fromkeys(values)
    return [kpi_id for kpi_id in ids if kpis.split_id(kpi_id)[0].unit != "flag"]


def _signs_sheet(content: ReportContent) -> Sheet:
    lang, settings = content.lang, content.settings
    sheet = Sheet(
        t("report.wb.sheet.signs", lang),
        [
            Column(t("report.wb.col.sign", lang), kind="label"),
            Column(t("report.wb.col.meaning", lang), kind="text"),
        ],
    )
    k, k_sensitive = settings.k_ordinary, settings.k_sensitive
    for sign, meaning in (
        (WITHHELD_SIGN, t("report.wb.sign.withheld", lang)),
        (f"< {k}", t("report.wb.sign.small", lang, k=k)),
        (f"< {k_sensitive}", t("report.wb.sign.small_sensitive", lang, k=k_sensitive)),
        (NO_VALUE, t("report.wb.sign.none", lang)),
        ("Pp." if lang == "de" else "pp", t("report.wb.sign.pp", lang)),
        (t("report.wb.sign.place_months_term", lang), t("report.wb.sign.place_months", lang)),
    ):
        sheet.add([sign, meaning])
    sheet.notes = [t("report.wb.sign.percentages", lang), *content.sign_notes()[1:]]
    return sheet


def _methodology_sheet(content: ReportContent) -> Sheet:
    lang, settings = content.lang, content.settings
    sheet = Sheet(
        t("report.sheet.methodology", lang),
        [
            Column(t("view.kpi", lang), kind="label", max_width=30),
            Column(t("view.definition", lang), kind="text"),
            Column(t("view.legal_source", lang), kind="text", max_width=28),
            Column(t("view.unit", lang), kind="text"),
            Column(t("app.target", lang)),
            Column(t("view.sensitivity", lang), kind="text", max_width=22),
            Column(t("report.col.k", lang), PLAIN_FORMAT),
            Column(t("report.wb.col.id", lang), kind="id"),
        ],
    )
    for kpi in kpis.REGISTRY:
        target = settings.target(kpi.target_key) if kpi.target_key else None
        target_format = UNIT_FORMATS.get(kpi.unit, RATIO_FORMAT)
        if kpi.unit == "count":
            target_format = PLACE_MONTHS_FORMAT  # a target is no person count
        sheet.add(
            [
                kpi.label(lang),
                kpi.definition(lang),
                kpi.source_text(lang),
                t(f"report.unit.{kpi.unit}", lang),
                target,
                t("view.sensitive" if kpi.sensitive else "view.ordinary", lang),
                settings.rules.k(kpi.sensitive),
                kpi.id,
            ],
            formats={4: target_format},
        )
    methodology = views.build_methodology(settings, lang)
    sheet.notes = [*methodology.disclosure_rules, methodology.breakdowns]
    return sheet


# --- styling and print setup ----------------------------------------------------------------------


def _style(worksheet: Worksheet, sheet: Sheet, content: ReportContent) -> None:
    widths = _column_widths(sheet)
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    _style_header(worksheet, sheet, widths)
    for row_number, row in enumerate(sheet.rows, start=2):
        _style_row(worksheet, sheet, row, row_number, widths)
    _style_notes(worksheet, sheet, widths)
    worksheet.freeze_panes = "B2" if len(sheet.columns) > 3 else "A2"
    _print_setup(worksheet, content)


def _column_widths(sheet: Sheet) -> list[float]:
    bounds = {"label": LABEL_WIDTH, "number": NUMBER_WIDTH, "text": TEXT_WIDTH, "id": ID_WIDTH}
    widths = []
    for index, column in enumerate(sheet.columns):
        low, high = bounds[column.kind]
        high = min(high, column.max_width or high)
        longest = max(
            (_display_length(row.cells[index]) for row in sheet.rows if row.style != "heading"),
            default=0,
        )
        if column.kind == "id":
            longest = math.ceil(longest * ID_FONT_SIZE / FONT_SIZE * 0.85)
        # a header wraps onto up to three lines; its longest word must fit
        header_words = max((len(word) for word in column.header.split()), default=0)
        header = max(header_words, math.ceil(len(column.header) / 3))
        widths.append(float(max(low, min(high, max(longest, header) + 2))))
    return widths


def _style_header(worksheet: Worksheet, sheet: Sheet, widths: Sequence[float]) -> None:
    for index, (column, cell) in enumerate(zip(sheet.columns, worksheet[1], strict=True)):
        cell.font = Font(name=FONT, size=FONT_SIZE, bold=True)
        cell.fill = HEADER_FILL
        # a text column's header keeps the distance its cells keep from the numbers before it
        indent = 1 if index > 0 and column.kind == "text" and not column.centred else 0
        horizontal = "center" if column.centred else None
        cell.alignment = Alignment(
            wrap_text=True, vertical="top", indent=indent, horizontal=horizontal
        )
    lines = max(
        _lines(column.header, width, HEADER_CHARS_PER_WIDTH)
        for column, width in zip(sheet.columns, widths, strict=True)
    )
    _set_height(worksheet, 1, lines)


def _style_row(
    worksheet: Worksheet, sheet: Sheet, row: Row, row_number: int, widths: Sequence[float]
) -> None:
    lines = 1
    cells = worksheet[row_number]
    for index, (column, cell) in enumerate(zip(sheet.columns, cells, strict=True)):
        number_format = row.formats.get(index, column.number_format)
        numeric = isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
        if number_format and numeric:
            cell.number_format = number_format
        cell.font = Font(name=FONT, size=FONT_SIZE, bold=row.style != "body")
        if row.style == "heading":
            cell.fill = HEADING_FILL
        if column.kind == "id":
            # the technical id is for look-ups, not for reading: small and grey, last
            cell.font = Font(name=FONT, size=ID_FONT_SIZE, color="7F7F7F")
            cell.alignment = Alignment(vertical="top")
        elif column.kind in ("label", "text") or row.style == "heading":
            # a text after a number column keeps a little distance from it
            indent = 1 if index > 0 and column.kind == "text" and not column.centred else 0
            cell.alignment = Alignment(
                wrap_text=row.style != "heading",
                vertical="top",
                indent=indent,
                horizontal="center" if column.centred and row.style != "heading" else None,
            )
            if row.style != "heading":
                lines = max(lines, _lines(cell.value, widths[index] - indent))
        elif isinstance(cell.value, str):
            # "•", "< 5" and "–" stand where numbers stand: aligned like them
            cell.alignment = Alignment(horizontal="right", vertical="top")
        else:
            cell.alignment = Alignment(vertical="top")
    _set_height(worksheet, row_number, lines)


def _style_notes(worksheet: Worksheet, sheet: Sheet, widths: Sequence[float]) -> None:
    """Each note across the table, and across blank columns beside a narrow table up to the
    width of a landscape page, so that a note reads as a footnote, not as a narrow column."""
    span, width = len(widths), sum(widths)
    while width < NOTE_SPAN:
        span += 1
        worksheet.column_dimensions[get_column_letter(span)].width = SPARE_WIDTH
        width += SPARE_WIDTH
    first = len(sheet.rows) + 3
    for offset, note in enumerate(sheet.notes):
        row_number = first + offset
        cell = worksheet.cell(row_number, 1)
        cell.font = Font(name=FONT, size=FONT_SIZE, italic=True, color="595959")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.merge_cells(
            start_row=row_number, start_column=1, end_row=row_number, end_column=span
        )
        _set_height(worksheet, row_number, _lines(note, width))


def _set_height(worksheet: Worksheet, row_number: int, lines: int) -> None:
    """Rows of one line keep the default height; wrapped ones get theirs (Excel does not
    measure wrapped text when it opens a file)."""
    if lines > 1:
        worksheet.row_dimensions[row_number].height = LINE_HEIGHT * lines + 2


def _print_setup(worksheet: Worksheet, content: ReportContent) -> None:
    """A4 landscape, as wide as the page, the header row on every page, a footer with the sheet
    and the page number."""
    setup = worksheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = worksheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    worksheet.print_title_rows = "1:1"
    worksheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    title = f"{content.title} · {content.view_name}".replace("&", "&&")
    worksheet.oddHeader.left.text = title
    worksheet.oddFooter.left.text = "&A"
    worksheet.oddFooter.right.text = t("report.wb.footer_page", content.lang)
    for part in (worksheet.oddHeader.left, worksheet.oddFooter.left, worksheet.oddFooter.right):
        part.size = 9


def _lines(value: object, width: float, chars_per_width: float = CHARS_PER_WIDTH) -> int:
    """The lines a wrapped text takes in a column `width` characters wide: proportional type
    runs a little narrower than the width's digit, but words do not break."""
    if not isinstance(value, str) or not value:
        return 1
    room = max(1.0, width * chars_per_width - 1)
    lines, used = 1, 0.0
    for word in value.split():
        size = len(word) + (1 if used else 0)
        if used + size > room and used:
            lines += 1
            used = len(word)
        else:
            used += size
    return lines


def _display_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return len(str(value))
