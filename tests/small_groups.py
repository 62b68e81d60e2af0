"""A store built to have small groups everywhere: the fixture for disclosure scans.

Every page and export rendered from it must show no person count in 1 … k−1. The population is
real-looking but tiny in the places that leak in naive dashboards: a small carrier, a single top
manager, two men in part-time, three severely disabled persons, one father on parental leave,
two disclosing applicants, a handful of survey respondents with a migration background.
"""

from __future__ import annotations

from pathlib import Path

from metrics.access import LOCAL_USER
from metrics.ingest import import_files
from tests.exports import (
    APPLICATION_HEADER,
    PERSONNEL_HEADER,
    SURVEY_HEADER,
    application,
    person,
    survey_answer,
    write_csv,
)

YEARS = (2024, 2025)


def _personnel(year: int) -> list[list[str]]:
    date = f"31.12.{year}"
    rows = []
    for i in range(34):  # BA: 34 persons
        rows.append(
            person(
                f"BA{i:03d}",
                date,
                carrier="BA",
                gender="w" if i % 3 else "m",
                birth_year=str(1965 + i % 35),
                org_unit=f"Bereich {1 + i % 3}",
                leadership="Teamleitung" if i in (1, 2, 3, 4, 5, 6) else "keine",
                weekly_hours="25" if i in (7, 8, 9, 10, 11, 12, 13) else "39",
                disability="schwerbehindert" if i in (20, 21) else "nein",
                leave="Elternzeit" if i in (30, 31, 32) else "",
            )
        )
    # a single woman at the top and two heads of division
    rows.append(
        person(f"GF{year}", date, carrier="BA", leadership="Geschäftsführung", birth_year="1970")
    )
    rows.append(person("BL1", date, carrier="BA", leadership="Bereichsleitung", gender="m"))
    rows.append(
        person(
            "BL2", date, carrier="BA", leadership="Bereichsleitung", gender="m", weekly_hours="30"
        )
    )
    # a small carrier: 7 persons, one of them disabled, one man in part-time
    for i in range(7):
        rows.append(
            person(
                f"K{i:03d}",
                date,
                carrier="Kommune",
                gender="m" if i in (0, 1) else "w",
                employment_type="Beamte" if i < 3 else "Tarif",
                pay_group="A 11",
                full_time_hours="41",
                weekly_hours="20" if i == 0 else "41",
                disability="gleichgestellt" if i == 4 else "nein",
                leave="Elternzeit" if i == 1 else "",
            )
        )
    # two trainees and one person with gender d
    rows.append(
        person("AZ1", date, employment_type="Ausbildung", pay_group="Azubi", birth_year="2004")
    )
    rows.append(
        person(
            "AZ2",
            date,
            employment_type="Ausbildung",
            pay_group="Azubi",
            birth_year="2005",
            gender="m",
        )
    )
    rows.append(person("D1", date, gender="d"))
    return rows


def _applications(year: int) -> list[list[str]]:
    rows = []
    for i in range(40):
        rows.append(
            application(
                f"A{year}{i:03d}",
                f"15.0{1 + i % 9}.{year}",
                posting=f"{year}-{i % 4:03d}",
                carrier="Kommune" if i % 10 == 0 else "BA",
                gender="w" if i % 3 else "m",
                disability="schwerbehindert" if i in (3, 17) else "nein",
                stage="eingestellt"
                if i in (0, 5)
                else "eingeladen"
                if i % 5 == 0 or i == 3
                else "beworben",
            )
        )
    return rows


def _survey() -> list[list[str]]:
    rows = []
    for i in range(24):
        background = i in (2, 9, 15)
        rows.append(
            survey_answer(
                "2025",
                german_at_birth="nein" if background else "ja",
                parents_not_german="1" if background else "0",
                immigrated="ja" if i == 2 else "nein",
                leadership="ja" if i in (0, 1, 2, 3) else "nein",
                gender="w" if i % 3 else "m",
            )
        )
    return rows


def build_small_group_store(directory: Path) -> Path:
    """Writes the raw exports into directory and imports them; returns the store path."""
    directory.mkdir(parents=True, exist_ok=True)
    personnel = [row for year in YEARS for row in _personnel(year)]
    applications = [row for year in YEARS for row in _applications(year)]
    files = [
        write_csv(directory / "personal.csv", PERSONNEL_HEADER, personnel),
        write_csv(directory / "bewerbungen.csv", APPLICATION_HEADER, applications),
        write_csv(directory / "befragung.csv", SURVEY_HEADER, _survey()),
        write_csv(
            directory / "eingeladene.csv", ["Befragungsjahr", "Eingeladene"], [["2025", "48"]]
        ),
    ]
    db = directory / "small.duckdb"
    import_files(files, db, by=LOCAL_USER)
    return db
