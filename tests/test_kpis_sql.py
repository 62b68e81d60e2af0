"""The count queries the KPI engine generates, kept as snapshots (tests/snapshots/*.sql): a
change of the registry, an atom or the compiler shows up as a readable diff of SQL, and the
snapshot is run on a real store so that it cannot drift from DuckDB.

After an intended change: `UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_kpis_sql.py`,
then read the diff of tests/snapshots/ before committing it."""

from __future__ import annotations

import difflib
import os
from datetime import date
from pathlib import Path

import pytest

from metrics.kpis import counting, registry, year
from metrics.kpis.api import reporting_date
from metrics.store import open_store

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _queries() -> dict[str, str]:
    personnel = registry._personnel_measures()
    applicants = registry._applicant_measures()
    return {
        "personnel_headline": counting.personnel_counts_sql(
            personnel, year.headline_dimensions(), include_views=True
        ),
        "personnel_headline_gender_assigned": counting.personnel_counts_sql(
            personnel,
            year.headline_dimensions(),
            include_views=True,
            gender_sql=year._ASSIGNED_GENDER_SQL,
        ),
        "personnel_breakdown_org_unit": counting.personnel_counts_sql(
            personnel, ["org_unit"], include_views=False
        ),
        "applicants": counting.applicant_counts_sql(applicants, by_gender=False),
        "applicants_by_gender": counting.applicant_counts_sql(applicants, by_gender=True),
    }


def _normalised(sql: str) -> str:
    return "\n".join(line.rstrip() for line in sql.strip().splitlines()) + "\n"


@pytest.mark.parametrize("name", sorted(_queries()))
def test_generated_count_query_matches_its_snapshot(name: str) -> None:
    generated = _normalised(_queries()[name])
    snapshot = SNAPSHOTS / f"{name}.sql"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(generated, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with UPDATE_SNAPSHOTS=1"
    kept = snapshot.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            kept.splitlines(keepends=True), generated.splitlines(keepends=True), "kept", "now"
        )
    )
    assert not diff, f"the generated SQL changed (UPDATE_SNAPSHOTS=1 if intended):\n{diff}"


def test_the_snapshots_run_on_a_real_store(planned_demo_store: Path) -> None:
    with open_store(planned_demo_store) as con:
        snapshot_date = reporting_date(con, 2025)
        assert snapshot_date is not None
        for name in sorted(_queries()):
            sql = (SNAPSHOTS / f"{name}.sql").read_text(encoding="utf-8")
            if name.startswith("personnel"):
                parameters: dict[str, object] = {"date": snapshot_date, "year": 2025}
            else:
                parameters = {"start": date(2025, 1, 1), "end": date(2026, 1, 1)}
            rows = con.execute(sql, parameters).fetchall()
            assert rows, name  # the demo store has staff and applicants in 2025
