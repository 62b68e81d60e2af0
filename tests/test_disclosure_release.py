"""The attacker over a real year's release of the demo store (CONTRACT § 3)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from metrics import store, views
from metrics.i18n import t
from metrics.kpis import api as kpis
from metrics.report import content as report_content
from metrics.report.workbook import render_workbook
from metrics.settings import load_settings
from tests.conftest import copy_store
from tests.kpi_stores import check_applicants_of_both_carriers

YEAR = 2025


@pytest.fixture(scope="module")
def demo_db(planned_demo_store: Path) -> Path:
    return planned_demo_store


def test_d_and_x_are_assigned_so_the_issue_leak_is_gone(demo_db: Path) -> None:
    """The demo store has 4 persons of gender d / x (1 of them in the Kommune): they are counted
    as w / m, headcount.d / .x say "assigned", and w + m is the whole headcount again — so the
    men's figures are published (they were withheld against differencing before)."""
    with store.open_store(demo_db) as con:
        values = kpis.compute_kpis(con, YEAR)
        kommune = kpis.compute_kpis(con, YEAR, "Kommune")
    assert values["headcount.d"].reason == "assigned" and values["headcount.x"].suppressed
    assert values["headcount.w"].value + values["headcount.m"].value == values["headcount"].value
    assert not values["part_time_share_men"].suppressed
    assert kommune["headcount.d"].reason == "assigned"


def test_leaders_per_level_are_published_as_public_facts(demo_db: Path) -> None:
    with store.open_store(demo_db) as con:
        values = kpis.compute_kpis(con, YEAR)
    for level in ("Teamleitung", "Bereichsleitung", "Geschäftsführung"):
        share = values[f"women_leadership_share_by_level.{level}"]
        assert not share.suppressed and share.denominator


def test_the_womens_share_of_the_org_units_is_kept_rounded_where_its_counts_would_tell(
    demo_db: Path,
) -> None:
    """An org unit's headcount (122) and the staff its women's share counts (119: w + m, no
    trainees) differ by its 3 trainees. The rules withheld the women's share of 9 of the 10 org
    units for that; now the planner decides, and publishes it at least rounded (counts withheld)
    for every unit, with the headcount per unit exact."""
    with store.open_store(demo_db) as con:
        year = kpis.published_year(con, YEAR)
        shares = year.breakdown("women_share", "org_unit")
        headcounts = year.breakdown("headcount", "org_unit")
    assert len(shares) == 10
    assert [row.category for row in shares if row.value.suppressed] == []
    assert [row.category for row in headcounts if row.value.suppressed] == []
    assert any(row.value.counts_withheld for row in shares)


@pytest.mark.parametrize("year", [2016, 2020, 2022])
def test_the_gender_variants_stay_where_the_men_on_leave_are_few(demo_db: Path, year: int) -> None:
    """Active men (the part-time share's population, 309 in 2020) and all male staff (the
    women's share's remainder, 312) differ by the 3 men on leave. The rules once withheld the
    men's and so the women's part-time and mobile-work shares for it, in the all-carrier view;
    now the planner decides, and they are published, at least rounded."""
    with store.open_store(demo_db) as con:
        values = kpis.compute_kpis(con, year)
    for kpi_id in (
        "part_time_share_women",
        "part_time_share_men",
        "mobile_work_share.w",
        "mobile_work_share.m",
    ):
        assert not values[kpi_id].suppressed, kpi_id


def test_audit_cli_reports_as_json(demo_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "audit", "--year", str(YEAR), "--json",
         "--db", str(demo_db)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["year"] == YEAR and report["figures"] > 500
    assert (result.returncode == 1) == bool(report["pinned"])
    for entry in report["pinned"]:
        assert entry["from"] and entry["reason"] in ("small", "zero", "all")
    # the issue's leak (Kommune staff of gender d = 1) cannot occur: d / x are assigned
    assert not any("gender∈{d}" in entry["group"] for entry in report["pinned"])


def test_the_assignment_of_d_and_x_is_footnoted_on_pages_and_in_reports(demo_db: Path) -> None:
    for lang in ("de", "en"):
        note = t("app.gender_assigned_note", lang)
        with store.open_store(demo_db) as con:
            history = views.KpiHistory.of_store(con, load_settings())
            page = views.build_women_leadership(history, views.Filters(YEAR), lang)
            content = report_content.gather(con, YEAR, None, lang, None)
            workbook = render_workbook(content, history.published(YEAR), history)
        assert note in page.subtitle
        assert content.gender_assigned and note in content.sign_notes()
        book = openpyxl.load_workbook(io.BytesIO(workbook))
        texts = [c.value for ws in book for row in ws.iter_rows() for c in row]
        assert any(isinstance(v, str) and note in v for v in texts), lang


def test_applicants_in_both_carriers_cannot_be_isolated(demo_db: Path) -> None:
    """An applicant may apply to both carriers, so BA + Kommune − all is the group of those in
    both: once 1 disclosing applicant. Every year of the demo store, for every applicant figure
    published in all three views, that group passes like a figure of its own."""
    settings = load_settings()
    checked = 0
    with store.open_store(demo_db) as con:
        years = kpis.available_years(con)
        for year in years:
            by_view = kpis.compute_kpis_by_view(con, year, settings)
            checked += check_applicants_of_both_carriers(by_view, settings.rules, year)
    assert len(years) == 10 and checked >= 5


@pytest.mark.parametrize("year", [2016, YEAR])
def test_the_published_release_leaves_the_attacker_nothing(demo_db: Path, year: int) -> None:
    """What every output reads is the planned release: whatever the rules published that the
    attacker could combine into a small group is hidden or rounded, so an independent full
    audit of it pins nothing (the planner stops only when its own audit pins nothing; every
    year of the demo store was planned by the session fixture) — and the headline figures
    stay. The oldest and the newest year are audited here: a full audit costs ~6 s."""
    with store.open_store(demo_db) as con:
        ruled = kpis.audit_state(con, kpis.rules_release(con, year))
        published = kpis.build_release(con, year)
        assert published.plan is not None and published.plan.hidden
        audit = kpis.audit_release(con, year)
        values = kpis.compute_kpis(con, year)
    assert ruled.pins  # the rules alone leave the attacker something (see docs/disclosure.md)
    assert audit.pins == [] and audit.figures > 500
    for kpi_id in ("headcount", "women_share", "women_leadership_share", "part_time_share"):
        assert not values[kpi_id].suppressed, kpi_id


def test_every_year_is_planned_and_the_plan_is_kept_beside_the_store(
    demo_db: Path, tmp_path: Path
) -> None:
    """Each year's plan is stored once (`<store>.plans.json`, owner-only) and read back by a
    process that has none cached: the same figures, without planning again."""
    plan_file = store.plan_path(demo_db)
    assert plan_file.stat().st_mode & 0o077 == 0
    copy = copy_store(demo_db, tmp_path / "copy")
    with store.open_store(demo_db) as con:
        years = kpis.available_years(con)
        original = {y: kpis.kpi_json(kpis.compute_kpis(con, y)) for y in years}
    with store.open_store(copy) as con:
        for year in years:
            state = kpis.build_release(con, year)
            assert state.plan is not None and state.plan.last_audit.figures == 0  # read back
            assert kpis.kpi_json(kpis.compute_kpis(con, year)) == original[year], year
