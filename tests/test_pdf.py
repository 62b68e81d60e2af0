"""The PDF on the demo store, read back with pypdf: the summary page against the published
release, the contents against the pages the sections begin on, no nearly empty page, English."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from metrics import store
from metrics.access import LOCAL_USER
from metrics.formatting import format_number
from metrics.i18n import t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.report import build_pdf, images
from metrics.report.content import (
    Headline,
    ReportContent,
    gather,
    headlines,
    open_points,
    report_history,
    summary_messages,
)
from metrics.settings import load_settings

YEAR = 2025
A4_HEIGHT_PT = 841.89
MM = 72 / 25.4
# the body of a page below the running head and above the footer (metrics.report.pdf's margins)
BODY_TOP_PT = A4_HEIGHT_PT - 24 * MM
BODY_BOTTOM_PT = 16 * MM
FOOTER_TOP_PT = 14 * MM
# a page whose text ends in the first quarter of its body is nearly empty
MIN_FILL = 0.25


@pytest.fixture(scope="module")
def con(planned_demo_store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.open_store(planned_demo_store) as connection:
        yield connection


@pytest.fixture(scope="module", autouse=True)
def _stop_chart_server() -> Iterator[None]:
    yield
    images.stop_server()


@pytest.fixture(scope="module")
def values(con: duckdb.DuckDBPyConnection) -> Mapping[str, KpiValue]:
    return kpis.compute_kpis(con, YEAR)


@pytest.fixture(scope="module")
def release(con: duckdb.DuckDBPyConnection) -> tuple[ReportContent, list[Headline]]:
    """What the German all-carrier PDF is to say, from the planned release."""
    settings = load_settings()
    history = report_history(con, YEAR, settings)
    content = gather(con, YEAR, None, "de", settings, history)
    return content, headlines(content, history)


@pytest.fixture(scope="module")
def german(con: duckdb.DuckDBPyConnection) -> PdfReader:
    return PdfReader(io.BytesIO(build_pdf(con, YEAR, by=LOCAL_USER)))


@pytest.fixture(scope="module")
def english(con: duckdb.DuckDBPyConnection) -> PdfReader:
    data = build_pdf(con, YEAR, carrier="BA", lang="en", by=LOCAL_USER)
    return PdfReader(io.BytesIO(data))


def plain(text: str) -> str:
    """Text with every run of white space (line breaks, no-break spaces) as one space."""
    return " ".join(text.replace("\xa0", " ").split())


def page_texts(reader: PdfReader) -> list[str]:
    return [plain(page.extract_text()) for page in reader.pages]


def lowest_text(reader: PdfReader, index: int) -> float:
    """The height (pt from the page's foot) of the lowest text above the footer."""
    heights: list[float] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], *_: object) -> None:
        y = cm[3] * tm[5] + cm[5]
        if text.strip() and y > FOOTER_TOP_PT:
            heights.append(y)

    reader.pages[index].extract_text(visitor_text=visit)
    return min(heights, default=BODY_TOP_PT)


def contents_pages(reader: PdfReader, labels: Sequence[str]) -> dict[str, int]:
    """The page number the contents (page 2) print after each label."""
    contents = page_texts(reader)[1]
    found = {}
    for label in labels:
        match = re.search(re.escape(plain(label)) + r" (\d+)", contents)
        assert match, (label, contents)
        found[label] = int(match.group(1))
    return found


# --- moved from tests/test_report.py ------------------------------------------------------------


def test_pdf_shows_the_headline_numbers_in_german_format(
    german: PdfReader, values: Mapping[str, KpiValue]
) -> None:
    assert german.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    text = " ".join(page_texts(german))
    assert f"Vielfaltsmonitor – Kennzahlen {YEAR}" in text
    assert "Stichtag 31.12.2025" in text
    assert "Demo-Daten" in text
    assert f"{format_number(values['headcount'].value, 'de')} Personen" in text  # "1.060"
    for kpi_id in ("women_leadership_share", "part_time_share", "sb_quota"):
        assert f"{format_number(values[kpi_id].value, 'de', 1)} %" in text, kpi_id
    assert "Schutz vor Rückschlüssen" in text or "Methodik und Datenschutz" in text


# --- the summary page -------------------------------------------------------------------------


