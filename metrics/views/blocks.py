"""The building blocks every page is made of: cards, charts, tables and the store's status,
with the signs of withheld values and the changes that may be shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import plotly.graph_objects as go

from metrics import charts, store
from metrics.contract import PERSONNEL
from metrics.disclosure import WITHHELD_SIGN, change_publishable
from metrics.formatting import (
    format_change,
    format_date,
    format_number,
    format_target,
    format_value,
)
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.views.export import (
    PictureText,
    PictureView,
    export_cell,
    export_column,
    picture_text,
    trend_view,
    unit_header,
    year_view,
)
from metrics.views.inputs import Filters, KpiHistory


@dataclass(frozen=True)
class ChartBlock:
    """A chart with the published data behind it, ready to render and to export."""

    key: str
    title: str
    figure: go.Figure
    table: pd.DataFrame  # the same data as displayed text (de-DE or en formats, "< k")
    suppressed_k: int | None = None  # k of the suppressed values shown, for the footnote
    notes: tuple[str, ...] = ()
    # False when not one value could be published: the page says so instead of an empty chart
    drawn: bool = True
    # the table for the CSV download: the same rows and columns with the published numbers as
    # numbers, the unit in the headers, a withheld value as its sign (`metrics.views.export`)
    export: pd.DataFrame | None = None
    # what the chart's picture says beside its title: view, reporting date, signs, source
    picture: PictureText | None = None

    @property
    def download(self) -> pd.DataFrame:
        """What the CSV download holds: the numbers, or the shown table where there are none."""
        return self.table if self.export is None else self.export


def _drawn(frame: pd.DataFrame) -> bool:
    return "value" in frame and bool(frame["value"].notna().any())


@dataclass(frozen=True)
class KpiCard:
    kpi_id: str
    title: str
    value_text: str
    target_text: str | None
    delta_text: str | None
    # "good", "warn", "bad" against the target; None without target or value
    status: str | None
    help: str
    trend: charts.Sparkline | None  # SVG, not Plotly: cheap to redraw on every filter change
    suppressed_k: int | None = None
    note: str | None = None
    delta_label: str | None = None  # "vs previous year" / "vs previous wave"
    # what the target is, when "Ziel" alone would not say it ("Pflichtquote")
    target_label: str | None = None
    # further targets with their own status: a carrier's SB quota is held against the legal
    # quota and against the inclusion agreement's target
    more_targets: tuple[CardTarget, ...] = ()
    # the url path of the KPI's topic page, where a click on the card leads (the overview)
    page: str | None = None
    # what it takes to reach the target missed ("4 Frauen mehr …"), from published counts
    gap_text: str | None = None


@dataclass(frozen=True)
class CardTarget:
    label: str
    text: str
    status: str | None


@dataclass(frozen=True)
class TableBlock:
    key: str
    title: str
    table: pd.DataFrame
    suppressed_k: int | None = None
    notes: tuple[str, ...] = ()
    export: pd.DataFrame | None = None  # as ChartBlock.export

    @property
    def download(self) -> pd.DataFrame:
        return self.table if self.export is None else self.export


@dataclass(frozen=True)
class StatusContext:
    demo: bool
    as_of: date | None  # the latest reporting date
    years: tuple[int, ...]
    has_personnel: bool


def build_status(con: duckdb.DuckDBPyConnection) -> StatusContext:
    status = store.store_status(con)
    latest = status.latest_reporting_date
    return StatusContext(
        demo=status.demo,
        as_of=latest,
        years=tuple(kpis.available_years(con)),
        has_personnel=status.has_personnel,
    )


PENDING_SIGN = "…"


def respondents_text(release: Mapping[str, KpiValue] | None, wave: int, lang: Lang) -> str:
    """A survey wave's respondents as the planned release of the wave's year publishes them: the
    numerator of its response rate. "•" where the release does not (no invited count yet, or
    withheld to protect others); "< k" where it says so itself; "…" while the year is not
    planned yet (release None: the Daten page does not wait for the planner)."""
    if release is None:
        return PENDING_SIGN
    value = release.get("survey_response_rate")
    if value is None or value.extra.get("wave") != wave:
        return WITHHELD_SIGN
    if value.numerator is not None:
        return format_number(value.numerator, lang)
    return value.label or WITHHELD_SIGN


def missing_columns_note(columns: Sequence[str], lang: Lang) -> str:
    """Why a KPI has no value: its date's personnel files lack these columns."""
    return t("view.missing_columns", lang, columns=PERSONNEL.quoted_headers(columns))


def _value_text(value: KpiValue | None, lang: Lang) -> str:
    return "–" if value is None else kpis.format_kpi_value(value, lang)


def _suppressed_k(values: Sequence[KpiValue | None]) -> int | None:
    ks = [v.k for v in values if v is not None and v.suppressed and v.k is not None]
    return max(ks) if ks else None


