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
from metrics.ingest import import_files
from metrics.views import KpiCard
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv


def test_connection_reads_the_current_file_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "vielfalt.duckdb"
    import_files(
        [write_csv(tmp_path / "a.csv", PERSONNEL_HEADER, personnel_population(5, "30.11.2024"))], db
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
