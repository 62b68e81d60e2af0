"""The PowerPoint deck a working group shows in its meeting (16:9, or the organisation's template).

Title, agenda, executive summary, one slide per headline KPI with its message as the title, each
carrier's legal quota, under-representation, the leadership pipeline, parental and care leave,
open points, and an appendix with the year's KPI table, the methodology and the signs. Charts
are native, editable PowerPoint charts whose data are the published values only: a withheld year
is a gap (no value in the chart or its embedded workbook), never 0.

Every text is at least 14 pt; text boxes are sized from an estimate of their lines, and content
that does not fit is split over further slides rather than set smaller. Shapes carry names
("title", "agenda", "chart", "kpi_value", "finding", "footnote", …) so that tests and later
edits can find them.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.presentation import Presentation as Deck
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide, SlideLayout
from pptx.text.text import _Paragraph
from pptx.util import Emu, Inches, Pt

from metrics.charts import PALETTE
from metrics.contract import CARRIERS
from metrics.formatting import decimals_of, format_number, format_target, format_value
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.report.content import (
    Headline,
    ReportContent,
    ReportError,
    change_margin,
    change_text,
    footnote,
    message,
    open_points,
    status_of,
    summary_messages,
    value_text,
)
from metrics.views import KpiHistory, build_methodology
from metrics.views.blocks import gap_text

log = logging.getLogger("vielfaltsmonitor")

# PowerPoint's own 16:9 size (13.333 × 7.5 in), exact in EMU
SLIDE_WIDTH = Emu(12_192_000)
SLIDE_HEIGHT = Emu(6_858_000)
MARGIN = Inches(0.4)
TITLE_TOP = Inches(0.3)
TITLE_HEIGHT = Inches(1.05)
BODY_TOP = Inches(1.5)
FOOTER_HEIGHT = Inches(0.36)
GAP = Inches(0.15)
INSET = Inches(0.05)

MIN_PT = 14  # the smallest text anywhere on a slide, chart text included
TITLE_PT = (28, 24, 20)  # the largest size at which the title takes at most two lines
BODY_PT = 18
PANEL_PT = 16
FINDING_PT = 15  # the panel's sentences: the representation index needs its explanation
# the average advance of a character in em: DejaVu Sans, which LibreOffice uses for Calibri
# where Carlito is missing, is the widest of the fonts a deck meets
CHAR_EM = 0.56
LINE_SPACING = 1.2
MAX_LABELS = 6  # a line with more points labels its first and last only

INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x4D, 0x4D, 0x4D)
ACCENT = RGBColor.from_string(PALETTE[0][1:])
DEMO_RED = RGBColor(0xC0, 0x00, 0x00)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
# targets are neutral greys, a colour no data series has (the palette is Okabe–Ito)
TARGET_GREY = RGBColor(0x40, 0x40, 0x40)
SECOND_TARGET_GREY = RGBColor(0x80, 0x80, 0x80)
SERIES_COLOURS = tuple(RGBColor.from_string(c[1:]) for c in PALETTE[:6])
STATUS_COLOURS = {
    "good": RGBColor(0x00, 0x7A, 0x4D),
    "warn": RGBColor(0xB3, 0x6B, 0x00),
    "bad": RGBColor(0xC0, 0x39, 0x2B),
}
LANGUAGE_TAGS: dict[str, str] = {"de": "de-DE", "en": "en-GB"}
# the leadership levels of the pipeline, from the first to the top
LEVELS = ("Teamleitung", "Bereichsleitung", "Geschäftsführung")

Paragraph = tuple[str, int, bool, RGBColor]  # text, size in pt, bold, colour


# --- the deck as a whole -----------------------------------------------------------------------


@dataclass
class DeckBuild:
    """What every slide builder needs: the deck, its layouts and size, the report's content,
    and the sections built so far (the agenda lists them)."""

    deck: Deck
    content: ReportContent
    history: KpiHistory
    headlines: Sequence[Headline]
    title_layout: SlideLayout
    body_layout: SlideLayout
    sections: list[str] = field(default_factory=list)
    current: str = "agenda"  # the section key that names the slides now built

    @property
    def lang(self) -> Lang:
        return self.content.lang

    @property
    def width(self) -> int:
        return int(self.deck.slide_width or SLIDE_WIDTH)

    @property
    def height(self) -> int:
        return int(self.deck.slide_height or SLIDE_HEIGHT)

    @property
    def inner_width(self) -> int:
        return self.width - 2 * MARGIN

    @property
    def body_bottom(self) -> int:
        return self.height - MARGIN - FOOTER_HEIGHT - GAP

    def text(self, key: str, **params: object) -> str:
        return t(f"report.deck.{key}", self.lang, **params)

    def section(self, key: str) -> None:
        """The slides built from now on belong to section `key` (and carry it as their name)."""
        self.current = key
        name = self.text(f"section.{key}")
        if name not in self.sections:
            self.sections.append(name)

    def slide(self, title: str) -> Slide:
        slide = self.deck.slides.add_slide(self.body_layout)
        slide._element.cSld.set("name", self.current)
        _keep_only_title(slide)
        _title(self, slide, title)
        return slide


def render_deck(
    content: ReportContent, headlines: Sequence[Headline], history: KpiHistory
) -> bytes:
    deck = _open_deck(content.settings.report_template, content.lang)
    title_layout, body_layout = _layouts(deck)
    build = DeckBuild(deck, content, history, headlines, title_layout, body_layout)
    _title_slide(build)
    agenda = build.slide(build.text("agenda"))
    for builder in SECTION_BUILDERS:
        builder(build)
    _fill_agenda(build, agenda)
    _footers(build)
    _properties(build)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def template_problem(template: Path | None, lang: Lang) -> str | None:
    """Why the organisation's template cannot make a deck, in the user's language; None if it
    can (or there is none). The reports page asks before it offers the deck."""
    try:
        _open_deck(template, lang)
    except ReportError as error:
        return str(error)
    return None


def _open_deck(template: Path | None, lang: Lang) -> Deck:
    """The organisation's template with its slides removed (its layouts, master and size
    stay), or python-pptx's default at 16:9."""
    if template is None:
        deck = Presentation()
        deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        return deck
    try:
        deck = Presentation(str(template))
    except Exception as error:  # python-pptx raises what zipfile and lxml raise: any of them
        # the reader is told what to do; the administrator finds the library's reason in the log
        log.warning("report template %s unreadable: %s: %s", template, type(error).__name__, error)
        raise ReportError(t("report.deck.template_unreadable", lang, path=template)) from None
    if not len(deck.slide_layouts):
        raise ReportError(t("report.deck.template_no_layouts", lang, path=template))
    slide_ids = deck.slides._sldIdLst
    for slide_id in list(slide_ids):
        deck.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    return deck


_TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
# placeholders a slide does not copy from its layout (python-pptx clones none of them)
_MASTER_ONLY = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}