def _status(value: KpiValue, target: float | None = None) -> str | None:
    target = value.target if target is None else target
    if value.value is None or target is None or value.suppressed:
        return None
    if value.value >= target:
        return "good"
    return "warn" if value.value >= 0.9 * target else "bad"


def _quota_targets(
    history: KpiHistory, current: KpiValue | None, carrier: str | None, lang: Lang
) -> tuple[str | None, tuple[CardTarget, ...]]:
    """The SB quota's targets: in a carrier's view its own target is the legal quota (§ 154
    SGB IX), and the inclusion agreement's target is a second status; in the all-carrier view
    the target is the inclusion agreement's (the legal quota applies to each carrier)."""
    # at the start of a card's line: "Inclusion agreement target", not "inclusion …"
    legal = _capitalised(t("view.legal_quota", lang))
    own = _capitalised(t("view.internal_target", lang))
    if carrier is None:
        return own, ()
    more = _more_target_values(history, "sb_quota", carrier)
    if current is None or not more:
        return legal, ()
    text = format_target(more[0], current.unit, lang)
    return legal, (CardTarget(own, text, _status(current, more[0])),)


def _more_target_values(history: KpiHistory, kpi_id: str, carrier: str | None) -> list[float]:
    """The second target a card holds its value against: a carrier's SB quota is held against
    the legal quota and the inclusion agreement's target (see _quota_targets)."""
    internal = history.settings.target("sb_quota")
    return [internal] if kpi_id == "sb_quota" and carrier is not None and internal else []


# KPIs whose gap to a missed target is said in persons (texts "gap.<kpi id>")
_GAP_TEXTS = {
    "women_leadership_share": "gap.women_leadership_share",
    "women_leadership_share_by_level": "gap.women_leadership_share",
    "sb_quota": "gap.sb_quota",
    "sb_applicant_share": "gap.sb_applicant_share",
}


def gap_text(kpi_id: str, value: KpiValue, target: float, lang: Lang) -> str | None:
    """ "Bis 50 %: 4 Frauen mehr unter gleich vielen Führungskräften": what it takes to reach
    `target`, where the value's counts are published (kpis.persons_to_target). For the SB
    quota in filled places over the year: its counts are place-months."""
    kpi, _ = kpis.split_id(kpi_id)
    key = _GAP_TEXTS.get(kpi.id)
    needed = kpis.persons_to_target(value, target) if key else None
    if key is None or needed is None:
        return None
    if kpi.id == "sb_quota":
        months = value.extra.get("months_covered") or 12
        needed = math.ceil(needed / months)
    if needed == 1:
        key += ".one"
    return t(key, lang, n=format_number(needed, lang), target=format_target(target, "%", lang))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _delta(
    current: KpiValue, previous: KpiValue | None, lang: Lang, sensitive: bool, k: int
) -> str | None:
    """Change against the previous year: percentage points for shares; for counts only when the
    change itself is no small person count (CONTRACT § 3: trend changes of sensitive KPIs)."""
    if previous is None or current.value is None or previous.value is None:
        return None
    change = current.value - previous.value
    if not change_publishable(change, current.unit, sensitive=sensitive, k=k):
        return None
    if current.unit not in ("%", "ratio", "count"):
        return None
    return format_change(change, current.unit, lang)


def _previous_value(
    history: KpiHistory, kpi_id: str, current: KpiValue | None, year: int, carrier: str | None
) -> KpiValue | None:
    """The previous year's value; for a survey KPI the previous wave's."""
    if current is not None and "wave" in current.extra:
        wave = current.extra["wave"]
        if not isinstance(wave, int) or wave - 1 not in history.years:
            return None
        before = history.values(wave - 1, carrier).get(kpi_id)
        previous_wave = None if before is None else before.extra.get("wave")
        if not isinstance(previous_wave, int):
            return None
        year = previous_wave + 1
    return history.values(year - 1, carrier).get(kpi_id) if year - 1 in history.years else None


