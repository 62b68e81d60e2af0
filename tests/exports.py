"""Builders for small raw export files in the German formats, for tests (data built in code)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from metrics.demo import APPLICATION_HEADERS, PERSONNEL_HEADERS, SURVEY_HEADERS

# the headers a German HR export writes: the same ones the demo generator writes
PERSONNEL_HEADER = PERSONNEL_HEADERS
APPLICATION_HEADER = APPLICATION_HEADERS
SURVEY_HEADER = SURVEY_HEADERS


def person(
    person_id: str = "P1",
    date: str = "31.12.2024",
    *,
    carrier: str = "BA",
    org_unit: str = "Bereich 1",
    gender: str = "w",
    birth_year: str = "1980",
    employment_type: str = "Tarif",
    pay_group: str = "E 9b",
    weekly_hours: str = "39",
    full_time_hours: str = "39",
    leadership: str = "keine",
    deputy: str = "nein",
    disability: str = "nein",
    credit_factor: str = "",
    under18_approved: str = "",
    leave: str = "",
    leave_replaced: str = "",
    mobile_work: str = "keine",
    fixed_term: str = "nein",
    entry_date: str = "01.04.2010",
) -> list[str]:
    """One personnel row as the German export writes it (values in the file's text form)."""
    return [
        date,
        person_id,
        carrier,
        org_unit,
        gender,
        birth_year,
        employment_type,
        pay_group,
        weekly_hours,
        full_time_hours,
        leadership,
        deputy,
        disability,
        credit_factor,
        under18_approved,
        leave,
        leave_replaced,
        mobile_work,
        fixed_term,
        entry_date,
    ]


def application(
    applicant_id: str = "B1",
    date: str = "15.03.2024",
    *,
    posting: str = "2024-001",
    carrier: str = "BA",
    gender: str = "w",
    disability: str = "nein",
    leadership_posting: str = "nein",
    stage: str = "beworben",
) -> list[str]:
    return [date, applicant_id, posting, carrier, gender, disability, leadership_posting, stage]


def survey_answer(
    wave: str = "2025",
    german_at_birth: str = "ja",
    immigrated: str = "nein",
    parents_not_german: str = "0",
    parents_immigrated: str = "0",
    leadership: str = "nein",
    gender: str = "w",
) -> list[str]:
    return [
        wave,
        german_at_birth,
        immigrated,
        parents_not_german,
        parents_immigrated,
        leadership,
        gender,
    ]


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    encoding: str = "cp1252",
    delimiter: str = ";",
    newline: str = "\r\n",
) -> Path:
    def line(values: Sequence[str]) -> str:
        return delimiter.join(_quote(v, delimiter) for v in values)

    text = newline.join([line(header), *(line(r) for r in rows)]) + newline
    path.write_bytes(text.encode(encoding))
    return path


def _quote(value: str, delimiter: str) -> str:
    if delimiter in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    pd.DataFrame(list(rows), columns=list(header)).to_excel(path, index=False)
    return path


def personnel_population(n: int, date: str = "31.12.2024", **overrides: str) -> list[list[str]]:
    """n distinct persons at one reporting date, every field valid."""
    return [person(f"P{i:06d}", date, **overrides) for i in range(n)]
