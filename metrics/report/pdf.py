"""The printable A4 annual summary (fpdf2).

Page 1 is a one-page summary (data status, executive summary, headline KPIs, open points),
page 2 the contents; then one section per headline KPI (its message as the heading, the chart,
value, target and change, the finding, the footnote), the table of all KPIs of the year, the
methodology and the legend of signs.

The document is laid out more than once: a first pass learns the pages the sections begin on,
which the contents and the summary then state. Where a page would be nearly empty (a short tail
on the last page), variants that set the tail tighter or break it earlier are laid out and the
first without a nearly empty page is kept.

Text is set in DejaVu Sans from Debian's fonts-dejavu-core (umlauts, €, „“, ≥). Without it the
PDF falls back to the built-in Helvetica, which only knows Latin-1: typographic characters are
replaced by plain ones ("€" -> "EUR") instead of failing.
"""

from __future__ import annotations

import io
import logging
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace

from metrics.i18n import t
from metrics.kpis import api as kpis
from metrics.report.content import (
    Headline,
    ReportContent,
    open_points,
    summary_messages,
    value_text,
)
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
RGB = tuple[int, int, int]
INK: RGB = (34, 34, 34)
MUTED: RGB = (89, 89, 89)
DEMO_RED: RGB = (192, 0, 0)
HEAD_FILL: RGB = (221, 235, 247)
STATUS_COLOURS: dict[str, RGB] = {"good": (0, 110, 50), "warn": (150, 95, 0), "bad": DEMO_RED}

MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18.0, 16.0, 16.0
HEADER_HEIGHT = 8.0  # the running head above the body of every page but the first
# two headline sections (message, chart, figures, finding, footnote) fit on one A4 page
CHART_WIDTH_MM = 125.0
CHART_HEIGHT_MM = CHART_WIDTH_MM * PNG_HEIGHT / PNG_WIDTH
# a section that would begin in the last quarter of a page begins on the next one
SECTION_START_LIMIT = 0.75
# a page whose body is filled less than this is "nearly empty": rebalanced where possible
NEARLY_EMPTY_FILL = 1 / 3
NBSP = "\u00a0"
LINE_FACTOR = 0.45  # line height in mm per pt of font size
BULLET_INDENT = 4.0
SUMMARY_SCALES = (1.0, 0.93, 0.86, 0.8, 0.74)  # page 1 shrinks until it fits on one page


# --- the page and its text blocks -----------------------------------------------------------


class _SummaryPdf(FPDF):
    def __init__(self, content: ReportContent, font_dir: Path):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.content = content
        self.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        self.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)
        self.family = FALLBACK_FAMILY
        if all((font_dir / name).is_file() for name in FONT_FILES.values()):
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(font_dir / name))
            self.family = "DejaVu"
            # fontTools keeps the files open; every layout pass makes a document
            weakref.finalize(self, _close_fonts, self.fonts)
        self.set_title(self.text_of(content.title))
        self.set_creator("Vielfaltsmonitor")
        self.set_lang(content.lang)
        self.starts: dict[str, int] = {}  # section key -> page it begins on
        self.fills: dict[int, float] = {}  # page -> share of its body that holds content

    @property
    def unicode(self) -> bool:
        return self.family != FALLBACK_FAMILY

    def text_of(self, text: str) -> str:
        # a unit stays on the line of its number ("50 %" never breaks before the "%")
        text = text.replace(" %", NBSP + "%").replace(" Pp.", NBSP + "Pp.")
        if self.unicode:
            return text
        return text.translate(LATIN1_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False, colour: RGB = INK) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def body_top(self) -> float:
        return self.t_margin + (0 if self.page == 1 else HEADER_HEIGHT)

    def body_fill(self) -> float:
        """How much of the current page's body is filled, from 0 to 1."""
        return (self.get_y() - self.body_top()) / (self.page_break_trigger - self.body_top())

    def at_page_top(self) -> bool:
        return self.get_y() <= self.body_top() + 0.5

    def header(self) -> None:
        if self.page == 1:
            return  # the summary page carries the title itself
        self.font(8, colour=MUTED)
        self.cell(0, 5, self.text_of(f"{self.content.title} · {self.content.view_name}"))
        if self.content.demo:
            self.font(8, bold=True, colour=DEMO_RED)
            self.set_x(self.l_margin)
            self.cell(0, 5, self.text_of(t("report.demo_short", self.content.lang)), align="R")
        self.set_y(self.t_margin + HEADER_HEIGHT)

    def footer(self) -> None:
        self.fills[self.page] = self.body_fill()
        self.set_y(-12)
        self.font(8, colour=MUTED)
        page = t("report.pdf.page", self.content.lang, page=self.page_no(), pages="{nb}")
        self.cell(0, 5, self.text_of(page), align="C")

    def page_fills(self) -> list[float]:
        """The fill of every page; the last page's footer is not drawn until the output."""
        return [self.fills.get(page, 0.0) for page in range(1, self.page)] + [self.body_fill()]


