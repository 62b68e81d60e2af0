"""The reports' generated findings on hand-made values, and the chart export. The files
themselves: tests/test_deck.py, test_workbook.py, test_pdf.py, test_render_check.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest

from metrics.kpis.values import KpiValue
from metrics.report import (
    chart_png,
    content,
    images,
)
from metrics.report.content import finding

YEAR = 2025
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module", autouse=True)
def _stop_chart_server() -> Iterator[None]:
    yield
    images.stop_server()


# --- findings ---------------------------------------------------------------------------------


def share(value: float | None, target: float | None = None, **extra: object) -> KpiValue:
    return KpiValue(
        id="women_leadership_share",
        value=value,
        numerator=None,
        denominator=None,
        target=target,
        suppressed=False,
        reason=None,
        k=5,
        unit="%",
        extra=extra,
    )


def withheld(k: int = 5) -> KpiValue:
    return KpiValue("women_leadership_share", None, None, None, 50.0, True, "small_count", k, "%")


def test_finding_above_target_and_rising() -> None:
    text = finding("women_leadership_share", share(52.63, 50.0), share(50.63), 2025, "de", 5)
    assert text == (
        "Der Frauenanteil an Führungskräften liegt 2025 bei 52,6 % und damit über dem Ziel von "
        "50 %; gegenüber 2024 ist er um 2,0 Prozentpunkte gestiegen."
    )


def test_finding_below_target_falling_and_in_english() -> None:
    assert finding("part_time_share", share(30.0, 32.5), share(31.26), 2025, "de", 5) == (
        "Die Teilzeitquote liegt 2025 bei 30,0 % und damit unter dem Ziel von 32,5 %; "
        "gegenüber 2024 ist sie um 1,3 Prozentpunkte gesunken."
    )
    assert finding("part_time_share", share(30.0, 32.5), share(31.26), 2025, "en", 5) == (
        "In 2025, the part-time share is 30.0 %, below the target of 32.5 %; compared with "
        "2024, it fell by 1.3 percentage points."
    )


def test_finding_rounds_before_judging_the_target() -> None:
    # 50.04 % reads "50,0 %" and reaches the target; 49.96 % would round up to it, so it reads
    # with its second decimal and below the target, as its status says
    text = finding("women_leadership_share", share(50.04, 50.0), None, 2025, "de", 5)
    assert text.endswith("bei 50,0 % und erreicht damit das Ziel von 50 %.")
    text = finding("women_leadership_share", share(49.96, 50.0), None, 2025, "de", 5)
    assert text.endswith("bei 49,96 % und damit unter dem Ziel von 50 %.")


def test_finding_for_a_withheld_value_says_so_and_gives_no_number() -> None:
    text = finding("sb_quota", withheld(10), share(9.1), 2025, "de", 10)
    # a percentage never reads "< k" (CONTRACT § 3 signs)
    assert "nicht ausgewiesen" in text and "„•“" in text and "<" not in text
    assert not any(character.isdigit() for character in text.replace("2025", ""))
    previous_withheld = finding("women_share", share(69.2), withheld(), 2025, "de", 5)
    assert previous_withheld == (
        "Der Frauenanteil liegt 2025 bei 69,2 %. Der Vergleichswert für 2024 wird zum Schutz "
        "einzelner Personen nicht ausgewiesen."
    )


def test_finding_for_a_survey_compares_waves() -> None:
    text = finding(
        "migration_background_share",
        share(17.23, wave=2025),
        share(14.1, wave=2022),
        2025,
        "de",
        10,
    )
    assert text == (
        "Der Anteil der Befragten mit Migrationshintergrund liegt laut Befragung 2025 bei "
        "17,2 %; gegenüber der Befragung 2022 ist er um 3,1 Prozentpunkte gestiegen."
    )


def test_a_small_change_of_a_count_is_not_stated_as_a_number() -> None:
    def count(n: int) -> KpiValue:
        return KpiValue("headcount", n, n, None, None, False, None, 5, "count")

    assert finding("headcount", count(47), count(44), 2025, "de", 5) == (
        "Die Zahl der Beschäftigten liegt 2025 bei 47 Personen; gegenüber 2024 ist sie nahezu "
        "unverändert."
    )
    assert content.change_text(count(47), count(44), 5, "de") is None
    assert content.change_text(count(1060), count(1075), 5, "de") == "−15 Personen"


# --- chart export -----------------------------------------------------------------------------


def test_chart_png_exports_and_reuses_a_picture() -> None:
    figure = go.Figure(go.Bar(x=["BA", "Kommune"], y=[11.8, 8.3]))
    png = chart_png(figure, width=400, height=250, scale=1)
    assert png.startswith(PNG_MAGIC)
    assert chart_png(figure, width=400, height=250, scale=1) is png  # from the cache


def test_a_hung_export_fails_once_then_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hang(*args: object, **kwargs: object) -> bytes:
        release.wait()
        return b""

    monkeypatch.setattr(images, "_server_running", True)
    monkeypatch.setattr(images, "_stuck", False)
    monkeypatch.setattr(images, "EXPORT_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(images.kaleido, "calc_fig_sync", hang)
    try:
        with pytest.raises(images.ChartExportError, match="timed out"):
            chart_png(go.Figure(go.Bar(x=["hängt"], y=[1])))
        with pytest.raises(images.ChartExportError, match="unavailable"):
            chart_png(go.Figure(go.Bar(x=["danach"], y=[2])))
    finally:
        release.set()
