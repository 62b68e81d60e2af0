"""The Excel workbook for the annual report.

Sheets: the report's data status; every KPI of the year with target and previous year; tables
in the style of the federal equality statistics (women and men by employment type, full- and
part-time, pay group, leadership level, organisational unit, parental leave, applications and
hires); the SGB IX notice per carrier (monthly places and filled places, quota, mandatory and
unfilled places, levy); the methodology.

Only published values go in: KPI values and their numerators and denominators, breakdown
rows and the BGleiG table of `metrics.kpis`, each already through `metrics.disclosure`. A
derived cell (men = denominator − women, a row total, a share) is computed only from published
cells, so it reveals nothing new; where one of its parts is withheld the cell reads "< k".

The cells are written by `metrics.safe_export.to_xlsx_bytes` (every text neutralised against
formula injection, typed string cells); this module then adds number formats, a bold frozen
header, column widths and wrapping. Person counts, and only they, carry COUNT_FORMAT, so a
disclosure scan can find every one of them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from metrics import safe_export, views
from metrics.contract import CARRIERS
from metrics.disclosure import WITHHELD_SIGN
from metrics.formatting import RATIO_DECIMALS, SHARE_DECIMALS
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.report.content import ReportContent

# Person counts and only they: the disclosure scan of the workbook looks for this format.
COUNT_FORMAT = "#,##0"
# Place-months and other whole numbers that are no person counts (SGB IX Soll, unfilled places):
# shown exactly like COUNT_FORMAT, but a different format string so scans can tell them apart.
PLACE_MONTHS_FORMAT = "#,##0;-#,##0;0"
# shown with the decimals of the UI (metrics.formatting); a KPI's cell keeps the JSON's two
# (52.63, in percent), a derived share of the equality tables one ("in %" in the header)
PERCENT_FORMAT = "0." + "0" * SHARE_DECIMALS
RATIO_FORMAT = "0." + "0" * RATIO_DECIMALS
EURO_FORMAT = '#,##0" €"'
PLAIN_FORMAT = "0"  # years, months, k

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MAX_WIDTH = 60
HEADER_WIDTH = 22
WRAP_WIDTH = 70
UNIT_FORMATS = {
    "%": PERCENT_FORMAT,
    "ratio": RATIO_FORMAT,
    "count": COUNT_FORMAT,
    "€": EURO_FORMAT,
}


@dataclass(frozen=True)
class Cell:
    """A published number, or the text that stands in for it ("< 5", "–")."""

    number: float | int | None
    text: str | None = None

    @property
    def shown(self) -> object:
        return self.number if self.number is not None else (self.text or "–")


@dataclass
class Sheet:
    name: str
    columns: list[str]
    formats: list[str | None]  # number format per column for numeric cells
    rows: list[list[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # (row, column) -> number format, for rows whose cells differ from their column
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    freeze: str = "B2"
    wrap: frozenset[int] = frozenset()

    def frame(self) -> pd.DataFrame:
        """Rows, an empty line, then the notes in the first column: one frame to write."""
        body = [list(row) for row in self.rows]
        if self.notes:
            body.append([None] * len(self.columns))
            body += [[note, *([None] * (len(self.columns) - 1))] for note in self.notes]
        return pd.DataFrame(body, columns=self.columns, dtype=object)


def render_workbook(content: ReportContent, published: kpis.PublishedYear) -> bytes:
    sheets = [
        _info_sheet(content),
        _kpi_sheet(content),
        *_equality_sheets(published, content),
        *_sb_sheets(published, content),
        _methodology_sheet(content),
    ]
    raw = safe_export.to_xlsx_bytes({sheet.name: sheet.frame() for sheet in sheets})
    book = load_workbook(io.BytesIO(raw))
    for sheet, worksheet in zip(sheets, book.worksheets, strict=True):
        _style(worksheet, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- cells from published values ----------------------------------------------------------------


def _withheld(value: KpiValue | None, fallback_k: int) -> Cell:
    if value is not None and value.label:
        return Cell(None, value.label)
    return Cell(None, f"< {fallback_k}")


def _split(value: KpiValue | None, k: int) -> tuple[Cell, Cell]:
    """A published share a / n as the two person counts (a, n − a) it rests on."""
    if value is None:
        return Cell(None), Cell(None)
    if value.suppressed:
        return _withheld(value, k), _withheld(value, k)
    if value.counts_withheld:  # published as its rounded share alone (CONTRACT § 3)
        return Cell(None, WITHHELD_SIGN), Cell(None, WITHHELD_SIGN)
    if value.numerator is None or value.denominator is None:
        return Cell(None), Cell(None)
    numerator = int(value.numerator)
    return Cell(numerator), Cell(int(value.denominator) - numerator)


def _sum(cells: Sequence[Cell]) -> Cell:
    for cell in cells:
        if cell.number is None:
            return Cell(None, cell.text)
    return Cell(sum(cell.number for cell in cells if cell.number is not None))


def _share(part: Cell, whole: Cell) -> Cell:
    if part.number is None:
        return Cell(None, part.text)
    if whole.number is None:
        return Cell(None, whole.text)
    if whole.number == 0:
        return Cell(None)
    return Cell(round(100 * part.number / whole.number, SHARE_DECIMALS))


def _first_published(*cells: Cell) -> Cell:
    for cell in cells:
        if cell.number is not None:
            return cell
    return cells[0]


def _gender_row(label: str, women: Cell, men: Cell, *, men_share: bool = False) -> list[object]:
    both = _sum([women, men])
    share = _share(men if men_share else women, both)
    return [label, women.shown, men.shown, both.shown, share.shown]


def _gender_row_of(
    label: str, value: KpiValue | None, k: int, *, men_share: bool = False
) -> list[object]:
    """The row of one published share (women's, or men's with men_share): its two counts, and
    the share itself where only the share is published (its counts withheld)."""
    part, rest = _split(value, k)
    women, men = (rest, part) if men_share else (part, rest)
    row = _gender_row(label, women, men, men_share=men_share)
    if value is not None and value.counts_withheld and value.value is not None:
        row[-1] = round(float(value.value), SHARE_DECIMALS)
    return row


def _gender_columns(first: str, lang: Lang, *, men_share: bool = False) -> list[str]:
    return [
        first,
        t("report.col.women", lang),
        t("report.col.men", lang),
        t("report.col.women_and_men", lang),
        t("report.col.men_share" if men_share else "report.col.women_share", lang),
    ]


GENDER_FORMATS: list[str | None] = [None, COUNT_FORMAT, COUNT_FORMAT, COUNT_FORMAT, PERCENT_FORMAT]


# --- sheets ---------------------------------------------------------------------------------------


def _info_sheet(content: ReportContent) -> Sheet:
    lang = content.lang
    sheet = Sheet(
        t("report.sheet.info", lang),
        [t("report.col.item", lang), t("report.col.value", lang)],
        [None, None],
        freeze="A2",
    )
    settings = content.settings
    sheet.rows = [
        [t("report.info.title", lang), t("report.workbook_title", lang, year=content.year)],
        [t("report.info.view", lang), content.view_name],
        [t("report.info.reporting_date", lang), content.reporting_date or "–"],
        [t("report.info.data_as_of", lang), content.data_as_of or "–"],
        [
            t("report.info.data", lang),
            t("report.info.demo" if content.demo else "report.info.real", lang),
        ],
        [t("report.info.created", lang), content.created],
        [
            t("report.info.privacy", lang),
            t(
                "view.rule_counts",
                lang,
                k=settings.k_ordinary,
                k_sensitive=settings.k_sensitive,
            ),
        ],
    ]
    sheet.wrap = frozenset({1})
    return sheet


def _kpi_sheet(content: ReportContent) -> Sheet:
    lang, year = content.lang, content.year
    previous_year = content.previous_year
    columns = [
        t("report.col.id", lang),
        t("report.col.kpi", lang),
        t("report.col.unit", lang),
        t("report.col.value_year", lang, year=year),
        t("report.col.target", lang),
        t("report.col.previous", lang, year=previous_year or year - 1),
        t("report.col.change", lang),
        t("report.col.numerator", lang),
        t("report.col.denominator", lang),
        t("report.col.note", lang),
    ]
    sheet = Sheet(
        t("report.sheet.kpis", lang),
        columns,
        [None, None, None, None, None, None, None, COUNT_FORMAT, COUNT_FORMAT, None],
        freeze="C2",
        wrap=frozenset({1, 9}),
    )
    for row_index, (kpi_id, value) in enumerate(content.values.items()):
        previous = content.previous_values.get(kpi_id)
        value_format = UNIT_FORMATS.get(value.unit)
        counts_format = _counts_format(value)
        sheet.rows.append(
            [
                kpi_id,
                kpis.kpi_label(kpi_id, lang),
                t(f"report.unit.{value.unit}", lang),
                _kpi_cell(value, lang),
                value.target,
                "–" if previous is None else _kpi_cell(previous, lang),
                _change(value, previous),
                _count_cell(value, "numerator", counts_format),
                _count_cell(value, "denominator", counts_format),
                _kpi_note(value, previous, content),
            ]
        )
        for column in (3, 4, 5):
            if value_format:
                sheet.cell_formats[(row_index, column)] = value_format
        if value.unit in ("%", "ratio"):
            sheet.cell_formats[(row_index, 6)] = PERCENT_FORMAT
        for column in (7, 8):
            if counts_format:
                sheet.cell_formats[(row_index, column)] = counts_format
    sheet.notes = [
        t(
            "view.rule_counts",
            lang,
            k=content.settings.k_ordinary,
            k_sensitive=content.settings.k_sensitive,
        ),
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
    if value.suppressed:
        return value.label or "–"
    if value.unit == "flag":
        return kpis.format_kpi_value(value, lang)
    if value.value is None:
        return "–"
    return value.to_json()["value"]


def _count_cell(value: KpiValue, key: str, counts_format: str | None) -> object:
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
    if previous is None or value.unit not in ("%", "ratio"):
        return None
    if value.suppressed or previous.suppressed or value.value is None or previous.value is None:
        return None
    return round(float(value.value) - float(previous.value), 2)


def _kpi_note(value: KpiValue, previous: KpiValue | None, content: ReportContent) -> str | None:
    lang = content.lang
    notes = []
    wave = value.extra.get("wave")
    if isinstance(wave, int):
        notes.append(t("report.wave_note", lang, wave=wave))
    previous_wave = None if previous is None else previous.extra.get("wave")
    if isinstance(previous_wave, int):
        notes.append(t("report.note.survey_previous", lang, wave=previous_wave))
    if value.extra.get("approximation"):
        notes.append(t("view.approximation", lang))
    if value.suppressed and value.k is not None:
        notes.append(t("app.suppressed_note", lang, k=value.k))
    return " ".join(notes) or None


def _equality_sheets(published: kpis.PublishedYear, content: ReportContent) -> list[Sheet]:
    lang, year, carrier = content.lang, content.year, content.carrier
    settings = content.settings
    k = settings.k_ordinary
    values = content.values
    as_of = content.reporting_date or str(year)
    sheets = []

    # women and men by employment type (staff without trainees)
    employment = published.breakdown("women_share", "employment_type", carrier)
    sheet = Sheet(
        t("report.sheet.employment", lang),
        _gender_columns(kpis.dimension_label("employment_type", lang), lang),
        GENDER_FORMATS,
    )
    for row in employment:
        label = kpis.category_label("employment_type", row.category, lang)
        sheet.rows.append(_gender_row_of(label, row.value, k))
    sheet.rows.append(_gender_row_of(t("report.row.total", lang), values.get("women_share"), k))
    sheet.notes = [t("report.note.staff", lang, date=as_of)]
    sheets.append(sheet)

    # full- and part-time: each cell from whichever published share holds it
    women_part, women_full = _split(values.get("part_time_share_women"), k)
    men_part, men_full = _split(values.get("part_time_share_men"), k)
    women_part_alt, men_part_alt = _split(values.get("women_share_of_part_time"), k)
    women_part = _first_published(women_part, women_part_alt)
    men_part = _first_published(men_part, men_part_alt)
    sheet = Sheet(
        t("report.sheet.working_time", lang),
        _gender_columns(t("report.sheet.working_time", lang), lang),
        GENDER_FORMATS,
    )
    sheet.rows = [
        _gender_row(t("report.row.full_time", lang), women_full, men_full),
        _gender_row(t("report.row.part_time", lang), women_part, men_part),
        _gender_row(
            t("report.row.total", lang),
            _sum([women_full, women_part]),
            _sum([men_full, men_part]),
        ),
    ]
    sheet.notes = [t("report.note.active", lang, date=as_of)]
    sheets.append(sheet)

    # pay groups and leadership levels: the BGleiG table of the KPI engine
    bgleig = published.underrepresentation(carrier)
    for dimension, sheet_key, total_id, note_key in (
        ("pay_group", "report.sheet.pay_groups", "women_share", "report.note.pay_groups"),
        ("leadership", "report.sheet.leadership", "women_leadership_share", "report.note.leaders"),
    ):
        columns = _gender_columns(kpis.dimension_label(dimension, lang), lang)
        sheet = Sheet(
            t(sheet_key, lang),
            [*columns, t("report.col.underrepresented", lang)],
            [*GENDER_FORMATS, None],
        )
        for _, row in bgleig[bgleig["dimension"] == dimension].iterrows():
            withheld = Cell(None, row["label"] if isinstance(row["label"], str) else None)
            women = withheld if row["suppressed"] else Cell(int(row["women"]))
            men = withheld if row["suppressed"] else Cell(int(row["men"]))
            label = kpis.category_label(dimension, row["area"], lang)
            sheet.rows.append([*_gender_row(label, women, men), _verdict(row, lang)])
        total_label = t(
            "report.row.total" if dimension == "pay_group" else "report.row.all_leaders", lang
        )
        sheet.rows.append([*_gender_row_of(total_label, values.get(total_id), k), None])
        sheet.notes = [t(note_key, lang, date=as_of, k=k)]
        sheets.append(sheet)

    # organisational units (the equality plan is drawn up per unit)
    units = published.breakdown("women_share", "org_unit", carrier)
    leaders = published.breakdown("women_leadership_share", "org_unit", carrier)
    leader_share = {row.category: row.value for row in leaders}
    sheet = Sheet(
        kpis.dimension_label("org_unit", lang)[:31],
        [
            *_gender_columns(kpis.dimension_label("org_unit", lang), lang),
            kpis.kpi_label("women_leadership_share", lang) + " in %",
        ],
        [*GENDER_FORMATS, PERCENT_FORMAT],
    )
    for row in units:
        sheet.rows.append(
            [
                *_gender_row_of(row.category, row.value, k),
                _share_cell(leader_share.get(row.category)),
            ]
        )
    sheet.notes = [t("report.note.staff", lang, date=as_of)]
    sheets.append(sheet)

    # parental and care leave
    sheet = Sheet(
        t("report.sheet.leave", lang),
        _gender_columns(t("report.sheet.leave", lang), lang, men_share=True),
        GENDER_FORMATS,
    )
    for kpi_id, row_key in (
        ("parental_leave_men_share", "report.row.parental_leave"),
        ("care_leave_men_share", "report.row.care_leave"),
    ):
        sheet.rows.append(_gender_row_of(t(row_key, lang), values.get(kpi_id), k, men_share=True))
    sheet.notes = [t("report.note.leave", lang, date=as_of)]
    sheets.append(sheet)

    # applications against hires
    sheet = Sheet(
        t("report.sheet.applications", lang),
        _gender_columns(t("report.sheet.applications", lang), lang),
        GENDER_FORMATS,
    )
    for kpi_id, row_key in (
        ("women_share_applicants", "report.row.applicants"),
        ("women_share_hires", "report.row.hires"),
    ):
        sheet.rows.append(_gender_row_of(t(row_key, lang), values.get(kpi_id), k))
    sheet.notes = [t("report.note.applications", lang, year=year)]
    sheets.append(sheet)
    return sheets


def _share_cell(value: KpiValue | None) -> object:
    if value is None:
        return None
    if value.suppressed:
        return value.label or "–"
    return None if value.value is None else round(float(value.value), SHARE_DECIMALS)


def _verdict(row: pd.Series, lang: Lang) -> str:
    if not row["assessed"]:
        return t("view.not_assessed", lang)
    if row["underrepresented"] in ("w", "m"):
        return kpis.category_label("gender", row["underrepresented"], lang)
    return t("view.balanced", lang)


def _sb_sheets(published: kpis.PublishedYear, content: ReportContent) -> list[Sheet]:
    """The notice of §§ 154–160 SGB IX: each carrier's own, and the combined internal figure."""
    lang = content.lang
    tables = published.sb_quota_tables()
    views_shown: tuple[str | None, ...] = (
        (*CARRIERS, None) if content.carrier is None else (content.carrier,)
    )
    sheets = []
    for view in views_shown:
        table = tables[view]
        name = view if view is not None else t("report.sheet.sb_combined", lang)
        sheet = Sheet(
            t("report.sheet.sb", lang, name=name),
            [
                t("report.col.item", lang),
                t("report.col.places", lang),
                t("report.col.filled", lang),
            ],
            [None, PLACE_MONTHS_FORMAT, PLACE_MONTHS_FORMAT],
            freeze="A2",
        )
        value = table.kpi
        withheld_label = value.label if value.suppressed else None
        extra = value.extra

        def number(raw: object, withheld: str | None = withheld_label) -> object:
            if withheld:
                return withheld
            if raw is None:
                return "–"
            if not isinstance(raw, int | float):
                return raw
            return int(raw) if float(raw).is_integer() else raw

        summary = [
            (t("report.row.year_total", lang), None, value.denominator, value.numerator),
            (t("report.row.quota", lang), PERCENT_FORMAT, None, _kpi_cell(value, lang)),
            (t("report.row.target", lang), PERCENT_FORMAT, None, value.target),
            (t("report.row.months", lang), PLAIN_FORMAT, None, extra.get("months_covered")),
            (
                t("report.row.mandatory", lang),
                PLACE_MONTHS_FORMAT,
                None,
                number(extra.get("mandatory_place_months")),
            ),
            (
                t("report.row.unfilled", lang),
                PLACE_MONTHS_FORMAT,
                None,
                number(extra.get("unfilled_place_months")),
            ),
            (t("report.row.levy", lang), EURO_FORMAT, None, number(extra.get("levy_eur"))),
        ]
        for label, value_format, places, filled in summary:
            row_index = len(sheet.rows)
            if value_format is None:
                # the year's sums: place-months, not persons
                sheet.rows.append([label, number(places), number(filled)])
            else:
                sheet.rows.append([label, None, filled])
                sheet.cell_formats[(row_index, 2)] = value_format
        sheet.notes = [t("report.note.sb", lang, name=name), t("view.months_not_published", lang)]
        if view is None:
            sheet.notes.append(t("report.note.sb_internal", lang))
        if extra.get("approximation"):
            sheet.notes.append(t("view.approximation", lang))
        if value.suppressed:
            sheet.notes.append(t("app.suppressed_note", lang, k=content.settings.k_sensitive))
        sheets.append(sheet)
    return sheets