def _close_fonts(fonts: Mapping[str, object]) -> None:
    for font in fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


@dataclass(frozen=True)
class Paragraph:
    text: str
    size: float
    bold: bool = False
    colour: RGB = INK
    gap: float = 1.5
    bullet: bool = False

    def _width(self, pdf: _SummaryPdf) -> float:
        return pdf.epw - (BULLET_INDENT if self.bullet else 0)

    def height(self, pdf: _SummaryPdf) -> float:
        pdf.font(self.size, self.bold, self.colour)
        height = pdf.multi_cell(
            self._width(pdf),
            self.size * LINE_FACTOR,
            pdf.text_of(self.text),
            dry_run=True,
            output=MethodReturnValue.HEIGHT,
        )
        assert isinstance(height, float)  # what output=HEIGHT returns
        return height + self.gap

    def draw(self, pdf: _SummaryPdf) -> None:
        pdf.font(self.size, self.bold, self.colour)
        pdf.set_x(pdf.l_margin)
        if self.bullet:
            pdf.cell(BULLET_INDENT, self.size * LINE_FACTOR, pdf.text_of("•"))
        pdf.multi_cell(
            self._width(pdf),
            self.size * LINE_FACTOR,
            pdf.text_of(self.text),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
            align="L",
        )
        pdf.ln(self.gap)


def _draw_all(pdf: _SummaryPdf, paragraphs: Sequence[Paragraph]) -> None:
    for paragraph in paragraphs:
        paragraph.draw(pdf)


def _height(pdf: _SummaryPdf, paragraphs: Sequence[Paragraph]) -> float:
    return sum(paragraph.height(pdf) for paragraph in paragraphs)


def _start_section(
    pdf: _SummaryPdf, key: str, title: str, following: float, plan: Plan, size: float = 13
) -> None:
    """The heading of a section, kept with the first `following` mm of what comes after it;
    a section does not begin in the last quarter of a page."""
    heading = Paragraph(title, size, bold=True, gap=2)
    late = pdf.body_fill() > SECTION_START_LIMIT or key in plan.break_before
    if not pdf.at_page_top() and (late or pdf.will_page_break(heading.height(pdf) + following)):
        pdf.add_page()
    pdf.starts[key] = pdf.page
    pdf.start_section(pdf.text_of(title))
    heading.draw(pdf)


