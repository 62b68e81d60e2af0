"""Small stores for the KPI tests, built from raw German exports through the real importer."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence
from pathlib import Path

from metrics import store
from metrics.access import LOCAL_USER
from metrics.ingest import import_files
from metrics.settings import Settings, load_settings
from tests.exports import (
    APPLICATION_HEADER,
    PERSONNEL_HEADER,
    SURVEY_HEADER,
    application,
    person,
    survey_answer,
    write_csv,
)

INVITED_HEADER = ("Befragungsjahr", "Eingeladene")


def persons(prefix: str, n: int, date: str = "31.12.2024", **fields: str) -> list[list[str]]:
    """n persons with ids prefix0 … prefix{n-1}, all with the same fields."""
    return [person(f"{prefix}{i}", date, **fields) for i in range(n)]


def applicants(prefix: str, n: int, **fields: str) -> list[list[str]]:
    return [application(f"{prefix}{i}", **fields) for i in range(n)]


def build_store(
    directory: Path,
    *,
    personnel: Sequence[Sequence[str]] = (),
    applications: Sequence[Sequence[str]] = (),
    survey: Sequence[Sequence[str]] = (),
    invited: Sequence[tuple[int, int]] = (),
    key: str | None = None,
) -> Path:
    """A store of these rows under pseudonym `key` (default: a random one of its own)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    if personnel:
        files.append(write_csv(directory / "personal.csv", PERSONNEL_HEADER, personnel))
    if applications:
        files.append(write_csv(directory / "bewerbungen.csv", APPLICATION_HEADER, applications))
    if survey:
        files.append(write_csv(directory / "befragung.csv", SURVEY_HEADER, survey))
    if invited:
        rows = [[str(wave), str(count)] for wave, count in invited]
        files.append(write_csv(directory / "eingeladene.csv", INVITED_HEADER, rows))
    db = directory / "store" / "vielfalt.duckdb"
    # a key of its own beside each store, as every store had before keys moved out of the data
    # directory: the property test's random stores keep the mix of d / x assignments it was
    # tuned on (one key for all its examples met a release the planner took >15 min over)
    db.parent.mkdir(parents=True, exist_ok=True)
    store.legacy_secret_path(db).write_text(key or secrets.token_hex(32))
    import_files(files, db, by=LOCAL_USER)
    return db


def settings_with(k_ordinary: int = 5, k_sensitive: int = 10) -> Settings:
    return dataclasses.replace(load_settings(), k_ordinary=k_ordinary, k_sensitive=k_sensitive)


