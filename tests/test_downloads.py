"""The pages' downloads: a CSV holds the published numbers to compute with (no more than the page
shows), and a chart's PNG says what it shows once pasted into a slide."""

from __future__ import annotations

import io
import re
from numbers import Real
from pathlib import Path

import pandas as pd
import pytest

from metrics import audit, downloads, views
from metrics.access import Role, User
from metrics.i18n import Lang
from metrics.kpis import api as kpis
from metrics.report.images import PNG_HEIGHT, PNG_SCALE, PNG_WIDTH, browser_available, print_figure
from metrics.views.blocks import ChartBlock, TableBlock, _bar_block
from tests.conftest import copy_store, detached_history

MANAGER = User("user-management", "Erika Muster", frozenset({Role.MANAGEMENT}))
YEAR = 2025


@pytest.fixture(scope="module")
def history(keyed_small_store: Path) -> views.KpiHistory:
    """The small store's published years (2024, 2025), without a way back to the store."""
    return detached_history(keyed_small_store)


@pytest.fixture
def db(keyed_small_store: Path, tmp_path: Path) -> Path:
    """A copy of the small store: a download is entered in the store's audit log."""
    return copy_store(keyed_small_store, tmp_path / "store")


def csv_of(db: Path, table: pd.DataFrame, lang: Lang) -> bytes:
    return downloads.table_csv(db, table, lang, by=MANAGER, name="t.csv", year=YEAR)


def read_back(data: bytes, lang: Lang) -> pd.DataFrame:
    """As Excel opens it in that locale."""
    german = lang == "de"
    return pd.read_csv(
        io.BytesIO(data),
        sep=";" if german else ",",
        decimal="," if german else ".",
        encoding="utf-8-sig",
    )


def test_a_trend_csv_holds_the_published_shares_as_numbers(
    history: views.KpiHistory, db: Path
) -> None:
    """It held "22,0 %": text, not a number an analyst can compute with."""
    block = views.build_part_time(history, views.Filters(YEAR), "de").by_gender
    data = csv_of(db, block.download, "de")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: German Excel reads the umlauts
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Jahr;alle Beschäftigten (%);Frauen (%);Männer (%)"
    # 9 of the 41 active staff work part-time: 21.95 %; women and men are withheld
    assert lines[1:3] == ["2024;21,95;•;•", "2025;21,95;•;•"]
    back = read_back(data, "de")
    shares = back["alle Beschäftigten (%)"]
    assert (
        shares.dtype == float and shares.tolist() == [21.95, 21.95] == [round(100 * 9 / 41, 2)] * 2
    )
    # the published value itself, nothing computed beside it
    for year, share in zip(back["Jahr"].astype(int), shares, strict=True):
        published = history.values(year)["part_time_share"].value
        assert published is not None and share == round(published, 2)
    assert [entry["event"] for entry in audit.entries(db)] == ["download"]


def test_an_english_csv_has_commas_between_and_points_within(
    history: views.KpiHistory, db: Path
) -> None:
    block = views.build_women_leadership(history, views.Filters(YEAR), "en").trend
    text = csv_of(db, block.download, "en").decode("utf-8-sig")
    header, first, second = text.split("\r\n")[:3]
    assert header == "Year,all leaders (%),team lead (%),head of division (%),management (%)"
    # leaders are public (CONTRACT § 3): 5 women of 9, 4 of 6 team leads, 0 of 2, 1 of 1
    assert first == "2024,55.56,66.67,0.0,100.0"
    assert second == "2025,55.56,66.67,0.0,100.0"


def test_counts_are_whole_numbers_and_withheld_cells_their_signs(
    history: views.KpiHistory, db: Path
) -> None:
    context = views.build_women_leadership(history, views.Filters(YEAR), "de")
    lines = csv_of(db, context.underrepresentation.download, "de").decode("utf-8-sig")
    assert lines.split("\r\n")[:4] == [
        "Bereich;Gruppe;Frauen;Männer;unterrepräsentiert",
        "Entgelt-/Besoldungsgruppe;A 11;•;•;nicht bewertet",
        "Entgelt-/Besoldungsgruppe;E 9b;•;•;Männer",
        "Führungsebene;Teamleitung;4;2;Männer",
    ]
    # the SB notice: months as a number, counts without thousands separators, the quota "•"
    notices = views.build_inclusion(history, views.Filters(YEAR), "de").notices
    back = read_back(csv_of(db, notices.download, "de"), "de")
    assert list(back.columns) == [
        "Träger",
        "Quote (%)",
        "Monate",
        "Arbeitsplätze (Platz-Monate)",
        "besetzte Pflichtplätze",
        "Pflichtplätze (Soll)",
        "unbesetzt",
        "Ausgleichsabgabe (€)",
    ]
    assert back["Monate"].tolist() == [1, 1, 1]  # one reporting date a year
    assert set(back["Quote (%)"]) == {"•"}


