"""The app in a real browser: `streamlit run` + Debian's Chromium driven by Playwright.

Every page opens without an exception box or a "Page not found" dialog, a filter change and the
language switch re-render the page, and a screenshot of each page is kept in test-artifacts/.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS, AppServer

# a real browser against a real server: minutes (see pyproject's markers)
pytestmark = pytest.mark.slow

# url path (Streamlit's default, from the file name) -> German and English page title
PAGES = {
    "": ("Überblick", "Overview"),
    "women_leadership": ("Frauen in Führung", "Women in leadership"),
    "inclusion": ("Inklusion", "Inclusion"),
    "part_time": ("Teilzeit & flexibles Arbeiten", "Part-time & flexible work"),
    "migration": ("Migrationshintergrund", "Migration background"),
    "reports": ("Berichte", "Reports"),
    "methodology": ("Methodik", "Methodology"),
    "data": ("Daten", "Data"),
}
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
RUN_START_MS = 5_000


def wait_idle(page) -> None:
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    # a rerun that starts right after the first one settles: wait for that one too
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)


def wait_rerun(page) -> None:
    """After a click: the page reads idle until the server has started the rerun, which on a
    loaded machine can take longer than `wait_idle`'s pause. Wait to see it run (a rerun too
    quick to be seen has finished anyway), then for it to settle."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_selector(RUNNING, timeout=RUN_START_MS)
    wait_idle(page)


def assert_no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def test_every_page_opens_and_is_kept_as_screenshot(
    page, demo_server: AppServer, artifacts: Path
) -> None:
    for path, (german, _) in PAGES.items():
        page.goto(f"{demo_server.url}/{path}")
        wait_idle(page)
        assert_no_error(page)
        expect(page.locator("h1").first).to_contain_text(german)
        expect(page.get_by_text("Demodaten").first).to_be_attached()
        page.screenshot(path=artifacts / f"page-{path or 'overview'}-de.png", full_page=True)


def test_sidebar_navigation_shows_no_page_not_found_dialog(page, demo_server: AppServer) -> None:
    page.goto(demo_server.url)
    wait_idle(page)
    for path, (german, _) in list(PAGES.items())[1:]:
        page.locator("[data-testid='stSidebarNav']").get_by_text(german, exact=True).click()
        wait_rerun(page)
        assert_no_error(page)
        expect(page.locator("h1").first).to_contain_text(german)
        assert page.url.split("?")[0].rstrip("/").endswith(path)


