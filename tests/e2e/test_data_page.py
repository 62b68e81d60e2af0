"""The Data page in a real browser: a deep link on a fresh server, uploading a bad and a good
export, and another open tab seeing the imported data without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS, AppServer
from tests.e2e.test_browser import assert_no_error, choose, wait_idle, wait_rerun
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv
from tests.small_groups import build_small_group_store

# a real browser against a real server: minutes (see pyproject's markers)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_server(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[AppServer]:
    # its own store and a fresh server: this module imports into it
    db = build_small_group_store(tmp_path_factory.mktemp("data-page"))
    server = AppServer(db, artifacts / "streamlit-data-page.log")
    yield server
    server.stop()


def upload(page, path: Path) -> None:
    page.locator("input[type='file']").set_input_files(str(path))
    wait_rerun(page)


def test_deep_link_on_a_fresh_server_gets_the_apps_navigation(page, data_server: AppServer) -> None:
    # the very first request of this server goes straight to /data
    page.goto(f"{data_server.url}/data")
    wait_idle(page)
    # the page switches twice (legacy router -> app.py -> /data): what it shows is checked with
    # retrying assertions, and what must not be there only once the page is complete
    nav = page.locator("[data-testid='stSidebarNav']")
    expect(nav.get_by_text("Überblick", exact=True)).to_have_count(1)
    expect(page.locator("h1").first).to_have_text("Daten")
    expect(page.get_by_role("combobox", name="Jahr")).to_have_count(1)
    assert nav.get_by_text("app", exact=True).count() == 0
    assert_no_error(page)


def test_bad_file_is_explained_and_nothing_is_imported(
    page, data_server: AppServer, tmp_path: Path, artifacts: Path
) -> None:
    rows = personnel_population(8, "31.10.2026")
    rows[1][4] = "q"  # Geschlecht, file row 3
    bad = write_csv(tmp_path / "personal_oktober.csv", PERSONNEL_HEADER, rows)
    page.goto(f"{data_server.url}/data")
    wait_idle(page)
    upload(page, bad)
    error = page.locator("[data-testid='stAlertContentError']").first
    text = error.inner_text()
    assert "personal_oktober.csv" in text
    assert "Zeile 3, Spalte „Geschlecht“, Wert „q“" in text
    expect(page.get_by_text("Es wurde nichts importiert")).to_have_count(1)
    assert page.get_by_role("button", name="Jetzt importieren").count() == 0
    page.screenshot(path=artifacts / "data-page-refused.png", full_page=True)


def test_good_file_is_previewed_confirmed_and_seen_by_other_tabs(
    browser, data_server: AppServer, tmp_path: Path, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    other_tab, page = context.new_page(), context.new_page()
    other_tab.goto(data_server.url)
    wait_idle(other_tab)
    expect(other_tab.get_by_text("Kennzahlen 2025 im Überblick")).to_have_count(1)

    good = write_csv(
        tmp_path / "personal_oktober.csv", PERSONNEL_HEADER, personnel_population(30, "31.10.2026")
    )
    page.goto(f"{data_server.url}/data")
    wait_idle(page)
    upload(page, good)
    preview = page.locator("[data-testid='stAlertContentSuccess']").first.inner_text()
    assert "30 Zeilen Personalbestand" in preview
    assert "31.10.2026" in preview
    page.screenshot(path=artifacts / "data-page-preview.png", full_page=True)
    page.get_by_role("button", name="Jetzt importieren").click()
    # the import reruns the page (st.rerun) and the new store state is planned before the
    # confirmation shows: wait for it as a user would, then for the page to settle
    page.get_by_text("30 Zeilen Personalbestand importiert").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert_no_error(page)
    expect(page.get_by_text("30 Zeilen Personalbestand importiert")).to_have_count(1)
    expect(page.get_by_text("31.10.2026").first).to_be_attached()

    # the other tab: no restart, the next rerun shows the new year
    choose(other_tab, "Träger", "BA")
    choose(other_tab, "Jahr", "2026")
    expect(other_tab.get_by_text("Kennzahlen 2026 im Überblick")).to_have_count(1)
    assert_no_error(other_tab)
    context.close()
