"""PROTOTYPE, for measurement only: two changes to the KPI engine, built from its own pieces.

Not production code: ``metrics/kpis.py`` belongs to the KPI engine's owner. This module measures
what the changes recommended in bench/README.md would gain on the 12 M-row store, and checks that
every published value (``KpiValue.to_json()`` of every KPI of every view) stays the same.
Written against ``metrics/kpis.py`` of cd37531 (blob 8dd0728); it calls private functions
(``_build_year``, ``_values_for_view``, ``_read_counts``, ``_predicate``), so a rework of the
engine may break it.

A. One build for all views. ``compute_kpis(con, year, carrier)`` builds the whole year — every
   view, since a carrier view needs the all-carrier figures as its parent — and then returns one
   view; a report or a page showing all three views builds the year three times.
   ``compute_year_all_views`` builds it once and reads the three views from it.

B. Aggregate first, then GROUPING SETS. The personnel query evaluates every measure's
   ``count(*) FILTER (…)`` over the 100,000 rows of the snapshot once per grouping set (15 sets).
   Here the snapshot is first grouped by carrier, the breakdown dimensions and the 16 atoms
   (booleans) into a few thousand cells with their row count ``n``; the same GROUPING SETS then
   run over those cells with ``sum(n) FILTER (…)``. Counts are additive, so the result is the
   same; the FILTER work shrinks with the number of cells instead of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import duckdb

from metrics import kpis
from metrics.contract import CARRIERS, PERSONNEL


def two_level_personnel_counts(
    con: duckdb.DuckDBPyConnection,
    snapshot: date,
    measures: list[Any],
    dimensions: list[str],
    *,
    include_views: bool,
) -> dict[Any, Any]:
    """Drop-in for ``kpis._personnel_counts``: the same counts, aggregated in two levels."""
    atoms = sorted(
        {
            atom
            for measure in measures
            for atom in (*measure.population, measure.numerator)
            if atom is not None
        }
    )
    atom_columns = {atom: f"a{index}" for index, atom in enumerate(atoms)}
    atom_select = ", ".join(
        f"({kpis.PERSONNEL_ATOMS[atom]}) AS {column}" for atom, column in atom_columns.items()
    )
    dimension_select = ", ".join(f"{kpis._PERSONNEL_DIMENSION_SQL[d]} AS {d}" for d in dimensions)
    columns = []
    for index, measure in enumerate(measures):
        population = kpis._predicate(measure.population, atom_columns)
        columns.append(f"coalesce(sum(n) FILTER (WHERE {population}), 0) AS den_{index}")
        if measure.is_share:
            numerator = kpis._predicate({*measure.population, measure.numerator}, atom_columns)
            columns.append(f"coalesce(sum(n) FILTER (WHERE {numerator}), 0) AS num_{index}")
    sets = [f"({d}), (carrier, {d})" for d in dimensions]
    if include_views:
        sets.insert(0, "(), (carrier)")
    grouping_columns = "".join(f"{d}, GROUPING({d}) AS g_{d}, " for d in dimensions)
    sql = f"""
        WITH snapshot AS (
            SELECT *, {kpis._AGE_BAND_SQL} AS age_band
            FROM {PERSONNEL.table} WHERE reporting_date = $date
        ),
        cells AS (
            SELECT carrier, {dimension_select}, {atom_select}, count(*) AS n
            FROM snapshot
            GROUP BY ALL
        )
        SELECT CASE WHEN GROUPING(carrier) = 1 THEN '*' ELSE carrier END AS view,
            {grouping_columns}
            {", ".join(columns)}
        FROM cells
        GROUP BY GROUPING SETS ({", ".join(sets)})
    """
    result = con.execute(sql, {"date": snapshot, "year": snapshot.year}).df()
    return kpis._read_counts(result, measures, dimensions, "view")


@contextmanager
def two_level_aggregation() -> Iterator[None]:
    """Within the block the engine counts personnel with ``two_level_personnel_counts``."""
    original = kpis._personnel_counts
    kpis._personnel_counts = two_level_personnel_counts
    try:
        yield
    finally:
        kpis._personnel_counts = original


def compute_year_all_views(
    con: duckdb.DuckDBPyConnection, year: int, settings: Any = None
) -> dict[str | None, dict[str, Any]]:
    """Every view of the year (None = all carriers) from one build of the year."""
    settings = settings or kpis.load_settings()
    state = kpis._build_year(con, year, settings)
    return {view: kpis._values_for_view(state, view) for view in (None, *CARRIERS)}


def differences(
    expected: dict[str | None, dict[str, Any]], actual: dict[str | None, dict[str, Any]]
) -> list[str]:
    """KPI ids whose published JSON differs between two results (empty: identical)."""
    problems = []
    for view, values in expected.items():
        other = actual.get(view, {})
        if set(values) != set(other):
            problems.append(f"{view}: ids differ: {sorted(set(values) ^ set(other))[:5]}")
        for kpi_id, value in values.items():
            if kpi_id in other and value.to_json() != other[kpi_id].to_json():
                problems.append(f"{view}: {kpi_id}")
    return problems
