"""settings.toml: every key checked, clear errors naming the key, env override."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from metrics.disclosure import DisclosureRules
from metrics.disclosure.plans import settings_digest
from metrics.kpis import api as kpis
from metrics.sb_quota import DEFAULT_LEVY_RATES, LevyRates
from metrics.settings import (
    DEFAULT_SETTINGS_PATH,
    SETTINGS_ENV_VAR,
    Settings,
    SettingsError,
    load_settings,
    parse_settings,
)

SHIPPED = DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8")


def write_settings(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, 1)


def test_shipped_file_loads_with_the_contract_values():
    settings = load_settings()
    assert (settings.k_ordinary, settings.k_sensitive) == (5, 10)
    assert settings.rules == DisclosureRules(k_ordinary=5, k_sensitive=10)
    assert settings.target_table == {
        "women_leadership_share": 50,
        "women_leadership_share_by_level": 50,
        "leadership_representation_index": 1.0,
        "sb_quota": 9,
        "sb_quota.BA": 5,
        "sb_quota.Kommune": 5,
        "sb_applicant_share": 4.5,
    }
    # the shipped levy table is the one of CONTRACT § 2.1, as sb_quota's defaults
    assert settings.levy_rate_table == DEFAULT_LEVY_RATES
    assert settings.levy_rate_table[2025] == LevyRates(155, 275, 405, 815)


def test_benchmarks_carry_value_year_and_source():
    settings = load_settings()
    [germany] = settings.benchmarks_for("immigration_history_share")
    assert (germany.value, germany.year) == (25.6, 2024)
    assert "Mikrozensus 2024" in germany.source
    [federal] = settings.benchmarks_for("migration_background_share")
    assert (federal.value, federal.year) == (16.2, 2024)
    assert "Bundesverwaltung" in federal.source
    assert federal.label("en").startswith("Federal administration")


def test_settings_are_hashable_and_frozen():
    settings = load_settings()
    assert hash(settings) == hash(load_settings())
    with pytest.raises(AttributeError):
        settings.k_ordinary = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        ("k_ordinary = 5", "k_ordinary = 2", "disclosure.k_ordinary", "at least 3"),
        ("k_sensitive = 10", "k_sensitive = 0", "disclosure.k_sensitive", "at least 3"),
        ("k_ordinary = 5", "k_ordinary = 5.5", "disclosure.k_ordinary", "whole number"),
        ("k_ordinary = 5", 'k_ordinary = "5"', "disclosure.k_ordinary", "whole number"),
        ("k_sensitive = 10", "k_sensitive = 4", "disclosure.k_sensitive", "at least k_ordinary"),
        ("k_ordinary = 5\n", "", "disclosure.k_ordinary", "missing"),
        (
            "sb_applicant_share = 4.5",
            "sb_applicant_share = -1",
            "targets.sb_applicant_share",
            "negative",
        ),
        (
            "sb_applicant_share = 4.5",
            'sb_applicant_share = "viel"',
            "targets.sb_applicant_share",
            "number",
        ),
        (
            "sb_applicant_share = 4.5",
            "sb_applicant_shar = 4.5",
            "targets.sb_applicant_shar",
            "no KPI",
        ),
        ('"sb_quota.BA" = 5', '"sb_quota.Agentur" = 5', "targets.sb_quota.Agentur", "no KPI"),
        (
            "sb_applicant_share = 4.5",
            "underrepresentation = 1",
            "targets.underrepresentation",
            "cannot have a target",
        ),
        ("from_3_to_5 = 155", "from_3_to_5 = 155.5", "levy_rates.2025.from_3_to_5", "whole number"),
        (
            "[levy_rates.2021]\nfrom_3_to_5 = 140\n",
            "[levy_rates.2021]\n",
            "levy_rates.2021.from_3_to_5",
            "missing",
        ),
        ("[levy_rates.2021]", "[levy_rates.neu]", "levy_rates.neu", "must be a year"),
        ("value = 25.6", "value = 256", "benchmarks[1].value", "0–100"),
        (
            'kpi = "immigration_history_share"',
            'kpi = "migration"',
            "benchmarks[1].kpi",
            "unknown KPI",
        ),
        ("[disclosure]", "[disclosure]\nk_extra = 3", "disclosure.k_extra", "unknown key"),
    ],
)
def test_bad_values_are_refused_naming_the_key(tmp_path, old, new, key, message):
    path = write_settings(tmp_path, edited(old, new))
    with pytest.raises(SettingsError, match=re.escape(key)) as caught:
        load_settings(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_unreadable_files_are_refused(tmp_path):
    with pytest.raises(SettingsError, match="not found"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(write_settings(tmp_path, "[disclosure\n"))


def test_environment_variable_overrides_the_default_file(tmp_path, monkeypatch):
    path = write_settings(tmp_path, edited("k_ordinary = 5", "k_ordinary = 7"))
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(path))
    settings = load_settings()
    assert settings.k_ordinary == 7
    assert settings.path == path
    # an explicit path still wins
    assert load_settings(DEFAULT_SETTINGS_PATH).k_ordinary == 5


def test_every_target_key_names_a_kpi_of_the_registry():
    for key, _ in load_settings().targets:
        kpi, _variant = kpis.split_id(key)
        assert kpi.target_key is not None, key


def test_every_key_of_the_file_is_documented_by_a_comment():
    lines = SHIPPED.splitlines()
    comments = " ".join(line for line in lines if line.lstrip().startswith("#"))
    table = ""
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            table = stripped
        elif stripped and not stripped.startswith("#"):
            key = stripped.split("=")[0].strip().strip('"')
            if table == "[targets]":
                # a target is explained by the comment right above it
                assert lines[number - 1].lstrip().startswith("#"), key
            else:
                assert key in comments, key


def test_report_section_is_optional_and_does_not_change_cache_keys(tmp_path):
    without = write_settings(tmp_path, SHIPPED.split("\n[report]")[0])
    assert load_settings(without).organisation == ""
    assert load_settings(without).report_template is None
    template = tmp_path / "vorlage.pptx"
    template.write_bytes(b"")
    named = write_settings(
        tmp_path,
        edited('organisation = ""', 'organisation = " Jobcenter Musterstadt "').replace(
            'template = ""', 'template = "vorlage.pptx"'
        ),
    )
    settings = load_settings(named)
    assert settings.organisation == "Jobcenter Musterstadt"
    assert settings.report_template == template  # relative to the settings file
    # the organisation's name and design are no input of a published figure
    plain = parse_settings_without_report(named)
    assert plain.organisation == "" and plain.report_template is None
    assert settings == plain
    assert hash(settings) == hash(plain)
    assert settings_digest(settings) == settings_digest(plain)  # the stored plans stay valid


def parse_settings_without_report(path: Path) -> Settings:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.pop("report")
    return parse_settings(data, path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('template = ""', 'template = "fehlt.pptx"', "file not found"),
        ('template = ""', 'template = "vorlage.potx"', "must be a .pptx file"),
        ('organisation = ""', "organisation = 3", "must be a name"),
        ('organisation = ""', 'organisation = ""\nlogo = "x.png"', "unknown key"),
    ],
)
def test_bad_report_values_are_refused_naming_the_key(tmp_path, old, new, message):
    path = write_settings(tmp_path, edited(old, new))
    with pytest.raises(SettingsError, match=r"report\.") as caught:
        load_settings(path)
    assert message in str(caught.value)


def test_a_copy_of_the_file_elsewhere_keeps_the_stored_plans(tmp_path):
    # the plans are keyed by what decides a figure; where the file lies decides none
    copy = load_settings(write_settings(tmp_path, SHIPPED))
    shipped = load_settings()
    assert copy.path != shipped.path
    assert copy == shipped and settings_digest(copy) == settings_digest(shipped)
    # while a changed rule plans afresh
    stricter = load_settings(write_settings(tmp_path, edited("k_ordinary = 5", "k_ordinary = 6")))
    assert settings_digest(stricter) != settings_digest(shipped)
