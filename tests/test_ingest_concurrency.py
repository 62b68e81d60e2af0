"""Concurrency: readers only ever see complete states while imports replace the store, and two
imports at once (two processes) both land, serialised by the lock, with one pseudonym key.

Version v of the data makes a mixed state detectable: both reporting dates hold 300 + 37·v rows,
every row has weekly_hours = v, and the import log has v entries. A reader that saw rows of two
versions, a date of one version and a date of another, or data without its log entry, would find
count, sum, minimum, maximum and log length disagreeing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import duckdb
import pytest

from metrics import store
from metrics.access import LOCAL_USER
from metrics.ingest import import_files, load_secret, pseudonym_key
from tests.exports import (
    APPLICATION_HEADER,
    PERSONNEL_HEADER,
    application,
    personnel_population,
    write_csv,
)
from tests.line_process import LineProcess

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = 12
READERS = 3
DATES = ("30.11.2024", "31.12.2024")
# imports the files given on stdin, one per line, in order; prints "done" after each
IMPORTER = """
import sys
from pathlib import Path
from metrics.access import LOCAL_USER
from metrics.ingest import import_files
print("ready", flush=True)
for line in sys.stdin:
    import_files([Path(p) for p in line.strip().split("\\t")], Path(sys.argv[1]), by=LOCAL_USER)
    print("done", flush=True)
"""


def rows_of_version(version: int) -> int:
    return 300 + 37 * version


def version_file(directory: Path, version: int) -> Path:
    rows = [
        row
        for day in DATES
        for row in personnel_population(rows_of_version(version), day, weekly_hours=str(version))
    ]
    return write_csv(directory / f"v{version}.csv", PERSONNEL_HEADER, rows)


def observed_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version the store holds; fails on any sign of a mixed or partial state."""
    per_date = con.execute(
        "SELECT reporting_date, count(*), sum(weekly_hours), min(weekly_hours), "
        "max(weekly_hours) FROM personnel GROUP BY ALL ORDER BY 1"
    ).fetchall()
    (logged,) = con.execute("SELECT count(*) FROM import_log WHERE outcome = 'ok'").fetchall()[0]
    assert len(per_date) == len(DATES), per_date
    versions = set()
    for _day, count, total, lowest, highest in per_date:
        assert lowest == highest, per_date
        version = int(lowest)
        assert count == rows_of_version(version), per_date
        assert total == count * version, per_date
        versions.add(version)
    assert len(versions) == 1, per_date
    (version,) = versions
    assert logged == version, (logged, per_date)
    return version


class Importer(LineProcess):
    """A separate process importing on request (a CLI import while the app reads)."""

    def __init__(self, db: Path) -> None:
        super().__init__(IMPORTER, str(db))

    def send(self, *paths: Path) -> None:  # type: ignore[override]
        super().send("\t".join(str(p) for p in paths))

    def close(self) -> int:
        status = super().close()
        assert status == 0
        return status


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    directory = tmp_path_factory.mktemp("versions")
    return [version_file(directory, v) for v in range(1, VERSIONS + 1)]


Opener = Callable[[Path], AbstractContextManager[duckdb.DuckDBPyConnection]]


def read_while(db: Path, opener: Opener, writing: Callable[[], None]) -> list[set[int]]:
    """Runs `writing` while READERS threads read the store in a loop; returns what each saw."""
    seen: list[set[int]] = [set() for _ in range(READERS)]
    failures: list[BaseException] = []
    stop = threading.Event()

    def read(index: int) -> None:
        try:
            while not stop.is_set():
                with opener(db) as con:
                    seen[index].add(observed_version(con))
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        writing()
        time.sleep(0.2)  # let every reader open the final state at least once more
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    if failures:
        raise failures[0]
    return seen


def in_process(importer: Callable[[Path], object], paths: list[Path]) -> Callable[[], None]:
    def write() -> None:
        for path in paths:
            importer(path)

    return write


@pytest.fixture
def db(tmp_path: Path, versions: list[Path]) -> Iterator[Path]:
    db = tmp_path / "store" / "vielfalt.duckdb"
    import_files([versions[0]], db, by=LOCAL_USER)
    yield db