def _card(history: KpiHistory, kpi_id: str, year: int, carrier: str | None, lang: Lang) -> KpiCard:
    kpi, _ = kpis.split_id(kpi_id)
    current = history.values(year, carrier).get(kpi_id)
    previous = _previous_value(history, kpi_id, current, year, carrier)
    trend = history.trend(kpi_id, carrier)
    rules = history.settings.rules
    note = None
    if current is not None and kpi_id.startswith("sb_quota") and current.extra.get("approximation"):
        note = t("view.approximation", lang)
    # a survey KPI names its wave; before the first wave it has none (it read "Befragungswelle
    # None")
    wave = current.extra.get("wave") if current is not None else None
    if current is not None and "wave" in current.extra:
        note = t("view.wave", lang, wave=wave) if wave is not None else t("view.no_wave", lang)
    missing = current.extra.get("missing_columns") if current is not None else None
    if missing:
        note = missing_columns_note(missing, lang)
    target_label, more_targets = (
        _quota_targets(history, current, carrier, lang) if kpi_id == "sb_quota" else (None, ())
    )
    gap = None
    if current is not None:
        missed = [
            target
            for target in (current.target, *_more_target_values(history, kpi_id, carrier))
            if target is not None
        ]
        gap = next(
            (text for target in missed if (text := gap_text(kpi_id, current, target, lang))), None
        )
    return KpiCard(
        kpi_id=kpi_id,
        gap_text=gap,
        title=kpis.kpi_label(kpi_id, lang),
        value_text=t("view.no_data", lang) if missing else _value_text(current, lang),
        target_text=kpis.format_target(current, lang) if current and current.target else None,
        delta_text=None
        if current is None
        else _delta(current, previous, lang, kpi.sensitive, rules.k(kpi.sensitive)),
        status=None if current is None else _status(current),
        help=kpi.definition(lang),
        trend=charts.sparkline_svg(
            trend,
            unit=kpi.unit,
            lang=lang,
            target=current.target if current else None,
            highlight_year=None if current is None else wave or year,
        )
        if trend["value"].notna().sum() > 1
        else None,
        suppressed_k=_suppressed_k([current]),
        note=note,
        delta_label=t("view.previous_wave" if wave is not None else "app.previous_year", lang),
        target_label=target_label,
        more_targets=more_targets,
    )


def _trend_block(
    history: KpiHistory,
    key: str,
    title: str,
    series: Sequence[tuple[str, str]],
    carrier: str | None,
    lang: Lang,
    *,
    unit: str = "%",
    target: float | None = None,
    extra_lines: Sequence[tuple[str, float]] = (),
    view_of: str | None = None,
) -> ChartBlock:
    """Lines over the years for (kpi id, series name) pairs; the title gets the years shown.
    view_of: the carrier view the picture names where the series are read from the
    all-carrier view (`carrier` None) but are of one carrier (its SB quota)."""
    if history.shown_years:
        title = f"{title}, {history.shown_years[0]}–{history.shown_years[-1]}"
    frames = []
    for kpi_id, name in series:
        trend = history.trend(kpi_id, carrier)
        trend["series"] = name
        frames.append(trend)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    figure = charts.trend_figure(
        frame,
        title=title,
        unit=unit,
        lang=lang,
        series_column="series" if len(series) > 1 else None,
        target=target,
        target_label=t("app.target", lang),
        extra_lines=extra_lines,
    )
    table = _wide_table(frame, lang, unit, index="year", index_label=t("view.year", lang))
    export = _wide_table(
        frame, lang, unit, index="year", index_label=t("view.year", lang), export=True
    )
    k = _suppressed_from_labels(frame)
    view = trend_view(history, carrier if carrier is not None else view_of, lang)
    return ChartBlock(
        key,
        title,
        figure,
        table,
        k,
        _years_without_data(history, series, carrier, lang),
        _drawn(frame),
        export=export,
        picture=picture_text(view, [kpi_id for kpi_id, _ in series], k, lang),
    )


def _years_without_data(
    history: KpiHistory, series: Sequence[tuple[str, str]], carrier: str | None, lang: Lang
) -> tuple[str, ...]:
    """Why a line has a gap: the years whose files lack a column the KPI rests on."""
    missing: dict[tuple[str, ...], list[int]] = {}
    for year in history.shown_years:
        values = history.values(year, carrier)
        for kpi_id, _ in series:
            columns = values[kpi_id].extra.get("missing_columns") if kpi_id in values else None
            if columns:
                missing.setdefault(tuple(columns), []).append(year)
                break
    return tuple(
        t("view.years_without_data", lang, years=", ".join(map(str, years)))
        + " "
        + missing_columns_note(columns, lang)
        for columns, years in missing.items()
    )


def _display(value: float | None, label: object, unit: str, lang: Lang) -> str:
    if isinstance(label, str) and label:
        return label
    if value is None or pd.isna(value):
        return "–"
    return format_value(float(value), unit, lang)


def _wide_table(
    frame: pd.DataFrame,
    lang: Lang,
    unit: str,
    *,
    index: str,
    index_label: str,
    export: bool = False,
) -> pd.DataFrame:
    """One row per `index` value, one column per series, values as displayed text; for the
    CSV (`export`) the same as numbers, the unit in the series' headers, years as numbers."""
    if frame.empty:
        return pd.DataFrame()
    cells = [
        export_cell(v, lab, unit) if export else _display(v, lab, unit, lang)
        for v, lab in zip(frame["value"], frame["label"], strict=True)
    ]
    frame = frame.assign(display=export_column(cells).set_axis(frame.index))
    if "series" not in frame:
        frame = frame.assign(series=t("view.value", lang))
    wide = frame.pivot(index=index, columns="series", values="display")
    series = list(dict.fromkeys(frame["series"]))
    wide = wide[series]
    wide.columns = pd.Index([unit_header(s, unit) if export else s for s in series], dtype=object)
    wide = wide.reset_index().rename(columns={index: index_label})
    if not export:
        wide[index_label] = wide[index_label].astype(str)
    return wide