# --- the plan of one layout -------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What one pass lays out differently: the page numbers the previous pass found, sections
    forced onto a new page, a tighter tail, the scale of the summary page."""

    pages: Mapping[str, int] = field(default_factory=dict)
    break_before: frozenset[str] = frozenset()
    tight: bool = False
    summary_scale: float = 1.0
    # a draft leaves each chart's room empty: the passes that find the layout need no pictures
    draft: bool = False

    def page(self, key: str) -> str:
        return str(self.pages.get(key, "–"))

    @property
    def tail_size(self) -> float:
        return 7.5 if self.tight else 8.0

    @property
    def tail_gap(self) -> float:
        return 0.5 if self.tight else 1.0


@dataclass(frozen=True)
class Material:
    """Everything the pages say, gathered once for every pass."""

    content: ReportContent
    headlines: Sequence[Headline]
    pictures: Mapping[str, bytes | None]  # kpi id -> chart PNG, None where it could not be made
    summary: Sequence[str]
    open_points: Sequence[str]
    font_dir: Path


def render_pdf(
    content: ReportContent, headlines: Sequence[Headline], font_dir: Path = FONT_DIR
) -> bytes:
    material = Material(
        content=content,
        headlines=headlines,
        pictures={headline.kpi_id: _picture(headline) for headline in headlines},
        summary=summary_messages(content, headlines),
        open_points=open_points(content, headlines),
        font_dir=font_dir,
    )
    plan = _balanced(material)
    return bytes(_laid_out(material, replace(plan, draft=False)).output())


def _picture(headline: Headline) -> bytes | None:
    try:
        return chart_png(print_figure(headline.chart.figure))
    except ChartExportError as error:
        log.warning("PDF without chart image for %s: %s", headline.kpi_id, error)
        return None


def _balanced(material: Material) -> Plan:
    """The first layout without a nearly empty page: as planned; else the tail set tighter (so
    it fits on the page before); else each of the last sections started on a new page (so the
    last page gets more); else the layout whose emptiest page is fullest."""
    base = Plan(summary_scale=_summary_scale(material), draft=True)
    tail = ("signs", "methodology", "all_kpis")
    plans = [base, replace(base, tight=True)]
    plans += [replace(base, break_before=frozenset({key})) for key in tail]
    plans += [replace(base, tight=True, break_before=frozenset({key})) for key in tail]
    best: tuple[float, Plan] | None = None
    pages: Mapping[str, int] = {}
    for plan in plans:
        # the pages of the previous layout as the first guess: mostly the same
        pdf, paginated = _paginated(material, replace(plan, pages=pages))
        pages = paginated.pages
        if _emptiest(pdf) >= NEARLY_EMPTY_FILL:
            return paginated
        if best is None or _emptiest(pdf) > best[0]:
            best = (_emptiest(pdf), paginated)
    assert best is not None
    return best[1]


def _emptiest(pdf: _SummaryPdf) -> float:
    """The least fill of the pages after the summary and the contents (the pages a plan can
    change)."""
    return min(pdf.page_fills()[2:], default=1.0)


def _paginated(material: Material, plan: Plan) -> tuple[_SummaryPdf, Plan]:
    """Laid out until the page numbers it states are the pages its sections begin on; the
    layout and the plan with those numbers."""
    pdf = _laid_out(material, plan)
    for _ in range(3):
        if pdf.starts == plan.pages:
            break
        plan = replace(plan, pages=dict(pdf.starts))
        pdf = _laid_out(material, plan)
    return pdf, plan


def _summary_scale(material: Material) -> float:
    for scale in SUMMARY_SCALES:
        pdf = _SummaryPdf(material.content, material.font_dir)
        pdf.add_page()
        _summary_page(pdf, material, Plan(summary_scale=scale))
        if pdf.page == 1:
            return scale
    return SUMMARY_SCALES[-1]


def _laid_out(material: Material, plan: Plan) -> _SummaryPdf:
    pdf = _SummaryPdf(material.content, material.font_dir)
    pdf.alias_nb_pages()
    pdf.add_page()
    _summary_page(pdf, material, plan)
    pdf.add_page()
    _contents_page(pdf, material, plan)
    pdf.add_page()
    for headline in material.headlines:
        _headline_section(pdf, headline, material.pictures.get(headline.kpi_id), plan)
    _all_kpis(pdf, material.content, plan)
    _methodology(pdf, material.content, plan)
    _signs(pdf, material.content, plan)
    return pdf


# --- page 1: the summary ----------------------------------------------------------------------


def _summary_page(pdf: _SummaryPdf, material: Material, plan: Plan) -> None:
    content, lang, scale = material.content, material.content.lang, plan.summary_scale
    pdf.starts["summary"] = pdf.page
    pdf.start_section(pdf.text_of(t("report.pdf.summary", lang)))
    opening = [Paragraph(content.title, 18 * scale, bold=True, gap=1.5)]
    if content.settings.organisation:
        opening.append(Paragraph(content.settings.organisation, 12 * scale, gap=1.5))
    opening.append(Paragraph(content.status_line(), 10 * scale, colour=MUTED, gap=0.5))
    opening.append(
        Paragraph(t("report.created", lang, date=content.created), 9 * scale, colour=MUTED)
    )
    if content.demo:
        opening.append(Paragraph(t("report.demo_marker", lang), 10.5 * scale, True, DEMO_RED))
    _draw_all(pdf, opening)
    pdf.ln(2 * scale)
    heading = 12.5 * scale
    Paragraph(t("report.pdf.summary", lang), heading, bold=True, gap=1.5).draw(pdf)
    _draw_all(pdf, [Paragraph(m, 10 * scale, gap=1.2, bullet=True) for m in material.summary])
    pdf.ln(2 * scale)
    title = t("report.pdf.headline_table", lang, year=content.year)
    Paragraph(title, heading, bold=True, gap=1.5).draw(pdf)
    _headline_table(pdf, material, scale)
    pdf.ln(3 * scale)
    Paragraph(t("report.pdf.open_points", lang), heading, bold=True, gap=1.5).draw(pdf)
    points = material.open_points or [t("report.pdf.no_open_points", lang)]
    _draw_all(pdf, [Paragraph(p, 9.5 * scale, gap=1, bullet=True) for p in points])
    pdf.ln(1.5 * scale)
    see = _see_signs(material.content, plan)
    Paragraph(see, 8.5 * scale, colour=MUTED).draw(pdf)


def _see_signs(content: ReportContent, plan: Plan) -> str:
    """Where the signs are explained, naming the thresholds this report uses."""
    settings = content.settings
    return t(
        "report.pdf.see_signs",
        content.lang,
        page=plan.page("signs"),
        k=settings.k_ordinary,
        k_sensitive=settings.k_sensitive,
    )


def _headline_table(pdf: _SummaryPdf, material: Material, scale: float) -> None:
    content, lang = material.content, material.content.lang
    previous = content.previous_year
    change_header = (
        t("report.pdf.col_change", lang, previous=previous)
        if previous
        else t("report.pdf.col_change_none", lang)
    )
    pdf.font(8.5 * scale)
    with pdf.table(
        col_widths=(62, 28, 18, 30, 36),
        text_align=("LEFT", "RIGHT", "RIGHT", "CENTER", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        line_height=4.2 * scale,
        padding=(0.8, 1.2),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        header = table.row()
        for text in (
            t("report.col.kpi", lang),
            t("report.col.value_year", lang, year=content.year),
            t("report.col.target", lang),
            t("report.pdf.col_status", lang),
            change_header,
        ):
            header.cell(pdf.text_of(text))
        for headline in material.headlines:
            row = table.row()
            value = headline.value
            target = (
                "–" if value is None or value.target is None else kpis.format_target(value, lang)
            )
            status = t(f"app.status_{headline.status}", lang) if headline.status else "–"
            colour = STATUS_COLOURS.get(headline.status or "", INK)
            row.cell(pdf.text_of(headline.title))
            row.cell(pdf.text_of(headline.value_text))
            row.cell(pdf.text_of(target))
            row.cell(pdf.text_of(status), style=FontFace(color=colour))
            row.cell(pdf.text_of(_bare_change(headline, content)))


def _bare_change(headline: Headline, content: ReportContent) -> str:
    """ "+2,0 Pp." under the column "ggü. 2024"; a change against another point (the previous
    survey wave) keeps its "ggü. der Befragung 2023: …"."""
    if headline.change_text is None:
        return "–"
    prefix = t("report.change", content.lang, previous=content.previous_year, change="")
    return headline.change_text.removeprefix(prefix)


# --- page 2: the contents ---------------------------------------------------------------------


def _contents_page(pdf: _SummaryPdf, material: Material, plan: Plan) -> None:
    content, lang = material.content, material.content.lang
    pdf.starts["contents"] = pdf.page
    Paragraph(t("report.pdf.contents", lang), 16, bold=True, gap=4).draw(pdf)
    entries: list[tuple[str, str, int]] = [("summary", t("report.pdf.summary", lang), 0)]
    entries.append(("contents", t("report.pdf.contents", lang), 0))
    first = material.headlines[0].kpi_id if material.headlines else None
    if first is not None:
        entries.append((f"kpi:{first}", t("report.pdf.headlines", lang), 0))
    entries += [(f"kpi:{h.kpi_id}", h.message, 1) for h in material.headlines]
    entries += [
        ("all_kpis", t("report.pdf.all_kpis", lang, year=content.year), 0),
        ("methodology", t("report.method_title", lang), 0),
        ("signs", t("report.pdf.signs", lang), 0),
    ]
    for key, label, level in entries:
        _contents_entry(pdf, label, plan.pages.get(key), level)


def _contents_entry(pdf: _SummaryPdf, label: str, page: int | None, level: int) -> None:
    size = 10.5 if level == 0 else 9.5
    pdf.font(size, bold=level == 0)
    height = size * LINE_FACTOR
    number_width = 12.0
    indent = 6.0 * level
    link = pdf.add_link(page=page) if page else ""
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(
        pdf.epw - indent - number_width,
        height,
        pdf.text_of(label),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
        link=link,
    )
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + pdf.epw - number_width, bottom - height)
    pdf.cell(number_width, height, pdf.text_of(str(page or "–")), align="R", link=link)
    pdf.set_y(bottom + (2.5 if level == 0 else 1.5))


# --- one section per headline KPI -------------------------------------------------------------


def _headline_section(pdf: _SummaryPdf, headline: Headline, png: bytes | None, plan: Plan) -> None:
    """Message, figures, chart, finding and footnote, kept together on one page."""
    figures = [headline.value_text]
    figures += [text for text in (headline.target_text, headline.change_text) if text]
    above = [Paragraph(f"{headline.title}: {' · '.join(figures)}", 10, colour=MUTED, gap=1.5)]
    below = [
        Paragraph(headline.finding, 10, gap=1.2),
        Paragraph(_footnote(headline, pdf.content, plan), 7.5, colour=MUTED, gap=6),
    ]
    if png is None:
        lang = pdf.content.lang
        rows = headline.chart.table.astype(str).itertuples(index=False)
        below[:0] = [Paragraph(t("report.chart_unavailable", lang), 9, colour=MUTED)]
        below[1:1] = [Paragraph(" · ".join(row), 8.5, gap=0.2) for row in rows]
        chart_height = 0.0
    else:
        chart_height = CHART_HEIGHT_MM + 1
    following = _height(pdf, above) + chart_height + _height(pdf, below)
    _start_section(pdf, f"kpi:{headline.kpi_id}", headline.message, following, plan, size=12.5)
    _draw_all(pdf, above)
    if png is not None:
        if plan.draft:
            pdf.set_y(pdf.get_y() + CHART_HEIGHT_MM)
        else:
            pdf.image(
                io.BytesIO(png),
                x=pdf.l_margin,
                w=CHART_WIDTH_MM,
                h=CHART_HEIGHT_MM,
                alt_text=headline.chart.title,
            )
        pdf.ln(1)
    _draw_all(pdf, below)


def _footnote(headline: Headline, content: ReportContent, plan: Plan) -> str:
    """The headline's footnote; the long d / x note, the same under every chart, is given once
    in the legend of signs, and each footnote points there."""
    note = t("app.gender_assigned_note", content.lang)
    if not content.gender_assigned or note not in headline.footnote:
        return headline.footnote
    pointer = t("report.pdf.gender_see_signs", content.lang, page=plan.page("signs"))
    return headline.footnote.replace(note, pointer)


# --- the sections after the headlines ---------------------------------------------------------

# rows of the KPI table a heading is kept with
ROWS_KEPT_WITH_HEADING = 4


def _all_kpis(pdf: _SummaryPdf, content: ReportContent, plan: Plan) -> None:
    lang = content.lang
    line_height = 3.9 if plan.tight else 4.2
    title = t("report.pdf.all_kpis", lang, year=content.year)
    _start_section(pdf, "all_kpis", title, ROWS_KEPT_WITH_HEADING * (line_height + 1.6), plan)
    pdf.font(plan.tail_size + 0.5)
    previous_header = t("report.col.previous", lang, year=content.previous_year or "–")
    with pdf.table(
        col_widths=(84, 30, 18, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        line_height=line_height,
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
                kpis.format_target(value, lang) or "–",
                "–" if previous is None else value_text(previous, lang),
            ):
                row.cell(pdf.text_of(text))
    pdf.ln(2)
    see = _see_signs(content, plan)
    Paragraph(see, plan.tail_size, colour=MUTED, gap=4).draw(pdf)


def _methodology(pdf: _SummaryPdf, content: ReportContent, plan: Plan) -> None:
    lang, size, gap = content.lang, plan.tail_size, plan.tail_gap
    methodology = build_methodology(content.settings, lang)
    paragraphs = [
        Paragraph(rule, size, gap=gap, bullet=True) for rule in methodology.disclosure_rules
    ]
    paragraphs.append(Paragraph(methodology.breakdowns, size, colour=MUTED, gap=gap))
    paragraphs.append(Paragraph(t("report.method_definitions", lang), size, colour=MUTED, gap=4))
    title = t("report.method_title", lang)
    _start_section(pdf, "methodology", title, _height(pdf, paragraphs[:2]), plan)
    _draw_all(pdf, paragraphs)


def _signs(pdf: _SummaryPdf, content: ReportContent, plan: Plan) -> None:
    """The legend of every sign the PDF may show, with the real minimum counts."""
    lang, size = content.lang, plan.tail_size + 0.5
    settings = content.settings
    rows = [
        ("•", t("report.pdf.sign_withheld", lang)),
        (f"< {settings.k_ordinary}", t("report.pdf.sign_small", lang, k=settings.k_ordinary)),
        (
            f"< {settings.k_sensitive}",
            t("report.pdf.sign_small_sensitive", lang, k=settings.k_sensitive),
        ),
        ("–", t("report.pdf.sign_dash", lang)),
        ("Pp." if lang == "de" else "pp", t("report.pdf.sign_pp", lang)),
    ]
    notes = [Paragraph(t("report.pdf.sign_percent_note", lang), size - 0.5, colour=MUTED)]
    if content.gender_assigned:
        notes.append(Paragraph(t("app.gender_assigned_note", lang), size - 0.5, colour=MUTED))
    row_height = (size * LINE_FACTOR + 1.6) * 2
    _start_section(pdf, "signs", t("report.pdf.signs", lang), row_height * len(rows), plan)
    pdf.font(size)
    with pdf.table(
        col_widths=(20, 154),
        text_align=("CENTER", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        line_height=size * LINE_FACTOR,
        padding=(0.8, 1.2),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        header = table.row()
        header.cell(pdf.text_of(t("report.pdf.col_sign", lang)))
        header.cell(pdf.text_of(t("report.pdf.col_meaning", lang)))
        for sign, meaning in rows:
            row = table.row()
            row.cell(pdf.text_of(sign), style=FontFace(emphasis="BOLD"))
            row.cell(pdf.text_of(meaning))
    pdf.ln(2)
    _draw_all(pdf, notes)
