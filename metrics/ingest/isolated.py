"""Checking a browser upload in a child process, so that no file can take the server down.

Reading and validating run in a fresh (spawned) Python process under a CPU-time limit, its memory
watched from here: a file that outgrows either is refused with a message, and the server's other
sessions go on meanwhile (this thread only waits). The child hands back what `prepare_import`
makes, with the staged rows (ids already hashed, raw ids dropped) in a DuckDB file of the
staging directory; the commit then runs here as for any prepared import, so a killed child
changes no byte of the store.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

from metrics.access import User
from metrics.ingest import limits
from metrics.ingest.prepare import PreparedImport, _sha256, prepare_import
from metrics.ingest.problems import ImportRefused, Problem
from metrics.ingest.pseudonyms import key_check
from metrics.ingest.read import StagedFile
from metrics.ingest.write import remove_leftovers

_STAGED_FILE = "staged.duckdb"


def prepare_isolated(
    paths: Sequence[Path],
    db_path: Path,
    names: Sequence[str],
    *,
    by: User,
    memory_bytes: int | None = None,
    cpu_seconds: int | None = None,
) -> PreparedImport:
    """`prepare_import` of these files in a child process (limits: `limits.IMPORT_CHILD_*`).
    Raises ImportRefused for the batch when the child exceeds a limit or dies."""
    memory_bytes = memory_bytes or limits.IMPORT_CHILD_MEMORY_BYTES
    cpu_seconds = cpu_seconds or limits.IMPORT_CHILD_CPU_SECONDS
    prepared = PreparedImport(db_path, by=by)
    try:
        out = prepared._workdir / _STAGED_FILE
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(
            target=_child,
            args=(
                sending,
                [str(p) for p in paths],
                str(db_path),
                list(names),
                str(out),
                cpu_seconds,
                by,
            ),
            name="import-check",
            daemon=True,
        )
        with _plain_main():
            child.start()
        sending.close()
        answer = _wait(child, receiving, memory_bytes)
        if answer is None:
            # what the killed child staged (raw text among it) goes now, not at the next write
            remove_leftovers(db_path)
            problem = (
                "import.too_demanding_memory" if child.exitcode == -9 else "import.too_demanding"
            )
            params = {"memory": f"{memory_bytes / 1024**3:g}", "cpu": cpu_seconds}
            name = names[0] if len(names) == 1 else ", ".join(names)
            raise ImportRefused(name, [Problem(problem, params=params)])
        outcomes, previews, refused_sha256, checked_with = answer
        prepared.load_staged(
            out,
            list(zip([Path(p) for p in paths], outcomes, strict=True)),
            previews,
            {Path(p): sha for p, sha in refused_sha256.items()},
        )
        if checked_with != key_check(prepared._secret):
            raise RuntimeError("the import check ran under another pseudonym key")
        return prepared
    except BaseException:
        prepared.close()
        raise


_main_lock = threading.Lock()


@contextmanager
def _plain_main() -> Iterator[None]:
    """A spawned child first runs the parent's `__main__` module, and under Streamlit that is
    the page script: each check ran the whole app.py again (start-up housekeeping, a planner
    thread, a page render) before reading a byte. An empty `__main__` while the child starts
    gives it nothing to run. Script runs set `__main__` too; they get theirs back at once."""
    with _main_lock:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


def _wait(
    child: multiprocessing.process.BaseProcess, receiving: Connection, memory_bytes: int
) -> tuple[list[StagedFile | ImportRefused], list, dict[str, str], str] | None:
    """The child's answer, or None once it died or outgrew the memory (then it is killed)."""
    try:
        while True:
            if receiving.poll(0.1):
                try:
                    answer = receiving.recv()
                except EOFError:
                    break
                child.join()
                return answer
            if not child.is_alive():
                break
            if _resident_bytes(child.pid) > memory_bytes:
                child.kill()
                break
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiving.close()
    return None


def _resident_bytes(pid: int | None) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return 0


def _child(
    sending: Connection,
    paths: list[str],
    db_path: str,
    names: list[str],
    out: str,
    cpu_seconds: int,
    by: User,
) -> None:
    """Runs in the child: checks the files and sends what the server's PreparedImport needs."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    os.nice(5)  # the pages of other users first
    with prepare_import([Path(p) for p in paths], Path(db_path), by=by, names=names) as prepared:
        prepared.save_staged(Path(out))
        refused_sha256: dict[str, str] = {}
        outcomes = [outcome for _, outcome in prepared._outcomes]
        for path, outcome in prepared._outcomes:
            if not isinstance(outcome, StagedFile):
                with contextlib.suppress(OSError):
                    refused_sha256[str(path)] = prepared._refused_sha256.get(path) or _sha256(path)
        sending.send((outcomes, prepared.previews, refused_sha256, key_check(prepared._secret)))
    sending.close()
