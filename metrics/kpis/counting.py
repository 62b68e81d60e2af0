"""Years, reporting dates, and the counts of a year from DuckDB: a handful of GROUP BY GROUPING
SETS queries with FILTER aggregates over every measure at once, never a loop over persons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from metrics import survey as survey_data
from metrics.contract import (
    APPLICATIONS,
    APPLICATIONS_OF_YEAR_SQL,
    CARRIERS,
    LATEST_GENDER_SQL,
    PERSONNEL,
    SURVEY,
)
from metrics.kpis.atoms import APPLICANT_ATOMS, PERSONNEL_ATOMS, Measure


def available_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with a personnel snapshot, an application or a survey wave, ascending."""
    rows = con.execute(
        f"""
        SELECT DISTINCT year(reporting_date) FROM {PERSONNEL.table}
        UNION SELECT DISTINCT year(application_date) FROM {APPLICATIONS.table}
        UNION SELECT DISTINCT wave FROM {SURVEY.table}
        """
    ).fetchall()
    return sorted(int(year) for (year,) in rows)


def reporting_date(con: duckdb.DuckDBPyConnection, year: int) -> date | None:
    """The latest personnel snapshot in `year` (the yearly view's reporting date D)."""
    ((latest,),) = con.execute(
        f"SELECT max(reporting_date) FROM {PERSONNEL.table} "
        "WHERE reporting_date >= $start AND reporting_date < $end",
        {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)},
    ).fetchall()
    return latest


