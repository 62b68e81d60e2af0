"""An XLSX cell bomb uploaded in one browser session is refused with a message while another
session loads its page, and the server process itself stays small.

The data-protection finding: a ~10 MiB XLSX of millions of small cells, checked in the server,
made openpyxl build an object per cell (2.4 GB in the server process) and held up every other
user. Now the cells are counted in the zip before parsing (`limits.XLSX_MAX_CELLS`), and a
browser upload is checked in a spawned child process (metrics/ingest/isolated.py). This shows
it from the outside, with a real server and two real browser sessions: the refusal names the
file, the other session gets its page, and the server's peak memory (VmHWM) hardly grows, which
fails as soon as the cells are built in the server process. No wall-clock time is asserted (the
time to the refusal is printed, `-s` shows it).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AppServer
from tests.e2e.test_browser import assert_no_error, wait_idle
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv
from tests.small_groups import build_small_group_store
from tests.test_xlsx_safety import cell_bomb

# a real browser against a real server: minutes (see pyproject's markers)
pytestmark = pytest.mark.slow

# 120,000 rows of 50 cells: 6 million cells (the cap is 5 million), ~9 MiB, ~92 MiB unpacked
BOMB_ROWS = 120_000
MIB = 1024 * 1024
# openpyxl building these cells in the server (the cap lifted, no child process) adds ~620 MiB
# to a process; the upload itself (the file's bytes, a copy or two) adds tens
SERVER_GROWTH_BYTES = 256 * MIB
# generous: the server alone (pandas, DuckDB, Streamlit) takes a few hundred MB; the finding
# was 2.4 GB in the server process
SERVER_PEAK_BYTES = 1536 * MIB


@pytest.fixture(scope="module")
def isolation_server(
    tmp_path_factory: pytest.TempPathFactory, artifacts: Path
) -> Iterator[AppServer]:
    # its own store and server: the peak memory read below is this test's alone
    db = build_small_group_store(tmp_path_factory.mktemp("upload-isolation"))
    server = AppServer(db, artifacts / "streamlit-upload-isolation.log")
    yield server
    server.stop()


def peak_resident_bytes(pid: int) -> int:
    """The process's peak resident memory (VmHWM in /proc/<pid>/status, in kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM for process {pid}")


def test_an_xlsx_bomb_is_refused_while_another_session_loads_its_page(
    browser, isolation_server: AppServer, tmp_path: Path, artifacts: Path
) -> None:
    bomb = cell_bomb(tmp_path / "personal_bombe.xlsx", rows=BOMB_ROWS)
    contexts = [
        browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
        for _ in range(2)
    ]
    uploader, viewer = (context.new_page() for context in contexts)
    uploader.goto(f"{isolation_server.url}/data")
    wait_idle(uploader)
    # the overview once before the upload: its first planning counts in the peak before it
    viewer.goto(isolation_server.url)
    expect(viewer.get_by_text("Kennzahlen 2025 im Überblick")).to_have_count(1)
    wait_idle(viewer)
    peak_before = peak_resident_bytes(isolation_server.process.pid)

    started = time.monotonic()
    uploader.locator("input[type='file']").set_input_files(str(bomb))
    # without waiting for the check: another session opens the overview meanwhile
    viewer.goto(isolation_server.url)
    expect(viewer.get_by_text("Kennzahlen 2025 im Überblick")).to_have_count(1)
    viewer_done = time.monotonic() - started
    error = uploader.locator("[data-testid='stAlertContentError']")
    still_checking = error.count() == 0
    expect(error).to_have_count(1)
    refused = time.monotonic() - started
    wait_idle(viewer)
    assert_no_error(viewer)

    wait_idle(uploader)
    text = error.inner_text()
    assert "personal_bombe.xlsx" in text
    assert "mehr als 5 Mio. Zellen" in text
    assert uploader.get_by_role("button", name="Jetzt importieren").count() == 0
    assert uploader.locator("[data-testid='stException']").count() == 0
    assert uploader.get_by_text("Traceback").count() == 0
    uploader.screenshot(path=artifacts / "data-page-xlsx-bomb-refused.png", full_page=True)

    peak = peak_resident_bytes(isolation_server.process.pid)
    print(
        f"\nbomb {bomb.stat().st_size / MIB:.1f} MiB; overview shown after {viewer_done:.1f} s "
        f"(upload still being checked: {still_checking}); refused after {refused:.1f} s; "
        f"server VmHWM {peak_before / MIB:.0f} MiB before the upload, {peak / MIB:.0f} MiB after"
    )
    assert peak - peak_before < SERVER_GROWTH_BYTES
    assert peak < SERVER_PEAK_BYTES
    for context in contexts:
        context.close()


def staging_folders(db: Path) -> list[Path]:
    """What an upload keeps beside the store until it is imported or discarded."""
    return [p for p in db.parent.iterdir() if p.name.startswith((".upload-", f".{db.name}.st"))]


def test_an_upload_left_in_a_closed_tab_is_removed_when_its_session_ends(
    browser, isolation_server: AppServer, tmp_path: Path
) -> None:
    """The preview's staging folder (hashed ids, DuckDB spill files) goes with the session of a
    tab closed before "Jetzt importieren"; an abandoned raw upload was kept across restarts."""
    db = isolation_server.db
    before = staging_folders(db)
    good = write_csv(
        tmp_path / "personal_liegen_gelassen.csv",
        PERSONNEL_HEADER,
        personnel_population(12, "31.10.2026"),
    )
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    tab = context.new_page()
    tab.goto(f"{isolation_server.url}/data")
    wait_idle(tab)
    tab.locator("input[type='file']").set_input_files(str(good))
    expect(tab.get_by_role("button", name="Jetzt importieren")).to_have_count(1)
    ours = set(staging_folders(db)) - set(before)
    assert ours
    context.close()
    # the server notices the session is gone and discards its preview (app_support's sweeper);
    # `before` may hold an earlier test's folder that is going away in the meantime
    deadline = time.monotonic() + 120
    while ours & set(staging_folders(db)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not ours & set(staging_folders(db))