def _layouts(deck: Deck) -> tuple[SlideLayout, SlideLayout]:
    """The title layout (a centred title) and a title-only layout, found by their placeholder
    types; else the first layouts."""
    layouts = list(deck.slide_layouts)

    def types(layout: SlideLayout) -> set[PP_PLACEHOLDER]:
        shapes = [shape for shape in layout.shapes if shape.is_placeholder]
        return {shape.placeholder_format.type for shape in shapes} - _MASTER_ONLY

    title = next((lay for lay in layouts if PP_PLACEHOLDER.CENTER_TITLE in types(lay)), None)
    title_only = next((lay for lay in layouts if types(lay) == {PP_PLACEHOLDER.TITLE}), None)
    fallback = layouts[1] if len(layouts) > 1 else layouts[0]
    return title or layouts[0], title_only or fallback


def _keep_only_title(slide: Slide) -> None:
    """The deck places its own boxes: a layout's other placeholders would stay empty."""
    for placeholder in list(slide.placeholders):
        if placeholder.placeholder_format.type not in _TITLE_TYPES:
            placeholder._element.getparent().remove(placeholder._element)


# --- text ---------------------------------------------------------------------------------------


def lines_of(text: str, size: int, width: int) -> int:
    """The lines `text` takes at `size` pt in a box `width` EMU wide (an estimate on the safe
    side: words wrap before the line is full)."""
    usable_pt = (width - 2 * INSET) / 12_700
    per_line = max(1, int(usable_pt / (size * CHAR_EM)))
    return sum(max(1, math.ceil(len(line) * 1.04 / per_line)) for line in text.split("\n"))


def text_height(paragraphs: Sequence[Paragraph], width: int) -> int:
    points = sum(
        lines_of(text, size, width) * size * LINE_SPACING + size * 0.35
        for text, size, _, _ in paragraphs
    )
    return int(Pt(points) + 2 * INSET)


def _runs_styled(paragraph: _Paragraph, text: str, size: int, bold: bool, colour: RGBColor) -> None:
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour


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
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = INSET
    for index, (text, size, bold, colour) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.space_after = Pt(size * 0.35)
        _runs_styled(paragraph, text, size, bold, colour)


# a unit stays on the line of its number ("52,6 %", "+2,0 Pp."): a title broke as "4,3 / %"
_UNITS_KEPT = re.compile(r"(?<=\d) (?=%|Pp\.|pp\b|Personen\b|persons\b)")


def unbroken(text: str) -> str:
    return _UNITS_KEPT.sub("\u00a0", text)


def _title(build: DeckBuild, slide: Slide, text: str, *, top: int = TITLE_TOP) -> None:
    """The slide's message in at most two lines: the largest size at which it fits."""
    text = unbroken(text)
    width = build.inner_width
    size = next((s for s in TITLE_PT if lines_of(text, s, width) <= 2), TITLE_PT[-1])
    shape = slide.shapes.title
    if shape is None:  # a template layout without a title placeholder
        _text_box(slide, "title", MARGIN, top, width, TITLE_HEIGHT, [(text, size, True, INK)])
        return
    shape.name = "title"
    shape.left, shape.top, shape.width, shape.height = MARGIN, Emu(top), Emu(width), TITLE_HEIGHT
    frame = shape.text_frame
    frame.text = text
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    frame.margin_left = frame.margin_right = INSET
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = True
            run.font.color.rgb = INK


def _rectangle(
    slide: Slide, name: str, left: int, top: int, width: int, height: int, colour: RGBColor
) -> None:
    shape = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height)
    )
    shape.name = name
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    shape.line.fill.background()


def _paginated(items: Sequence[str], size: int, width: int, height: int) -> list[list[str]]:
    """Items (bullets) split into pages that each fit `height`."""
    pages: list[list[str]] = [[]]
    used = 2 * INSET
    for item in items:
        needed = text_height([(item, size, False, INK)], width) - 2 * INSET
        if pages[-1] and used + needed > height:
            pages.append([])
            used = 2 * INSET
        pages[-1].append(item)
        used += needed
    return pages


def _numbered(title: str, page: int, pages: int) -> str:
    return title if pages == 1 else f"{title} ({page}/{pages})"


def _bullet_slides(
    build: DeckBuild, title: str, name: str, items: Sequence[str], *, size: int = BODY_PT
) -> None:
    width, top = build.inner_width, BODY_TOP
    pages = _paginated([f"• {item}" for item in items], size, width, build.body_bottom - top)
    for number, page in enumerate(pages, start=1):
        slide = build.slide(_numbered(title, number, len(pages)))
        paragraphs = [(item, size, False, INK) for item in page]
        _text_box(slide, name, MARGIN, top, width, build.body_bottom - top, paragraphs)


# --- title, agenda, footers, file properties -----------------------------------------------------


def _title_slide(build: DeckBuild) -> None:
    content = build.content
    slide = build.deck.slides.add_slide(build.title_layout)
    slide._element.cSld.set("name", "title")
    _keep_only_title(slide)
    _title(build, slide, content.title, top=int(build.height * 0.24))
    rule_top = int(build.height * 0.24) + TITLE_HEIGHT + GAP
    _rectangle(slide, "accent", MARGIN, rule_top, Inches(1.6), Pt(4), ACCENT)
    lines: list[Paragraph] = []
    if content.settings.organisation:
        lines.append((content.settings.organisation, 22, True, INK))
    lines.append((content.view_name, 20, not lines, INK))
    for line in _status_lines(content):
        lines.append((line, 18, False, MUTED))
    top = rule_top + Inches(0.25)
    height = text_height(lines, build.inner_width)
    _text_box(slide, "subtitle", MARGIN, top, build.inner_width, height, lines)
    if content.demo:
        notice = [(t("report.demo_marker", build.lang), 16, True, WHITE)]
        box_height = text_height(notice, build.inner_width)
        box_top = min(top + height + GAP, build.body_bottom - box_height)
        _demo_box(slide, MARGIN, box_top, build.inner_width, box_height, notice)


def _status_lines(content: ReportContent) -> list[str]:
    lang = content.lang
    lines = [
        t("report.reporting_date", lang, date=content.reporting_date)
        if content.reporting_date
        else t("report.no_snapshot", lang)
    ]
    if content.data_as_of:
        lines.append(t("report.data_as_of", lang, date=content.data_as_of))
    lines.append(t("report.created", lang, date=content.created))
    return lines


def _demo_box(
    slide: Slide, left: int, top: int, width: int, height: int, paragraphs: Sequence[Paragraph]
) -> None:
    marker = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height)
    )
    marker.name = "demo_marker"
    marker.fill.solid()
    marker.fill.fore_color.rgb = DEMO_RED
    marker.line.fill.background()
    frame = marker.text_frame
    frame.word_wrap = True
    frame.margin_top = frame.margin_bottom = INSET
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    for index, (text, size, bold, colour) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.CENTER
        _runs_styled(paragraph, text, size, bold, colour)


