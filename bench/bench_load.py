"""Load test on loopback: concurrent browser sessions changing filters against the app.

N sessions (default 20), each in its own Playwright browser context (its own cookies and
Streamlit session; all contexts share one Chromium process unless `--browsers` says more), loop
for `--seconds`: now and then they open another KPI page from the sidebar, and each round they
choose another value of a random sidebar filter (Jahr, Träger or Aufschlüsseln nach). Each
action is timed in the page, from the `pointerdown` on the option (or the page's link) until
the script run it started has finished and been painted: the server sent this session a
`new_session` after the click and then `script_finished` (FINISHED_SUCCESSFULLY; read from the
websocket's messages by a hook installed before the app's code), the page's script state
(`data-test-script-state` on stApp) is `notRunning`, the websocket `CONNECTED`, no element is
stale or a skeleton; the next animation frame ends the time. This holds with any number of
sessions: it waits for the run of its own session, however long the server takes to start it
(no fixed "has it started yet" window as in the tests' `wait_rerun`), up to `--timeout-s`; and
it does not depend on seeing the script state change, which a busy browser can skip (a run's
first and last messages handled in one task are rendered once, as `notRunning`). Between two
actions a session waits `--pause-ms` and for its app to be idle (not timed).

An action is an error if it timed out, if the page then shows an exception box
(`stException`), an error alert (`stAlertContentError`: the app's "could not be built" text
or any other), the "Connection error" dialog, "Page not found", the filter not showing the
option chosen, or the driver could not click. A session that hit an error reloads its page.

Baseline in the same run: first one session alone (`--baseline-seconds`, default 20), then N
sessions, against the same server; then the same against two app processes behind nginx
(`tests/e2e/proxy.py`: NginxProxy, HTTPS) with the login on, as installed: each session first
signs in through the test OpenID provider (tests/e2e/oidc; untimed), if nginx and node are
there. Printed per phase:
p50, p95 and max of a filter change (ms, in the page; the driver's wall clock beside it),
page switches likewise, actions per second, errors with their text; the ratio p95 (N sessions)
/ p95 (1 session); split by whether that (page, year, carrier, breakdown) had been asked of the
server before in this run (the app caches page contexts across sessions, at most 256; behind
nginx each process has a cache of its own); a filter change in three parts (click -> the
server's new_session handled in the page -> its script_finished -> painted); the CPU
seconds of the server(s) and of the browser side (Playwright driver + Chromium) per phase; the
peak memory of each app process (VmHWM), the browser side's peak PSS and the machine's lowest
MemAvailable. Nothing is asserted; the exit code is 1 if any action failed.

The browsers run on the same machine as the app: on 2 cores, 20 sessions' rendering takes more
CPU than the app does, so the loaded times are those of a saturated machine. The CPU split and
the three parts of a filter change say whether the app process or the machine was the limit.

The store is planned before a server starts (`python -m metrics plan`'s work, once per store
state; ~1-3 min on 2 cores for the demo store), so no release planner runs during the phases.

    python -m bench.bench_load                        # demo store, 20 sessions, 1 then 2 processes
    python -m bench.bench_load --sessions 4 --seconds 20   # a smoke run
    python -m bench.bench_load --db bench/out/release_demo/vielfalt.duckdb --processes 1
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import math
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import load_average, machine_report, ratio_line
from metrics.access import Role
from metrics.demo import build_demo_store
from metrics.i18n import t
from metrics.kpis import api as kpis
from metrics.settings import load_settings
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, AppServer

# the KPI pages: url path -> German title in the sidebar navigation
PAGES = {
    "": "Überblick",
    "women_leadership": "Frauen in Führung",
    "inclusion": "Inklusion",
    "part_time": "Teilzeit & flexibles Arbeiten",
    "migration": "Migrationshintergrund",
}
FILTERS = ("Jahr", "Träger", "Aufschlüsseln nach")
IDLE = (
    "[data-testid='stApp'][data-test-script-state='notRunning']"
    "[data-test-connection-state='CONNECTED']"
)
UNEXPECTED = t("app.unexpected_error", "de")
PROXY_MODULE = REPO / "tests" / "e2e" / "proxy.py"
PAGE_SWITCH_SHARE = 0.25  # of the rounds that first open another KPI page

# Installed in every page before the app's script: reads the type of each message the server
# sends (a ForwardMsg: top-level protobuf fields, `new_session` = 4 when a script run starts,
# `script_finished` = 6 with its status when it ends) and tells the listeners in
# window.__serverListeners. The page's own script-state attribute is not enough under load:
# when a run's first and last messages reach a busy browser together, React renders once and
# the attribute never leaves "notRunning".
WEBSOCKET_HOOK = """(() => {
    const varint = (bytes, at) => {
        let value = 0, shift = 0, byte;
        do {
            byte = bytes[at++];
            value += (byte & 0x7f) * 2 ** shift;
            shift += 7;
        } while (byte & 0x80 && at < bytes.length);
        return [value, at];
    };
    const kind = (bytes) => {
        let at = 0, key, value;
        while (at < bytes.length) {
            [key, at] = varint(bytes, at);
            const field = Math.floor(key / 8), wire = key & 7;
            if (wire === 0) {
                [value, at] = varint(bytes, at);
                if (field === 6) return {finished: value};
            } else if (wire === 2) {
                [value, at] = varint(bytes, at);
                if (field === 4) return {started: true};
                at += value;
            } else if (wire === 1) {
                at += 8;
            } else if (wire === 5) {
                at += 4;
            } else {
                return null;
            }
        }
        return null;
    };
    window.__serverListeners = new Set();
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", (event) => {
                if (!(event.data instanceof ArrayBuffer)) return;
                const message = kind(new Uint8Array(event.data));
                if (message) for (const listener of window.__serverListeners) listener(message);
            });
        }
    };
})();"""

# Installed before an action: resolves when the script run it started on the server has
# finished (a new_session after the click, then script_finished FINISHED_SUCCESSFULLY) and the
# page shows it (script state notRunning, connected, nothing stale) in a painted frame.
WATCH = """timeoutMs => {
    const app = document.querySelector("[data-testid='stApp']");
    const state = () => app.dataset.testScriptState;
    let started = null, runs = 0, done = false, serverDone = false, runAt = NaN, doneAt = NaN;
    const statuses = [];
    const listener = (message) => {
        if (started === null) return;
        if (message.started && ++runs === 1) runAt = performance.now();
        if (message.finished !== undefined && runs > 0) {
            statuses.push(message.finished);
            if (message.finished === 0 && !serverDone) {  // FINISHED_SUCCESSFULLY
                serverDone = true;
                doneAt = performance.now();
            }
        }
    };
    window.__serverListeners.add(listener);
    window.__action = new Promise((resolve) => {
        const finish = (outcome) => {
            if (done) return;
            done = true;
            window.__serverListeners.delete(listener);
            resolve({started, finished: performance.now(), outcome, runs, statuses, runAt, doneAt,
                state: state(), connection: app.dataset.testConnectionState,
                stale: document.querySelectorAll("[data-stale='true']").length,
                skeletons: document.querySelectorAll("[data-testid='stSkeleton']").length});
        };
        const settled = () => state() === "notRunning"
            && app.dataset.testConnectionState === "CONNECTED"
            && !document.querySelector("[data-stale='true'], [data-testid='stSkeleton']");
        const poll = () => {
            if (done) return;
            if (serverDone && settled()) {
                requestAnimationFrame(() => finish("ok"));  // the frame that painted it
            } else if (performance.now() - started > timeoutMs) {
                finish("timeout");
            } else {
                requestAnimationFrame(poll);
            }
        };
        document.addEventListener("pointerdown", () => {
            started = performance.now();
            requestAnimationFrame(poll);
        }, {capture: true, once: true});
    });
}"""


@dataclass
class Action:
    kind: str  # "filter" or "page"
    what: str  # filter label or page path
    in_page_ms: float
    driver_ms: float
    first_ask: bool  # this (page, filters) not asked of the server before in this run
    error: str | None = None
    # of in_page_ms: click -> the run's new_session handled in the page, -> its
    # script_finished, -> painted
    to_start_ms: float = math.nan
    run_ms: float = math.nan
    to_paint_ms: float = math.nan
    where: str = ""  # session, page and choice of a failed action


@dataclass
class Phase:
    name: str
    sessions: int
    seconds: float
    actions: list[Action] = field(default_factory=list)
    elapsed: float = 0.0
    setup_seconds: float = 0.0
    first_loads_ms: list[float] = field(default_factory=list)
    server_cpu: float = 0.0
    browser_cpu: float = 0.0
    load_end: str = ""
    page_errors: int = 0  # JavaScript errors in the pages (reported, not counted as failures)


# ---------------------------------------------------------------------------------------------
# processes: memory and CPU from /proc


def _status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    return 0


def peak_rss_mb(pid: int) -> float:
    return _status_kb(pid, "VmHWM") / 1024


def _cpu_seconds(pid: int) -> float:
    """User + system seconds of a process, its waited-for children included."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _name(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/comm").read_text().strip()
    return ""


