"""The printable A4 summary (fpdf2): title and data status, the KPI table, the headline charts
with their findings, the methodology.

Text is set in DejaVu Sans from Debian's fonts-dejavu-core (umlauts, €, „“, ≥). Without it the
PDF falls back to the built-in Helvetica, which only knows Latin-1: typographic characters are
replaced by plain ones ("€" -> "EUR") instead of failing.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.report.content import Headline, ReportContent, value_text
from metrics.report.images import (
    PNG_HEIGHT,
    PNG_WIDTH,
    ChartExportError,
    chart_png,
    print_figure,
)
from metrics.views import build_methodology

log = logging.getLogger("vielfaltsmonitor")

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FALLBACK_FAMILY = "Helvetica"
# Latin-1 stand-ins for the characters the core fonts lack
LATIN1_REPLACEMENTS = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "−": "-",
        "„": '"',
        "“": '"',
        "”": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "€": "EUR",
        "≥": ">=",
        "≤": "<=",
        "…": "...",
        "•": "-",
    }
)
INK = (34, 34, 34)
MUTED = (89, 89, 89)
DEMO_RED = (192, 0, 0)
# two headline KPIs (heading, chart, finding, footnote) fit on one A4 page
CHART_WIDTH_MM = 150.0


class _SummaryPdf(FPDF):
    def __init__(self, content: ReportContent, font_dir: Path):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.content = content
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=16)
        self.family = FALLBACK_FAMILY
        if all((font_dir / name).is_file() for name in FONT_FILES.values()):
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(font_dir / name))
            self.family = "DejaVu"
        self.set_title(self.text_of(content.title))
        self.set_creator("Vielfaltsmonitor")
        self.set_lang(content.lang)

    @property
    def unicode(self) -> bool:
        return self.family != FALLBACK_FAMILY

    def text_of(self, text: str) -> str:
        if self.unicode:
            return text
        return text.translate(LATIN1_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def paragraph(self, text: str, size: float, *, bold: bool = False, colour=INK, gap=1.5):
        self.font(size, bold, colour)
        self.multi_cell(
            0, size * 0.45, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
        )
        self.ln(gap)

    def header(self) -> None:
        self.font(8, colour=MUTED)
        self.cell(
            0,
            5,
            self.text_of(f"{self.content.title} · {self.content.view_name}"),
        )
        if self.content.demo:
            self.font(8, bold=True, colour=DEMO_RED)
            self.set_x(self.l_margin)
            self.cell(0, 5, self.text_of(t("report.demo_short", self.content.lang)), align="R")
        self.ln(8)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8, colour=MUTED)
        page = t("report.pdf.page", self.content.lang, page=self.page_no(), pages="{nb}")
        self.cell(0, 5, self.text_of(page), align="C")


def render_pdf(
    content: ReportContent, headlines: Sequence[Headline], font_dir: Path = FONT_DIR
) -> bytes:
    pdf = _SummaryPdf(content, font_dir)
    lang = content.lang
    pdf.add_page()
    pdf.paragraph(content.title, 18, bold=True, gap=2)
    pdf.paragraph(content.status_line(), 10.5, colour=MUTED, gap=0.5)
    pdf.paragraph(t("report.created", lang, date=content.created), 9, colour=MUTED, gap=3)
    if content.demo:
        pdf.paragraph(t("report.demo_marker", lang), 11, bold=True, colour=DEMO_RED, gap=3)
    _kpi_table(pdf, content)
    pdf.ln(4)
    pdf.paragraph(t("report.pdf.charts", lang), 14, bold=True, gap=2)
    for headline in headlines:
        _headline(pdf, headline, lang)
    _methodology(pdf, content)
    return bytes(pdf.output())


def _kpi_table(pdf: _SummaryPdf, content: ReportContent) -> None:
    lang = content.lang
    pdf.paragraph(t("report.pdf.kpi_table", lang, year=content.year), 14, bold=True, gap=1)
    pdf.font(8.5)
    previous_header = t("report.col.previous", lang, year=content.previous_year or "–")
    headings = FontFace(emphasis="BOLD", fill_color=(221, 235, 247))
    with pdf.table(
        col_widths=(84, 30, 18, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=headings,
        line_height=4.2,
        padding=(0.8, 1.2),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        header = table.row()
        for text in (
            t("report.col.kpi", lang),
            t("report.col.value_year", lang, year=content.year),
            t("report.col.target", lang),
            previous_header,
        ):
            header.cell(pdf.text_of(text))
        for kpi_id, value in content.values.items():
            if value.unit == "flag":
                continue  # a list of areas: in the workbook, not in a table cell
            label = kpis.kpi_label(kpi_id, lang)
            if "." in kpi_id:
                label = "   " + label
            previous = content.previous_values.get(kpi_id)
            row = table.row()
            for text in (
                label,
                value_text(value, lang),
                kpis.format_target(value, lang),
                "–" if previous is None else value_text(previous, lang),
            ):
                row.cell(pdf.text_of(text))
    pdf.ln(1.5)
    pdf.paragraph(
        " ".join(content.sign_notes())
        + " "
        + t(
            "view.rule_counts",
            lang,
            k=content.settings.k_ordinary,
            k_sensitive=content.settings.k_sensitive,
        ),
        7.5,
        colour=MUTED,
    )


def _headline(pdf: _SummaryPdf, headline: Headline, lang: Lang) -> None:
    image_height = CHART_WIDTH_MM * PNG_HEIGHT / PNG_WIDTH
    # keep a KPI's heading, chart and finding on one page
    if pdf.will_page_break(image_height + 32):
        pdf.add_page()
    pdf.paragraph(headline.title, 12, bold=True, gap=0.5)
    figures = [headline.value_text]
    if headline.target_text:
        figures.append(headline.target_text)
    if headline.change_text:
        figures.append(headline.change_text)
    pdf.paragraph(" · ".join(figures), 10, gap=1)
    try:
        png = chart_png(print_figure(headline.chart.figure))
        pdf.image(io.BytesIO(png), x=pdf.l_margin, w=CHART_WIDTH_MM, alt_text=headline.chart.title)
        pdf.ln(1)
    except ChartExportError as error:
        log.warning("PDF without chart image for %s: %s", headline.kpi_id, error)
        pdf.paragraph(t("report.chart_unavailable", lang), 9, colour=MUTED)
        for row in headline.chart.table.astype(str).itertuples(index=False):
            pdf.paragraph(" · ".join(row), 8.5, gap=0.2)
    pdf.paragraph(headline.finding, 10, gap=1)
    pdf.paragraph(headline.footnote, 7.5, colour=MUTED, gap=5)


def _methodology(pdf: _SummaryPdf, content: ReportContent) -> None:
    lang = content.lang
    if pdf.will_page_break(50):
        pdf.add_page()
    pdf.paragraph(t("report.method_title", lang), 12, bold=True, gap=1)
    methodology = build_methodology(content.settings, lang)
    for rule in methodology.disclosure_rules:
        pdf.paragraph(f"• {rule}", 8, gap=0.8)
    pdf.paragraph(methodology.breakdowns, 8, colour=MUTED, gap=0.8)
    pdf.paragraph(t("report.method_definitions", lang), 8, colour=MUTED)
