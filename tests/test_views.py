"""Page contexts without Streamlit: what pages and reports are built from."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from metrics import store, views
from metrics.disclosure import DisclosureRules, count_text, plans
from metrics.formatting import format_number
from metrics.kpis import api as kpis
from metrics.settings import load_settings
from tests.conftest import copy_store, detached_history
from tests.small_groups import build_small_group_store


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_group_store(tmp_path_factory.mktemp("small"))


def test_methodology_documents_every_kpi_of_the_registry() -> None:
    for lang in ("de", "en"):
        context = views.build_methodology(load_settings(), lang)
        assert set(context.kpis["ID"]) == {kpi.id for kpi in kpis.REGISTRY}
        assert context.kpis.notna().all().all()
        assert any("5" in rule and "10" in rule for rule in context.disclosure_rules)


def test_overview_cards_follow_the_registry_and_the_carrier_view(small_db: Path) -> None:
    with store.open_store(small_db) as con:
        history = views.KpiHistory.of_store(con)
        overview = views.build_overview(history, views.Filters(2025), "de")
        ba = views.build_overview(history, views.Filters(2025, "BA"), "de")
    assert [c.kpi_id for c in overview.cards] == list(views.OVERVIEW_KPIS)
    assert "migration_background_share" not in [c.kpi_id for c in ba.cards]
    headcount = overview.cards[0]
    assert headcount.value_text == "47"  # 40 BA + 7 Kommune at 31.12.2025
    assert headcount.delta_text == "±0"


PAGE_BUILDERS = (
    views.build_overview,
    views.build_women_leadership,
    views.build_inclusion,
    views.build_part_time,
    views.build_migration,
)


@pytest.fixture(scope="module")
def small_history(small_db: Path) -> views.KpiHistory:
    """The small store's published years, without a way back to the store."""
    return detached_history(small_db)


@pytest.mark.parametrize("builder", PAGE_BUILDERS, ids=lambda b: b.__name__)
def test_page_builders_read_the_published_years_and_nothing_else(
    small_history: views.KpiHistory, builder
) -> None:
    # the history holds the published years and no connection: a builder cannot go back to
    # the store for a query or build a year again
    years = small_history.years
    for filters in (
        views.Filters(years[-1]),
        views.Filters(years[-1], "BA", "gender"),
        views.Filters(years[0], None, "age_band"),
    ):
        assert builder(small_history, filters, "de").title


def test_trend_titles_say_which_years(small_db: Path) -> None:
    with store.open_store(small_db) as con:
        history = views.KpiHistory.of_store(con)
        context = views.build_part_time(history, views.Filters(2025), "en")
    assert context.by_gender.title.endswith("2024–2025")


def test_counts_in_operational_tables_pass_the_count_rule() -> None:
    rules = DisclosureRules()
    assert count_text(3, "de", rules) == "< 5"
    assert count_text(0, "de", rules) == "0"
    assert count_text(1050, "de", rules) == "1.050"
    assert count_text(1050, "en", rules) == "1,050"


def test_the_data_page_shows_a_waves_respondents_as_its_release_has_them(
    planned_demo_store: Path, tmp_path: Path
) -> None:
    """The Daten page's respondents per wave are the numerator of the wave's published response
    rate, not a count of its own; a year without a wave of its own has none to show."""
    with store.open_store(planned_demo_store) as con:
        wave = kpis.compute_kpis(con, 2025)
        between = kpis.compute_kpis(con, 2024)  # reads the wave of 2022
    respondents = wave["survey_response_rate"].numerator
    assert respondents is not None and respondents > 0
    assert views.respondents_text(wave, 2025, "de") == format_number(respondents, "de")
    assert views.respondents_text(between, 2024, "de") == "•"
    withheld = kpis.KpiValue(
        "survey_response_rate", 52.7, None, None, None, False, None, 5, "%", {"wave": 2025}
    )
    assert views.respondents_text({"survey_response_rate": withheld}, 2025, "en") == "•"
    # the Daten page does not wait for the planner: a year not planned yet reads "…"
    assert views.respondents_text(None, 2025, "de") == "…"
    settings = load_settings()
    assert plans.is_planned(planned_demo_store, 2025, settings)
    unplanned = copy_store(planned_demo_store, tmp_path / "copy")
    store.plan_path(unplanned).unlink()
    assert not plans.is_planned(unplanned, 2025, settings)


