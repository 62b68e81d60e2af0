"""Shared helpers of the benchmarks: machine report, interleaved timing, ratios, child processes."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from metrics import demo

OUT = Path("bench/out")


def demo_store(db: Path | None) -> Path:
    """The store to measure: the one given, or the release benchmarks' demo store (built once)."""
    if db is not None:
        return db
    path = OUT / "release_demo" / "vielfalt.duckdb"
    if not path.exists():
        demo.build_demo_store(path)
    return path


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_report() -> str:
    """nproc, RAM, CPU model, load and library versions: printed at the top of every benchmark."""
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem_total = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        f"machine: nproc {usable} (cpu_count {os.cpu_count()}), RAM {mem_total / 1024**2:.1f} GiB, "
        f"CPU {cpu_model}",
        f"load average at start: {load_average()}",
        f"python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pandas {pd.__version__}, numpy {np.__version__}",
    ]
    return "\n".join(lines)


def source_identity(path: str) -> str:
    """Which version of a module or package is measured: the working tree is shared with other
    engineers, so a benchmark may run in a ``git archive`` snapshot (see bench/README.md). The
    file actually imported is named too: an editable install can resolve a module missing from a
    snapshot to the working tree."""
    module = path.removesuffix(".py").replace("/", ".")
    try:
        spec = importlib.util.find_spec(module)
    except ImportError:
        spec = None
    origin = spec.origin if spec and spec.origin else "not importable"
    warning = ""
    if spec and spec.origin and not Path(spec.origin).resolve().is_relative_to(Path.cwd()):
        warning = "  WARNING: not the file of this tree (editable install fallback)"
    return f"{_source_version(path)}; imported from {origin}{warning}"


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


def _working_blob(path: str) -> str:
    """The blob of a file, or for a package one digest over its modules' blobs (compared with
    the same digest of HEAD's tree, so a package reads "= HEAD" exactly when no module differs)."""
    if not Path(path).is_dir():
        return _git("hash-object", path)[:10] or "?"
    modules = sorted(Path(path).glob("*.py"))
    lines = [f"{module.name} {_git('hash-object', str(module))}" for module in modules]
    return hashlib.sha1("\n".join(lines).encode()).hexdigest()[:10]


def _head_blob(path: str) -> str:
    if not Path(path).is_dir():
        return _git("rev-parse", f"HEAD:{path}")[:10]
    listing = _git("ls-tree", "HEAD", f"{path.rstrip('/')}/")
    entries = sorted(
        (Path(line.split("\t")[1]).name, line.split()[2])
        for line in listing.splitlines()
        if line.endswith(".py")
    )
    lines = [f"{name} {blob}" for name, blob in entries]
    return hashlib.sha1("\n".join(lines).encode()).hexdigest()[:10] if lines else ""


def _source_version(path: str) -> str:
    blob = _working_blob(path)
    kind = "package" if Path(path).is_dir() else "blob"
    snapshot = Path("SNAPSHOT_OF")
    if snapshot.exists():
        return f"{path} {kind} {blob} (git archive snapshot of {snapshot.read_text().strip()})"
    head = _git("rev-parse", "--short", "HEAD")
    if not head:
        return f"{path} {kind} {blob} (not a git checkout)"
    head_blob = _head_blob(path)
    state = "= HEAD" if blob == head_blob else f"working tree, differs from HEAD's {head_blob}"
    return f"{path} {kind} {blob} ({state}; HEAD {head})"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


@dataclass
class Timing:
    """Wall-clock and process CPU seconds (all threads) of repeated runs of one contender."""

    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def line(self) -> str:
        runs = ", ".join(f"{value:.2f}" for value in self.wall)
        return (
            f"  {self.name:<52} median {self.wall_median:8.3f} s wall, "
            f"{self.cpu_median:8.3f} s CPU   (runs: {runs})"
        )


def time_once(action: Callable[[], object]) -> tuple[float, float]:
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    action()
    return time.perf_counter() - wall_before, time.process_time() - cpu_before


def interleaved(
    contenders: dict[str, Callable[[], object]], runs: int, warmup: int = 0
) -> dict[str, Timing]:
    """Round-robin runs (A B C A B C …): a noisy neighbour hits every contender alike."""
    timings = {name: Timing(name) for name in contenders}
    for round_index in range(warmup + runs):
        for name, action in contenders.items():
            wall, cpu = time_once(action)
            if round_index >= warmup:
                timings[name].wall.append(wall)
                timings[name].cpu.append(cpu)
    return timings


def ratio_line(
    label: str,
    value: float,
    baseline: float,
    *,
    goal_max: float | None = None,
    goal_min: float | None = None,
) -> str:
    """value / baseline with its goal and MET / NOT MET (no goal: reference only)."""
    ratio = value / baseline if baseline else float("inf")
    if goal_max is not None:
        verdict = f"goal <= {goal_max:g}x: {'MET' if ratio <= goal_max else 'NOT MET'}"
    elif goal_min is not None:
        verdict = f"goal >= {goal_min:g}x: {'MET' if ratio >= goal_min else 'NOT MET'}"
    else:
        verdict = "no goal set (reference)"
    return f"  RATIO {label:<58} {ratio:7.2f}x   {verdict}"


def goal_line(label: str, value: float, *, limit: float, unit: str = "s") -> str:
    return (
        f"  GOAL  {label:<58} {value:7.3f} {unit}  goal < {limit:g} {unit}: "
        f"{'MET' if value < limit else 'NOT MET'}"
    )


@dataclass(frozen=True)
class ChildRun:
    returncode: int
    wall: float
    cpu: float  # user + system of the child, all threads
    peak_rss_bytes: int  # ru_maxrss of the child
    killed_for_memory: bool
    stdout: str
    stderr_tail: str


def run_child(command: Sequence[str], *, rss_cap_bytes: int | None = None) -> ChildRun:
    """Runs a child process and reports its own peak RSS (wait4). A watchdog kills it (this
    child only, by pid) above the RSS cap, so a benchmark never starves the shared machine."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    killed = threading.Event()
    finished = threading.Event()

    def watchdog() -> None:
        while not finished.wait(0.2):
            rss = _rss_bytes(process.pid)
            if rss_cap_bytes is not None and rss > rss_cap_bytes:
                killed.set()
                os.kill(process.pid, signal.SIGKILL)
                return

    guard = threading.Thread(target=watchdog, daemon=True)
    guard.start()
    out_lines: list[str] = []
    err_lines: list[str] = []
    readers = [
        threading.Thread(target=lambda: out_lines.extend(process.stdout), daemon=True),  # type: ignore[arg-type]
        threading.Thread(target=lambda: err_lines.extend(process.stderr), daemon=True),  # type: ignore[arg-type]
    ]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    finished.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return ChildRun(
        returncode=process.returncode,
        wall=time.perf_counter() - started,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_bytes=usage.ru_maxrss * 1024,
        killed_for_memory=killed.is_set(),
        stdout="".join(out_lines),
        stderr_tail="".join(err_lines[-15:]),
    )


def _rss_bytes(pid: int) -> int:
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def python_module_command(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def gib(value: float) -> str:
    return f"{value / 1024**3:.2f} GiB"
