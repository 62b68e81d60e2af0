"""The reports as an independent client shows them, and what a machine can check of them.

`render` converts decks and workbooks to PDF with ONE LibreOffice headless call (a private
profile, a timeout) and every PDF to PNG pages with pdftoppm, so that a person can look at each
page (tests/test_render_check.py writes them to test-artifacts/reports/).

The checks read the files' generic properties, not one layout of them:
- `deck_problems`: every shape inside its slide, every text frame's estimated lines within its
  shape, no text below 14 pt, every chart native (no large picture) and its value axis room for
  the largest value and its label;
- `workbook_problems` / `printed_workbook_problems`: every sheet set to print landscape and fit
  to the page width; LibreOffice's PDF of it no wider than A4 landscape, in a bounded page count;
- `pdf_problems`: the page count the contents and footers state, the summary on page 1, no page
  nearly empty (text positions from pdftotext).
Each returns a list of readable problems; empty means the check passed.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from openpyxl import load_workbook
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import BaseOxmlElement
from pptx.shapes.base import BaseShape
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt

from metrics.i18n import Lang, t

TOOLS = ("soffice", "pdftoppm", "pdftotext")
CONVERT_TIMEOUT_SECONDS = 300
PNG_RESOLUTION = 50  # dpi: a page to look at, not to print

# --- rendering ------------------------------------------------------------------------------------


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def convert_to_pdf(files: Sequence[Path], directory: Path) -> dict[Path, Path]:
    """Each deck or workbook as LibreOffice prints it, in one headless call with a profile of
    its own (a user's running LibreOffice and its settings stay out of it)."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(directory),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=CONVERT_TIMEOUT_SECONDS,
        )
    converted = {file: directory / f"{file.stem}.pdf" for file in files}
    missing = [str(file) for file, pdf in converted.items() if not pdf.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice made no PDF of {', '.join(missing)}")
    return converted


def to_png(pdf: Path, directory: Path, resolution: int = PNG_RESOLUTION) -> list[Path]:
    """Every page as `<stem>-<page>.png`; the previous pictures of the same file go first."""
    for old in directory.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(directory / pdf.stem)],
        check=True,
        capture_output=True,
        timeout=CONVERT_TIMEOUT_SECONDS,
    )
    return sorted(directory.glob(f"{pdf.stem}-*.png"))