def _methodology_sheet(content: ReportContent) -> Sheet:
    lang, settings = content.lang, content.settings
    sheet = Sheet(
        t("report.sheet.methodology", lang),
        [
            t("report.col.id", lang),
            t("view.kpi", lang),
            t("view.definition", lang),
            t("view.legal_source", lang),
            t("view.unit", lang),
            t("app.target", lang),
            t("view.sensitivity", lang),
            t("report.col.k", lang),
        ],
        [None, None, None, None, None, PLAIN_FORMAT, None, PLAIN_FORMAT],
        freeze="C2",
        wrap=frozenset({1, 2, 3}),
    )
    for row_index, kpi in enumerate(kpis.REGISTRY):
        target = settings.target(kpi.target_key) if kpi.target_key else None
        sheet.rows.append(
            [
                kpi.id,
                kpi.label(lang),
                kpi.definition(lang),
                kpi.legal_source,
                t(f"report.unit.{kpi.unit}", lang),
                target,
                t("view.sensitive" if kpi.sensitive else "view.ordinary", lang),
                settings.rules.k(kpi.sensitive),
            ]
        )
        if target is not None:
            sheet.cell_formats[(row_index, 5)] = UNIT_FORMATS.get(kpi.unit, RATIO_FORMAT)
    methodology = views.build_methodology(settings, lang)
    sheet.notes = [*methodology.disclosure_rules, methodology.breakdowns]
    return sheet