# --- the reference store: every KPI hand-computed from these groups -------------------------
# Reporting date 31.12.2024 (the only snapshot of 2024). Defaults of tests.exports.person:
# Tarif, E 9b, 39/39 h (full time), no leadership, no deputy, nein, no leave, mobile keine,
# Bereich 1, born 1980.
REFERENCE_PERSONNEL = (
    # a: 6 BA women, full time, mobile work
    persons("a", 6, carrier="BA", gender="w", mobile_work="mobil", birth_year="1990")
    # b: 4 BA women, part time 19.5 h, severely disabled
    + persons(
        "b",
        4,
        carrier="BA",
        gender="w",
        weekly_hours="19,5",
        disability="schwerbehindert",
        birth_year="1970",
    )
    # c: 3 BA men, team leads, E 11, mobile work
    + persons(
        "c",
        3,
        carrier="BA",
        gender="m",
        pay_group="E 11",
        leadership="Teamleitung",
        mobile_work="mobil",
        org_unit="Bereich 2",
    )
    # d: 3 BA women civil servants, team leads, A 11, 41/41 h, telework
    + persons(
        "d",
        3,
        carrier="BA",
        gender="w",
        employment_type="Beamte",
        pay_group="A 11",
        weekly_hours="41",
        full_time_hours="41",
        leadership="Teamleitung",
        mobile_work="Telearbeit",
        org_unit="Bereich 2",
        birth_year="1965",
    )
    # e: 3 BA men on parental leave (not replaced), equal status
    + persons(
        "e",
        3,
        carrier="BA",
        gender="m",
        leave="Elternzeit",
        disability="gleichgestellt",
        birth_year="1995",
    )
    # f: 3 BA women trainees
    + persons(
        "f",
        3,
        carrier="BA",
        gender="w",
        employment_type="Ausbildung",
        pay_group="E 5",
        birth_year="2004",
    )
    # g: 5 Kommune women, part time 20 h, deputies, mobile work
    + persons(
        "g",
        5,
        carrier="Kommune",
        gender="w",
        weekly_hours="20",
        deputy="ja",
        mobile_work="mobil",
        org_unit="Bereich 3",
    )
    # h: 4 Kommune men civil servants, heads of division, A 11, severely disabled
    + persons(
        "h",
        4,
        carrier="Kommune",
        gender="m",
        employment_type="Beamte",
        pay_group="A 11",
        weekly_hours="41",
        full_time_hours="41",
        leadership="Bereichsleitung",
        disability="schwerbehindert",
        org_unit="Bereich 3",
        birth_year="1960",
    )
    # i: 3 Kommune men, part time 30 h, deputies, mobile work
    + persons(
        "i",
        3,
        carrier="Kommune",
        gender="m",
        weekly_hours="30",
        deputy="ja",
        mobile_work="mobil",
        org_unit="Bereich 3",
    )
)
REFERENCE_APPLICATIONS = (
    # P: 3 women, BA, disclosed, invited
    applicants(
        "P",
        3,
        gender="w",
        carrier="BA",
        disability="schwerbehindert",
        stage="eingeladen",
        date="10.02.2024",
    )
    # Q: 3 men, Kommune, disclosed, not invited
    + applicants(
        "Q",
        3,
        gender="m",
        carrier="Kommune",
        disability="schwerbehindert",
        date="10.02.2024",
        posting="2024-002",
    )
    # R: 6 women, BA, hired
    + applicants("R", 6, gender="w", carrier="BA", stage="eingestellt", date="10.03.2024")
    # S: 4 men, BA, applied only
    + applicants("S", 4, gender="m", carrier="BA", date="10.03.2024")
    # T: 6 men, posting without carrier, invited
    + applicants(
        "T", 6, gender="m", carrier="", stage="eingeladen", date="10.04.2024", posting="2024-003"
    )
    # U: 3 applicants in both carriers: BA in March (m, not disclosed, applied), Kommune in
    # June (w, equal status, invited); their latest application is the Kommune one
    + applicants("U", 3, gender="m", carrier="BA", date="01.03.2024")
    + applicants(
        "U",
        3,
        gender="w",
        carrier="Kommune",
        disability="gleichgestellt",
        stage="eingeladen",
        date="01.06.2024",
        posting="2024-002",
    )
)
REFERENCE_SURVEY = (
    # german_at_birth, immigrated, parents_not_german, parents_immigrated, leadership, gender
    [survey_answer("2024", "nein", "ja", "2", "2", "nein", "w")] * 3  # MB yes, IH yes
    + [survey_answer("2024", "ja", "nein", "1", "1", "ja", "m")] * 2  # MB yes, IH no
    + [survey_answer("2024", "ja", "nein", "0", "0", "nein", "w")] * 8  # MB no, IH no
    # MB and IH undetermined
    + [survey_answer("2024", "keine Angabe", "keine Angabe", "0", "0", "keine Angabe", "x")] * 3
    # MB undetermined (parents unknown), IH yes (both parents immigrated)
    + [survey_answer("2024", "ja", "keine Angabe", "keine Angabe", "2", "nein", "m")] * 1
)
REFERENCE_INVITED = ((2024, 40),)


def build_reference_store(directory: Path) -> Path:
    return build_store(
        directory,
        personnel=REFERENCE_PERSONNEL,
        applications=REFERENCE_APPLICATIONS,
        survey=REFERENCE_SURVEY,
        invited=REFERENCE_INVITED,
    )


def check_applicants_of_both_carriers(by_view, rules, where: object) -> int:
    """An applicant may be in both carrier views, so BA + Kommune − all is the group of those
    in both: for every applicant figure published in all three views, that group must pass
    like a figure of its own (CONTRACT § 3). Returns how many figures were checked."""
    from metrics.kpis import api as kpis

    checked = 0
    for full_id, everyone in by_view[None].items():
        kpi, _ = kpis.split_id(full_id)
        if kpi.measure is None or kpi.measure.universe != "applicants":
            continue
        trio = [everyone, by_view["BA"].get(full_id), by_view["Kommune"].get(full_id)]
        if any(v is None or v.suppressed or v.denominator is None for v in trio):
            continue
        a, b, c = trio
        both = b.denominator + c.denominator - a.denominator
        inside = b.numerator + c.numerator - a.numerator
        k = rules.k(kpi.sensitive)
        for part in (inside, both - inside):
            assert not 0 < abs(part) < k, (where, full_id, "in both carriers", part)
            assert not (kpi.sensitive and part == 0 and both), (where, full_id, "in both")
        checked += 1
    return checked