def _fill_agenda(build: DeckBuild, slide: Slide) -> None:
    paragraphs = [
        (f"{number}. {name}", 20, False, INK) for number, name in enumerate(build.sections, start=1)
    ]
    height = min(text_height(paragraphs, build.inner_width), build.body_bottom - BODY_TOP)
    _text_box(slide, "agenda", MARGIN, BODY_TOP, build.inner_width, height, paragraphs)


def _footers(build: DeckBuild) -> None:
    """Data status, the demo marker and "n / total" on every slide after the title slide."""
    content, slides = build.content, list(build.deck.slides)
    top = build.height - MARGIN - FOOTER_HEIGHT
    number_width = Inches(1.1)
    demo_width = Inches(1.9) if content.demo else 0
    status_width = build.inner_width - number_width - demo_width - 2 * GAP
    line = f"Vielfaltsmonitor · {content.status_line()}"
    while lines_of(line, MIN_PT, status_width) > 1 and " · " in line:
        line = line.rsplit(" · ", 1)[0]  # the data-as-of date goes first
    for number, slide in enumerate(slides[1:], start=2):
        footer = [(line, MIN_PT, False, MUTED)]
        _text_box(slide, "footer", MARGIN, top, status_width, FOOTER_HEIGHT, footer)
        if content.demo:
            demo = [(t("report.demo_short", build.lang), MIN_PT, True, WHITE)]
            left = MARGIN + status_width + GAP
            _demo_box(slide, left, top, demo_width, FOOTER_HEIGHT, demo)
        _text_box(
            slide,
            "slide_number",
            build.width - MARGIN - number_width,
            top,
            number_width,
            FOOTER_HEIGHT,
            [(f"{number} / {len(slides)}", MIN_PT, False, MUTED)],
            align=PP_ALIGN.RIGHT,
        )


def _properties(build: DeckBuild) -> None:
    """File properties: a template's own title, author and date must not remain."""
    content, properties = build.content, build.deck.core_properties
    author = content.settings.organisation or "Vielfaltsmonitor"
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)  # written as UTC ("…Z")
    properties.title = content.title
    properties.subject = f"{content.view_name} · {content.year}"
    properties.author = author
    properties.last_modified_by = author
    properties.keywords = build.text("keywords", year=content.year)
    properties.category = build.text("category")
    properties.language = LANGUAGE_TAGS[content.lang]
    properties.comments = content.status_line()
    properties.created = properties.modified = now
    properties.last_printed = now
    properties.revision = 1


# --- charts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    colour: RGBColor
    target: bool = False  # a dashed reference line without markers and labels
    dash: MSO_LINE_DASH_STYLE = MSO_LINE_DASH_STYLE.DASH


def _number_format(unit: str, lang: Lang, decimals: int) -> str:
    """Excel number formats, with the language's separators fixed by its locale code; values
    are percent values (52.6), so "%" is a literal, not Excel's ×100."""
    locale = "[$-407]" if lang == "de" else "[$-809]"
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f'{locale}{number}" %"' if unit == "%" else f"{locale}{number}"


def _axis_top(
    values: Iterable[float | None], unit: str, *, bars: bool = False
) -> tuple[float, float]:
    """A round maximum with room above the highest point for its data label, and its step.
    Bars carry their labels inside: a share's axis then ends at 100 %."""
    highest = max((v for v in values if v is not None), default=1.0) or 1.0
    if bars and unit == "%" and highest <= 100:
        highest = min(highest, 100 / 1.22)
    room = highest * 1.22
    raw_step = room / 5
    magnitude = 10 ** math.floor(math.log10(raw_step))
    # steps of 1, 2 or 5: a tick never needs a decimal more than its step (0,25 read "0,3")
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    if unit == "count":
        step = max(step, 1.0)
    return math.ceil(room / step) * step, step


def _style_chart(
    chart: Chart, unit: str, lang: Lang, values: Iterable[float | None], *, bars: bool = False
) -> None:
    chart.has_title = False  # the slide's title says what the chart shows
    chart.font.size = Pt(MIN_PT)
    chart.font.color.rgb = INK
    chart.has_legend = True
    assert chart.legend is not None
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(MIN_PT)
    top, step = _axis_top(values, unit, bars=bars)
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = 0, top, step
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xD9, 0xD9, 0xD9)
    axis.tick_labels.font.size = Pt(MIN_PT)
    axis.tick_labels.number_format = _number_format(unit, lang, 0 if step >= 1 else 1)
    axis.tick_labels.number_format_is_linked = False
    axis.format.line.fill.background()
    category = chart.category_axis
    category.tick_labels.font.size = Pt(MIN_PT)
    category.has_major_gridlines = False


ChartSeries = Any  # python-pptx's bar and line series (`LineSeries` has markers and smooth)
LabelPlace = Callable[[float], tuple[XL_LABEL_POSITION, RGBColor]]


def _above(value: float) -> tuple[XL_LABEL_POSITION, RGBColor]:
    return XL_LABEL_POSITION.ABOVE, INK


def _inside_bar(axis_top: float) -> LabelPlace:
    """Inside the top of a bar, clear of the target lines across it; above a bar too short
    to hold it."""

    def place(value: float) -> tuple[XL_LABEL_POSITION, RGBColor]:
        if value >= 0.15 * axis_top:
            return XL_LABEL_POSITION.INSIDE_END, WHITE
        return XL_LABEL_POSITION.OUTSIDE_END, INK

    return place


def _label_points(
    chart_series: ChartSeries,
    values: Sequence[float | None],
    texts: Sequence[str],
    place: LabelPlace,
) -> None:
    """Each published point's label as text, formatted as every other number of the deck
    ("52,6 %", "1.060"): a chart's own number format would follow the reader's locale."""
    published = [i for i, v in enumerate(values) if v is not None]
    # a label on every point of a long line collides with its neighbours: first and last
    labelled = set(published) if len(published) <= MAX_LABELS else {published[0], published[-1]}
    for index, (value, text) in enumerate(zip(values, texts, strict=True)):
        if value is None or index not in labelled:
            continue
        label = chart_series.points[index].data_label
        frame = label.text_frame
        frame.text = text
        position, colour = place(value)
        for run in frame.paragraphs[0].runs:
            run.font.size = Pt(MIN_PT)
            run.font.bold = colour == WHITE
            run.font.color.rgb = colour
        label.position = position


def _style_series(chart_series: ChartSeries, series: Series, *, line: bool) -> None:
    fill_line = chart_series.format.line
    fill_line.color.rgb = series.colour
    if series.target:
        fill_line.width = Pt(2.25)
        fill_line.dash_style = series.dash
        chart_series.marker.style = XL_MARKER_STYLE.NONE
        chart_series.smooth = False
        return
    if line:
        fill_line.width = Pt(2.75)
        chart_series.smooth = False
        chart_series.marker.style = XL_MARKER_STYLE.CIRCLE
        chart_series.marker.size = 8
        chart_series.marker.format.fill.solid()
        chart_series.marker.format.fill.fore_color.rgb = series.colour
        chart_series.marker.format.line.color.rgb = series.colour
    else:
        chart_series.format.fill.solid()
        chart_series.format.fill.fore_color.rgb = series.colour


