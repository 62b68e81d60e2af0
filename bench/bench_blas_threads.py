"""BLAS threads and the release planner: one thread (what metrics/disclosure/attacker.py sets)
against one per core (OpenBLAS's default), on an idle machine and beside a competing load.

The planner's dense linear algebra (pivoted QRs of a few thousand classes × a few hundred
figures, projections) is small; in the app it runs in a background thread beside the sessions,
in the tests beside the other workers. The load here is one busy process per core, the way a
second test worker or a page being built keeps a core busy.

    python -m bench.bench_blas_threads [--db PATH] [--year 2025] [--runs 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import threadpoolctl

from bench.common import (
    demo_store,
    interleaved,
    load_average,
    machine_report,
    ratio_line,
    source_identity,
)
from metrics.kpis import api as kpis
from metrics.settings import load_settings


def _spin(stop: multiprocessing.synchronize.Event) -> None:
    while not stop.is_set():
        sum(range(10_000))


@contextmanager
def _busy_cores(count: int) -> Iterator[None]:
    """`count` processes that keep a core busy each, for the duration of the block."""
    stop = multiprocessing.Event()
    workers = [multiprocessing.Process(target=_spin, args=(stop,)) for _ in range(count)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.5)  # let them reach full speed
        yield
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def _with_blas_threads(threads: int, action: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        with threadpoolctl.threadpool_limits(threads, user_api="blas"):
            return action()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="store (default: a fresh demo)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine_report())
    print(f"measured: {source_identity('metrics/disclosure/attacker.py')}")
    db = demo_store(args.db)
    settings = load_settings()
    con = duckdb.connect(str(db), read_only=True)
    cores = len(os.sched_getaffinity(0))
    print(f"store: {db}, year {args.year}, BLAS libraries: {threadpoolctl.threadpool_info()}")

    def plan() -> object:
        return kpis.plan_release(con, args.year, settings)

    plan()  # warm: imports, the groups of the universes, DuckDB's caches
    contenders = {
        "planner, 1 BLAS thread": _with_blas_threads(1, plan),
        f"planner, {cores} BLAS threads": _with_blas_threads(cores, plan),
    }
    for label, busy in (("idle machine", 0), (f"{cores} cores kept busy", cores)):
        print(f"{label} (load average {load_average()}):")
        with _busy_cores(busy):
            timings = interleaved(contenders, args.runs)
        for timing in timings.values():
            print(timing.line())
        one, many = (t.wall_median for t in timings.values())
        print(ratio_line(f"{cores} BLAS threads vs 1, {label}", many, one))


if __name__ == "__main__":
    main()