def descendants(root: int, exclude: set[int]) -> list[int]:
    """Every process below `root`, without the subtrees of `exclude` (the app servers) and of
    nginx."""
    tree, found, todo = _children(), [], [root]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in exclude and _name(child) != "nginx":
                found.append(child)
                todo.append(child)
    return found


def _pss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _mem_available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Memory:
    """Samples the browser side's PSS (driver + Chromium: every process below this one but the
    app servers) and the machine's MemAvailable once a second."""

    def __init__(self, servers: list[int]):
        self.servers = set(servers)
        self.browser_peak_mb = 0.0
        self.browser_processes = 0
        self.available_min_mb = _mem_available_mb()

    def sample(self) -> None:
        pids = descendants(os.getpid(), self.servers)
        self.browser_peak_mb = max(self.browser_peak_mb, sum(map(_pss_kb, pids)) / 1024)
        self.browser_processes = max(self.browser_processes, len(pids))
        self.available_min_mb = min(self.available_min_mb, _mem_available_mb())

    def browser_cpu(self) -> float:
        return sum(map(_cpu_seconds, descendants(os.getpid(), self.servers)))

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.to_thread(self.sample)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


# ---------------------------------------------------------------------------------------------
# one browser session


@dataclass(frozen=True)
class Door:
    """How a session gets in: the app's url; behind nginx, the login (every session signs in
    through the test OpenID provider first, untimed: without a login the app refuses to serve
    through a proxy) and a route key that pins a session to one process (the warm-up)."""

    url: str
    provider: Any = None  # tests.e2e.conftest.OidcProvider
    proxy: Any = None  # tests.e2e.proxy.NginxProxy
    route: str | None = None