def _chart_data(
    categories: Sequence[str], series: Sequence[Series], unit: str, lang: Lang
) -> CategoryChartData:
    data = CategoryChartData(number_format=_number_format(unit, lang, decimals_of(unit)))
    data.categories = list(categories)
    for one in series:
        data.add_series(one.name, list(one.values))
    return data


def _add_chart(
    slide: Slide,
    kind: XL_CHART_TYPE,
    box: tuple[int, int, int, int],
    data: CategoryChartData,
) -> Chart:
    left, top, width, height = box
    frame = slide.shapes.add_chart(kind, Emu(left), Emu(top), Emu(width), Emu(height), data)  # type: ignore[arg-type]  # the stubs want the base class
    graphic = cast(GraphicFrame, frame)  # the stubs say Chart; python-pptx returns the frame
    graphic.name = "chart"
    chart = graphic.chart
    # a year without a published value is a gap in the line, not a drop to 0 (python-pptx
    # writes the element into every chart; its value is ours to set)
    blanks = chart._chartSpace.chart.find(qn("c:dispBlanksAs"))
    assert blanks is not None
    blanks.set("val", "gap")
    return chart


def line_chart(
    slide: Slide,
    box: tuple[int, int, int, int],
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str,
    lang: Lang,
) -> Chart:
    chart = _add_chart(
        slide, XL_CHART_TYPE.LINE_MARKERS, box, _chart_data(categories, series, unit, lang)
    )
    _style_chart(chart, unit, lang, [v for s in series for v in s.values])
    for chart_series, one in zip(chart.plots[0].series, series, strict=True):
        _style_series(chart_series, one, line=True)
        if not one.target:
            texts = [_point_text(v, unit, lang) for v in one.values]
            _label_points(chart_series, one.values, texts, _above)
    return chart


def bar_chart(
    slide: Slide,
    box: tuple[int, int, int, int],
    categories: Sequence[str],
    bars: Series,
    targets: Sequence[Series],
    unit: str,
    lang: Lang,
) -> Chart:
    """Bars of one series with each target as a dashed line across them (a bar chart with a
    line chart on the same axes: python-pptx makes one chart type, the XML takes two)."""
    data = _chart_data(categories, [bars, *targets], unit, lang)
    chart = _add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, box, data)
    bar_plot = chart._chartSpace.chart.plotArea.find(qn("c:barChart"))
    axis_ids = "".join(f'<c:axId val="{a.get("val")}"/>' for a in bar_plot.findall(qn("c:axId")))
    line_plot = parse_xml(
        f'<c:lineChart {nsdecls("c")}><c:grouping val="standard"/><c:varyColors val="0"/>'
        f'<c:marker val="1"/>{axis_ids}</c:lineChart>'
    )
    for target_series in bar_plot.findall(qn("c:ser"))[1:]:
        for bar_only in target_series.findall(qn("c:invertIfNegative")):
            target_series.remove(bar_only)
        line_plot.find(qn("c:marker")).addprevious(target_series)
    bar_plot.addnext(line_plot)
    chart.plots[0].gap_width = 70
    _style_chart(chart, unit, lang, [v for s in (bars, *targets) for v in s.values], bars=True)
    _style_series(chart.plots[0].series[0], bars, line=False)
    texts = [_point_text(v, unit, lang) for v in bars.values]
    axis_top, _ = _axis_top([v for s in (bars, *targets) for v in s.values], unit, bars=True)
    _label_points(chart.plots[0].series[0], bars.values, texts, _inside_bar(axis_top))
    for chart_series, one in zip(chart.plots[1].series, targets, strict=True):
        _style_series(chart_series, one, line=True)
    return chart


def _point_text(value: float | None, unit: str, lang: Lang) -> str:
    return "" if value is None else format_value(value, unit, lang)


def chart_value(value: KpiValue | None) -> float | None:
    """A published value as a chart point, at the precision the deck prints it (a share
    published as its rounded percentage must not carry more digits in a chart); withheld or
    missing: no point."""
    if value is None or value.suppressed or value.value is None:
        return None
    return round(float(value.value), decimals_of(value.unit))


# --- executive summary --------------------------------------------------------------------------


def _summary_slide(build: DeckBuild) -> None:
    messages = summary_messages(build.content, build.headlines)
    if not messages:
        return
    build.section("summary")
    _bullet_slides(build, build.text("summary_title"), "summary", messages, size=20)


# --- headline KPIs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A KPI over the years of the report's history in its view."""

    years: tuple[int, ...]
    points: tuple[KpiValue | None, ...]

    @property
    def values(self) -> tuple[float | None, ...]:
        return tuple(chart_value(point) for point in self.points)

    def withheld_labels(self) -> list[str]:
        labels = {p.label for p in self.points if p is not None and p.suppressed and p.label}
        return sorted(labels)


def kpi_trend(history: KpiHistory, kpi_id: str, carrier: str | None) -> Trend:
    """The years of the history (a survey KPI: the years of its waves) and each year's
    published value."""
    years, points = [], []
    survey = kpis.split_id(kpi_id)[0].source == "survey"
    for year in history.shown_years:
        value = history.values(year, carrier).get(kpi_id)
        # a survey KPI carries its latest wave forward: a point only in the year of a wave
        if survey and (value is None or value.extra.get("wave", year) != year):
            continue
        years.append(year)
        points.append(value)
    return Trend(tuple(years), tuple(points))


def target_series(
    build: DeckBuild, kpi_id: str, value: KpiValue | None, years: int
) -> list[Series]:
    """The target the panel names, as a line: a carrier's SB quota against the legal 5 % of
    § 154 SGB IX, with the inclusion agreement's target as a second line."""
    lang, series = build.lang, []
    if value is not None and value.target is not None:
        target = float(value.target)
        legal = kpi_id == "sb_quota" and build.content.carrier is not None
        name = "legal_series" if legal else "target_series"
        text = format_target(target, value.unit, lang)
        series.append(Series(build.text(name, target=text), (target,) * years, TARGET_GREY, True))
    internal = _internal_quota_target(build, kpi_id)
    if internal is not None:
        text = format_target(internal, "%", lang)
        series.append(
            Series(
                build.text("internal_series", target=text),
                (internal,) * years,
                SECOND_TARGET_GREY,
                True,
                MSO_LINE_DASH_STYLE.ROUND_DOT,
            )
        )
    return series


def _internal_quota_target(build: DeckBuild, kpi_id: str) -> float | None:
    """The inclusion agreement's target beside a carrier's legal quota (the all-carrier view
    holds its quota against it already)."""
    if kpi_id != "sb_quota" or build.content.carrier is None:
        return None
    return build.content.settings.target("sb_quota")