def render(files: Sequence[Path], directory: Path) -> dict[Path, Path]:
    """Each file's PDF (a PDF is its own) with its pages as PNG beside it in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    office = [file for file in files if file.suffix in (".pptx", ".xlsx")]
    pdfs = convert_to_pdf(office, directory) if office else {}
    for file in files:
        if file.suffix == ".pdf":
            pdfs[file] = file
    for pdf in pdfs.values():
        to_png(pdf, directory)
    return pdfs


# --- the deck ---------------------------------------------------------------------------------

MIN_DECK_PT = 14.0
DEFAULT_PT = 18.0  # PowerPoint's size of text without one
CHART_DEFAULT_PT = 10.0  # and of a chart's text
CHAR_WIDTH_EM = 0.5  # the average width of a character, in font sizes (proportional fonts)
LINE_HEIGHT_EM = 1.2
DEFAULT_INSETS = (Emu(91440), Emu(91440), Emu(45720), Emu(45720))  # left, right, top, bottom
TOLERANCE_EMU = Emu(12700)  # 1 pt: rounding of positions
TEXT_TOLERANCE = 1.1  # the estimate of a line count is rough
# a picture larger than this share of the slide stands where a chart belongs (a logo does not)
PICTURE_SHARE = 0.2
LABEL_ROOM = 1.05  # the axis' maximum above the largest value when its data labels are shown


def _shapes(shapes: Iterator[BaseShape]) -> Iterator[BaseShape]:
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shapes(iter(shape.shapes))  # type: ignore[attr-defined]
        else:
            yield shape


def deck_problems(data: bytes, name: str) -> list[str]:
    presentation = Presentation(io.BytesIO(data))
    width, height = presentation.slide_width, presentation.slide_height
    assert width is not None and height is not None
    problems: list[str] = []
    for number, slide in enumerate(presentation.slides, start=1):
        for shape in _shapes(iter(slide.shapes)):
            where = f"{name} slide {number} „{shape.name}“"
            problems += _outside_slide(shape, width, height, where)
            problems += _text_overflow(shape, slide, where)
            problems += _table_overflow(shape, slide, height, where)
            problems += _small_text(shape, slide, where)
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                share = (shape.width or 0) * (shape.height or 0) / (width * height)
                if share > PICTURE_SHARE:
                    problems.append(f"{where}: a picture of {share:.0%} of the slide, no chart")
            if getattr(shape, "has_chart", False):
                problems += _chart_problems(shape.chart, where)  # type: ignore[attr-defined]
    return problems


def _outside_slide(shape: BaseShape, width: int, height: int, where: str) -> list[str]:
    left, top = shape.left or 0, shape.top or 0
    right, bottom = left + (shape.width or 0), top + (shape.height or 0)
    if left < -TOLERANCE_EMU or top < -TOLERANCE_EMU:
        return [f"{where}: starts outside the slide ({Emu(left).pt:.0f}, {Emu(top).pt:.0f} pt)"]
    if right > width + TOLERANCE_EMU or bottom > height + TOLERANCE_EMU:
        return [
            f"{where}: ends outside the slide ({Emu(right).cm:.1f} × {Emu(bottom).cm:.1f} cm "
            f"of {Emu(width).cm:.1f} × {Emu(height).cm:.1f} cm)"
        ]
    return []


def _insets(body_pr: BaseOxmlElement | None) -> tuple[int, int, int, int]:
    names = ("lIns", "rIns", "tIns", "bIns")
    if body_pr is None:
        return DEFAULT_INSETS
    return tuple(  # type: ignore[return-value]
        int(body_pr.get(name, default)) for name, default in zip(names, DEFAULT_INSETS, strict=True)
    )


def _text_overflow(shape: BaseShape, slide: Slide, where: str) -> list[str]:
    if not getattr(shape, "has_text_frame", False):
        return []
    frame = shape.text_frame  # type: ignore[attr-defined]
    if not frame.text.strip():
        return []  # an empty frame (a bar, a line) takes no room
    left, right, top, bottom = _insets(frame._txBody.find(qn("a:bodyPr")))
    room_height = (shape.height or 0) - top - bottom
    room_width = (shape.width or 0) - left - right
    needed, widest = _text_extent(frame, room_width, shape, slide)
    problems = []
    if needed > room_height * TEXT_TOLERANCE + TOLERANCE_EMU:
        problems.append(
            f"{where}: text needs about {Emu(int(needed)).pt:.0f} pt, the shape holds "
            f"{Emu(room_height).pt:.0f} pt"
        )
    if widest > room_width * TEXT_TOLERANCE + TOLERANCE_EMU:
        problems.append(
            f"{where}: an unwrapped line runs about {Emu(int(widest)).pt:.0f} pt wide, the "
            f"shape is {Emu(room_width).pt:.0f} pt"
        )
    return problems


def _table_overflow(shape: BaseShape, slide: Slide, height: int, where: str) -> list[str]:
    """A table's rows grow with their text: the estimated rows must end on the slide."""
    if not getattr(shape, "has_table", False):
        return []
    table = shape.table  # type: ignore[attr-defined]
    widths = [column.width for column in table.columns]
    total = 0.0
    for row in table.rows:
        needed = float(row.height)
        for index, cell in enumerate(row.cells):
            if cell.is_spanned:
                continue
            width = sum(widths[index : index + cell.span_width])
            text_width = width - cell.margin_left - cell.margin_right
            text, _ = _text_extent(cell.text_frame, text_width, shape, slide)
            needed = max(needed, text + cell.margin_top + cell.margin_bottom)
        total += needed
    bottom = (shape.top or 0) + total
    if bottom > height * TEXT_TOLERANCE + TOLERANCE_EMU:
        return [f"{where}: the table's rows reach {Emu(int(bottom)).cm:.1f} cm down the slide"]
    return []


def _text_extent(
    frame: TextFrame, width: float, shape: BaseShape, slide: Slide
) -> tuple[float, float]:
    """The estimated height of a frame's text and its widest line (EMU): each line of each
    paragraph wrapped at `width` (unless the frame does not wrap) by the average character
    width of its largest font."""
    body_pr = frame._txBody.find(qn("a:bodyPr"))
    wraps = body_pr is None or body_pr.get("wrap") != "none"
    scale = _autofit_scale(body_pr)
    needed = widest = 0.0
    for paragraph in frame.paragraphs:
        sizes = [_run_size(run._r, shape, slide) for run in paragraph.runs]
        size = Pt(max(sizes or [_paragraph_size(paragraph._p, shape, slide)]) * scale)
        for line in paragraph.text.split("\v"):
            line_width = len(line) * CHAR_WIDTH_EM * size
            lines = max(1, math.ceil(line_width / width)) if wraps and width > 0 else 1
            needed += lines * LINE_HEIGHT_EM * size
            widest = max(widest, 0.0 if wraps else line_width)
    return needed, widest


def _autofit_scale(body_pr: BaseOxmlElement | None) -> float:
    autofit = None if body_pr is None else body_pr.find(qn("a:normAutofit"))
    if autofit is None:
        return 1.0
    return int(autofit.get("fontScale", "100000")) / 100000


