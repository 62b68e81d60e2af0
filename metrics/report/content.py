"""What every report says, independent of the file format: data status, KPI rows, headlines.

Everything here comes from published values (`metrics.kpis` through `metrics.views`), so a
report can show no more than the app does. The findings are generated German or English
sentences about a headline KPI against its target and against the previous year (or survey
wave); a withheld value is said to be withheld, never estimated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
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
    format_target,
    format_value,
    rounded_as_shown,
)
from metrics.i18n import TEXTS, Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.kpis.vocabulary import LEADERSHIP_LEVELS
from metrics.settings import Settings, load_settings
from metrics.views import ChartBlock, Filters, KpiHistory
from metrics.views.blocks import gap_text


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
    message: str  # the finding in one line: the title of its slide or section


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
    return format_value(float(value.value), value.unit, lang, value.target)


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
    *,
    legal_duty: bool = False,
) -> str:
    """One or two generated sentences: the level against the target, the change against the
    previous year (survey: the previous wave). Example (de): "Der Frauenanteil an
    Führungskräften liegt 2025 bei 52,6 % und damit über dem Ziel von 50 %; gegenüber 2024 ist
    er um 2,0 Prozentpunkte gestiegen." legal_duty: the target is a legal quota (a carrier's
    SB quota, § 154 SGB IX), and is named so."""
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
        target = float(current.target)
        shown = rounded_as_shown(float(current.value), current.unit, target)
        key = "met" if shown == target else "above" if shown > target else "below"
        if legal_duty:
            key = f"quota_{key}"
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


def change_margin(current: KpiValue, previous: KpiValue) -> float | None:
    """Half the width of the 95 % interval of the change between two survey waves, in
    percentage points; None where either wave publishes no interval. Each Wilson interval's
    half-width stands for 1.96 standard errors, and the errors of two independent samples add
    in squares: a change within this margin is no change the survey can tell."""
    widths = []
    for value in (current, previous):
        low, high = value.extra.get("ci_low"), value.extra.get("ci_high")
        if low is None or high is None:
            return None
        widths.append((float(high) - float(low)) / 2)
    return math.hypot(*widths)


def _change_phrase(
    current: KpiValue, previous: KpiValue, k: int, lang: Lang
) -> tuple[str, str] | None:
    """('rose' | 'fell' | 'unchanged', '2,0 Prozentpunkte') or None if no change may be said."""
    assert current.value is not None and previous.value is not None
    change = float(current.value) - float(previous.value)
    margin = change_margin(current, previous)
    if margin is not None and abs(change) <= margin:
        amount = format_change(change, current.unit, lang)
        margin_text = format_number(margin, lang, decimals_of(current.unit))
        return "within_margin", t("report.finding.margin", lang, change=amount, margin=margin_text)
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
        if change == 0 or not change_publishable(change, current.unit, sensitive=False, k=k):
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
                finding=_explained(
                    finding(
                        kpi_id,
                        current,
                        previous,
                        year,
                        lang,
                        k,
                        legal_duty=_legal_duty(kpi_id, content),
                    ),
                    kpi_id,
                    content,
                ),
                chart=chart,
                footnote=footnote(kpi_id, current, chart, lang, content.gender_assigned),
                message=message(kpi_id, current, previous, content, k),
            )
        )
    return result


def _explained(text: str, kpi_id: str, content: ReportContent) -> str:
    """The representation index's finding says why: the two shares it sets against each other."""
    if kpi_id != "leadership_representation_index":
        return text
    represented = _representation_message(content)
    return text if represented is None else f"{text} {represented}."


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
        t("report.source", lang, text=kpi.source_text(lang)) + ".",
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


# --- messages: slide titles, the executive summary, the open points ------------------------------


# a title calls a share risen or fallen from half a percentage point on: below that it reads as
# the level ("liegt bei"), and the finding under it gives the exact change
NOTABLE_CHANGE_PP = 0.5


def _level_key(current: KpiValue, previous: KpiValue | None, k: int, lang: Lang) -> str:
    """How a message states the level: 'rose' / 'fell' where a change may be said and is one
    the data can tell, 'margin' where a survey's change lies within its interval, else 'is'."""
    if previous is None or previous.suppressed or previous.value is None:
        return "is"
    change = _change_phrase(current, previous, k, lang)
    if change is None:
        return "is"
    direction = change[0]
    assert current.value is not None
    if current.unit == "%" and abs(current.value - previous.value) < NOTABLE_CHANGE_PP:
        return "margin" if direction == "within_margin" else "is"
    return {"rose": "rose", "fell": "fell", "within_margin": "margin"}.get(direction, "is")


