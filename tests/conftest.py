"""Fixtures shared by every test module.

The demo store is built and planned once per session: planning a year of it takes seconds (the
attacker runs round after round), and every page, report and CLI figure reads the planned
release. Modules that only read share it; a module that writes works on `copy_store(...)`.

The suite runs on every core (pytest-xdist, whole files per worker): the workers share one
planned demo store, built by the first that needs it while the others wait on a file lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from metrics import store, views
from metrics.demo import build_demo_store
from metrics.kpis import api as kpis
from metrics.settings import load_settings
from tests.small_groups import build_small_group_store

# The pseudonym key decides which persons of gender d / x count as w or m, and with it how much
# the planner has to do (4 … 30 s a year on the demo store): a fixed key keeps the work, and the
# planned release, the same in every run.
PLANNER_KEY = "b736f5a61d265e3a17beb7c136efe6e76d24dd9af2c9ab9913537282e263f25b"

# A store's pseudonym key lives in the user's configuration directory (metrics.store.secret_path):
# the tests keep theirs out of the home directory, every test (and what it starts) its own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="vielfalt-test-config-")
os.environ.pop(store.SECRET_ENV_VAR, None)


# the same key in every test: a store's pseudonyms, and with them which persons of gender d / x
# count as w or m, are the same in every run (hypothesis replays a failing example exactly)
TEST_KEY = "5f0c3a9e2d41b7c86e1f04a9b3d5c7e2a8f61d0b94c3e7a25d8b1f6c0e3a9d47"


@pytest.fixture(autouse=True)
def _own_pseudonym_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    key = store.default_secret_path()
    key.parent.mkdir(parents=True)
    key.write_text(TEST_KEY)
    key.chmod(0o600)


def build_keyed_demo_store(db: Path) -> Path:
    """The demo store under the fixed pseudonym key."""
    db.parent.mkdir(parents=True, exist_ok=True)
    store.legacy_secret_path(db).write_text(PLANNER_KEY)  # kept with the store it belongs to
    build_demo_store(db)
    return db


@pytest.fixture(scope="session")
def keyed_small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small-group store with a key of its own beside it (a session's store outlives each
    test's own key home); tests change copies of it (`copy_store`)."""
    directory = tmp_path_factory.mktemp("keyed-small")
    store.legacy_secret_path(directory / "small.duckdb").write_text(secrets.token_hex(32))
    return build_small_group_store(directory)


def copy_store(db: Path, directory: Path) -> Path:
    """A copy of the store with its pseudonym key and its planned releases (valid for the copy:
    they are keyed by the store's revision, which the copy carries)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / db.name
    for source, destination in (
        (db, target),
        (store.secret_path(db), store.legacy_secret_path(target)),
        (store.plan_path(db), store.plan_path(target)),
    ):
        if source.exists():
            shutil.copy2(source, destination)
    return target


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _shared_directory(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The session's temporary directory that every xdist worker sees (each has its own below)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def planned_demo_store(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The demo store with every year planned, one for all workers. Read only: copy it to
    write."""
    shared = _shared_directory(tmp_path_factory, worker_id)
    db = shared / "planned-demo" / "vielfalt.duckdb"
    done = db.parent / "planned"
    with _exclusive(shared / "planned-demo.lock"):
        if not done.exists():
            shutil.rmtree(db.parent, ignore_errors=True)  # a worker that failed half-way
            build_keyed_demo_store(db)
            kpis.plan_store(db, load_settings())  # a year per core
            done.touch()
    return db


def detached_history(db: Path) -> views.KpiHistory:
    """The store's published years, and no way back to the store: a page builder given it
    cannot send a query or build a year again."""
    settings = load_settings()
    with store.open_store(db) as con:
        years = kpis.available_years(con)
        published = {year: kpis.published_year(con, year, settings) for year in years}
    return views.KpiHistory(years, settings, published.__getitem__)
