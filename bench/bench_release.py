"""Release benchmark: what a year's release publishes, and what the attacker costs.

For each year of the store (demo store by default):

* baseline: the year's release by the rules (``build_release``: every KPI, variant and
  breakdown of the catalogue in three views), in a fresh state (the process cache cleared);
* the attacker over that whole release (``audit_release``) and its ratio to the baseline;
* the share of headline figures (KPIs and variants of the three views) published, of those whose
  own counts pass k, and the share of all candidate cells (every breakdown cell too) published;
* what the attacker still pins.

With ``--plan YEAR`` also the attacker-driven planner (``plan_release``) for that year: its
time against the baseline, rounds, cells hidden, the shares after it, and a full audit of
the planned release.

    python -m bench.bench_release [--db PATH] [--years 2016-2025] [--plan 2025]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from bench.common import load_average, machine_report, ratio_line
from metrics import demo, kpis
from metrics.disclosure.rules import _passes
from metrics.settings import load_settings


def _shares(state: kpis._Year) -> tuple[float, float, int, int]:
    """(headline published / headline passing on its own, all cells published / all cells,
    headline passing, all cells)."""
    section = state.personnel
    assert section is not None
    rules = section.rules
    headline_passing = headline_published = 0
    for (measure, view), published in section.base.items():
        counts = section.base_counts(measure, view)
        k = rules.k(measure.sensitive)
        passes = _passes(counts.num, k, measure.sensitive) and (
            not measure.is_share or _passes(counts.den - counts.num, k, measure.sensitive)
        )
        if passes and counts.den > 0:
            headline_passing += 1
            headline_published += not published.suppressed
    cells = cells_published = 0
    for group in section.groups.values():
        for view, row in group.results.items():
            for category, published in row.items():
                if group.rows[view][category].den == 0:
                    continue
                cells += 1
                cells_published += not published.suppressed
    return (
        headline_published / max(headline_passing, 1),
        cells_published / max(cells, 1),
        headline_passing,
        cells,
    )


def _years(text: str, available: list[int]) -> list[int]:
    if not text:
        return available
    first, _, last = text.partition("-")
    return [y for y in available if int(first) <= y <= int(last or first)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="store (default: a fresh demo)")
    parser.add_argument("--years", default="", help="e.g. 2016-2025 (default: all)")
    parser.add_argument("--plan", type=int, default=None, metavar="YEAR")
    args = parser.parse_args()
    print(machine_report())
    print(f"load average: {load_average()}")
    db = args.db
    if db is None:
        db = Path("bench/out/release_demo/vielfalt.duckdb")
        if not db.exists():
            demo.build_demo_store(db)
    settings = load_settings()
    con = duckdb.connect(str(db), read_only=True)
    print(f"store: {db}")
    print("year  rules s  audit s  ratio  headline  cells  pinned")
    for year in _years(args.years, kpis.available_years(con)):
        kpis._release_cache.clear()
        started = time.perf_counter()
        state = kpis.build_release(con, year, settings)
        rules_seconds = time.perf_counter() - started
        if state.personnel is None:
            continue
        started = time.perf_counter()
        audit = kpis.audit_release(con, year, settings)
        audit_seconds = time.perf_counter() - started
        headline, cells, passing, total = _shares(state)
        print(
            f"{year}  {rules_seconds:7.2f}  {audit_seconds:7.2f}"
            f"  {audit_seconds / rules_seconds:5.1f}  {headline:7.1%} of {passing}"
            f"  {cells:5.1%} of {total}  {len(audit.pins)}"
        )
    if args.plan is not None:
        kpis._release_cache.clear()
        started = time.perf_counter()
        baseline = kpis.build_release(con, args.plan, settings)
        rules_seconds = time.perf_counter() - started
        started = time.perf_counter()
        planned = kpis.plan_release(con, args.plan, settings)
        plan_seconds = time.perf_counter() - started
        assert planned is not None and planned.plan is not None
        print(ratio_line("planner vs rules", plan_seconds, rules_seconds))
        print(f"planner: {planned.plan.rounds} rounds, {len(planned.plan.hidden)} cells hidden")
        before, after = _shares(baseline), _shares(planned)
        print(f"before the planner: headline {before[0]:.1%}, cells {before[1]:.1%}")
        print(f"after the planner:  headline {after[0]:.1%}, cells {after[1]:.1%}")
        check = kpis.audit_state(con, planned)
        print(f"the attacker over the planned release (every group): {len(check.pins)} pinned")


if __name__ == "__main__":
    main()
