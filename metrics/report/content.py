"""What every report says, independent of the file format: data status, KPI rows, headlines.

Everything here comes from published values (`metrics.kpis` through `metrics.views`), so a
report can show no more than the app does. The findings are generated German or English
sentences about a headline KPI against its target and against the previous year (or survey
wave); a withheld value is said to be withheld, never estimated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import duckdb

from metrics import store, views
from metrics.contract import CARRIERS
from metrics.disclosure import change_publishable, withheld_sign
from metrics.formatting import (
    MINUS,
    decimals_of,
    format_change,
    format_date,
    format_number,
    format_value,
    rounded_as_shown,
)
from metrics.i18n import TEXTS, Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.settings import Settings, load_settings
from metrics.views import ChartBlock, Filters, KpiHistory


class ReportError(ValueError):
    """The request cannot be reported (unknown year or carrier); the message says why."""


@dataclass(frozen=True)
class ReportContent:
    """The selection and data status shared by every format."""

    year: int
    carrier: str | None
    lang: Lang
    settings: Settings
    title: str
    view_name: str
    reporting_date: str | None  # "31.12.2025" (de) / "2025-12-31" (en)
    data_as_of: str | None
    created: str
    demo: bool
    values: Mapping[str, KpiValue]
    previous_year: int | None
    previous_values: Mapping[str, KpiValue]
    gender_assigned: bool  # d / x assigned to w / m this year: every format says so

    def sign_notes(self) -> list[str]:
        """What every format says about its signs, and the d / x footnote (CONTRACT § 3)."""
        notes = [t("app.suppressed_note", self.lang, k="k")]
        if self.gender_assigned:
            notes.append(t("app.gender_assigned_note", self.lang))
        return notes

    def status_line(self) -> str:
        """ "Alle Träger · Stichtag 31.12.2025 · Datenstand 31.12.2025" """
        parts = [self.view_name]
        parts.append(
            t("report.reporting_date", self.lang, date=self.reporting_date)
            if self.reporting_date
            else t("report.no_snapshot", self.lang)
        )
        if self.data_as_of:
            parts.append(t("report.data_as_of", self.lang, date=self.data_as_of))
        return " · ".join(parts)


@dataclass(frozen=True)
class Headline:
    """One headline KPI as a slide or a PDF section shows it."""

    kpi_id: str
    title: str
    value: KpiValue | None
    value_text: str  # "52,6 %", "1.060 Personen", "< 10", "–"
    target_text: str | None  # "Ziel: 50 %"
    status: str | None  # "good", "warn", "bad" as on the app's cards
    change_text: str | None  # "ggü. 2024: +2,0 Pp."
    finding: str
    chart: ChartBlock
    footnote: str


def _date_text(day: date | None, lang: Lang) -> str | None:
    return None if day is None else format_date(day, lang)


def check_request(con: duckdb.DuckDBPyConnection, year: int, carrier: str | None) -> None:
    if carrier is not None and carrier not in CARRIERS:
        raise ReportError(f"unknown carrier {carrier!r}; expected one of {', '.join(CARRIERS)}")
    years = kpis.available_years(con)
    if year not in years:
        listed = ", ".join(str(y) for y in years) or "–"
        raise ReportError(f"the year {year} is not in the store (available: {listed})")


def gather(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None,
    lang: Lang,
    settings: Settings | None,
    history: KpiHistory | None = None,
) -> ReportContent:
    check_request(con, year, carrier)
    settings = settings or load_settings()
    history = history or report_history(con, year, settings)
    status = store.store_status(con)
    latest = status.latest_reporting_date
    previous_year = year - 1 if year - 1 in history.years else None
    view_name = (
        t("app.all_carriers", lang)
        if carrier is None
        else t("report.view_carrier", lang, carrier=carrier)
    )
    return ReportContent(
        year=year,
        carrier=carrier,
        lang=lang,
        settings=settings,
        title=t("report.title", lang, year=year),
        view_name=view_name,
        reporting_date=_date_text(history.published(year).reporting_date, lang),
        data_as_of=_date_text(latest, lang),
        created=format_date(date.today(), lang),
        demo=status.demo,
        values=history.values(year, carrier),
        previous_year=previous_year,
        previous_values=history.values(previous_year, carrier) if previous_year else {},
        gender_assigned=history.published(year).gender_assigned,
    )


def report_history(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> KpiHistory:
    """Published values per year, limited to the years up to the report's: a report for 2023
    made in 2026 shows the state of 2023, not later years."""
    history = KpiHistory.of_store(con, settings)
    history.years = tuple(y for y in history.years if y <= year)
    return history


# --- values as text ---------------------------------------------------------------------------


def persons(count: float, lang: Lang) -> str:
    """A person count in running text always carries its unit, so that a reader (and the
    disclosure scan of the exports) can tell it from years, sections of law or percentages."""
    return t("report.persons", lang, n=format_number(count, lang, 0))


def value_text(value: KpiValue | None, lang: Lang) -> str:
    """The value as the slide and the PDF show it: percentages with one decimal."""
    if value is None:
        return "–"
    if value.suppressed:
        return value.label or "–"
    if value.unit == "flag":
        return kpis.format_kpi_value(value, lang)
    if value.value is None:
        return "–"
    if value.unit == "count":
        return persons(value.value, lang)
    return format_value(float(value.value), value.unit, lang)


def change_text(current: KpiValue, previous: KpiValue | None, k: int, lang: Lang) -> str | None:
    """ "+2,0 Pp." / "+0,03" / "−15 Personen"; None where no change may or can be stated.

    A change of a count is stated only where it is no small person count (CONTRACT § 3), and
    never for a sensitive KPI (the cards of the app follow the same rule)."""
    if previous is None or current.value is None or previous.value is None:
        return None
    if current.suppressed or previous.suppressed or current.unit not in ("%", "ratio", "count"):
        return None
    change = float(current.value) - float(previous.value)
    if current.unit in ("%", "ratio"):
        return format_change(change, current.unit, lang)
    kpi, _ = kpis.split_id(current.id)
    if not change_publishable(change, current.unit, sensitive=kpi.sensitive, k=k):
        return None
    sign = "+" if change > 0 else MINUS if change < 0 else "±"
    return f"{sign}{persons(abs(change), lang)}"


def status_of(value: KpiValue | None) -> str | None:
    """As the app's cards: 'good' at or above the target, 'warn' within 90 %, else 'bad'."""
    if value is None or value.value is None or value.target is None or value.suppressed:
        return None
    if value.value >= value.target:
        return "good"
    return "warn" if value.value >= 0.9 * value.target else "bad"


