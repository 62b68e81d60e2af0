"""Page contexts: everything a page shows, built from published KPIs, without Streamlit.

A page asks `build_<page>(con, history, filters, lang)` for a frozen context and renders it.
Every number in a context comes from `metrics.kpis` (and so has passed `metrics.disclosure`);
this module only selects, labels, formats and draws. Reports reuse the same contexts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from metrics import charts, store
from metrics.contract import CARRIERS, LEADERSHIP_LEVELS
from metrics.disclosure import WITHHELD_SIGN, change_publishable
from metrics.i18n import Lang, format_number, t
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.settings import Settings, load_settings

BREAKDOWNS = kpis.DIMENSIONS

YearValues = Mapping[str, KpiValue]


# --- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    year: int | None
    carrier: str | None = None
    breakdown: str | None = None


class KpiHistory:
    """Published KPI values per year and view; each year is built once for all of its views.

    `compute(year)` returns every view of a year (`kpis.compute_kpis_by_view`): switching the
    carrier then costs nothing, and a page comparing views builds the year once. The app backs
    this with a cache keyed by the store's stamp; tests, reports and the CLI use it as it is
    (memoised for the lifetime of the object).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        settings: Settings | None = None,
        compute: Callable[[int], Mapping[str | None, YearValues]] | None = None,
    ):
        self.settings = settings or load_settings()
        self.years: tuple[int, ...] = tuple(kpis.available_years(con))
        self._compute = compute or (
            lambda year: kpis.compute_kpis_by_view(con, year, self.settings)
        )
        self._memo: dict[int, Mapping[str | None, YearValues]] = {}

    def values(self, year: int, carrier: str | None = None) -> YearValues:
        if year not in self._memo:
            self._memo[year] = self._compute(year)
        return self._memo[year][carrier]

    def trend(self, kpi_id: str, carrier: str | None = None) -> pd.DataFrame:
        """year, value, label, target over every year in the store (gaps where no value)."""
        rows = []
        for year in self.years:
            value = self.values(year, carrier).get(kpi_id)
            # a survey KPI has a point only in the years of its waves
            if value is not None and value.extra.get("wave", year) == year:
                rows.append(
                    {
                        "year": year,
                        "value": value.value,
                        "label": value.label,
                        "target": value.target,
                    }
                )
        return pd.DataFrame(rows, columns=["year", "value", "label", "target"])


# --- building blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartBlock:
    """A chart with the published data behind it, ready to render and to export."""

    key: str
    title: str
    figure: go.Figure
    table: pd.DataFrame  # the same data as displayed text (de-DE or en formats, "< k")
    suppressed_k: int | None = None  # k of the suppressed values shown, for the footnote
    notes: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class TableBlock:
    key: str
    title: str
    table: pd.DataFrame
    suppressed_k: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusContext:
    demo: bool
    as_of: str | None  # "31.12.2025"
    years: tuple[int, ...]
    has_personnel: bool


def build_status(con: duckdb.DuckDBPyConnection) -> StatusContext:
    status = store.store_status(con)
    latest = status.latest_reporting_date
    return StatusContext(
        demo=status.demo,
        as_of=latest.strftime("%d.%m.%Y") if latest is not None else None,
        years=tuple(kpis.available_years(con)),
        has_personnel=status.personnel_rows > 0,
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


def _value_text(value: KpiValue | None, lang: Lang) -> str:
    return "–" if value is None else kpis.format_kpi_value(value, lang)


def _suppressed_k(values: Sequence[KpiValue | None]) -> int | None:
    ks = [v.k for v in values if v is not None and v.suppressed and v.k is not None]
    return max(ks) if ks else None


def _status(value: KpiValue) -> str | None:
    if value.value is None or value.target is None or value.suppressed:
        return None
    if value.value >= value.target:
        return "good"
    return "warn" if value.value >= 0.9 * value.target else "bad"


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
    # ASCII minus: Streamlit's metric reads the direction of the arrow from a leading "-"
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    if current.unit == "%":
        unit = "Pp." if lang == "de" else "pp"
        return f"{sign}{format_number(abs(change), lang, 1)} {unit}"
    if current.unit == "ratio":
        return f"{sign}{format_number(abs(change), lang, 2)}"
    if current.unit == "count":
        return f"{sign}{format_number(abs(change), lang, 0)}"
    return None


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
    if current is not None and "wave" in current.extra:
        note = t("view.wave", lang, wave=current.extra["wave"])
    return KpiCard(
        kpi_id=kpi_id,
        title=kpis.kpi_label(kpi_id, lang),
        value_text=_value_text(current, lang),
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
            highlight_year=None if current is None else current.extra.get("wave", year),
        )
        if trend["value"].notna().sum() > 1
        else None,
        suppressed_k=_suppressed_k([current]),
        note=note,
        delta_label=t(
            "view.previous_wave"
            if current is not None and "wave" in current.extra
            else "app.previous_year",
            lang,
        ),
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
) -> ChartBlock:
    """Lines over the years for (kpi id, series name) pairs; the title gets the years shown."""
    if history.years:
        title = f"{title}, {history.years[0]}–{history.years[-1]}"
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
    k = _suppressed_from_labels(frame)
    return ChartBlock(key, title, figure, table, k)