def _size_of(element: BaseOxmlElement | None) -> float | None:
    if element is None or element.get("sz") is None:
        return None
    return int(element.get("sz")) / 100


def _paragraph_size(p: BaseOxmlElement, shape: BaseShape, slide: Slide) -> float:
    """The size a paragraph's text inherits: its own default, the shape's list style, the
    layout's placeholder, the master's text style."""
    ppr = p.find(qn("a:pPr"))
    lvl = f"a:lvl{int(ppr.get('lvl', '0')) + 1 if ppr is not None else 1}pPr"
    for source in (
        None if ppr is None else ppr.find(qn("a:defRPr")),
        shape._element.find(f".//{qn('a:lstStyle')}/{qn(lvl)}/{qn('a:defRPr')}"),
    ):
        size = _size_of(source)
        if size is not None:
            return size
    return _inherited_size(shape, slide, lvl)


def _inherited_size(shape: BaseShape, slide: Slide, lvl: str) -> float:
    if not shape.is_placeholder:
        style = "p:otherStyle"
    else:
        layout_shape = _layout_placeholder(shape, slide)
        if layout_shape is not None:
            for element in layout_shape._element.iter(qn("a:defRPr"), qn("a:rPr")):
                size = _size_of(element)
                if size is not None:
                    return size
        kind = str(shape.placeholder_format.type)
        style = "p:titleStyle" if "TITLE" in kind else "p:bodyStyle"
    master = slide.slide_layout.slide_master
    found = master._element.find(f".//{qn('p:txStyles')}/{qn(style)}/{qn(lvl)}/{qn('a:defRPr')}")
    return _size_of(found) or DEFAULT_PT


def _layout_placeholder(shape: BaseShape, slide: Slide) -> BaseShape | None:
    return slide.slide_layout.placeholders.get(idx=shape.placeholder_format.idx)


def _run_size(r: BaseOxmlElement, shape: BaseShape, slide: Slide) -> float:
    own = _size_of(r.find(qn("a:rPr")))
    return own if own is not None else _paragraph_size(r.getparent(), shape, slide)


def _small_text(shape: BaseShape, slide: Slide, where: str) -> list[str]:
    """Text set below 14 pt in a text frame or a table (a chart's text: `_chart_problems`)."""
    sizes: set[float] = set()
    for r in shape._element.iter(qn("a:r")):
        if (r.findtext(qn("a:t")) or "").strip():
            sizes.add(_run_size(r, shape, slide))
    small = sorted(size for size in sizes if size < MIN_DECK_PT)
    return [f"{where}: text at {small[0]:g} pt (below {MIN_DECK_PT:g} pt)"] if small else []


def _chart_problems(chart: Chart, where: str) -> list[str]:
    problems = []
    space = chart._chartSpace
    sizes = [_size_of(e) for e in space.iter(qn("a:defRPr"), qn("a:rPr"))]
    explicit = [size for size in sizes if size is not None]
    if not explicit:
        problems.append(f"{where}: chart text at the default {CHART_DEFAULT_PT:g} pt")
    elif min(explicit) < MIN_DECK_PT:
        problems.append(f"{where}: chart text at {min(explicit):g} pt (below {MIN_DECK_PT:g} pt)")
    problems += _axis_room(chart, where)
    return problems


# label positions inside the plotted bar or point: they need no room above the largest value
INSIDE_LABELS = ("inEnd", "inBase", "ctr")


def _labels_above(chart: Chart) -> bool:
    """Whether a value label is shown (at the plot, a series or a point) at a position that
    reaches above its value: outside the end of a bar, above a point, or the default."""
    for shown in chart._chartSpace.iter(qn("c:showVal")):
        if shown.get("val") not in ("1", "true"):
            continue
        position = shown.getparent().find(qn("c:dLblPos"))
        if position is None or position.get("val") not in INSIDE_LABELS:
            return True
    return False


def _axis_room(chart: Chart, where: str) -> list[str]:
    """The value axis spans every value, and above the largest leaves room for its label."""
    try:
        axis = chart.value_axis
    except ValueError:
        return []  # a pie has no value axis
    values = [
        float(v) for plot in chart.plots for s in plot.series for v in s.values if v is not None
    ]
    if not values:
        return []
    labelled = _labels_above(chart)
    top, bottom = axis.maximum_scale, axis.minimum_scale
    problems = []
    needed = max(values) * (LABEL_ROOM if labelled and max(values) > 0 else 1)
    if top is not None and top < needed:
        problems.append(
            f"{where}: value axis ends at {top:g}, below {needed:g} (the largest value "
            f"{max(values):g}{' and its label' if labelled else ''})"
        )
    if bottom is not None and bottom > min(values):
        problems.append(f"{where}: value axis starts at {bottom:g}, above {min(values):g}")
    return problems


