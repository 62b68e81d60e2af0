"""The app's store connection (always the current file, locked down once set up) and the
HTML of the KPI cards."""

from __future__ import annotations

import base64
import dataclasses
import html
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import app_support, charts, store
from metrics.access import LOCAL_USER
from metrics.ingest import import_files
from metrics.views import KpiCard
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv


def test_connection_reads_the_current_file_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "vielfalt.duckdb"
    import_files(
        [write_csv(tmp_path / "a.csv", PERSONNEL_HEADER, personnel_population(5, "30.11.2024"))],
        db,
        by=LOCAL_USER,
    )
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n")
    with store.open_store(db) as old_instance:  # another session still reading the old file
        import_files(
            [
                write_csv(
                    tmp_path / "b.csv", PERSONNEL_HEADER, personnel_population(7, "31.12.2024")
                )
            ],
            db,
            by=LOCAL_USER,
        )
        assert old_instance.execute("SELECT count(*) FROM personnel").fetchall() == [(5,)]
        with app_support.connection() as con:
            assert con.execute("SELECT count(*) FROM personnel").fetchall() == [(12,)]
            for query in (
                f"SELECT * FROM read_csv('{outside}')",
                f"COPY personnel TO '{tmp_path / 'leak.csv'}'",
                f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
                "SET enable_external_access = true",
                "SET memory_limit = '100GB'",
            ):
                with pytest.raises(duckdb.Error):
                    con.execute(query).fetchall()
    assert not (tmp_path / "leak.csv").exists()


def test_card_body_shows_target_sparkline_and_notes_as_escaped_html() -> None:
    trend = charts.sparkline_svg(
        pd.DataFrame({"year": [2024, 2025], "value": [40.0, 52.0], "label": [None, None]}),
        unit="%",
        lang="de",
        target=50.0,
    )
    card = KpiCard(
        kpi_id="women_leadership_share",
        title="Frauenanteil",
        value_text="52,00 %",
        target_text="50 %",
        delta_text=None,
        status="good",
        help="",
        trend=trend,
        note='Welle <2025> & "mehr"',
    )
    body = app_support.card_body_html(card, "de")
    assert "Ziel: 50 % · erreicht" in body
    assert "Welle &lt;2025&gt; &amp; &quot;mehr&quot;" in body and "<2025>" not in body
    (source,) = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', body)
    assert base64.b64decode(source).decode() == trend.svg
    assert f'alt="{html.escape(trend.text)}"' in body
    without = app_support.card_body_html(
        dataclasses.replace(card, target_text=None, status=None, trend=None, note=None), "en"
    )
    assert without == (
        '<p style="font-size:0.875rem;line-height:1.6;color:rgba(47,45,43,0.6);margin:0">'
        "no target</p>"
    )


def test_cards_are_one_grid_with_value_change_and_definition_as_escaped_html() -> None:
    card = KpiCard(
        kpi_id="headcount",
        title="Köpfe <alle>",
        value_text="1.060",
        target_text=None,
        delta_text="−15",
        status=None,
        help='Beschäftigte am "Stichtag"',
        trend=None,
        delta_label="ggü. Vorjahr",
    )
    grid = app_support.cards_html(
        [card, dataclasses.replace(card, kpi_id="x", delta_text="+0,2 Pp.", help="")],
        "de",
        per_row=3,
    )
    assert grid.count('<div class="kpi-card">') == 2
    assert "calc((100% - 2rem) / 3)" in grid
    assert '<span class="kpi-title" title="Köpfe &lt;alle&gt;">Köpfe &lt;alle&gt;</span>' in grid
    definition = "Beschäftigte am &quot;Stichtag&quot;"
    # the definition: a tooltip on the help icon and hidden text for screen readers, once
    assert f'<span class="kpi-help" title="{definition}" aria-hidden="true"></span>' in grid
    assert f'<span class="kpi-sr">{definition}</span>' in grid
    assert grid.count("kpi-help") == 2  # the style rule and the first card only
    assert '<div class="kpi-value">1.060</div>' in grid
    assert '<span class="kpi-delta kpi-down">−15</span>' in grid
    assert '<span class="kpi-delta kpi-up">+0,2 Pp.</span>' in grid
    assert '<span class="kpi-delta-label">ggü. Vorjahr</span>' in grid
    assert app_support.card_body_html(card, "de") in grid
    flat = app_support.cards_html(
        [dataclasses.replace(card, delta_text="±0", delta_label=None)], "de", per_row=4
    )
    assert '<span class="kpi-delta kpi-flat">±0</span>' in flat
    assert 'kpi-delta-label">' not in flat and "calc((100% - 3rem) / 4)" in flat
