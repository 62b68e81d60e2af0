"""Words of the registry: dimensions, categories, kinds, units, sources and their labels."""

from __future__ import annotations

from typing import Literal, get_args

from metrics import survey as survey_data
from metrics.contract import (
    CARRIERS,
    EMPLOYMENT_TYPES,
    GENDERS,
    LEADERSHIP_LEVELS,
)
from metrics.i18n import Lang

# closed vocabularies: the type checker refuses any other word in the registry
Unit = Literal["%", "count", "ratio", "€", "flag"]
Kind = Literal["count", "share", "ratio", "quota", "flag-table"]
Source = Literal["personnel", "applicants", "sb_quota", "survey", "derived"]
UNITS: tuple[Unit, ...] = get_args(Unit)
KINDS: tuple[Kind, ...] = get_args(Kind)
SOURCES: tuple[Source, ...] = get_args(Source)
# the breakdown catalogue of CONTRACT § 2 / § 3 (at most carrier + one of these at once)
DIMENSIONS = ("carrier", "leadership", "employment_type", "age_band", "gender", "org_unit")
SURVEY_DIMENSIONS = ("leadership", "gender")
AGE_BANDS = ("< 30", "30–44", "45–54", "≥ 55")

# closed category lists; None = categories come from the data
DIMENSION_CATEGORIES: dict[str, tuple[str, ...] | None] = {
    "carrier": CARRIERS,
    "leadership": ("keine", *LEADERSHIP_LEVELS),
    "employment_type": EMPLOYMENT_TYPES,
    "age_band": AGE_BANDS,
    "gender": GENDERS,
    "org_unit": None,
    "pay_group": None,
}
SURVEY_DIMENSION_CATEGORIES: dict[str, tuple[str, ...]] = dict(survey_data.BREAKDOWN_CATEGORIES)

DIMENSION_LABELS: dict[str, tuple[str, str]] = {
    "carrier": ("Träger", "carrier"),
    "leadership": ("Führungsebene", "leadership level"),
    "employment_type": ("Beschäftigungsart", "employment type"),
    "age_band": ("Altersgruppe", "age band"),
    "gender": ("Geschlecht", "gender"),
    "org_unit": ("Organisationseinheit", "organisational unit"),
    "pay_group": ("Entgelt-/Besoldungsgruppe", "pay group"),
}
_CATEGORY_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("gender", "w"): ("Frauen", "women"),
    ("gender", "m"): ("Männer", "men"),
    ("gender", "d"): ("divers", "diverse"),
    ("gender", "x"): ("ohne Angabe", "not stated"),
    ("gender", "dx"): ("divers / ohne Angabe", "diverse / not stated"),
    ("leadership", "keine"): ("ohne Führungsfunktion", "no leadership role"),
    ("leadership", "Teamleitung"): ("Teamleitung", "team lead"),
    ("leadership", "Bereichsleitung"): ("Bereichsleitung", "head of division"),
    ("leadership", "Geschäftsführung"): ("Geschäftsführung", "management"),
    # survey answers to "Führungskraft?"
    ("leadership", "ja"): ("Führungskräfte", "leaders"),
    ("leadership", "nein"): ("ohne Führungsfunktion", "non-leaders"),
    ("leadership", "keine Angabe"): ("keine Angabe", "not stated"),
    ("employment_type", "Tarif"): ("Tarifbeschäftigte", "employees"),
    ("employment_type", "Beamte"): ("Beamtinnen und Beamte", "civil servants"),
    ("employment_type", "Ausbildung"): ("Nachwuchskräfte", "trainees"),
    ("carrier", "BA"): ("BA", "BA"),
    ("carrier", "Kommune"): ("Kommune", "municipality"),
    ("population", "others"): ("übrige Bewerbende", "other applicants"),
}


def category_label(dimension: str, category: str, lang: Lang = "de") -> str:
    labels = _CATEGORY_LABELS.get((dimension, category))
    if labels is None:
        return category
    return labels[1] if lang == "en" else labels[0]


def dimension_label(dimension: str, lang: Lang = "de") -> str:
    labels = DIMENSION_LABELS[dimension]
    return labels[1] if lang == "en" else labels[0]