# --- the workbook -------------------------------------------------------------------------------

A4_LANDSCAPE_PT = (841.89, 595.28)
PAGE_TOLERANCE_PT = 2.0
MAX_PAGES_PER_SHEET = 4


def workbook_problems(data: bytes, name: str) -> list[str]:
    """Every sheet prints landscape, fitted to the page width (any number of pages down)."""
    problems = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        where = f"{name} sheet „{sheet.title}“"
        setup = sheet.page_setup
        if setup.orientation != "landscape":
            problems.append(f"{where}: orientation {setup.orientation or 'default'}")
        fit = sheet.sheet_properties.pageSetUpPr
        if fit is None or not fit.fitToPage or setup.fitToWidth not in (1, None):
            problems.append(f"{where}: not fitted to the page width")
        elif setup.fitToHeight not in (0, None) and setup.fitToHeight < 1:
            problems.append(f"{where}: fit to height {setup.fitToHeight}")
    return problems


def printed_workbook_problems(pdf: Path, sheets: int, name: str) -> list[str]:
    from pypdf import PdfReader

    pages = PdfReader(pdf).pages
    problems = []
    for number, page in enumerate(pages, start=1):
        width = float(page.mediabox.width)
        if width > A4_LANDSCAPE_PT[0] + PAGE_TOLERANCE_PT:
            problems.append(f"{name} page {number}: {width:.0f} pt wide, wider than A4 landscape")
    if not sheets <= len(pages) <= MAX_PAGES_PER_SHEET * sheets:
        problems.append(
            f"{name}: {len(pages)} printed pages for {sheets} sheets "
            f"(expected {sheets} to {MAX_PAGES_PER_SHEET * sheets})"
        )
    return problems


# --- the PDF --------------------------------------------------------------------------------------

MM_PT = 72 / 25.4
BODY_TOP_PT = 24 * MM_PT  # below the running head
BODY_BOTTOM_PT = 16 * MM_PT  # above the bottom margin (the footer lies in it)
NEARLY_EMPTY = 0.25


def page_texts(pdf: Path) -> list[str]:
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.split("\f")[:-1]


def page_fills(pdf: Path) -> list[float]:
    """How far down each page's body its lowest text reaches, from 0 to 1."""
    result = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    fills = []
    for page in re.finditer(
        r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', result.stdout, re.S
    ):
        height = float(page.group(1))
        body_bottom = height - BODY_BOTTOM_PT
        lows = [
            float(y)
            for y in re.findall(r'yMax="([\d.]+)"', page.group(2))
            if float(y) <= body_bottom
        ]
        lowest = max(lows, default=BODY_TOP_PT)
        fills.append((lowest - BODY_TOP_PT) / (body_bottom - BODY_TOP_PT))
    return fills


def pdf_problems(pdf: Path, lang: Lang, name: str) -> list[str]:
    texts = page_texts(pdf)
    count = len(texts)
    problems = []
    stated = {int(n) for n in re.findall(_page_of_pattern(lang), "\n".join(texts))}
    if stated != {count}:
        problems.append(f"{name}: the footers state {sorted(stated)} pages, the file has {count}")
    listed = _contents_numbers(texts[1] if count > 1 else "", lang)
    if not listed or max(listed) > count or count > max(listed) + 1:
        problems.append(f"{name}: the contents list pages {listed}, the file has {count}")
    first = " ".join(texts[0].split()) if texts else ""
    for key in ("report.pdf.summary", "report.pdf.open_points"):
        if " ".join(t(key, lang).split()) not in first:
            problems.append(f"{name}: page 1 lacks „{t(key, lang)}“")
    if " ".join(t("report.pdf.headline_table", lang, year="").split()) not in first:
        problems.append(f"{name}: page 1 lacks the table of headline KPIs")
    for number, fill in enumerate(page_fills(pdf), start=1):
        if fill < NEARLY_EMPTY:
            problems.append(f"{name} page {number}: nearly empty ({fill:.0%} of its body)")
    return problems


def _page_of_pattern(lang: Lang) -> str:
    return (
        re.escape(t("report.pdf.page", lang, page="PAGE", pages="PAGES"))
        .replace("PAGE", r"\d+", 1)
        .replace("PAGES", r"(\d+)")
    )


def _contents_numbers(text: str, lang: Lang) -> list[int]:
    """The page numbers at the ends of the contents' lines (the heading and footer aside)."""
    footer = re.compile(_page_of_pattern(lang))
    return [
        int(match.group(1))
        for line in text.splitlines()
        if not footer.search(line) and (match := re.search(r"\s{3,}(\d+)\s*$", line))
    ]
