"""Import benchmark: the real importer against bare DuckDB and pandas reads of the same file.

1. The 1.2 M-row export (10,000 persons × 120 months, raw German format) imported into a fresh
   store with ``metrics.ingest.import_files``, against, in the same run and interleaved
   (A B C D, A B C D, …; medians):
   (a)  DuckDB ``read_csv`` of the same cp1252 file (``encoding='latin-1'``, exact for this file:
        it holds no byte 0x80–0x9F, checked below) with the right options (``;``, header, decimal
        comma, ``%d.%m.%Y``, explicit column types, no sniffing) into a table of a fresh on-disk
        database, checkpointed. It does not: map headers, normalise codes, validate, hash
        pseudonyms, log, copy-and-rename, fsync.
   (a') the same after a chunked Python transcode cp1252 -> UTF-8 (needed for files with € „ “ –,
        which DuckDB's latin-1 reader rejects).
   (b)  pandas ``read_csv`` (cp1252, ``;``, decimal comma, dates parsed) + ``CREATE TABLE AS``
        into a fresh on-disk DuckDB database, checkpointed.
   Goal: importer ≤ 1.5 × (a).
2. Where the time goes: one instrumented import in a child process (every SQL statement of the
   staging connection and the Python steps timed, exclusive times), with the child's peak RSS.
3. ``--big``: building the 12 M-row store (100,000 persons × 120 months) in a child process, with
   its wall time and peak RSS. A watchdog kills the child (by pid) above ``--rss-cap-gb``
   (default 6 GiB, the per-process budget on the shared machine); the build is then repeated
   with the staging connection's DuckDB ``memory_limit`` set (nothing else changed), so that the
   store for ``bench_kpis`` exists and the cost of staying in the budget is measured.

    python -m bench.bench_import                # 1 + 2
    python -m bench.bench_import --big          # 1 + 2 + 3
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bench.common import (
    OUT,
    gib,
    interleaved,
    load_average,
    machine_report,
    python_module_command,
    ratio_line,
    run_child,
    source_identity,
)
from bench.scale_data import write_personnel_export
from metrics.access import LOCAL_USER
from tests.exports import PERSONNEL_HEADER

SMALL_FILE = OUT / "p_10k.csv"
BIG_FILE = OUT / "p_100k.csv"
BIG_STORE = OUT / "store_100k" / "vielfalt.duckdb"
GOAL_VS_READ_CSV = 1.5
_COLUMN_TYPES = {
    "Stichtag": "DATE",
    "Geburtsjahr": "INTEGER",
    "Wochenstunden": "DOUBLE",
    "Regelarbeitszeit": "DOUBLE",
    "Mehrfachanrechnung": "INTEGER",
    "Eintrittsdatum": "DATE",
}
BASELINE_COLUMNS = {name: _COLUMN_TYPES.get(name, "VARCHAR") for name in PERSONNEL_HEADER}


def ensure_export(path: Path, persons: int, months: int = 120) -> Path:
    if not path.exists():
        print(f"generating {path} ({persons:,} persons × {months} months) …", flush=True)
        write_personnel_export(path, persons, months)
    return path


def has_no_c1_bytes(path: Path) -> bool:
    """True if the file has no byte 0x80–0x9F: then latin-1 and Windows-1252 decode it alike."""
    pattern = re.compile(rb"[\x80-\x9f]")
    with path.open("rb") as handle:
        while chunk := handle.read(16 * 1024 * 1024):
            if pattern.search(chunk):
                return False
    return True


# --- contenders ----------------------------------------------------------------------------------


class Scratch:
    """Fresh directories for each run, removed at the end (removal is not timed)."""

    def __init__(self) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="scratch-", dir=OUT))
        self._count = 0

    def new(self) -> Path:
        self._count += 1
        path = self.root / f"run{self._count}"
        path.mkdir()
        return path

    def clear(self) -> None:
        for child in self.root.iterdir():
            shutil.rmtree(child, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def import_with_importer(path: Path, workdir: Path) -> None:
    from metrics.ingest import import_files

    import_files([path], workdir / "store" / "vielfalt.duckdb", by=LOCAL_USER)


def read_csv_sql(source: str, encoding: str) -> str:
    return (
        f"CREATE TABLE personnel AS SELECT * FROM read_csv({source}, encoding = '{encoding}', "
        "delim = ';', header = true, quote = '\"', escape = '\"', decimal_separator = ',', "
        "dateformat = '%d.%m.%Y', columns = $columns, auto_detect = false, strict_mode = true)"
    )


def duckdb_read_csv(path: Path, workdir: Path) -> None:
    con = duckdb.connect(str(workdir / "baseline.duckdb"))
    try:
        con.execute(
            read_csv_sql("$path", "latin-1"), {"path": str(path), "columns": BASELINE_COLUMNS}
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def transcode_to_utf8(path: Path, target: Path) -> None:
    decoder = codecs.getincrementaldecoder("cp1252")("strict")
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:
        while chunk := source.read(16 * 1024 * 1024):
            sink.write(decoder.decode(chunk))
        sink.write(decoder.decode(b"", final=True))


def transcode_then_duckdb_read_csv(path: Path, workdir: Path) -> None:
    utf8 = workdir / "utf8.csv"
    transcode_to_utf8(path, utf8)
    con = duckdb.connect(str(workdir / "baseline.duckdb"))
    try:
        con.execute(
            read_csv_sql("$path", "utf-8"), {"path": str(utf8), "columns": BASELINE_COLUMNS}
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def pandas_read_csv_insert(path: Path, workdir: Path) -> None:
    frame = pd.read_csv(
        path,
        sep=";",
        encoding="cp1252",
        decimal=",",
        parse_dates=["Stichtag", "Eintrittsdatum"],
        date_format="%d.%m.%Y",
    )
    con = duckdb.connect(str(workdir / "pandas.duckdb"))
    try:
        con.register("frame", frame)
        con.execute("CREATE TABLE personnel AS SELECT * FROM frame")
        con.execute("CHECKPOINT")
    finally:
        con.close()


# --- instrumented import (runs in a child process) ----------------------------------------------

# (fragments of the SQL statement, all present; phase label); the first match wins
_SQL_PHASES = (
    (("AS _bad", "read_csv("), "fast path: read CSV typed + clean + parse + checks, one statement"),
    (("AS _bad",), "text path: clean + parse + checks of the text table"),
    (("HAVING count(*) > 1",), "duplicate check (GROUP BY)"),
    (("FROM read_csv(",), "text path: read CSV as text (read_csv, all VARCHAR)"),
    (("row_number() OVER",), "report: duplicates by window, raw text kept"),
    (("_problems",), "report: validation checks"),
    (("SELECT DISTINCT person_id",), "distinct ids (SQL)"),
    (("INSERT INTO target.personnel",), "insert into the store copy (join keys, ORDER BY row)"),
    (("CHECKPOINT",), "checkpoint the store copy"),
    (("SELECT count(*) FROM target",), "count replaced rows"),
)


class _Profiler:
    """Exclusive wall time per phase; nested phases are subtracted from their parent."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._stack: list[list[Any]] = []

    @contextmanager
    def phase(self, label: str) -> Iterator[None]:
        print(f"START {label}", file=sys.stderr, flush=True)
        frame = [label, time.perf_counter(), 0.0]
        self._stack.append(frame)
        try:
            yield
        finally:
            self._stack.pop()
            elapsed = time.perf_counter() - frame[1]
            self.totals[label] = self.totals.get(label, 0.0) + elapsed - frame[2]
            if self._stack:
                self._stack[-1][2] += elapsed


