"""The PowerPoint deck on the demo store: its sections, messages and native charts compared with
the published release, its form (14 pt, every shape on the slide), file properties and template.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.presentation import Presentation as Deck
from pptx.util import Inches

from metrics import store, views
from metrics.access import LOCAL_USER
from metrics.formatting import decimals_of, format_number
from metrics.i18n import t
from metrics.kpis import api as kpis
from metrics.report import ReportError, build_deck, build_workbook, content
from metrics.report.content import Headline, ReportContent
from metrics.report.deck import unbroken
from metrics.settings import load_settings
from tests.test_report_disclosure import presentation_texts

YEAR = 2025
SETTINGS = load_settings()
SIZE = re.compile(rb'\bsz="(\d+)"')


@dataclasses.dataclass(frozen=True)
class Built:
    """A deck and what it was built from."""

    deck: Deck
    content: ReportContent
    headlines: list[Headline]
    history: views.KpiHistory


@pytest.fixture(scope="module")
def con(planned_demo_store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.open_store(planned_demo_store) as connection:
        yield connection


def build(con: duckdb.DuckDBPyConnection, carrier: str | None, lang: str) -> Built:
    data = build_deck(con, YEAR, carrier, lang, by=LOCAL_USER)  # type: ignore[arg-type]
    history = content.report_history(con, YEAR, SETTINGS)
    report = content.gather(con, YEAR, carrier, lang, SETTINGS, history)  # type: ignore[arg-type]
    return Built(
        Presentation(io.BytesIO(data)), report, content.headlines(report, history), history
    )


@pytest.fixture(scope="module")
def all_de(con: duckdb.DuckDBPyConnection) -> Built:
    return build(con, None, "de")


@pytest.fixture(scope="module")
def ba_en(con: duckdb.DuckDBPyConnection) -> Built:
    return build(con, "BA", "en")


@pytest.fixture(params=["all_de", "ba_en"])
def built(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(request.param)


def slide_texts(slide) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}


def section_of(slide) -> str:  # type: ignore[no-untyped-def]
    return slide._element.cSld.get("name")


def slides_of(deck: Deck, section: str) -> list:  # type: ignore[type-arg]
    return [slide for slide in deck.slides if section_of(slide) == section]


def chart_of(slide):  # type: ignore[no-untyped-def]
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1
    return charts[0]


def published_points(built: Built, kpi_id: str) -> tuple[list[str], list[float | None]]:
    """The years and values a KPI's chart must show: each year's published value at the
    precision the deck prints it, None where it is withheld or missing."""
    survey = kpis.KPIS[kpi_id].source == "survey"
    years, values = [], []
    for year in built.history.shown_years:
        value = built.history.values(year, built.content.carrier).get(kpi_id)
        if survey and (value is None or value.extra.get("wave") != year):
            continue
        years.append(str(year))
        if value is None or value.suppressed or value.value is None:
            values.append(None)
        else:
            values.append(round(value.value, decimals_of(value.unit)))
    return years, values


# --- sections and messages ------------------------------------------------------------------------


def test_the_deck_is_16_9_and_the_title_slide_states_the_data(all_de: Built) -> None:
    deck = all_de.deck
    assert deck.slide_width * 9 == deck.slide_height * 16
    title_slide = " ".join(slide_texts(deck.slides[0]).values())
    assert deck.slides[0].shapes.title.text == f"Vielfaltsmonitor – Kennzahlen {YEAR}"
    assert "Alle Träger" in title_slide
    assert "Stichtag 31.12.2025" in title_slide
    assert "DEMO-DATEN" in title_slide  # the demo store is marked as such
    assert all("demo_marker" in slide_texts(slide) for slide in deck.slides)


def test_kpi_slide_titles_are_the_headline_messages(built: Built) -> None:
    titles = [slide.shapes.title.text for slide in slides_of(built.deck, "headlines")]
    # the same words, a unit bound to its number by a no-break space ("4,3 %" never breaks)
    assert titles == [unbroken(headline.message) for headline in built.headlines]
    assert [title.replace("\u00a0", " ") for title in titles] == [
        headline.message for headline in built.headlines
    ]
    assert any("\u00a0%" in title for title in titles)
    assert [h.kpi_id for h in built.headlines] == list(content.headline_ids(built.content.carrier))
    for slide in slides_of(built.deck, "headlines"):
        assert {"kpi_value", "finding", "footnote", "chart"} <= {s.name for s in slide.shapes}


def test_the_agenda_lists_the_sections_built(built: Built) -> None:
    deck, lang = built.deck, built.content.lang
    sections: list[str] = []
    for slide in list(deck.slides)[2:]:
        if section_of(slide) not in sections:
            sections.append(section_of(slide))
    agenda = slide_texts(deck.slides[1])["agenda"].split("\n")
    expected = [f"{n}. {t(f'report.deck.section.{s}', lang)}" for n, s in enumerate(sections, 1)]
    assert agenda == expected
    assert sections[0] == "summary" and sections[-1] == "appendix"
    assert "open_points" in sections and "underrepresentation" in sections


def test_the_summary_has_three_to_five_messages(built: Built) -> None:
    (slide,) = slides_of(built.deck, "summary")
    shown = slide_texts(slide)["summary"].split("\n")
    expected = content.summary_messages(built.content, built.headlines)
    assert 3 <= len(shown) <= 5
    assert shown == [f"• {message}" for message in expected]


def test_the_women_leadership_slide_states_value_target_and_a_new_finding(
    all_de: Built, con: duckdb.DuckDBPyConnection
) -> None:
    index = [h.kpi_id for h in all_de.headlines].index("women_leadership_share")
    slide = slides_of(all_de.deck, "headlines")[index]
    texts = slide_texts(slide)
    current = all_de.content.values["women_leadership_share"]
    previous = all_de.content.previous_values["women_leadership_share"]
    shown = format_number(current.value, "de", 1)
    change = format_number(abs(current.value - previous.value), "de", 1)
    assert texts["kpi_value"].split("\n")[:2] == [f"{shown} %", "Ziel: 50 % · erreicht"]
    assert f"{'+' if current.value > previous.value else '−'}{change} Pp." in texts["kpi_value"]
    # the finding adds to the numbers above it and repeats none of them
    assert texts["finding"].startswith("Das Ziel ist erreicht. Seit 2016: ")
    assert shown not in texts["finding"] and change not in texts["finding"]
    assert "Definition: Frauen / (Frauen + Männer)" in texts["footnote"]
    assert "BGleiG" in texts["footnote"]
    # the full sentence, with the numbers, is in the speaker's notes
    assert all_de.headlines[index].finding in slide.notes_slide.notes_text_frame.text


def test_no_finding_repeats_the_value_above_it(built: Built) -> None:
    for slide, headline in zip(slides_of(built.deck, "headlines"), built.headlines, strict=True):
        if headline.value is not None and not headline.value.suppressed:
            assert headline.value_text not in slide_texts(slide)["finding"], headline.kpi_id


def test_english_carrier_deck_leaves_out_the_survey(ba_en: Built) -> None:
    titles = [slide.shapes.title.text for slide in ba_en.deck.slides]
    assert not any("migration" in title.lower() for title in titles)
    assert "Carrier BA" in " ".join(slide_texts(ba_en.deck.slides[0]).values())
    assert slides_of(ba_en.deck, "headlines")[0].shapes.title.text.startswith("The number of staff")


def test_an_english_deck_has_no_german_source_text(ba_en: Built) -> None:
    text = " ".join(presentation_texts(ba_en.deck))
    german = {kpi.source_text("de") for kpi in kpis.REGISTRY} - {
        kpi.source_text("en") for kpi in kpis.REGISTRY
    }
    assert german  # the registry has German source texts to leak
    assert not [source for source in german if source and source in text]
    assert "Quelle:" not in text and "Stichtag" not in text


def test_underrepresentation_is_counted_from_the_published_table(all_de: Built) -> None:
    table = all_de.history.published(YEAR).underrepresentation(None)
    assessed = table[table["assessed"].astype(bool)]
    men = int((assessed["underrepresented"] == "m").sum())
    assert men and not (assessed["underrepresented"] == "w").any()  # the demo store's pattern
    slides = slides_of(all_de.deck, "underrepresentation")
    title = f"Männer sind in {men} von {len(assessed)} bewerteten Bereichen unterrepräsentiert"
    assert [s.shapes.title.text.split(" (")[0] for s in slides] == [title] * len(slides)
    cells = [
        [cell.text for cell in row.cells]
        for slide in slides
        for shape in slide.shapes
        if shape.has_table
        for row in list(shape.table.rows)[1:]
    ]
    assert len(cells) == len(table)
    withheld = table[table["suppressed"].astype(bool)]
    assert sum(row[1] in ("•", "< 5") for row in cells) == len(withheld)


def test_the_sb_quota_slide_names_each_carrier(all_de: Built) -> None:
    (slide,) = slides_of(all_de.deck, "quota")
    chart = chart_of(slide)
    assert list(chart.plots[0].categories) == ["BA", "Kommune"]
    expected = [
        round(all_de.history.values(YEAR, c)["sb_quota"].value, 1) for c in ("BA", "Kommune")
    ]
    assert list(chart.plots[0].series[0].values) == expected
    assert [list(s.values) for s in chart.plots[1].series] == [[5.0, 5.0], [9.0, 9.0]]


def test_the_pipeline_shows_each_level_against_its_target(all_de: Built) -> None:
    (slide,) = slides_of(all_de.deck, "pipeline")
    chart = chart_of(slide)
    values = all_de.content.values
    ids = ["women_share", "women_deputy_share"] + [
        f"women_leadership_share_by_level.{level}"
        for level in ("Teamleitung", "Bereichsleitung", "Geschäftsführung")
    ]
    assert list(chart.plots[0].series[0].values) == [round(values[i].value, 1) for i in ids]
    assert list(chart.plots[1].series[0].values) == [50.0] * len(ids)
    index = content.value_text(values["leadership_representation_index"], "de")
    leaders = content.value_text(values["women_leadership_share"], "de")
    finding = slide_texts(slide)["finding"]
    assert finding.startswith(
        f"Der Repräsentationsindex teilt den Frauenanteil an Führungskräften ({leaders})"
    )
    assert f"{YEAR} ergibt das {index}." in finding


# --- native charts ----------------------------------------------------------------------------


def test_every_chart_is_native_and_shows_the_published_values(built: Built) -> None:
    for slide in built.deck.slides:
        assert not [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    slides = slides_of(built.deck, "headlines")
    for slide, headline in zip(slides, built.headlines, strict=True):
        chart = chart_of(slide)
        assert not chart.has_title
        years, values = published_points(built, headline.kpi_id)
        assert list(chart.plots[0].categories) == years
        assert list(chart.plots[0].series[0].values) == values, headline.kpi_id


def test_a_withheld_year_is_a_gap_not_zero(ba_en: Built) -> None:
    index = [h.kpi_id for h in ba_en.headlines].index("sb_applicant_share")
    chart = chart_of(slides_of(ba_en.deck, "headlines")[index])
    _, values = published_points(ba_en, "sb_applicant_share")
    assert None in values  # the demo store withholds BA's value of some years
    assert list(chart.plots[0].series[0].values) == values
    xml = chart._chartSpace.xml
    assert '<c:dispBlanksAs val="gap"/>' in xml


@pytest.mark.parametrize(("fixture", "targets"), [("all_de", [9.0]), ("ba_en", [5.0, 9.0])])
def test_the_sb_quota_target_is_the_one_of_the_view(
    fixture: str, targets: list[float], request: pytest.FixtureRequest
) -> None:
    built: Built = request.getfixturevalue(fixture)
    key = "sb_quota" if built.content.carrier is None else f"sb_quota.{built.content.carrier}"
    assert SETTINGS.target(key) == targets[0] and SETTINGS.target("sb_quota") == targets[-1]
    index = [h.kpi_id for h in built.headlines].index("sb_quota")
    slide = slides_of(built.deck, "headlines")[index]
    series = list(chart_of(slide).plots[0].series)[1:]
    assert [set(s.values) for s in series] == [{target} for target in targets]
    panel = slide_texts(slide)["kpi_value"]
    for target in targets:
        assert f"{format_number(target, built.content.lang, 0)} %" in panel


# --- form -------------------------------------------------------------------------------------


def test_no_text_below_14_pt(built: Built) -> None:
    for slide in built.deck.slides:
        parts = [slide.part.blob]
        for shape in slide.shapes:
            if shape.has_chart:
                chart_xml = shape.chart.part.blob
                parts.append(chart_xml)
                # the chart's default text size is set, so no text falls back to 10 pt
                tree = etree.fromstring(chart_xml)
                ns = {
                    "c": tree.nsmap["c"],
                    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
                }
                assert tree.find("c:txPr/a:p/a:pPr/a:defRPr", ns) is not None
        for xml in parts:
            sizes = [int(size) for size in SIZE.findall(xml)]
            assert sizes and min(sizes) >= 1400, section_of(slide)
        # every run sets its size: none inherits a template's smaller default
        runs = re.findall(rb"<a:r>(?:(?!</a:r>).)*</a:r>", slide.part.blob, re.S)
        assert all(b"sz=" in run for run in runs)


def test_titles_take_at_most_two_lines(built: Built) -> None:
    from metrics.report.deck import TITLE_PT, lines_of

    for slide in built.deck.slides:
        title = slide.shapes.title
        size = title.text_frame.paragraphs[0].runs[0].font.size.pt
        assert size in TITLE_PT
        assert lines_of(title.text, int(size), title.width) <= 2, title.text


def test_every_shape_lies_inside_the_slide(built: Built) -> None:
    deck = built.deck
    margin = Inches(0.4)
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left >= margin and shape.top >= Inches(0.3), shape.name
            assert shape.left + shape.width <= deck.slide_width - margin + 1, shape.name
            assert shape.top + shape.height <= deck.slide_height - margin + 1, shape.name


def test_file_properties_are_filled(all_de: Built) -> None:
    properties = all_de.deck.core_properties
    assert properties.title == f"Vielfaltsmonitor – Kennzahlen {YEAR}"
    assert properties.subject == f"Alle Träger · {YEAR}"
    assert properties.author == properties.last_modified_by == "Vielfaltsmonitor"
    assert properties.language == "de-DE" and properties.revision == 1
    assert properties.keywords and properties.category
    now = datetime.now(UTC).replace(tzinfo=None)
    assert now - timedelta(minutes=30) < properties.created <= now
    assert properties.modified == properties.created


def test_the_legend_names_the_real_thresholds(built: Built) -> None:
    (slide,) = [s for s in slides_of(built.deck, "appendix") if "legend" in slide_texts(s)]
    legend = slide_texts(slide)["legend"]
    k, k_sensitive = SETTINGS.k_ordinary, SETTINGS.k_sensitive
    assert f"< {k}" in legend and f"< {k_sensitive}" in legend and "•" in legend
    assert "–" in legend
    assert not [text for text in presentation_texts(built.deck) if "< k" in text]


# --- template and errors ------------------------------------------------------------------------


def test_the_organisations_template_is_used(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    template = Presentation()
    template.slide_width, template.slide_height = Inches(10), Inches(7.5)  # 4:3
    layout = template.slide_layouts[5]
    layout._element.cSld.set("name", "Hausvorlage Nur Titel")
    old = template.slides.add_slide(template.slide_layouts[0])
    old.shapes.title.text = "ALTE FOLIE"
    path = tmp_path / "vorlage.pptx"
    template.save(path)
    settings = dataclasses.replace(
        SETTINGS, report_template=path, organisation="Jobcenter Musterstadt"
    )
    deck = Presentation(
        io.BytesIO(build_deck(con, YEAR, "Kommune", settings=settings, by=LOCAL_USER))
    )
    assert (deck.slide_width, deck.slide_height) == (Inches(10), Inches(7.5))
    assert "ALTE FOLIE" not in " ".join(presentation_texts(deck))
    layouts = {slide.slide_layout.name for slide in list(deck.slides)[1:]}
    assert layouts == {"Hausvorlage Nur Titel"}
    assert "Jobcenter Musterstadt" in slide_texts(deck.slides[0])["subtitle"]
    assert deck.core_properties.author == "Jobcenter Musterstadt"
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left + shape.width <= deck.slide_width
            assert shape.top + shape.height <= deck.slide_height


def test_unknown_year_or_carrier_is_a_report_error(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ReportError, match="2030"):
        build_workbook(con, 2030, by=LOCAL_USER)
    with pytest.raises(ReportError, match="carrier"):
        build_deck(con, YEAR, "Land", by=LOCAL_USER)
