"""Release benchmark: what a year's release publishes, and what the attacker costs.

For each year of the store (demo store by default):

* baseline: the year's release by the rules alone (``rules_release``: every KPI, variant and
  breakdown of the catalogue in three views), not cached;
* what the attacker pins in it;
* the share of headline figures (KPIs and variants of the three views) published, of those whose
  own counts pass k, and the share of all candidate cells (every breakdown cell too) published,
  before and after the planner;
* the planner (``plan_release``, what every output reads): its time against the baseline,
  rounds, cells hidden or rounded, the shares after it, and a full audit of the planned
  release (it must pin nothing).

    python -m bench.bench_release [--db PATH] [--years 2016-2025] [--no-audit]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from bench.common import demo_store, load_average, machine_report, ratio_line
from metrics.disclosure.rules import _passes
from metrics.kpis import api as kpis
from metrics.kpis import release
from metrics.kpis import year as year_state
from metrics.settings import load_settings


def _shares(state: year_state._Year) -> tuple[float, float, int, int]:
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
    parser.add_argument(
        "--no-audit", action="store_true", help="skip the attacker over the rules' release"
    )
    parser.add_argument("--show", type=int, metavar="YEAR", help="list what the planner hid")
    args = parser.parse_args()
    print(machine_report())
    print(f"load average: {load_average()}")
    db = demo_store(args.db)
    settings = load_settings()
    con = duckdb.connect(str(db), read_only=True)
    print(f"store: {db}")
    print(
        "year  rules s  plan s  ratio  rounds  hidden  headline before → after"
        "   cells before → after  pinned: rules → planned"
    )
    totals = [0.0, 0.0]
    shown: list[object] = []
    for year in _years(args.years, kpis.available_years(con)):
        started = time.perf_counter()
        ruled = kpis.rules_release(con, year, settings)
        rules_seconds = time.perf_counter() - started
        if ruled.personnel is None:
            continue
        started = time.perf_counter()
        planned = kpis.plan_release(con, year, settings)
        plan_seconds = time.perf_counter() - started
        assert planned is not None and planned.plan is not None
        totals[0] += rules_seconds
        totals[1] += plan_seconds
        before, after = _shares(ruled), _shares(planned)
        pinned_before = "–" if args.no_audit else str(len(kpis.audit_state(con, ruled).pins))
        pinned_after = len(kpis.audit_state(con, planned).pins)
        print(
            f"{year}  {rules_seconds:7.2f}  {plan_seconds:6.2f}"
            f"  {plan_seconds / rules_seconds:5.1f}"
            f"  {planned.plan.rounds:6d}  {len(planned.plan.hidden):6d}"
            f"  {before[0]:7.1%} → {after[0]:6.1%} of {before[2]}"
            f"  {before[1]:6.1%} → {after[1]:6.1%} of {before[3]}"
            f"  {pinned_before:>5} → {pinned_after}"
        )
        if year == args.show:
            shown.extend(planned.plan.hidden)
    print(ratio_line("planner vs rules, all years", totals[1], totals[0]))
    if shown:
        print(f"hidden or rounded in {args.show} (measure, breakdown, view, category):")
        for owner in shown:
            assert isinstance(owner, tuple)
            name = release._measure_name(owner[1])
            print("  " + " | ".join(str(part) for part in (name, *owner[2:])))


if __name__ == "__main__":
    main()