def message(
    kpi_id: str,
    current: KpiValue | None,
    previous: KpiValue | None,
    content: ReportContent,
    k: int,
) -> str:
    """The finding in one line, as a slide's title: "Der Frauenanteil an Führungskräften steigt
    auf 52,6 % – Ziel von 50 % erreicht"."""
    lang, year = content.lang, content.year
    title = kpis.kpi_label(kpi_id, lang)
    if current is None or (current.value is None and not current.suppressed):
        return t("report.message.no_data", lang, kpi=title, year=year)
    if current.suppressed:
        return t("report.message.withheld", lang, kpi=title, year=year)
    if kpi_id == "leadership_representation_index":
        represented = _representation_message(content)
        if represented is not None:
            return represented
    subject, _ = _subject(kpi_id, lang)
    key = _level_key(current, previous, k, lang)
    level = "is" if key == "margin" else key
    text = _capitalised(
        t(f"report.message.{level}", lang, subject=subject, value=value_text(current, lang))
    )
    status = status_of(current)
    if status is not None:
        reached = "met" if status == "good" else "missed"
        duty = "quota" if _legal_duty(kpi_id, content) else "target"
        text += t(
            f"report.message.{duty}_{reached}", lang, target=kpis.format_target(current, lang)
        )
    if key == "margin":
        text += t("report.message.within_margin", lang)
    return text


def _legal_duty(kpi_id: str, content: ReportContent) -> bool:
    """A carrier's SB quota is held against the legal duty (§ 154 SGB IX), not a target."""
    return kpi_id == "sb_quota" and content.carrier is not None


def _published(value: KpiValue | None) -> bool:
    return value is not None and not value.suppressed and value.value is not None


def _representation_message(content: ReportContent) -> str | None:
    """Why women can be half of the leaders and still under-represented: the index sets the
    leaders' share against the staff's ("Frauen stellen 68,9 % der Beschäftigten, aber 52,6 %
    der Führungskräfte")."""
    values, lang = content.values, content.lang
    index = values.get("leadership_representation_index")
    staff, leaders = values.get("women_share"), values.get("women_leadership_share")
    if not (_published(index) and _published(staff) and _published(leaders)):
        return None
    assert index is not None and staff is not None and leaders is not None
    status = status_of(index)
    key = "under" if status in ("warn", "bad") else "even"
    return t(
        f"report.message.representation_{key}",
        lang,
        staff=value_text(staff, lang),
        leaders=value_text(leaders, lang),
        index=value_text(index, lang),
    )


def _named(kpi_id: str, value: KpiValue, lang: Lang) -> str:
    """ "Teilzeitquote (32,7 %)" """
    return f"{kpis.kpi_label(kpi_id, lang)} ({value_text(value, lang)})"


def _joined(parts: Sequence[str], lang: Lang) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {t('report.and', lang)} {parts[-1]}"


def summary_messages(content: ReportContent, headlines: Sequence[Headline]) -> list[str]:
    """The executive summary: three to five messages drawn from the published figures: the
    targets met and missed, why leadership is still uneven, each carrier's legal quota, the
    largest changes the data can tell, and what is withheld."""
    lang = content.lang
    messages: list[str] = []
    with_target = [h for h in headlines if h.status is not None and h.value is not None]
    met = [_named(h.kpi_id, h.value, lang) for h in with_target if h.status == "good" and h.value]
    missed = [
        f"{_named(h.kpi_id, h.value, lang)} {t('report.against', lang)} "
        f"{kpis.format_target(h.value, lang)}"
        for h in with_target
        if h.status != "good" and h.value
    ]
    if met or missed:
        parts = []
        if met:
            parts.append(t("report.summary.met", lang, kpis=_joined(met, lang)))
        if missed:
            parts.append(t("report.summary.missed", lang, kpis=_joined(missed, lang)))
        messages.append(" ".join(parts))
    represented = _representation_message(content)
    if represented is not None and status_of(
        content.values.get("leadership_representation_index")
    ) in ("warn", "bad"):
        messages.append(represented + ".")
    quota = _quota_message(content)
    if quota is not None:
        messages.append(quota)
    changes = _largest_changes(content, headlines)
    if changes:
        messages.append(
            t(
                "report.summary.changes",
                lang,
                previous=content.previous_year or "–",
                changes=_joined(changes, lang),
            ).replace("..", ".")  # a change in "Pp." ends the sentence with its own period
        )
    withheld = [h.title for h in headlines if h.value is not None and h.value.suppressed]
    if withheld:
        messages.append(t("report.summary.withheld", lang, kpis=_joined(withheld, lang)))
    return messages[:5]