def _display(value: float | None, label: object, unit: str, lang: Lang) -> str:
    if isinstance(label, str) and label:
        return label
    if value is None or pd.isna(value):
        return "–"
    return charts.format_value(float(value), unit, lang)


def _wide_table(
    frame: pd.DataFrame, lang: Lang, unit: str, *, index: str, index_label: str
) -> pd.DataFrame:
    """One row per `index` value, one column per series, values as displayed text."""
    if frame.empty:
        return pd.DataFrame()
    frame = frame.assign(
        display=[
            _display(v, lab, unit, lang)
            for v, lab in zip(frame["value"], frame["label"], strict=True)
        ]
    )
    if "series" not in frame:
        frame = frame.assign(series=t("view.value", lang))
    wide = frame.pivot(index=index, columns="series", values="display")
    wide = wide[list(dict.fromkeys(frame["series"]))]
    wide.columns.name = None
    wide = wide.reset_index().rename(columns={index: index_label})
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
    category_label: str | None = None,
    horizontal: bool = False,
    notes: tuple[str, ...] = (),
) -> ChartBlock:
    """Bars for (category, published value) pairs of one year."""
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
        horizontal=horizontal,
    )
    table = pd.DataFrame(
        {
            category_label or t("view.group", lang): frame["category"],
            t("view.value", lang): [
                _display(v, lab, unit, lang)
                for v, lab in zip(frame["value"], frame["label"], strict=True)
            ],
        }
    )
    return ChartBlock(key, title, figure, table, _suppressed_k([v for _, v in rows]), notes)


def _breakdown_block(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, kpi_id: str, filters: Filters, lang: Lang
) -> ChartBlock | None:
    """The KPI per category of the sidebar's breakdown, where the registry allows it."""
    kpi = kpis.KPIS[kpi_id]
    dimension = filters.breakdown
    if dimension is None or dimension not in kpi.breakdowns or filters.year is None:
        return None
    if filters.carrier is not None and not kpi.carrier_view:
        return None
    frame = kpis.kpi_breakdown(
        con, kpi_id, filters.year, dimension, filters.carrier, history.settings
    )
    if frame.empty:
        return None
    frame = frame.assign(
        category=[kpis.category_label(dimension, c, lang) for c in frame["category"]]
    )
    title = t(
        "view.breakdown_title",
        lang,
        kpi=kpi.label(lang),
        dimension=kpis.dimension_label(dimension, lang),
        year=filters.year,
    )
    figure = charts.bar_figure(
        frame, category_column="category", title=title, unit=kpi.unit, lang=lang, horizontal=True
    )
    table = pd.DataFrame(
        {
            kpis.dimension_label(dimension, lang): frame["category"],
            kpi.label(lang): [
                _display(v, lab, kpi.unit, lang)
                for v, lab in zip(frame["value"], frame["label"], strict=True)
            ],
        }
    )
    return ChartBlock(f"breakdown_{kpi_id}", title, figure, table, _suppressed_from_labels(frame))


def _as_of(history: KpiHistory, con: duckdb.DuckDBPyConnection, year: int) -> str:
    reporting = kpis.reporting_date(con, year)
    return reporting.strftime("%d.%m.%Y") if reporting else str(year)