def test_text_cells_of_a_csv_are_still_neutralised(db: Path) -> None:
    value = kpis.KpiValue("part_time_share", 52.6349, 20, 38, None, False, None, None, "%")
    block = _bar_block("k", "t", [("=HYPERLINK(1)", value)], "de")
    text = csv_of(db, block.download, "de").decode("utf-8-sig")
    assert text == "Gruppe;Wert (%)\r\n'=HYPERLINK(1);52,63\r\n"


def _number_in(text: str) -> float | None:
    found = re.search(r"-?\d[\d.,]*", text)
    if found is None:
        return None
    return float(found.group().replace(".", "").replace(",", "."))


def _shown_as_exported(table: pd.DataFrame) -> pd.DataFrame:
    """The survey's interval "17,0 % – 23,4 %" is two columns of numbers in the CSV."""
    if "95-%-Intervall" not in table:
        return table
    bounds = table["95-%-Intervall"].str.split(" – ", expand=True).reindex(columns=[0, 1])
    bounds = bounds.astype(object).where(bounds.notna(), "–")  # a withheld share: "–"
    return table.drop(columns="95-%-Intervall").assign(von=bounds[0], bis=bounds[1])


def _page_blocks(history: views.KpiHistory, filters: views.Filters, lang: Lang) -> list[object]:
    contexts = [
        views.build_women_leadership(history, filters, lang),
        views.build_inclusion(history, filters, lang),
        views.build_part_time(history, filters, lang),
        views.build_migration(history, views.Filters(YEAR, None, "gender"), lang),
    ]
    return [
        block
        for context in contexts
        for block in vars(context).values()
        if isinstance(block, ChartBlock | TableBlock)
    ]


@pytest.mark.parametrize("carrier", [None, "BA"])
def test_every_csv_cell_is_what_the_page_shows_as_a_number(
    history: views.KpiHistory, carrier: str | None
) -> None:
    """The CSV has the page's rows and columns; each number is the shown value to CONTRACT
    § 4's two decimals (never a figure the page does not show), each sign the page's sign."""
    blocks = _page_blocks(history, views.Filters(YEAR, carrier, "org_unit"), "de")
    assert len(blocks) >= 12
    numbers = 0
    for block in blocks:
        assert isinstance(block, ChartBlock | TableBlock)
        export = block.export
        assert export is not None, block.key  # every block of a page has its numbers
        assert block.download is export
        shown = _shown_as_exported(block.table)
        assert shown.shape == export.shape, block.key
        for (_, shown_row), (_, export_row) in zip(
            shown.iterrows(), export.iterrows(), strict=True
        ):
            for text, cell in zip(shown_row, export_row, strict=True):
                if isinstance(cell, str):
                    assert cell == text, (block.key, text, cell)
                elif cell is None or pd.isna(cell):
                    assert text in ("–", "") or pd.isna(text), (block.key, text)
                else:
                    numbers += 1
                    assert isinstance(cell, Real), (block.key, cell)
                    number = float(cell)
                    shown_number = _number_in(str(text))
                    assert shown_number is not None, (block.key, text, cell)
                    # "22,0 %" is 21.95 rounded to one decimal
                    assert abs(shown_number - number) <= 0.05 + 1e-9, (block.key, text, cell)
                    assert round(number, 2) == number
    assert numbers > 20


