"""The render check on the demo store: deck, workbook and PDF rendered by LibreOffice and
pdftoppm to test-artifacts/reports/ (every page as PNG, to look at), and checked by machine
(tests/render_check.py). Needs LibreOffice and poppler-utils; `.ci/run` installs them."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from fpdf import FPDF
from openpyxl import Workbook, load_workbook
from PIL import Image
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.util import Inches, Pt

from metrics import store
from metrics.access import LOCAL_USER
from metrics.report import build_deck, build_pdf, build_workbook, images
from tests import render_check

YEAR = 2025
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "reports"


@dataclass(frozen=True)
class Rendered:
    files: dict[str, Path]  # name -> the file as built
    pdfs: dict[str, Path]  # name -> its PDF as LibreOffice prints it (a PDF: itself)


@pytest.fixture(scope="module")
def con(planned_demo_store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.open_store(planned_demo_store) as connection:
        yield connection


@pytest.fixture(scope="module")
def rendered(con: duckdb.DuckDBPyConnection) -> Iterator[Rendered]:
    missing = render_check.missing_tools()
    if missing:
        pytest.skip(
            f"not installed: {', '.join(missing)} (apt-get install libreoffice-impress "
            "libreoffice-calc libreoffice-writer poppler-utils)"
        )
    builds = {
        "deck-de.pptx": lambda: build_deck(con, YEAR, by=LOCAL_USER),
        "deck-ba-en.pptx": lambda: build_deck(con, YEAR, "BA", "en", by=LOCAL_USER),
        "workbook-de.xlsx": lambda: build_workbook(con, YEAR, by=LOCAL_USER),
        "report-de.pdf": lambda: build_pdf(con, YEAR, by=LOCAL_USER),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, build in builds.items():
        files[name] = ARTIFACTS / name
        files[name].write_bytes(build())
    images.stop_server()
    pdfs = render_check.render(list(files.values()), ARTIFACTS)
    yield Rendered(files, {name: pdfs[path] for name, path in files.items()})


@pytest.mark.slow  # LibreOffice prints four files
def test_every_page_is_a_picture_to_look_at(rendered: Rendered) -> None:
    for name, pdf in rendered.pdfs.items():
        assert list(ARTIFACTS.glob(f"{pdf.stem}-*.png")), name


@pytest.mark.slow
@pytest.mark.parametrize("name", ["deck-de.pptx", "deck-ba-en.pptx"])
def test_deck_text_and_charts_stay_inside(rendered: Rendered, name: str) -> None:
    data = rendered.files[name].read_bytes()
    assert render_check.deck_problems(data, name) == []


@pytest.mark.slow  # LibreOffice prints four files
def test_workbook_prints_on_fit_to_width_pages(rendered: Rendered) -> None:
    name = "workbook-de.xlsx"
    data = rendered.files[name].read_bytes()
    sheets = len(load_workbook(io.BytesIO(data)).worksheets)
    problems = render_check.workbook_problems(data, name)
    problems += render_check.printed_workbook_problems(rendered.pdfs[name], sheets, name)
    assert problems == []


@pytest.mark.slow  # LibreOffice prints four files
def test_pdf_pages_summary_and_fill(rendered: Rendered) -> None:
    name = "report-de.pdf"
    assert render_check.pdf_problems(rendered.pdfs[name], "de", name) == []


# --- the checks find what they are for, on files made wrong on purpose --------------------------


def test_deck_check_finds_overflow_small_text_pictures_and_a_short_axis() -> None:
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(13.333), Inches(7.5)
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])  # blank
    wide = slide.shapes.add_textbox(Inches(12), Inches(1), Inches(3), Inches(1))
    wide.name, wide.text_frame.text = "wide", "Titel"
    full = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(3), Inches(0.6))
    full.name, full.text_frame.text = "full", "Frauenanteil an Führungskräften " * 6
    full.text_frame.word_wrap = True
    line = slide.shapes.add_textbox(Inches(1), Inches(3), Inches(3), Inches(0.6))
    line.name, line.text_frame.text = "line", "Frauenanteil an Führungskräften " * 3
    full.text_frame.paragraphs[0].runs[0].font.size = Pt(18)
    small = slide.shapes.add_textbox(Inches(1), Inches(4), Inches(6), Inches(1))
    small.name, small.text_frame.text = "small", "Quelle"
    small.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
    picture = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(picture, "PNG")
    slide.shapes.add_picture(picture, Inches(7), Inches(0), Inches(6), Inches(4)).name = "png"
    data = CategoryChartData()
    data.categories = ["BA", "Kommune"]
    data.add_series("Quote", (10.0, 50.0))
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(5), Inches(5), Inches(2), data
    )
    frame.name = "quote"
    chart = frame.chart
    chart.font.size = Pt(16)
    chart.value_axis.maximum_scale = 50.0  # the label above the 50 has no room
    chart.plots[0].has_data_labels = True
    # labels inside the bars need no room above them
    inside = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(7), Inches(5), Inches(5), Inches(2), data
    ).chart
    inside.font.size = Pt(16)
    inside.value_axis.maximum_scale = 50.0
    inside.plots[0].has_data_labels = True
    inside.plots[0].data_labels.position = XL_LABEL_POSITION.INSIDE_END
    written = io.BytesIO()
    presentation.save(written)
    problems = render_check.deck_problems(written.getvalue(), "bad.pptx")
    expected = {
        "„wide“: ends outside the slide",
        "„full“: text needs about",
        "„line“: an unwrapped line runs about",
        "„small“: text at 10 pt",
        "„png“: a picture of",
        "„quote“: value axis ends at 50",
    }
    assert {e for e in expected if any(e in problem for problem in problems)} == expected
    assert len(problems) == len(expected), problems


def test_workbook_check_finds_a_sheet_not_set_up_for_print() -> None:
    workbook = Workbook()
    workbook.active.title = "Kennzahlen"
    written = io.BytesIO()
    workbook.save(written)
    problems = render_check.workbook_problems(written.getvalue(), "bad.xlsx")
    assert problems == [
        "bad.xlsx sheet „Kennzahlen“: orientation default",
        "bad.xlsx sheet „Kennzahlen“: not fitted to the page width",
    ]


def test_pdf_check_finds_a_missing_summary_and_a_nearly_empty_page(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("not installed: pdftotext (poppler-utils)")
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    for line_count in (60, 2):
        pdf.add_page()
        for _ in range(line_count):
            pdf.cell(0, 4, "Text", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "bad.pdf"
    pdf.output(str(path))
    problems = render_check.pdf_problems(path, "de", "bad.pdf")
    assert "bad.pdf: the footers state [] pages, the file has 2" in problems
    assert "bad.pdf: page 1 lacks „Zusammenfassung“" in problems
    assert any(problem.startswith("bad.pdf page 2: nearly empty") for problem in problems)
    assert not any(problem.startswith("bad.pdf page 1: nearly") for problem in problems)
