"""Reports on the demo store: each file opened with its own library and compared with the KPIs;
the generated findings on hand-made values; the chart export."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from metrics import store, views
from metrics.access import LOCAL_USER
from metrics.formatting import format_number
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.report import (
    ReportError,
    build_deck,
    build_pdf,
    build_workbook,
    chart_png,
    content,
    images,
)
from metrics.report.content import finding
from metrics.report.workbook import COUNT_FORMAT

YEAR = 2025
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo_db(planned_demo_store: Path) -> Path:
    return planned_demo_store


@pytest.fixture(scope="module")
def con(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.open_store(demo_db) as connection:
        yield connection


@pytest.fixture(scope="module", autouse=True)
def _stop_chart_server() -> Iterator[None]:
    yield
    images.stop_server()


@pytest.fixture(scope="module")
def values(con: duckdb.DuckDBPyConnection) -> Mapping[str, KpiValue]:
    return kpis.compute_kpis(con, YEAR)


@pytest.fixture(scope="module")
def deck_bytes(con: duckdb.DuckDBPyConnection) -> bytes:
    return build_deck(con, YEAR, by=LOCAL_USER)


@pytest.fixture(scope="module")
def workbook(con: duckdb.DuckDBPyConnection):
    return load_workbook(io.BytesIO(build_workbook(con, YEAR, by=LOCAL_USER)))


def slide_texts(slide) -> dict[str, str]:
    return {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}


# --- deck -------------------------------------------------------------------------------------


def test_deck_is_16_9_with_title_kpi_and_methodology_slides(
    deck_bytes: bytes, values: Mapping[str, KpiValue]
) -> None:
    presentation = Presentation(io.BytesIO(deck_bytes))
    assert presentation.slide_width * 9 == presentation.slide_height * 16
    titles = [slide.shapes.title.text for slide in presentation.slides]
    assert titles == [
        f"Vielfaltsmonitor – Kennzahlen {YEAR}",
        *(kpis.KPIS[kpi_id].label("de") for kpi_id in views.OVERVIEW_KPIS),
        "Methodik und Datenschutz",
    ]
    title_slide = " ".join(slide_texts(presentation.slides[0]).values())
    assert "Alle Träger" in title_slide
    assert "Stichtag 31.12.2025" in title_slide
    assert "DEMO-DATEN" in title_slide  # the demo store is marked as such
    for slide in list(presentation.slides)[1:-1]:
        pictures = [shape for shape in slide.shapes if shape.name == "chart"]
        assert len(pictures) == 1
        assert pictures[0].image.blob.startswith(PNG_MAGIC)
        assert {"kpi_value", "finding", "footnote", "demo_marker"} <= set(slide_texts(slide))


def test_deck_states_the_finding_against_target_and_previous_year(
    deck_bytes: bytes, con: duckdb.DuckDBPyConnection, values: Mapping[str, KpiValue]
) -> None:
    presentation = Presentation(io.BytesIO(deck_bytes))
    slide = presentation.slides[1 + views.OVERVIEW_KPIS.index("women_leadership_share")]
    texts = slide_texts(slide)
    current = values["women_leadership_share"]
    previous = kpis.compute_kpis(con, YEAR - 1)["women_leadership_share"]
    change = current.value - previous.value
    shown = format_number(current.value, "de", 1)
    assert texts["kpi_value"].startswith(f"{shown} %")
    expected = (
        f"Der Frauenanteil an Führungskräften liegt {YEAR} bei {shown} % und damit "
        f"{'über' if current.value > current.target else 'unter'} dem Ziel von 50 %; gegenüber "
        f"{YEAR - 1} ist er um {format_number(abs(change), 'de', 1)} Prozentpunkte "
        f"{'gestiegen' if change > 0 else 'gesunken'}."
    )
    assert texts["finding"] == expected
    assert "Definition: Frauen / (Frauen + Männer)" in texts["footnote"]
    assert "BGleiG" in texts["footnote"]


def test_english_carrier_deck_leaves_out_the_survey(con: duckdb.DuckDBPyConnection) -> None:
    presentation = Presentation(io.BytesIO(build_deck(con, YEAR, "BA", "en", by=LOCAL_USER)))
    titles = [slide.shapes.title.text for slide in presentation.slides]
    headline_ids = [k for k in views.OVERVIEW_KPIS if kpis.KPIS[k].carrier_view]
    assert titles[1:-1] == [kpis.KPIS[k].label("en") for k in headline_ids]
    assert "Share with a migration background" not in titles
    assert "Carrier BA" in " ".join(slide_texts(presentation.slides[0]).values())
    finding_text = slide_texts(presentation.slides[1])["finding"]
    assert finding_text.startswith(f"In {YEAR}, the number of staff is ")


def test_unknown_year_or_carrier_is_a_report_error(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ReportError, match="2030"):
        build_workbook(con, 2030, by=LOCAL_USER)
    with pytest.raises(ReportError, match="carrier"):
        build_deck(con, YEAR, "Land", by=LOCAL_USER)


# --- workbook ---------------------------------------------------------------------------------


def test_workbook_sheets(workbook) -> None:
    assert workbook.sheetnames == [
        "Bericht",
        "Kennzahlen",
        "Beschäftigungsart",
        "Voll- und Teilzeit",
        "Entgeltgruppen",
        "Führungsebenen",
        "Organisationseinheit",
        "Beurlaubung",
        "Bewerbungen",
        "SGB IX BA",
        "SGB IX Kommune",
        "SGB IX gesamt",
        "Methodik",
    ]
    for sheet in workbook.worksheets:
        assert all(cell.font.b for cell in sheet[1] if cell.value is not None), sheet.title
        assert sheet.freeze_panes in ("A2", "B2", "C2"), sheet.title


def test_kpi_sheet_holds_every_kpi_value_of_the_year(
    workbook, con: duckdb.DuckDBPyConnection, values: Mapping[str, KpiValue]
) -> None:
    sheet = workbook["Kennzahlen"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == [
        "ID",
        "Kennzahl",
        "Einheit",
        f"Wert {YEAR}",
        "Ziel",
        f"Vorjahr {YEAR - 1}",
    ]
    previous = kpis.compute_kpis(con, YEAR - 1)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value in values}
    assert list(rows) == list(values)
    for kpi_id, value in values.items():
        cell, target, before = rows[kpi_id][3], rows[kpi_id][4], rows[kpi_id][5]
        if value.suppressed:
            assert cell.value == value.label
            assert value.label in (f"< {value.k}", "•")
        elif value.unit == "flag":
            assert cell.value == kpis.format_kpi_value(value, "de")
        elif value.value is None:
            assert cell.value == "–"
        else:
            assert cell.value == pytest.approx(round(value.value, 2)), kpi_id
            assert cell.number_format != "General"
        assert target.value == value.target
        old = previous[kpi_id]
        if not old.suppressed and old.value is not None and old.unit != "flag":
            assert before.value == pytest.approx(round(old.value, 2)), kpi_id
    headcount = rows["headcount"]
    assert headcount[3].number_format == COUNT_FORMAT
    assert headcount[3].value == values["headcount"].value


def test_equality_tables_are_the_published_counts(workbook, values: Mapping[str, KpiValue]) -> None:
    applications = {row[0].value: row for row in workbook["Bewerbungen"].iter_rows(min_row=2)}
    for label, kpi_id in (
        ("Bewerbende", "women_share_applicants"),
        ("Einstellungen", "women_share_hires"),
    ):
        value = values[kpi_id]
        women, men, both, share = (cell.value for cell in applications[label][1:5])
        assert (women, men, both) == (
            value.numerator,
            value.denominator - value.numerator,
            value.denominator,
        )
        assert share == pytest.approx(round(value.value, 1))
        assert applications[label][1].number_format == COUNT_FORMAT
    leave = {row[0].value: row for row in workbook["Beurlaubung"].iter_rows(min_row=2)}
    parental = values["parental_leave_men_share"]
    assert leave["Elternzeit"][2].value == parental.numerator  # men
    assert leave["Elternzeit"][1].value == parental.denominator - parental.numerator


def test_sgb_ix_sheet_is_the_notice_of_each_carrier(
    workbook, con: duckdb.DuckDBPyConnection
) -> None:
    tables = kpis.sb_quota_table(con, YEAR)
    for name, view in (("BA", "BA"), ("Kommune", "Kommune"), ("gesamt", None)):
        sheet = workbook[f"SGB IX {name}"]
        rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
        table = tables[view]
        # yearly sums only: no month of a sensitive figure leaves the store (CONTRACT § 3)
        assert not any(isinstance(label, str) and label.endswith(" 2025") for label in rows)
        assert rows["Monate mit Stichtag"][2].value == table.kpi.extra["months_covered"]
        assert rows["Summe des Jahres"][1].value == table.kpi.denominator
        assert rows["Summe des Jahres"][2].value == table.kpi.numerator
        assert rows["Beschäftigungsquote in %"][2].value == pytest.approx(round(table.kpi.value, 2))
        assert rows["Ausgleichsabgabe in €"][2].value == table.kpi.extra["levy_eur"]
        assert (
            rows["Pflichtarbeitsplätze (Soll, Platz-Monate)"][2].value
            == (table.kpi.extra["mandatory_place_months"])
        )


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_shows_the_headline_numbers_in_german_format(
    con: duckdb.DuckDBPyConnection, values: Mapping[str, KpiValue]
) -> None:
    data = build_pdf(con, YEAR, by=LOCAL_USER)
    reader = PdfReader(io.BytesIO(data))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    text = " ".join(page.extract_text() for page in reader.pages)
    assert f"Vielfaltsmonitor – Kennzahlen {YEAR}" in text
    assert "Stichtag 31.12.2025" in text
    assert "Demo-Daten" in text
    assert f"{format_number(values['headcount'].value, 'de')} Personen" in text  # "1.060"
    for kpi_id in ("women_leadership_share", "part_time_share", "sb_quota"):
        assert f"{format_number(values[kpi_id].value, 'de', 1)} %" in text, kpi_id
    assert "Schutz vor Rückschlüssen" in text or "Methodik und Datenschutz" in text


# --- findings ---------------------------------------------------------------------------------


def share(value: float | None, target: float | None = None, **extra: object) -> KpiValue:
    return KpiValue(
        id="women_leadership_share",
        value=value,
        numerator=None,
        denominator=None,
        target=target,
        suppressed=False,
        reason=None,
        k=5,
        unit="%",
        extra=extra,
    )


def withheld(k: int = 5) -> KpiValue:
    return KpiValue("women_leadership_share", None, None, None, 50.0, True, "small_count", k, "%")


def test_finding_above_target_and_rising() -> None:
    text = finding("women_leadership_share", share(52.63, 50.0), share(50.63), 2025, "de", 5)
    assert text == (
        "Der Frauenanteil an Führungskräften liegt 2025 bei 52,6 % und damit über dem Ziel von "
        "50 %; gegenüber 2024 ist er um 2,0 Prozentpunkte gestiegen."
    )


def test_finding_below_target_falling_and_in_english() -> None:
    assert finding("part_time_share", share(30.0, 32.5), share(31.26), 2025, "de", 5) == (
        "Die Teilzeitquote liegt 2025 bei 30,0 % und damit unter dem Ziel von 32,5 %; "
        "gegenüber 2024 ist sie um 1,3 Prozentpunkte gesunken."
    )
    assert finding("part_time_share", share(30.0, 32.5), share(31.26), 2025, "en", 5) == (
        "In 2025, the part-time share is 30.0 %, below the target of 32.5 %; compared with "
        "2024, it fell by 1.3 percentage points."
    )


def test_finding_rounds_before_judging_the_target() -> None:
    # 50.04 % reads "50,0 %" and reaches the target; 49.96 % would round up to it, so it reads
    # with its second decimal and below the target, as its status says
    text = finding("women_leadership_share", share(50.04, 50.0), None, 2025, "de", 5)
    assert text.endswith("bei 50,0 % und erreicht damit das Ziel von 50 %.")
    text = finding("women_leadership_share", share(49.96, 50.0), None, 2025, "de", 5)
    assert text.endswith("bei 49,96 % und damit unter dem Ziel von 50 %.")


def test_finding_for_a_withheld_value_says_so_and_gives_no_number() -> None:
    text = finding("sb_quota", withheld(10), share(9.1), 2025, "de", 10)
    # a percentage never reads "< k" (CONTRACT § 3 signs)
    assert "nicht ausgewiesen" in text and "„•“" in text and "<" not in text
    assert not any(character.isdigit() for character in text.replace("2025", ""))
    previous_withheld = finding("women_share", share(69.2), withheld(), 2025, "de", 5)
    assert previous_withheld == (
        "Der Frauenanteil liegt 2025 bei 69,2 %. Der Vergleichswert für 2024 wird zum Schutz "
        "einzelner Personen nicht ausgewiesen."
    )


def test_finding_for_a_survey_compares_waves() -> None:
    text = finding(
        "migration_background_share",
        share(17.23, wave=2025),
        share(14.1, wave=2022),
        2025,
        "de",
        10,
    )
    assert text == (
        "Der Anteil der Befragten mit Migrationshintergrund liegt laut Befragung 2025 bei "
        "17,2 %; gegenüber der Befragung 2022 ist er um 3,1 Prozentpunkte gestiegen."
    )


def test_a_small_change_of_a_count_is_not_stated_as_a_number() -> None:
    def count(n: int) -> KpiValue:
        return KpiValue("headcount", n, n, None, None, False, None, 5, "count")

    assert finding("headcount", count(47), count(44), 2025, "de", 5) == (
        "Die Zahl der Beschäftigten liegt 2025 bei 47 Personen; gegenüber 2024 ist sie nahezu "
        "unverändert."
    )
    assert content.change_text(count(47), count(44), 5, "de") is None
    assert content.change_text(count(1060), count(1075), 5, "de") == "−15 Personen"


# --- chart export -----------------------------------------------------------------------------


def test_chart_png_exports_and_reuses_a_picture() -> None:
    figure = go.Figure(go.Bar(x=["BA", "Kommune"], y=[11.8, 8.3]))
    png = chart_png(figure, width=400, height=250, scale=1)
    assert png.startswith(PNG_MAGIC)
    assert chart_png(figure, width=400, height=250, scale=1) is png  # from the cache


def test_a_hung_export_fails_once_then_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hang(*args: object, **kwargs: object) -> bytes:
        release.wait()
        return b""

    monkeypatch.setattr(images, "_server_running", True)
    monkeypatch.setattr(images, "_stuck", False)
    monkeypatch.setattr(images, "EXPORT_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(images.kaleido, "calc_fig_sync", hang)
    try:
        with pytest.raises(images.ChartExportError, match="timed out"):
            chart_png(go.Figure(go.Bar(x=["hängt"], y=[1])))
        with pytest.raises(images.ChartExportError, match="unavailable"):
            chart_png(go.Figure(go.Bar(x=["danach"], y=[2])))
    finally:
        release.set()


def test_a_share_published_without_its_counts_is_in_the_equality_table(con, workbook) -> None:
    # demo store 2025: the planner publishes some women's shares per employment type or org
    # unit only as their rounded percentage; the tables show them, with "•" for the counts, not
    # "–" for no data
    withheld = []
    for dimension, sheet in (
        ("employment_type", "Beschäftigungsart"),
        ("org_unit", "Organisationseinheit"),
    ):
        rows = kpis.published_year(con, YEAR).breakdown("women_share", dimension)
        shown = {row[0].value: row for row in workbook[sheet].iter_rows(min_row=2)}
        for row in rows:
            if row.value.counts_withheld:
                withheld.append(row)
                label = kpis.category_label(dimension, row.category, "de")
                women, men, both, share = (cell.value for cell in shown[label][1:5])
                assert (women, men, both) == ("•", "•", "•")
                assert share == pytest.approx(round(row.value.value, 1))
    assert withheld, "the demo store has such a share"
