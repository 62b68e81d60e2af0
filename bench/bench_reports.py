"""Report benchmark: building the deck, the workbook and the PDF of one year.

On the demo store (built and planned fresh) or a given store, in one process, interleaved rounds
after one warm-up round (medians):

* baseline: what every format shares, the published values of the year, the page contexts and
  the headline charts (``_prepare`` + ``headlines``), no file written;
* the deck (native PowerPoint charts: no browser is involved);
* the workbook (every table of the release and the time series of every KPI);
* the PDF, repeated (its chart PNGs come from the exporter's cache) and with the PNG cache
  emptied before each build (what the first build of a selection costs once Kaleido runs).

Each format is printed as a ratio against the baseline of the same run: that ratio is what
writing the file adds. Then each format from the command line in a fresh process
(``python -m metrics report``: interpreter, imports, the planned years read from the plan
file, for the PDF Kaleido's browser start), median of ``--cold-runs``. No goal is set for these
times; they are reported.

    python -m bench.bench_reports [--db PATH] [--year 2025] [--runs 5] [--cold-runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.common import (
    interleaved,
    load_average,
    machine_report,
    python_module_command,
    ratio_line,
    run_child,
    source_identity,
)
from metrics import store
from metrics.access import LOCAL_USER
from metrics.demo import build_demo_store
from metrics.kpis import api as kpis
from metrics.report import _prepare, build_deck, build_pdf, build_workbook, images
from metrics.report.content import headlines
from metrics.settings import load_settings

BASELINE = "baseline: published values, contexts, charts"
BUILDS: dict[str, Callable[..., bytes]] = {
    "deck (.pptx)": build_deck,
    "workbook (.xlsx)": build_workbook,
    "PDF, repeated (.pdf, PNG cache warm)": build_pdf,
}
PDF_FRESH = "PDF, charts rendered afresh"
SUFFIXES = (".pptx", ".xlsx", ".pdf")


def bench_in_process(con: duckdb.DuckDBPyConnection, year: int, runs: int) -> None:
    def baseline() -> object:
        content, history = _prepare(con, year, None, "de", None, LOCAL_USER, "bench")
        return headlines(content, history)

    def pdf_fresh() -> bytes:
        images._cache.clear()
        return build_pdf(con, year, by=LOCAL_USER)

    contenders: dict[str, Callable[[], object]] = {BASELINE: baseline}
    for name, build in BUILDS.items():
        contenders[name] = lambda build=build: build(con, year, by=LOCAL_USER)
    contenders[PDF_FRESH] = pdf_fresh
    print(
        f"\n== in process, year {year}: median of {runs} interleaved rounds after 1 warm-up "
        "round =="
    )
    timings = interleaved(contenders, runs, warmup=1)
    for timing in timings.values():
        print(timing.line())
    base = timings[BASELINE].wall_median
    for name in (*BUILDS, PDF_FRESH):
        print(ratio_line(f"{name} / baseline [wall]", timings[name].wall_median, base))
    print(f"  load average after: {load_average()}")


def bench_cold(db: Path, year: int, runs: int) -> None:
    print(f"\n== each format from the command line, fresh process each, median of {runs} ==")
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in SUFFIXES:
            walls = []
            for index in range(runs):
                out = f"{tmp}/report{index}{suffix}"
                command = python_module_command(
                    "metrics", "report", "--year", str(year), "--out", out, "--db", str(db)
                )
                started = time.perf_counter()
                child = run_child(command)
                walls.append(time.perf_counter() - started)
                if child.returncode != 0:
                    print(f"  {suffix} failed: {child.stderr_tail}")
                    break
            else:
                runs_text = ", ".join(f"{wall:.2f}" for wall in walls)
                print(
                    f"  python -m metrics report … {suffix:5}  median "
                    f"{statistics.median(walls):6.2f} s wall   (runs: {runs_text})"
                )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="store (default: a fresh demo store)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(machine_report())
    for module in ("metrics/report/deck.py", "metrics/report/workbook.py", "metrics/report/pdf.py"):
        print(f"measured: {source_identity(module)}")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "vielfalt.duckdb"
            build_demo_store(db)
        print(f"store {db} ({db.stat().st_size / 1e6:.0f} MB)")
        started = time.perf_counter()
        planned = kpis.plan_store(db, load_settings())  # what the app does after an import
        print(f"planned {len(planned)} years in {time.perf_counter() - started:.1f} s")
        with store.open_store(db) as con:
            bench_in_process(con, args.year, args.runs)
        bench_cold(db, args.year, args.cold_runs)
    images.stop_server()
    print(f"\nload average at end: {load_average()}")


if __name__ == "__main__":
    main()