def latest_survey_wave(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    waves = [wave for wave in survey_data.survey_waves(con) if wave <= year]
    return max(waves) if waves else None


View = str | None  # None = all carriers
_VIEWS: tuple[View, ...] = (None, *CARRIERS)


@dataclass(frozen=True)
class _Counts:
    num: int  # for a count: equal to den
    den: int


_EMPTY = _Counts(0, 0)
# (measure, view, dimension or None for the whole view, category or None)
_CountKey = tuple[Measure, View, str | None, str | None]

_AGE_BAND_SQL = (
    "CASE WHEN $year - birth_year < 30 THEN '< 30' "
    "WHEN $year - birth_year < 45 THEN '30–44' "
    "WHEN $year - birth_year < 55 THEN '45–54' ELSE '≥ 55' END"
)
# the only column expressions a breakdown may group by (contract whitelist)
_PERSONNEL_DIMENSION_SQL = {
    "leadership": "leadership",
    "employment_type": "employment_type",
    "gender": "gender",
    "org_unit": "org_unit",
    "pay_group": "pay_group",
    "age_band": "age_band",
}


def _predicate(atoms: Iterable[str], atom_sql: Mapping[str, str]) -> str:
    parts = [f"({atom_sql[atom]})" for atom in sorted(atoms)]
    return " AND ".join(parts) or "TRUE"


def _aggregates(
    measures: list[Measure], atom_sql: Mapping[str, str], *, weight: str | None = None
) -> str:
    """FILTER aggregates of every measure: count(*) over rows, or sum(weight) over cells."""

    def counted(condition: str) -> str:
        if weight is None:
            return f"count(*) FILTER (WHERE {condition})"
        return f"coalesce(sum({weight}) FILTER (WHERE {condition}), 0)"

    columns = []
    for index, measure in enumerate(measures):
        population = _predicate(measure.population, atom_sql)
        columns.append(f"{counted(population)} AS den_{index}")
        if measure.numerator is not None:  # a share
            numerator = _predicate({*measure.population, measure.numerator}, atom_sql)
            columns.append(f"{counted(numerator)} AS num_{index}")
    return ",\n    ".join(columns)


def _read_counts(
    result: pd.DataFrame, measures: list[Measure], dimensions: list[str], view_column: str
) -> dict[_CountKey, _Counts]:
    counts: dict[_CountKey, _Counts] = {}
    for row in result.itertuples(index=False):
        record = row._asdict()
        view = record[view_column]
        view = None if view == "*" or pd.isna(view) else view
        dimension = None
        category = None
        for name in dimensions:
            if record[f"g_{name}"] == 0:
                dimension, category = name, record[name]
        if dimension is not None and pd.isna(category):
            continue  # a NULL category cannot occur in validated data
        for index, measure in enumerate(measures):
            den = int(record[f"den_{index}"])
            num = int(record[f"num_{index}"]) if measure.is_share else den
            counts[(measure, view, dimension, category)] = _Counts(num, den)
    return counts


def personnel_counts_sql(
    measures: list[Measure],
    dimensions: list[str],
    *,
    include_views: bool,
    gender_sql: str = "gender",
) -> str:
    """The one query that counts every measure per view × category of each dimension.

    Two levels (measured in bench/proto_kpi_fast.py): the snapshot is first grouped by carrier,
    the dimensions and every atom into a few thousand cells with their head count n; the
    GROUPING SETS then sum n over those cells. Counts add up, so the result is the same as
    FILTER aggregates over the rows, but the per-measure work no longer grows with the staff.
    Parameters: $date (the reporting date) and $year.
    """
    atoms = sorted({a for m in measures for a in (*m.population, m.numerator) if a is not None})
    atom_columns = {atom: f"atom_{index}" for index, atom in enumerate(atoms)}
    atom_select = "".join(f"({PERSONNEL_ATOMS[a]}) AS {c}, " for a, c in atom_columns.items())
    dimension_select = "".join(f"{_PERSONNEL_DIMENSION_SQL[d]} AS {d}, " for d in dimensions)
    sets = [f"({d}), (carrier, {d})" for d in dimensions]
    if include_views:
        sets.insert(0, "(), (carrier)")
    grouping_columns = "".join(f"{d}, GROUPING({d}) AS g_{d}, " for d in dimensions)
    return f"""
        WITH snapshot AS (
            SELECT * REPLACE ({gender_sql} AS gender), {_AGE_BAND_SQL} AS age_band
            FROM {PERSONNEL.table} WHERE reporting_date = $date
        ),
        cells AS (
            SELECT carrier, {dimension_select} {atom_select} count(*) AS n
            FROM snapshot
            GROUP BY ALL
        )
        SELECT CASE WHEN GROUPING(carrier) = 1 THEN '*' ELSE carrier END AS view,
            {grouping_columns}
            {_aggregates(measures, atom_columns, weight="n")}
        FROM cells
        GROUP BY GROUPING SETS ({", ".join(sets)})
    """


def _personnel_counts(
    con: duckdb.DuckDBPyConnection,
    snapshot: date,
    measures: list[Measure],
    dimensions: list[str],
    *,
    include_views: bool,
    gender_sql: str = "gender",
) -> dict[_CountKey, _Counts]:
    """Counts of every measure per view × category of each dimension, in one query."""
    sql = personnel_counts_sql(
        measures, dimensions, include_views=include_views, gender_sql=gender_sql
    )
    result = con.execute(sql, {"date": snapshot, "year": snapshot.year}).df()
    return _read_counts(result, measures, dimensions, "view")


def applicant_counts_sql(measures: list[Measure], *, by_gender: bool) -> str:
    """Per-applicant rules over the year (CONTRACT § 2), per view, in one query.

    An applicant belongs to a carrier view through their applications with that carrier; the
    per-applicant attributes of a view are taken over those applications only. Applications
    without a carrier count in the all-carrier view only. Parameters: $start and $end of the
    year.
    """
    sets = "(view), (view, gender)" if by_gender else "(view)"
    gender_columns = "gender, GROUPING(gender) AS g_gender," if by_gender else ""
    return f"""
        WITH applications_of_year AS ({APPLICATIONS_OF_YEAR_SQL}),
        applicants AS (
            SELECT CASE WHEN GROUPING(carrier) = 1 THEN '*' ELSE carrier END AS view,
                bool_or(disclosed) AS disclosed,
                bool_or(invited) AS invited,
                bool_or(hired) AS hired,
                {LATEST_GENDER_SQL} AS gender
            FROM applications_of_year
            GROUP BY GROUPING SETS ((applicant_key), (applicant_key, carrier))
        )
        SELECT view, {gender_columns}
            {_aggregates(measures, APPLICANT_ATOMS)}
        FROM applicants
        WHERE view IS NOT NULL  -- applications without carrier, in the per-carrier grouping
        GROUP BY GROUPING SETS ({sets})
    """


def _applicant_counts(
    con: duckdb.DuckDBPyConnection, year: int, measures: list[Measure], *, by_gender: bool
) -> dict[_CountKey, _Counts]:
    sql = applicant_counts_sql(measures, by_gender=by_gender)
    result = con.execute(sql, {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)}).df()
    return _read_counts(result, measures, ["gender"] if by_gender else [], "view")