def choose(page, label: str, option: str) -> None:
    """Selects `option` in the sidebar selectbox labelled `label`."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_rerun(page)


def test_filter_change_rerenders_the_page(page, demo_server: AppServer, artifacts: Path) -> None:
    page.goto(demo_server.url)
    wait_idle(page)
    expect(page.get_by_text("Kennzahlen 2025 im Überblick")).to_have_count(1)
    choose(page, "Jahr", "2019")
    expect(page.get_by_text("Kennzahlen 2019 im Überblick")).to_have_count(1)
    choose(page, "Träger", "Kommune")
    expect(page.get_by_text("Kommune · Stichtag 31.12.2019")).to_have_count(1)
    assert_no_error(page)
    page.goto(f"{demo_server.url}/women_leadership")
    wait_idle(page)
    choose(page, "Aufschlüsseln nach", "Altersgruppe")
    assert_no_error(page)
    expect(page.get_by_text("nach Altersgruppe").first).to_be_attached()
    page.screenshot(path=artifacts / "filters-women_leadership.png", full_page=True)


def test_language_switch(page, demo_server: AppServer, artifacts: Path) -> None:
    page.goto(f"{demo_server.url}/inclusion")
    wait_idle(page)
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    wait_rerun(page)
    assert_no_error(page)
    expect(page.locator("h1").first).to_have_text("Inclusion")
    expect(page.get_by_text("Demo data").first).to_be_attached()
    for path, (_, english) in PAGES.items():
        page.locator("[data-testid='stSidebarNav']").get_by_text(english, exact=True).click()
        wait_rerun(page)
        assert_no_error(page)
        expect(page.locator("h1").first).to_contain_text(english)
        page.screenshot(path=artifacts / f"page-{path or 'overview'}-en.png", full_page=True)


def test_the_filters_keep_their_choice_and_read_in_the_new_language(
    page, demo_server: AppServer
) -> None:
    """Streamlit shows a chosen option by the text it was chosen with: the carrier once read
    "Alle Träger" on the English page. The choice itself must survive the switch."""

    def shows(label: str, option: str) -> None:
        box = page.get_by_role("combobox", name=label, exact=True)
        expect(box).to_match_aria_snapshot(f'- combobox "{label}": {option}')

    page.goto(f"{demo_server.url}/part_time")
    wait_idle(page)
    choose(page, "Aufschlüsseln nach", "Organisationseinheit")
    shows("Träger", "Alle Träger")
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("English", exact=True).click()
    wait_rerun(page)
    assert_no_error(page)
    shows("Carrier", "All carriers")
    shows("Break down by", "organisational unit")
    choose(page, "Carrier", "Kommune")
    sidebar.get_by_text("Deutsch", exact=True).click()
    wait_rerun(page)
    shows("Träger", "Kommune")
    shows("Aufschlüsseln nach", "Organisationseinheit")
    expect(page.get_by_text("Kommune · Stichtag 31.12.2025").first).to_be_attached()


def test_a_link_opens_the_view_it_names_and_follows_the_sidebar(
    page, demo_server: AppServer
) -> None:
    """Filters in the URL: a shared or bookmarked link opens the same year, carrier, breakdown
    and language; the URL follows every choice, through page changes and a reload."""
    page.goto(f"{demo_server.url}/part_time?year=2019&carrier=Kommune&breakdown=org_unit&lang=en")
    wait_idle(page)
    assert_no_error(page)
    expect(page.locator("h1").first).to_have_text("Part-time & flexible work")
    expect(page.get_by_text("Kommune · reporting date 2019-12-31").first).to_be_attached()
    expect(page.get_by_text("by organisational unit").first).to_be_attached()
    page.locator("[data-testid='stSidebarNav']").get_by_text("Inclusion", exact=True).click()
    wait_rerun(page)
    assert "/inclusion?" in page.url and "carrier=Kommune" in page.url and "lang=en" in page.url
    choose(page, "Carrier", "BA")
    page.wait_for_url("**carrier=BA**", timeout=TIMEOUT_MS)
    page.reload()
    wait_idle(page)
    expect(page.get_by_text("BA · reporting date 2019-12-31").first).to_be_attached()
    expect(page.locator("h1").first).to_have_text("Inclusion")


def test_a_card_on_the_overview_opens_its_topic_page_in_the_same_view(
    page, demo_server: AppServer
) -> None:
    page.goto(f"{demo_server.url}/?year=2020&carrier=BA")
    wait_idle(page)
    # a laptop's window keeps the sidebar open (only narrower ones start with it closed)
    expect(page.locator("[data-testid='stSidebar']")).to_have_attribute("data-collapsed", "false")
    cards = page.locator(".kpi-card")
    expect(cards.first).to_be_attached()
    # the headcount has no topic page; the others link to theirs
    assert page.locator("a.kpi-link").count() == cards.count() - 1
    page.locator(".kpi-card", has_text="Beschäftigungsquote").first.click(
        position={"x": 150, "y": 90}
    )
    page.wait_for_url("**/inclusion?year=2020&carrier=BA", timeout=TIMEOUT_MS)
    wait_idle(page)
    assert_no_error(page)
    expect(page.locator("h1").first).to_have_text("Inklusion")
    expect(page.get_by_text("BA · Stichtag 31.12.2020").first).to_be_attached()


@pytest.mark.parametrize("path", list(PAGES))
def test_small_group_store_renders_without_error(page, small_server: AppServer, path: str) -> None:
    page.goto(f"{small_server.url}/{path}")
    wait_idle(page)
    assert_no_error(page)


# what the DOM says is cut: a card title clamped or clipped, or an element of the main area
# whose right edge lies beyond the main area's (charts, tables and text included)
CUT_SCRIPT = """() => {
  const main = document.querySelector("[data-testid='stMainBlockContainer']");
  const right = main.getBoundingClientRect().right + 1;
  const found = [];
  for (const title of document.querySelectorAll(".kpi-title")) {
    if (title.scrollHeight > title.clientHeight + 1 || title.scrollWidth > title.clientWidth + 1)
      found.push("card title cut: " + title.textContent);
  }
  for (const el of main.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    // Plotly's transparent drag handles reach 20 px past a plot by design: not content
    if (el.closest(".draglayer")) continue;
    if (box.width > 0 && box.right > right && getComputedStyle(el).visibility !== "hidden")
      found.push("wider than the page: " + el.tagName + " " +
        (el.closest("[data-testid]")?.dataset.testid || "") + " " + Math.round(box.right) +
        " > " + Math.round(right) + " " + (el.textContent || "").slice(0, 40));
  }
  return found.slice(0, 10);
}"""


@pytest.mark.parametrize("width", [800, 1024])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_on_a_tablet_no_card_title_is_cut_and_nothing_overflows(
    browser, demo_server: AppServer, artifacts: Path, lang: str, width: int
) -> None:
    """A tablet, or half a laptop screen: the sidebar starts closed (Streamlit closes it by
    itself only up to 768 px; open, it took 300 of the 800 px) and opens with its chevron."""
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="de-DE")
    page = context.new_page()
    sidebar = page.locator("[data-testid='stSidebar']")
    try:
        for path, titles in PAGES.items():
            if path in ("reports", "data"):
                continue
            title = titles[1] if lang == "en" else titles[0]
            page.goto(f"{demo_server.url}/{path}?lang={lang}")
            wait_idle(page)
            expect(page.locator("h1").first).to_contain_text(title)
            expect(sidebar).to_have_attribute("data-collapsed", "true")
            page.wait_for_timeout(500)  # Plotly lays its charts out after the script run
            shot = artifacts / f"page-{path or 'overview'}-{lang}-{width}.png"
            page.screenshot(path=shot, full_page=True)
            assert page.evaluate(CUT_SCRIPT) == [], path
        page.locator("[data-testid='stExpandSidebarButton']").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        choose(page, "Carrier" if lang == "en" else "Träger", "BA")
        expect(sidebar).to_have_attribute("data-collapsed", "false")  # a rerun leaves it open
    finally:
        context.close()


def test_a_page_prints_on_a4_landscape_without_the_sidebar(
    page, demo_server: AppServer, artifacts: Path
) -> None:
    """Ctrl+P printed the sidebar and the buttons and cut tables and charts on the right."""
    page.set_viewport_size({"width": 1032, "height": 1400})  # A4 landscape less margins, 96 dpi
    page.emulate_media(media="print")  # laid out for print from the start, as printing does
    page.goto(f"{demo_server.url}/inclusion")
    wait_idle(page)
    page.wait_for_timeout(800)  # Plotly lays its charts out after the script run
    # the print style comes with the page's script run: on a loaded machine a moment later
    page.locator("[data-testid='stSidebar']").wait_for(state="hidden", timeout=15_000)
    assert page.locator("[data-testid='stDownloadButton']").first.is_visible() is False
    main = page.locator("[data-testid='stMainBlockContainer']").bounding_box()
    assert main is not None and main["x"] < 20 and main["width"] > 950
    assert page.evaluate(CUT_SCRIPT) == []
    # the paper has room for two charts side by side (they went one under the other)
    left, right = (
        column.bounding_box()
        for column in page.locator(
            "div[class*='st-key-side-by-side'] [data-testid='stColumn']"
        ).all()[:2]
    )
    assert left is not None and right is not None
    assert abs(left["y"] - right["y"]) < 2 and right["x"] > left["x"] + left["width"] - 1
    pdf = artifacts / "print-inclusion.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=True, prefer_css_page_size=True)
    assert pdf.read_bytes().startswith(b"%PDF")