# --- findings -------------------------------------------------------------------------------------


def _subject(kpi_id: str, lang: Lang) -> tuple[str, str]:
    key = f"report.subject.{kpi_id}"
    if key in TEXTS:
        return t(key, lang), t(f"report.pronoun.{kpi_id}", lang)
    return (
        t("report.subject.generic", lang, label=kpis.kpi_label(kpi_id, lang)),
        t("report.pronoun.generic", lang),
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _previous_name(previous: KpiValue, previous_year: int | None, lang: Lang) -> str:
    wave = previous.extra.get("wave")
    if isinstance(wave, int):
        return t("report.previous_wave", lang, wave=wave)
    return str(previous_year) if previous_year is not None else "–"


def finding(
    kpi_id: str,
    current: KpiValue | None,
    previous: KpiValue | None,
    year: int,
    lang: Lang,
    k: int,
) -> str:
    """One or two generated sentences: the level against the target, the change against the
    previous year (survey: the previous wave). Example (de): "Der Frauenanteil an
    Führungskräften liegt 2025 bei 52,6 % und damit über dem Ziel von 50 %; gegenüber 2024 ist
    er um 2,0 Prozentpunkte gestiegen." """
    subject, pronoun = _subject(kpi_id, lang)
    if current is None or (current.value is None and not current.suppressed):
        return t("report.finding.no_data", lang, year=year)
    if current.suppressed:
        sign = current.label or withheld_sign(
            current.reason, current.k or k, percentage=current.unit == "%"
        )
        return _capitalised(
            t("report.finding.suppressed", lang, subject=subject, year=year, sign=sign)
        )
    assert current.value is not None
    value = value_text(current, lang)
    wave = current.extra.get("wave")
    if isinstance(wave, int):
        level = t("report.finding.level_survey", lang, subject=subject, wave=wave, value=value)
    else:
        level = t("report.finding.level", lang, subject=subject, year=year, value=value)
    level = _capitalised(level)
    if current.target is not None and current.unit in ("%", "ratio", "count"):
        shown = rounded_as_shown(float(current.value), current.unit)
        target = float(current.target)
        key = "met" if shown == target else "above" if shown > target else "below"
        level += t(f"report.finding.{key}", lang, target=kpis.format_target(current, lang))
    if previous is None or (previous.value is None and not previous.suppressed):
        return level + "."
    previous_year = year - 1
    previous_name = _previous_name(previous, previous_year, lang)
    if previous.suppressed:
        return f"{level}. " + t("report.finding.previous_suppressed", lang, previous=previous_name)
    change = _change_phrase(current, previous, k, lang)
    if change is None:
        return level + "."
    direction, amount = change
    clause = t(
        f"report.finding.{direction}", lang, previous=previous_name, pronoun=pronoun, change=amount
    )
    return f"{level}; {clause}."


def _change_phrase(
    current: KpiValue, previous: KpiValue, k: int, lang: Lang
) -> tuple[str, str] | None:
    """('rose' | 'fell' | 'unchanged', '2,0 Prozentpunkte') or None if no change may be said."""
    assert current.value is not None and previous.value is not None
    change = float(current.value) - float(previous.value)
    if current.unit in ("%", "ratio"):
        if rounded_as_shown(abs(change), current.unit) == 0:
            return "unchanged", ""
        amount = format_number(abs(change), lang, decimals_of(current.unit))
        if current.unit == "%":
            amount = t("report.percentage_points", lang, n=amount)
        return ("rose" if change > 0 else "fell"), amount
    if current.unit == "count":
        kpi, _ = kpis.split_id(current.id)
        if kpi.sensitive:
            return None
        if not change_publishable(change, current.unit, sensitive=False, k=k):
            # a small change of a count is itself a small person count: "nahezu unverändert"
            return "unchanged", ""
        return ("rose" if change > 0 else "fell"), persons(abs(change), lang)
    return None


# --- headlines ------------------------------------------------------------------------------------


def headline_ids(carrier: str | None) -> tuple[str, ...]:
    """The headline KPIs of the overview page that exist in this view."""
    return tuple(
        kpi_id
        for kpi_id in views.OVERVIEW_KPIS
        if carrier is None or kpis.KPIS[kpi_id].carrier_view
    )


PageContext = TypeVar("PageContext")


class _Contexts:
    """Page contexts built on first use: a slide borrows the richer chart of its page."""

    def __init__(self, history: KpiHistory, filters: Filters, lang: Lang):
        self._history, self._filters, self._lang = history, filters, lang
        self._built: dict[str, object] = {}

    def get(self, builder: Callable[[KpiHistory, Filters, Lang], PageContext]) -> PageContext:
        name = builder.__name__
        if name not in self._built:
            self._built[name] = builder(self._history, self._filters, self._lang)
        return self._built[name]  # type: ignore[return-value]  # the context `builder` made


def _chart(
    kpi_id: str, contexts: _Contexts, history: KpiHistory, carrier: str | None, lang: Lang
) -> ChartBlock:
    block: ChartBlock | None = None
    if kpi_id == "women_leadership_share":
        block = contexts.get(views.build_women_leadership).trend
    elif kpi_id == "part_time_share":
        block = contexts.get(views.build_part_time).by_gender
    elif kpi_id == "mobile_work_share":
        block = contexts.get(views.build_part_time).mobile
    elif kpi_id == "sb_quota":
        block = contexts.get(views.build_inclusion).trend
    elif kpi_id == "migration_background_share":
        block = contexts.get(views.build_migration).waves
    if block is not None:
        return block
    # the view adds the years shown to the title
    title = t("report.trend_title", lang, kpi=kpis.kpi_label(kpi_id, lang))
    return views.kpi_trend_block(history, kpi_id, carrier, lang, title=title)


def headlines(content: ReportContent, history: KpiHistory) -> list[Headline]:
    year, carrier, lang = content.year, content.carrier, content.lang
    contexts = _Contexts(history, Filters(year, carrier), lang)
    result = []
    for kpi_id in headline_ids(carrier):
        kpi = kpis.KPIS[kpi_id]
        k = content.settings.rules.k(kpi.sensitive)
        current = content.values.get(kpi_id)
        previous = views.previous_value(history, kpi_id, year, carrier)
        chart = _chart(kpi_id, contexts, history, carrier, lang)
        change = None if current is None else change_text(current, previous, k, lang)
        result.append(
            Headline(
                kpi_id=kpi_id,
                title=kpi.label(lang),
                value=current,
                value_text=value_text(current, lang),
                target_text=t("report.target", lang, target=kpis.format_target(current, lang))
                if current is not None and current.target is not None
                else None,
                status=status_of(current),
                change_text=t(
                    "report.change",
                    lang,
                    previous=_previous_name(previous, year - 1, lang),
                    change=change,
                )
                if change is not None and previous is not None
                else None,
                finding=finding(kpi_id, current, previous, year, lang, k),
                chart=chart,
                footnote=footnote(kpi_id, current, chart, lang, content.gender_assigned),
            )
        )
    return result


def footnote(
    kpi_id: str,
    value: KpiValue | None,
    chart: ChartBlock | None,
    lang: Lang,
    gender_assigned: bool = False,
) -> str:
    """Definition, legal source, suppression, the d / x assignment of the year and the chart's
    own notes, as one paragraph."""
    kpi, _ = kpis.split_id(kpi_id)
    parts = [
        t("report.definition", lang, text=kpi.definition(lang)),
        t("report.source", lang, text=kpi.legal_source) + ".",
    ]
    ks = [
        k
        for k in (
            value.k if value is not None and value.suppressed else None,
            chart.suppressed_k if chart is not None else None,
        )
        if k is not None
    ]
    if ks:
        parts.append(t("app.suppressed_note", lang, k=max(ks)))
    if value is not None and value.extra.get("approximation"):
        parts.append(t("view.approximation", lang))
    if gender_assigned:
        parts.append(t("app.gender_assigned_note", lang))
    if chart is not None:
        parts.extend(chart.notes)
    return " ".join(parts)
