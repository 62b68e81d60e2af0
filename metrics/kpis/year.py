"""A year's sections (personnel, applicants, survey): counted once, protected by the rules, and
extended by a breakdown when one is asked for; the assignment of gender d / x for publication.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import cast

import duckdb

from metrics import store
from metrics import survey as survey_data
from metrics.contract import (
    CARRIERS,
    GENDERS,
    LEADERSHIP_LEVELS,
    PERSONNEL,
)
from metrics.disclosure import (
    DisclosureRules,
    Published,
    Reason,
)
from metrics.disclosure.planner import PlanResult
from metrics.kpis.atoms import Measure
from metrics.kpis.counting import (
    _VIEWS,
    View,
    _applicant_counts,
    _CountKey,
    _Counts,
    _personnel_counts,
    latest_survey_wave,
    reporting_date,
)
from metrics.kpis.protection import _Section, _withheld
from metrics.kpis.registry import (
    KPIS,
    REGISTRY,
    Kpi,
    _applicant_measures,
    _categories,
    _mirrors,
    _personnel_measures,
    _variant_groups,
    measure_of,
    ratio_measures,
)
from metrics.kpis.vocabulary import SURVEY_DIMENSION_CATEGORIES, SURVEY_DIMENSIONS
from metrics.sb_quota import SbQuotaResult, compute_sb_quota_all
from metrics.settings import Settings


@dataclass
class _Year:
    """The published state of one year: built by compute_kpis, extended by breakdowns."""

    year: int
    settings: Settings
    snapshot: date | None
    personnel: _Section | None = None
    applicants: _Section | None = None
    survey: _Section | None = None
    survey_shares: dict[str, survey_data.SurveyShare] = field(default_factory=dict)
    survey_wave: int | None = None
    sb: dict[View, SbQuotaResult] = field(default_factory=dict)
    underrepresentation_counts: dict[View, dict[tuple[str, str], tuple[int, int]]] = field(
        default_factory=dict
    )
    # persons of gender d / x counted as w / m in every figure of the year (CONTRACT § 3)
    gender_assigned: bool = False
    # what the attacker made the planner hide, and its last audit
    plan: PlanResult | None = None
    # the cells published as public facts (leaders per carrier and level)
    public_cells: set[tuple[object, ...]] = field(default_factory=set)
    # optional personnel columns missing from the files of the reporting date, and of any date
    # of the year (the SGB IX months): what rests on them has no value (CONTRACT § 1.1)
    absent_at_snapshot: frozenset[str] = frozenset()
    absent_in_year: frozenset[str] = frozenset()
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def gender_sql(self) -> str:
        return _ASSIGNED_GENDER_SQL if self.gender_assigned else "gender"


def headline_dimensions() -> list[str]:
    """The dimensions a year's first personnel query counts: those of the variants, and pay
    group and leadership level for the BGleiG under-representation."""
    return sorted({d for _, d, _ in _variant_groups("personnel")} | {"pay_group", "leadership"})


def _count_year(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> _Year:
    """Stage 1 of a year: the headline figures and variants, protected by the rules."""
    sections = frozenset({"personnel", "applicants", "survey", "sb_quota"})
    rules = settings.rules
    state = _Year(year=year, settings=settings, snapshot=reporting_date(con, year))
    state.absent_at_snapshot, state.absent_in_year = _absent_columns(con, year, state.snapshot)
    if "personnel" in sections and state.snapshot is not None:
        measures = _personnel_measures()
        dimensions = headline_dimensions()
        state.gender_assigned = _gender_assigned(con, state.snapshot, rules)
        counts = _personnel_counts(
            con,
            state.snapshot,
            measures,
            dimensions,
            include_views=True,
            gender_sql=state.gender_sql,
        )
        section = _Section("personnel", "U=personnel", rules, _VIEWS, True, counts)
        section.mirrors = _mirrors("personnel")
        section.publish_base(m for m in measures if m not in section.mirrors)
        for measure, dimension, categories in _variant_groups("personnel"):
            section.add_group(measure, dimension, categories)
        # public facts take part in the audit as figures nothing may hide
        state.public_cells = _public_cells(section)
        section.public = {
            ("cell", *owner[1:]) if owner[0] == "group" else owner for owner in state.public_cells
        }
        section.audit()
        _freeze(section)
        state.personnel = section
        state.underrepresentation_counts = _underrepresentation_counts(counts)
    if "applicants" in sections:
        measures = _applicant_measures()
        counts = _applicant_counts(con, year, measures, by_gender=False)
        section = _Section("applicants", "U=applicants", rules, _VIEWS, False, counts)
        section.publish_base(measures)
        section.audit()
        _freeze(section)
        state.applicants = section
    if "survey" in sections:
        _build_survey(con, state)
    if "sb_quota" in sections:
        state.sb = dict(compute_sb_quota_all(con, year, settings.levy_rate_table))
    return state


def _absent_columns(
    con: duckdb.DuckDBPyConnection, year: int, snapshot: date | None
) -> tuple[frozenset[str], frozenset[str]]:
    """The optional columns the files of the reporting date lacked, and those of any date of
    the year (the coverage values of store.coverage_sql)."""
    coverage = dict(
        con.execute(
            f"SELECT DISTINCT reporting_date, {store.coverage_sql(PERSONNEL)} "
            f"FROM {PERSONNEL.table} WHERE reporting_date >= $start AND reporting_date < $end",
            {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)},
        ).fetchall()
    )
    at_snapshot = [coverage[snapshot]] if snapshot in coverage else []
    return (
        store.absent_columns(con, PERSONNEL.kind, at_snapshot),
        store.absent_columns(con, PERSONNEL.kind, list(coverage.values())),
    )


def _freeze(section: _Section) -> None:
    section.frozen_base = set(section.base)
    for group in section.groups.values():
        group.frozen = True


_SURVEY_RESPONSE = measure_of("survey_response_rate")
_SURVEY_DEFINITIONS: dict[survey_data.Definition, Measure] = {
    kpi.survey_definition: kpi.measure for kpi in REGISTRY if kpi.survey_definition and kpi.measure
}


def _build_survey(con: duckdb.DuckDBPyConnection, state: _Year) -> None:
    wave = latest_survey_wave(con, state.year)
    state.survey_wave = wave
    if wave is None:
        return
    counts: dict[_CountKey, _Counts] = {}
    respondents: int | None = None
    invited: int | None = None
    for definition, measure in _SURVEY_DEFINITIONS.items():
        share = (
            survey_data.migration_background(con, wave)
            if definition == "migration_background"
            else survey_data.immigration_history(con, wave)
        )
        state.survey_shares[definition] = share
        counts[(measure, None, None, None)] = _Counts(share.yes, share.determinable)
        respondents, invited = share.respondents, share.invited
    if invited is not None and respondents is not None and respondents <= invited:
        counts[(_SURVEY_RESPONSE, None, None, None)] = _Counts(respondents, invited)
    section = _Section("survey", f"U=survey:{wave}", state.settings.rules, (None,), True, counts)
    section.publish_base(m for (m, _, _, _) in counts)
    section.audit()
    _freeze(section)
    state.survey = section


def _underrepresentation_counts(
    counts: Mapping[_CountKey, _Counts],
) -> dict[View, dict[tuple[str, str], tuple[int, int]]]:
    """(women, men) of the staff per pay group and per leadership level, per view (raw)."""
    women_share = measure_of("women_share")
    result: dict[View, dict[tuple[str, str], tuple[int, int]]] = {view: {} for view in _VIEWS}
    for (measure, view, dimension, category), value in counts.items():
        if measure != women_share or dimension not in ("pay_group", "leadership"):
            continue
        if category is None or (dimension == "leadership" and category not in LEADERSHIP_LEVELS):
            continue
        if value.den > 0:
            result[view][(dimension, category)] = (value.num, value.den - value.num)
    return result


def _ensure_breakdown(con: duckdb.DuckDBPyConnection, state: _Year, dimension: str) -> None:
    """Stage 2: every KPI that allows `dimension`, broken down and audited together, so that a
    breakdown is published the same way whichever KPI was asked for first. The state is shared
    by every session (cached): one extension at a time."""
    if dimension == "carrier":
        return
    with state.lock:
        _extend_by(con, state, dimension)
        if dimension == "gender":
            _mark_assigned(state)


def _extend_by(con: duckdb.DuckDBPyConnection, state: _Year, dimension: str) -> None:
    if state.personnel is not None and state.snapshot is not None:
        measures = _breakdown_measures("personnel", dimension)
        section = state.personnel
        if measures and not all((m, dimension) in section.groups for m in measures):
            counts = _personnel_counts(
                con,
                state.snapshot,
                measures,
                [dimension],
                include_views=False,
                gender_sql=state.gender_sql,
            )
            section.counts.update(counts)
            observed = {c for (_, _, d, c) in counts if d == dimension and c is not None}
            for measure in measures:
                section.add_group(measure, dimension, _categories(dimension, observed))
            section.audit()
    if state.applicants is not None and dimension == "gender":
        measures = _breakdown_measures("applicants", dimension)
        section = state.applicants
        if not all((m, dimension) in section.groups for m in measures):
            counts = _applicant_counts(con, state.year, _applicant_measures(), by_gender=True)
            section.counts.update({k: v for k, v in counts.items() if k[2] == "gender"})
            for measure in measures:
                section.add_group(measure, dimension, GENDERS)
            section.audit()
    if state.survey is not None and dimension in SURVEY_DIMENSIONS:
        section = state.survey
        assert state.survey_wave is not None
        added = False
        survey_dimension = cast(survey_data.Dimension, dimension)  # one of SURVEY_DIMENSIONS
        for definition, measure in _SURVEY_DEFINITIONS.items():
            if (measure, dimension) in section.groups:
                continue
            shares = survey_data.survey_breakdown(
                con, state.survey_wave, definition, survey_dimension
            )
            for category, share in shares.items():
                section.counts[(measure, None, dimension, category)] = _Counts(
                    share.yes, share.determinable
                )
            section.add_group(measure, dimension, SURVEY_DIMENSION_CATEGORIES[dimension])
            added = True
        if added:
            section.audit()


def _breakdown_measures(universe: str, dimension: str) -> list[Measure]:
    measures: list[Measure] = []
    for kpi in REGISTRY:
        if dimension not in kpi.breakdowns:
            continue
        for measure in _kpi_measures(kpi):
            if measure.universe == universe and measure not in measures:
                measures.append(measure)
    if universe == "personnel" and dimension == "pay_group":
        measures.append(measure_of("women_share"))
    return measures


def _kpi_measures(kpi: Kpi) -> list[Measure]:
    if kpi.ratio_of is not None:
        return list(ratio_measures(kpi))
    return [kpi.measure] if kpi.measure is not None else []


# the published gender of a person: d / x assigned to w or m, at random but fixed per person and
# year through the keyed pseudonym (the store keeps only HMAC keys, so nobody can predict it)
_ASSIGNED_GENDER_SQL = (
    "CASE WHEN gender IN ('d', 'x') THEN CASE WHEN "
    "md5(person_key || ':' || CAST($year AS VARCHAR)) < '8' THEN 'w' ELSE 'm' END "
    "ELSE gender END"
)


def _gender_assigned(
    con: duckdb.DuckDBPyConnection, snapshot: date, rules: DisclosureRules
) -> bool:
    """CONTRACT § 3: d / x are assigned to w / m if they number 1 … k−1 in any carrier view."""
    ((everyone, *per_carrier),) = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE gender IN ('d', 'x')),
            {
            ", ".join(
                f"count(*) FILTER (WHERE gender IN ('d', 'x') AND carrier = '{c}')"
                for c in CARRIERS
            )
        }
        FROM {PERSONNEL.table} WHERE reporting_date = $date
        """,
        {"date": snapshot},
    ).fetchall()
    return any(0 < n < rules.k_ordinary for n in (everyone, *per_carrier))