def _suppressed_from_labels(frame: pd.DataFrame) -> int | None:
    """The largest k among the withheld values of a frame (for the footnote on signs)."""
    if "label" not in frame or "k" not in frame:
        return None
    withheld = frame["label"].map(lambda label: isinstance(label, str) and bool(label))
    ks = [int(k) for k in frame.loc[withheld, "k"] if not pd.isna(k)]
    return max(ks) if ks else None


def _bar_block(
    key: str,
    title: str,
    rows: Sequence[tuple[str, KpiValue | None]],
    lang: Lang,
    *,
    unit: str = "%",
    target: float | None = None,
    lines: Sequence[tuple[str, float]] = (),
    category_label: str | None = None,
    value_label: str | None = None,
    horizontal: bool = False,
    notes: tuple[str, ...] = (),
    view: PictureView | None = None,
) -> ChartBlock:
    """Bars for (category, published value) pairs of one year; view: what its picture says
    it shows (carrier view, reporting date)."""
    frame = pd.DataFrame(
        [
            {
                "category": name,
                "value": None if v is None else v.value,
                "label": None if v is None else v.label,
            }
            for name, v in rows
        ],
        columns=["category", "value", "label"],
    )
    figure = charts.bar_figure(
        frame,
        category_column="category",
        title=title,
        unit=unit,
        lang=lang,
        target=target,
        target_label=t("app.target", lang),
        lines=lines,
        horizontal=horizontal,
    )
    table = pd.DataFrame(
        {
            category_label or t("view.group", lang): frame["category"],
            value_label or t("view.value", lang): [
                _display(v, lab, unit, lang)
                for v, lab in zip(frame["value"], frame["label"], strict=True)
            ],
        }
    )
    export = pd.DataFrame(
        {
            category_label or t("view.group", lang): frame["category"],
            unit_header(value_label or t("view.value", lang), unit): export_column(
                export_cell(v, lab, unit)
                for v, lab in zip(frame["value"], frame["label"], strict=True)
            ),
        }
    )
    suppressed_k = _suppressed_k([v for _, v in rows])
    picture = (
        None
        if view is None
        else picture_text(view, [v.id for _, v in rows if v is not None], suppressed_k, lang)
    )
    missing = sorted(
        {c for _, v in rows if v is not None for c in v.extra.get("missing_columns", [])}
    )
    if missing:
        notes = (*notes, missing_columns_note(missing, lang))
    return ChartBlock(
        key,
        title,
        figure,
        table,
        suppressed_k,
        notes,
        drawn=_drawn(frame),
        export=export,
        picture=picture,
    )


def _breakdown_block(
    history: KpiHistory, kpi_id: str, filters: Filters, lang: Lang
) -> ChartBlock | None:
    """The KPI per category of the sidebar's breakdown, where the registry allows it."""
    kpi = kpis.KPIS[kpi_id]
    dimension = filters.breakdown
    if dimension is None or dimension not in kpi.breakdowns or filters.year is None:
        return None
    if filters.carrier is not None and not kpi.carrier_view:
        return None
    rows = history.published(filters.year).breakdown(kpi_id, dimension, filters.carrier)
    if not rows:
        return None
    title = t(
        "view.breakdown_title",
        lang,
        kpi=kpi.label(lang),
        dimension=kpis.dimension_label(dimension, lang),
        year=filters.year,
    )
    return _bar_block(
        f"breakdown_{kpi_id}",
        title,
        [(kpis.category_label(dimension, row.category, lang), row.value) for row in rows],
        lang,
        unit=kpi.unit,
        category_label=kpis.dimension_label(dimension, lang),
        value_label=kpi.label(lang),
        horizontal=True,
        view=year_view(history, filters.year, filters.carrier, lang),
    )


def _as_of(published: kpis.PublishedYear, lang: Lang) -> str:
    reporting = published.reporting_date
    return format_date(reporting, lang) if reporting else str(published.year)


def _view_subtitle(history: KpiHistory, filters: Filters, lang: Lang) -> str:
    carrier = t("app.all_carriers", lang) if filters.carrier is None else filters.carrier
    subtitle = t(
        "view.subtitle",
        lang,
        carrier=carrier,
        date=_as_of(history.published(filters.year), lang) if filters.year else "–",
    )
    if filters.year and history.published(filters.year).gender_assigned:
        subtitle += "  \n" + t("app.gender_assigned_note", lang)
    return subtitle