def _kpi_slides(build: DeckBuild) -> None:
    for headline in build.headlines:
        build.section("headlines")
        _kpi_slide(build, headline)


def _kpi_slide(build: DeckBuild, headline: Headline) -> None:
    content, lang = build.content, build.lang
    slide = build.slide(headline.message)
    trend = kpi_trend(build.history, headline.kpi_id, content.carrier)
    notes = _kpi_footnote(build, headline, trend)
    note_height = text_height([(notes, MIN_PT, False, MUTED)], build.inner_width)
    note_top = build.body_bottom - note_height
    chart_width = int(build.inner_width * 0.58)
    chart_box = (MARGIN, BODY_TOP, chart_width, note_top - GAP - BODY_TOP)
    unit = kpis.KPIS[headline.kpi_id].unit
    series = [
        Series(kpis.kpi_label(headline.kpi_id, lang), trend.values, SERIES_COLOURS[0]),
        *target_series(build, headline.kpi_id, headline.value, len(trend.years)),
    ]
    line_chart(slide, chart_box, [str(y) for y in trend.years], series, unit, lang)
    left = MARGIN + chart_width + Inches(0.3)
    width = build.width - MARGIN - left
    numbers = _panel_numbers(build, headline, width)
    numbers_height = text_height(numbers, width)
    _text_box(slide, "kpi_value", left, BODY_TOP, width, numbers_height, numbers)
    finding_top = BODY_TOP + numbers_height + GAP
    finding_height = note_top - GAP - finding_top
    sentences = _panel_finding(build, headline, trend)
    # a narrow panel (a 4:3 template) keeps the sentences that fit; the notes have them all
    while len(sentences) > 1 and (
        text_height([(" ".join(sentences), FINDING_PT, False, INK)], width) > finding_height
    ):
        sentences.pop()
    finding = [(" ".join(sentences), FINDING_PT, False, INK)]
    _text_box(slide, "finding", left, finding_top, width, finding_height, finding)
    _text_box(
        slide,
        "footnote",
        MARGIN,
        note_top,
        build.inner_width,
        note_height,
        [(notes, MIN_PT, False, MUTED)],
    )
    _speaker_notes(slide, f"{headline.finding}\n\n{notes}")