def test_the_data_page_shows_holdings_per_year_waves_and_the_log_as_published(
    planned_demo_store: Path,
) -> None:
    settings = load_settings()
    with store.open_store(planned_demo_store) as con:
        released = {2025: kpis.compute_kpis(con, 2025, None, settings)}
    context = views.build_data_page(planned_demo_store, released.get, settings.rules, "de")
    assert context.holdings is not None and context.waves is not None
    holdings = context.holdings.set_index(["Art", "Stichtag / Jahr / Welle"])
    # personnel per year, not per reporting date (a monthly series shows who joined or left)
    personnel = holdings.loc["Personalbestand"]
    assert list(personnel.index) == [str(year) for year in range(2016, 2026)]
    assert set(personnel["Stichtage"]) == {"12"}
    # a wave's respondents as its planned release publishes them, "…" while it is not planned
    waves = context.waves.set_index("Befragungsjahr")
    respondents = released[2025]["survey_response_rate"].numerator
    assert waves.loc[2025, "Antworten"] == format_number(respondents, "de")
    assert waves.loc[2019, "Antworten"] == "…"
    assert context.next_wave == 2025
    assert set(context.deletable) == {"personnel", "applications", "survey"}
    assert "31.12.2025" in context.deletable["personnel"]
    # the import log in the page's words; a monthly file's rows are withheld
    personnel_file = context.log[context.log["Art"] == "Personalbestand"].iloc[0]
    assert personnel_file["Zeilen"] == "•"
    assert personnel_file["Ergebnis"] == "importiert"
    assert personnel_file["Zeitpunkt"].count(".") == 2  # TT.MM.JJJJ hh:mm


def test_the_quota_chart_draws_the_targets_the_settings_have(small_db: Path) -> None:
    """The legal 5 % and the internal 9 % come from the settings; a target the settings lack
    is left out, not replaced by a number of the code's own."""
    settings = load_settings()
    without_internal = dataclasses.replace(
        settings, targets=tuple(item for item in settings.targets if item[0] != "sb_quota")
    )
    lines = {}
    with store.open_store(small_db) as con:
        for name, chosen in (("all", settings), ("without internal", without_internal)):
            history = views.KpiHistory.of_store(con, chosen)
            context = views.build_inclusion(history, views.Filters(2025), "de")
            lines[name] = sorted(shape.y0 for shape in context.quota.figure.layout.shapes)
    assert lines["all"] == [settings.target("sb_quota.BA"), settings.target("sb_quota")] == [5, 9]
    assert lines["without internal"] == [5]


@pytest.fixture(scope="module")
def demo_history(planned_demo_store: Path) -> views.KpiHistory:
    settings = load_settings()
    with store.open_store(planned_demo_store) as con:
        published = {2025: kpis.published_year(con, 2025, settings)}
    return views.KpiHistory([2025], settings, published.__getitem__)


@pytest.mark.parametrize("carrier", ["BA", "Kommune"])
def test_a_carriers_quota_card_shows_its_quota_against_both_targets(
    demo_history: views.KpiHistory, carrier: str
) -> None:
    """The Inklusion card of a carrier read "–" and "ohne Zielwert" beside a chart of 11.8 %."""
    small_history = demo_history
    filters = views.Filters(2025, carrier)
    card = views.build_inclusion(small_history, filters, "de").cards[0]
    overview = next(
        c
        for c in views.build_overview(small_history, filters, "de").cards
        if c.kpi_id == "sb_quota"
    )
    value = small_history.values(2025)[f"sb_quota.{carrier}"]  # the chart's bar
    assert value.value is not None
    assert card.value_text == overview.value_text == views.blocks._value_text(value, "de")
    settings = small_history.settings
    legal, internal = settings.target(f"sb_quota.{carrier}"), settings.target("sb_quota")
    assert (legal, internal) == (5, 9)
    assert (card.target_label, card.target_text) == ("Pflichtquote", "5 %")
    expected = "good" if value.value >= legal else "bad" if value.value < 0.9 * legal else "warn"
    assert card.status == expected
    [second] = card.more_targets
    assert (second.label, second.text) == ("Ziel Inklusionsvereinbarung", "9 %")
    expected = "good" if value.value >= internal else "bad" if value.value < 8.1 else "warn"
    assert second.status == expected
    assert overview.more_targets == card.more_targets
    # all carriers: the inclusion agreement's target alone, labelled as such
    combined = views.build_inclusion(small_history, views.Filters(2025), "de").cards[0]
    assert combined.target_label == "Ziel Inklusionsvereinbarung" and combined.more_targets == ()


def test_a_survey_card_before_the_first_wave_says_there_was_none(
    small_history: views.KpiHistory,
) -> None:
    """It read "Befragungswelle None"."""
    seen_without_wave = False
    for year in small_history.years:
        for card in views.build_overview(small_history, views.Filters(year), "de").cards:
            assert "None" not in (card.note or "") + (card.delta_label or ""), (year, card)
            value = small_history.values(year).get(card.kpi_id)
            if value is not None and "wave" in value.extra and value.extra["wave"] is None:
                seen_without_wave = True
                assert card.note == "Bis zu diesem Jahr gab es noch keine Befragungswelle."
                assert card.delta_label == "ggü. Vorjahr"
    assert seen_without_wave, "the small store has a year before its first wave"