def _quota_message(content: ReportContent) -> str | None:
    """Each carrier files its own notice against the legal quota (§ 154 SGB IX); the inclusion
    agreement's target is the Jobcenter's own."""
    lang, values = content.lang, content.values
    internal = content.settings.target("sb_quota")
    if content.carrier is None:
        carriers = [(c, values.get(f"sb_quota.{c}")) for c in CARRIERS]
        shown = [(c, v) for c, v in carriers if _published(v) and v is not None and v.target]
        if not shown:
            return None
        met = [c for c, v in shown if status_of(v) == "good"]
        listed = _joined([f"{c} {value_text(v, lang)}" for c, v in shown], lang)
        legal = kpis.format_target(shown[0][1], lang)
        key = "all" if len(met) == len(shown) else "none" if not met else "some"
        text = t(f"report.summary.quota_{key}", lang, legal=legal, carriers=listed)
        joint = values.get("sb_quota")
        if _published(joint) and joint is not None and joint.target is not None:
            reached = "met" if status_of(joint) == "good" else "missed"
            text += " " + t(
                f"report.summary.quota_internal_{reached}",
                lang,
                value=value_text(joint, lang),
                target=kpis.format_target(joint, lang),
            )
        return text
    own = values.get("sb_quota")
    if not _published(own) or own is None or own.target is None:
        return None
    assert own.value is not None
    legal = "met" if status_of(own) == "good" else "missed"
    text = t(
        f"report.summary.quota_carrier_{legal}",
        lang,
        carrier=content.carrier,
        value=value_text(own, lang),
        legal=kpis.format_target(own, lang),
    )
    if internal:
        reached = "met" if own.value >= internal else "missed"
        text += " " + t(
            f"report.summary.quota_carrier_internal_{reached}",
            lang,
            target=format_target(internal, "%", lang),
        )
    return text


def _largest_changes(content: ReportContent, headlines: Sequence[Headline]) -> list[str]:
    """The two largest changes of a share against the previous year, where the change may be
    said and (for the survey) lies beyond its interval."""
    lang = content.lang
    ranked: list[tuple[float, str]] = []
    for headline in headlines:
        current = headline.value
        kpi_id = headline.kpi_id
        previous = content.previous_values.get(kpi_id)
        if current is None or previous is None or current.unit != "%":
            continue
        if not (_published(current) and _published(previous)):
            continue
        k = content.settings.rules.k(kpis.KPIS[kpi_id].sensitive)
        if _level_key(current, previous, k, lang) not in ("rose", "fell"):
            continue
        assert current.value is not None and previous.value is not None
        change = float(current.value) - float(previous.value)
        text = f"{kpis.kpi_label(kpi_id, lang)} {format_change(change, current.unit, lang)}"
        ranked.append((abs(change), text))
    ranked.sort(key=lambda item: -item[0])
    return [text for _, text in ranked[:2]]


def open_points(content: ReportContent, headlines: Sequence[Headline]) -> list[str]:
    """Every target the view misses, with what it would take where the counts are published:
    the headline KPIs, each leadership level, and a carrier's inclusion-agreement target."""
    lang, values = content.lang, content.values
    points = []
    for headline in headlines:
        value = headline.value
        if value is None or headline.status in (None, "good") or value.target is None:
            continue
        points.append(_open_point(headline.kpi_id, value, float(value.target), lang))
    for level in LEADERSHIP_LEVELS:  # from the first level up, as the pipeline runs
        kpi_id = f"women_leadership_share_by_level.{level}"
        value = values.get(kpi_id)
        if value is None or value.target is None or status_of(value) in (None, "good"):
            continue
        points.append(_open_point(kpi_id, value, float(value.target), lang))
    internal = content.settings.target("sb_quota")
    own = values.get("sb_quota")
    if content.carrier is not None and internal and _published(own) and own is not None:
        assert own.value is not None
        if own.value < internal:
            points.append(
                _open_point(
                    "sb_quota",
                    own,
                    internal,
                    lang,
                    name=t("report.open.sb_internal", lang),
                )
            )
    return points


def _open_point(
    kpi_id: str, value: KpiValue, target: float, lang: Lang, *, name: str | None = None
) -> str:
    """ "Teamleitung: 47,6 % gegenüber dem Ziel von 50 % – Bis 50 %: 1 Frau mehr …" """
    unit = value.unit
    text = t(
        "report.open.point",
        lang,
        name=name or kpis.kpi_label(kpi_id, lang),
        value=format_value(float(value.value), unit, lang, target)
        if value.value is not None
        else value_text(value, lang),
        target=format_target(target, unit, lang),
    )
    gap = gap_text(kpi_id, value, target, lang)
    return f"{text} – {gap}" if gap else text
