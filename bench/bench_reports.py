"""Report benchmark: building the PowerPoint deck (and the workbook and PDF) of one year.

On the demo store (built fresh) or a given store, in one process, interleaved rounds after one
warm-up round (medians):

* deck, repeated: ``metrics.report.build_deck(con, year)`` as the Berichte page builds it a
  second time (the chart PNGs come from the exporter's cache);
* deck, charts rendered afresh: the same with the PNG cache emptied before each build (what the
  first build of a selection costs once Kaleido runs);
* (a) its content alone: published KPIs, page contexts and figures of the headline slides
  (``_prepare`` + ``headlines``), no rendering;
* (b) its charts alone: Kaleido PNGs of the same figures, no cache;
* workbook and PDF, repeated.

Ratios: deck afresh / ((a) + (b)) is what assembling the slides adds. Then the deck from the
command line in a fresh process (``python -m metrics report``: interpreter, imports, Kaleido's
browser start), median of ``--cold-runs``. No goal is set for these times; they are reported.

    python -m bench.bench_reports [--db PATH] [--year 2025] [--runs 5] [--cold-runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
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
from metrics.report import (
    _prepare,
    build_deck,
    build_pdf,
    build_workbook,
    images,
)
from metrics.report.content import headlines

DECK_REPEATED = "deck, repeated (PNG cache warm)"
DECK_FRESH = "deck, charts rendered afresh"
CONTENT = "(a) content: KPIs, contexts, figures"
CHARTS = "(b) charts: Kaleido PNGs, no cache"


def bench_in_process(con: duckdb.DuckDBPyConnection, year: int, runs: int) -> None:
    content, history = _prepare(con, year, None, "de", None)
    figures = [headline.chart.figure for headline in headlines(content, history)]
    opts = {
        "format": "png",
        "width": images.PNG_WIDTH,
        "height": images.PNG_HEIGHT,
        "scale": images.PNG_SCALE,
    }

    def deck_fresh() -> bytes:
        images._cache.clear()
        return build_deck(con, year, by=LOCAL_USER)

    def content_only() -> object:
        prepared, prepared_history = _prepare(con, year, None, "de", None)
        return headlines(prepared, prepared_history)

    def charts_only() -> list[bytes]:
        return [images._export(figure, opts) for figure in figures]

    contenders = {
        DECK_REPEATED: lambda: build_deck(con, year, by=LOCAL_USER),
        DECK_FRESH: deck_fresh,
        CONTENT: content_only,
        CHARTS: charts_only,
        "workbook, repeated": lambda: build_workbook(con, year, by=LOCAL_USER),
        "PDF, repeated (PNG cache warm)": lambda: build_pdf(con, year, by=LOCAL_USER),
    }
    print(
        f"\n== in process, year {year}, {len(figures)} headline charts: median of {runs} "
        "interleaved rounds after 1 warm-up round =="
    )
    timings = interleaved(contenders, runs, warmup=1)
    for timing in timings.values():
        print(timing.line())
    parts = timings[CONTENT].wall_median + timings[CHARTS].wall_median
    print(
        ratio_line(
            "deck afresh / ((a) content + (b) charts) [wall]",
            timings[DECK_FRESH].wall_median,
            parts,
        )
    )
    print(
        ratio_line(
            "(b) charts / deck afresh [wall]",
            timings[CHARTS].wall_median,
            timings[DECK_FRESH].wall_median,
        )
    )
    print(f"  load average after: {load_average()}")


def bench_cold(db: Path, year: int, runs: int) -> None:
    print(f"\n== the deck from the command line, fresh process each, median of {runs} ==")
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(runs):
            command = python_module_command(
                "metrics", "report", "--year", str(year), "--out", f"{tmp}/deck{index}.pptx"
            )
            command += ["--db", str(db)]
            started = time.perf_counter()
            child = run_child(command)
            walls.append(time.perf_counter() - started)
            if child.returncode != 0:
                print(f"  failed: {child.stderr_tail}")
                return
    runs_text = ", ".join(f"{wall:.2f}" for wall in walls)
    print(
        f"  python -m metrics report … .pptx   median {statistics.median(walls):6.2f} s wall"
        f"   (runs: {runs_text})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="store (default: a fresh demo store)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(machine_report())
    print(f"deck measured: {source_identity('metrics/report/deck.py')}")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "vielfalt.duckdb"
            build_demo_store(db)
        print(f"store {db} ({db.stat().st_size / 1e6:.0f} MB)")
        with store.open_store(db) as con:
            bench_in_process(con, args.year, args.runs)
        bench_cold(db, args.year, args.cold_runs)
    images.stop_server()
    print(f"\nload average at end: {load_average()}")


if __name__ == "__main__":
    main()