# --- overview -------------------------------------------------------------------------------------

OVERVIEW_KPIS = (
    "headcount",
    "women_share",
    "women_leadership_share",
    "leadership_representation_index",
    "part_time_share",
    "mobile_work_share",
    "sb_quota",
    "sb_applicant_share",
    "migration_background_share",
)


@dataclass(frozen=True)
class OverviewContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    empty: bool = False


def build_overview(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, filters: Filters, lang: Lang
) -> OverviewContext:
    if filters.year is None:
        return OverviewContext(t("page.overview", lang), "", (), empty=True)
    cards = []
    for kpi_id in OVERVIEW_KPIS:
        kpi = kpis.KPIS[kpi_id]
        if filters.carrier is not None and not kpi.carrier_view:
            continue
        cards.append(_card(history, kpi_id, filters.year, filters.carrier, lang))
    return OverviewContext(
        title=t("view.overview_title", lang, year=filters.year),
        subtitle=_view_subtitle(con, history, filters, lang),
        cards=tuple(cards),
    )


def _view_subtitle(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, filters: Filters, lang: Lang
) -> str:
    carrier = t("app.all_carriers", lang) if filters.carrier is None else filters.carrier
    subtitle = t(
        "view.subtitle",
        lang,
        carrier=carrier,
        date=_as_of(history, con, filters.year) if filters.year else "–",
    )
    if filters.year and kpis.gender_assigned(con, filters.year, history.settings):
        subtitle += "  \n" + t("app.gender_assigned_note", lang)
    return subtitle


# --- women in leadership --------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadershipContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    trend: ChartBlock
    pipeline: ChartBlock
    underrepresentation: TableBlock
    breakdown: ChartBlock | None


def build_women_leadership(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, filters: Filters, lang: Lang
) -> LeadershipContext:
    year, carrier = filters.year, filters.carrier
    assert year is not None
    values = history.values(year, carrier)
    target = history.settings.target("women_leadership_share")
    level_ids = [f"women_leadership_share_by_level.{level}" for level in LEADERSHIP_LEVELS]
    trend = _trend_block(
        history,
        "leadership_trend",
        t("view.leadership_trend", lang),
        [
            ("women_leadership_share", t("view.all_leaders", lang)),
            *[
                (kpi_id, kpis.category_label("leadership", level, lang))
                for kpi_id, level in zip(level_ids, LEADERSHIP_LEVELS, strict=True)
            ],
        ],
        carrier,
        lang,
        target=target,
    )
    as_of = _as_of(history, con, year)
    pipeline = _bar_block(
        "leadership_pipeline",
        t("view.pipeline", lang, date=as_of),
        [
            (t("view.staff", lang), values.get("women_share")),
            *[
                (kpis.category_label("leadership", level, lang), values.get(kpi_id))
                for kpi_id, level in zip(level_ids, LEADERSHIP_LEVELS, strict=True)
            ],
        ],
        lang,
        target=target,
        category_label=t("view.level", lang),
    )
    cards = tuple(
        _card(history, kpi_id, year, carrier, lang)
        for kpi_id in (
            "women_leadership_share",
            "leadership_representation_index",
            "women_deputy_share",
            "part_time_leadership_share",
        )
    )
    return LeadershipContext(
        title=t("page.women_leadership", lang),
        subtitle=_view_subtitle(con, history, filters, lang),
        cards=cards,
        trend=trend,
        pipeline=pipeline,
        underrepresentation=_underrepresentation_block(con, history, year, carrier, lang),
        breakdown=_breakdown_block(con, history, "women_leadership_share", filters, lang),
    )


