"""Markdown and HTML from uploads render as text in a real browser (data-protection review).

A file name, a header and a cell value of an upload are shown in the Daten page's messages, and
an org-unit name in the charts' axis labels. Each carries a link and an image that point at a
small HTTP server of this test: the page must show them as written, with no link, no image and
no request to that server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from metrics.access import LOCAL_USER
from metrics.ingest import import_files
from tests.e2e.conftest import AppServer
from tests.e2e.test_browser import choose, wait_idle, wait_rerun
from tests.exports import PERSONNEL_HEADER, person, personnel_population, write_csv
from tests.small_groups import build_small_group_store

pytestmark = pytest.mark.slow
ORG_UNIT_COLUMN, GENDER_COLUMN = 3, 4


class Sink:
    """An HTTP server on loopback that records every request: a payload that the page renders
    as markup makes the browser ask it for a link's or an image's target."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                sink.requests.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    server = Sink()
    yield server
    server.server.shutdown()
    server.server.server_close()


def org_unit_payload(sink: Sink) -> str:
    return (
        f'<a href="{sink.url}/chart-link">Klick</a> '
        f'<span style="background:url({sink.url}/chart-style.png)">Bereich</span>'
    )


@pytest.fixture(scope="module")
def injection_server(
    tmp_path_factory: pytest.TempPathFactory, artifacts: Path, sink: Sink
) -> Iterator[AppServer]:
    directory = tmp_path_factory.mktemp("injection")
    db = build_small_group_store(directory)
    # 2025 again: two org units large enough that their part-time shares are published (a
    # chart with every unit withheld is not drawn), one of them named with markup
    rows = [
        person(f"J{unit}{hours}{i:02d}", "31.12.2025", org_unit=name, weekly_hours=hours)
        for unit, name in enumerate((org_unit_payload(sink), "Bereich 2"))
        for hours in ("39", "19,5")
        for i in range(20)
    ]
    import_files(
        [write_csv(directory / "personal_2025.csv", PERSONNEL_HEADER, rows)], db, by=LOCAL_USER
    )
    server = AppServer(db, artifacts / "streamlit-injection.log")
    yield server
    server.stop()


def test_names_and_values_from_an_upload_show_as_text_in_messages(
    page, injection_server: AppServer, sink: Sink, tmp_path: Path, artifacts: Path
) -> None:
    name = "**fett** <img src=x onerror=alert(1)> [Klick](ziel) :red[rot] $x$ www.evil.example.csv"
    header = f"![bild]({sink.url}/header.png)"
    value = f"[Klick]({sink.url}/value)"
    rows = [[*row, "x"] for row in personnel_population(8, "31.10.2026")]
    rows[1][GENDER_COLUMN] = value  # file row 3
    bad = write_csv(tmp_path / name, [*PERSONNEL_HEADER, header], rows)
    page.goto(f"{injection_server.url}/data")
    wait_idle(page)
    page.locator("input[type='file']").set_input_files(str(bad))
    wait_rerun(page)
    alert = page.locator("[data-testid='stAlertContentError']").first
    expect(alert).to_contain_text("nicht importiert")
    text = alert.inner_text().replace("\u2060", "")
    assert name in text
    assert f"Zeile 3, Spalte „Geschlecht“, Wert „{value}“" in text
    # nothing of it became markup: no image, no link, no bold, no colour, no formula
    for selector in ("img", "a", "strong", "b", "span[class*='color']", ".katex"):
        assert alert.locator(selector).count() == 0, selector

    # the file corrected: its preview names the unknown column, again as text
    rows[1][GENDER_COLUMN] = "m"
    good = write_csv(tmp_path / "personal_korrigiert.csv", [*PERSONNEL_HEADER, header], rows)
    page.locator("input[type='file']").set_input_files(str(good))
    wait_rerun(page)
    preview = page.locator("[data-testid='stAlertContentSuccess']").first
    expect(preview).to_contain_text("personal_korrigiert.csv")
    assert header in preview.inner_text().replace("\u2060", "")
    assert preview.locator("img").count() == 0
    page.screenshot(path=artifacts / "injection-data-page.png", full_page=True)
    assert sink.requests == []


def test_an_org_unit_named_with_markup_is_a_plain_axis_label(
    page, injection_server: AppServer, sink: Sink, artifacts: Path
) -> None:
    page.goto(f"{injection_server.url}/part_time")
    wait_idle(page)
    choose(page, "Aufschlüsseln nach", "Organisationseinheit")
    chart = page.locator(".js-plotly-plot").filter(has_text="Klick").first
    expect(chart).to_be_visible()
    # the label reads as the org unit is named, markup and all
    expect(chart.locator("text", has_text='<a href="')).not_to_have_count(0)
    assert chart.locator("a").count() == 0
    assert chart.locator("[style*='chart-style']").count() == 0
    chart.hover()
    page.screenshot(path=artifacts / "injection-chart.png", full_page=True)
    assert sink.requests == []
