"""`python -m metrics kpis` (CONTRACT § 4): exact JSON, German and English table, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from metrics import store
from metrics.settings import DEFAULT_SETTINGS_PATH, SETTINGS_ENV_VAR
from tests.conftest import copy_store
from tests.kpi_stores import build_reference_store

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_reference_store(tmp_path_factory.mktemp("cli"))


@pytest.fixture(scope="module")
def k3_settings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped settings with k = 3, so that the small reference groups stay visible."""
    text = DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8")
    text = text.replace("k_ordinary = 5", "k_ordinary = 3").replace(
        "k_sensitive = 10", "k_sensitive = 3"
    )
    path = tmp_path_factory.mktemp("settings") / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str, settings: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != SETTINGS_ENV_VAR}
    if settings is not None:
        env[SETTINGS_ENV_VAR] = str(settings)
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def run_kpis(*args: str, settings: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("kpis", *args, settings=settings)


def test_json_is_one_object_with_the_contract_entries(reference_db, k3_settings):
    result = run_kpis("--year", "2024", "--json", "--db", str(reference_db), settings=k3_settings)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    # staff women a6 + b4 + d3 + g5 = 18 of 31 women and men: 58.064… rounded to 2 decimals
    assert values["women_share"] == {
        "value": 58.06,
        "numerator": 18,
        "denominator": 31,
        "target": None,
        "suppressed": False,
        "unit": "%",
    }
    assert values["women_leadership_share_by_level.Teamleitung"] == {
        "value": 50.0,
        "numerator": 3,
        "denominator": 6,
        "target": 50.0,
        "suppressed": False,
        "unit": "%",
    }
    assert values["headcount.BA"] == {
        "value": 22,
        "numerator": 22,
        "denominator": None,
        "target": None,
        "suppressed": False,
        "unit": "count",
    }
    # 11 filled of 31 places in the single snapshot
    assert values["sb_quota"] == {
        "value": 35.48,
        "numerator": 11,
        "denominator": 31,
        "target": 9.0,
        "suppressed": False,
        "unit": "%",
        "months_covered": 1,
        "approximation": True,
        "mandatory_place_months": 1,
        "unfilled_place_months": 0,
        "levy_eur": 0,
    }
    assert values["leadership_representation_index"]["value"] == 0.52  # (3/10) / (18/31)
    migration = values["migration_background_share"]
    assert (migration["value"], migration["wave"], migration["response_rate"]) == (
        38.46,
        2024,
        42.5,
    )
    assert migration["ci_low"] < 38.46 < migration["ci_high"]
    assert values["women_leadership_share_by_level.Geschäftsführung"]["value"] is None
    assert "sb_quota.Kommune" in values and "survey_response_rate" in values


def test_json_of_a_carrier_view_with_default_k(reference_db):
    result = run_kpis("--year", "2024", "--carrier", "BA", "--json", "--db", str(reference_db))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    # 7 disabled persons in BA: below k = 10, every number withheld
    assert values["sb_headcount_share"] == {
        "value": None,
        "numerator": None,
        "denominator": None,
        "target": None,
        "suppressed": True,
        "unit": "%",
        "label": "•",  # a withheld percentage never reads "< k"
        "reason": "small_count",
    }
    assert values["headcount"]["value"] == 22
    assert "migration_background_share" not in values
    assert "headcount.BA" not in values
    assert values["sb_quota"]["target"] == 5.0  # the carrier's legal quota


def test_german_table(reference_db, k3_settings):
    result = run_kpis("--year", "2024", "--db", str(reference_db), settings=k3_settings)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Kennzahlen 2024 – alle Träger (Stichtag 31.12.2024)"
    women = next(line for line in lines if line.startswith("Frauenanteil  "))
    assert women.split()[-2:] == ["58,1", "%"]
    quota = next(line for line in lines if line.startswith("Beschäftigungsquote"))
    assert quota.split()[-4:] == ["35,5", "%", "9", "%"]  # value and target
    assert any("Befragung 2024" in line for line in lines)
    assert any(line.strip() == "Männer unterrepräsentiert in: E 9b" for line in lines)


def test_german_table_shows_withheld_values_with_their_sign(reference_db):
    result = run_kpis("--year", "2024", "--carrier", "BA", "--db", str(reference_db))
    assert result.returncode == 0, result.stderr
    line = next(
        line
        for line in result.stdout.splitlines()
        if line.startswith("Anteil schwerbehinderter und")
    )
    assert line.split()[-1] == "•"
    assert "Träger BA" in result.stdout.splitlines()[0]
    # the signs are explained below the table
    assert any("„•“: aus Datenschutzgründen" in line for line in result.stdout.splitlines())


def test_english_table(reference_db, k3_settings):
    result = run_kpis(
        "--year", "2024", "--lang", "en", "--db", str(reference_db), settings=k3_settings
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("KPIs 2024 – all carriers (reporting date 2024-12-31)")
    women = next(line for line in result.stdout.splitlines() if line.startswith("Share of women  "))
    assert women.split()[-2:] == ["58.1", "%"]


def test_year_not_in_the_store_exits_2(reference_db):
    result = run_kpis("--year", "2019", "--json", "--db", str(reference_db))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "2019 ist nicht im Datenbestand (vorhanden: 2024)" in result.stderr


def test_missing_store_exits_2(tmp_path):
    result = run_kpis("--year", "2024", "--db", str(tmp_path / "none.duckdb"), "--lang", "en")
    assert result.returncode == 2
    assert "no store here yet" in result.stderr


def test_plan_plans_each_year_once_and_keeps_it_beside_the_store(
    reference_db: Path, tmp_path: Path
) -> None:
    db = copy_store(reference_db, tmp_path)

    def plan() -> str:
        result = run_cli("plan", "--db", str(db))
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "Veröffentlichung geplant für: 2024 (" in plan()
    assert store.plan_path(db).stat().st_mode & 0o077 == 0
    assert "Veröffentlichung geplant für: – (" in plan()  # nothing left to plan
