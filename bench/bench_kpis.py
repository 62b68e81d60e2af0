"""KPI benchmark: every KPI of one year on the 12 M-row store, against two baselines.

Store: 100,000 persons × 120 monthly snapshots (built by ``python -m bench.bench_import --big``).
Measured on a read-only connection:

* ours: ``metrics.kpis.api.compute_kpis(con, 2025)`` (one view) and
  ``metrics.kpis.api.compute_kpis_by_view(con, 2025)`` (all three views from one build of the year,
  what the app's cache and the reports call); also ``compute_kpis`` once per view, for reference.
  Warm = median of 5 after 1 warm-up on one connection; cold = a fresh process that opens the
  store and computes the year (median of 3), once with the store's pages in the OS page cache and
  once with them evicted (``posix_fadvise(DONTNEED)`` on the store file only).
* (a) the "naive analyst": the year's rows loaded into pandas (``SELECT * … .df()``), every
  personnel KPI computed with masks and ``groupby``, for all carriers and per carrier. Goal: ours
  ≥ 10 × faster.
* (b) the lower bound: one DuckDB SELECT over the year's rows with ``count(*) FILTER (…)`` for the
  same personnel KPIs, grouped by (carrier, pay group, month) into ~600 cells — one hash
  aggregate, one scan; every figure (views, pay groups for under-representation, months for the
  quota's disclosure rule) is then a sum of cells. Goal: ours ≤ 3 × of it.
* absolute: ``compute_kpis(con, 2025)`` warm < 1 s.

The "full year" contender is the set a report needs: all carriers + BA + Kommune. The baselines
compute exactly that set; a cross-check prints their numerators and denominators next to ours.

    python -m bench.bench_kpis [--db bench/out/store_100k/vielfalt.duckdb] [--year 2025]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from bench.common import (
    OUT,
    Timing,
    goal_line,
    interleaved,
    load_average,
    machine_report,
    python_module_command,
    ratio_line,
    run_child,
    source_identity,
)

STORE = OUT / "store_100k" / "vielfalt.duckdb"
CARRIERS = ("BA", "Kommune")
LEVELS = ("Teamleitung", "Bereichsleitung", "Geschäftsführung")
GOAL_VS_PANDAS = 10.0
GOAL_VS_SINGLE_SCAN = 3.0
GOAL_WARM_SECONDS = 1.0

Numbers = dict[str, tuple[float, float] | float]


def year_bounds(year: int) -> dict[str, date]:
    return {"year_start": date(year, 1, 1), "next_year_start": date(year + 1, 1, 1)}


# --- (a) the naive analyst: pandas ---------------------------------------------------------------


def _women(frame: pd.DataFrame) -> tuple[float, float]:
    counts = frame["gender"].value_counts()
    women, men = counts.get("w", 0), counts.get("m", 0)
    return women, women + men


def _men(frame: pd.DataFrame) -> tuple[float, float]:
    women, both = _women(frame)
    return both - women, both


def _share(mask: pd.Series) -> tuple[float, float]:
    return int(mask.sum()), len(mask)


def pandas_view_kpis(frame: pd.DataFrame) -> Numbers:
    """Every personnel KPI of CONTRACT § 2 for one view, as (numerator, denominator) or a count."""
    out: Numbers = {}
    at = frame[frame["reporting_date"] == frame["reporting_date"].max()]
    out["headcount"] = len(at)
    for column in ("carrier", "gender", "employment_type"):
        for value, count in at.groupby(column).size().items():
            out[f"headcount.{value}"] = int(count)
    staff = at[at["employment_type"] != "Ausbildung"]
    leaders = staff[staff["leadership"] != "keine"]
    out["women_share"] = _women(staff)
    out["women_leadership_share"] = _women(leaders)
    for level, group in leaders.groupby("leadership"):
        out[f"women_leadership_share_by_level.{level}"] = _women(group)
    out["women_deputy_share"] = _women(staff[staff["deputy"]])
    active = staff[staff["leave"] == "keine"]
    part_time = active["weekly_hours"] < active["full_time_hours"]
    out["part_time_share"] = _share(part_time)
    out["part_time_share_women"] = _share(part_time[active["gender"] == "w"])
    out["part_time_share_men"] = _share(part_time[active["gender"] == "m"])
    out["women_share_of_part_time"] = _women(active[part_time])
    active_leaders = active[active["leadership"] != "keine"]
    out["part_time_leadership_share"] = _share(
        active_leaders["weekly_hours"] < active_leaders["full_time_hours"]
    )
    mobile = active["mobile_work"] != "keine"
    out["mobile_work_share"] = _share(mobile)
    for gender in ("w", "m"):
        out[f"mobile_work_share.{gender}"] = _share(mobile[active["gender"] == gender])
    out["parental_leave_men_share"] = _men(staff[staff["leave"] == "Elternzeit"])
    out["sb_headcount_share"] = _share(at["disability"] != "nein")
    # underrepresentation (§ 3 Nr. 9 BGleiG): W and M per pay group and per leadership level
    gendered = staff[staff["gender"].isin(["w", "m"])]
    by_pay_group = gendered.groupby(["pay_group", "gender"]).size().unstack(fill_value=0)
    by_level = (
        gendered[gendered["leadership"] != "keine"]
        .groupby(["leadership", "gender"])
        .size()
        .unstack(fill_value=0)
    )
    for name, table in (("pay_group", by_pay_group), ("level", by_level)):
        out[f"underrepresentation.{name}.groups"] = len(table)
        out[f"underrepresentation.{name}.flagged"] = _flagged(table.get("w", 0), table.get("m", 0))
    out.update(_pandas_sb_quota(frame))
    return out


def _pandas_sb_quota(frame: pd.DataFrame) -> Numbers:
    months = frame["reporting_date"].dt.month
    latest = frame.groupby(months)["reporting_date"].transform("max")
    snapshot = frame[frame["reporting_date"] == latest]
    month = snapshot["reporting_date"].dt.month
    trainee = snapshot["employment_type"] == "Ausbildung"
    replaced = (snapshot["leave"] != "keine") & snapshot["leave_replaced"]
    disabled = snapshot["disability"] != "nein"
    hours_ok = snapshot["weekly_hours"] >= 18
    place = ~replaced & ~trainee & hours_ok
    filled = disabled & ~replaced & (hours_ok | snapshot["under18_approved"] | trainee)
    weight = np.where(trainee, np.maximum(snapshot["credit_factor"], 2), snapshot["credit_factor"])
    monthly = (
        pd.DataFrame(
            {
                "month": month,
                "places": place,
                "filled": np.where(filled, weight, 0),
                "counted": filled,
                "others": place & ~disabled,
            }
        )
        .groupby("month")[["places", "filled", "counted", "others"]]
        .sum()
    )
    places, filled_total = int(monthly["places"].sum()), float(monthly["filled"].sum())
    return {
        "sb_quota": (filled_total, places),
        "sb_quota.months_covered": len(monthly),
        # disclosure needs the smallest monthly counts (CONTRACT § 2.1)
        "sb_quota.min_counted": int(monthly["counted"].min()),
        "sb_quota.min_others": int(monthly["others"].min()),
    }


def pandas_year(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, Numbers]:
    frame = con.execute(
        "SELECT * FROM personnel WHERE reporting_date >= $year_start "
        "AND reporting_date < $next_year_start",
        year_bounds(year),
    ).df()
    results = {"all": pandas_view_kpis(frame)}
    for carrier in CARRIERS:
        results[carrier] = pandas_view_kpis(frame[frame["carrier"] == carrier])
    return results


# --- (b) the lower bound: one scan -------------------------------------------------------------

_AT_D = "reporting_date = (SELECT max(reporting_date) FROM year_rows)"


def _single_scan_sql() -> str:
    staff = f"{_AT_D} AND employment_type <> 'Ausbildung'"
    active = f"{staff} AND leave = 'keine'"
    part_time = "weekly_hours < full_time_hours"
    leader = "leadership <> 'keine'"
    replaced = "(leave <> 'keine' AND leave_replaced)"
    trainee = "employment_type = 'Ausbildung'"
    place = f"NOT {replaced} AND NOT {trainee} AND weekly_hours >= 18"
    filled = (
        f"disability <> 'nein' AND NOT {replaced} "
        f"AND (weekly_hours >= 18 OR under18_approved OR {trainee})"
    )
    counts: dict[str, str] = {"headcount": _AT_D}
    for gender in ("w", "m", "d", "x"):
        counts[f"headcount_{gender}"] = f"{_AT_D} AND gender = '{gender}'"
    for kind in ("Tarif", "Beamte", "Ausbildung"):
        counts[f"headcount_{kind}"] = f"{_AT_D} AND employment_type = '{kind}'"
    for gender in ("w", "m"):
        g = f"gender = '{gender}'"
        counts[f"staff_{gender}"] = f"{staff} AND {g}"
        counts[f"leaders_{gender}"] = f"{staff} AND {leader} AND {g}"
        for index, level in enumerate(LEVELS):
            counts[f"level{index}_{gender}"] = f"{staff} AND leadership = '{level}' AND {g}"
        counts[f"deputy_{gender}"] = f"{staff} AND deputy AND {g}"
        counts[f"active_{gender}"] = f"{active} AND {g}"
        counts[f"active_part_time_{gender}"] = f"{active} AND {part_time} AND {g}"
        counts[f"mobile_{gender}"] = f"{active} AND mobile_work <> 'keine' AND {g}"
        counts[f"parental_{gender}"] = f"{staff} AND leave = 'Elternzeit' AND {g}"
    counts["active"] = active
    counts["active_part_time"] = f"{active} AND {part_time}"
    counts["active_mobile"] = f"{active} AND mobile_work <> 'keine'"
    counts["active_leaders"] = f"{active} AND {leader}"
    counts["active_leaders_part_time"] = f"{active} AND {leader} AND {part_time}"
    counts["disabled"] = f"{_AT_D} AND disability <> 'nein'"
    counts["places"] = place
    counts["counted"] = filled
    counts["others"] = f"{place} AND disability = 'nein'"
    aggregates = ",\n    ".join(
        f"count(*) FILTER (WHERE {condition}) AS {name}" for name, condition in counts.items()
    )
    weight = f"CASE WHEN {trainee} THEN greatest(credit_factor, 2) ELSE credit_factor END"
    # one hash aggregate over the year's rows into ~600 (carrier, pay group, month) cells; every
    # figure is a sum of cells, so the views, pay groups and months are rolled up afterwards
    return f"""
