"""The persons of a year as the attacker sees them: dimensions, their categories, and the box of
every population the KPI engine counts (its atoms), so that each published figure is a sum of
micro-cells."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import duckdb
import pandas as pd

from metrics.contract import (
    CARRIERS,
    EMPLOYMENT_TYPES,
    GENDERS,
    LEADERSHIP_LEVELS,
    PERSONNEL,
)
from metrics.disclosure.attacker import Box, Group, groups_of

YES_NO = ("ja", "nein")
AGE_BANDS = ("< 30", "30–44", "45–54", "≥ 55")
LEAVES = ("keine", "Elternzeit", "Pflege", "sonstige")

# the personnel dimensions a figure or a person group may speak about
PERSONNEL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "carrier": CARRIERS,
    "employment_type": EMPLOYMENT_TYPES,
    "gender": GENDERS,
    "leadership": ("keine", *LEADERSHIP_LEVELS),
    "deputy": YES_NO,
    "leave": LEAVES,
    "part_time": YES_NO,
    "mobile": YES_NO,
    "disabled": YES_NO,
    "age_band": AGE_BANDS,
}
# dimensions whose categories come from the data
OBSERVED_DIMENSIONS = ("org_unit", "pay_group")
SENSITIVE = {"disabled": frozenset({"ja"})}

_STAFF = ("Tarif", "Beamte")
# the KPI engine's personnel atoms (metrics.kpis.atoms.PERSONNEL_ATOMS) as boxes
PERSONNEL_ATOM_BOXES: dict[str, Box] = {
    "staff": Box.of({"employment_type": _STAFF}),
    "trainee": Box.of({"employment_type": {"Ausbildung"}}),
    "active": Box.of({"leave": {"keine"}}),
    "leader": Box.of({"leadership": LEADERSHIP_LEVELS}),
    "not_leader": Box.of({"leadership": {"keine"}}),
    "deputy": Box.of({"deputy": {"ja"}}),
    "part_time": Box.of({"part_time": {"ja"}}),
    "full_time": Box.of({"part_time": {"nein"}}),
    "mobile": Box.of({"mobile": {"ja"}}),
    "not_mobile": Box.of({"mobile": {"nein"}}),
    "parental_leave": Box.of({"leave": {"Elternzeit"}}),
    "care_leave": Box.of({"leave": {"Pflege"}}),
    "disabled": Box.of({"disabled": {"ja"}}),
    "not_disabled": Box.of({"disabled": {"nein"}}),
    "gender=w|m": Box.of({"gender": {"w", "m"}}),
    "gender=w": Box.of({"gender": {"w"}}),
    "gender=m": Box.of({"gender": {"m"}}),
    "U=personnel": Box(),
}

# the KPI populations of CONTRACT § 3's groups
PERSONNEL_POPULATIONS: dict[str, Box] = {
    "staff": PERSONNEL_ATOM_BOXES["staff"],
    "active staff": PERSONNEL_ATOM_BOXES["staff"] & PERSONNEL_ATOM_BOXES["active"],
    "leaders": PERSONNEL_ATOM_BOXES["staff"] & PERSONNEL_ATOM_BOXES["leader"],
    "on leave": Box.of({"leave": LEAVES[1:]}),
}
# attributes a person group combines (CONTRACT § 3)
GROUP_ATTRIBUTES = (
    "carrier",
    "employment_type",
    "gender",
    "leadership",
    "deputy",
    "leave",
    "part_time",
    "mobile",
    "disabled",
    "age_band",
    "org_unit",
)


def atom_box(atom: str) -> Box:
    """A KPI atom, or a breakdown category written `dimension=category`."""
    if atom in PERSONNEL_ATOM_BOXES:
        return PERSONNEL_ATOM_BOXES[atom]
    dimension, _, category = atom.partition("=")
    if not category:
        raise KeyError(f"unknown atom {atom!r}")
    return Box.of({dimension: {category}})


def box_of(atoms: Iterable[str]) -> Box:
    box = Box()
    for atom in atoms:
        box = box & atom_box(atom)
    return box


def personnel_persons(
    con: duckdb.DuckDBPyConnection, snapshot: date, gender_sql: str = "gender"
) -> pd.DataFrame:
    """One row per combination of the persons at `snapshot`, with its head count `n`.

    gender_sql: the published gender (d / x assigned to w / m where the release says so).
    """
    year = snapshot.year
    return con.execute(
        f"""
        SELECT carrier, employment_type, {gender_sql} AS gender, leadership,
            CASE WHEN deputy THEN 'ja' ELSE 'nein' END AS deputy,
            leave,
            CASE WHEN weekly_hours < full_time_hours THEN 'ja' ELSE 'nein' END AS part_time,
            CASE WHEN mobile_work <> 'keine' THEN 'ja' ELSE 'nein' END AS mobile,
            CASE WHEN disability <> 'nein' THEN 'ja' ELSE 'nein' END AS disabled,
            CASE WHEN $year - birth_year < 30 THEN '< 30'
                WHEN $year - birth_year < 45 THEN '30–44'
                WHEN $year - birth_year < 55 THEN '45–54' ELSE '≥ 55' END AS age_band,
            org_unit, pay_group, count(*) AS n
        FROM {PERSONNEL.table} WHERE reporting_date = $date
        GROUP BY ALL
        """,
        {"date": snapshot, "year": year},
    ).df()


def personnel_categories(persons: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    categories = dict(PERSONNEL_CATEGORIES)
    for dimension in OBSERVED_DIMENSIONS:
        categories[dimension] = tuple(sorted(set(persons[dimension])))
    return categories


def personnel_groups(
    categories: Mapping[str, Sequence[str]], attributes: Sequence[str] = GROUP_ATTRIBUTES
) -> tuple[Group, ...]:
    # the same for every year with the same org units and pay groups: built once per process
    return _personnel_groups(
        tuple((d, tuple(c)) for d, c in sorted(categories.items())), tuple(attributes)
    )


@functools.lru_cache(maxsize=8)
def _personnel_groups(
    categories: tuple[tuple[str, tuple[str, ...]], ...], attributes: tuple[str, ...]
) -> tuple[Group, ...]:
    return tuple(groups_of(dict(categories), attributes, SENSITIVE, PERSONNEL_POPULATIONS))
