"""The invited of a survey wave as the attacker sees them.

The respondents are micro-cells over their two classifications (migration background,
immigration history: ja / nein / unbestimmt) and the two answers the survey breaks down by
(leadership, gender); the invited who did not respond have none of these ("–"). Every published
survey figure is a box of them: the shares by the rules of CONTRACT § 2 (yes over determinable),
the response rate (respondents over invited). Survey answers never meet personnel data, so the
survey is a universe of its own.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable

import duckdb
import pandas as pd

from metrics.contract import SURVEY
from metrics.disclosure.attacker import Box, Figure, Group
from metrics.survey import BREAKDOWN_CATEGORIES, CLASSIFICATIONS, invited_count

NOT_ASKED = "–"  # the invited who did not respond
CLASSES = ("ja", "nein", "unbestimmt")
DEFINITIONS = {"migration_background": "migration", "immigration_history": "immigration"}
ANSWERS = ("leadership", "gender")


def survey_categories() -> dict[str, tuple[str, ...]]:
    categories: dict[str, tuple[str, ...]] = {"responded": ("ja", "nein")}
    for name in DEFINITIONS.values():
        categories[name] = (*CLASSES, NOT_ASKED)
    for answer in ANSWERS:
        categories[answer] = (*BREAKDOWN_CATEGORIES[answer], NOT_ASKED)
    return categories


def survey_persons(con: duckdb.DuckDBPyConnection, wave: int) -> pd.DataFrame:
    """One row per combination of the wave's respondents with its count `n`, and one for the
    invited who did not respond (where the wave has an invited count)."""
    classified = ", ".join(
        f"CASE ({CLASSIFICATIONS[definition]}) WHEN 'yes' THEN 'ja' WHEN 'no' THEN 'nein' "
        f"ELSE 'unbestimmt' END AS {name}"
        for definition, name in DEFINITIONS.items()
    )
    persons = con.execute(
        f"""
        SELECT 'ja' AS responded, {classified}, {", ".join(ANSWERS)}, count(*) AS n
        FROM {SURVEY.table} WHERE wave = $wave GROUP BY ALL
        """,
        {"wave": wave},
    ).df()
    invited = invited_count(con, wave)
    missing = (invited or 0) - int(persons["n"].sum())
    if missing > 0:
        row = {"responded": "nein", **dict.fromkeys((*DEFINITIONS.values(), *ANSWERS), NOT_ASKED)}
        persons = pd.concat([persons, pd.DataFrame([{**row, "n": missing}])], ignore_index=True)
    return persons


_ATOMS: dict[str, Box] = {
    "responded": Box.of({"responded": {"ja"}}),
    "not_responded": Box.of({"responded": {"nein"}}),
    **{
        atom: Box.of({name: allowed})
        for definition, name in DEFINITIONS.items()
        for atom, allowed in (
            (f"{definition}_determinable", {"ja", "nein"}),
            (f"{definition}=yes", {"ja"}),
            (f"{definition}=no", {"nein"}),
        )
    },
}


def survey_box(atoms: Iterable[str]) -> Box:
    """The invited with every atom of the KPI engine (breakdown categories are written
    `survey.<answer>=<category>`; the universe atom `U=survey:<wave>` is everyone)."""
    return _survey_box(tuple(atoms))


@functools.lru_cache(maxsize=4096)  # asked for every figure in every round of the planner
def _survey_box(atoms: tuple[str, ...]) -> Box:
    box = Box()
    for atom in atoms:
        if atom.startswith("U=survey"):
            continue
        if atom.startswith("survey."):
            answer, _, category = atom.removeprefix("survey.").partition("=")
            box = box & Box.of({answer: {category}})
        else:
            box = box & _ATOMS[atom]
    return box


def structure_figures() -> list[Figure]:
    """Who did not respond has no answers, and every respondent has all of them (public)."""
    figures = []
    for name, categories in survey_categories().items():
        if name == "responded":
            continue
        answered = set(categories) - {NOT_ASKED}
        for responded, allowed in (("nein", answered), ("ja", {NOT_ASKED})):
            box = Box.of({"responded": {responded}, name: allowed})
            figures.append(
                Figure(box, 0, f"structure: {name} of responded={responded}", public=True)
            )
    return figures


def survey_groups(depth: int = 3) -> list[Group]:
    """CONTRACT § 3's groups among respondents: up to three of the classifications and the
    answers. A group with a classification is sensitive (GDPR Art. 9): pinned to 0 or to all
    of the determinable respondents of its other attributes, it tells everyone's answer."""
    conditions: dict[str, dict[str, Box]] = {
        name: {c: Box.of({name: {c}}) for c in ("ja", "nein")} for name in DEFINITIONS.values()
    }
    for answer in ANSWERS:
        conditions[answer] = {c: Box.of({answer: {c}}) for c in BREAKDOWN_CATEGORIES[answer]}
    responded = _ATOMS["responded"]
    groups: list[Group] = [Group(Box.of({"responded": {"nein"}}))]
    for size in range(1, depth + 1):
        for names in itertools.combinations(conditions, size):
            for values in itertools.product(*(conditions[n] for n in names)):
                box = responded
                for name, value in zip(names, values, strict=True):
                    box = box & conditions[name][value]
                classified = [n for n in names if n in DEFINITIONS.values()]
                if not classified:
                    groups.append(Group(box))
                    continue
                # population: the same respondents, determinable in the classification(s)
                population = responded
                for name, value in zip(names, values, strict=True):
                    population = population & (
                        Box.of({name: {"ja", "nein"}})
                        if name in classified
                        else conditions[name][value]
                    )
                groups.append(Group(box, True, population))
    return groups