def _underrepresentation_block(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, year: int, carrier: str | None, lang: Lang
) -> TableBlock:
    frame = kpis.underrepresentation_table(con, year, carrier, history.settings)
    gender_names = {g: kpis.category_label("gender", g, lang) for g in ("w", "m")}

    def count(value: float | None, label: object) -> str:
        return _display(value, label, "count", lang)

    def verdict(row: pd.Series) -> str:
        if not row["assessed"]:
            return t("view.not_assessed", lang)
        if row["underrepresented"] in gender_names:
            return gender_names[row["underrepresented"]]
        return t("view.balanced", lang)

    table = pd.DataFrame(
        {
            t("view.area_kind", lang): [kpis.dimension_label(d, lang) for d in frame["dimension"]],
            t("view.area", lang): [
                kpis.category_label(d, a, lang)
                for d, a in zip(frame["dimension"], frame["area"], strict=True)
            ],
            gender_names["w"]: [
                count(v, lab) for v, lab in zip(frame["women"], frame["label"], strict=True)
            ],
            gender_names["m"]: [
                count(v, lab) for v, lab in zip(frame["men"], frame["label"], strict=True)
            ],
            t("view.underrepresented", lang): [verdict(row) for _, row in frame.iterrows()],
        }
    )
    return TableBlock(
        "underrepresentation",
        t("view.underrepresentation_title", lang, date=_as_of(history, con, year)),
        table,
        _suppressed_from_labels(frame),
        (t("view.underrepresentation_note", lang, k=history.settings.k_ordinary),),
    )


# --- inclusion ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InclusionContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    quota: ChartBlock
    trend: ChartBlock
    notices: TableBlock
    applicants: ChartBlock
    breakdown: ChartBlock | None


def _views_of(carrier: str | None) -> tuple[str | None, ...]:
    return (None, *CARRIERS) if carrier is None else (carrier,)


def _quota_id(view: str | None) -> str:
    return "sb_quota" if view is None else f"sb_quota.{view}"


def build_inclusion(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, filters: Filters, lang: Lang
) -> InclusionContext:
    year, carrier = filters.year, filters.carrier
    assert year is not None
    settings = history.settings
    values = history.values(year)  # the quota per carrier is part of the all-carrier view
    legal, internal = settings.target("sb_quota.BA") or 5.0, settings.target("sb_quota") or 9.0
    target_lines = (
        (t("view.legal_quota", lang), legal),
        (t("view.internal_target", lang), internal),
    )

    def view_name(view: str | None) -> str:
        return t("combined", lang) if view is None else view

    quota = _bar_block(
        "sb_quota",
        t("view.sb_quota_title", lang, year=year),
        [(view_name(v), values.get(_quota_id(v))) for v in _views_of(carrier)],
        lang,
        category_label=t("app.carrier", lang),
    )
    for label, value in target_lines:
        quota.figure.add_hline(
            y=value,
            line={"color": charts.TARGET_COLOUR, "dash": "dash"},
            annotation_text=f"{label}: {charts.format_value(value, '%', lang)}",
            annotation_position="top right",
            annotation=charts.annotation_style(),
        )
    trend = _trend_block(
        history,
        "sb_quota_trend",
        t("view.sb_quota_trend", lang),
        [(_quota_id(v), view_name(v)) for v in _views_of(carrier)],
        None,
        lang,
        extra_lines=target_lines,
    )
    tables = kpis.sb_quota_table(con, year, settings)
    notices = _notice_table(tables, _views_of(carrier), lang, view_name)
    applicant_values = history.values(year, carrier)
    applicants = _bar_block(
        "sb_applicants",
        t("view.sb_applicants_title", lang, year=year),
        [
            (
                kpis.kpi_label("sb_applicant_share", lang),
                applicant_values.get("sb_applicant_share"),
            ),
            (t("view.invite_rate_disclosing", lang), applicant_values.get("sb_invite_rate")),
            (t("view.invite_rate_others", lang), applicant_values.get("sb_invite_rate.others")),
        ],
        lang,
        horizontal=True,
        notes=(t("view.applicants_note", lang),),
    )
    cards = tuple(
        _card(history, kpi_id, year, carrier, lang)
        for kpi_id in (_quota_id(carrier), "sb_headcount_share", "sb_applicant_share")
    )
    return InclusionContext(
        title=t("page.inclusion", lang),
        subtitle=_view_subtitle(con, history, filters, lang),
        cards=cards,
        quota=quota,
        trend=trend,
        notices=notices,
        applicants=applicants,
        breakdown=_breakdown_block(con, history, "sb_headcount_share", filters, lang),
    )