class _TimedConnection:
    """Wraps the staging connection: each execute() is one phase (results are then complete:
    every statement of the importer is a DDL/DML or is drained right away)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, profiler: _Profiler) -> None:
        self._con = con
        self._profiler = profiler

    def execute(self, sql: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        label = next(
            (lab for fragments, lab in _SQL_PHASES if all(f in sql for f in fragments)), None
        )
        if label is None:
            # a statement this list does not know (the importer changes): its normalised start
            label = "SQL: " + re.sub(r"_\d+", "_N", " ".join(sql.split()))[:60]
        with self._profiler.phase(label):
            if parameters is None:
                return self._con.execute(sql)
            return self._con.execute(sql, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def profiled_import(path: Path, db_path: Path, memory_limit: str | None) -> dict[str, Any]:
    import metrics.ingest as ingest
    from metrics.ingest import prepare, read, write

    profiler = _Profiler()
    original_connection = prepare.staging_connection

    def staging_connection(*args: Any, **kwargs: Any) -> Any:
        con = original_connection(*args, **kwargs)
        if memory_limit:
            con.execute("SET memory_limit = ?", [memory_limit])
            con.execute("SET temp_directory = ?", [str(db_path.parent / ".staging_spill")])
        return _TimedConnection(con, profiler)

    def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with profiler.phase(label):
                return function(*args, **kwargs)

        return wrapper

    # each step is replaced where the importer looks it up (the module that calls it)
    prepare.staging_connection = staging_connection
    for module, name, label in (
        (prepare, "_file_digest_and_encoding", "SHA-256 + UTF-8 check (Python)"),
        (read, "_transcode_to_utf8", "transcode cp1252 -> UTF-8 (Python)"),
        (prepare, "_hash_pseudonyms", "HMAC of distinct ids (Python) + key table"),
        (write, "_fsync", "fsync"),
        (write, "_fsync_directory", "fsync"),
    ):
        setattr(module, name, timed(label, getattr(module, name)))
    started = time.perf_counter()
    with profiler.phase("Python glue, schema, logging (rest)"):
        ingest.import_files([path], db_path, by=LOCAL_USER)
    return {
        "total": time.perf_counter() - started,
        "phases": sorted(profiler.totals.items(), key=lambda item: -item[1]),
    }


def child_main(args: argparse.Namespace) -> None:
    db_path = Path(args.db)
    if db_path.parent.exists():
        shutil.rmtree(db_path.parent)
    db_path.parent.mkdir(parents=True)
    report = profiled_import(Path(args.child_import), db_path, args.child_memory_limit)
    report["store_bytes"] = db_path.stat().st_size
    print(json.dumps(report))


def run_profiled_child(
    path: Path,
    db_path: Path,
    *,
    memory_limit: str | None,
    rss_cap_bytes: int | None,
) -> dict[str, Any]:
    command = python_module_command(
        "bench.bench_import", "--child-import", str(path), "--db", str(db_path)
    )
    if memory_limit:
        command += ["--child-memory-limit", memory_limit]
    child = run_child(command, rss_cap_bytes=rss_cap_bytes)
    outcome: dict[str, Any] = {
        "wall": child.wall,
        "cpu": child.cpu,
        "peak_rss": child.peak_rss_bytes,
        "killed": child.killed_for_memory,
        "returncode": child.returncode,
    }
    if child.returncode == 0:
        outcome.update(json.loads(child.stdout.strip().splitlines()[-1]))
    else:
        starts = [line for line in child.stderr_tail.splitlines() if line.startswith("START ")]
        outcome["last_phase"] = starts[-1][6:] if starts else "?"
        outcome["stderr_tail"] = child.stderr_tail
    return outcome


def print_profile(outcome: dict[str, Any], indent: str = "    ") -> None:
    total = outcome["total"]
    small = [(label, seconds) for label, seconds in outcome["phases"] if seconds < 0.01 * total]
    for label, seconds in outcome["phases"]:
        if (label, seconds) not in small:
            print(f"{indent}{label:<66} {seconds:8.2f} s  {100 * seconds / total:5.1f} %")
    rest = sum(seconds for _, seconds in small)
    label = f"{len(small)} more phases under 1 % each"
    print(f"{indent}{label:<66} {rest:8.2f} s  {100 * rest / total:5.1f} %")
    print(f"{indent}{'total (in process)':<66} {total:8.2f} s")


# --- main ----------------------------------------------------------------------------------------


IMPORTER = "importer (metrics.ingest.import_files)"
BASELINE_A = "(a) duckdb read_csv latin-1, typed, on disk"
BASELINE_A2 = "(a') transcode -> UTF-8 + duckdb read_csv"
BASELINE_B = "(b) pandas read_csv + insert into duckdb"


def bench_small(path: Path, runs: int) -> None:
    rows = sum(1 for _ in path.open("rb")) - 1
    print(
        f"\n== 1. import of {path} ({rows:,} rows, {path.stat().st_size / 1e6:.1f} MB), "
        f"median of {runs} interleaved runs after 1 warm-up round =="
    )
    exact_latin1 = has_no_c1_bytes(path)
    print(f"  file has no byte 0x80-0x9F (latin-1 read exact): {exact_latin1}")
    scratch = Scratch()
    actions: dict[str, Callable[[Path, Path], None]] = {
        IMPORTER: import_with_importer,
        BASELINE_A: duckdb_read_csv,
        BASELINE_A2: transcode_then_duckdb_read_csv,
        BASELINE_B: pandas_read_csv_insert,
    }
    if not exact_latin1:
        del actions[BASELINE_A]
    contenders = {
        name: (lambda action=action: action(path, scratch.new()))
        for name, action in actions.items()
    }
    try:
        timings = interleaved(contenders, runs, warmup=1)
    finally:
        scratch.close()
    for timing in timings.values():
        print(timing.line())
    print(f"  {IMPORTER}: {rows / timings[IMPORTER].wall_median:,.0f} rows/s")
    for name, short in ((IMPORTER, "importer"),):
        for baseline, label in (
            (BASELINE_A, "(a) read_csv"),
            (BASELINE_A2, "(a') transcode+read_csv"),
        ):
            if baseline not in timings:
                continue
            for kind in ("wall", "CPU"):
                value = timings[name].wall_median if kind == "wall" else timings[name].cpu_median
                base = (
                    timings[baseline].wall_median
                    if kind == "wall"
                    else timings[baseline].cpu_median
                )
                print(
                    ratio_line(
                        f"{short} / {label} [{kind}]", value, base, goal_max=GOAL_VS_READ_CSV
                    )
                )
    for kind in ("wall", "CPU"):
        pick = (lambda t: t.wall_median) if kind == "wall" else (lambda t: t.cpu_median)
        print(
            ratio_line(
                f"importer / (b) pandas [{kind}]",
                pick(timings[IMPORTER]),
                pick(timings[BASELINE_B]),
            )
        )
    print(f"  load average after: {load_average()}")


def bench_profile(path: Path) -> None:
    print(f"\n== 2. where the time goes: {path}, one instrumented run in a child process ==")
    workdir = Path(tempfile.mkdtemp(prefix="profile-", dir=OUT))
    try:
        outcome = run_profiled_child(
            path, workdir / "store" / "vielfalt.duckdb", memory_limit=None, rss_cap_bytes=None
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if outcome["returncode"] != 0:
        print(f"    child failed: {outcome['stderr_tail']}")
        return
    print_profile(outcome)
    print(
        f"    child: {outcome['wall']:.2f} s wall, {outcome['cpu']:.2f} s CPU, "
        f"peak RSS {gib(outcome['peak_rss'])}"
    )


def bench_big(path: Path, store_path: Path, rss_cap_gb: float, memory_limit: str) -> None:
    rows = sum(1 for _ in path.open("rb")) - 1
    print(
        f"\n== 3. building the 12 M-row store: {path} ({rows:,} rows, "
        f"{path.stat().st_size / 1e9:.2f} GB) -> {store_path}, one run each =="
    )
    cap = int(rss_cap_gb * 1024**3)
    print(f"  3a. importer as is, child killed by the watchdog above {gib(cap)} RSS")
    outcome = run_profiled_child(path, store_path, memory_limit=None, rss_cap_bytes=cap)
    report_big(outcome, rows)
    if outcome["returncode"] != 0:
        print(f"  3b. importer, staging connection with SET memory_limit = '{memory_limit}'")
        outcome = run_profiled_child(
            path, store_path, memory_limit=memory_limit, rss_cap_bytes=cap + 2 * 1024**3
        )
        report_big(outcome, rows)


def report_big(outcome: dict[str, Any], rows: int) -> None:
    if outcome["returncode"] == 0:
        print(
            f"    completed: {outcome['wall']:.1f} s wall ({rows / outcome['wall']:,.0f} rows/s),"
            f" {outcome['cpu']:.1f} s CPU, peak RSS {gib(outcome['peak_rss'])}, "
            f"store {outcome['store_bytes'] / 1e9:.2f} GB"
        )
        print_profile(outcome, indent="      ")
    elif outcome["killed"]:
        print(
            f"    KILLED by the watchdog after {outcome['wall']:.1f} s at "
            f"{gib(outcome['peak_rss'])} RSS, during: {outcome['last_phase']}"
        )
    else:
        print(
            f"    FAILED (exit {outcome['returncode']}) during {outcome['last_phase']}:\n"
            f"{outcome['stderr_tail']}"
        )
    print(f"    load average after: {load_average()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=SMALL_FILE)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--big", action="store_true", help="also build the 12 M-row store")
    parser.add_argument("--big-file", type=Path, default=BIG_FILE)
    parser.add_argument("--big-store", type=Path, default=BIG_STORE)
    parser.add_argument("--rss-cap-gb", type=float, default=6.0)
    parser.add_argument(
        "--memory-limit",
        default="4GB",
        help="DuckDB memory_limit of the staging connection for run 3b",
    )
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    parser.add_argument("--child-memory-limit", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_import:
        child_main(args)
        return
    print(machine_report())
    print(f"importer measured: {source_identity('metrics/ingest')}")
    small = ensure_export(args.file, 10_000)
    if args.runs > 0:
        bench_small(small, args.runs)
    if not args.no_profile:
        bench_profile(small)
    if args.big:
        bench_big(
            ensure_export(args.big_file, 100_000),
            args.big_store,
            args.rss_cap_gb,
            args.memory_limit,
        )


if __name__ == "__main__":
    main()