def _speaker_notes(slide: Slide, text: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None  # python-pptx gives every notes slide its body placeholder
    frame.text = text


def _panel_numbers(build: DeckBuild, headline: Headline, width: int) -> list[Paragraph]:
    """Value, target (with its status) and change; a carrier's SB quota names the legal quota
    and the inclusion agreement's target, the two lines its chart draws."""
    lang, value = build.lang, headline.value
    colour = STATUS_COLOURS.get(headline.status or "", INK)
    # "1.060 Personen" on one line: bold digits are about a tenth wider than the estimate
    size = next(
        (s for s in (36, 32, 28, 24) if lines_of(headline.value_text, int(s * 1.1), width) == 1),
        20,
    )
    lines: list[Paragraph] = [(headline.value_text, size, True, colour)]
    internal = _internal_quota_target(build, headline.kpi_id)
    if value is not None and value.target is not None:
        target = format_target(float(value.target), value.unit, lang)
        key = "legal_quota" if internal is not None else "target"
        text = build.text(key, target=target)
        if headline.status:
            text += f" · {t(f'app.status_{headline.status}', lang)}"
        lines.append((text, PANEL_PT, False, INK))
    if internal is not None and value is not None:
        text = build.text("internal_target", target=format_target(internal, "%", lang))
        if value.value is not None and not value.suppressed:
            reached = "good" if value.value >= internal else "bad"
            text += f" · {t(f'app.status_{reached}', lang)}"
        lines.append((text, PANEL_PT, False, INK))
    if headline.change_text:
        lines.append((headline.change_text, PANEL_PT, False, INK))
    return lines


def _panel_finding(build: DeckBuild, headline: Headline, trend: Trend) -> list[str]:
    """What the numbers above do not say, most telling first (a narrow panel drops from the
    end): the target in words, why the representation index reads as it does, the change
    against the survey's margin and its interval, what reaching the target takes, the change
    since the first year. No number of the panel is repeated."""
    current, content, lang = headline.value, build.content, build.lang
    if current is None or current.suppressed or current.value is None:
        return [headline.finding]  # says the value is withheld or missing, with no number
    kpi = kpis.KPIS[headline.kpi_id]
    # "no target is set" says nothing beside a statement of fact
    sentences = [] if headline.status is None else [_target_sentence(build, headline)]
    if headline.kpi_id == "leadership_representation_index":
        sentences.append(_index_sentence(build) or "")
    previous = content.previous_values.get(headline.kpi_id)
    margin = None if previous is None else change_margin(current, previous)
    if margin is not None and previous is not None and previous.value is not None:
        wave = previous.extra.get("wave") or content.previous_year
        unit = "pp" if lang == "en" else "Pp."
        within = abs(float(current.value) - float(previous.value)) <= margin
        key = "finding_within_margin" if within else "finding_beyond_margin"
        margin_text = format_number(margin, lang, 1)
        sentences.append(build.text(key, wave=wave, margin=f"{margin_text} {unit}"))
    low, high = current.extra.get("ci_low"), current.extra.get("ci_high")
    if low is not None and high is not None:
        interval = [format_value(float(x), "%", lang) for x in (low, high)]
        sentences.append(build.text("finding_interval", low=interval[0], high=interval[1]))
    if current.target is not None and headline.status not in (None, "good"):
        gap = gap_text(headline.kpi_id, current, float(current.target), lang) or ""
        sentences.append(gap if not gap or gap.endswith(".") else gap + ".")
    sentences.append(_since_first(build, headline, trend, kpi.sensitive) or "")
    return [s for s in sentences if s] or [_target_sentence(build, headline)]


def _target_sentence(build: DeckBuild, headline: Headline) -> str:
    if headline.status is None:
        return build.text("finding_no_target")
    legal = headline.kpi_id == "sb_quota" and build.content.carrier is not None
    met = headline.status == "good"
    return build.text(
        ("finding_quota_" if legal else "finding_target_") + ("met" if met else "missed")
    )


def _since_first(build: DeckBuild, headline: Headline, trend: Trend, sensitive: bool) -> str | None:
    """The change since the first published year before the previous one (where it may be
    said: a change of a count only where it is no small person count)."""
    current = headline.value
    content = build.content
    for year, point in zip(trend.years, trend.points, strict=True):
        if point is None or point.suppressed or point.value is None:
            continue
        if year >= (content.previous_year or content.year) or current is None:
            return None
        k = content.settings.rules.k(sensitive)
        change = change_text(current, point, k, build.lang)
        if change is None:
            return None
        # "+2,0 Pp." ends with its own period
        return build.text("finding_since", year=year, change=change.removesuffix("."))
    return None


def _index_sentence(build: DeckBuild) -> str | None:
    values, lang = build.content.values, build.lang
    index, staff = values.get("leadership_representation_index"), values.get("women_share")
    leaders = values.get("women_leadership_share")
    if any(chart_value(v) is None for v in (index, staff, leaders)):
        return None
    return build.text(
        "index_explained",
        leaders=value_text(leaders, lang),
        staff=value_text(staff, lang),
        one=format_number(1.0, lang, 1),
    )


def _kpi_footnote(build: DeckBuild, headline: Headline, trend: Trend) -> str:
    """Definition and source, the d / x note, and the signs of the chart's gaps."""
    content = build.content
    text = footnote(headline.kpi_id, headline.value, None, build.lang, content.gender_assigned)
    return _with_gap_note(build, text, trend.withheld_labels())


def _with_gap_note(build: DeckBuild, text: str, labels: Sequence[str]) -> str:
    if not labels:
        return text
    signs = ", ".join(f"„{s}“" if build.lang == "de" else f"“{s}”" for s in labels)
    return f"{text} {build.text('gaps', signs=signs)}"


# --- each carrier's legal quota ------------------------------------------------------------------


def _quota_slide(build: DeckBuild) -> None:
    content = build.content
    carriers = CARRIERS if content.carrier is None else (content.carrier,)
    quotas = {c: build.history.values(content.year, c).get("sb_quota") for c in carriers}
    if all(v is None or (v.value is None and not v.suppressed) for v in quotas.values()):
        return
    build.section("quota")
    slide = build.slide(_quota_title(build, quotas))
    internal = content.settings.target("sb_quota")
    legal = next((float(v.target) for v in quotas.values() if v and v.target is not None), 5.0)
    note = build.text("quota_note")
    note_height = text_height([(note, MIN_PT, False, MUTED)], build.inner_width)
    note_top = build.body_bottom - note_height
    left = int(MARGIN)
    # one carrier's quota is its KPI slide's chart already, and one bar draws no target line
    if len(quotas) > 1:
        chart_width = int(build.inner_width * 0.45)
        box = (MARGIN, BODY_TOP, chart_width, note_top - GAP - BODY_TOP)
        _quota_chart(build, slide, box, quotas, legal, internal)
        left += chart_width + Inches(0.3)
    rows = _quota_rows(build, quotas, legal, internal)
    header = [build.text("col_item"), *quotas]
    shares = (2.4, *(1.0,) * len(quotas))
    _table(slide, "quota_table", left, BODY_TOP, build.width - MARGIN - left, header, rows, shares)
    _text_box(
        slide,
        "footnote",
        MARGIN,
        note_top,
        build.inner_width,
        note_height,
        [(note, MIN_PT, False, MUTED)],
    )


def _quota_chart(
    build: DeckBuild,
    slide: Slide,
    box: tuple[int, int, int, int],
    quotas: dict[str, KpiValue | None],
    legal: float,
    internal: float | None,
) -> None:
    lang = build.lang
    values = tuple(chart_value(v) for v in quotas.values())
    targets = [
        Series(
            build.text("legal_series", target=format_target(legal, "%", lang)),
            (legal,) * len(values),
            TARGET_GREY,
            True,
        ),
    ]
    if internal is not None:
        name = build.text("internal_series", target=format_target(internal, "%", lang))
        targets.append(
            Series(
                name,
                (internal,) * len(values),
                SECOND_TARGET_GREY,
                True,
                MSO_LINE_DASH_STYLE.ROUND_DOT,
            )
        )
    bars = Series(kpis.kpi_label("sb_quota", lang), values, SERIES_COLOURS[0])
    bar_chart(slide, box, list(quotas), bars, targets, "%", lang)


def _quota_title(build: DeckBuild, quotas: dict[str, KpiValue | None]) -> str:
    lang = build.lang
    shown = {c: v for c, v in quotas.items() if v is not None and chart_value(v) is not None}
    if not shown:
        return build.text("quota_title_withheld", year=build.content.year)
    first = next(iter(shown.values()))
    legal = kpis.format_target(first, lang) if first.target is not None else "5 %"
    met = [c for c, v in shown.items() if status_of(v) == "good"]
    listed = [f"{c} ({value_text(v, lang)})" for c, v in shown.items()]
    and_ = f" {t('report.and', lang)} "
    number = "" if len(shown) > 1 else "_one"  # "BA meets", "BA and Kommune meet"
    if len(met) == len(shown):
        return build.text(f"quota_title_met{number}", carriers=and_.join(listed), legal=legal)
    if not met:
        return build.text(f"quota_title_missed{number}", carriers=and_.join(listed), legal=legal)
    missed = [c for c in shown if c not in met]
    return build.text("quota_title_some", met=and_.join(met), missed=and_.join(missed), legal=legal)


def _quota_rows(
    build: DeckBuild, quotas: dict[str, KpiValue | None], legal: float, internal: float | None
) -> list[list[str]]:
    lang = build.lang

    def extra(value: KpiValue | None, key: str, unit: str) -> str:
        if value is None or value.suppressed:
            return value_text(value, lang)
        number = value.extra.get(key)
        return "–" if not isinstance(number, int | float) else format_value(number, unit, lang)

    def legal_status(value: KpiValue | None, target: float | None) -> str:
        if target is None or chart_value(value) is None or value is None:
            return "–"
        reached = "good" if float(value.value or 0) >= target else "bad"
        return t(f"app.status_{reached}", lang)

    columns = list(quotas.values())
    rows = [
        [build.text("row_quota"), *(value_text(v, lang) for v in columns)],
        [
            build.text("legal_quota", target=format_target(legal, "%", lang)),
            *(legal_status(v, legal) for v in columns),
        ],
    ]
    if internal is not None:
        label = build.text("internal_target", target=format_target(internal, "%", lang))
        rows.append([label, *(legal_status(v, internal) for v in columns)])
    for key, unit in (
        ("months_covered", "count"),
        ("mandatory_place_months", "count"),
        ("unfilled_place_months", "count"),
        ("levy_eur", "€"),
    ):
        rows.append([build.text(f"row_{key}"), *(extra(v, key, unit) for v in columns)])
    return rows


# --- tables -------------------------------------------------------------------------------------


ROW_PAD = Inches(0.04)
AREA_SHARES = (1.85, 1.0, 1.0, 2.2)  # area, women, men, verdict
KPI_TABLE_SHARES = (3.4, 1.2, 0.8, 1.2, 1.1)  # name, value, target, previous, change


def _row_height(cells: Sequence[str], widths: Sequence[int], size: int = MIN_PT) -> int:
    lines = max(lines_of(text, size, width) for text, width in zip(cells, widths, strict=True))
    return int(Pt(lines * size * LINE_SPACING) + 2 * ROW_PAD)


def _column_widths(total: int, shares: Sequence[float]) -> list[int]:
    """Column widths in proportion to `shares`, adding up to `total`."""
    widths = [int(total * share / sum(shares)) for share in shares]
    widths[-1] += total - sum(widths)
    return widths


def _table(
    slide: Slide,
    name: str,
    left: int,
    top: int,
    width: int,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    shares: Sequence[float],
) -> int:
    """A table at 14 pt with rows as high as their text; returns its height."""
    widths = _column_widths(width, shares)
    heights = [_row_height(row, widths) for row in (header, *rows)]
    total = Emu(sum(heights, 0))
    shape = slide.shapes.add_table(
        len(rows) + 1, len(header), Emu(left), Emu(top), Emu(width), total
    )
    shape.name = name
    grid = shape.table
    for index, column_width in enumerate(widths):
        grid.columns[index].width = Emu(column_width)
    for row_index, (cells, height) in enumerate(zip((header, *rows), heights, strict=True)):
        grid.rows[row_index].height = Emu(height)
        for column, text in enumerate(cells):
            cell = grid.cell(row_index, column)
            cell.margin_top = cell.margin_bottom = ROW_PAD
            cell.margin_left = cell.margin_right = INSET
            frame = cell.text_frame
            frame.word_wrap = True
            paragraph = frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.LEFT if column == 0 else PP_ALIGN.RIGHT
            colour = WHITE if row_index == 0 else INK
            _runs_styled(paragraph, text, MIN_PT, row_index == 0, colour)
    return sum(heights)


def _table_pages(
    rows: Sequence[Sequence[str]], header: Sequence[str], widths: Sequence[int], height: int
) -> list[list[Sequence[str]]]:
    """Rows split into pages whose tables (each with the header) fit `height`."""
    header_height = _row_height(header, widths)
    pages: list[list[Sequence[str]]] = [[]]
    used = header_height
    for row in rows:
        needed = _row_height(row, widths)
        if pages[-1] and used + needed > height:
            pages.append([])
            used = header_height
        pages[-1].append(row)
        used += needed
    return pages


# --- under-representation ----------------------------------------------------------------------


def _underrepresentation_slides(build: DeckBuild) -> None:
    content = build.content
    table = build.history.published(content.year).underrepresentation(content.carrier)
    if table.empty:
        return
    build.section("underrepresentation")
    title = _underrepresentation_title(build, table)
    header = [build.text(f"col_{c}") for c in ("area", "women", "men", "underrepresented")]
    rows = [_area_row(build, row) for row in table.itertuples()]
    # the short note leaves room for the table; the full rule is in the speaker's notes
    note = build.text("underrepresentation_short", k=content.settings.k_ordinary)
    full_note = build.text("underrepresentation_note", k=content.settings.k_ordinary)
    note_height = text_height([(note, MIN_PT, False, MUTED)], build.inner_width)
    height = build.body_bottom - note_height - GAP - BODY_TOP
    # two tables side by side on a wide slide, the rows spread evenly over the tables needed
    side_by_side = 2 if build.inner_width >= Inches(11) else 1
    table_width = (build.inner_width - (side_by_side - 1) * Inches(0.4)) // side_by_side
    widths = _column_widths(table_width, AREA_SHARES)
    tables = len(_table_pages(rows, header, widths, height))
    tables += tables % side_by_side if tables > 1 else 0
    per_table = math.ceil(len(rows) / tables)
    pages = [rows[i : i + per_table] for i in range(0, len(rows), per_table)]
    slides = [pages[i : i + side_by_side] for i in range(0, len(pages), side_by_side)]
    for number, pair in enumerate(slides, start=1):
        slide = build.slide(_numbered(title, number, len(slides)))
        _speaker_notes(slide, full_note)
        for column, page in enumerate(pair):
            left = MARGIN + column * (table_width + Inches(0.4))
            _table(
                slide, f"areas_{column + 1}", left, BODY_TOP, table_width, header, page, AREA_SHARES
            )
        _text_box(
            slide,
            "footnote",
            MARGIN,
            build.body_bottom - note_height,
            build.inner_width,
            note_height,
            [(note, MIN_PT, False, MUTED)],
        )


def _underrepresentation_title(build: DeckBuild, table: pd.DataFrame) -> str:
    """ "Männer sind in 16 von 18 bewerteten Bereichen unterrepräsentiert", counted from the
    published verdicts."""
    assessed = table[table["assessed"].astype(bool)]
    men = int((assessed["underrepresented"] == "m").sum())
    women = int((assessed["underrepresented"] == "w").sum())
    areas = len(assessed)
    if men and women:
        return build.text("underrepresented_both", men=men, women=women, areas=areas)
    if men or women:
        gender = build.text("men" if men else "women")
        return build.text("underrepresented_one", gender=gender, n=men or women, areas=areas)
    return build.text("underrepresented_none", areas=areas)


def _area_row(build: DeckBuild, row: Any) -> list[str]:  # a row of `itertuples`
    lang = build.lang
    if row.dimension == "leadership":
        area = _level_name(row.area, lang)
    else:
        area = build.text("pay_group", area=row.area)

    def count(value: object) -> str:
        if row.suppressed or value is None or pd.isna(value):
            return str(row.label or "•")
        return format_number(float(value), lang)  # type: ignore[arg-type]

    if not row.assessed:
        verdict = build.text("not_assessed")
    elif row.underrepresented == "m":
        verdict = build.text("men")
    elif row.underrepresented == "w":
        verdict = build.text("women")
    else:
        verdict = build.text("neither")
    return [area, count(row.women), count(row.men), verdict]


def _level_name(level: str, lang: Lang) -> str:
    """ "Team lead" as a table row or a category starts with a capital."""
    name = kpis.category_label("leadership", level, lang)
    return name[:1].upper() + name[1:]


# --- the leadership pipeline ----------------------------------------------------------------------


def _pipeline_slide(build: DeckBuild) -> None:
    content, lang = build.content, build.lang
    values = content.values
    steps: list[tuple[str, KpiValue | None]] = [
        (build.text("staff"), values.get("women_share")),
    ]
    deputies = values.get("women_deputy_share")
    if deputies is not None and (deputies.value is not None or deputies.suppressed):
        steps.append((build.text("deputies"), deputies))
    for level in LEVELS:
        level_value = values.get(f"women_leadership_share_by_level.{level}")
        if level_value is not None:
            steps.append((_level_name(level, lang), level_value))
    if len(steps) < 2 or all(chart_value(v) is None for _, v in steps):
        return
    build.section("pipeline")
    staff, leaders = values.get("women_share"), values.get("women_leadership_share")
    title = (
        build.text(
            "pipeline_title", staff=value_text(staff, lang), leaders=value_text(leaders, lang)
        )
        if chart_value(staff) is not None and chart_value(leaders) is not None
        else build.text("pipeline_title_plain", year=content.year)
    )
    slide = build.slide(title)
    explained = _index_sentence(build) or ""
    index = values.get("leadership_representation_index")
    if explained and index is not None:
        shown = value_text(index, lang)
        explained += " " + build.text("index_value", year=content.year, index=shown)
    labels = [v.label for _, v in steps if v is not None and v.suppressed and v.label]
    note = _with_gap_note(build, build.text("pipeline_note"), sorted(set(labels)))
    paragraphs = [(explained, PANEL_PT, False, INK)] if explained else []
    paragraphs.append((note, MIN_PT, False, MUTED))
    note_height = text_height(paragraphs, build.inner_width)
    note_top = build.body_bottom - note_height
    target = content.settings.target("women_leadership_share_by_level") or 50.0
    bars = Series(
        build.text("women_share_series"), tuple(chart_value(v) for _, v in steps), SERIES_COLOURS[0]
    )
    line = Series(
        build.text("target_series", target=format_target(target, "%", lang)),
        (target,) * len(steps),
        TARGET_GREY,
        True,
    )
    box = (MARGIN, BODY_TOP, build.inner_width, note_top - GAP - BODY_TOP)
    bar_chart(slide, box, [name for name, _ in steps], bars, [line], "%", lang)
    _text_box(slide, "finding", MARGIN, note_top, build.inner_width, note_height, paragraphs)


# --- parental and care leave ------------------------------------------------------------------


LEAVE_KPIS = ("parental_leave_men_share", "care_leave_men_share")


def _leave_slide(build: DeckBuild) -> None:
    content, lang = build.content, build.lang
    trends = {k: kpi_trend(build.history, k, content.carrier) for k in LEAVE_KPIS}
    shown = {k: tr for k, tr in trends.items() if any(v is not None for v in tr.values)}
    if not shown:
        return
    build.section("leave")
    first_id = next(iter(shown))
    current = content.values.get(first_id)
    k = content.settings.rules.k(kpis.KPIS[first_id].sensitive)
    previous = content.previous_values.get(first_id)
    slide = build.slide(message(first_id, current, previous, content, k))
    years = next(iter(shown.values())).years
    series: list[Series] = []
    for index, (kpi_id, trend) in enumerate(shown.items()):
        series.append(Series(kpis.kpi_label(kpi_id, lang), trend.values, SERIES_COLOURS[index]))
        value = content.values.get(kpi_id)
        if value is not None and value.target is not None:
            name = build.text(
                "target_of",
                kpi=kpis.kpi_label(kpi_id, lang),
                target=format_target(float(value.target), "%", lang),
            )
            dash = MSO_LINE_DASH_STYLE.DASH if index == 0 else MSO_LINE_DASH_STYLE.ROUND_DOT
            grey = TARGET_GREY if index == 0 else SECOND_TARGET_GREY
            series.append(Series(name, (float(value.target),) * len(years), grey, True, dash))
    notes = [footnote(kpi_id, content.values.get(kpi_id), None, lang) for kpi_id in LEAVE_KPIS]
    missing = [kpis.kpi_label(kpi_id, lang) for kpi_id in LEAVE_KPIS if kpi_id not in shown]
    if missing:
        notes.append(build.text("leave_not_shown", kpis=", ".join(missing)))
    labels = sorted({s for tr in trends.values() for s in tr.withheld_labels()})
    note = _with_gap_note(build, " ".join(notes), labels)
    note_height = text_height([(note, MIN_PT, False, MUTED)], build.inner_width)
    note_top = build.body_bottom - note_height
    box = (MARGIN, BODY_TOP, build.inner_width, note_top - GAP - BODY_TOP)
    line_chart(slide, box, [str(y) for y in years], series, "%", lang)
    _text_box(
        slide,
        "footnote",
        MARGIN,
        note_top,
        build.inner_width,
        note_height,
        [(note, MIN_PT, False, MUTED)],
    )


# --- open points, appendix ---------------------------------------------------------------------


def _open_points_slide(build: DeckBuild) -> None:
    build.section("open_points")
    points = open_points(build.content, build.headlines) or [build.text("no_open_points")]
    points.append(build.text("next_step"))
    _bullet_slides(build, build.text("section.open_points"), "open_points", points)


def _kpi_table_slides(build: DeckBuild) -> None:
    content, lang = build.content, build.lang
    build.section("appendix")
    previous = content.previous_year
    header = [
        t("report.col.kpi", lang),
        t("report.col.value_year", lang, year=content.year),
        t("report.col.target", lang),
        t("report.col.previous", lang, year=previous) if previous else t("report.col.target", lang),
        build.text("col_change"),
    ]
    if not previous:
        header = header[:3]
    rows = [
        _kpi_row(build, kpi_id, value, header)
        for kpi_id, value in content.values.items()
        if value.unit != "flag"
    ]
    shares = KPI_TABLE_SHARES[: len(header)]
    widths = _column_widths(build.inner_width, shares)
    pages = _table_pages(rows, header, widths, build.body_bottom - BODY_TOP)
    title = build.text("kpi_table_title", year=content.year)
    for number, page in enumerate(pages, start=1):
        slide = build.slide(_numbered(title, number, len(pages)))
        _table(slide, "kpi_table", MARGIN, BODY_TOP, build.inner_width, header, page, shares)


def _kpi_row(build: DeckBuild, kpi_id: str, value: KpiValue, header: Sequence[str]) -> list[str]:
    content, lang = build.content, build.lang
    target = "–" if value.target is None else kpis.format_target(value, lang)
    row = [kpis.kpi_label(kpi_id, lang), value_text(value, lang), target]
    if len(header) > 3:
        before = content.previous_values.get(kpi_id)
        k = content.settings.rules.k(kpis.split_id(kpi_id)[0].sensitive)
        row.append(value_text(before, lang))
        row.append(change_text(value, before, k, lang) or "–")
    return row


def _method_slides(build: DeckBuild) -> None:
    methodology = build_methodology(build.content.settings, build.lang)
    items = [*methodology.disclosure_rules, methodology.breakdowns]
    _bullet_slides(build, build.text("method_title"), "methodology", items, size=16)


def _legend_slide(build: DeckBuild) -> None:
    """The signs with the real thresholds of the settings, never a literal "< k"."""
    settings, notes = build.content.settings, []
    notes.append(build.text("sign_small", k=settings.k_ordinary))
    notes.append(build.text("sign_small_sensitive", k=settings.k_sensitive))
    notes.append(build.text("sign_withheld"))
    notes.append(build.text("sign_dash"))
    notes.append(build.text("sign_gap"))
    notes.append(build.text("sign_pp"))
    if build.content.gender_assigned:
        notes.append(t("app.gender_assigned_note", build.lang))
    _bullet_slides(build, build.text("legend_title"), "legend", notes, size=16)


SECTION_BUILDERS: tuple[Callable[[DeckBuild], None], ...] = (
    _summary_slide,
    _kpi_slides,
    _quota_slide,
    _underrepresentation_slides,
    _pipeline_slide,
    _leave_slide,
    _open_points_slide,
    _kpi_table_slides,
    _method_slides,
    _legend_slide,
)
