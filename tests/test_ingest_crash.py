"""Crash safety: an import killed with SIGKILL at a random moment leaves the store holding exactly
the complete old or the complete new state, the store opens, and the next import succeeds and
removes what the killed one left behind (copies of the store, staging directories with raw ids).

The importers are forked by a helper process that has imported the package once, so a trial costs
a fork instead of an interpreter start, and the importer ends with os._exit right after
import_files returns. The normal duration of an import is measured first in the same way; each
kill comes after a random delay between 0 and that duration (one in each 24th of it), so it
lands somewhere inside the import itself: reading, validating, hashing, copying, the
transaction, checkpoint, fsync, rename. Four more kills aim at the few per cent after the rename.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from metrics import store
from metrics.access import LOCAL_USER
from metrics.ingest import import_files
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv
from tests.line_process import LineProcess

# killed processes: a minute or more (see pyproject's markers)
pytestmark = pytest.mark.slow

ROWS = 25_000
TRIALS = 24
AROUND_RENAME = 4
# forks one importer per line on stdin; reports its pid and, once reaped, its exit status
ZYGOTE = """
import os, sys, traceback
from pathlib import Path
from metrics.access import LOCAL_USER
from metrics.ingest import import_files
db = Path(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            import_files([Path(line.strip())], db, by=LOCAL_USER)
            code = 0
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stderr.flush()
        os._exit(code)
    print(f"pid {pid}", flush=True)
    _, status = os.waitpid(pid, 0)
    print(f"exit {status}", flush=True)
"""


@dataclass(frozen=True)
class State:
    rows_per_date: tuple[tuple[str, int], ...]
    content_hash: str
    imports_logged: int


def state_of(db: Path) -> State:
    """Counts per reporting date, a hash over all rows in sorted order, and the log length."""
    with store.open_store(db) as con:
        rows = con.execute(
            "SELECT strftime(reporting_date, '%d.%m.%Y'), count(*) FROM personnel "
            "GROUP BY ALL ORDER BY 1"
        ).fetchall()
        (content_hash,) = con.execute(
            "SELECT md5(string_agg(CAST(p AS VARCHAR), chr(10) ORDER BY CAST(p AS VARCHAR))) "
            "FROM personnel p"
        ).fetchall()[0]
        (logged,) = con.execute("SELECT count(*) FROM import_log").fetchall()[0]
    return State(tuple(rows), content_hash, logged)


def leftovers(db: Path) -> dict[str, int]:
    names = [p.name for p in db.parent.iterdir()]
    return {
        "copies": sum(n.endswith(".tmp") for n in names),
        "wal": sum(n.endswith(".tmp.wal") for n in names),
        "staging": sum(".staging-" in n for n in names),
    }


class Zygote(LineProcess):
    """The helper process that forks importers."""

    def __init__(self, db: Path) -> None:
        super().__init__(ZYGOTE, str(db))

    def start(self, path: Path) -> tuple[int, float]:
        """Forks an importer of path; returns its pid and when it started."""
        self.send(str(path))
        kind, pid = self.line().split()
        assert kind == "pid"
        return int(pid), time.monotonic()

    def exit_status(self) -> int:
        kind, status = self.line().split()
        assert kind == "exit"
        return int(status)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    directory = tmp_path_factory.mktemp("exports")
    base = write_csv(
        directory / "base.csv", PERSONNEL_HEADER, personnel_population(ROWS, "30.11.2024")
    )
    first = write_csv(
        directory / "a.csv", PERSONNEL_HEADER, personnel_population(ROWS, "31.12.2024")
    )
    second = write_csv(
        directory / "b.csv",
        PERSONNEL_HEADER,
        personnel_population(ROWS - 1_000, "31.12.2024", gender="m", weekly_hours="20"),
    )
    return base, first, second


def test_killed_imports_leave_the_old_or_the_new_state(
    tmp_path: Path, exports: tuple[Path, Path, Path]
) -> None:
    base, first, second = exports
    db = tmp_path / "store" / "vielfalt.duckdb"
    import_files([base, first], db, by=LOCAL_USER)
    zygote = Zygote(db)
    try:
        # the two states a kill may leave, the normal duration of one import, and when in it
        # the rename happens (the store's inode changes)
        durations, renames, states = [], [], {}
        for path in (second, first, second):
            inode = db.stat().st_ino
            _pid, started = zygote.start(path)
            while db.stat().st_ino == inode:
                time.sleep(0.0005)
            renames.append(time.monotonic() - started)
            assert zygote.exit_status() == 0
            durations.append(time.monotonic() - started)
            states[path] = state_of(db)
        normal, rename = sorted(durations)[1], sorted(renames)[1]
        first_state, second_state = states[first], states[second]
        content_of = {first_state.content_hash: first, second_state.content_hash: second}

        # one random delay in each TRIALS-th of the normal duration, in random order: every part
        # of the import gets a kill, including the short stretch after the rename
        rng = random.Random(20261125)
        delays = [rng.uniform(i, i + 1) * normal / TRIALS for i in range(TRIALS)]
        # the stretch after the rename is a few per cent of the import: aim a few kills at it
        delays += [rng.uniform(rename - 0.02, normal) for _ in range(AROUND_RENAME)]
        rng.shuffle(delays)
        outcomes: Counter[str] = Counter()
        kill_points = []
        for delay in delays:
            before = state_of(db)
            target = second if content_of[before.content_hash] is first else first
            pid, started = zygote.start(target)
            time.sleep(max(0.0, delay - (time.monotonic() - started)))
            killed_at = time.monotonic() - started
            # ProcessLookupError: the import had finished and the zygote reaped it already
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            status = zygote.exit_status()
            kill_points.append(round(killed_at / normal, 2))

            after = state_of(db)  # the store opens
            new = states[target]
            if after.content_hash == before.content_hash:
                assert after == before, "old content but a different log: a partial state"
                outcomes["old, stray copy" if leftovers(db)["copies"] else "old"] += 1
            else:
                assert (after.rows_per_date, after.content_hash) == (
                    new.rows_per_date,
                    new.content_hash,
                ), "neither the old nor the new state"
                assert after.imports_logged == before.imports_logged + 1
                outcomes["new" if status != 0 else "new, finished before the kill"] += 1
            # leftovers never pile up: each write first removes those of killed writes
            assert leftovers(db)["copies"] <= 1 and leftovers(db)["wal"] <= 1

        # the next import succeeds and removes everything the killed ones left
        target = second if content_of[state_of(db).content_hash] is first else first
        _pid, _started = zygote.start(target)
        assert zygote.exit_status() == 0
    finally:
        zygote.close()
    assert state_of(db).content_hash == states[target].content_hash
    assert leftovers(db) == {"copies": 0, "wal": 0, "staging": 0}
    report = (
        f"normal import {normal:.2f} s, rename at {rename / normal:.0%} of it; "
        f"{len(delays)} kills at fractions {sorted(kill_points)}; outcomes {dict(outcomes)}"
    )
    print(report)
    # the kills spread over the import: some before the rename, some after
    assert outcomes["old"] + outcomes["old, stray copy"] > 0, report