def test_a_chart_without_one_published_value_is_marked_not_drawn(
    demo_history: views.KpiHistory,
) -> None:
    """Teilzeit with BA drew an empty "nach Führungsebene" chart."""
    ba = views.build_part_time(demo_history, views.Filters(2025, "BA"), "de")
    assert not ba.by_level.drawn
    assert ba.by_level.table.iloc[:, 1].isin(["•", "–"]).all() or ba.by_level.table.empty
    combined = views.build_part_time(demo_history, views.Filters(2025), "de")
    assert combined.by_level.drawn and combined.by_gender.drawn


def test_the_methodology_explains_each_kpi_in_full_and_its_terms() -> None:
    """Definitions and sources were cut to "Re…" in a table whose first column was the id."""
    settings = load_settings()
    for lang in ("de", "en"):
        context = views.build_methodology(settings, lang)
        assert list(context.kpis.columns)[-1] == "ID"
        for entry, kpi in zip(context.entries, kpis.REGISTRY, strict=True):
            assert entry.label == kpi.label(lang) and entry.definition == kpi.definition(lang)
            assert entry.facts.endswith(f"ID: {kpi.id}")
        terms = dict(context.glossary)
        assert len(terms) == 10 and all(terms.values())
    de = dict(views.build_methodology(settings, "de").glossary)
    assert "Pp." in " ".join(de) and "Platz-Monate" in de and "Repräsentationsindex" in de
    assert (
        f"{settings.k_ordinary}, bei Gesundheitsmerkmalen {settings.k_sensitive}"
        in (de["„< k“ (zu wenige Personen)"])
    )
    assert "(9 %)" in de["Pflichtquote"]


def test_the_invited_form_starts_at_the_stored_count(planned_demo_store: Path) -> None:
    context = views.build_data_page(planned_demo_store, lambda _: None, DisclosureRules(), "de")
    waves = store.survey_waves(planned_demo_store)
    latest = waves.iloc[-1]
    assert context.next_wave == int(latest["wave"])
    assert context.invited_of[context.next_wave] == int(latest["invited"]) > 1


def test_the_carriers_side_by_side_read_as_each_carriers_own_cards(small_db: Path) -> None:
    with store.open_store(small_db) as con:
        history = views.KpiHistory.of_store(con)
        overview = views.build_overview(history, views.Filters(2025), "de")
        own = {
            view: {
                c.kpi_id: c
                for c in views.build_overview(history, views.Filters(2025, view), "de").cards
            }
            for view in ("BA", "Kommune")
        }
    block = overview.carriers
    assert block is not None and block.title == "Träger im Vergleich, 2025"
    table = block.table.set_index("Kennzahl")
    assert list(table.columns) == ["Alle Träger", "BA", "Kommune"]
    # the survey has no carrier view: no row
    assert "Anteil mit Migrationshintergrund" not in table.index
    for view, cards in own.items():
        for card in cards.values():
            cell = table.loc[card.title, view]
            assert cell.startswith(card.value_text), (view, card.title, cell)
            if card.status is not None:
                verdict = {"good": "erreicht", "warn": "knapp verfehlt", "bad": "verfehlt"}
                assert cell.endswith(f"· {verdict[card.status]})"), (view, cell)
    # a carrier's SB quota is held against the legal 5 %, all carriers against the 9 %
    quota = table.loc["Beschäftigungsquote schwerbehinderter Menschen", "BA"]
    assert "Ziel 5 %" in quota and "Ziel Inklusionsvereinbarung 9 %" in quota
    assert "Ziel 9 %" in table.loc["Beschäftigungsquote schwerbehinderter Menschen", "Alle Träger"]


def test_the_trends_show_the_years_chosen(planned_demo_store: Path) -> None:
    with store.open_store(planned_demo_store) as con:
        small_history = views.KpiHistory.of_store(con)
        _check_years_shown(small_history)


def _check_years_shown(small_history: views.KpiHistory) -> None:
    years = small_history.years
    assert len(years) >= 3
    first, last = years[1], years[-2]
    shown = small_history.showing((first, last))
    assert shown.shown_years == tuple(y for y in years if first <= y <= last)
    assert shown.years == years  # the change against the year before still reads every year
    page = views.build_part_time(shown, views.Filters(years[-1], years=(first, last)), "de")
    assert page.by_gender.title.endswith(f", {first}–{last}")
    assert set(shown.trend("part_time_share")["year"]) <= set(range(first, last + 1))
    # a range without a year of the store, or all of them, shows every year
    assert small_history.showing((1900, 1901)) is small_history
    assert small_history.showing((years[0], years[-1])) is small_history
    assert small_history.showing(None) is small_history