@pytest.mark.parametrize(
    "opener", [store.open_store, store.open_current], ids=["open_store", "open_current"]
)
def test_readers_see_only_complete_states_while_another_process_imports(
    db: Path, versions: list[Path], opener: Opener
) -> None:
    importer = Importer(db)

    def write() -> None:
        for path in versions[1:]:
            importer.send(path)
            assert importer.line() == "done"

    try:
        seen = read_while(db, opener, write)
    finally:
        importer.close()
    everything = set().union(*seen)
    print(f"{opener.__name__}: readers saw versions {[sorted(s) for s in seen]}")
    assert everything <= set(range(1, VERSIONS + 1))
    # open_current follows the imports. open_store goes through DuckDB's per-process instance
    # cache: while any reader thread holds the old file open, a new open gets that instance, so
    # overlapping readers may stay on one version (complete, but stale) for as long as they
    # overlap; under load that can be the whole run.
    if opener is store.open_current:
        assert VERSIONS in everything and len(everything) >= 3
    with store.open_store(db) as con:
        assert observed_version(con) == VERSIONS


def test_readers_see_only_complete_states_while_this_process_imports(
    db: Path, versions: list[Path]
) -> None:
    """The app imports in its own process: its readers share DuckDB's per-process instance."""
    write = in_process(lambda path: import_files([path], db, by=LOCAL_USER), versions[1:])
    seen = read_while(db, store.open_store, write)
    print(f"in-process: readers saw versions {[sorted(s) for s in seen]}")
    assert set().union(*seen) <= set(range(1, VERSIONS + 1))
    with store.open_current(db) as con:
        assert observed_version(con) == VERSIONS


def test_two_imports_at_once_both_land(tmp_path: Path) -> None:
    """Round 1 starts without store and without pseudonym key: both processes create them at
    once. Without the lock one import would copy the store before the other renamed its copy,
    and the later rename would drop the earlier import (a lost update)."""
    db = tmp_path / "store" / "vielfalt.duckdb"
    importers = [Importer(db), Importer(db)]
    expected_dates: dict[str, int] = {}
    ids = set()
    try:
        for round_number in range(1, 5):
            day = f"{round_number:02d}.01.2024"
            people = personnel_population(400 + round_number, day)
            apps = [
                application(f"B{round_number}-{i}", f"{round_number:02d}.02.2023")
                for i in range(50)
            ]
            files = (
                write_csv(tmp_path / f"p{round_number}.csv", PERSONNEL_HEADER, people),
                write_csv(tmp_path / f"a{round_number}.csv", APPLICATION_HEADER, apps),
            )
            for importer, path in zip(importers, files, strict=True):
                importer.send(path)
            for importer in importers:
                assert importer.line() == "done"
            expected_dates[day] = len(people)
            ids |= {row[1] for row in people}
            with store.open_store(db) as con:
                dates = dict(
                    con.execute(
                        "SELECT strftime(reporting_date, '%d.%m.%Y'), count(*) FROM personnel "
                        "GROUP BY ALL"
                    ).fetchall()
                )
                assert dates == expected_dates, f"round {round_number}: lost update"
                assert con.execute("SELECT count(*) FROM applications").fetchall() == [(50,)]
                assert con.execute("SELECT count(*) FROM import_log").fetchall() == [
                    (2 * round_number,)
                ]
                keys = {k for (k,) in con.execute("SELECT person_key FROM personnel").fetchall()}
    finally:
        for importer in importers:
            importer.close()
    # one key for all: the same person hashed by either process gives the same pseudonym
    secret = load_secret(db)
    assert keys == {pseudonym_key(secret, raw_id) for raw_id in ids}


def test_two_imports_of_the_same_date_at_once_leave_one_complete_version(
    tmp_path: Path, versions: list[Path]
) -> None:
    db = tmp_path / "store" / "vielfalt.duckdb"
    import_files([versions[0]], db, by=LOCAL_USER)
    importers = [Importer(db), Importer(db)]
    try:
        for first, second in [(versions[1], versions[2]), (versions[3], versions[4])]:
            importers[0].send(first)
            importers[1].send(second)
            for importer in importers:
                assert importer.line() == "done"
            with store.open_store(db) as con:
                per_date = con.execute(
                    "SELECT count(*), min(weekly_hours), max(weekly_hours) FROM personnel "
                    "GROUP BY reporting_date"
                ).fetchall()
            (version,) = {int(lowest) for _, lowest, _ in per_date}
            assert per_date == [(rows_of_version(version), version, version)] * len(DATES)
    finally:
        for importer in importers:
            importer.close()