class Session:
    def __init__(
        self, index: int, browser: Any, door: Door, args: argparse.Namespace, seen: set[tuple]
    ):
        self.index, self.browser, self.door, self.args, self.seen = index, browser, door, args, seen
        self.url = door.url
        self.rng = random.Random(args.seed * 1000 + index)
        self.path = self.rng.choice(list(PAGES))
        self.options: dict[str, list[str]] = {}
        self.current: dict[str, str] = {}
        self.page_errors = 0
        self.context: Any = None
        self.page: Any = None

    @property
    def timeout_ms(self) -> float:
        return self.args.timeout_s * 1000

    async def open(self) -> float:
        """Opens the session on a random KPI page and reads the filters' options."""
        self.context = await self.browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale="de-DE", ignore_https_errors=True
        )
        self.context.set_default_timeout(self.timeout_ms)
        if self.door.route is not None:
            await self.context.add_cookies([self.door.proxy.route_cookie(self.door.route)])
        await self.context.add_init_script(WEBSOCKET_HOOK)
        self.page = await self.context.new_page()
        self.page.on("pageerror", self._page_error)
        if self.door.provider is not None:
            await self.sign_in()
        started = time.perf_counter()
        await self.page.goto(f"{self.url}/{self.path}")
        await self.page.wait_for_selector(IDLE, timeout=self.timeout_ms * 3)
        first_load = (time.perf_counter() - started) * 1000
        for label in FILTERS:
            box = self._box(label)
            self.current[label] = await box.input_value()
            await box.click()
            self.options[label] = [
                text.strip() for text in await self.page.get_by_role("option").all_inner_texts()
            ]
            await self.page.keyboard.press("Escape")
        self.seen.add(self._key())
        return first_load

    async def sign_in(self) -> None:
        """The app's login screen -> the provider's login page (any password) -> back."""
        await self.page.goto(self.url)
        await self.page.get_by_role("button", name="Anmelden").click()
        await self.page.wait_for_url(f"{self.door.provider.issuer}/interaction/**")
        await self.page.locator("input[name='login']").fill("admin")
        await self.page.locator("input[name='password']").fill("beliebig")
        await self.page.get_by_role("button", name="Sign-in").click()
        await self.page.wait_for_url(f"{self.url}/")

    def _page_error(self, _error: object) -> None:
        self.page_errors += 1

    def _box(self, label: str) -> Any:
        return self.page.get_by_role("combobox", name=label, exact=True)

    def _key(self) -> tuple:
        return (self.path, *(self.current[label] for label in FILTERS))

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.context.close()

    async def loop(self, deadline: float, phase: Phase) -> None:
        while time.monotonic() < deadline:
            if self.rng.random() < PAGE_SWITCH_SHARE:
                path = self.rng.choice([p for p in PAGES if p != self.path])
                phase.actions.append(await self._act("page", path))
                if time.monotonic() >= deadline:
                    break
            label = self.rng.choice(FILTERS)
            option = self.rng.choice([o for o in self.options[label] if o != self.current[label]])
            phase.actions.append(await self._act("filter", label, option))

    async def _act(self, kind: str, what: str, option: str = "") -> Action:
        page = self.page
        error: str | None = None
        in_page = driver = float("nan")
        before = (self.path, dict(self.current))
        if kind == "page":
            self.path = what
        else:
            self.current[what] = option
        first_ask = self._key() not in self.seen
        self.seen.add(self._key())
        try:
            await page.wait_for_timeout(self.args.pause_ms)
            await page.wait_for_selector(IDLE, timeout=self.timeout_ms)
            if kind == "page":
                target = page.locator("[data-testid='stSidebarNav']").get_by_text(
                    PAGES[what], exact=True
                )
            else:
                await self._box(what).click()
                target = page.get_by_role("option", name=option, exact=True)
            await page.evaluate(WATCH, self.timeout_ms)
            started = time.perf_counter()
            await target.click()
            times = await asyncio.wait_for(
                page.evaluate("window.__action"), self.args.timeout_s + 30
            )
            driver = (time.perf_counter() - started) * 1000
            in_page = times["finished"] - times["started"]
            if times["outcome"] != "ok":
                error = (
                    f"timeout: the rerun did not finish within {self.args.timeout_s:g} s "
                    f"(script runs started by the server {times['runs']}, finished with "
                    f"status {times['statuses']}; page: script state {times['state']}, "
                    f"connection {times['connection']}, {times['stale']} stale element(s), "
                    f"{times['skeletons']} skeleton(s))"
                )
            else:
                error = await self._problem(kind, what, option)
        except Exception as problem:  # a click or wait the page never allowed
            error = f"driver: {type(problem).__name__}: {str(problem).splitlines()[0][:160]}"
        where = ""
        if error is not None:
            where = f"session {self.index}, page /{self.path}, " + (
                f"{what} -> {option}" if kind == "filter" else "opened from the sidebar"
            )
            await self._recover(before)
        action = Action(kind, what, in_page, driver, first_ask, error, where=where)
        if error is None:
            action.to_start_ms = times["runAt"] - times["started"]
            action.run_ms = times["doneAt"] - times["runAt"]
            action.to_paint_ms = times["finished"] - times["doneAt"]
        return action

    async def _problem(self, kind: str, what: str, option: str) -> str | None:
        """What the page shows wrong after the rerun, or None."""
        page = self.page
        if await page.locator("[data-testid='stException']").count():
            text = await page.locator("[data-testid='stException']").first.inner_text()
            return f"exception box: {' '.join(text.split())[:200]}"
        alerts = await page.locator("[data-testid='stAlertContentError']").all_inner_texts()
        if alerts:
            flat = " ".join(alerts[0].split())
            which = "unexpected-error alert" if UNEXPECTED[:40] in flat else "error alert"
            return f"{which}: {flat[:200]}"
        if await page.get_by_text("Connection error").count():
            return "Connection error dialog (websocket lost)"
        if await page.get_by_text("Page not found").count():
            return "Page not found dialog"
        if kind == "filter":
            shown = await self._box(what).input_value()
            if shown != option:
                return f"filter {what} shows {shown!r}, chosen {option!r}"
        else:
            heading = await page.locator("h1").first.inner_text()
            if PAGES[what] not in heading:
                return f"page {what or 'overview'} shows heading {heading!r}"
        return None

    async def _recover(self, before: tuple[str, dict[str, str]]) -> None:
        """After an error: reload the page; the filters then read what the server kept."""
        with contextlib.suppress(Exception):
            await self.page.goto(f"{self.url}/{self.path}")
            await self.page.wait_for_selector(IDLE, timeout=self.timeout_ms)
            for label in FILTERS:
                self.current[label] = await self._box(label).input_value()
            return
        self.path, self.current = before[0], before[1]


