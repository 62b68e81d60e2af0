"""What a block's downloads say beyond the page's text: the CSV's numbers, and the words a chart's
picture needs to say what it shows once it is pasted into a slide.

A CSV is for computing. Its cells are the published values the page shows, as numbers:
percentages in percent to the two decimals of CONTRACT § 4 (the command line's JSON publishes
the same), counts and euros whole, the unit in the column's header ("Frauenanteil (%)"), a withheld
value as its sign ("•", "< k"), no value an empty cell. Nothing is computed here: every number is
a `KpiValue` (or a breakdown row) of the planned release, as on the page.

A picture (PNG) has no page around it: its caption names the carrier view and the reporting
date, explains the signs where a value is withheld, says so where persons of gender d / x were
assigned to w / m, and names the source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Real

import pandas as pd

from metrics.contract import APPLICATIONS, PERSONNEL, SOURCES_BY_KIND, SURVEY, Source
from metrics.formatting import format_date
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.views.inputs import KpiHistory

# CONTRACT § 4: percentages (and ratios) to two decimals
EXPORT_DECIMALS = 2
# units whose values are whole numbers: persons, place-months, euros
_WHOLE_UNITS = ("count", "€")
# the unit in a column's header; counts and ratios have none
_HEADER_UNITS = {"%": "%", "€": "€"}
# where the figures of a KPI come from (the SB quota and the representation index: personnel)
_DATA_SOURCES: dict[str, Source] = {
    "personnel": PERSONNEL,
    "sb_quota": PERSONNEL,
    "derived": PERSONNEL,
    "applicants": APPLICATIONS,
    "survey": SURVEY,
}


def export_cell(value: object, label: object, unit: str) -> object:
    """One cell of a CSV download: the sign of a withheld value, else the published number
    (whole for counts and euros, two decimals for percentages and ratios), else None."""
    if isinstance(label, str) and label:
        return label
    # numbers.Real: numpy's integers too, which are no int (the counts of a frame)
    if not isinstance(value, Real) or isinstance(value, bool) or pd.isna(value):
        return None
    if unit in _WHOLE_UNITS:
        return round(float(value))
    return round(float(value), EXPORT_DECIMALS)


def export_column(cells: Iterable[object]) -> pd.Series:
    """Cells as one column that keeps each its type: whole numbers stay whole beside an empty
    cell (pandas made "1060.0" of them), numbers stay numbers beside a sign."""
    return pd.Series(list(cells), dtype=object)


def unit_header(name: str, unit: str) -> str:
    """ "Frauenanteil (%)": the unit of a column's numbers in its header."""
    shown = _HEADER_UNITS.get(unit)
    return f"{name} ({shown})" if shown else name


@dataclass(frozen=True)
class PictureView:
    """What a chart shows beside its title: its carrier view and reporting date(s), and
    whether persons of gender d / x were assigned to w / m in one of its years."""

    subtitle: str
    gender_assigned: bool = False


@dataclass(frozen=True)
class PictureText:
    """What a chart's picture says beside its title: the subtitle under it ("Alle Träger ·
    Stichtag 31.12.2025") and the footnotes below it (signs, d / x, source)."""

    subtitle: str
    footnotes: tuple[str, ...]


def _view_name(carrier: str | None, lang: Lang) -> str:
    return t("app.all_carriers", lang) if carrier is None else carrier


def _reporting_date(history: KpiHistory, year: int, lang: Lang) -> str:
    day = history.published(year).reporting_date
    return format_date(day, lang) if day else str(year)


def year_view(history: KpiHistory, year: int, carrier: str | None, lang: Lang) -> PictureView:
    """A chart of one year: "Alle Träger · Stichtag 31.12.2025"."""
    subtitle = t(
        "view.subtitle",
        lang,
        carrier=_view_name(carrier, lang),
        date=_reporting_date(history, year, lang),
    )
    return PictureView(subtitle, history.published(year).gender_assigned)


def trend_view(history: KpiHistory, carrier: str | None, lang: Lang) -> PictureView:
    """A chart over the store's years: "BA · Stichtage 31.12.2016 – 31.12.2025"."""
    years = history.shown_years
    if len(years) < 2:
        return year_view(history, years[0], carrier, lang) if years else PictureView("")
    subtitle = t(
        "chart.trend_subtitle",
        lang,
        carrier=_view_name(carrier, lang),
        first=_reporting_date(history, years[0], lang),
        last=_reporting_date(history, years[-1], lang),
    )
    assigned = any(history.published(year).gender_assigned for year in years)
    return PictureView(subtitle, assigned)


def survey_view(wave: int, lang: Lang) -> PictureView:
    """The anonymous survey has no carrier view: "Alle Träger · Anonyme Vielfaltsbefragung ·
    letzte Welle 2025"."""
    survey = t("view.survey_subtitle", lang, wave=wave)
    return PictureView(f"{_view_name(None, lang)} · {survey}")


def applications_view(year: int, carrier: str | None, lang: Lang) -> PictureView:
    """Applications count by the year they were made, not at a reporting date."""
    subtitle = t("chart.applications_subtitle", lang, carrier=_view_name(carrier, lang), year=year)
    return PictureView(subtitle)


def source_line(kpi_ids: Iterable[str], lang: Lang) -> str:
    """ "Quelle: Vielfaltsmonitor, Personalbestand": the data the KPIs are computed from."""
    kinds = dict.fromkeys(_DATA_SOURCES[kpis.split_id(kpi_id)[0].source].kind for kpi_id in kpi_ids)
    sources = [SOURCES_BY_KIND[kind] for kind in kinds] or [PERSONNEL]
    names = [source.label_de if lang == "de" else source.label_en for source in sources]
    return t("chart.source", lang, sources=", ".join(names))


def picture_text(
    view: PictureView, kpi_ids: Sequence[str], suppressed_k: int | None, lang: Lang
) -> PictureText:
    """The caption of a chart's picture: its view, the signs it uses (where a value is
    withheld), the d / x assignment of its years, its source."""
    footnotes = []
    if suppressed_k is not None:
        footnotes.append(t("app.suppressed_note", lang, k=suppressed_k))
    if view.gender_assigned:
        footnotes.append(t("app.gender_assigned_note", lang))
    footnotes.append(source_line(kpi_ids, lang))
    return PictureText(view.subtitle, tuple(footnotes))
