"""Page latency and memory of the running app, in a real browser.

Starts `streamlit run app.py` on a store, drives Debian's Chromium with Playwright, and measures
the time from a filter change (the year in the sidebar) to the page showing the new year, on the
overview page. "Showing" is checked against the overview context built here from the same store
(not only Streamlit's script state): the heading of the year, every card's value as built, every
card's sparkline drawn (SVG ones: their accessible text as built, an image decoded), no element
still marked stale and no lazy-loading skeleton. The time runs from the `pointerdown` on the
option (in the page, so the test driver's own overhead is not counted) to the next animation
frame after the check holds; the wall-clock time seen by the driver is printed beside it.

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

import duckdb

from bench.common import load_average, machine_report
from metrics.demo import build_demo_store
from metrics.i18n import Lang
from metrics.views import Filters, KpiCard, KpiHistory, build_overview
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


# Installed before each change: records the pointerdown on the option and then checks on every
# animation frame whether the page shows `expected`; resolves with both times (performance.now()).
WATCH = """expected => {
    const main = () => document.querySelector("[data-testid='stMain']");
    const texts = (selector) =>
        [...main().querySelectorAll(selector)].map((e) => e.textContent.trim());
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    const shown = () => {
        const app = document.querySelector("[data-testid='stApp']");
        if (!app || app.dataset.testScriptState !== "notRunning" || !main()) return false;
        if (document.querySelector("[data-stale='true'], [data-testid='stSkeleton']")) return false;
        if (!main().innerText.includes(expected.heading)) return false;
        // the cards are one HTML block (metrics/app_support.py: cards_html), a value per card
        if (!same(texts(".kpi-card .kpi-value"), expected.values)) return false;
        const plotly = main().querySelectorAll(
            "[data-testid='stPlotlyChart'] .scatterlayer .trace");
        // an SVG sparkline inline (its aria-label) or as an image (its alt text, decoded)
        const svg = [...main().querySelectorAll(".kpi-sparkline")];
        if (plotly.length + svg.length !== expected.sparklines.length) return false;
        if (svg.some((e) => e.tagName === "IMG" && !(e.complete && e.naturalWidth > 0))) {
            return false;
        }
        return svg.length === 0 || same(
            svg.map((e) => e.getAttribute("aria-label") ?? e.getAttribute("alt")),
            expected.sparklines);
    };
    window.__change = new Promise((resolve) => {
        document.addEventListener("pointerdown", () => {
            const started = performance.now();
            const poll = () => {
                if (shown()) {
                    // the frame after the one in which the check held: that one was painted
                    requestAnimationFrame(() => resolve({started, finished: performance.now()}));
                } else if (performance.now() - started > 120000) {
                    resolve({started, finished: NaN});
                } else {
                    requestAnimationFrame(poll);
                }
            };
            requestAnimationFrame(poll);
        }, {capture: true, once: true});
    });
}"""


def expected_overviews(db: Path, lang: Lang = "de") -> dict[int, dict[str, object]]:
    """What the overview must show for each year: heading, card values and sparkline texts, from
    the same page context the app builds (all carriers, no breakdown, German)."""
    shown: dict[int, dict[str, object]] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        history = KpiHistory.of_store(con)
        for year in history.years:
            context = build_overview(history, Filters(year=year), lang)
            shown[year] = {
                "heading": context.title,
                "values": [card.value_text for card in context.cards],
                "sparklines": [_sparkline_text(card) for card in context.cards if card.trend],
            }
    return shown


def _sparkline_text(card: KpiCard) -> str | None:
    """The accessible text of an SVG sparkline (None for a Plotly one: only its drawing counts)."""
    return getattr(card.trend, "text", None)


def change_year(page, year: int, expected: dict[str, object]) -> tuple[float, float]:
    """Milliseconds from the click on `year` to the page showing that year: measured in the page
    from the click event, and as the driver sees it (including its own click overhead)."""
    page.get_by_role("combobox", name="Jahr", exact=True).click()
    option = page.get_by_role("option", name=str(year), exact=True)
    page.evaluate(WATCH, expected)
    started = time.perf_counter()
    option.click()
    times = page.evaluate("window.__change")
    driver = (time.perf_counter() - started) * 1000
    in_page = times["finished"] - times["started"]
    if in_page != in_page:  # NaN: the page never showed the year
        raise RuntimeError(f"the overview did not show {year} as expected: {expected}")
    return in_page, driver


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
        expected = expected_overviews(db)
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
                cold = [change_year(page, year, expected[year]) for year in sequence]
                warm = [
                    change_year(page, year, expected[year])
                    for _ in range(args.rounds)
                    for year in sequence
                ]
                browser.close()
            print(f"== filter change (year) on the overview, {len(sequence)} years ==")
            print("  (click event -> new year's values and sparklines shown, measured in the page)")
            report("cold (first visit of a year)", [c[0] for c in cold], args.goal_ms)
            report("warm (cached)", [w[0] for w in warm], args.goal_ms)
            print("  (the same changes as the test driver sees them, its click overhead included)")
            report("cold, driver wall clock", [c[1] for c in cold], args.goal_ms)
            report("warm, driver wall clock", [w[1] for w in warm], args.goal_ms)
            print(f"  load average at end: {load_average()}")
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