_LEADERS = "women_leadership_share"  # its cells by carrier and level are public facts


def _public_cells(section: _Section) -> set[tuple[object, ...]]:
    """CONTRACT § 3: leaders per carrier, level and gender are public; published whenever the
    level has anybody in it (the org chart and the Gleichstellungsplan name them)."""
    measure = KPIS[_LEADERS].measure
    assert measure is not None
    owners: set[tuple[object, ...]] = set()
    for view in section.views:
        counts = section.base_counts(measure, view)
        section.base[(measure, view)] = _published_as_is(counts, measure, section.rules)
        owners.add(("base", measure, view))
    group = section.groups.get((measure, "leadership"))
    if group is not None:
        for view, row in group.rows.items():
            for category, counts in row.items():
                group.results[view][category] = _published_as_is(counts, measure, section.rules)
                owners.add(("group", measure, "leadership", view, category))
    return owners


def _published_as_is(counts: _Counts, measure: Measure, rules: DisclosureRules) -> Published:
    k = rules.k(measure.sensitive)
    if counts.den == 0:
        return Published(None, 0, 0, False, None, k)
    return Published(counts.num / counts.den, counts.num, counts.den, False, None, k)


def _mark_assigned(state: _Year) -> None:
    """Where d / x are assigned to w / m, their categories have no figures of their own."""
    section = state.personnel
    if section is None or not state.gender_assigned:
        return
    for (measure, dimension), group in section.groups.items():
        if dimension != "gender":
            continue
        k = section.rules.k(measure.sensitive)
        for row in group.results.values():
            for category in ("d", "x"):
                if category in row:
                    row[category] = _withheld(Reason.ASSIGNED, k)