# ---------------------------------------------------------------------------------------------
# a phase: n sessions for a time


async def run_phase(
    name: str,
    door: Door,
    sessions: int,
    seconds: float,
    args: argparse.Namespace,
    servers: list[AppServer],
    seen: set[tuple],
    memory: Memory,
) -> Phase:
    from playwright.async_api import async_playwright

    phase = Phase(name, sessions, seconds)
    async with async_playwright() as playwright:
        browsers = [
            await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(min(args.browsers, sessions))
        ]
        group = [Session(i, browsers[i % len(browsers)], door, args, seen) for i in range(sessions)]
        stop = asyncio.Event()
        sampler = asyncio.create_task(memory.run(stop))
        try:
            started = time.perf_counter()
            # opened a few at a time (untimed): 20 first loads at once would be a test of its own
            gate = asyncio.Semaphore(4)

            async def opened(session: Session) -> float | None:
                async with gate:
                    try:
                        return await session.open()
                    except Exception as problem:  # counted as a failed action of the phase
                        text = str(problem).splitlines()[0][:160]
                        error = f"opening the session: {type(problem).__name__}: {text}"
                        phase.actions.append(Action("open", "", math.nan, math.nan, False, error))
                        return None

            loads = await asyncio.gather(*(opened(s) for s in group))
            phase.first_loads_ms = [load for load in loads if load is not None]
            group = [s for s, load in zip(group, loads, strict=True) if load is not None]
            phase.setup_seconds = time.perf_counter() - started
            server_cpu = sum(_cpu_seconds(s.process.pid) for s in servers)
            browser_cpu = memory.browser_cpu()
            started = time.perf_counter()
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(s.loop(deadline, phase) for s in group))
            phase.elapsed = time.perf_counter() - started
            phase.server_cpu = sum(_cpu_seconds(s.process.pid) for s in servers) - server_cpu
            phase.browser_cpu = memory.browser_cpu() - browser_cpu
            phase.load_end = load_average()
            phase.page_errors = sum(s.page_errors for s in group)
        finally:
            stop.set()
            await sampler
            for session in group:
                await session.close()
            for browser in browsers:
                await browser.close()
    return phase


