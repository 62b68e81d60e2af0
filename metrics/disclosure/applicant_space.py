"""The applicants of a year as the attacker sees them.

An applicant has attributes per view (CONTRACT § 2): in the all-carrier view over all their
applications of the year, in a carrier view over their applications with that carrier only, and
an applicant who applied to both carriers is in both views. So every view has dimensions of its
own — `disclosed@BA`, `stage@BA`, `gender@BA` — with the category "–" for an applicant who is not
in that view. A published figure of a view is a box over that view's dimensions; the attacker
relates the views through the applicants they share (BA + Kommune − all isolates the applicants
of both carriers, say).

What an applicant's attributes in the views must have in common (a disclosure in BA is one in the
all-carrier view; the highest stage is at least the stage in each carrier) the attacker knows as
figures of value 0 over the impossible combinations (`structure_figures`), public like the
leaders; so do the facts the data happen to satisfy (every application has a carrier, every
applicant the same gender everywhere): a stronger attacker than the true one, never a weaker.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from metrics.contract import APPLICATIONS_OF_YEAR_SQL, CARRIERS, GENDERS, LATEST_GENDER_SQL
from metrics.disclosure.attacker import Box, Figure, Group

ABSENT = "–"
STAGES = ("beworben", "eingeladen", "eingestellt")
YES_NO = ("ja", "nein")
ATTRIBUTES = ("disclosed", "stage", "gender")
_VIEW_NAMES: dict[str | None, str] = {None: "all", **{c: c for c in CARRIERS}}


def dimension(attribute: str, view: str | None) -> str:
    return f"{attribute}@{_VIEW_NAMES[view]}"


def _own_categories(attribute: str) -> tuple[str, ...]:
    return {"disclosed": YES_NO, "stage": STAGES, "gender": GENDERS}[attribute]


def applicant_categories() -> dict[str, tuple[str, ...]]:
    categories: dict[str, tuple[str, ...]] = {}
    for view in _VIEW_NAMES:
        for attribute in ATTRIBUTES:
            own = _own_categories(attribute)
            categories[dimension(attribute, view)] = own if view is None else (*own, ABSENT)
    return categories


def presence(view: str | None) -> Box:
    """The applicants of a view (everyone in the all-carrier view)."""
    if view is None:
        return Box()
    return Box.of({dimension("disclosed", view): YES_NO})


# the KPI engine's applicant atoms (metrics.kpis.atoms.APPLICANT_ATOMS): attribute and categories
_ATOMS: dict[str, tuple[str, frozenset[str]]] = {
    "disclosed": ("disclosed", frozenset({"ja"})),
    "not_disclosed": ("disclosed", frozenset({"nein"})),
    "invited": ("stage", frozenset({"eingeladen", "eingestellt"})),
    "not_invited": ("stage", frozenset({"beworben"})),
    "hired": ("stage", frozenset({"eingestellt"})),
    "gender=w|m": ("gender", frozenset({"w", "m"})),
    **{f"gender={g}": ("gender", frozenset({g})) for g in GENDERS},
}


def applicant_box(atoms: Iterable[str], view: str | None) -> Box:
    """The applicants of a view with every atom (the universe atom `U=applicants` is the
    view itself)."""
    return _applicant_box(tuple(atoms), view)


@functools.lru_cache(maxsize=4096)  # asked for every figure in every round of the planner
def _applicant_box(atoms: tuple[str, ...], view: str | None) -> Box:
    box = presence(view)
    for atom in atoms:
        if atom == "U=applicants":
            continue
        attribute, allowed = _ATOMS[atom]
        box = box & Box.of({dimension(attribute, view): allowed})
    return box


def applicant_persons(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """One row per combination of the applicants of the year, per view, with its count `n`."""
    per_view = []
    for view, name in _VIEW_NAMES.items():
        where = "" if view is None else f" FILTER (WHERE carrier = '{view}')"
        per_view.append(
            # the highest stage as 0 / 1 / 2 (hired implies invited)
            f"bool_or(disclosed){where} AS d_{name}, "
            f"max(invited::INT + hired::INT){where} AS s_{name}, "
            f"{LATEST_GENDER_SQL}{where} AS g_{name}"
        )
    stages = ", ".join(f"'{s}'" for s in STAGES)
    outer = ", ".join(
        f"""CASE WHEN s_{name} IS NULL THEN '{ABSENT}' WHEN d_{name} THEN 'ja' ELSE 'nein' END
            AS "disclosed@{name}",
        coalesce(list_extract([{stages}], s_{name} + 1), '{ABSENT}') AS "stage@{name}",
        coalesce(g_{name}, '{ABSENT}') AS "gender@{name}" """
        for name in _VIEW_NAMES.values()
    )
    return con.execute(
        f"""
        WITH applications_of_year AS ({APPLICATIONS_OF_YEAR_SQL}),
        applicants AS (
            SELECT {", ".join(per_view)} FROM applications_of_year GROUP BY applicant_key
        )
        SELECT {outer}, count(*) AS n FROM applicants GROUP BY ALL
        """,
        {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)},
    ).df()


def _candidate_structure() -> list[tuple[Box, str]]:
    """Combinations that are empty by the definitions, or may be by the data."""
    candidates: list[tuple[Box, str]] = []
    below = {"beworben": (), "eingeladen": ("beworben",), "eingestellt": STAGES[:2]}
    for carrier in CARRIERS:
        for first, second in itertools.permutations(ATTRIBUTES, 2):
            # "not in the view" is the same for every attribute of the view
            own = set(_own_categories(second))
            box = Box.of({dimension(first, carrier): {ABSENT}, dimension(second, carrier): own})
            candidates.append((box, f"structure: {first}/{second} in {carrier}"))
        candidates.append(
            (
                Box.of(
                    {
                        dimension("disclosed", None): {"nein"},
                        dimension("disclosed", carrier): {"ja"},
                    }
                ),
                f"structure: disclosed in {carrier}, so in all",
            )
        )
        for stage, lower in below.items():
            if lower:
                higher = set(STAGES[STAGES.index(stage) :])
                box = Box.of(
                    {dimension("stage", None): set(lower), dimension("stage", carrier): higher}
                )
                candidates.append((box, f"structure: stage in {carrier} at most in all"))
        for gender in GENDERS:
            others = set(GENDERS) - {gender}
            box = Box.of(
                {dimension("gender", None): {gender}, dimension("gender", carrier): others}
            )
            candidates.append((box, f"data: same gender in {carrier} and all"))
    # every application has a carrier: the all-carrier view is the union of the carriers
    nowhere = {dimension("disclosed", c): {ABSENT} for c in CARRIERS}
    candidates.append((Box.of(nowhere), "data: every applicant applied to a carrier"))
    not_disclosed = {dimension("disclosed", c): {"nein", ABSENT} for c in CARRIERS}
    candidates.append(
        (
            Box.of({dimension("disclosed", None): {"ja"}, **not_disclosed}),
            "data: disclosed in all, so in a carrier",
        )
    )
    for stage in STAGES[1:]:
        below_or_absent = {*STAGES[: STAGES.index(stage)], ABSENT}
        box = Box.of(
            {
                dimension("stage", None): {stage},
                **{dimension("stage", c): below_or_absent for c in CARRIERS},
            }
        )
        candidates.append((box, f"data: stage {stage} in all, so in a carrier"))
    return candidates


def _size(persons: pd.DataFrame, box: Box) -> int:
    inside = np.ones(len(persons), dtype=bool)
    for name, allowed in box.terms:
        inside &= persons[name].isin(allowed).to_numpy()
    return int(persons.loc[inside, "n"].sum())


def structure_figures(persons: pd.DataFrame) -> list[Figure]:
    """The empty combinations the attacker knows (public: nothing to hide about them)."""
    return [
        Figure(box, 0, where, public=True)
        for box, where in _candidate_structure()
        if _size(persons, box) == 0
    ]


def _view_conditions(view: str | None) -> dict[str, dict[str, Box]]:
    """Per attribute of a group, its values as boxes over the view's dimensions (each implies
    being in the view)."""
    stage = dimension("stage", view)
    return {
        "disclosed": {v: Box.of({dimension("disclosed", view): {v}}) for v in YES_NO},
        "invited": {
            "ja": Box.of({stage: {"eingeladen", "eingestellt"}}),
            "nein": Box.of({stage: {"beworben"}}),
        },
        "hired": {
            "ja": Box.of({stage: {"eingestellt"}}),
            "nein": Box.of({stage: {"beworben", "eingeladen"}}),
        },
        "gender": {g: Box.of({dimension("gender", view): {g}}) for g in GENDERS},
    }


def _reaches() -> dict[str, Box]:
    """Which carriers an applicant applied to (the overlap of the carrier views)."""
    inside = {c: Box.of({dimension("disclosed", c): YES_NO}) for c in CARRIERS}
    outside = {c: Box.of({dimension("disclosed", c): {ABSENT}}) for c in CARRIERS}
    reaches: dict[str, Box] = {}
    for pattern in itertools.product((True, False), repeat=len(CARRIERS)):
        box = Box()
        for carrier, applied in zip(CARRIERS, pattern, strict=True):
            box = box & (inside if applied else outside)[carrier]
        reaches["+".join(c for c, a in zip(CARRIERS, pattern, strict=True) if a) or "none"] = box
    return reaches


def _combinations(
    conditions: Mapping[str, Mapping[str, Box]], depth: int
) -> Iterable[tuple[Box, bool, Box]]:
    """(box, sensitive, box without the disclosure) of every combination of up to `depth`
    attribute values."""
    for size in range(1, depth + 1):
        for names in itertools.combinations(conditions, size):
            for values in itertools.product(*(conditions[n] for n in names)):
                box, base = Box(), Box()
                for name, value in zip(names, values, strict=True):
                    box = box & conditions[name][value]
                    if name.startswith("disclosed"):
                        # the same persons, whatever they disclosed (but in the same views)
                        presence = Box.of({conditions[name][value].terms[0][0]: set(YES_NO)})
                        base = base & presence
                    else:
                        base = base & conditions[name][value]
                if any(not allowed for _, allowed in box.terms):
                    continue  # contradictory (invited = nein, hired = ja)
                yield box, any(n.startswith("disclosed") for n in names), base


@functools.cache
def applicant_groups(depth: int = 3) -> tuple[Group, ...]:
    """CONTRACT § 3's groups among applicants: up to three attribute values (disclosure,
    invitation, hire, gender), each of one view (disclosed in BA and in Kommune, say), and up to
    two of the all-carrier view within each overlap of the carrier views (applied to both, to BA
    only, …). A group with a disclosure condition is sensitive."""
    conditions: dict[str, dict[str, Box]] = {}
    for view in _VIEW_NAMES:
        for attribute, values in _view_conditions(view).items():
            conditions[f"{attribute}@{_VIEW_NAMES[view]}"] = values
    groups = [
        Group(box, sensitive, base if sensitive else None)
        for box, sensitive, base in _combinations(conditions, depth)
    ]
    all_view = _view_conditions(None)
    for reach in _reaches().values():
        groups.append(Group(reach))
        for box, sensitive, base in _combinations(all_view, depth - 1):
            groups.append(Group(box & reach, sensitive, (base & reach) if sensitive else None))
    return tuple(dict.fromkeys(groups))
