"""Page latency and memory of the running app, in a real browser.

Starts `streamlit run app.py` on a store, drives Debian's Chromium with Playwright, and measures
the time from a filter change (the year in the sidebar) to the page having finished
re-rendering (Streamlit's script state back to "notRunning"), on the overview page:

- cold: the first visit of each year (the KPI values of that year are computed),
- warm: the same changes again (served from the cache keyed by the store's state),

with median and p95 of each, against the goals (p95 <= 300 ms on the demo store, <= 1 s on the
12 M-row store), and the peak memory (VmHWM) of the app process (goal <= 600 MB).

    python -m bench.bench_app                       # demo store (built if missing)
    python -m bench.bench_app --db bench/out/store_100k/vielfalt.duckdb --goal-ms 1000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import machine_report
from metrics.demo import build_demo_store
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MEMORY_GOAL_MB = 600


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def change_year(page, year: int) -> float:
    """Milliseconds from choosing `year` to the rerun having finished."""
    page.get_by_role("combobox", name="Jahr", exact=True).click()
    option = page.get_by_role("option", name=str(year), exact=True)
    started = time.perf_counter()
    option.click()
    # finished = the new year's heading is on the page and the script is idle again (waiting for
    # the "running" state first would add its timeout whenever a rerun is quicker than the poll)
    page.wait_for_function(
        """text => {
            const app = document.querySelector("[data-testid='stApp']");
            return app && app.dataset.testScriptState === "notRunning"
                && document.body.innerText.includes(text);
        }""",
        arg=f"Kennzahlen {year} im Überblick",
        timeout=120_000,
        polling="raf",
    )
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed


def report(label: str, values: list[float], goal_ms: float) -> None:
    median, high = statistics.median(values), p95(values)
    verdict = "MET" if high <= goal_ms else "NOT MET"
    runs = ", ".join(f"{v:.0f}" for v in values)
    print(
        f"  {label:<34} median {median:7.0f} ms   p95 {high:7.0f} ms   "
        f"goal p95 <= {goal_ms:.0f} ms: {verdict}"
    )
    print(f"    runs: {runs}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="store to serve (default: a fresh demo store)")
    parser.add_argument("--goal-ms", type=float, default=300.0)
    parser.add_argument("--rounds", type=int, default=3, help="warm rounds over all years")
    args = parser.parse_args(argv)
    print(machine_report())
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db
        if db is None:
            db = Path(scratch) / "vielfalt.duckdb"
            build_demo_store(db)
        print(f"store {db} ({db.stat().st_size / 1e6:.0f} MB)")
        server = AppServer(db, Path(scratch) / "streamlit.log")
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                started = time.perf_counter()
                page.goto(server.url)
                page.wait_for_selector(IDLE, timeout=300_000)
                first_load = 1000 * (time.perf_counter() - started)
                print(f"  first page load (cold process)     {first_load:7.0f} ms")
                page.get_by_role("combobox", name="Jahr", exact=True).click()
                years = [int(o.inner_text()) for o in page.get_by_role("option").all()]
                page.keyboard.press("Escape")
                # options are newest first; the page opened on the newest year
                sequence = [*years[1:], years[0]]
                cold = [change_year(page, year) for year in sequence]
                warm = [change_year(page, year) for _ in range(args.rounds) for year in sequence]
                browser.close()
            print(f"== filter change (year) on the overview, {len(sequence)} years ==")
            report("cold (first visit of a year)", cold, args.goal_ms)
            report("warm (cached)", warm, args.goal_ms)
            peak = peak_rss_mb(server.process.pid)
            verdict = "MET" if peak <= MEMORY_GOAL_MB else "NOT MET"
            print(
                f"== peak memory of the app process (VmHWM) ==\n  {peak:7.0f} MB   "
                f"goal <= {MEMORY_GOAL_MB} MB: {verdict}"
            )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