# ---------------------------------------------------------------------------------------------
# report


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _stats_line(label: str, values: list[float]) -> str:
    if not values:
        return f"    {label:<40} n {0:5d}"
    return (
        f"    {label:<40} n {len(values):5d}   p50 {percentile(values, 0.5):7.0f}   "
        f"p95 {percentile(values, 0.95):7.0f}   max {max(values):7.0f} ms"
    )


def filter_p95(phase: Phase) -> float:
    return percentile(
        [a.in_page_ms for a in phase.actions if a.kind == "filter" and a.error is None], 0.95
    )


def report(phase: Phase) -> None:
    ok = [a for a in phase.actions if a.error is None]
    errors = [a for a in phase.actions if a.error is not None]
    filters = [a for a in ok if a.kind == "filter"]
    print(f"== {phase.name}: {phase.sessions} session(s) for {phase.seconds:g} s ==")
    print(
        f"  sessions opened in {phase.setup_seconds:.1f} s; first page load "
        f"p50 {percentile(phase.first_loads_ms, 0.5):.0f} ms, "
        f"max {percentile(phase.first_loads_ms, 1.0):.0f} ms (not in the figures below)"
    )
    print(
        f"  actions {len(phase.actions)} in {phase.elapsed:.1f} s = "
        f"{len(phase.actions) / phase.elapsed:.2f}/s "
        f"(filter changes {sum(a.kind == 'filter' for a in phase.actions)} = "
        f"{sum(a.kind == 'filter' for a in phase.actions) / phase.elapsed:.2f}/s, "
        f"page switches {sum(a.kind == 'page' for a in phase.actions)})"
    )
    print("  click -> rerun finished and painted, measured in the page (errors left out):")
    print(_stats_line("filter change", [a.in_page_ms for a in filters]))
    for label in FILTERS:
        print(_stats_line(f"  {label}", [a.in_page_ms for a in filters if a.what == label]))
    print(
        _stats_line(
            "  combination first asked of the server",
            [a.in_page_ms for a in filters if a.first_ask],
        )
    )
    print(
        _stats_line(
            "  combination asked before", [a.in_page_ms for a in filters if not a.first_ask]
        )
    )
    print(_stats_line("page switch (sidebar link)", [a.in_page_ms for a in ok if a.kind == "page"]))
    print(_stats_line("filter change, driver wall clock", [a.driver_ms for a in filters]))
    print("  a filter change in parts (as the page handles the server's messages):")
    print(_stats_line("  click -> the server's run starts", [a.to_start_ms for a in filters]))
    print(_stats_line("  run start -> script finished", [a.run_ms for a in filters]))
    print(_stats_line("  script finished -> painted", [a.to_paint_ms for a in filters]))
    print(
        f"  CPU during the phase: app server(s) {phase.server_cpu:.1f} s "
        f"({phase.server_cpu / phase.elapsed:.2f} cores), browser side (driver + Chromium) "
        f"{phase.browser_cpu:.1f} s ({phase.browser_cpu / phase.elapsed:.2f} cores); "
        f"load average at end: {phase.load_end}"
    )
    verdict = "MET" if not errors else "NOT MET"
    print(f"  ERRORS {len(errors)} of {len(phase.actions)} actions   goal 0: {verdict}")
    kinds: dict[str, int] = {}
    for action in errors:
        assert action.error is not None
        kinds[action.error] = kinds.get(action.error, 0) + 1
    for text, count in sorted(kinds.items(), key=lambda item: -item[1])[:10]:
        print(f"    {count:4d} x {text}")
    for action in errors[:10]:
        print(f"      at {action.where} ({action.in_page_ms:.0f} ms)")
    if phase.page_errors:
        print(f"  JavaScript errors in the pages (not counted above): {phase.page_errors}")