def test_a_picture_names_its_view_date_signs_and_source(history: views.KpiHistory) -> None:
    """A PNG pasted into a slide said only its title: no carrier view, no date, no signs."""
    block = views.build_part_time(history, views.Filters(YEAR), "de").by_gender
    picture = block.picture
    assert picture is not None
    assert picture.subtitle == "Alle Träger · Stichtage 31.12.2024 bis 31.12.2025"
    assert block.suppressed_k == 5  # women and men in part-time are withheld ("•")
    sign_note, gender_note, source = picture.footnotes
    assert sign_note.startswith("„< 5“: Wert beruht auf weniger als 5 Personen. „•“: aus")
    assert "divers" in gender_note  # the one person of gender d is counted as w or m
    assert source == "Quelle: Vielfaltsmonitor, Personalbestand"
    printed = print_figure(block.figure, subtitle=picture.subtitle, footnotes=picture.footnotes)
    assert printed.layout.title.subtitle.text == picture.subtitle
    [footnote] = [a for a in printed.layout.annotations if "Quelle" in a.text]
    # escaped for Plotly's HTML subset, the lines wrapped to the picture's width
    assert footnote.text.startswith("„&lt; 5“: Wert beruht auf weniger als 5 Personen.")
    assert footnote.text.endswith("<br>Quelle: Vielfaltsmonitor, Personalbestand")
    assert footnote.yanchor == "bottom" and footnote.y < 0  # below the chart and its legend
    assert printed.layout.height > PNG_HEIGHT  # the picture grows by its caption
    # the chart on the page has neither: the page says both around it
    assert not block.figure.layout.title.subtitle.text
    assert not any("Quelle" in (a.text or "") for a in block.figure.layout.annotations)


def test_pictures_of_one_year_a_carrier_applications_and_the_survey(
    history: views.KpiHistory,
) -> None:
    english = views.build_women_leadership(history, views.Filters(YEAR), "en").pipeline.picture
    assert english is not None
    assert english.subtitle == "All carriers · reporting date 2025-12-31"
    assert english.footnotes[-1] == "Source: Diversity monitor, personnel snapshot"
    inclusion = views.build_inclusion(history, views.Filters(YEAR, "BA"), "de")
    # the quota trend reads BA's quota from the all-carrier view: it is BA's picture
    assert inclusion.trend.picture is not None
    assert inclusion.trend.picture.subtitle == "BA · Stichtage 31.12.2024 bis 31.12.2025"
    assert inclusion.applicants.picture is not None
    assert inclusion.applicants.picture.subtitle == "BA · Bewerbungen des Jahres 2025"
    assert inclusion.applicants.picture.footnotes[-1] == "Quelle: Vielfaltsmonitor, Bewerbungen"
    survey = views.build_migration(history, views.Filters(YEAR, "BA"), "de").waves
    assert survey is not None and survey.picture is not None
    # anonymous and joint: no carrier view, whatever the sidebar says
    assert survey.picture.subtitle == "Alle Träger · Anonyme Vielfaltsbefragung · letzte Welle 2025"
    assert survey.picture.footnotes[-1] == "Quelle: Vielfaltsmonitor, Vielfaltsbefragung"
    # every value of the waves is withheld in the small store: its signs are explained
    assert survey.suppressed_k == 10
    assert survey.picture.footnotes[0].startswith("„< 10“")


@pytest.mark.skipif(not browser_available(), reason="no Chromium (apt-get install chromium)")
def test_the_png_download_is_the_captioned_picture(history: views.KpiHistory, db: Path) -> None:
    block = views.build_part_time(history, views.Filters(YEAR), "de").by_gender
    assert block.picture is not None
    png = downloads.chart_png(
        db,
        block.figure,
        by=MANAGER,
        name="part_time_gender.png",
        subtitle=block.picture.subtitle,
        footnotes=block.picture.footnotes,
        year=YEAR,
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    printed = print_figure(
        block.figure, subtitle=block.picture.subtitle, footnotes=block.picture.footnotes
    )
    assert (width, height) == (PNG_WIDTH * PNG_SCALE, int(printed.layout.height) * PNG_SCALE)
    assert height > PNG_HEIGHT * PNG_SCALE
    [entry] = audit.entries(db)
    details = entry["details"]
    assert isinstance(details, dict)
    assert (entry["event"], details["file"], details["year"]) == (
        "download",
        "part_time_gender.png",
        YEAR,
    )
    assert "subtitle" not in details and "footnotes" not in details