def _notice_table(
    tables: Mapping[str | None, kpis.SbQuotaTable],
    views: Sequence[str | None],
    lang: Lang,
    view_name: Callable[[str | None], str],
) -> TableBlock:
    rows = []
    for view in views:
        value = tables[view].kpi
        extra = value.extra

        def number(raw: float | None, unit: str = "count", value: KpiValue = value) -> str:
            if value.suppressed:
                return value.label or "–"
            return "–" if raw is None else charts.format_value(float(raw), unit, lang)

        rows.append(
            {
                t("app.carrier", lang): view_name(view),
                t("view.quota", lang): _value_text(value, lang),
                t("view.months_covered", lang): t(
                    "view.months_of_12", lang, months=extra.get("months_covered", 0)
                ),
                t("view.places_total", lang): "–"
                if value.denominator is None
                else format_number(value.denominator, lang),
                t("view.filled_total", lang): "–"
                if value.numerator is None
                else format_number(value.numerator, lang),
                t("view.mandatory", lang): number(extra.get("mandatory_place_months")),
                t("view.unfilled", lang): number(extra.get("unfilled_place_months")),
                t("view.levy", lang): number(extra.get("levy_eur"), "€"),
            }
        )
    notes = [t("view.notice_note", lang), t("view.months_not_published", lang)]
    if any(tables[v].kpi.extra.get("approximation") for v in views):
        notes.append(t("view.approximation", lang))
    return TableBlock(
        "sb_notice",
        t("view.notice_title", lang),
        pd.DataFrame(rows),
        _suppressed_k([tables[v].kpi for v in views]),
        tuple(notes),
    )


# --- part-time and flexible work -----------------------------------------------------------------


@dataclass(frozen=True)
class PartTimeContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    by_gender: ChartBlock
    by_level: ChartBlock
    mobile: ChartBlock
    parental_leave: ChartBlock
    breakdown: ChartBlock | None


def build_part_time(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, filters: Filters, lang: Lang
) -> PartTimeContext:
    year, carrier = filters.year, filters.carrier
    assert year is not None
    women, men = (kpis.category_label("gender", g, lang) for g in ("w", "m"))
    everyone = t("view.all_staff", lang)
    by_gender = _trend_block(
        history,
        "part_time_gender",
        t("view.part_time_trend", lang),
        [
            ("part_time_share", everyone),
            ("part_time_share_women", women),
            ("part_time_share_men", men),
        ],
        carrier,
        lang,
    )
    levels = kpis.kpi_breakdown(
        con, "part_time_share", year, "leadership", carrier, history.settings
    )
    by_level = _bar_block(
        "part_time_level",
        t("view.part_time_by_level", lang, date=_as_of(history, con, year)),
        [
            (kpis.category_label("leadership", row.category, lang), _row_value(row))
            for row in levels.itertuples()
        ],
        lang,
        category_label=t("view.level", lang),
    )
    mobile = _trend_block(
        history,
        "mobile_work",
        t("view.mobile_trend", lang),
        [
            ("mobile_work_share", everyone),
            ("mobile_work_share.w", women),
            ("mobile_work_share.m", men),
        ],
        carrier,
        lang,
    )
    parental = _trend_block(
        history,
        "parental_leave",
        t("view.parental_trend", lang),
        [("parental_leave_men_share", kpis.kpi_label("parental_leave_men_share", lang))],
        carrier,
        lang,
    )
    cards = tuple(
        _card(history, kpi_id, year, carrier, lang)
        for kpi_id in (
            "part_time_share",
            "women_share_of_part_time",
            "part_time_leadership_share",
            "mobile_work_share",
            "parental_leave_men_share",
        )
    )
    return PartTimeContext(
        title=t("page.part_time", lang),
        subtitle=_view_subtitle(con, history, filters, lang),
        cards=cards,
        by_gender=by_gender,
        by_level=by_level,
        mobile=mobile,
        parental_leave=parental,
        breakdown=_breakdown_block(con, history, "part_time_share", filters, lang),
    )


def _row_value(row: Any) -> KpiValue:
    """A breakdown row (`itertuples` of `kpi_breakdown`, untyped as pandas rows are) as a
    KpiValue for the bar builder."""
    return KpiValue(
        id="",
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        target=None,
        suppressed=bool(row.suppressed),
        reason=row.reason,
        k=None if pd.isna(row.k) else int(row.k),
        unit="%",
    )