def server_log_problems(log: Path) -> list[str]:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if "Traceback" in line or " ERROR " in line or "Error" in line]


# ---------------------------------------------------------------------------------------------
# setups: one process, two behind nginx


@contextlib.contextmanager
def one_process(db: Path, logs: Path) -> Iterator[tuple[Door, list[AppServer], list[Path]]]:
    log = logs / "streamlit-1.log"
    server = AppServer(db, log)  # on 127.0.0.1 without a login: the one-person setup
    try:
        yield Door(server.url), [server], [log]
    finally:
        server.stop()


@contextlib.contextmanager
def two_processes(db: Path, logs: Path) -> Iterator[tuple[Door, list[AppServer], list[Path]]]:
    """The documented installation: two processes with the login on, behind nginx (HTTPS)."""
    conftest = importlib.import_module("tests.e2e.conftest")
    proxy_module = importlib.import_module("tests.e2e.proxy")
    (logs / "nginx" / "access.log").unlink(missing_ok=True)  # nginx appends: this run's only
    paths = [logs / "streamlit-2a.log", logs / "streamlit-2b.log"]
    https_port = conftest.free_port()  # the login's redirect_uri names it
    admin_groups = dict(load_settings().role_mapping.values)[Role.ADMINISTRATOR]
    provider = conftest.OidcProvider(
        shutil.which("node"),
        logs / "oidc-provider.log",
        client_id="vielfaltsmonitor",
        client_secret=secrets.token_urlsafe(32),
        redirect_uri=f"https://127.0.0.1:{https_port}/oauth2callback",
        accounts={"admin": {"name": "Anton Admin", "groups": [admin_groups[0]]}},
    )
    auth = provider.write_secrets(logs / "secrets.toml")
    servers: list[AppServer] = []
    proxy = None
    try:
        servers = [AppServer(db, path, secrets=auth) for path in paths]
        proxy = proxy_module.NginxProxy(
            [s.port for s in servers], logs / "nginx", https_port=https_port
        )
        yield Door(proxy.https_url, provider, proxy), servers, paths
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
        provider.stop()


