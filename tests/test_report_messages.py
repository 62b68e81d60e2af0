"""What a report says in words: slide titles, the executive summary, the open points, and the
rules behind them (a missed target never reads as reached; a survey's change within its interval
is no change). Hand-made values for the rules, the planned demo store for the summary."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest

from metrics import store
from metrics.formatting import format_value, shown_against_target
from metrics.i18n import Lang
from metrics.kpis.values import KpiValue
from metrics.report import content
from metrics.report.content import (
    Headline,
    ReportContent,
    change_margin,
    finding,
    headlines,
    message,
    open_points,
    summary_messages,
)
from metrics.settings import load_settings
from metrics.views import ChartBlock

YEAR = 2025


def value(
    kpi_id: str,
    number: float | None,
    target: float | None = None,
    *,
    unit: str = "%",
    numerator: float | None = None,
    denominator: float | None = None,
    suppressed: bool = False,
    **extra: object,
) -> KpiValue:
    return KpiValue(
        id=kpi_id,
        value=number,
        numerator=numerator,
        denominator=denominator,
        target=target,
        suppressed=suppressed,
        reason="differencing" if suppressed else None,
        k=5,
        unit=unit,
        extra=extra,  # type: ignore[arg-type]  # the extras a test needs
    )


def report(
    values: Mapping[str, KpiValue],
    previous: Mapping[str, KpiValue] | None = None,
    carrier: str | None = None,
    lang: Lang = "de",
) -> ReportContent:
    return ReportContent(
        year=YEAR,
        carrier=carrier,
        lang=lang,
        settings=load_settings(),
        title="Bericht",
        view_name="Alle Träger",
        reporting_date="31.12.2025",
        data_as_of="31.12.2025",
        created="07.12.2026",
        demo=False,
        values=values,
        previous_year=YEAR - 1,
        previous_values=previous or {},
        gender_assigned=False,
    )


def headline(kpi_id: str, current: KpiValue, facts: ReportContent) -> Headline:
    """A headline as `content.headlines` makes it, around an empty chart."""
    chart = ChartBlock(key=kpi_id, title=kpi_id, figure=go.Figure(), table=pd.DataFrame())
    previous = facts.previous_values.get(kpi_id)
    return Headline(
        kpi_id=kpi_id,
        title=kpi_id,
        value=current,
        value_text=content.value_text(current, facts.lang),
        target_text=None,
        status=content.status_of(current),
        change_text=None,
        finding="",
        chart=chart,
        footnote="",
        message=message(kpi_id, current, previous, facts, 5),
    )


# --- a missed target never reads as reached ------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "target", "unit", "shown", "text"),
    [
        (4.47, 4.5, "%", 4.47, "4,47 %"),  # would round to the target: one decimal more
        (4.4999, 4.5, "%", 4.49, "4,49 %"),  # rounded down, never up to the target
        (4.44, 4.5, "%", 4.4, "4,4 %"),  # reads below the target already
        (4.5, 4.5, "%", 4.5, "4,5 %"),
        (50.04, 50.0, "%", 50.0, "50,0 %"),  # above it: the usual rounding
        (0.995, 1.0, "ratio", 0.99, "0,99"),  # ratios have their two published decimals only
        (17.23, None, "%", 17.2, "17,2 %"),
    ],
)
def test_a_value_below_its_target_never_reads_as_the_target(
    number: float, target: float | None, unit: str, shown: float, text: str
) -> None:
    assert shown_against_target(number, unit, target)[0] == pytest.approx(shown)
    assert format_value(number, unit, "de", target) == text


def test_the_finding_and_the_status_agree_at_the_target() -> None:
    below = value("sb_applicant_share", 4.47, 4.5)
    assert content.status_of(below) == "warn"
    assert finding("sb_applicant_share", below, None, YEAR, "de", 5).endswith(
        "bei 4,47 % und damit unter dem Ziel von 4,5 %."
    )
    assert content.value_text(below, "de") == "4,47 %"


# --- a survey's change within its interval ----------------------------------------------------


def test_the_margin_of_a_change_adds_the_two_waves_errors_in_squares() -> None:
    # half-widths 3.0 and 4.0 percentage points: sqrt(9 + 16) = 5.0
    now = value("migration_background_share", 17.2, ci_low=14.2, ci_high=20.2, wave=2025)
    before = value("migration_background_share", 17.1, ci_low=13.1, ci_high=21.1, wave=2022)
    assert change_margin(now, before) == pytest.approx(5.0)
    assert change_margin(now, value("migration_background_share", 17.1, wave=2022)) is None


def test_a_survey_change_within_its_margin_is_said_to_be_none() -> None:
    now = value("migration_background_share", 17.2, ci_low=14.2, ci_high=20.2, wave=2025)
    before = value("migration_background_share", 17.1, ci_low=13.1, ci_high=21.1, wave=2022)
    text = finding("migration_background_share", now, before, YEAR, "de", 10)
    assert text.endswith(
        "gegenüber der Befragung 2022 ist er im Rahmen der Messgenauigkeit unverändert "
        "(Veränderung +0,1 Pp., Messgenauigkeit ±5,0 Pp. bei 95 % Sicherheit)."
    )
    facts = report({"migration_background_share": now}, {"migration_background_share": before})
    assert message("migration_background_share", now, before, facts, 10) == (
        "Der Anteil der Befragten mit Migrationshintergrund liegt bei 17,2 % – im Rahmen der "
        "Messgenauigkeit unverändert"
    )
    # a change of 6 points is beyond the margin of 5: the survey can tell it
    risen = replace(now, value=23.1, extra={"ci_low": 20.1, "ci_high": 26.1, "wave": 2025})
    assert "um 6,0 Prozentpunkte gestiegen" in finding(
        "migration_background_share", risen, before, YEAR, "de", 10
    )


# --- slide titles --------------------------------------------------------------------------------


def test_a_title_states_the_level_the_change_and_the_target() -> None:
    now = value("women_leadership_share", 52.63, 50.0)
    facts = report({"women_leadership_share": now})
    assert message(
        "women_leadership_share", now, value("women_leadership_share", 50.6), facts, 5
    ) == ("Der Frauenanteil an Führungskräften steigt auf 52,6 % – Ziel von 50 % erreicht")
    # below half a point the title gives the level; the finding gives the change
    assert message(
        "women_leadership_share", now, value("women_leadership_share", 52.3), facts, 5
    ) == ("Der Frauenanteil an Führungskräften liegt bei 52,6 % – Ziel von 50 % erreicht")
    english = report({"part_time_share": value("part_time_share", 30.0)}, lang="en")
    assert message(
        "part_time_share",
        value("part_time_share", 30.0),
        value("part_time_share", 31.3),
        english,
        5,
    ) == ("The part-time share falls to 30.0 %")
    withheld = value("sb_quota", None, 9.0, suppressed=True)
    assert message("sb_quota", withheld, None, facts, 10) == (
        "Beschäftigungsquote schwerbehinderter Menschen 2025: zum Schutz einzelner Personen "
        "nicht ausgewiesen"
    )


def test_the_representation_title_says_why_the_index_misses_its_target() -> None:
    values = {
        "women_share": value("women_share", 68.9),
        "women_leadership_share": value("women_leadership_share", 52.6, 50.0),
        "leadership_representation_index": value(
            "leadership_representation_index", 0.7634, 1.0, unit="ratio"
        ),
    }
    facts = report(values)
    index = values["leadership_representation_index"]
    assert message("leadership_representation_index", index, None, facts, 5) == (
        "Frauen stellen 68,9 % der Beschäftigten, aber 52,6 % der Führungskräfte: in Führung "
        "schwächer vertreten als in der Belegschaft (Index 0,76)"
    )
    # with the leaders' share withheld the title cannot say it, and says the level
    hidden = {
        **values,
        "women_leadership_share": value("women_leadership_share", None, 50.0, suppressed=True),
    }
    assert message("leadership_representation_index", index, None, report(hidden), 5) == (
        "Der Repräsentationsindex Führung liegt bei 0,76 – Ziel von 1,0 verfehlt"
    )


# --- the executive summary and the open points --------------------------------------------------


def test_the_summary_names_targets_quotas_changes_and_withheld_figures() -> None:
    values = {
        "women_leadership_share": value("women_leadership_share", 47.8, 50.0),
        "sb_quota": value("sb_quota", 9.4, 9.0),
        "sb_quota.BA": value("sb_quota.BA", 11.8, 5.0),
        "sb_quota.Kommune": value("sb_quota.Kommune", 4.2, 5.0),
        "part_time_share": value("part_time_share", 32.7),
        "mobile_work_share": value("mobile_work_share", 65.9),
        "sb_applicant_share": value("sb_applicant_share", None, 4.5, suppressed=True),
    }
    previous = {
        "women_leadership_share": value("women_leadership_share", 45.4),
        "part_time_share": value("part_time_share", 34.0),
        "mobile_work_share": value("mobile_work_share", 65.6),  # +0.3: not among the largest
    }
    facts = report(values, previous)
    shown = [headline(kpi_id, values[kpi_id], facts) for kpi_id in values if "." not in kpi_id]
    assert summary_messages(facts, shown) == [
        "Erreicht: Beschäftigungsquote schwerbehinderter Menschen (9,4 %). Verfehlt: "
        "Frauenanteil an Führungskräften (47,8 %) gegenüber 50 %.",
        "Die gesetzliche Beschäftigungsquote von 5 % (§ 154 SGB IX) erfüllt nicht jeder Träger: "
        "BA 11,8 % und Kommune 4,2 %. Zusammen erreichen sie mit 9,4 % das Ziel der "
        "Inklusionsvereinbarung von 9 %.",
        "Die größten Veränderungen gegenüber 2024: Frauenanteil an Führungskräften +2,4 Pp. und "
        "Teilzeitquote −1,3 Pp.",
        "Zum Schutz einzelner Personen nicht ausgewiesen: sb_applicant_share.",
    ]


def test_open_points_say_what_a_missed_target_takes() -> None:
    values = {
        # 4 of 10 leaders are women: one more woman among as many leaders makes 50 %
        "women_leadership_share": value(
            "women_leadership_share", 40.0, 50.0, numerator=4, denominator=10
        ),
        "women_leadership_share_by_level.Teamleitung": value(
            "women_leadership_share_by_level.Teamleitung", 40.0, 50.0, numerator=4, denominator=10
        ),
        "women_leadership_share_by_level.Bereichsleitung": value(
            "women_leadership_share_by_level.Bereichsleitung", 50.0, 50.0
        ),
        # 0 of 2: one more woman among as many is half
        "women_leadership_share_by_level.Geschäftsführung": value(
            "women_leadership_share_by_level.Geschäftsführung",
            0.0,
            50.0,
            numerator=0,
            denominator=2,
        ),
        # 100 filled of 1,200 place-months over 12 months against 9 %: 8 place-months, 1 place
        "sb_quota": value(
            "sb_quota", 8.33, 5.0, numerator=100, denominator=1200, months_covered=12
        ),
    }
    facts = report(values, carrier="Kommune")
    shown = [
        headline(kpi_id, values[kpi_id], facts) for kpi_id in ("women_leadership_share", "sb_quota")
    ]
    assert open_points(facts, shown) == [
        "Frauenanteil an Führungskräften: 40,0 % gegenüber dem Ziel von 50 % – Bis 50 %: 1 Frau "
        "mehr unter gleich vielen Führungskräften",
        # the levels from the first up, each named as its KPI
        "Frauenanteil je Führungsebene – Teamleitung: 40,0 % gegenüber dem Ziel von 50 % – Bis "
        "50 %: 1 Frau mehr unter gleich vielen Führungskräften",
        "Frauenanteil je Führungsebene – Geschäftsführung: 0,0 % gegenüber dem Ziel von 50 % – Bis "
        "50 %: 1 Frau mehr unter gleich vielen Führungskräften",
        "Beschäftigungsquote schwerbehinderter Menschen (Ziel der Inklusionsvereinbarung): 8,3 % "
        "gegenüber dem Ziel von 9 % – Bis 9 %: rund 1 besetzter Pflichtplatz mehr im Jahresmittel",
    ]


@pytest.fixture(scope="module")
def con(planned_demo_store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.open_store(planned_demo_store) as connection:
        yield connection


@pytest.mark.parametrize(("carrier", "lang"), [(None, "de"), ("Kommune", "de"), ("BA", "en")])
def test_every_headline_has_a_message_and_the_summary_three_to_five(
    con: duckdb.DuckDBPyConnection, carrier: str | None, lang: Lang
) -> None:
    settings = load_settings()
    history = content.report_history(con, YEAR, settings)
    facts = content.gather(con, YEAR, carrier, lang, settings, history)
    shown = headlines(facts, history)
    for item in shown:
        # a title states the published value (or that it is withheld), never another number
        if item.value is not None and item.value.suppressed:
            assert not any(c.isdigit() for c in item.message.replace(str(YEAR), "")), item.message
        elif item.kpi_id != "leadership_representation_index":
            assert item.value_text in item.message, item.message
    summary = summary_messages(facts, shown)
    assert 3 <= len(summary) <= 5, summary
    # the quota message quotes each carrier's own published value
    quota = facts.values.get("sb_quota")
    assert quota is not None
    assert any(content.value_text(quota, lang) in line for line in summary)


def test_an_english_footnote_names_its_source_in_english() -> None:
    # citations stay as the statute has them; the words around them are the reader's
    number = value("headcount", 1060, unit="count")
    assert "Source: Personnel snapshot at the reporting date." in content.footnote(
        "headcount", number, None, "en"
    )
    assert "Quelle: Personalbestand zum Stichtag." in content.footnote(
        "headcount", number, None, "de"
    )
    assert "Source: § 3 Nr. 2, 10 BGleiG." in content.footnote(
        "underrepresentation", None, None, "en"
    )


def test_a_carriers_quota_title_names_the_legal_duty_not_a_target() -> None:
    quota = value("sb_quota", 8.3, 5.0)
    assert message("sb_quota", quota, None, report({"sb_quota": quota}, carrier="Kommune"), 10) == (
        "Die Beschäftigungsquote schwerbehinderter Menschen liegt bei 8,3 % – gesetzliche Quote "
        "von 5 % erfüllt"
    )
    joint = value("sb_quota", 10.4, 9.0)
    assert message("sb_quota", joint, None, report({"sb_quota": joint}), 10).endswith(
        "– Ziel von 9 % erreicht"
    )
    # and so does its finding
    assert finding("sb_quota", quota, None, YEAR, "de", 10, legal_duty=True) == (
        "Die Beschäftigungsquote schwerbehinderter Menschen liegt 2025 bei 8,3 % und damit über "
        "der gesetzlichen Quote von 5 %."
    )
    assert finding("sb_quota", quota, None, YEAR, "en", 10, legal_duty=True).endswith(
        ", above the legal quota of 5 %."
    )
    assert finding("sb_quota", joint, None, YEAR, "de", 10).endswith("über dem Ziel von 9 %.")


def test_a_count_that_did_not_change_is_said_to_be_unchanged() -> None:
    # it read "um 0 Personen gesunken"
    count = value("headcount", 47, unit="count")
    assert finding("headcount", count, count, YEAR, "de", 5) == (
        "Die Zahl der Beschäftigten liegt 2025 bei 47 Personen; gegenüber 2024 ist sie nahezu "
        "unverändert."
    )
    assert message("headcount", count, count, report({"headcount": count}), 5) == (
        "Die Zahl der Beschäftigten liegt bei 47 Personen"
    )