# --- migration background -------------------------------------------------------------------------


@dataclass(frozen=True)
class MigrationContext:
    title: str
    subtitle: str
    cards: tuple[KpiCard, ...]
    waves: ChartBlock | None
    response: TableBlock | None
    leaders: ChartBlock | None
    breakdown: ChartBlock | None
    notes: tuple[str, ...] = field(default=())


SURVEY_KPIS = ("migration_background_share", "immigration_history_share")


def build_migration(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, filters: Filters, lang: Lang
) -> MigrationContext:
    year = filters.year
    # the survey is anonymous and joint: no carrier view (CONTRACT § 2)
    notes = (t("app.not_in_carrier_view", lang),) if filters.carrier else ()
    waves = [
        w
        for w in history.years
        if year is not None
        and w <= year
        and history.values(w).get("survey_response_rate") is not None
        and history.values(w)["survey_response_rate"].extra.get("wave") == w
    ]
    if not waves:
        return MigrationContext(t("page.migration", lang), "", (), None, None, None, None, notes)
    rows = []
    for wave in waves:
        values = history.values(wave)
        for kpi_id in SURVEY_KPIS:
            value = values[kpi_id]
            rows.append(
                {
                    "wave": str(wave),
                    "series": kpis.kpi_label(kpi_id, lang),
                    "value": value.value,
                    "label": value.label,
                    "low": value.extra.get("ci_low", value.value),
                    "high": value.extra.get("ci_high", value.value),
                }
            )
    frame = pd.DataFrame(rows)
    benchmarks = [
        (f"{b.label(lang)} ({b.year})", b.value)
        for kpi_id in SURVEY_KPIS
        for b in history.settings.benchmarks_for(kpi_id)
    ]
    title = t("view.waves_title", lang)
    figure = charts.bar_figure(
        frame,
        category_column="wave",
        series_column="series",
        title=title,
        unit="%",
        lang=lang,
        error_columns=("low", "high"),
    )
    for index, (label, level) in enumerate(benchmarks):
        figure.add_hline(
            y=level,
            line={"color": charts.PALETTE[5 + index % 3], "dash": "dot"},
            annotation_text=f"{label}: {charts.format_value(level, '%', lang)}",
            annotation_position="top right" if index % 2 else "top left",
            annotation=charts.annotation_style(),
        )
    table = pd.DataFrame(
        {
            t("view.wave", lang, wave="").strip(): frame["wave"],
            t("view.definition", lang): frame["series"],
            t("view.value", lang): [
                _display(v, lab, "%", lang)
                for v, lab in zip(frame["value"], frame["label"], strict=True)
            ],
            t("view.interval", lang): [
                "–"
                if isinstance(lab, str) and lab
                else f"{charts.format_value(lo, '%', lang)} – {charts.format_value(hi, '%', lang)}"
                for lo, hi, lab in zip(frame["low"], frame["high"], frame["label"], strict=True)
            ],
        }
    )
    source_notes = tuple(
        t("view.benchmark_source", lang, label=b.label(lang), source=b.source)
        for kpi_id in SURVEY_KPIS
        for b in history.settings.benchmarks_for(kpi_id)
    )
    waves_block = ChartBlock(
        "survey_waves",
        title,
        figure,
        table,
        _suppressed_from_labels(frame),
        (t("view.interval_note", lang), *source_notes),
    )
    response = TableBlock(
        "survey_response",
        t("view.response_title", lang),
        pd.DataFrame(
            {
                t("view.wave", lang, wave="").strip(): [str(w) for w in waves],
                t("view.response_rate", lang): [
                    _value_text(history.values(w)["survey_response_rate"], lang) for w in waves
                ],
            }
        ),
    )
    latest = waves[-1]
    leaders = _survey_breakdown(con, history, latest, "leadership", lang)
    breakdown = None
    if filters.breakdown == "gender":
        breakdown = _survey_breakdown(con, history, latest, "gender", lang)
    cards = tuple(
        _card(history, kpi_id, latest, None, lang)
        for kpi_id in (*SURVEY_KPIS, "survey_response_rate")
    )
    return MigrationContext(
        t("page.migration", lang),
        t("view.survey_subtitle", lang, wave=latest),
        cards,
        waves_block,
        response,
        leaders,
        breakdown,
        notes,
    )