# --- styling --------------------------------------------------------------------------------------


def _style(worksheet: Worksheet, sheet: Sheet) -> None:
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row_index in range(len(sheet.rows)):
        for column_index, cell in enumerate(worksheet[row_index + 2]):
            if column_index >= len(sheet.columns):
                break
            number_format = sheet.cell_formats.get(
                (row_index, column_index), sheet.formats[column_index]
            )
            numeric = isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
            if number_format and (numeric or cell.is_date):
                cell.number_format = number_format
            # "< 5" and "–" stand where numbers stand: aligned like them
            text = cell.value if isinstance(cell.value, str) else ""
            if column_index > 0 and (text.startswith("<") or text == "–"):
                cell.alignment = Alignment(horizontal="right")
            if column_index in sheet.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for note_row in range(len(sheet.rows) + 3, worksheet.max_row + 1):
        worksheet.cell(note_row, 1).font = Font(italic=True, color="595959")
    worksheet.freeze_panes = sheet.freeze
    for column_index, header in enumerate(sheet.columns):
        # headers wrap, so a long one need not widen its column
        lengths = [min(len(header), HEADER_WIDTH)] + [
            _display_length(row[column_index]) for row in sheet.rows
        ]
        width = max(lengths) + 2
        limit = WRAP_WIDTH if column_index in sheet.wrap else MAX_WIDTH
        worksheet.column_dimensions[get_column_letter(column_index + 1)].width = max(
            10, min(width, limit)
        )


def _display_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return len(str(value))
