"""Atoms: the building blocks of every population. The SQL predicates and the nesting of published
figures come from the same words; a `Measure` is a population and a numerator written in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Universe = Literal["personnel", "applicants", "survey"]

# Predicates over one personnel row. Codes are the contract's constants; user values (dates,
# years, carriers) are always bound parameters.
PERSONNEL_ATOMS: dict[str, str] = {
    "staff": "employment_type <> 'Ausbildung'",
    "trainee": "employment_type = 'Ausbildung'",
    "active": "leave = 'keine'",
    "leader": "leadership <> 'keine'",
    "not_leader": "leadership = 'keine'",
    "deputy": "deputy",
    "part_time": "weekly_hours < full_time_hours",
    "full_time": "weekly_hours >= full_time_hours",
    "mobile": "mobile_work <> 'keine'",
    "not_mobile": "mobile_work = 'keine'",
    "parental_leave": "leave = 'Elternzeit'",
    "care_leave": "leave = 'Pflege'",
    "disabled": "disability <> 'nein'",
    "not_disabled": "disability = 'nein'",
    "gender=w|m": "gender IN ('w', 'm')",
    "gender=w": "gender = 'w'",
    "gender=m": "gender = 'm'",
}
# The optional personnel columns an atom reads: a file without the column says nothing about it,
# so a figure with the atom has no value for that file's dates (CONTRACT § 1.1)
OPTIONAL_COLUMNS_OF_ATOMS: dict[str, str] = {
    "active": "leave",
    "parental_leave": "leave",
    "care_leave": "leave",
    "deputy": "deputy",
    "mobile": "mobile_work",
    "not_mobile": "mobile_work",
}
# what the legal SGB IX method reads beyond the required columns (CONTRACT § 2.1)
SB_QUOTA_OPTIONAL_COLUMNS = frozenset(
    {"credit_factor", "under18_approved", "leave", "leave_replaced"}
)
# Predicates over one applicant of a view (per-applicant rules of CONTRACT § 2)
APPLICANT_ATOMS: dict[str, str] = {
    "disclosed": "disclosed",
    "not_disclosed": "NOT disclosed",
    "invited": "invited",
    "not_invited": "NOT invited",
    "hired": "hired",
    "gender=w|m": "gender IN ('w', 'm')",
    "gender=w": "gender = 'w'",
    "gender=m": "gender = 'm'",
}
# Survey atoms only name the counts of `metrics.survey` for the audit (no SQL here).
SURVEY_ATOMS = frozenset(
    {
        "responded",
        "not_responded",
        "migration_background_determinable",
        "migration_background=yes",
        "migration_background=no",
        "immigration_history_determinable",
        "immigration_history=yes",
        "immigration_history=no",
    }
)
ATOMS: dict[str, frozenset[str]] = {
    "personnel": frozenset(PERSONNEL_ATOMS),
    "applicants": frozenset(APPLICANT_ATOMS),
    "survey": SURVEY_ATOMS,
}
# GDPR Art. 9 data: a figure involving one of these is sensitive (k_sensitive, 0 disclosive)
SENSITIVE_ATOMS = frozenset(
    {
        "disabled",
        "not_disabled",
        "disclosed",
        "not_disclosed",
        "migration_background=yes",
        "migration_background=no",
        "immigration_history=yes",
        "immigration_history=no",
    }
)
_CONTRADICTIONS = (
    ("leader", "not_leader"),
    ("staff", "trainee"),
    ("gender=w|m", "gender=d"),
    ("gender=w|m", "gender=x"),
)


def _closure(atoms: Iterable[str]) -> frozenset[str]:
    """Atoms plus what they imply, so that nesting can be read off as a subset relation."""
    closed = set(atoms)
    for atom in list(closed):
        if atom in ("gender=w", "gender=m"):
            closed.add("gender=w|m")
        elif atom.startswith("leadership="):
            closed.add("not_leader" if atom == "leadership=keine" else "leader")
        elif atom.startswith("employment_type="):
            closed.add("trainee" if atom == "employment_type=Ausbildung" else "staff")
    return frozenset(closed)


def _category_atom(universe: str, dimension: str, category: str) -> str:
    # survey answers live in their own namespace (no implications)
    prefix = "survey." if universe == "survey" else ""
    return f"{prefix}{dimension}={category}"


@dataclass(frozen=True)
class Measure:
    """What a KPI counts: persons of `population`; for a share also those with `numerator`
    (and `remainder` = population without numerator, named for the audit)."""

    universe: Universe
    population: frozenset[str]
    numerator: str | None = None
    remainder: str | None = None

    @property
    def is_share(self) -> bool:
        return self.numerator is not None

    @property
    def sensitive(self) -> bool:
        atoms = {*self.population, self.numerator, self.remainder}
        return bool(atoms & SENSITIVE_ATOMS)

    def admits(self, dimension: str, category: str) -> bool:
        """False if the category contradicts the population (no leaders among 'keine')."""
        atoms = _closure({*self.population, _category_atom(self.universe, dimension, category)})
        return not any(a in atoms and b in atoms for a, b in _CONTRADICTIONS)


def _measure(
    universe: Universe, *population: str, numerator: str | None = None, rest: str | None = None
) -> Measure:
    return Measure(universe, frozenset(population), numerator, rest)