def _survey_breakdown(
    con: duckdb.DuckDBPyConnection, history: KpiHistory, wave: int, dimension: str, lang: Lang
) -> ChartBlock | None:
    rows = []
    for kpi_id in SURVEY_KPIS:
        frame = kpis.kpi_breakdown(con, kpi_id, wave, dimension, None, history.settings)
        for row in frame.itertuples():
            rows.append(
                {
                    "category": kpis.category_label(dimension, row.category, lang),
                    "series": kpis.kpi_label(kpi_id, lang),
                    "value": row.value,
                    "label": row.label,
                }
            )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    title = t(
        "view.survey_breakdown_title",
        lang,
        dimension=kpis.dimension_label(dimension, lang),
        wave=wave,
    )
    figure = charts.bar_figure(
        frame, category_column="category", series_column="series", title=title, unit="%", lang=lang
    )
    table = _wide_table(
        frame.rename(columns={"category": "group"}),
        lang,
        "%",
        index="group",
        index_label=kpis.dimension_label(dimension, lang),
    )
    return ChartBlock(f"survey_{dimension}", title, figure, table, _suppressed_from_labels(frame))


# --- methodology ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodologyContext:
    title: str
    kpis: pd.DataFrame
    disclosure_rules: tuple[str, ...]
    breakdowns: str


def build_methodology(settings: Settings, lang: Lang) -> MethodologyContext:
    """Every KPI's definition, legal source and the disclosure rules, from the registry."""
    rows = []
    for kpi in kpis.REGISTRY:
        target = settings.target(kpi.target_key) if kpi.target_key else None
        rows.append(
            {
                "ID": kpi.id,
                t("view.kpi", lang): kpi.label(lang),
                t("view.definition", lang): kpi.definition(lang),
                t("view.legal_source", lang): kpi.legal_source or "–",
                t("view.unit", lang): kpi.unit,
                t("app.target", lang): "–"
                if target is None
                else format_number(target, lang, 0 if float(target).is_integer() else 1),
                t("view.sensitivity", lang): t(
                    "view.sensitive" if kpi.sensitive else "view.ordinary", lang
                ),
            }
        )
    rules = (
        t("view.rule_counts", lang, k=settings.k_ordinary, k_sensitive=settings.k_sensitive),
        t("view.rule_shares", lang),
        t("view.rule_tables", lang),
        t("view.rule_differencing", lang),
        t("view.rule_survey", lang),
        t("view.rule_pseudonyms", lang),
    )
    dimensions = ", ".join(kpis.dimension_label(d, lang) for d in kpis.DIMENSIONS)
    return MethodologyContext(
        t("page.methodology", lang),
        pd.DataFrame(rows),
        rules,
        t("view.catalogue", lang, dimensions=dimensions),
    )


# --- reports --------------------------------------------------------------------------------------


def kpi_trend_block(
    history: KpiHistory, kpi_id: str, carrier: str | None, lang: Lang, *, title: str
) -> ChartBlock:
    """One KPI over every year in the store with its latest target as a line: the chart of a
    report slide for a KPI that no page context draws on its own."""
    kpi, _ = kpis.split_id(kpi_id)
    targets = history.trend(kpi_id, carrier)["target"].dropna()
    return _trend_block(
        history,
        f"trend_{kpi_id}",
        title,
        [(kpi_id, kpis.kpi_label(kpi_id, lang))],
        carrier,
        lang,
        unit=kpi.unit,
        target=float(targets.iloc[-1]) if not targets.empty else None,
    )


def previous_value(
    history: KpiHistory, kpi_id: str, year: int, carrier: str | None
) -> KpiValue | None:
    """What a KPI card compares with: the previous year's value, for a survey KPI the previous
    wave's (reports state the same change as the cards)."""
    current = history.values(year, carrier).get(kpi_id)
    return _previous_value(history, kpi_id, current, year, carrier)
