"""Planned releases kept beside the store, so each store state and year is planned only once.

Planning a year costs seconds (the attacker runs round after round); the plan it yields is short:
the cells hidden, in order. `<store>.plans.json` keeps those lists for the store's current state.
A plan is valid for one store revision (every write gives the store a new one, see
`store.store_revision`), one set of settings and one version of the code that plans (a hash of
its source files): a change of any of them plans afresh. The file holds no person data, only
names of published cells; it is written owner-only (0600) and atomically.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import metrics
from metrics.store import open_current, plan_path, store_revision

log = logging.getLogger("vielfaltsmonitor")
_write_lock = threading.Lock()

# the code whose behaviour decides a plan: a change of any of these files plans afresh
_PLANNING_SOURCES = ("kpis/*.py", "contract.py", "disclosure/*.py")


def _code_version() -> str:
    digest = hashlib.sha256()
    package = Path(metrics.__file__).parent
    for pattern in _PLANNING_SOURCES:
        for path in sorted(package.glob(pattern)):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


@dataclass(frozen=True)
class PlanKey:
    """What a plan is valid for."""

    store_revision: str
    settings: str  # a digest of the settings

    def as_json(self) -> dict[str, str]:
        return {"code": CODE_VERSION, "store": self.store_revision, "settings": self.settings}


@dataclass(frozen=True)
class StoredPlan:
    hidden: list[list[object]]  # the cells hidden, in the order the planner hid them
    rounds: int


def settings_digest(settings: object) -> str:
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def load(path: Path, key: PlanKey, year: int) -> StoredPlan | None:
    """The stored plan of the year, if the file holds one for exactly this key."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        if content.get("key") != key.as_json():
            return None
        entry = content["years"].get(str(year))
        if entry is None:
            return None
        return StoredPlan([list(owner) for owner in entry["hidden"]], int(entry["rounds"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("%s: unreadable plan file, planning afresh", path.name)
        return None


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """One writer at a time across processes (the planning workers add their years)."""
    try:
        handle = os.open(path.with_suffix(".lock"), os.O_CREAT | os.O_RDWR, 0o600)
    except OSError:
        yield  # a read-only medium: save() finds out and keeps nothing
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def save(
    path: Path, key: PlanKey, year: int, hidden: Sequence[Sequence[object]], rounds: int
) -> None:
    """Adds the year's plan; plans of another key are dropped. A store on a read-only medium
    simply keeps no plans (each process then plans for itself)."""
    with _write_lock, _file_lock(path):
        years: dict[str, object] = {}
        with contextlib.suppress(OSError, ValueError, AttributeError):
            content = json.loads(path.read_text(encoding="utf-8"))
            if content.get("key") == key.as_json():
                years = dict(content["years"])
        years[str(year)] = {"hidden": [list(owner) for owner in hidden], "rounds": rounds}
        text = json.dumps({"key": key.as_json(), "years": years}, ensure_ascii=False)
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as error:
            log.warning("%s: plans not kept (%s)", path.name, error.strerror)
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
                handle.write(text)
            os.replace(tmp_name, path)
        except OSError as error:
            log.warning("%s: plans not kept (%s)", path.name, error.strerror)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)


def is_planned(db_path: Path, year: int, settings: object) -> bool:
    """Whether the year's plan of the store's current state is made (kept beside the store)."""
    if not db_path.exists():
        return False
    with open_current(db_path) as con:
        revision = store_revision(con)
    if revision is None:
        return False
    return load(plan_path(db_path), PlanKey(revision, settings_digest(settings)), year) is not None