WITH year_rows AS (
    SELECT * FROM personnel
    WHERE reporting_date >= $year_start AND reporting_date < $next_year_start
)
SELECT carrier, pay_group, month(reporting_date) AS month,
    {aggregates},
    coalesce(sum({weight}) FILTER (WHERE {filled}), 0) AS filled
FROM year_rows
GROUP BY carrier, pay_group, month(reporting_date)
"""


SINGLE_SCAN_SQL = _single_scan_sql()


def single_scan_year(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, Numbers]:
    cells = con.execute(SINGLE_SCAN_SQL, year_bounds(year)).df()
    counts = [column for column in cells.columns if column not in ("carrier", "pay_group", "month")]
    results: dict[str, Numbers] = {}
    for view in ("all", *CARRIERS):
        mine = cells if view == "all" else cells[cells["carrier"] == view]
        total = mine[counts].sum()
        monthly = mine.groupby("month")[["counted", "others"]].sum()
        out: Numbers = {"headcount": int(total["headcount"])}
        for carrier, headcount in mine.groupby("carrier")["headcount"].sum().items():
            if headcount:
                out[f"headcount.{carrier}"] = int(headcount)
        for key in ("w", "m", "d", "x", "Tarif", "Beamte", "Ausbildung"):
            if total[f"headcount_{key}"]:
                out[f"headcount.{key}"] = int(total[f"headcount_{key}"])
        out["women_share"] = _pair(total["staff_w"], total["staff_w"] + total["staff_m"])
        out["women_leadership_share"] = _pair(
            total["leaders_w"], total["leaders_w"] + total["leaders_m"]
        )
        for index, level in enumerate(LEVELS):
            w, m = total[f"level{index}_w"], total[f"level{index}_m"]
            if w + m:
                out[f"women_leadership_share_by_level.{level}"] = _pair(w, w + m)
        out["women_deputy_share"] = _pair(total["deputy_w"], total["deputy_w"] + total["deputy_m"])
        out["part_time_share"] = _pair(total["active_part_time"], total["active"])
        out["part_time_share_women"] = _pair(total["active_part_time_w"], total["active_w"])
        out["part_time_share_men"] = _pair(total["active_part_time_m"], total["active_m"])
        out["women_share_of_part_time"] = _pair(
            total["active_part_time_w"], total["active_part_time_w"] + total["active_part_time_m"]
        )
        out["part_time_leadership_share"] = _pair(
            total["active_leaders_part_time"], total["active_leaders"]
        )
        out["mobile_work_share"] = _pair(total["active_mobile"], total["active"])
        for gender in ("w", "m"):
            out[f"mobile_work_share.{gender}"] = _pair(
                total[f"mobile_{gender}"], total[f"active_{gender}"]
            )
        out["parental_leave_men_share"] = _pair(
            total["parental_m"], total["parental_w"] + total["parental_m"]
        )
        out["sb_headcount_share"] = _pair(total["disabled"], total["headcount"])
        out["sb_quota"] = (float(total["filled"]), float(total["places"]))
        out["sb_quota.months_covered"] = len(monthly)
        out["sb_quota.min_counted"] = int(monthly["counted"].min())
        out["sb_quota.min_others"] = int(monthly["others"].min())
        by_pay_group = mine.groupby("pay_group")[["staff_w", "staff_m"]].sum()
        by_pay_group = by_pay_group[by_pay_group["staff_w"] + by_pay_group["staff_m"] > 0]
        by_level = pd.DataFrame(
            [(total[f"level{i}_w"], total[f"level{i}_m"]) for i in range(len(LEVELS))],
            columns=["staff_w", "staff_m"],
        )
        by_level = by_level[by_level["staff_w"] + by_level["staff_m"] > 0]
        for name, table in (("pay_group", by_pay_group), ("level", by_level)):
            out[f"underrepresentation.{name}.groups"] = len(table)
            out[f"underrepresentation.{name}.flagged"] = _flagged(
                table["staff_w"], table["staff_m"]
            )
        results[view] = out
    return results


def _flagged(women: pd.Series, men: pd.Series) -> int:
    """Groups where one gender is under-represented (§ 3 Nr. 9 BGleiG, CONTRACT § 2)."""
    gap = (women - men).abs()
    even = (women + men) % 2 == 0
    return int(((even & (gap > 0)) | (gap >= 2)).sum())


def _pair(numerator: Any, denominator: Any) -> tuple[float, float]:
    return float(numerator), float(denominator)


# --- ours ---------------------------------------------------------------------------------------


def ours_view(con: duckdb.DuckDBPyConnection, year: int, carrier: str | None) -> dict[str, Any]:
    from metrics.kpis.api import compute_kpis

    return compute_kpis(con, year, carrier=carrier)


def ours_year(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, dict[str, Any]]:
    """Every view of the year from one build, as the app and the reports get it."""
    from metrics.kpis.api import compute_kpis_by_view

    views = compute_kpis_by_view(con, year)
    return {"all" if view is None else view: values for view, values in views.items()}


def ours_year_per_view(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, dict[str, Any]]:
    return {
        "all": ours_view(con, year, None),
        **{carrier: ours_view(con, year, carrier) for carrier in CARRIERS},
    }


def cross_check(
    pandas_result: dict[str, Numbers],
    scan_result: dict[str, Numbers],
    ours_result: dict[str, dict[str, Any]] | None,
) -> None:
    """The baselines compute the same figures as each other (and as ours, where comparable)."""
    print("\n  cross-check, all carriers (numerator / denominator or count):")
    mismatches = 0
    for view in ("all", *CARRIERS):
        for key, expected in pandas_result[view].items():
            scanned = scan_result[view].get(key)
            same = scanned is not None and np.allclose(
                np.asarray(scanned, float), np.asarray(expected, float)
            )
            ours_text = ""
            if ours_result is not None and key in ours_result[view]:
                kpi = ours_result[view][key]
                value, numerator, denominator = kpi.value, kpi.numerator, kpi.denominator
                ours_text = f"   ours: {numerator} / {denominator} -> {value}"
                if value is None:
                    ours_text += " (suppressed)"
                elif isinstance(expected, tuple):
                    same = same and np.allclose(
                        [float(numerator), float(denominator)], np.asarray(expected, float)
                    )
                else:
                    same = same and float(value) == float(expected)
            mismatches += not same
            if view == "all" or not same:
                print(
                    f"    {view:8} {key:48} pandas {_fmt(expected):>20}  scan "
                    f"{_fmt(scanned):>20}{ours_text}{'' if same else '   MISMATCH'}"
                )
    print(f"  cross-check: {mismatches} mismatches")


def _fmt(value: Any) -> str:
    if isinstance(value, tuple):
        return f"{value[0]:g} / {value[1]:g}"
    return "-" if value is None else f"{value:g}"


# --- profiling: which query dominates ------------------------------------------------------------


class QueryLog:
    """A connection wrapper recording every statement's wall time (results are drained by the
    caller, so execute() + fetch are both inside the caller's time; here: execute() only)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.entries: list[tuple[float, str, Any]] = []

    def execute(self, sql: str, parameters: Any = None) -> Any:
        started = time.perf_counter()
        result = (
            self._con.execute(sql) if parameters is None else self._con.execute(sql, parameters)
        )
        rows = result.fetchall() if result.description else []
        self.entries.append((time.perf_counter() - started, sql, parameters))
        return _Replay(result.description, rows)

    def sql(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        relation = self._con.sql(sql, *args, **kwargs)
        self.entries.append((time.perf_counter() - started, sql, kwargs.get("params")))
        return relation

    def cursor(self) -> QueryLog:
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


class _Replay:
    """A drained result: fetchall/fetchone/df/fetchdf work as on a DuckDB result."""

    def __init__(self, description: Any, rows: list[tuple]) -> None:
        self.description = description
        self._rows = rows

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def fetchmany(self, size: int = 1) -> list[tuple]:
        return self._rows[:size]

    def df(self) -> pd.DataFrame:
        columns = [column[0] for column in self.description or []]
        return pd.DataFrame(self._rows, columns=columns)

    fetchdf = df


def profile_ours(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """Which statement dominates compute_kpis(con, year); the slowest two statements with their
    EXPLAIN ANALYZE operator times."""
    from metrics.kpis.api import compute_kpis

    log = QueryLog(con)
    compute_kpis(log, year)  # type: ignore[arg-type]  # warm-up: settings, caches
    log.entries.clear()
    started = time.perf_counter()
    compute_kpis(log, year)  # type: ignore[arg-type]
    total = time.perf_counter() - started
    in_sql = sum(entry[0] for entry in log.entries)
    print(f"\n== profile of ours: compute_kpis(con, {year}), warm ==")
    print(
        f"  {len(log.entries)} statements: {in_sql:.3f} s in SQL (incl. fetching), "
        f"{total - in_sql:.3f} s in Python (disclosure, publishing), {total:.3f} s total"
    )
    for seconds, sql, _ in sorted(log.entries, key=lambda entry: -entry[0])[:6]:
        print(f"    {seconds:7.3f} s  {' '.join(sql.split())[:110]}")
    for seconds, sql, parameters in sorted(log.entries, key=lambda entry: -entry[0])[:2]:
        print(f"\n  EXPLAIN ANALYZE ({seconds:.3f} s statement), operators >= 1 ms and scans:")
        print_plan(con, sql, parameters)


def print_plan(con: duckdb.DuckDBPyConnection, sql: str, parameters: Any) -> None:
    """The operator tree of EXPLAIN ANALYZE, one line per operator: time, rows, scan pruning."""
    try:
        rows = con.execute("EXPLAIN (ANALYZE, FORMAT json) " + sql, parameters).fetchall()
    except duckdb.Error as error:
        print(f"    (not explainable: {error})")
        return
    plan = json.loads(rows[0][1])
    lines: list[tuple[float, str]] = []

    def walk(node: dict[str, Any], depth: int) -> None:
        info = node.get("extra_info", {})
        text = f"{'  ' * depth}{node.get('name', '?')}"
        if "row_groups_scanned" in node:
            text += (
                f" {info.get('Table', '')}: row groups {node['row_groups_scanned']}"
                f"/{node.get('total_row_groups_to_scan')}, rows scanned "
                f"{node.get('rows_scanned', 0):,}, filters {info.get('Filters', '-')}"
            )
        elif "Groups" in info:
            text += f" groups {str(info['Groups'])[:60]}"
        timing = float(node.get("timing", 0.0))
        lines.append(
            (timing, f"{timing:8.4f} s {node.get('intermediate_rows', 0):>12,} rows  {text}")
        )
        for child in node.get("children", []):
            walk(child, depth + 1)

    for operator in plan.get("operator", []):
        walk(operator, 0)
    for _, line in lines:
        if _ >= 0.001 or "row groups" in line:
            print(f"    {line[:200]}")


# --- cold runs (child processes) ----------------------------------------------------------------


def child_cold(db: Path, year: int, evict: bool) -> None:
    if evict:
        evict_from_page_cache(db)
    started = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    opened = time.perf_counter()
    ours_view(con, year, None)
    first = time.perf_counter()
    ours_year(con, year)
    finished = time.perf_counter()
    con.close()
    # full_year: a second fresh start is not made; it is open + all + the three views
    print(
        json.dumps(
            {
                "open": opened - started,
                "all": first - started,
                "full_year_after_all": finished - first,
            }
        )
    )


def evict_from_page_cache(path: Path) -> None:
    """Drops this file's clean pages from the OS page cache (nobody else's)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def cold_runs(db: Path, year: int, evict: bool, runs: int) -> list[dict[str, float]]:
    results = []
    for _ in range(runs):
        command = python_module_command(
            "bench.bench_kpis", "--child-cold", "--db", str(db), "--year", str(year)
        )
        if evict:
            command.append("--evict")
        child = run_child(command, rss_cap_bytes=6 * 1024**3)
        if child.returncode != 0:
            print(f"  cold child failed: {child.stderr_tail}")
            return results
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


# --- main ----------------------------------------------------------------------------------------

OURS_ALL = "ours: compute_kpis(all carriers)"
OURS_FULL = "ours: full year, compute_kpis_by_view (3 views)"
OURS_PER_VIEW = "ours: compute_kpis x 3 views"
PANDAS = "(a) pandas: load year + groupby, 3 views"
SCAN = "(b) single-scan SELECT, 3 views"


def warm_contenders(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, Callable[[], object]]:
    return {
        OURS_ALL: lambda: ours_view(con, year, None),
        "ours: compute_kpis(carrier='BA')": lambda: ours_view(con, year, "BA"),
        OURS_FULL: lambda: ours_year(con, year),
        OURS_PER_VIEW: lambda: ours_year_per_view(con, year),
        PANDAS: lambda: pandas_year(con, year),
        SCAN: lambda: single_scan_year(con, year),
    }


def print_goals(timings: dict[str, Timing], full: str, single: str, label: str) -> None:
    pandas_t, scan_t = timings[PANDAS], timings[SCAN]
    for kind in ("wall", "CPU"):

        def pick(timing: Timing, kind: str = kind) -> float:
            return timing.wall_median if kind == "wall" else timing.cpu_median

        print(
            ratio_line(
                f"(a) pandas / {label}, full year [{kind}]",
                pick(pandas_t),
                pick(timings[full]),
                goal_min=GOAL_VS_PANDAS,
            )
        )
        print(
            ratio_line(
                f"{label} / (b) single scan, full year [{kind}]",
                pick(timings[full]),
                pick(scan_t),
                goal_max=GOAL_VS_SINGLE_SCAN,
            )
        )
    print(
        goal_line(
            f"{label} warm, compute_kpis(con, year)",
            timings[single].wall_median,
            limit=GOAL_WARM_SECONDS,
        )
    )
    print(
        goal_line(
            f"{label} warm, full year (3 views)", timings[full].wall_median, limit=GOAL_WARM_SECONDS
        )
    )


TREND_KPIS = ("women_leadership_share", "sb_quota")


def bench_trends(con: duckdb.DuckDBPyConnection, runs: int) -> None:
    """A trend chart: one KPI over every year of the store (kpi_trend builds each year)."""
    from metrics.kpis.api import available_years, kpi_trend

    years = available_years(con)
    print(f"\n== trend over all {len(years)} years (kpi_trend), warm, median of {runs} ==")
    contenders: dict[str, Callable[[], object]] = {
        f"ours: kpi_trend({kpi_id!r})": (lambda k=kpi_id: kpi_trend(con, k))
        for kpi_id in TREND_KPIS
    }
    timings = interleaved(contenders, runs, warmup=1)
    for timing in timings.values():
        print(timing.line())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=STORE)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--child-cold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--evict", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_cold:
        child_cold(args.db, args.year, args.evict)
        return
    print(machine_report())
    print(f"KPI engine measured: {source_identity('metrics/kpis')}")
    if not args.db.exists():
        sys.exit(f"{args.db}: no store; build it with python -m bench.bench_import --big")
    con = duckdb.connect(str(args.db), read_only=True)
    rows, year_rows = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE year(reporting_date) = $year) FROM personnel",
        {"year": args.year},
    ).fetchall()[0]
    print(
        f"\nstore {args.db}: {rows:,} personnel rows, {year_rows:,} in {args.year}, "
        f"{args.db.stat().st_size / 1e9:.2f} GB"
    )

    together = ours_year(con, args.year)
    separately = ours_year_per_view(con, args.year)
    same = all(
        {k: v.to_json() for k, v in together[view].items()}
        == {k: v.to_json() for k, v in separately[view].items()}
        for view in together
    )
    print(
        f"compute_kpis_by_view publishes the same values as compute_kpis per view: "
        f"{'yes' if same else 'NO'} ({sum(len(v) for v in together.values())} KpiValues)"
    )

    print(f"\n== warm: median of {args.runs} after 1 warm-up, interleaved, one connection ==")
    timings = interleaved(warm_contenders(con, args.year), args.runs, warmup=1)
    for timing in timings.values():
        print(timing.line())
    print_goals(timings, OURS_FULL, OURS_ALL, "ours")
    print(
        ratio_line(
            "ours, compute_kpis x 3 views / compute_kpis_by_view [wall]",
            timings[OURS_PER_VIEW].wall_median,
            timings[OURS_FULL].wall_median,
        )
    )
    print(
        ratio_line(
            "(a) pandas / (b) single scan [wall]",
            timings[PANDAS].wall_median,
            timings[SCAN].wall_median,
        )
    )
    print(f"  load average after warm runs: {load_average()}")

    cross_check(
        pandas_year(con, args.year), single_scan_year(con, args.year), ours_year(con, args.year)
    )
    bench_trends(con, args.runs)

    for evict, label in ((False, "store in OS page cache"), (True, "store evicted")):
        print(f"\n== cold, ours ({label}): fresh process, median of {args.cold_runs} ==")
        results = cold_runs(args.db, args.year, evict, args.cold_runs)
        for key, text in (
            ("open", "connect (read-only)"),
            ("all", "connect + compute_kpis(con, year)"),
            ("full_year_after_all", "then compute_kpis_by_view (3 views)"),
        ):
            values = sorted(result[key] for result in results)
            if values:
                runs = ", ".join(f"{value:.2f}" for value in values)
                print(f"  {text:<36} median {values[len(values) // 2]:7.3f} s  (runs: {runs})")
    profile_ours(con, args.year)
    con.close()
    print(f"\nload average at end: {load_average()}")


if __name__ == "__main__":
    main()