# --- DuckDB opens the file twice: a rename in between must not mix two versions ----------------


@pytest.fixture(scope="module")
def store_versions(tmp_path_factory: pytest.TempPathFactory, versions: list[Path]) -> list[Path]:
    """The store file after each of the versions' imports, as successive imports leave it
    (metadata moves, freed blocks are reused, the file shrinks and grows)."""
    directory = tmp_path_factory.mktemp("store_versions")
    db = directory / "work" / "vielfalt.duckdb"
    saved = []
    for number, path in enumerate(versions, start=1):
        import_files([path], db, by=LOCAL_USER)
        saved.append(directory / f"v{number}.duckdb")
        shutil.copyfile(db, saved[-1])
    return saved


def replace_with(db: Path, version: Path) -> None:
    shutil.copyfile(version, db.with_name("incoming.tmp"))
    os.replace(db.with_name("incoming.tmp"), db)


@pytest.mark.parametrize("fails", [True, False], ids=["open-fails", "open-succeeds"])
def test_an_open_during_which_the_store_was_replaced_is_repeated(
    tmp_path: Path, store_versions: list[Path], fails: bool
) -> None:
    db = tmp_path / "vielfalt.duckdb"
    shutil.copyfile(store_versions[2], db)
    attempts = []

    def open_file(path: str) -> duckdb.DuckDBPyConnection:
        attempts.append(path)
        if len(attempts) == 1:
            con = duckdb.connect(path, read_only=True)
            replace_with(db, store_versions[7])  # an import lands in the middle of the open
            if fails:
                con.close()
                raise duckdb.IOException("Could not read enough bytes from file")
            return con
        return duckdb.connect(path, read_only=True)

    con = store.open_consistently(db, open_file, lambda c: c.close())
    try:
        assert len(attempts) == 2
        assert observed_version(con) == 8
    finally:
        con.close()


def test_a_store_that_is_no_duckdb_file_is_a_store_error_at_once(tmp_path: Path) -> None:
    db = tmp_path / "vielfalt.duckdb"
    db.write_bytes(b"no database" * 1000)
    with pytest.raises(store.StoreError, match="cannot be opened"):
        store.open_store(db).__enter__()


STRACE = shutil.which("strace")


def _ptrace_allowed() -> bool:
    if STRACE is None:
        return False
    probe = subprocess.run([STRACE, "-o", os.devnull, "true"], capture_output=True)
    return probe.returncode == 0


READER = """
import sys
from pathlib import Path
from metrics import store
from tests.test_ingest_concurrency import observed_version
opener = getattr(store, sys.argv[1])
seen, errors = set(), []
for _ in range(int(sys.argv[3])):
    try:
        with opener(Path(sys.argv[2])) as con:
            seen.add(observed_version(con))
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
print(sorted(seen), errors)
"""


@pytest.mark.skipif(not _ptrace_allowed(), reason="needs strace and ptrace permission")
@pytest.mark.parametrize("opener", ["open_store", "open_current"])
def test_a_rename_between_duckdbs_opens_never_mixes_two_versions(
    tmp_path: Path, store_versions: list[Path], opener: str
) -> None:
    """strace delays each open of the store file by 150 ms, so that renames land between the
    open that reads the header and the one that reads the blocks. Before open_consistently,
    this gave 'Could not read enough bytes' and 'Failed to deserialize' errors."""
    db = tmp_path / "vielfalt.duckdb"
    shutil.copyfile(store_versions[0], db)
    assert STRACE is not None
    reader = subprocess.Popen(
        [
            STRACE,
            "-f",
            "-q",
            "-o",
            os.devnull,
            "-P",
            str(db),
            "-e",
            "trace=openat",
            "-e",
            "inject=openat:delay_exit=150000",
            sys.executable,
            "-c",
            READER,
            opener,
            str(db),
            "8",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    swaps = 0
    while reader.poll() is None:
        replace_with(db, store_versions[(swaps * 5) % len(store_versions)])
        swaps += 1
        time.sleep(1.2)
    output, errors = reader.communicate()
    assert reader.returncode == 0, errors
    seen, failures = output.strip().split("] ", 1)
    assert failures == "[]", failures
    assert swaps >= 3 and len(seen.strip("[").split(",")) >= 2, (swaps, output)