def two_process_problem() -> str | None:
    if not PROXY_MODULE.exists():
        return f"{PROXY_MODULE.relative_to(REPO)} (NginxProxy) is not there"
    if importlib.import_module("tests.e2e.proxy").nginx_binary() is None:
        return "nginx is not installed (apt-get install nginx)"
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm), the login needs it"
    if not (REPO / "tests" / "e2e" / "oidc" / "node_modules" / "oidc-provider").is_dir():
        return "the test OpenID provider is missing: npm ci --prefix tests/e2e/oidc"
    return None


def upstream_share(access_log: Path) -> str:
    """Which app process served the websockets (`/_stcore/stream`), from nginx's access log."""
    counts: dict[str, int] = {}
    lines = access_log.read_text(errors="replace").splitlines() if access_log.exists() else []
    for line in lines:
        if "/_stcore/stream" in line:
            upstream = line.split()[1]
            counts[upstream] = counts.get(upstream, 0) + 1
    return ", ".join(f"{upstream} {n}" for upstream, n in sorted(counts.items())) or "none logged"


def wait_quiet(servers: list[AppServer], limit: float = 180.0) -> float:
    """Seconds until the servers use under 5 % of a core over a second (background work done)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = sum(_cpu_seconds(s.process.pid) for s in servers)
        time.sleep(1.0)
        if sum(_cpu_seconds(s.process.pid) for s in servers) - before < 0.05:
            break
    return time.monotonic() - started


def run_setup(
    name: str,
    setup: Any,
    db: Path,
    logs: Path,
    args: argparse.Namespace,
) -> list[Phase]:
    with setup(db, logs) as (door, servers, server_logs):
        pids = ", ".join(str(s.process.pid) for s in servers)
        print(f"\n#### {name}: {door.url}  (app pids {pids})")
        memory = Memory([s.process.pid for s in servers])
        seen: set[tuple] = set()
        # a page load on each process starts its background warm-up (every year's release
        # into its cache); the phases begin when the processes are quiet. Behind nginx a route
        # key pins the warm-up session to each process in turn
        for server in servers:
            route = door.proxy.route_key_to(server.port) if door.proxy else None
            warm_door = Door(door.url, door.provider, door.proxy, route)
            warm = asyncio.run(run_phase("warm-up", warm_door, 1, 0, args, servers, set(), memory))
            print(
                f"  warm-up of {server.url}: first page load "
                f"{percentile(warm.first_loads_ms, 1.0):.0f} ms"
            )
        quiet = wait_quiet(servers)
        print(f"  servers quiet {quiet:.0f} s later (load average {load_average()})")
        phases = [
            asyncio.run(
                run_phase(
                    f"{name}, baseline", door, 1, args.baseline_seconds, args, servers, seen, memory
                )
            ),
            asyncio.run(
                run_phase(
                    f"{name}, load", door, args.sessions, args.seconds, args, servers, seen, memory
                )
            ),
        ]
        for phase in phases:
            report(phase)
        base, loaded = filter_p95(phases[0]), filter_p95(phases[1])
        print(
            ratio_line(
                f"p95 filter change, {args.sessions} sessions / 1 session ({name})", loaded, base
            )
        )
        for server, log in zip(servers, server_logs, strict=True):
            print(
                f"  app process {server.process.pid}: peak memory (VmHWM) "
                f"{peak_rss_mb(server.process.pid):.0f} MB, now (VmRSS) "
                f"{_status_kb(server.process.pid, 'VmRSS') / 1024:.0f} MB"
            )
            problems = server_log_problems(log)
            print(f"    its log {log}: {len(problems)} line(s) with Traceback/ERROR/Error")
            for line in problems[:8]:
                print(f"      {line[:200]}")
        if len(servers) > 1:
            access = logs / "nginx" / "access.log"
            print(f"  websockets per app process (nginx {access}): {upstream_share(access)}")
        print(
            f"  browser side (Playwright driver + {args.browsers} Chromium): peak PSS "
            f"{memory.browser_peak_mb:.0f} MB over up to {memory.browser_processes} processes; "
            f"machine's lowest MemAvailable {memory.available_min_mb:.0f} MB"
        )
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="store to serve (default: a fresh demo store)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the load phase")
    parser.add_argument("--baseline-seconds", type=float, default=20.0)
    parser.add_argument("--processes", choices=["1", "2", "both"], default="both")
    parser.add_argument("--browsers", type=int, default=1, help="Chromium processes")
    parser.add_argument("--pause-ms", type=float, default=300.0, help="between two actions")
    parser.add_argument("--timeout-s", type=float, default=60.0, help="an action's limit")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--logs", type=Path, default=Path("bench/out/load"), help="server and nginx logs"
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium is missing ({CHROMIUM}): apt-get install chromium")
        return 2
    print(machine_report())
    print(f"date {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %Z}; cores {os.cpu_count()}")
    print(
        f"sessions {args.sessions}, load phase {args.seconds:g} s, baseline 1 session "
        f"{args.baseline_seconds:g} s, pause {args.pause_ms:g} ms, timeout {args.timeout_s:g} s, "
        f"{args.browsers} Chromium process(es), seed {args.seed}"
    )
    args.logs = args.logs.resolve()  # nginx reads its paths from its own prefix directory
    args.logs.mkdir(parents=True, exist_ok=True)
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db
        if db is None:
            db = Path(scratch) / "vielfalt.duckdb"
            build_demo_store(db)
        started = time.perf_counter()
        planned = kpis.plan_store(db, load_settings())
        print(
            f"store {db} ({db.stat().st_size / 1e6:.0f} MB), {len(planned)} years planned "
            f"({time.perf_counter() - started:.0f} s, before any server starts)"
        )
        if args.processes in ("1", "both"):
            phases = run_setup("one app process", one_process, db, args.logs, args)
            failures += sum(a.error is not None for p in phases for a in p.actions)
        if args.processes in ("2", "both"):
            problem = two_process_problem()
            if problem is not None:
                print(f"\n#### two app processes behind nginx: SKIPPED, {problem}")
            else:
                phases = run_setup(
                    "two app processes behind nginx", two_processes, db, args.logs, args
                )
                failures += sum(a.error is not None for p in phases for a in p.actions)
    print(f"\nload average at end: {load_average()}; failed actions in all phases: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