def test_page_one_is_the_summary_with_the_published_headline_values(
    german: PdfReader,
    release: tuple[ReportContent, list[Headline]],
    values: Mapping[str, KpiValue],
) -> None:
    content, lines = release
    first = page_texts(german)[0]
    assert first.startswith(f"Vielfaltsmonitor – Kennzahlen {YEAR} Alle Träger · Stichtag")
    assert t("report.pdf.summary", "de") in first
    messages = summary_messages(content, lines)
    assert 3 <= len(messages) <= 5
    for message in messages:
        assert plain(message) in first, message
    for headline in lines:
        assert f"{plain(headline.title)} {plain(headline.value_text)}" in first, headline.kpi_id
    # as published, in German format: "1.060 Personen", "52,6 %"
    assert f"{format_number(values['headcount'].value, 'de')} Personen" in first
    leaders = values["women_leadership_share"]
    assert f"{format_number(leaders.value, 'de', 1)} % 50 % erreicht" in first
    points = open_points(content, lines)
    assert points, "the demo store misses some targets"
    for point in points:
        assert plain(point) in first, point
    assert "Zeichenerklärung auf Seite" in first
    assert "Seite 1 von" in first


def test_the_contents_give_the_pages_the_sections_begin_on(
    german: PdfReader, release: tuple[ReportContent, list[Headline]]
) -> None:
    _, lines = release
    texts = page_texts(german)
    after = {  # the sections after the headlines: their heading and what follows it
        f"Alle Kennzahlen {YEAR}": f"Alle Kennzahlen {YEAR} Kennzahl Wert {YEAR}",
        "Methodik und Datenschutz": "Methodik und Datenschutz",
        "Zeichenerklärung": "Zeichenerklärung Zeichen Bedeutung",
    }
    labels = ["Zusammenfassung", *(headline.message for headline in lines), *after]
    pages = contents_pages(german, labels)
    for label, page in pages.items():
        heading = plain(after.get(label, label))
        assert heading in texts[page - 1], (label, page)
        # it begins there: not on an earlier page (page 2 lists it; page 1 may quote a message)
        assert not any(heading in text for text in texts[2 : page - 1]), label
    # the sections in the order of the contents, the legend on the last page
    assert list(pages.values()) == sorted(pages.values())
    assert pages["Zeichenerklärung"] == len(texts)
    assert f"Seite 2 von {len(texts)}" in texts[1]
    sign_page = pages["Zeichenerklärung"]
    assert f"Zeichenerklärung auf Seite {sign_page}" in texts[0]


def test_no_page_is_nearly_empty(german: PdfReader, english: PdfReader) -> None:
    for reader in (german, english):
        for index in range(len(reader.pages)):
            fill = (BODY_TOP_PT - lowest_text(reader, index)) / (BODY_TOP_PT - BODY_BOTTOM_PT)
            assert fill >= MIN_FILL, (index + 1, round(fill, 2))


def test_the_legend_explains_every_sign_with_the_real_minimum(german: PdfReader) -> None:
    settings = load_settings()
    legend = page_texts(german)[-1]
    for sign in ("•", f"< {settings.k_ordinary}", f"< {settings.k_sensitive}", "–"):
        assert f" {sign} " in legend, sign
    assert f"weniger als {settings.k_sensitive} Personen" in legend


def test_english_pdf_is_in_english(con: duckdb.DuckDBPyConnection, english: PdfReader) -> None:
    content = gather(con, YEAR, "BA", "en", load_settings())
    texts = page_texts(english)
    text = " ".join(texts)
    assert texts[0].startswith(plain(t("report.title", "en", year=YEAR)))
    assert "Carrier BA" in texts[0] and "Summary" in texts[0]
    # dates as the English UI gives them (metrics.formatting.format_date)
    assert content.reporting_date and f"Reporting date {content.reporting_date}" in texts[0]
    assert "Contents" in texts[1] and "Page 2 of" in texts[1]
    assert "Signs and notes" in text and "Methodology and privacy" in text
    assert "Source:" in text
    # no German left over, the sources of law included ("Personalbestand zum Stichtag")
    for word in ("Quelle", "Stichtag", "Personalbestand", "Personen", "Seite", "Ziel:", "ggü."):
        assert word not in text, word
