"""The PowerPoint deck (16:9): title slide, one slide per headline KPI, methodology slide.

Each KPI slide has the chart of its app page as a picture on the left, the value, target and
change on the right with the generated finding under them, and the definition and any
suppression as a footnote. Shapes carry names ("kpi_value", "finding", "footnote", …) so that
tests and later edits can find them.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from metrics.i18n import Lang, t
from metrics.report.content import Headline, ReportContent
from metrics.report.images import (
    PNG_HEIGHT,
    PNG_WIDTH,
    ChartExportError,
    chart_png,
    print_figure,
)
from metrics.views import build_methodology

log = logging.getLogger("vielfaltsmonitor")

# PowerPoint's own 16:9 size (13.333 × 7.5 in), exact in EMU
SLIDE_WIDTH = Emu(12_192_000)
SLIDE_HEIGHT = Emu(6_858_000)
MARGIN = Inches(0.5)
CHART_WIDTH = Inches(7.9)
CHART_TOP = Inches(1.35)

INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x59, 0x59, 0x59)
ACCENT = RGBColor(0x00, 0x72, 0xB2)
DEMO_RED = RGBColor(0xC0, 0x00, 0x00)
# status colours of the app's badges, dark enough for white slides and projectors
STATUS_COLOURS = {
    "good": RGBColor(0x00, 0x7A, 0x4D),
    "warn": RGBColor(0xB3, 0x6B, 0x00),
    "bad": RGBColor(0xC0, 0x39, 0x2B),
}

# layouts of python-pptx's default template
TITLE_LAYOUT = 0
TITLE_ONLY_LAYOUT = 5

Paragraph = tuple[str, int, bool, RGBColor]  # text, size in pt, bold, colour


def render_deck(content: ReportContent, headlines: Sequence[Headline]) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    total = len(headlines) + 2
    _title_slide(deck, content)
    for number, headline in enumerate(headlines, start=2):
        _kpi_slide(deck, content, headline, number, total)
    _method_slide(deck, content, total, total)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _text_box(
    slide: Slide,
    name: str,
    left: int,
    top: int,
    width: int,
    height: int,
    paragraphs: Sequence[Paragraph],
    *,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for index, (text, size, bold, colour) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.space_after = Pt(size * 0.35)
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour


def _set_title(slide: Slide, text: str, *, top: int, height: int, size: int) -> None:
    title = slide.shapes.title
    assert title is not None
    title.left, title.top = MARGIN, Emu(top)
    title.width, title.height = Emu(SLIDE_WIDTH - 2 * MARGIN), Emu(height)
    frame = title.text_frame
    frame.text = text
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = True
            run.font.color.rgb = INK


def _accent_rule(slide: Slide, top: int) -> None:
    rule = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Emu(top), Inches(1.6), Pt(4))
    rule.name = "accent"
    rule.fill.solid()
    rule.fill.fore_color.rgb = ACCENT
    rule.line.fill.background()


def _demo_marker(slide: Slide, content: ReportContent, *, large: bool = False) -> None:
    """Demo data is marked on every slide, as the app marks it on every page."""
    if not content.demo:
        return
    width = Inches(7.6) if large else Inches(2.4)
    height = Inches(0.5) if large else Inches(0.32)
    left = Emu(SLIDE_WIDTH - MARGIN - width)
    marker = slide.shapes.add_shape(
        MSO_SHAPE.ROUNDED_RECTANGLE, left, Inches(0.3 if large else 0.12), width, height
    )
    marker.name = "demo_marker"
    marker.fill.solid()
    marker.fill.fore_color.rgb = DEMO_RED
    marker.line.fill.background()
    frame = marker.text_frame
    frame.margin_top = frame.margin_bottom = 0
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    run = paragraph.add_run()
    run.text = t("report.demo_marker" if large else "report.demo_short", content.lang)
    run.font.size = Pt(16 if large else 11)
    run.font.bold = True
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _footer(slide: Slide, content: ReportContent, number: int, total: int) -> None:
    top = SLIDE_HEIGHT - Inches(0.45)
    _text_box(
        slide,
        "footer",
        MARGIN,
        top,
        Inches(10),
        Inches(0.3),
        [(f"Vielfaltsmonitor · {content.status_line()}", 9, False, MUTED)],
    )
    _text_box(
        slide,
        "slide_number",
        SLIDE_WIDTH - MARGIN - Inches(1.2),
        top,
        Inches(1.2),
        Inches(0.3),
        [(f"{number} / {total}", 9, False, MUTED)],
        align=PP_ALIGN.RIGHT,
    )


def _title_slide(deck: Deck, content: ReportContent) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    _set_title(slide, content.title, top=Inches(2.0), height=Inches(1.4), size=40)
    _accent_rule(slide, Inches(3.55))
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top = MARGIN, Inches(3.8)
    subtitle.width, subtitle.height = SLIDE_WIDTH - 2 * MARGIN, Inches(2.2)
    lines = [
        content.view_name,
        t("report.reporting_date", content.lang, date=content.reporting_date)
        if content.reporting_date
        else t("report.no_snapshot", content.lang),
    ]
    if content.data_as_of:
        lines.append(t("report.data_as_of", content.lang, date=content.data_as_of))
    lines.append(t("report.created", content.lang, date=content.created))
    frame = subtitle.text_frame
    frame.text = lines[0]
    for line in lines[1:]:
        frame.add_paragraph().text = line
    for index, paragraph in enumerate(frame.paragraphs):
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(22 if index == 0 else 18)
            run.font.bold = index == 0
            run.font.color.rgb = INK if index == 0 else MUTED
    _demo_marker(slide, content, large=True)
    slide.notes_slide.notes_text_frame.text = content.status_line()


def _kpi_slide(
    deck: Deck, content: ReportContent, headline: Headline, number: int, total: int
) -> None:
    lang = content.lang
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    _set_title(slide, headline.title, top=Inches(0.35), height=Inches(0.8), size=30)
    _accent_rule(slide, Inches(1.18))
    _demo_marker(slide, content)
    chart_height = int(CHART_WIDTH * PNG_HEIGHT / PNG_WIDTH)
    try:
        picture = slide.shapes.add_picture(
            io.BytesIO(chart_png(print_figure(headline.chart.figure))),
            MARGIN,
            CHART_TOP,
            width=CHART_WIDTH,
        )
        picture.name = "chart"
    except ChartExportError as error:
        log.warning("deck without chart image for %s: %s", headline.kpi_id, error)
        _chart_table(slide, headline.chart.table, lang, CHART_TOP, chart_height)

    panel_left = MARGIN + CHART_WIDTH + Inches(0.35)
    panel_width = SLIDE_WIDTH - MARGIN - panel_left
    value_colour = STATUS_COLOURS.get(headline.status or "", INK)
    # "1.060 Personen" must stay on one line of the panel
    value_size = 36 if len(headline.value_text) <= 9 else 28
    numbers: list[Paragraph] = [(headline.value_text, value_size, True, value_colour)]
    if headline.target_text:
        status = f" · {t(f'app.status_{headline.status}', lang)}" if headline.status else ""
        numbers.append((headline.target_text + status, 16, False, INK))
    if headline.change_text:
        numbers.append((headline.change_text, 16, False, INK))
    _text_box(slide, "kpi_value", panel_left, CHART_TOP, panel_width, Inches(1.7), numbers)
    _text_box(
        slide,
        "finding",
        panel_left,
        CHART_TOP + Inches(1.8),
        panel_width,
        chart_height - Inches(1.8),
        [(headline.finding, 15, False, INK)],
    )
    _text_box(
        slide,
        "footnote",
        MARGIN,
        CHART_TOP + chart_height + Inches(0.15),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(1.3),
        [(headline.footnote, 10, False, MUTED)],
    )
    _footer(slide, content, number, total)
    slide.notes_slide.notes_text_frame.text = f"{headline.finding}\n\n{headline.footnote}"


def _chart_table(slide: Slide, table: pd.DataFrame, lang: Lang, top: int, height: int) -> None:
    """Without Chromium the slide still carries the chart's published values."""
    _text_box(
        slide,
        "chart_unavailable",
        MARGIN,
        top,
        CHART_WIDTH,
        Inches(0.4),
        [(t("report.chart_unavailable", lang), 12, False, MUTED)],
    )
    rows, columns = min(len(table), 14) + 1, max(len(table.columns), 1)
    shape = slide.shapes.add_table(
        rows, columns, MARGIN, Emu(top + Inches(0.45)), CHART_WIDTH, Emu(height - Inches(0.45))
    )
    shape.name = "chart_table"
    grid = shape.table
    for column, name in enumerate(table.columns):
        grid.cell(0, column).text = str(name)
    for row in range(rows - 1):
        for column in range(columns):
            grid.cell(row + 1, column).text = str(table.iat[row, column])
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(11)


def _method_slide(deck: Deck, content: ReportContent, number: int, total: int) -> None:
    lang = content.lang
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    _set_title(slide, t("report.method_title", lang), top=Inches(0.35), height=Inches(0.8), size=30)
    _accent_rule(slide, Inches(1.18))
    _demo_marker(slide, content)
    methodology = build_methodology(content.settings, lang)
    paragraphs: list[Paragraph] = [
        (f"• {rule}", 15, False, INK) for rule in methodology.disclosure_rules
    ]
    paragraphs.append((methodology.breakdowns, 13, False, MUTED))
    paragraphs.append((t("report.method_definitions", lang), 13, False, MUTED))
    _text_box(
        slide,
        "methodology",
        MARGIN,
        Inches(1.45),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(5.4),
        paragraphs,
    )
    _footer(slide, content, number, total)
