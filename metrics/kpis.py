"""The KPI registry (CONTRACT § 2) and the engine that computes and publishes it (§ 3).

Pages, reports and the CLI read KPIs only from here. Three layers:

1. **Registry** — one frozen `Kpi` entry per id: labels and definitions in German and English, legal
   source, unit, kind, sensitivity, target key, allowed breakdowns, required variants, and the
   `Measure` it counts. A measure is declarative: a population and a numerator written as *atoms*
   (``staff``, ``active``, ``gender=w`` …). The SQL is compiled from the atoms, and the same atoms
   tell the disclosure audit which published figures are nested in which.
2. **Counting** — a handful of DuckDB queries per year (GROUP BY GROUPING SETS with FILTER
   aggregates over every measure at once), never a loop over persons.
3. **Publishing** — every number goes through `metrics.disclosure`:

   - a KPI value of a view: `publish_share` / `publish_count`, with the all-carrier figure as parent
     for a carrier view (differencing guard);
   - variants and breakdowns: `protect_table` for complementary suppression. Personnel carriers
     partition the staff, so a breakdown is one table carriers × categories whose column totals
     are the all-carrier row and whose row totals are the carriers' figures. Applicants may be in
     both carrier views or in none: there each view's row is protected on its own and a carrier
     cell too close to the all-carrier cell is hidden (or, if it cannot be, the all-carrier one);
   - an audit over every published person count of a year: whenever one published figure's
     population is nested in another's (atoms ⊂), their difference must pass the rule too;
     otherwise a figure of the pair is suppressed (greedily the one in most such pairs) and its
     table protected again. A breakdown (stage 2) is audited against the figures `compute_kpis`
     publishes (stage 1), which it cannot take back, together with the same breakdown of every
     other KPI, so a page gets the same cells whichever KPI it asked for first.

   What this does not cover: sums of three or more figures from *different* tables (linked
   tables across KPIs); within one table and between nested pairs, no figure in 1 … k−1 can be
   derived.

Survey KPIs have no carrier view; `sb_quota` follows its own monthly rule (CONTRACT § 2.1).
"""

from __future__ import annotations

import functools
import heapq
import logging
import os
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from metrics import survey as survey_data
from metrics.contract import (
    APPLICATIONS,
    APPLICATIONS_OF_YEAR_SQL,
    CARRIERS,
    EMPLOYMENT_TYPES,
    GENDERS,
    LATEST_GENDER_SQL,
    LEADERSHIP_LEVELS,
    PERSONNEL,
    SURVEY,
)
from metrics.disclosure import (
    DisclosureRules,
    Published,
    Reason,
    applicant_space,
    count_passes,
    plans,
    population_passes,
    protect_table,
    publish_count,
    publish_share,
    survey_space,
    withheld_sign,
)
from metrics.disclosure.attacker import Box, Figure, Group, Knowledge, Pin, build_model
from metrics.disclosure.planner import AuditResult, PlanResult, audit, plan
from metrics.disclosure.space import (
    box_of,
    personnel_categories,
    personnel_groups,
    personnel_persons,
)
from metrics.i18n import Lang, format_number
from metrics.sb_quota import SbMonth, SbQuotaResult, compute_sb_quota_all
from metrics.settings import Settings, SettingsError, load_settings
from metrics.store import open_current, plan_path, store_revision, store_stamp

# ================================================================================================
# Vocabulary
# ================================================================================================

UNITS = ("%", "count", "ratio", "€", "flag")
KINDS = ("count", "share", "ratio", "quota", "flag-table")
SOURCES = ("personnel", "applicants", "sb_quota", "survey", "derived")
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


# ================================================================================================
# Atoms: the building blocks of every population (SQL and nesting come from the same words)
# ================================================================================================

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


# ================================================================================================
# Registry
# ================================================================================================


@dataclass(frozen=True)
class Variants:
    """Required variants `<id>.<category>`: the KPI restricted to each category of a dimension."""

    dimension: str
    categories: tuple[str, ...]
    all_carrier_view_only: bool = False
    # `<id>.<name>`: the sum of some categories, published where they are withheld each but
    # their sum follows from published figures (CONTRACT § 3: d and x together as `dx`)
    combined: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class PopulationVariant:
    """A variant with a population of its own (`sb_invite_rate.others`)."""

    suffix: str
    label_de: str
    label_en: str
    measure: Measure


@dataclass(frozen=True)
class Kpi:
    id: str
    label_de: str
    label_en: str
    definition_de: str
    definition_en: str
    legal_source: str
    unit: str
    kind: str
    sensitive: bool
    source: str
    measure: Measure | None = None
    breakdowns: tuple[str, ...] = ()
    variants: tuple[Variants, ...] = ()
    population_variants: tuple[PopulationVariant, ...] = ()
    # the value is a cell of another KPI's variant table: (kpi id, dimension, category)
    variant_of: tuple[str, str, str] | None = None
    # settings key of the target; None: this KPI cannot have one
    target_key: str | None = None
    carrier_view: bool = True
    survey_definition: str | None = None

    def label(self, lang: Lang = "de") -> str:
        return self.label_en if lang == "en" else self.label_de

    def definition(self, lang: Lang = "de") -> str:
        return self.definition_en if lang == "en" else self.definition_de


_STAFF_WM = ("staff", "gender=w|m")
_WOMEN = {"numerator": "gender=w", "rest": "gender=m"}
_PERSONNEL_ALL = ("carrier", "leadership", "employment_type", "age_band", "gender", "org_unit")
_NO_GENDER = ("carrier", "leadership", "employment_type", "age_band", "org_unit")

REGISTRY: tuple[Kpi, ...] = (
    Kpi(
        id="headcount",
        label_de="Beschäftigte (Köpfe)",
        label_en="Headcount",
        definition_de="Personen im Personalbestand am Stichtag (letzter Stichtag des Jahres), "
        "alle Beschäftigungsarten einschließlich Nachwuchskräften und Beurlaubten.",
        definition_en="Persons in the personnel snapshot at the reporting date (latest snapshot "
        "of the year), all employment types including trainees and staff on leave.",
        legal_source="Personalbestand zum Stichtag",
        unit="count",
        kind="count",
        sensitive=False,
        source="personnel",
        measure=_measure("personnel"),
        breakdowns=_PERSONNEL_ALL,
        variants=(
            Variants("carrier", CARRIERS, all_carrier_view_only=True),
            Variants("gender", GENDERS, combined=(("dx", ("d", "x")),)),
            Variants("employment_type", EMPLOYMENT_TYPES),
        ),
        target_key="headcount",
    ),
    Kpi(
        id="women_share",
        label_de="Frauenanteil",
        label_en="Share of women",
        definition_de="Frauen / (Frauen + Männer) unter den Beschäftigten ohne Nachwuchskräfte am "
        "Stichtag. Personen mit Geschlecht divers oder ohne Angabe werden gesondert gezählt.",
        definition_en="Women / (women + men) among staff (without trainees) at the reporting "
        "date. Persons of gender diverse or not stated are counted separately.",
        legal_source="§ 3 Nr. 9 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure("personnel", *_STAFF_WM, **_WOMEN),
        breakdowns=_NO_GENDER,
        target_key="women_share",
    ),
    Kpi(
        id="women_leadership_share",
        label_de="Frauenanteil an Führungskräften",
        label_en="Share of women in leadership",
        definition_de="Frauen / (Frauen + Männer) unter den Beschäftigten mit Führungsfunktion "
        "(Teamleitung, Bereichsleitung, Geschäftsführung) am Stichtag.",
        definition_en="Women / (women + men) among staff in a leadership role (team lead, head "
        "of division, management) at the reporting date.",
        legal_source="§ 1 Abs. 1, § 3 Nr. 9 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure("personnel", *_STAFF_WM, "leader", **_WOMEN),
        breakdowns=_NO_GENDER,
        target_key="women_leadership_share",
    ),
    Kpi(
        id="women_leadership_share_by_level",
        label_de="Frauenanteil je Führungsebene",
        label_en="Share of women by leadership level",
        definition_de="Frauen / (Frauen + Männer) je Führungsebene (Teamleitung, "
        "Bereichsleitung, Geschäftsführung) am Stichtag; der Wert ohne Ebene ist der über alle "
        "Ebenen.",
        definition_en="Women / (women + men) per leadership level (team lead, head of division, "
        "management) at the reporting date; the value without a level is that over all levels.",
        legal_source="§ 1 Abs. 1, § 3 Nr. 9 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure("personnel", *_STAFF_WM, "leader", **_WOMEN),
        breakdowns=("carrier",),
        variants=(Variants("leadership", LEADERSHIP_LEVELS),),
        target_key="women_leadership_share_by_level",
    ),
    Kpi(
        id="women_deputy_share",
        label_de="Frauenanteil an Stellvertretungen",
        label_en="Share of women among deputies",
        definition_de="Frauen / (Frauen + Männer) unter den Beschäftigten mit "
        "Stellvertretungsfunktion am Stichtag.",
        definition_en="Women / (women + men) among staff holding a deputy leadership role at "
        "the reporting date.",
        legal_source="§ 3 Nr. 9 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure("personnel", *_STAFF_WM, "deputy", **_WOMEN),
        breakdowns=_NO_GENDER,
        target_key="women_deputy_share",
    ),
    Kpi(
        id="leadership_representation_index",
        label_de="Repräsentationsindex Führung",
        label_en="Leadership representation index",
        definition_de="Frauenanteil an Führungskräften / Frauenanteil an den Beschäftigten; "
        "1,0 = Frauen sind in Führung so vertreten wie in der Belegschaft.",
        definition_en="Share of women in leadership / share of women among staff; 1.0 = women "
        "are represented in leadership as in the workforce.",
        legal_source="§ 1 Abs. 1 BGleiG",
        unit="ratio",
        kind="ratio",
        sensitive=False,
        source="derived",
        breakdowns=("carrier", "employment_type", "age_band", "org_unit"),
        target_key="leadership_representation_index",
    ),
    Kpi(
        id="underrepresentation",
        label_de="Unterrepräsentanz nach BGleiG",
        label_en="Under-representation (BGleiG)",
        definition_de="Je Entgelt-/Besoldungsgruppe und je Führungsebene: ist ein Geschlecht "
        "unterrepräsentiert? N = Frauen + Männer; bei geradem N, wenn es weniger Personen hat als "
        "das andere; bei ungeradem N erst ab einem Unterschied von mindestens zwei, also drei "
        "Personen.",
        definition_en="Per pay group and per leadership level: is one gender under-represented? "
        "N = women + men; for even N if it has fewer persons than the other; for odd N only from "
        "a difference of at least two, i.e. three persons.",
        legal_source="§ 3 Nr. 9 BGleiG",
        unit="flag",
        kind="flag-table",
        sensitive=False,
        source="personnel",
    ),
    Kpi(
        id="part_time_share",
        label_de="Teilzeitquote",
        label_en="Part-time share",
        definition_de="Aktive Beschäftigte (ohne Beurlaubte und Nachwuchskräfte) mit "
        "Wochenstunden unter der Regelarbeitszeit / aktive Beschäftigte.",
        definition_en="Active staff (not on leave, without trainees) with weekly hours below "
        "full-time hours / active staff.",
        legal_source="§ 16 BGleiG; TzBfG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure("personnel", "staff", "active", numerator="part_time", rest="full_time"),
        breakdowns=_PERSONNEL_ALL,
        target_key="part_time_share",
    ),
    Kpi(
        id="part_time_share_women",
        label_de="Teilzeitquote Frauen",
        label_en="Part-time share of women",
        definition_de="Teilzeitquote unter den aktiven weiblichen Beschäftigten.",
        definition_en="Part-time share among active female staff.",
        legal_source="§ 16 BGleiG; TzBfG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure(
            "personnel", "staff", "active", "gender=w", numerator="part_time", rest="full_time"
        ),
        breakdowns=_NO_GENDER,
        variant_of=("part_time_share", "gender", "w"),
        target_key="part_time_share_women",
    ),
    Kpi(
        id="part_time_share_men",
        label_de="Teilzeitquote Männer",
        label_en="Part-time share of men",
        definition_de="Teilzeitquote unter den aktiven männlichen Beschäftigten.",
        definition_en="Part-time share among active male staff.",
        legal_source="§ 16 BGleiG; TzBfG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure(
            "personnel", "staff", "active", "gender=m", numerator="part_time", rest="full_time"
        ),
        breakdowns=_NO_GENDER,
        variant_of=("part_time_share", "gender", "m"),
        target_key="part_time_share_men",
    ),
    Kpi(
        id="women_share_of_part_time",
        label_de="Frauenanteil an Teilzeitbeschäftigten",
        label_en="Share of women among part-timers",
        definition_de="Frauen / (Frauen + Männer) unter den aktiven Teilzeitbeschäftigten.",
        definition_en="Women / (women + men) among active part-time staff.",
        legal_source="§ 16 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure("personnel", *_STAFF_WM, "active", "part_time", **_WOMEN),
        breakdowns=_NO_GENDER,
        target_key="women_share_of_part_time",
    ),
    Kpi(
        id="part_time_leadership_share",
        label_de="Teilzeitquote Führungskräfte",
        label_en="Part-time share in leadership",
        definition_de="Aktive Führungskräfte in Teilzeit / aktive Führungskräfte.",
        definition_en="Active leaders working part-time / active leaders.",
        legal_source="§ 16 Abs. 1 BGleiG (Teilzeit auch in Führungsfunktionen)",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure(
            "personnel", "staff", "active", "leader", numerator="part_time", rest="full_time"
        ),
        breakdowns=_PERSONNEL_ALL,
        target_key="part_time_leadership_share",
    ),
    Kpi(
        id="mobile_work_share",
        label_de="Mobiles Arbeiten / Telearbeit",
        label_en="Mobile work / telework",
        definition_de="Aktive Beschäftigte mit mobilem Arbeiten oder Telearbeit / aktive "
        "Beschäftigte (ohne Nachwuchskräfte); auch für Frauen und Männer getrennt.",
        definition_en="Active staff with mobile work or telework / active staff (without "
        "trainees); also for women and men separately.",
        legal_source="§ 16 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure("personnel", "staff", "active", numerator="mobile", rest="not_mobile"),
        breakdowns=_PERSONNEL_ALL,
        variants=(Variants("gender", ("w", "m")),),
        target_key="mobile_work_share",
    ),
    Kpi(
        id="parental_leave_men_share",
        label_de="Männeranteil in Elternzeit",
        label_en="Share of men on parental leave",
        definition_de="Männer / (Frauen + Männer) unter den Beschäftigten in Elternzeit am "
        "Stichtag.",
        definition_en="Men / (women + men) among staff on parental leave at the reporting date.",
        legal_source="BEEG; § 15 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure(
            "personnel", *_STAFF_WM, "parental_leave", numerator="gender=m", rest="gender=w"
        ),
        breakdowns=_NO_GENDER,
        target_key="parental_leave_men_share",
    ),
    Kpi(
        id="care_leave_men_share",
        label_de="Männeranteil in Pflegezeit",
        label_en="Share of men on care leave",
        definition_de="Männer / (Frauen + Männer) unter den Beschäftigten in Pflegezeit oder "
        "Familienpflegezeit am Stichtag (Tabelle der Gleichstellungsstatistik; keine Kennzahl "
        "des Vertrags, aber wie die Elternzeit berechnet).",
        definition_en="Men / (women + men) among staff on care leave (Pflegezeit, "
        "Familienpflegezeit) at the reporting date (equality statistics table; not a contract "
        "KPI, computed like parental leave).",
        legal_source="PflegeZG; FPfZG; § 15 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="personnel",
        measure=_measure(
            "personnel", *_STAFF_WM, "care_leave", numerator="gender=m", rest="gender=w"
        ),
        breakdowns=_NO_GENDER,
    ),
    Kpi(
        id="sb_headcount_share",
        label_de="Anteil schwerbehinderter und gleichgestellter Beschäftigter",
        label_en="Share of severely disabled and equal-status staff",
        definition_de="Personen mit Schwerbehinderung oder Gleichstellung / alle Personen am "
        "Stichtag (einschließlich Nachwuchskräften); Köpfe, nicht die gesetzliche Quote.",
        definition_en="Persons severely disabled or of equal status / all persons at the "
        "reporting date (including trainees); heads, not the legal quota.",
        legal_source="§ 2 Abs. 2, 3 SGB IX",
        unit="%",
        kind="share",
        sensitive=True,
        source="personnel",
        measure=_measure("personnel", numerator="disabled", rest="not_disabled"),
        breakdowns=_PERSONNEL_ALL,
        target_key="sb_headcount_share",
    ),
    Kpi(
        id="sb_quota",
        label_de="Beschäftigungsquote schwerbehinderter Menschen",
        label_en="Severely disabled employment quota",
        definition_de="Gesetzliche Berechnung für das Kalenderjahr: Summe der besetzten "
        "Pflichtarbeitsplätze / Summe der zählenden Arbeitsplätze über alle Monate mit Stichtag "
        "(ohne Nachwuchskräfte, Stellen unter 18 Std. und vertretene Beurlaubte; "
        "Mehrfachanrechnung). Je Träger gesetzlich (5 %), gemeinsam als interne Kennzahl.",
        definition_en="Legal method for the calendar year: filled mandatory places / counted "
        "places, summed over the months with a snapshot (without trainees, posts under 18 hours "
        "and replaced staff on leave; multiple crediting). Per carrier the legal figure (5 %), "
        "combined an internal KPI.",
        legal_source="§§ 154–160 SGB IX",
        unit="%",
        kind="quota",
        sensitive=True,
        source="sb_quota",
        breakdowns=("carrier",),
        variants=(Variants("carrier", CARRIERS, all_carrier_view_only=True),),
        target_key="sb_quota",
    ),
    Kpi(
        id="sb_applicant_share",
        label_de="Anteil schwerbehinderter Bewerbender",
        label_en="Share of severely disabled applicants",
        definition_de="Bewerbende des Jahres, die in mindestens einer Bewerbung des Jahres eine "
        "Schwerbehinderung oder Gleichstellung angegeben haben / alle Bewerbenden des Jahres "
        "(jede Person einmal).",
        definition_en="Applicants of the year who disclosed a severe disability or equal status "
        "in at least one application of the year / all applicants of the year (each person "
        "once).",
        legal_source="§ 164 SGB IX; Inklusionsvereinbarung (§ 166 SGB IX)",
        unit="%",
        kind="share",
        sensitive=True,
        source="applicants",
        measure=_measure("applicants", numerator="disclosed", rest="not_disclosed"),
        breakdowns=("carrier", "gender"),
        target_key="sb_applicant_share",
    ),
    Kpi(
        id="sb_invite_rate",
        label_de="Einladungsquote schwerbehinderter Bewerbender",
        label_en="Interview rate of severely disabled applicants",
        definition_de="Unter den Bewerbenden mit Angabe einer Schwerbehinderung oder "
        "Gleichstellung der Anteil, der zu einem Vorstellungsgespräch eingeladen wurde "
        "(eingeladen oder eingestellt); zum Vergleich dieselbe Quote der übrigen Bewerbenden.",
        definition_en="Among applicants who disclosed a severe disability or equal status, the "
        "share invited to an interview (invited or hired); for comparison the same rate of the "
        "other applicants.",
        legal_source="§ 165 Satz 3 SGB IX",
        unit="%",
        kind="share",
        sensitive=True,
        source="applicants",
        measure=_measure("applicants", "disclosed", numerator="invited", rest="not_invited"),
        breakdowns=("carrier", "gender"),
        population_variants=(
            PopulationVariant(
                "others",
                "übrige Bewerbende",
                "other applicants",
                _measure("applicants", "not_disclosed", numerator="invited", rest="not_invited"),
            ),
        ),
        target_key="sb_invite_rate",
    ),
    Kpi(
        id="women_share_applicants",
        label_de="Frauenanteil an Bewerbenden",
        label_en="Share of women among applicants",
        definition_de="Frauen / (Frauen + Männer) unter den Bewerbenden des Jahres; das "
        "Geschlecht ist das der letzten Bewerbung.",
        definition_en="Women / (women + men) among the applicants of the year; gender is that "
        "of the latest application.",
        legal_source="§§ 6–8 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="applicants",
        measure=_measure("applicants", "gender=w|m", **_WOMEN),
        breakdowns=("carrier",),
        target_key="women_share_applicants",
    ),
    Kpi(
        id="women_share_hires",
        label_de="Frauenanteil an Einstellungen",
        label_en="Share of women among hires",
        definition_de="Frauen / (Frauen + Männer) unter den im Jahr eingestellten Bewerbenden.",
        definition_en="Women / (women + men) among the applicants hired in the year.",
        legal_source="§ 8 BGleiG",
        unit="%",
        kind="share",
        sensitive=False,
        source="applicants",
        measure=_measure("applicants", "hired", "gender=w|m", **_WOMEN),
        breakdowns=("carrier",),
        target_key="women_share_hires",
    ),
    Kpi(
        id="migration_background_share",
        label_de="Anteil mit Migrationshintergrund",
        label_en="Share with a migration background",
        definition_de="Vielfaltsbefragung (letzte Welle bis zum Jahr): Befragte, die nicht "
        "seit Geburt deutsch sind oder mindestens einen nicht seit Geburt deutschen Elternteil "
        "haben / Befragte, bei denen das bestimmbar ist; mit 95-%-Wilson-Intervall.",
        definition_en="Diversity survey (latest wave up to the year): respondents not German by "
        "birth or with at least one parent not German by birth / respondents for whom this is "
        "determinable; with Wilson 95 % interval.",
        legal_source="Destatis Mikrozensus (Migrationshintergrund)",
        unit="%",
        kind="share",
        sensitive=True,
        source="survey",
        measure=_measure(
            "survey",
            "responded",
            "migration_background_determinable",
            numerator="migration_background=yes",
            rest="migration_background=no",
        ),
        breakdowns=SURVEY_DIMENSIONS,
        target_key="migration_background_share",
        carrier_view=False,
        survey_definition="migration_background",
    ),
    Kpi(
        id="immigration_history_share",
        label_de="Anteil mit Einwanderungsgeschichte",
        label_en="Share with an immigration history",
        definition_de="Vielfaltsbefragung (letzte Welle bis zum Jahr): Befragte, die selbst "
        "zugewandert sind oder deren beide Elternteile zugewandert sind / Befragte, bei denen "
        "das bestimmbar ist; mit 95-%-Wilson-Intervall.",
        definition_en="Diversity survey (latest wave up to the year): respondents who "
        "immigrated themselves or whose parents both immigrated / respondents for whom this is "
        "determinable; with Wilson 95 % interval.",
        legal_source="Destatis Mikrozensus (Einwanderungsgeschichte, seit 2023)",
        unit="%",
        kind="share",
        sensitive=True,
        source="survey",
        measure=_measure(
            "survey",
            "responded",
            "immigration_history_determinable",
            numerator="immigration_history=yes",
            rest="immigration_history=no",
        ),
        breakdowns=SURVEY_DIMENSIONS,
        target_key="immigration_history_share",
        carrier_view=False,
        survey_definition="immigration_history",
    ),
    Kpi(
        id="survey_response_rate",
        label_de="Rücklaufquote der Vielfaltsbefragung",
        label_en="Diversity survey response rate",
        definition_de="Befragte / Eingeladene der letzten Befragungswelle bis zum Jahr.",
        definition_en="Respondents / invited of the latest survey wave up to the year.",
        legal_source="Vielfaltsbefragung (eigene Erhebung)",
        unit="%",
        kind="share",
        sensitive=False,
        source="survey",
        measure=_measure("survey", numerator="responded", rest="not_responded"),
        target_key="survey_response_rate",
        carrier_view=False,
    ),
)

KPIS: dict[str, Kpi] = {kpi.id: kpi for kpi in REGISTRY}
KPI_IDS: tuple[str, ...] = tuple(KPIS)
# the KPI targets CONTRACT § 2 prescribes; the shipped settings.toml must define them
CONTRACT_TARGET_KEYS = (
    "women_leadership_share",
    "women_leadership_share_by_level",
    "leadership_representation_index",
    "sb_quota",
    "sb_quota.BA",
    "sb_quota.Kommune",
    "sb_applicant_share",
)


def variant_ids(kpi: Kpi, carrier: str | None = None) -> list[str]:
    """Ids of the KPI's variants in a view (carrier variants only in the all-carrier view)."""
    ids = []
    for variants in kpi.variants:
        if variants.all_carrier_view_only and carrier is not None:
            continue
        ids.extend(f"{kpi.id}.{category}" for category in variants.categories)
        ids.extend(f"{kpi.id}.{name}" for name, _ in variants.combined)
    ids.extend(f"{kpi.id}.{variant.suffix}" for variant in kpi.population_variants)
    return ids


def _all_variant_ids() -> dict[str, Kpi]:
    return {variant: kpi for kpi in REGISTRY for variant in variant_ids(kpi)}


def split_id(full_id: str) -> tuple[Kpi, str | None]:
    """'women_leadership_share_by_level.Teamleitung' -> (its Kpi, 'Teamleitung')."""
    if full_id in KPIS:
        return KPIS[full_id], None
    variants = _all_variant_ids()
    if full_id in variants:
        return variants[full_id], full_id[len(variants[full_id].id) + 1 :]
    raise KeyError(f"unknown KPI id {full_id!r}")


def _variant_dimension(kpi: Kpi, suffix: str) -> str:
    for variants in kpi.variants:
        if suffix in variants.categories or suffix in dict(variants.combined):
            return variants.dimension
    return "population"


def kpi_label(full_id: str, lang: Lang = "de") -> str:
    kpi, suffix = split_id(full_id)
    if suffix is None:
        return kpi.label(lang)
    return f"{kpi.label(lang)} – {category_label(_variant_dimension(kpi, suffix), suffix, lang)}"


def target_key_error(key: str) -> str | None:
    """Why `key` cannot be a key of [targets] in the settings, or None if it can."""
    try:
        kpi, _ = split_id(key)
    except KeyError:
        return f"no KPI or variant with this id (known KPIs: {', '.join(KPI_IDS)})"
    if kpi.target_key is None:
        return f"KPI {kpi.id!r} ({kpi.kind}) cannot have a target"
    return None


def validate_registry(settings: Settings | None = None) -> None:
    """Raises ValueError listing every inconsistency of the registry (run by a test)."""
    problems: list[str] = []
    ids = [kpi.id for kpi in REGISTRY]
    problems += [f"duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    seen_variants: set[str] = set()
    for kpi in REGISTRY:
        where = f"{kpi.id}: "
        for name in ("label_de", "label_en", "definition_de", "definition_en", "legal_source"):
            if not getattr(kpi, name).strip():
                problems.append(where + f"{name} is empty")
        if kpi.unit not in UNITS:
            problems.append(where + f"unknown unit {kpi.unit!r}")
        if kpi.kind not in KINDS:
            problems.append(where + f"unknown kind {kpi.kind!r}")
        if kpi.source not in SOURCES:
            problems.append(where + f"unknown source {kpi.source!r}")
        allowed = SURVEY_DIMENSIONS if kpi.source == "survey" else DIMENSIONS
        problems += [
            where + f"breakdown {d!r} not in the catalogue"
            for d in kpi.breakdowns
            if d not in allowed
        ]
        if kpi.kind in ("share", "count"):
            if kpi.measure is None:
                problems.append(where + "a share or count needs a measure")
            elif kpi.measure.is_share != (kpi.kind == "share"):
                problems.append(where + "measure does not match the kind")
        if kpi.measure is not None:
            problems += _measure_problems(where, kpi.measure)
            if kpi.measure.sensitive != kpi.sensitive:
                problems.append(where + "sensitivity does not match the measure's atoms")
        for variants in kpi.variants:
            categories = DIMENSION_CATEGORIES.get(variants.dimension)
            if categories is not None and not set(variants.categories) <= set(categories):
                problems.append(where + f"variant categories outside {variants.dimension}")
        for variant in variant_ids(kpi):
            if variant in seen_variants or variant in KPIS:
                problems.append(where + f"variant id {variant!r} is not unique")
            seen_variants.add(variant)
        if kpi.variant_of is not None:
            base_id, dimension, category = kpi.variant_of
            categories = DIMENSION_CATEGORIES.get(dimension)
            if base_id not in KPIS or categories is None or category not in categories:
                problems.append(where + f"variant_of refers to unknown {kpi.variant_of!r}")
        if kpi.target_key is not None and kpi.target_key != kpi.id:
            problems.append(where + "target_key must be the KPI id")
        if kpi.source == "survey" and kpi.carrier_view:
            problems.append(where + "survey KPIs have no carrier view")
    targets = (settings or load_settings()).target_table
    for key in targets:
        problem = target_key_error(key)
        if problem:
            problems.append(f"settings target {key!r}: {problem}")
    for key in CONTRACT_TARGET_KEYS:
        if key not in targets:
            problems.append(f"settings: the contract's target {key!r} is missing")
    if problems:
        raise ValueError("KPI registry is inconsistent:\n- " + "\n- ".join(problems))


def _measure_problems(where: str, measure: Measure) -> list[str]:
    known = ATOMS[measure.universe]
    atoms = [*measure.population, measure.numerator, measure.remainder]
    problems = [where + f"unknown atom {a!r}" for a in atoms if a is not None and a not in known]
    if (measure.numerator is None) != (measure.remainder is None):
        problems.append(where + "a share needs both numerator and remainder atoms")
    return problems


# ================================================================================================
# Published values
# ================================================================================================

_VALUE_DECIMALS = 2
_PERCENT_EXTRAS = ("ci_low", "ci_high", "response_rate")


@dataclass(frozen=True)
class KpiValue:
    """One KPI (or variant) of one view and year, after disclosure control."""

    id: str
    value: float | None  # percent values as percent (8.73), counts as int, ratios as float
    numerator: float | None  # None when suppressed (for a ratio: the two shares in percent)
    denominator: float | None
    target: float | None
    suppressed: bool
    reason: str | None
    k: int | None
    unit: str
    extra: Mapping[str, object] = field(default_factory=dict)
    # a share published as its rounded value, its counts withheld (CONTRACT § 3)
    counts_withheld: bool = False

    @property
    def label(self) -> str | None:
        """The sign standing in for a withheld value: "< k" for a small count, else "•"."""
        if not self.suppressed or self.k is None:
            return None
        return withheld_sign(self.reason, self.k, percentage=self.unit != "count")

    def to_json(self) -> dict[str, object]:
        """The CONTRACT § 4 entry: percents rounded to 2 decimals, suppressed numbers null."""
        entry: dict[str, object] = {
            "value": _json_number(self.value, self.unit),
            "numerator": _json_number(self.numerator, self.unit),
            "denominator": _json_number(self.denominator, self.unit),
            "target": self.target,
            "suppressed": self.suppressed,
            "unit": self.unit,
        }
        if self.counts_withheld:
            entry["counts_withheld"] = True
        if self.suppressed:
            entry["label"] = self.label
            entry["reason"] = self.reason
        for key, value in self.extra.items():
            rounded = key in _PERCENT_EXTRAS and isinstance(value, float)
            entry[key] = round(value, _VALUE_DECIMALS) if rounded else value
        return entry


def _json_number(value: float | None, unit: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and unit != "%"):
        return int(value)
    return round(float(value), _VALUE_DECIMALS)


def format_kpi_value(kpi_value: KpiValue, lang: Lang = "de") -> str:
    """Display text: '8,73 %' (de) / '8.73 %' (en), '1.050', '0,87', '< 10', '–' for no data."""
    if kpi_value.suppressed:
        return kpi_value.label or "–"
    value = kpi_value.value
    if kpi_value.unit == "flag":
        areas = kpi_value.extra.get("areas") or []
        flagged = [a for a in areas if isinstance(a, dict) and a.get("underrepresented")]
        if not flagged:
            return "–"
        names = {
            "w": category_label("gender", "w", lang),
            "m": category_label("gender", "m", lang),
        }
        parts = []
        for gender in ("w", "m"):
            listed = [str(a["area"]) for a in flagged if a["underrepresented"] == gender]
            if listed:
                parts.append(f"{names[gender]}: {', '.join(listed)}")
        return "; ".join(parts)
    if value is None:
        return "–"
    if kpi_value.unit == "%":
        return f"{format_number(value, lang, 2)} %"
    if kpi_value.unit == "ratio":
        return format_number(value, lang, 2)
    if kpi_value.unit == "€":
        return f"{format_number(value, lang, 0)} €"
    return format_number(value, lang, 0)


def format_target(kpi_value: KpiValue, lang: Lang = "de") -> str:
    target = kpi_value.target
    if target is None:
        return ""
    if kpi_value.unit == "%":
        decimals = 0 if float(target).is_integer() else 1
        return f"{format_number(target, lang, decimals)} %"
    if kpi_value.unit == "ratio":
        return format_number(target, lang, 1)
    return format_number(target, lang, 0)


# ================================================================================================
# Years and reporting dates
# ================================================================================================


def available_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with a personnel snapshot, an application or a survey wave, ascending."""
    rows = con.execute(
        f"""
        SELECT DISTINCT year(reporting_date) FROM {PERSONNEL.table}
        UNION SELECT DISTINCT year(application_date) FROM {APPLICATIONS.table}
        UNION SELECT DISTINCT wave FROM {SURVEY.table}
        """
    ).fetchall()
    return sorted(int(year) for (year,) in rows)


def reporting_date(con: duckdb.DuckDBPyConnection, year: int) -> date | None:
    """The latest personnel snapshot in `year` (the yearly view's reporting date D)."""
    ((latest,),) = con.execute(
        f"SELECT max(reporting_date) FROM {PERSONNEL.table} "
        "WHERE reporting_date >= $start AND reporting_date < $end",
        {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)},
    ).fetchall()
    return latest


def latest_survey_wave(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    waves = [wave for wave in survey_data.survey_waves(con) if wave <= year]
    return max(waves) if waves else None


# ================================================================================================
# Counting (DuckDB)
# ================================================================================================

View = str | None  # None = all carriers
_VIEWS: tuple[View, ...] = (None, *CARRIERS)


@dataclass(frozen=True)
class _Counts:
    num: int  # for a count: equal to den
    den: int


_EMPTY = _Counts(0, 0)
# (measure, view, dimension or None for the whole view, category or None)
_CountKey = tuple[Measure, View, str | None, str | None]

_AGE_BAND_SQL = (
    "CASE WHEN $year - birth_year < 30 THEN '< 30' "
    "WHEN $year - birth_year < 45 THEN '30–44' "
    "WHEN $year - birth_year < 55 THEN '45–54' ELSE '≥ 55' END"
)
# the only column expressions a breakdown may group by (contract whitelist)
_PERSONNEL_DIMENSION_SQL = {
    "leadership": "leadership",
    "employment_type": "employment_type",
    "gender": "gender",
    "org_unit": "org_unit",
    "pay_group": "pay_group",
    "age_band": "age_band",
}


def _predicate(atoms: Iterable[str], atom_sql: Mapping[str, str]) -> str:
    parts = [f"({atom_sql[atom]})" for atom in sorted(atoms)]
    return " AND ".join(parts) or "TRUE"


def _aggregates(
    measures: list[Measure], atom_sql: Mapping[str, str], *, weight: str | None = None
) -> str:
    """FILTER aggregates of every measure: count(*) over rows, or sum(weight) over cells."""

    def counted(condition: str) -> str:
        if weight is None:
            return f"count(*) FILTER (WHERE {condition})"
        return f"coalesce(sum({weight}) FILTER (WHERE {condition}), 0)"

    columns = []
    for index, measure in enumerate(measures):
        population = _predicate(measure.population, atom_sql)
        columns.append(f"{counted(population)} AS den_{index}")
        if measure.is_share:
            numerator = _predicate({*measure.population, measure.numerator}, atom_sql)
            columns.append(f"{counted(numerator)} AS num_{index}")
    return ",\n    ".join(columns)


def _read_counts(
    result: pd.DataFrame, measures: list[Measure], dimensions: list[str], view_column: str
) -> dict[_CountKey, _Counts]:
    counts: dict[_CountKey, _Counts] = {}
    for row in result.itertuples(index=False):
        record = row._asdict()
        view = record[view_column]
        view = None if view == "*" or pd.isna(view) else view
        dimension = None
        category = None
        for name in dimensions:
            if record[f"g_{name}"] == 0:
                dimension, category = name, record[name]
        if dimension is not None and pd.isna(category):
            continue  # a NULL category cannot occur in validated data
        for index, measure in enumerate(measures):
            den = int(record[f"den_{index}"])
            num = int(record[f"num_{index}"]) if measure.is_share else den
            counts[(measure, view, dimension, category)] = _Counts(num, den)
    return counts


def _personnel_counts(
    con: duckdb.DuckDBPyConnection,
    snapshot: date,
    measures: list[Measure],
    dimensions: list[str],
    *,
    include_views: bool,
    gender_sql: str = "gender",
) -> dict[_CountKey, _Counts]:
    """Counts of every measure per view × category of each dimension, in one query.

    Two levels (measured in bench/proto_kpi_fast.py): the snapshot is first grouped by carrier,
    the dimensions and every atom into a few thousand cells with their head count n; the
    GROUPING SETS then sum n over those cells. Counts add up, so the result is the same as
    FILTER aggregates over the rows, but the per-measure work no longer grows with the staff.
    """
    atoms = sorted({a for m in measures for a in (*m.population, m.numerator) if a is not None})
    atom_columns = {atom: f"atom_{index}" for index, atom in enumerate(atoms)}
    atom_select = "".join(f"({PERSONNEL_ATOMS[a]}) AS {c}, " for a, c in atom_columns.items())
    dimension_select = "".join(f"{_PERSONNEL_DIMENSION_SQL[d]} AS {d}, " for d in dimensions)
    sets = [f"({d}), (carrier, {d})" for d in dimensions]
    if include_views:
        sets.insert(0, "(), (carrier)")
    grouping_columns = "".join(f"{d}, GROUPING({d}) AS g_{d}, " for d in dimensions)
    sql = f"""
        WITH snapshot AS (
            SELECT * REPLACE ({gender_sql} AS gender), {_AGE_BAND_SQL} AS age_band
            FROM {PERSONNEL.table} WHERE reporting_date = $date
        ),
        cells AS (
            SELECT carrier, {dimension_select} {atom_select} count(*) AS n
            FROM snapshot
            GROUP BY ALL
        )
        SELECT CASE WHEN GROUPING(carrier) = 1 THEN '*' ELSE carrier END AS view,
            {grouping_columns}
            {_aggregates(measures, atom_columns, weight="n")}
        FROM cells
        GROUP BY GROUPING SETS ({", ".join(sets)})
    """
    result = con.execute(sql, {"date": snapshot, "year": snapshot.year}).df()
    return _read_counts(result, measures, dimensions, "view")


def _applicant_counts(
    con: duckdb.DuckDBPyConnection, year: int, measures: list[Measure], *, by_gender: bool
) -> dict[_CountKey, _Counts]:
    """Per-applicant rules over the year (CONTRACT § 2), per view, in one query.

    An applicant belongs to a carrier view through their applications with that carrier; the
    per-applicant attributes of a view are taken over those applications only. Applications
    without a carrier count in the all-carrier view only.
    """
    sets = "(view), (view, gender)" if by_gender else "(view)"
    gender_columns = "gender, GROUPING(gender) AS g_gender," if by_gender else ""
    sql = f"""
        WITH applications_of_year AS ({APPLICATIONS_OF_YEAR_SQL}),
        applicants AS (
            SELECT CASE WHEN GROUPING(carrier) = 1 THEN '*' ELSE carrier END AS view,
                bool_or(disclosed) AS disclosed,
                bool_or(invited) AS invited,
                bool_or(hired) AS hired,
                {LATEST_GENDER_SQL} AS gender
            FROM applications_of_year
            GROUP BY GROUPING SETS ((applicant_key), (applicant_key, carrier))
        )
        SELECT view, {gender_columns}
            {_aggregates(measures, APPLICANT_ATOMS)}
        FROM applicants
        WHERE view IS NOT NULL  -- applications without carrier, in the per-carrier grouping
        GROUP BY GROUPING SETS ({sets})
    """
    result = con.execute(sql, {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)}).df()
    return _read_counts(result, measures, ["gender"] if by_gender else [], "view")


# ================================================================================================
# Disclosure: groups (variants and breakdowns) and the audit
# ================================================================================================


def _withheld(reason: Reason, k: int) -> Published:
    return Published(None, None, None, True, reason, k)


def _publish(counts: _Counts, measure: Measure, rules: DisclosureRules) -> Published:
    if measure.is_share:
        return publish_share(counts.num, counts.den, sensitive=measure.sensitive, rules=rules)
    return publish_count(counts.den, sensitive=measure.sensitive, rules=rules)


def _differences_pass(
    child: _Counts, parent: _Counts, sensitive: bool, rules: DisclosureRules
) -> bool:
    """May both figures be published side by side? (their differences pass the rule)

    Absolute differences: an applicant's attributes in a carrier view are taken over that
    carrier's applications, so a carrier figure need not be contained in the all-carrier one.
    """
    if child == parent:
        return True  # the filter removed nobody: nothing to reveal
    if not population_passes(abs(parent.den - child.den), parents=(), rules=rules):
        return False
    differences = (
        abs(parent.num - child.num),
        abs((parent.den - parent.num) - (child.den - child.num)),
    )
    return all(count_passes(d, sensitive=sensitive, rules=rules) for d in differences)


def _publish_guarded(
    counts: _Counts, parent: _Counts | None, measure: Measure, rules: DisclosureRules
) -> Published:
    """A carrier view's figure with the all-carrier figure as parent (differencing guard)."""
    if parent is None or parent == counts:
        return _publish(counts, measure, rules)
    contained = parent.num >= counts.num and (parent.den - parent.num) >= (counts.den - counts.num)
    if not contained:
        if not _differences_pass(counts, parent, measure.sensitive, rules):
            return _withheld(Reason.DIFFERENCING, rules.k(measure.sensitive))
        return _publish(counts, measure, rules)
    if measure.is_share:
        return publish_share(
            counts.num,
            counts.den,
            sensitive=measure.sensitive,
            rules=rules,
            parents=[(parent.num, parent.den)],
        )
    return publish_count(counts.den, sensitive=measure.sensitive, rules=rules, parents=[parent.den])


def _protect_row(
    cells: Mapping[str, _Counts],
    measure: Measure,
    rules: DisclosureRules,
    *,
    forced: set[str],
    margin_published: bool,
) -> tuple[dict[str, Published], bool]:
    """One view's row of categories (the view's figure is its total), complementary suppressed.

    A share is two tables over the same categories, numerators and remainders; a category is
    hidden if either table hides it. `forced`: categories that must be hidden for reasons outside
    this row (another view, the audit). protect_table cannot be told so: if the row line rule
    (at least two hidden cells, hidden mass ≥ k) does not already hold with them, they are
    entered with a failing value (see `_entered`) so that protect_table picks their partners.
    Empty categories (nobody in the population) are not part of the tables: their value is null
    and not suppressed (CONTRACT § 2), and a known zero would protect nothing.

    Also returns whether the row is *exposed*: a category that must be hidden is all the row
    holds, so the published total gives it away (the caller must hide something else).
    """
    sensitive = measure.sensitive
    k = rules.k(sensitive)
    result: dict[str, Published] = {}
    nonempty = [c for c, counts in cells.items() if counts.den > 0]
    for category, counts in cells.items():
        if counts.den == 0:
            result[category] = (
                _publish(_EMPTY, measure, rules)
                if measure.is_share
                else publish_count(0, sensitive=False, rules=rules)
            )
    if not nonempty:
        return result, False
    if not margin_published:
        # the view's own figure is suppressed: its parts would add up to it
        for category in nonempty:
            result[category] = _withheld(Reason.TABLE_WITHHELD, k)
        return result, False

    tables = (
        [
            {c: cells[c].num for c in nonempty},
            {c: cells[c].den - cells[c].num for c in nonempty},
        ]
        if measure.is_share
        else [{c: cells[c].den for c in nonempty}]
    )
    must_hide = set(forced) & set(nonempty)
    hidden, withheld = _suppressed_in_tables(tables, nonempty, set(), sensitive, rules)
    hidden |= must_hide
    while not withheld and not _line_holds(tables, hidden, must_hide, sensitive, rules):
        # partners needed: let protect_table choose them, hidden cells entered as failing
        wider, withheld = _suppressed_in_tables(tables, nonempty, hidden, sensitive, rules)
        if wider == hidden:
            withheld = True  # no further partner exists: nothing of the row can be shown
        hidden = wider

    for category in nonempty:
        counts = cells[category]
        if withheld:
            result[category] = _withheld(Reason.TABLE_WITHHELD, k)
        elif category in hidden:
            reason = _hidden_reason(counts, measure, rules, forced, category)
            result[category] = _withheld(reason, k)
        else:
            published = _publish(counts, measure, rules)
            assert not published.suppressed, "protect_table published a failing cell"
            result[category] = published
    exposed = len(nonempty) == 1 and bool(must_hide)
    return result, exposed


def _withhold_row(
    cells: Mapping[str, _Counts],
    measure: Measure,
    rules: DisclosureRules,
    *,
    hide_empty: bool = False,
) -> dict[str, Published]:
    """Every non-empty category hidden; empty ones null (nobody to protect) — or hidden too,
    where the row's total stays published and "the others are empty" would give a single
    category away."""
    k = rules.k(measure.sensitive)
    return {
        category: _withheld(Reason.TABLE_WITHHELD, k)
        if counts.den > 0 or hide_empty
        else _publish(_EMPTY, measure, rules)
        if measure.is_share
        else publish_count(0, sensitive=False, rules=rules)
        for category, counts in cells.items()
    }


def _protect_grid(
    group: _Group, carriers: tuple[View, ...], rules: DisclosureRules
) -> dict[View, dict[str, Published]] | None:
    """protect_table on carriers × categories, the all-carrier row as column totals.

    A share is two grids (numerators, remainders) hidden together. Cells that must be hidden
    for outside reasons (the audit) are entered as failing values, as in `_protect_row`; a
    hidden all-carrier cell is forced by entering its column's cells as 1. Sensitive figures
    are protected with k_sensitive under the ordinary rule and their zeros entered as failing:
    then a carrier without anybody in a category (a known 0) protects nothing and does not
    count as disclosive, while a real 0 % is hidden. Returns None if no pattern keeps the
    carriers' and the all-carrier figures (the row and grand totals) published.
    """
    measure = group.measure
    sensitive = measure.sensitive
    k = rules.k(sensitive)
    grid_rules = DisclosureRules(k_ordinary=k, k_sensitive=max(k, rules.k_sensitive))
    rows = [v for v in carriers if any(group.rows[v][c].den > 0 for c in group.categories)]
    columns = [c for c in group.categories if group.rows[None][c].den > 0]
    results = {view: _withhold_row(group.rows[view], measure, rules) for view in carriers}
    results[None] = _withhold_row(group.rows[None], measure, rules)
    if not columns or not rows:
        return results

    def values(view: View, category: str) -> list[int]:
        counts = group.rows[view][category]
        return [counts.num, counts.den - counts.num] if measure.is_share else [counts.den]

    def fails(value: int, counts: _Counts) -> bool:
        if counts.den == 0:
            return False  # nobody there: a known zero
        return not count_passes(value, sensitive=sensitive, rules=rules)

    n_tables = 2 if measure.is_share else 1
    forced_cells = {
        (v, c) for v in rows for c in group.forced[v] if c in columns and group.rows[v][c].den > 0
    }
    forced_columns = {c for c in group.forced[None] if c in columns}
    column_size = {c: sum(group.rows[v][c].den > 0 for v in rows) for c in columns}
    hidden_cells = set(forced_cells)
    hidden_columns = set(forced_columns)
    substitute_all = False
    while True:
        new_cells, new_columns = set(hidden_cells), set(hidden_columns)
        for table in range(n_tables):
            entered = []
            for view in rows:
                line = []
                for category in columns:
                    counts = group.rows[view][category]
                    value = values(view, category)[table]
                    column_forced = category in forced_columns or (
                        substitute_all and category in hidden_columns
                    )
                    if column_forced and counts.den > 0:
                        # the column total must fail: its cells entered small enough
                        value = max(1, (k - 1) // column_size[category])
                    elif (view, category) in hidden_cells and (
                        substitute_all or (view, category) in forced_cells
                    ):
                        value = _entered(value, True, False, grid_rules)
                    elif sensitive and counts.den > 0 and value == 0:
                        value = 1  # a real 0 % / 100 % is disclosive
                    line.append(value)
                entered.append(line)
            table_result = protect_table(
                pd.DataFrame(entered, index=rows, columns=columns),
                sensitive=False,
                rules=grid_rules,
            )
            if (
                table_result.withheld
                or table_result.row_totals.isna().any()
                or table_result.grand_total is None
            ):
                return None  # the carriers' or the all-carrier figure would have to go
            suppressed = table_result.suppressed.to_numpy()
            for i, view in enumerate(rows):
                for j, category in enumerate(columns):
                    if suppressed[i, j]:
                        new_cells.add((view, category))
            new_columns |= {c for c in columns if pd.isna(table_result.column_totals[c])}
        # a real zero entered as 1 can lift a failing all-carrier cell over k: check the truth
        failing = {
            c
            for c in columns
            if c not in new_columns and _publish(group.rows[None][c], measure, rules).suppressed
        }
        if failing:
            forced_columns |= failing
            hidden_columns = new_columns | failing
            hidden_cells = new_cells
            continue
        settled = new_cells == hidden_cells and new_columns == hidden_columns
        hidden_cells, hidden_columns = new_cells, new_columns
        if settled and _grid_lines_hold(
            group, rows, columns, hidden_cells, hidden_columns, forced_cells, values, fails, k
        ):
            break
        if settled:
            if substitute_all:
                return None
            substitute_all = True  # partners needed with the true values: enter hidden as failing

    for view in rows:
        for category in columns:
            counts = group.rows[view][category]
            if (view, category) in hidden_cells:
                reason = (
                    _hidden_reason(counts, measure, rules, group.forced[view], category)
                    if counts.den > 0
                    else Reason.COMPLEMENTARY
                )
                results[view][category] = _withheld(reason, k)
            else:
                results[view][category] = _publish(counts, measure, rules)
    for category in columns:
        counts = group.rows[None][category]
        if category in hidden_columns:
            reason = _hidden_reason(counts, measure, rules, group.forced[None], category)
            results[None][category] = _withheld(reason, k)
        else:
            results[None][category] = _publish(counts, measure, rules)
    for view in (None, *rows):
        for category, published in results[view].items():
            if not published.suppressed and category in columns:
                assert not _publish(group.rows[view][category], measure, rules).suppressed
    return results


def _grid_lines_hold(
    group: _Group,
    rows: list[View],
    columns: list[str],
    hidden_cells: set[tuple[View, str]],
    hidden_columns: set[str],
    forced_cells: set[tuple[View, str]],
    values,
    fails,
    k: int,
) -> bool:
    """Line rule with the true values for every row and column with a published total: where
    a hidden cell needs protection, at least two hidden cells and a hidden mass of ≥ k."""
    lines = [[(view, c) for c in columns] for view in rows]
    lines += [[(view, c) for view in rows] for c in columns if c not in hidden_columns]
    n_tables = len(values(rows[0], columns[0]))
    for line in lines:
        hidden = [cell for cell in line if cell in hidden_cells]
        for table in range(n_tables):
            needs = [
                cell
                for cell in hidden
                if cell in forced_cells or fails(values(*cell)[table], group.rows[cell[0]][cell[1]])
            ]
            if not needs:
                continue
            mass = sum(values(*cell)[table] for cell in hidden)
            if len(hidden) < 2 or mass < k:
                return False
    return True


def _suppressed_in_tables(
    tables: list[dict[str, int]],
    categories: list[str],
    hidden: set[str],
    sensitive: bool,
    rules: DisclosureRules,
) -> tuple[set[str], bool]:
    """Categories protect_table hides in any of the tables (cells in `hidden` entered as
    failing), with `hidden` itself; and whether a table must be withheld as a whole."""
    union = set(hidden)
    for values in tables:
        entered = [_entered(values[c], c in hidden, sensitive, rules) for c in categories]
        table = protect_table(
            pd.DataFrame([entered], columns=categories), sensitive=sensitive, rules=rules
        )
        if table.withheld or pd.isna(table.row_totals.iloc[0]):
            return union, True
        union |= {c for c in categories if bool(table.suppressed.iloc[0][c])}
    return union, False


def _line_holds(
    tables: list[dict[str, int]],
    hidden: set[str],
    must_hide: set[str],
    sensitive: bool,
    rules: DisclosureRules,
) -> bool:
    """The row line rule with the true values: in every table where a hidden cell needs
    protection (it fails, or must be hidden), at least two hidden cells summing to ≥ k."""
    k = rules.k(sensitive)
    for values in tables:
        protected = {
            c
            for c in hidden
            if c in must_hide or not count_passes(values[c], sensitive=sensitive, rules=rules)
        }
        if protected and (len(hidden) < 2 or sum(values[c] for c in hidden) < k):
            return False
    return True


def _entered(value: int, must_hide: bool, sensitive: bool, rules: DisclosureRules) -> int:
    """The value protect_table sees for a cell: a cell that must be hidden although it passes
    is entered as the largest failing count (k − 1), so that protect_table finds partners for
    it while its part of the hidden mass and of the total stays close to the truth; a zero as 1.
    The line rule is then checked again with the true values."""
    if not must_hide or not count_passes(value, sensitive=sensitive, rules=rules):
        return value
    return rules.k(sensitive) - 1 if value > 0 else 1


def _hidden_reason(
    counts: _Counts, measure: Measure, rules: DisclosureRules, forced: set[str], category: str
) -> Reason:
    sensitive = measure.sensitive
    if not count_passes(counts.num, sensitive=sensitive, rules=rules) and not measure.is_share:
        return Reason.SMALL_COUNT
    if not population_passes(counts.den, parents=(), rules=rules):
        return Reason.SMALL_POPULATION
    if not count_passes(counts.num, sensitive=sensitive, rules=rules):
        return Reason.SMALL_COUNT
    if measure.is_share and not count_passes(
        counts.den - counts.num, sensitive=sensitive, rules=rules
    ):
        return Reason.SMALL_REMAINDER
    if category in forced:
        return Reason.DIFFERENCING
    return Reason.COMPLEMENTARY


@dataclass
class _Group:
    """A measure broken down by one dimension, one row per view."""

    measure: Measure
    dimension: str
    categories: tuple[str, ...]
    rows: dict[View, dict[str, _Counts]]
    forced: dict[View, set[str]] = field(default_factory=dict)
    frozen: bool = False  # published elsewhere already (stage 1): the audit may not change it
    results: dict[View, dict[str, Published]] = field(default_factory=dict)
    # rows whose empty categories are shown as hidden, not as null: otherwise "nobody there"
    # plus the row's total would give a single hidden category away
    hide_empty: set[View] = field(default_factory=set)


@dataclass
class _Section:
    """Everything of one universe and year that is counted, and its publication."""

    universe: Universe
    universe_atom: str
    rules: DisclosureRules
    views: tuple[View, ...]
    partition: bool  # carrier rows add up exactly to the all-carrier row
    counts: dict[_CountKey, _Counts]
    base: dict[tuple[Measure, View], Published] = field(default_factory=dict)
    frozen_base: set[tuple[Measure, View]] = field(default_factory=set)
    groups: dict[tuple[Measure, str], _Group] = field(default_factory=dict)
    # measures whose published figure is a cell of another measure's variant table
    # (part_time_share_women is part_time_share by gender, category w): never published twice
    mirrors: dict[Measure, tuple[Measure, str, str]] = field(default_factory=dict)
    # public facts (audit owners): never hidden, and their differences are public too
    public: set[tuple] = field(default_factory=set)
    # what the planner hid, as the rules had published it (audit owner → published)
    before_plan: dict[tuple, Published] = field(default_factory=dict)

    def published_base(self, measure: Measure, view: View) -> Published:
        if measure in self.mirrors:
            source, dimension, category = self.mirrors[measure]
            return self.groups[(source, dimension)].results[view][category]
        return self.base[(measure, view)]

    def base_counts(self, measure: Measure, view: View) -> _Counts:
        return self.counts.get((measure, view, None, None), _EMPTY)

    # --- publication ----------------------------------------------------------------------

    def publish_base(self, measures: Iterable[Measure]) -> None:
        for measure in measures:
            if (measure, None) in self.base:
                continue
            all_counts = self.base_counts(measure, None)
            self.base[(measure, None)] = _publish(all_counts, measure, self.rules)
            for view in self.views[1:]:
                self.base[(measure, view)] = _publish_guarded(
                    self.base_counts(measure, view), all_counts, measure, self.rules
                )

    def add_group(self, measure: Measure, dimension: str, categories: Iterable[str]) -> _Group:
        key = (measure, dimension)
        if key in self.groups:
            return self.groups[key]
        admitted = tuple(c for c in categories if measure.admits(dimension, c))
        rows = {
            view: {c: self.counts.get((measure, view, dimension, c), _EMPTY) for c in admitted}
            for view in self.views
        }
        group = _Group(measure, dimension, admitted, rows, {view: set() for view in self.views})
        self.groups[key] = group
        self.protect(group)
        return group

    def margin_published(self, measure: Measure, view: View) -> bool:
        return not self.published_base(measure, view).suppressed

    def protect(self, group: _Group) -> None:
        if self.partition:
            group.results = self._protect_partition(group)
        else:
            group.results = self._protect_overlapping(group)
        k = self.rules.k(group.measure.sensitive)
        for view in group.hide_empty:
            row = group.results[view]
            for category in group.categories:
                if group.rows[view][category].den == 0 and not row[category].suppressed:
                    row[category] = _withheld(Reason.COMPLEMENTARY, k)

    def _protect_partition(self, group: _Group) -> dict[View, dict[str, Published]]:
        """Carrier rows that add up to the all-carrier row: one table carriers × categories whose
        column totals are the all-carrier row and whose row totals are the carriers' figures."""
        measure, rules = group.measure, self.rules
        carriers = self.views[1:]
        all_published = self.margin_published(measure, None)
        carriers_published = all(self.margin_published(measure, v) for v in carriers)
        if all_published and carriers_published and carriers:
            grid = _protect_grid(group, carriers, rules)
            if grid is not None:
                return grid
            # no pattern keeps the published totals: nothing but the totals is shown
            return {
                view: _withhold_row(group.rows[view], measure, rules, hide_empty=True)
                for view in self.views
            }
        results: dict[View, dict[str, Published]] = {}
        if all_published:
            # a carrier's figure is hidden, and so is every carrier row (each is the all-carrier
            # row minus the others); the all-carrier row stands on its own
            results = {view: _withhold_row(group.rows[view], measure, rules) for view in carriers}
            results[None], _ = _protect_row(
                group.rows[None],
                measure,
                rules,
                forced=group.forced[None],
                margin_published=True,
            )
            return results
        # the all-carrier figure is hidden, and with it its whole row: no column total links
        # the carrier rows, so a carrier whose own figure is published stands on its own
        results[None] = _withhold_row(group.rows[None], measure, rules)
        for view in carriers:
            results[view], _ = _protect_row(
                group.rows[view],
                measure,
                rules,
                forced=group.forced[view],
                margin_published=self.margin_published(measure, view),
            )
        return results

    def _protect_overlapping(self, group: _Group) -> dict[View, dict[str, Published]]:
        """Carrier views that overlap (an applicant in both) or leave people out (no carrier):
        each row is protected on its own, and a carrier cell whose difference to the
        all-carrier cell is small is hidden — or, where it cannot be hidden (it is all its view
        holds), the all-carrier cell is."""
        measure, rules = group.measure, self.rules
        carriers = self.views[1:]
        forced_all = set(group.forced[None])
        while True:
            results: dict[View, dict[str, Published]] = {}
            results[None], _ = _protect_row(
                group.rows[None],
                measure,
                rules,
                forced=forced_all,
                margin_published=self.margin_published(measure, None),
            )
            moved = set()
            for view in carriers:
                row = group.rows[view]
                guarded = {
                    c
                    for c in group.categories
                    if row[c].den > 0
                    and not results[None][c].suppressed
                    and not _differences_pass(row[c], group.rows[None][c], measure.sensitive, rules)
                }
                results[view], exposed = _protect_row(
                    row,
                    measure,
                    rules,
                    forced=group.forced[view] | guarded,
                    margin_published=self.margin_published(measure, view),
                )
                if exposed:
                    moved |= guarded
            if not moved - forced_all:
                return results
            forced_all |= moved

    # --- audit ----------------------------------------------------------------------------

    def audit(self) -> None:
        """Suppress figures until no published pair of nested figures differs by 1 … k−1.

        Each pass finds every violating pair and suppresses a small set of figures covering
        them (greedy: the figure in most violating pairs first, the nested one on ties), then
        protects the affected tables again, until a pass finds nothing.
        """
        while True:
            for measure, view in self._overlap_victims():
                self._suppress_base(measure, view)
                for key in sorted(self.groups, key=_group_sort_key):
                    if key[0] == measure:
                        self.protect(self.groups[key])
            pairs = self._violating_pairs()
            if not pairs:
                return
            dirty: set[tuple[Measure, str]] = set()
            for victim in _covering_victims(pairs, self._victim_cost):
                if victim[0] == "base":
                    _, measure, view = victim
                    if self._base_hidden(measure, view):
                        continue
                    self._suppress_base(measure, view)
                    dirty |= {key for key in self.groups if key[0] == measure}
                    dirty |= {
                        (source, dimension)
                        for mirror, (source, dimension, _) in self.mirrors.items()
                        if mirror == measure
                    }
                elif victim[0] == "derivable":
                    _, measure, dimension, view, _category = victim
                    if view in self.groups[(measure, dimension)].hide_empty:
                        continue
                    self.groups[(measure, dimension)].hide_empty.add(view)
                    dirty.add((measure, dimension))
                else:
                    _, measure, dimension, view, category = victim
                    if category in self.groups[(measure, dimension)].forced[view]:
                        continue
                    self.groups[(measure, dimension)].forced[view].add(category)
                    dirty.add((measure, dimension))
                    # the tables of a mirrored measure have this cell as their total
                    dirty |= {
                        key
                        for mirror, source in self.mirrors.items()
                        if source == (measure, dimension, category)
                        for key in self.groups
                        if key[0] == mirror
                    }
            if not dirty:
                # every victim is hidden already: what is left follows from figures nobody may
                # hide (public facts, stage-1 figures frozen before this breakdown); the
                # attacker (`audit_release`) is the last word on those
                return
            for key in sorted(dirty, key=_group_sort_key):
                self.protect(self.groups[key])

    def _overlap_victims(self) -> list[tuple[Measure, View]]:
        """Carrier views that overlap (an applicant who applied to both carriers is in both):
        BA + Kommune − all is then the group of those in both, and must pass like any figure
        (CONTRACT § 3; it once isolated a single disclosing applicant). Where it fails, the
        smaller carrier's figure goes (a carrier figure costs less than the headline)."""
        if self.partition or len(self.views) != 3:
            return []
        victims = []
        for (measure, view), published in self.base.items():
            if view is not None or published.suppressed:
                continue
            carriers = self.views[1:]
            if any(self.base[(measure, v)].suppressed for v in carriers):
                continue
            everyone, first, second = (self.base_counts(measure, v) for v in self.views)
            both = _Counts(
                first.num + second.num - everyone.num, first.den + second.den - everyone.den
            )
            k = self.rules.k(measure.sensitive)
            parts = [both.num, both.den - both.num] if measure.is_share else [both.den]

            if (
                measure.is_share and _overlap_fails(both.den, False, self.rules.k_ordinary, 1)
            ) or any(_overlap_fails(part, measure.sensitive, k, both.den) for part in parts):
                mutable = [v for v in carriers if (measure, v) not in self.frozen_base]
                if mutable:
                    victims.append(
                        (measure, min(mutable, key=lambda v: self.base_counts(measure, v).den))
                    )
        return victims

    def _victim_cost(self, owner: tuple) -> float:
        """CONTRACT § 3 priorities as the cost of hiding a figure: headline KPIs of the
        all-carrier view, then of the carrier views, then variants, then breakdown cells."""
        if owner[0] == "base":
            return 1000.0 if owner[2] is None else 100.0
        return 10.0 if (owner[1], owner[2]) in _variant_keys(self.universe) else 1.0

    def _base_hidden(self, measure: Measure, view: View) -> bool:
        targets = [view]
        if self.partition:
            targets = list(self.views) if view is None else [v for v in self.views if v]
        return all(self.base[(measure, target)].suppressed for target in targets)

    def _suppress_base(self, measure: Measure, view: View) -> None:
        k = self.rules.k(measure.sensitive)
        targets = [view]
        if self.partition:
            # all = Σ carriers: hiding one figure of the partition needs a second one
            targets = list(self.views) if view is None else [v for v in self.views if v]
        for target in targets:
            if not self.base[(measure, target)].suppressed:
                self.base[(measure, target)] = _withheld(Reason.DIFFERENCING, k)

    def _cells(self) -> list[_AuditCell]:
        cells: list[_AuditCell] = []
        for (measure, view), published in sorted(self.base.items(), key=_base_sort_key):
            if published.suppressed:
                continue
            owner = ("base", measure, view)
            mutable = (measure, view) not in self.frozen_base and owner not in self.public
            atoms = self._atoms(measure, view, ())
            cells += _cells_of(measure, atoms, self.base_counts(measure, view), owner, mutable)
        for (measure, dimension), group in sorted(self.groups.items(), key=_group_item_key):
            for view, row in group.results.items():
                for category, published in row.items():
                    counts = group.rows[view][category]
                    if published.suppressed or counts.den == 0:
                        continue
                    owner = ("cell", measure, dimension, view, category)
                    atom = _category_atom(self.universe, dimension, category)
                    atoms = self._atoms(measure, view, (atom,))
                    mutable = not group.frozen and owner not in self.public
                    cells += _cells_of(measure, atoms, counts, owner, mutable)
            cells += self._derivable_cells(group)
        return cells

    def _derivable_cells(self, group: _Group) -> list[_AuditCell]:
        """A row with a published total and a single hidden category gives that category away
        (the other categories, empty ones included, are known). It happens where the category is
        all the row holds; if that reveals too much, the row's empty categories are hidden too
        (`_Group.hide_empty`), which leaves the published figures as they are."""
        cells: list[_AuditCell] = []
        for view, row in group.results.items():
            hidden = [c for c in group.categories if row[c].suppressed]
            if len(hidden) != 1 or not self.margin_published(group.measure, view):
                continue
            (category,) = hidden
            if group.rows[view][category].den == 0:
                continue
            owner = ("derivable", group.measure, group.dimension, view, category)
            mutable = not group.frozen
            atom = _category_atom(self.universe, group.dimension, category)
            atoms = self._atoms(group.measure, view, (atom,))
            counts = group.rows[view][category]
            cells += _cells_of(group.measure, atoms, counts, owner, mutable)
        return cells

    def _atoms(self, measure: Measure, view: View, extra: tuple[str, ...]) -> frozenset[str]:
        view_atoms = (f"carrier={view}",) if view else ()
        return _closure({self.universe_atom, *measure.population, *view_atoms, *extra})

    def _violating_pairs(self) -> list[tuple[_AuditCell, _AuditCell]]:
        """Every pair of published figures, one nested in the other, that differ too little.

        A parent's atoms are a subset of the child's, so its category atoms (the categories of
        breakdowns and variants among them) are a subset of the child's too. Figures are
        bucketed by their category atoms and a child only looks into the buckets of subsets of
        its own (the parents without any category atom once per distinct rest of the child's
        atoms): this keeps the search near-linear in the number of categories.
        """
        by_atoms: dict[frozenset[str], list[_AuditCell]] = {}
        for cell in self._cells():
            by_atoms.setdefault(cell.atoms, []).append(cell)
        category_atoms = frozenset(
            _category_atom(self.universe, dimension, category)
            for (_, dimension), group in self.groups.items()
            for category in group.categories
        )
        buckets: dict[frozenset[str], list[frozenset[str]]] = {}
        for atoms in by_atoms:
            buckets.setdefault(atoms & category_atoms, []).append(atoms)
        plain_parents: dict[frozenset[str], list[frozenset[str]]] = {}
        pairs = []
        for child_atoms in sorted(by_atoms, key=_atoms_sort_key):
            categories = child_atoms & category_atoms
            rest = child_atoms - categories
            if rest not in plain_parents:
                plain_parents[rest] = [p for p in buckets.get(frozenset(), []) if p <= rest]
            parents = [p for p in plain_parents[rest] if p != child_atoms]
            for subset in _nonempty_subsets(categories):
                parents += [p for p in buckets.get(subset, []) if p < child_atoms]
            for parent_atoms in sorted(parents, key=_atoms_sort_key):
                for child in by_atoms[child_atoms]:
                    for parent in by_atoms[parent_atoms]:
                        if not self._pair_passes(child, parent):
                            pairs.append((child, parent))
        return pairs

    def _pair_passes(self, child: _AuditCell, parent: _AuditCell) -> bool:
        if child.owner in self.public and parent.owner in self.public:
            return True  # a difference of public facts is a public fact
        sensitive = bool((child.atoms | parent.atoms) & SENSITIVE_ATOMS)
        difference = abs(parent.value - child.value)
        if (
            difference == 0
            and child.population == parent.population
            and parent.population_atoms <= child.population_atoms
        ):
            return True  # the filter removed nobody from the population
        return count_passes(difference, sensitive=sensitive, rules=self.rules)


@dataclass(frozen=True)
class _AuditCell:
    atoms: frozenset[str]
    value: int
    population_atoms: frozenset[str]  # the population the figure is taken from
    population: int  # and its size
    owner: tuple
    mutable: bool


def _overlap_fails(value: int, sensitive: bool, k: int, population: int) -> bool:
    """The count of the group in both overlapping views: 1 … k−1 fails (either sign: the views
    need not nest exactly), and for a sensitive count 0 within a non-empty group too."""
    return 0 < abs(value) < k or (sensitive and value == 0 and population != 0)


def _covering_victims(
    pairs: list[tuple[_AuditCell, _AuditCell]], cost: Callable[[tuple], float]
) -> list[tuple]:
    """Figures to suppress so that every violating pair loses at least one of its two.

    Greedy weighted set cover: the figure with most remaining pairs per cost (`cost`: the
    priorities of CONTRACT § 3), then the one in most pairs as the nested figure, then the
    first in owner order. Degrees are kept up to date as pairs are covered and the best figure
    is taken from a heap, so a breakdown by hundreds of org units costs O(pairs · log
    figures), not a full recount per victim."""
    victims: list[tuple] = []
    chosen: set[tuple] = set()
    for child, parent in pairs:
        if not (child.mutable or parent.mutable):
            raise AssertionError(f"published figures conflict: {child} / {parent}")
        if child.mutable != parent.mutable:
            # a figure published elsewhere already (stage 1) cannot be taken back
            victim = child.owner if child.mutable else parent.owner
            if victim not in chosen:
                victims.append(victim)
                chosen.add(victim)
    remaining = [
        (child.owner, parent.owner)
        for child, parent in pairs
        if child.owner not in chosen and parent.owner not in chosen
    ]
    degree: dict[tuple, int] = {}
    as_child: dict[tuple, int] = {}
    pairs_of: dict[tuple, list[int]] = {}
    for index, (child, parent) in enumerate(remaining):
        for owner in (child, parent):
            degree[owner] = degree.get(owner, 0) + 1
            pairs_of.setdefault(owner, []).append(index)
        as_child[child] = as_child.get(child, 0) + 1
    rank = {owner: i for i, owner in enumerate(sorted(degree, key=_owner_sort_key))}
    costs = {owner: cost(owner) for owner in degree}

    def entry(owner: tuple) -> tuple[float, int, int]:
        return (-degree[owner] / costs[owner], -as_child.get(owner, 0), rank[owner])

    heap = [entry(o) for o in degree]
    heapq.heapify(heap)
    owner_at = {r: o for o, r in rank.items()}
    covered = [False] * len(remaining)
    left = len(remaining)
    while left:
        current = heapq.heappop(heap)
        best = owner_at[current[2]]
        if current != entry(best):
            continue  # an outdated entry: the owner's current one is in the heap too
        victims.append(best)
        for index in pairs_of[best]:
            if covered[index]:
                continue
            covered[index] = True
            left -= 1
            child, parent = remaining[index]
            degree[child] -= 1
            degree[parent] -= 1
            as_child[child] -= 1
            for owner in {child, parent} - {best}:
                heapq.heappush(heap, entry(owner))
        degree[best] = 0  # never again
    return victims


def _nonempty_subsets(atoms: frozenset[str]) -> list[frozenset[str]]:
    items = sorted(atoms)
    return [
        frozenset(item for bit, item in enumerate(items) if mask >> bit & 1)
        for mask in range(1, 2 ** len(items))
    ]


def _atoms_sort_key(atoms: frozenset[str]) -> tuple:
    return (len(atoms), sorted(atoms))


def _owner_sort_key(owner: tuple) -> tuple:
    return (owner[0], _measure_sort_key(owner[1]), tuple(str(part) for part in owner[2:]))


def _cells_of(
    measure: Measure, atoms: frozenset[str], counts: _Counts, owner: tuple, mutable: bool
) -> list[_AuditCell]:
    """The person counts a published figure reveals: population, numerator and remainder."""
    cells = [_AuditCell(atoms, counts.den, atoms, counts.den, owner, mutable)]
    if measure.is_share:
        for atom, value in (
            (measure.numerator, counts.num),
            (measure.remainder, counts.den - counts.num),
        ):
            cells.append(
                _AuditCell(_closure({*atoms, atom}), value, atoms, counts.den, owner, mutable)
            )
    return cells


def _measure_sort_key(measure: Measure) -> tuple:
    return (
        measure.universe,
        sorted(measure.population),
        measure.numerator or "",
        measure.remainder or "",
    )


def _base_sort_key(item: tuple[tuple[Measure, View], Published]) -> tuple:
    (measure, view), _ = item
    return (_measure_sort_key(measure), view or "")


def _group_sort_key(key: tuple[Measure, str]) -> tuple:
    return (_measure_sort_key(key[0]), key[1])


def _group_item_key(item: tuple[tuple[Measure, str], _Group]) -> tuple:
    return _group_sort_key(item[0])


# ================================================================================================
# Sections of a year
# ================================================================================================


def _personnel_measures() -> list[Measure]:
    measures: list[Measure] = []
    for kpi in REGISTRY:
        if kpi.source == "personnel" and kpi.measure is not None and kpi.measure not in measures:
            measures.append(kpi.measure)
    return measures


def _applicant_measures() -> list[Measure]:
    measures: list[Measure] = []
    for kpi in REGISTRY:
        if kpi.source != "applicants":
            continue
        for measure in (kpi.measure, *(v.measure for v in kpi.population_variants)):
            if measure is not None and measure not in measures:
                measures.append(measure)
    return measures


@functools.cache
def _variant_keys(universe: str) -> frozenset[tuple[Measure, str]]:
    """(measure, dimension) of the variant groups: asked for every figure the audit weighs."""
    return frozenset((m, d) for m, d, _ in _variant_groups(universe))


def _variant_groups(universe: str) -> list[tuple[Measure, str, tuple[str, ...]]]:
    """The groups the variants of compute_kpis are read from (stage 1)."""
    groups: list[tuple[Measure, str, tuple[str, ...]]] = []
    for kpi in REGISTRY:
        if kpi.measure is None or kpi.measure.universe != universe:
            continue
        for variants in kpi.variants:
            if variants.dimension != "carrier":
                groups.append((kpi.measure, variants.dimension, _categories(variants.dimension)))
        if kpi.variant_of is not None:
            base_kpi = KPIS[kpi.variant_of[0]]
            assert base_kpi.measure is not None
            dimension = kpi.variant_of[1]
            groups.append((base_kpi.measure, dimension, _categories(dimension)))
    return groups


def _mirrors(universe: str) -> dict[Measure, tuple[Measure, str, str]]:
    mirrors = {}
    for kpi in REGISTRY:
        measure = kpi.measure
        if kpi.variant_of is not None and measure is not None and measure.universe == universe:
            base_id, dimension, category = kpi.variant_of
            mirrors[measure] = (KPIS[base_id].measure, dimension, category)
    return mirrors  # type: ignore[return-value]


def _categories(dimension: str, observed: Iterable[str] = ()) -> tuple[str, ...]:
    closed = DIMENSION_CATEGORIES.get(dimension)
    if closed is not None:
        return closed
    return tuple(sorted(set(observed), key=_natural_key))


def _natural_key(text: str) -> tuple:
    """'Bereich 2' before 'Bereich 10'."""
    parts: list[tuple[int, object]] = []
    number = ""
    word = ""
    for char in text:
        if char.isdigit():
            if word:
                parts.append((1, word.lower()))
                word = ""
            number += char
        else:
            if number:
                parts.append((0, int(number)))
                number = ""
            word += char
    if number:
        parts.append((0, int(number)))
    if word:
        parts.append((1, word.lower()))
    return tuple(parts)


@dataclass
class _Year:
    """The published state of one year: built by compute_kpis, extended by breakdowns."""

    year: int
    settings: Settings
    snapshot: date | None
    personnel: _Section | None = None
    applicants: _Section | None = None
    survey: _Section | None = None
    survey_shares: dict[str, survey_data.SurveyShare] = field(default_factory=dict)
    survey_wave: int | None = None
    sb: dict[View, SbQuotaResult] = field(default_factory=dict)
    underrepresentation_counts: dict[View, dict[tuple[str, str], tuple[int, int]]] = field(
        default_factory=dict
    )
    # persons of gender d / x counted as w / m in every figure of the year (CONTRACT § 3)
    gender_assigned: bool = False
    # what the attacker made the planner hide, and its last audit
    plan: PlanResult | None = None
    # the cells published as public facts (leaders per carrier and level)
    public_cells: set[tuple[object, ...]] = field(default_factory=set)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def gender_sql(self) -> str:
        return _ASSIGNED_GENDER_SQL if self.gender_assigned else "gender"


def _count_year(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> _Year:
    """Stage 1 of a year: the headline figures and variants, protected by the rules."""
    sections = frozenset({"personnel", "applicants", "survey", "sb_quota"})
    rules = settings.rules
    state = _Year(year=year, settings=settings, snapshot=reporting_date(con, year))
    if "personnel" in sections and state.snapshot is not None:
        measures = _personnel_measures()
        variant_groups = _variant_groups("personnel")
        dimensions = sorted({d for _, d, _ in variant_groups} | {"pay_group", "leadership"})
        state.gender_assigned = _gender_assigned(con, state.snapshot, rules)
        counts = _personnel_counts(
            con,
            state.snapshot,
            measures,
            dimensions,
            include_views=True,
            gender_sql=state.gender_sql,
        )
        section = _Section("personnel", "U=personnel", rules, _VIEWS, True, counts)
        section.mirrors = _mirrors("personnel")
        section.publish_base(m for m in measures if m not in section.mirrors)
        for measure, dimension, categories in variant_groups:
            section.add_group(measure, dimension, categories)
        # public facts take part in the audit as figures nothing may hide
        state.public_cells = _public_cells(section)
        section.public = {
            ("cell", *owner[1:]) if owner[0] == "group" else owner for owner in state.public_cells
        }
        section.audit()
        _freeze(section)
        state.personnel = section
        state.underrepresentation_counts = _underrepresentation_counts(counts)
    if "applicants" in sections:
        measures = _applicant_measures()
        counts = _applicant_counts(con, year, measures, by_gender=False)
        section = _Section("applicants", "U=applicants", rules, _VIEWS, False, counts)
        section.publish_base(measures)
        section.audit()
        _freeze(section)
        state.applicants = section
    if "survey" in sections:
        _build_survey(con, state)
    if "sb_quota" in sections:
        state.sb = dict(compute_sb_quota_all(con, year, settings.levy_rate_table))
    return state


def _freeze(section: _Section) -> None:
    section.frozen_base = set(section.base)
    for group in section.groups.values():
        group.frozen = True


_SURVEY_RESPONSE = KPIS["survey_response_rate"].measure
_SURVEY_DEFINITIONS = {
    kpi.survey_definition: kpi.measure for kpi in REGISTRY if kpi.survey_definition
}


def _build_survey(con: duckdb.DuckDBPyConnection, state: _Year) -> None:
    wave = latest_survey_wave(con, state.year)
    state.survey_wave = wave
    if wave is None:
        return
    counts: dict[_CountKey, _Counts] = {}
    respondents: int | None = None
    invited: int | None = None
    for definition, measure in _SURVEY_DEFINITIONS.items():
        assert measure is not None
        share = (
            survey_data.migration_background(con, wave)
            if definition == "migration_background"
            else survey_data.immigration_history(con, wave)
        )
        state.survey_shares[definition] = share
        counts[(measure, None, None, None)] = _Counts(share.yes, share.determinable)
        respondents, invited = share.respondents, share.invited
    assert _SURVEY_RESPONSE is not None
    if invited is not None and respondents is not None and respondents <= invited:
        counts[(_SURVEY_RESPONSE, None, None, None)] = _Counts(respondents, invited)
    section = _Section("survey", f"U=survey:{wave}", state.settings.rules, (None,), True, counts)
    section.publish_base(m for (m, _, _, _) in counts)
    section.audit()
    _freeze(section)
    state.survey = section


def _underrepresentation_counts(
    counts: Mapping[_CountKey, _Counts],
) -> dict[View, dict[tuple[str, str], tuple[int, int]]]:
    """(women, men) of the staff per pay group and per leadership level, per view (raw)."""
    women_share = KPIS["women_share"].measure
    result: dict[View, dict[tuple[str, str], tuple[int, int]]] = {view: {} for view in _VIEWS}
    for (measure, view, dimension, category), value in counts.items():
        if measure != women_share or dimension not in ("pay_group", "leadership"):
            continue
        if dimension == "leadership" and category not in LEADERSHIP_LEVELS:
            continue
        if value.den > 0:
            result[view][(dimension, category)] = (value.num, value.den - value.num)
    return result


def _ensure_breakdown(con: duckdb.DuckDBPyConnection, state: _Year, dimension: str) -> None:
    """Stage 2: every KPI that allows `dimension`, broken down and audited together, so that a
    breakdown is published the same way whichever KPI was asked for first. The state is shared
    by every session (cached): one extension at a time."""
    if dimension == "carrier":
        return
    with state.lock:
        _extend_by(con, state, dimension)
        if dimension == "gender":
            _mark_assigned(state)


def _extend_by(con: duckdb.DuckDBPyConnection, state: _Year, dimension: str) -> None:
    if state.personnel is not None and state.snapshot is not None:
        measures = _breakdown_measures("personnel", dimension)
        section = state.personnel
        if measures and not all((m, dimension) in section.groups for m in measures):
            counts = _personnel_counts(
                con,
                state.snapshot,
                measures,
                [dimension],
                include_views=False,
                gender_sql=state.gender_sql,
            )
            section.counts.update(counts)
            observed = {c for (_, _, d, c) in counts if d == dimension}
            for measure in measures:
                section.add_group(measure, dimension, _categories(dimension, observed))
            section.audit()
    if state.applicants is not None and dimension == "gender":
        measures = _breakdown_measures("applicants", dimension)
        section = state.applicants
        if not all((m, dimension) in section.groups for m in measures):
            counts = _applicant_counts(con, state.year, _applicant_measures(), by_gender=True)
            section.counts.update({k: v for k, v in counts.items() if k[2] == "gender"})
            for measure in measures:
                section.add_group(measure, dimension, GENDERS)
            section.audit()
    if state.survey is not None and dimension in SURVEY_DIMENSIONS:
        section = state.survey
        assert state.survey_wave is not None
        added = False
        for definition, measure in _SURVEY_DEFINITIONS.items():
            assert measure is not None
            if (measure, dimension) in section.groups:
                continue
            shares = survey_data.survey_breakdown(con, state.survey_wave, definition, dimension)
            for category, share in shares.items():
                section.counts[(measure, None, dimension, category)] = _Counts(
                    share.yes, share.determinable
                )
            section.add_group(measure, dimension, SURVEY_DIMENSION_CATEGORIES[dimension])
            added = True
        if added:
            section.audit()


def _breakdown_measures(universe: str, dimension: str) -> list[Measure]:
    measures: list[Measure] = []
    for kpi in REGISTRY:
        if dimension not in kpi.breakdowns:
            continue
        for measure in _kpi_measures(kpi):
            if measure.universe == universe and measure not in measures:
                measures.append(measure)
    if universe == "personnel" and dimension == "pay_group":
        measures.append(KPIS["women_share"].measure)  # type: ignore[arg-type]
    return measures


def _kpi_measures(kpi: Kpi) -> list[Measure]:
    if kpi.kind == "ratio":
        return [KPIS["women_leadership_share"].measure, KPIS["women_share"].measure]  # type: ignore[list-item]
    return [kpi.measure] if kpi.measure is not None else []


# ================================================================================================
# From published state to KpiValues
# ================================================================================================


def _target(settings: Settings, kpi: Kpi, full_id: str, view: View) -> float | None:
    if kpi.target_key is None:
        return None
    targets = settings.target_table
    if view is not None and full_id == kpi.id and f"{kpi.id}.{view}" in targets:
        # a carrier's own figure: the target of its per-carrier variant (sb_quota: legal 5 %)
        return targets[f"{kpi.id}.{view}"]
    if full_id in targets:
        return targets[full_id]
    return targets.get(kpi.target_key)


def _value_from(
    full_id: str,
    kpi: Kpi,
    published: Published,
    target: float | None,
    extra: Mapping[str, object] | None = None,
) -> KpiValue:
    extra = dict(extra or {})
    if published.suppressed:
        return KpiValue(
            id=full_id,
            value=None,
            numerator=None,
            denominator=None,
            target=target,
            suppressed=True,
            reason=str(published.reason) if published.reason else None,
            k=published.k,
            unit=kpi.unit,
            extra=extra,
        )
    if kpi.unit == "%":
        value = None if published.value is None else float(published.value) * 100
        return KpiValue(
            full_id,
            value,
            published.numerator,
            published.denominator,
            target,
            False,
            None,
            published.k,
            kpi.unit,
            extra,
            counts_withheld=published.counts_withheld,
        )
    return KpiValue(
        full_id,
        published.value,
        published.numerator,
        None,
        target,
        False,
        None,
        published.k,
        kpi.unit,
        extra,
    )


def _no_data(full_id: str, kpi: Kpi, target: float | None, **extra: object) -> KpiValue:
    return KpiValue(full_id, None, None, None, target, False, None, None, kpi.unit, extra)


def _section_of(state: _Year, universe: str) -> _Section | None:
    return {
        "personnel": state.personnel,
        "applicants": state.applicants,
        "survey": state.survey,
    }[universe]


def _values_for_view(state: _Year, view: View) -> dict[str, KpiValue]:
    values: dict[str, KpiValue] = {}
    for kpi in REGISTRY:
        if view is not None and not kpi.carrier_view:
            continue  # survey KPIs have no carrier view
        for full_id, value in _kpi_values(state, kpi, view).items():
            values[full_id] = value
    return values


def _kpi_values(state: _Year, kpi: Kpi, view: View) -> dict[str, KpiValue]:
    settings = state.settings
    values: dict[str, KpiValue] = {}

    def target(full_id: str) -> float | None:
        return _target(settings, kpi, full_id, view)

    if kpi.kind == "quota":
        values.update(_sb_values(state, kpi, view, target))
        return values
    if kpi.kind == "flag-table":
        values[kpi.id] = _underrepresentation_value(state, kpi, view)
        return values
    if kpi.kind == "ratio":
        values[kpi.id] = _ratio_value(state, kpi, view, target(kpi.id))
        return values
    assert kpi.measure is not None
    section = _section_of(state, kpi.measure.universe)
    extra = _survey_extra(state, kpi) if kpi.source == "survey" else {}
    if section is None:
        values[kpi.id] = _no_data(kpi.id, kpi, target(kpi.id), **extra)
    elif kpi.variant_of is not None:
        base_kpi_id, dimension, category = kpi.variant_of
        base_measure = KPIS[base_kpi_id].measure
        published = section.groups[(base_measure, dimension)].results[view][category]  # type: ignore[index]
        values[kpi.id] = _value_from(kpi.id, kpi, published, target(kpi.id))
    elif (kpi.measure, view) not in section.base:
        values[kpi.id] = _no_data(kpi.id, kpi, target(kpi.id), **extra)
    else:
        published = section.base[(kpi.measure, view)]
        if not published.suppressed and kpi.source == "survey":
            extra.update(_survey_published_extra(state, kpi, published))
        values[kpi.id] = _value_from(kpi.id, kpi, published, target(kpi.id), extra)

    for variants in kpi.variants:
        if variants.all_carrier_view_only and view is not None:
            continue
        for category in variants.categories:
            full_id = f"{kpi.id}.{category}"
            if section is None:
                values[full_id] = _no_data(full_id, kpi, target(full_id))
            elif variants.dimension == "carrier":
                published = section.base[(kpi.measure, category)]
                values[full_id] = _value_from(full_id, kpi, published, target(full_id))
            else:
                group = section.groups[(kpi.measure, variants.dimension)]
                published = group.results[view][category]
                values[full_id] = _value_from(full_id, kpi, published, target(full_id))
        for name, parts in variants.combined:
            full_id = f"{kpi.id}.{name}"
            if section is None:
                values[full_id] = _no_data(full_id, kpi, target(full_id))
                continue
            group = section.groups[(kpi.measure, variants.dimension)]
            published = _combined(state, section, group, view, parts)
            values[full_id] = _value_from(full_id, kpi, published, target(full_id))
    for variant in kpi.population_variants:
        full_id = f"{kpi.id}.{variant.suffix}"
        if section is None:
            values[full_id] = _no_data(full_id, kpi, target(full_id))
        else:
            published = section.base[(variant.measure, view)]
            values[full_id] = _value_from(full_id, kpi, published, target(full_id))
    return values


def _combined(
    state: _Year, section: _Section, group: _Group, view: View, parts: tuple[str, ...]
) -> Published:
    """The count of some categories together (d and x), never more than the release tells:
    their sum where each is published, else (each withheld) the total minus the other
    published categories; withheld otherwise. Where d / x are assigned to w / m it has no figure."""
    measure = group.measure
    k = section.rules.k(measure.sensitive)
    if state.gender_assigned and group.dimension == "gender":
        return _withheld(Reason.ASSIGNED, k)
    row = group.results[view]
    cells = [row[c] for c in parts if c in row]
    if all(not c.suppressed and c.numerator is not None for c in cells):
        total = sum(int(c.numerator) for c in cells)  # type: ignore[arg-type]
        return Published(total, total, None, False, None, k)
    if any(not c.suppressed for c in cells):
        return _withheld(Reason.SECONDARY, k)  # with one part published the sum tells the other
    whole = section.published_base(measure, view)
    others = [row[c] for c in group.categories if c not in parts]
    known = [whole, *others]
    if any(c.suppressed or c.numerator is None for c in known):
        return _withheld(Reason.SECONDARY, k)
    rest = int(whole.numerator) - sum(int(c.numerator) for c in others)  # type: ignore[arg-type]
    return Published(rest, rest, None, False, None, k)


def _survey_extra(state: _Year, kpi: Kpi) -> dict[str, object]:
    return {"wave": state.survey_wave}


def _survey_published_extra(state: _Year, kpi: Kpi, published: Published) -> dict[str, object]:
    """Interval and response rate of a published survey share (percent). A share shown only
    as its rounded percentage has no interval: its width would give the count back."""
    extra: dict[str, object] = {}
    if kpi.survey_definition is not None:
        share = state.survey_shares[kpi.survey_definition]
        if share.ci_low is not None and share.ci_high is not None and not published.counts_withheld:
            extra["ci_low"] = share.ci_low * 100
            extra["ci_high"] = share.ci_high * 100
        response = state.survey.base.get((_SURVEY_RESPONSE, None)) if state.survey else None
        if response is not None and not response.suppressed and response.value is not None:
            extra["response_rate"] = float(response.value) * 100
    return extra


def _ratio_value(state: _Year, kpi: Kpi, view: View, target: float | None) -> KpiValue:
    section = state.personnel
    if section is None:
        return _no_data(kpi.id, kpi, target)
    leadership = section.base[(KPIS["women_leadership_share"].measure, view)]  # type: ignore[index]
    staff = section.base[(KPIS["women_share"].measure, view)]  # type: ignore[index]
    return _ratio_of(kpi.id, kpi, leadership, staff, target, section.rules)


def _ratio_of(
    full_id: str,
    kpi: Kpi,
    leadership: Published,
    staff: Published,
    target: float | None,
    rules: DisclosureRules,
) -> KpiValue:
    """women_leadership_share / women_share; suppressed if either share is."""
    for share in (leadership, staff):
        if share.suppressed:
            return KpiValue(
                full_id, None, None, None, target, True, str(share.reason), share.k, kpi.unit, {}
            )
    if leadership.value is None or staff.value is None or staff.value == 0:
        return _no_data(full_id, kpi, target)
    ratio = float(leadership.value) / float(staff.value)
    return KpiValue(
        full_id,
        ratio,
        float(leadership.value) * 100,
        float(staff.value) * 100,
        target,
        False,
        None,
        rules.k_ordinary,
        kpi.unit,
        {},
    )


# ---- BGleiG under-representation ---------------------------------------------------------------


def underrepresented(women: int, men: int) -> str | None:
    """'w', 'm' or None under § 3 Nr. 9 BGleiG for an area of `women` + `men` persons.

    Reading of the contract: N = W + M. N even: the smaller gender is under-represented
    (W < M or M < W). N odd: a difference of 1 is the closest balance possible and does not
    count; the gender is under-represented only if the other exceeds it by at least two
    persons, which for odd N means by three or more (3, 5, …).
    """
    if women < 0 or men < 0:
        raise ValueError("counts must not be negative")
    difference = men - women
    threshold = 1 if (women + men) % 2 == 0 else 2
    if difference >= threshold:
        return "w"
    if -difference >= threshold:
        return "m"
    return None


def _flag_assessed(dimension: str, women: int, men: int, rules: DisclosureRules) -> bool:
    """A verdict is a figure too (CONTRACT § 3): "keines" for an even area of 8 says 4 / 4, and
    "Frauen" for an area of 5 bounds the women to 0 … 2. A leadership level's counts are public
    facts, so its verdict says nothing new; any other area is assessed only where it holds at
    least k_ordinary persons and women and men each pass the count rule by themselves."""
    if dimension == "leadership":
        return women + men > 0
    return (
        women + men >= rules.k_ordinary
        and count_passes(women, sensitive=False, rules=rules)
        and count_passes(men, sensitive=False, rules=rules)
    )


def _underrepresentation_value(state: _Year, kpi: Kpi, view: View) -> KpiValue:
    if state.personnel is None:
        return _no_data(kpi.id, kpi, None, areas=[])
    areas = []
    for (dimension, area), (women, men) in _sorted_areas(state.underrepresentation_counts[view]):
        if _flag_assessed(dimension, women, men, state.settings.rules):
            areas.append(
                {
                    "dimension": dimension,
                    "area": area,
                    "underrepresented": underrepresented(women, men),
                }
            )
    return KpiValue(kpi.id, None, None, None, None, False, None, None, kpi.unit, {"areas": areas})


def _sorted_areas(
    counts: Mapping[tuple[str, str], tuple[int, int]],
) -> list[tuple[tuple[str, str], tuple[int, int]]]:
    def key(item: tuple[tuple[str, str], tuple[int, int]]) -> tuple:
        (dimension, area), _ = item
        if dimension == "leadership":
            return (1, LEADERSHIP_LEVELS.index(area), ())
        return (0, 0, _natural_key(area))

    return sorted(counts.items(), key=key)


# ---- sb_quota -----------------------------------------------------------------------------------


def _sb_month_passes(month: SbMonth, rules: DisclosureRules) -> bool:
    """CONTRACT § 2.1: counted severely disabled persons and the other persons on counted
    places both number at least k_sensitive in the month."""
    return count_passes(
        month.counted_disabled_persons, sensitive=True, rules=rules
    ) and count_passes(month.other_persons_on_places, sensitive=True, rules=rules)


def _sb_months_published(state: _Year, view: View) -> dict[int, bool]:
    """Per month: may this view's month be published? A carrier's month also needs the other
    carrier's month to pass, or combined − carrier would reveal it."""
    rules = state.settings.rules
    result = state.sb[view]
    published = {}
    for month in result.months:
        passes = _sb_month_passes(month, rules)
        if view is not None:
            for other in CARRIERS:
                if other == view:
                    continue
                other_month = next(m for m in state.sb[other].months if m.month == month.month)
                passes = passes and _sb_month_passes(other_month, rules)
        published[month.month] = passes
    return published


def _sb_value(state: _Year, kpi: Kpi, view: View, full_id: str, target: float | None) -> KpiValue:
    if not state.sb:
        return _no_data(full_id, kpi, target)
    result = state.sb[view]
    k = state.settings.rules.k_sensitive
    extra: dict[str, object] = {
        "months_covered": result.months_covered,
        "approximation": result.approximation,
    }
    if result.months_covered == 0 or result.places_total == 0:
        return _no_data(full_id, kpi, target, **extra)
    months = _sb_months_published(state, view)
    if not all(months.values()):
        own_pass = all(_sb_month_passes(m, state.settings.rules) for m in result.months)
        reason = Reason.DIFFERENCING if own_pass else Reason.SMALL_COUNT
        return KpiValue(full_id, None, None, None, target, True, str(reason), k, kpi.unit, extra)
    extra |= {
        "mandatory_place_months": result.mandatory_place_months,
        "unfilled_place_months": result.unfilled_place_months,
        "levy_eur": result.levy_eur,
    }
    return KpiValue(
        full_id,
        result.filled_total / result.places_total * 100,
        _whole(result.filled_total),
        result.places_total,
        target,
        False,
        None,
        k,
        kpi.unit,
        extra,
    )


def _whole(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


def _sb_values(state: _Year, kpi: Kpi, view: View, target) -> dict[str, KpiValue]:
    values = {kpi.id: _sb_value(state, kpi, view, kpi.id, target(kpi.id))}
    if view is None:
        for carrier in CARRIERS:
            full_id = f"{kpi.id}.{carrier}"
            values[full_id] = _sb_value(state, kpi, carrier, full_id, target(full_id))
    return values


# ================================================================================================
# Public API
# ================================================================================================


def _check_view(kpi: Kpi | None, carrier: str | None) -> None:
    if carrier is not None and carrier not in CARRIERS:
        raise ValueError(f"unknown carrier {carrier!r}; expected one of {CARRIERS} or None")
    if kpi is not None and carrier is not None and not kpi.carrier_view:
        raise ValueError(f"{kpi.id} has no carrier view (survey KPIs are anonymous and joint)")


def compute_kpis(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    settings: Settings | None = None,
) -> dict[str, KpiValue]:
    """Every KPI and variant of CONTRACT § 2 for `year` in one view, published."""
    _check_view(None, carrier)
    settings = settings or load_settings()
    return _values_for_view(_build_year(con, year, settings), carrier)


def compute_kpis_by_view(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> dict[str | None, dict[str, KpiValue]]:
    """`compute_kpis` of every view (None = all carriers, then each carrier) from one build of
    the year: a report or a page with all views needs the year once, not three times."""
    settings = settings or load_settings()
    state = _build_year(con, year, settings)
    return {view: _values_for_view(state, view) for view in _VIEWS}


def kpi_trend(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    carrier: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """One row per year in the store: year, value, target, suppressed, label (and wave for a
    survey KPI: the wave the year's value comes from)."""
    return kpi_trends(con, [kpi_id], carrier, settings)[kpi_id]


def kpi_trends(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Iterable[str],
    carrier: str | None = None,
    settings: Settings | None = None,
) -> dict[str, pd.DataFrame]:
    """`kpi_trend` of several KPIs (or variants) with one build of each year for all of them."""
    kpi_ids = list(kpi_ids)
    parsed = {kpi_id: split_id(kpi_id)[0] for kpi_id in kpi_ids}
    for kpi in parsed.values():
        _check_view(kpi, carrier)
    settings = settings or load_settings()
    rows: dict[str, list[dict[str, object]]] = {kpi_id: [] for kpi_id in kpi_ids}
    for year in available_years(con):
        state = _build_year(con, year, settings)
        for kpi_id, kpi in parsed.items():
            values = _kpi_values(state, kpi, carrier)
            if kpi_id not in values:
                raise ValueError(f"{kpi_id} does not exist in this view")
            value = values[kpi_id]
            row: dict[str, object] = {
                "year": year,
                "value": value.value,
                "target": value.target,
                "suppressed": value.suppressed,
                "label": value.label,
                "k": value.k,
            }
            if kpi.source == "survey":
                row["wave"] = state.survey_wave
            rows[kpi_id].append(row)
    trends = {}
    for kpi_id, kpi in parsed.items():
        columns = ["year", "value", "target", "suppressed", "label", "k"]
        if kpi.source == "survey":
            columns.append("wave")
        trend = pd.DataFrame(rows[kpi_id], columns=columns)
        trend["value"] = trend["value"].astype("float64")
        if kpi.source == "survey":
            trend["wave"] = trend["wave"].astype("Int64")
        trends[kpi_id] = trend
    return trends


BREAKDOWN_COLUMNS = [
    "category",
    "value",
    "numerator",
    "denominator",
    "suppressed",
    "label",
    "reason",
    "k",  # the k that applied (for the footnote), never parsed out of the label
]


def kpi_breakdown(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    year: int,
    dimension: str,
    carrier: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """The KPI per category of `dimension` in one view: category, value, numerator,
    denominator, suppressed, label (, reason). Every row published under CONTRACT § 3."""
    kpi = KPIS.get(kpi_id)
    if kpi is None:
        raise ValueError(f"unknown KPI id {kpi_id!r} (breakdowns are of KPIs, not variants)")
    if dimension not in kpi.breakdowns:
        raise ValueError(
            f"{kpi_id} cannot be broken down by {dimension!r}; allowed: {kpi.breakdowns}"
        )
    _check_view(kpi, carrier)
    settings = settings or load_settings()
    state = _build_year(con, year, settings)
    rows: list[dict[str, object]] = []
    if dimension == "carrier":
        carriers = CARRIERS if carrier is None else (carrier,)
        for category in carriers:
            value = _kpi_values(state, kpi, category)[kpi.id]
            rows.append(_breakdown_row(category, value))
        return pd.DataFrame(rows, columns=BREAKDOWN_COLUMNS)
    _ensure_breakdown(con, state, dimension)
    if kpi.kind == "ratio":
        return _ratio_breakdown(state, kpi, dimension, carrier)
    assert kpi.measure is not None
    section = _section_of(state, kpi.measure.universe)
    if section is None:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    group = section.groups[(kpi.measure, dimension)]
    for category in group.categories:
        published = group.results[carrier][category]
        value = _value_from(kpi.id, kpi, published, None)
        rows.append(_breakdown_row(category, value))
    return pd.DataFrame(rows, columns=BREAKDOWN_COLUMNS)


def _breakdown_row(category: str, value: KpiValue) -> dict[str, object]:
    return {
        "category": category,
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "suppressed": value.suppressed,
        "label": value.label,
        "reason": value.reason,
        "k": value.k,
    }


def _ratio_breakdown(state: _Year, kpi: Kpi, dimension: str, carrier: View) -> pd.DataFrame:
    section = state.personnel
    if section is None:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    leadership = section.groups[(KPIS["women_leadership_share"].measure, dimension)]  # type: ignore[index]
    staff = section.groups[(KPIS["women_share"].measure, dimension)]  # type: ignore[index]
    rows = []
    for category in staff.categories:
        staff_cell = staff.results[carrier][category]
        leader_cell = (
            leadership.results[carrier][category]
            if category in leadership.results[carrier]
            else publish_share(0, 0, sensitive=False, rules=section.rules)
        )
        value = _ratio_of(kpi.id, kpi, leader_cell, staff_cell, None, section.rules)
        rows.append(_breakdown_row(category, value))
    return pd.DataFrame(rows, columns=BREAKDOWN_COLUMNS)


UNDERREPRESENTATION_COLUMNS = [
    "dimension",
    "area",
    "women",
    "men",
    "underrepresented",
    "assessed",
    "suppressed",
    "label",
]


def underrepresentation_table(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """BGleiG § 3 Nr. 9 per pay group and per leadership level of the staff at D.

    women/men: published counts (complementary suppression across the areas of a dimension);
    underrepresented: 'w', 'm' or None (see `underrepresented`), given where `assessed` (see
    `_flag_assessed`: the verdict must not reveal a small count).
    """
    _check_view(None, carrier)
    settings = settings or load_settings()
    state = _build_year(con, year, settings)
    if state.personnel is None:
        return pd.DataFrame(columns=UNDERREPRESENTATION_COLUMNS)
    _ensure_breakdown(con, state, "pay_group")
    section = state.personnel
    women_share = KPIS["women_share"].measure
    leaders = KPIS["women_leadership_share"].measure
    raw = state.underrepresentation_counts[carrier]
    rows = []
    for (dimension, area), (women, men) in _sorted_areas(raw):
        measure = women_share if dimension == "pay_group" else leaders
        published = section.groups[(measure, dimension)].results[carrier][area]  # type: ignore[index]
        assessed = _flag_assessed(dimension, women, men, settings.rules)
        rows.append(
            {
                "dimension": dimension,
                "area": area,
                "women": None if published.suppressed else published.numerator,
                "men": None
                if published.suppressed
                else published.denominator - published.numerator,  # type: ignore[operator]
                "underrepresented": underrepresented(women, men) if assessed else None,
                "assessed": assessed,
                "suppressed": published.suppressed,
                "label": published.label,
            }
        )
    return pd.DataFrame(rows, columns=UNDERREPRESENTATION_COLUMNS)


@dataclass(frozen=True)
class SbQuotaTable:
    """The published legal quota of one view: the KPI, with the year's sums (places, filled
    places, Soll, unfilled, levy) in its extra.

    Monthly places and filled places are not part of the release (CONTRACT § 3, issue 12): a
    monthly series of a sensitive figure shows who joined, left or was recognised in which
    month. They belong to the roles that file the notice; until roles exist, only the yearly
    sums are published.
    """

    carrier: str | None
    kpi: KpiValue


def sb_quota_table(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> dict[str | None, SbQuotaTable]:
    """Per carrier and combined (key None), the legal quota of § 2.1 with its yearly sums."""
    settings = settings or load_settings()
    state = _build_year(con, year, settings)
    kpi = KPIS["sb_quota"]
    tables: dict[str | None, SbQuotaTable] = {}
    for view in _VIEWS:
        full_id = kpi.id if view is None else f"{kpi.id}.{view}"
        value = _sb_value(state, kpi, view, full_id, _target(settings, kpi, full_id, None))
        tables[view] = SbQuotaTable(view, value)
    return tables


def kpi_json(values: Mapping[str, KpiValue]) -> dict[str, dict[str, object]]:
    """The CONTRACT § 4 JSON object for a `compute_kpis` result."""
    return {kpi_id: value.to_json() for kpi_id, value in values.items()}


# ================================================================================================
# The release: planned once per store state and year
# ================================================================================================

# the published gender of a person: d / x assigned to w or m, at random but fixed per person and
# year through the keyed pseudonym (the store keeps only HMAC keys, so nobody can predict it)
_ASSIGNED_GENDER_SQL = (
    "CASE WHEN gender IN ('d', 'x') THEN CASE WHEN "
    "md5(person_key || ':' || CAST($year AS VARCHAR)) < '8' THEN 'w' ELSE 'm' END "
    "ELSE gender END"
)
log = logging.getLogger("vielfaltsmonitor")
_RELEASE_CACHE_SIZE = 48
_release_cache: OrderedDict[tuple[object, ...], _Year] = OrderedDict()
_release_building: dict[tuple[object, ...], threading.Lock] = {}
_release_lock = threading.Lock()


def _gender_assigned(
    con: duckdb.DuckDBPyConnection, snapshot: date, rules: DisclosureRules
) -> bool:
    """CONTRACT § 3: d / x are assigned to w / m if they number 1 … k−1 in any carrier view."""
    ((everyone, *per_carrier),) = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE gender IN ('d', 'x')),
            {
            ", ".join(
                f"count(*) FILTER (WHERE gender IN ('d', 'x') AND carrier = '{c}')"
                for c in CARRIERS
            )
        }
        FROM {PERSONNEL.table} WHERE reporting_date = $date
        """,
        {"date": snapshot},
    ).fetchall()
    return any(0 < n < rules.k_ordinary for n in (everyone, *per_carrier))


def _store_identity(con: duckdb.DuckDBPyConnection) -> tuple[object, ...] | None:
    """The files behind the connection and their stamps (changed by every import); None for a
    database that lives in memory only (not cached)."""
    paths = sorted(
        path
        for (path,) in con.execute(
            "SELECT path FROM duckdb_databases() WHERE NOT internal AND path IS NOT NULL"
        ).fetchall()
        if path
    )
    if not paths:
        return None
    return tuple((path, store_stamp(Path(path))) for path in paths)


def _build_year(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> _Year:
    """The planned release of a year (CONTRACT § 3): every KPI, variant and breakdown of the
    catalogue, protected by the rules and then by the planner until the attacker pins nothing.
    Built once per store state, year and settings: a process-wide cache shared by pages, reports
    and the CLI, and the plan kept beside the store (`<store>.plans.json`) for every later
    process. A second caller of the same year waits for the first."""
    identity = _store_identity(con)
    if identity is None:
        return _planned(con, year, settings)
    key = (identity, year, settings)
    with _release_lock:
        if key in _release_cache:
            _release_cache.move_to_end(key)
            return _release_cache[key]
        building = _release_building.setdefault(key, threading.Lock())
    with building:
        with _release_lock:
            if key in _release_cache:
                return _release_cache[key]
        state = _planned(con, year, settings, Path(str(identity[0][0])))
        with _release_lock:
            _release_cache[key] = state
            _release_building.pop(key, None)
            while len(_release_cache) > _RELEASE_CACHE_SIZE:
                _release_cache.popitem(last=False)
    return state


def _rules_release(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> _Year:
    """The year by the rules alone: stage 1, every breakdown of the catalogue (in a fixed order:
    a breakdown never changes a figure frozen before it), the public facts."""
    state = _count_year(con, year, settings)
    for dimension in (*DIMENSIONS, "pay_group"):
        _ensure_breakdown(con, state, dimension)
    _publish_public_facts(state)
    return state


def _planned(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings, db_path: Path | None = None
) -> _Year:
    """The rules' release with the plan applied: the stored plan of this store state if there
    is one, else a fresh plan (then stored)."""
    state = _rules_release(con, year, settings)
    if not _sections(state):
        return state
    revision = store_revision(con)
    if db_path is None or revision is None:
        _plan_state(con, state)
        return state
    key = plans.PlanKey(revision, plans.settings_digest(settings))
    path = plan_path(db_path)
    stored = plans.load(path, key, year)
    applied = None if stored is None else _apply_plan(state, stored.hidden)
    if stored is not None and applied is not None:
        state.plan = PlanResult(applied, stored.rounds, AuditResult([], 0))
        return state
    if stored is not None:  # it does not fit the release (cannot happen for this code version)
        state = _rules_release(con, year, settings)
    result = _plan_state(con, state)
    plans.save(path, key, year, [_cell_of(owner) for owner in result.hidden], result.rounds)
    return state


def plan_store(
    db_path: Path,
    settings: Settings,
    workers: int | None = None,
    years: Sequence[int] | None = None,
) -> list[int]:
    """Plans every year (or the given years) of the store's current state that has no stored
    plan yet, and stores the plans; returns the years with a stored plan now. Planning is
    CPU-bound: with settings from the settings file, the years are shared among one process
    per core (`python -m metrics plan --years …`; a process of its own, so that no worker runs
    the caller's main module — the app's script, say). Used to warm an installation after start
    and import."""
    path = plan_path(db_path)
    with open_current(db_path) as con:
        revision = store_revision(con)
        if revision is None:
            return []
        key = plans.PlanKey(revision, plans.settings_digest(settings))
        missing = [
            year
            for year in sorted(available_years(con), reverse=True)
            if (years is None or year in years)
            and reporting_date(con, year) is not None
            and plans.load(path, key, year) is None
        ]
    workers = min(len(missing), workers or os.cpu_count() or 1)
    if workers > 1 and _from_settings_file(settings):
        _plan_in_processes(db_path, missing, workers)
    else:
        for year in missing:
            result = _plan_cells(db_path, year, settings, revision)
            if result is not None:
                plans.save(path, key, year, *result)
    return sorted(year for year in missing if plans.load(path, key, year) is not None)


def _from_settings_file(settings: Settings) -> bool:
    try:
        return settings == load_settings()
    except SettingsError:
        return False


def _plan_in_processes(db_path: Path, years: Sequence[int], workers: int) -> None:
    # one BLAS thread per worker: the planner's matrices are small, and OpenBLAS threads only
    # contend for the cores the workers use (demo store, 10 years on 2 cores: 112 s → 62 s)
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "metrics", "plan", "--db", str(db_path)),
                *("--workers", "1", "--years", ",".join(str(y) for y in years[share::workers])),
            ],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for share in range(workers)
    ]
    for process in processes:
        _, errors = process.communicate()
        if process.returncode != 0:  # the caller plans what is missing then, itself
            log.warning("a planning process failed: %s", errors[-500:])


def _plan_cells(
    db_path: Path, year: int, settings: Settings, revision: str
) -> tuple[list[list[object]], int] | None:
    """A worker's part of `plan_store`: the year's plan as stored cells; None if the store
    changed meanwhile (its new state is planned afresh)."""
    with open_current(db_path) as con:
        if store_revision(con) != revision:
            return None
        state = plan_release(con, year, settings)
    if state is None or state.plan is None:
        return None
    return [_cell_of(owner) for owner in state.plan.hidden], state.plan.rounds


def _plan_state(con: duckdb.DuckDBPyConnection, state: _Year) -> PlanResult:
    """The attacker-driven planner over each universe of the year's release, in place: hides
    (or publishes as rounded shares) cells until the attacker pins nothing."""
    hidden: list[Hashable] = []
    rounds = 0
    last = AuditResult([], 0)
    for attack in _attacks(con, state):
        rules = attack.section.rules
        result = plan(
            attack.persons,
            attack.categories,
            attack.figures,
            functools.partial(_hide, attack.section),  # type: ignore[arg-type]
            attack.groups,
            rules.k_ordinary,
            rules.k_sensitive,
            attack.excused,
            restore=functools.partial(_restore, attack.section),  # type: ignore[arg-type]
        )
        hidden.extend(result.hidden)
        rounds += result.rounds
        last.pins.extend(result.last_audit.pins)
        last.figures += result.last_audit.figures
        last.models.extend(
            (f"{attack.universe}:{n}", *rest) for n, *rest in result.last_audit.models
        )
    state.plan = PlanResult(hidden, rounds, last)
    return state.plan


def _measure_key(measure: Measure) -> str:
    return "|".join(
        (
            measure.universe,
            ",".join(sorted(measure.population)),
            measure.numerator or "",
            measure.remainder or "",
        )
    )


def _cell_of(owner: object) -> list[object]:
    """A hidden cell's owner as JSON: ["base", measure, view] or ["group", measure, dimension,
    view, category]."""
    assert isinstance(owner, tuple) and isinstance(owner[1], Measure)
    return [owner[0], _measure_key(owner[1]), *owner[2:]]


def _apply_plan(state: _Year, hidden: Sequence[Sequence[object]]) -> list[Hashable] | None:
    """Hides the stored cells in order and returns their owners; None (state unusable) if one
    is not in the release."""
    sections = _sections(state)
    measures = {
        _measure_key(m): m
        for section in sections.values()
        for m, _ in (*section.base, *section.groups)
    }
    owners: list[Hashable] = []
    for cell in hidden:
        measure = measures.get(str(cell[1]))
        if measure is None:
            return None
        section = sections[measure.universe]
        owner: tuple[object, ...] = (cell[0], measure, *cell[2:])
        if cell[0] == "base" and len(cell) == 3:
            known = (measure, cell[2]) in section.base
        elif cell[0] == "group" and len(cell) == 5:
            group = section.groups.get((measure, str(cell[2])))
            known = group is not None and cell[4] in group.results.get(cell[3], {})  # type: ignore[arg-type]
        else:
            known = False
        if not known:
            return None
        _hide(section, owner)
        owners.append(owner)
    return owners


def gender_assigned(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> bool:
    """Whether the year's release assigns d / x to w / m (CONTRACT § 3): every output of that
    year then carries the footnote `app.gender_assigned_note`."""
    return _build_year(con, year, settings or load_settings()).gender_assigned


def build_release(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> _Year:
    """The planned year with every breakdown of the catalogue: everything it publishes."""
    return _build_year(con, year, settings or load_settings())


def rules_release(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> _Year:
    """The year as the rules alone would publish it (not cached; for the benchmark and the
    tests that show what the planner adds)."""
    return _rules_release(con, year, settings or load_settings())


_LEADERS = "women_leadership_share"  # its cells by carrier and level are public facts
# a share with its counts withheld is published to 0.1 percentage points (a fraction to 3 places)
_WITHHELD_DECIMALS = 3
_WITHHELD_HALF_BAND = 0.0005


def _public_cells(section: _Section) -> set[tuple[object, ...]]:
    """CONTRACT § 3: leaders per carrier, level and gender are public; published whenever the
    level has anybody in it (the org chart and the Gleichstellungsplan name them)."""
    measure = KPIS[_LEADERS].measure
    assert measure is not None
    owners: set[tuple[object, ...]] = set()
    for view in section.views:
        counts = section.base_counts(measure, view)
        section.base[(measure, view)] = _published_as_is(counts, measure, section.rules)
        owners.add(("base", measure, view))
    group = section.groups.get((measure, "leadership"))
    if group is not None:
        for view, row in group.rows.items():
            for category, counts in row.items():
                group.results[view][category] = _published_as_is(counts, measure, section.rules)
                owners.add(("group", measure, "leadership", view, category))
    return owners


def _published_as_is(counts: _Counts, measure: Measure, rules: DisclosureRules) -> Published:
    k = rules.k(measure.sensitive)
    if counts.den == 0:
        return Published(None, 0, 0, False, None, k)
    return Published(counts.num / counts.den, counts.num, counts.den, False, None, k)


def _hide(section: _Section, owner: tuple[object, ...]) -> None:
    """Take a cell's information away: a share first keeps its rounded value (counts withheld),
    then goes; a count goes at once."""
    if owner[0] == "base":
        _, measure, view = owner
        current = section.base[(measure, view)]  # type: ignore[index]
    else:
        _, measure, dimension, view, category = owner
        current = section.groups[(measure, dimension)].results[view][category]  # type: ignore[index]
    assert isinstance(measure, Measure)
    section.before_plan.setdefault(owner, current)
    k = section.rules.k(measure.sensitive)
    if measure.is_share and not current.counts_withheld and current.value is not None:
        replacement = Published(
            round(float(current.value), _WITHHELD_DECIMALS),
            None,
            None,
            False,
            None,
            k,
            counts_withheld=True,
        )
    else:
        replacement = _withheld(Reason.SECONDARY, k)
    _set_cell(section, owner, replacement)


def _restore(section: _Section, owner: tuple[object, ...]) -> None:
    """Publish a hidden cell again as the rules had it: the planner found that the rest of the
    release gives its counts away anyway, so withholding it protects nobody."""
    _set_cell(section, owner, section.before_plan.pop(owner))


def _set_cell(section: _Section, owner: tuple[object, ...], published: Published) -> None:
    if owner[0] == "base":
        _, measure, view = owner
        section.base[(measure, view)] = published  # type: ignore[index]
    else:
        _, measure, dimension, view, category = owner
        section.groups[(measure, dimension)].results[view][category] = published  # type: ignore[index]


def _publish_public_facts(state: _Year) -> None:
    """The figures CONTRACT § 3 publishes by its own rules: leaders per carrier and level (public
    facts), and no figures of their own for d / x where they are assigned to w / m."""
    _mark_assigned(state)


def _mark_assigned(state: _Year) -> None:
    """Where d / x are assigned to w / m, their categories have no figures of their own."""
    section = state.personnel
    if section is None or not state.gender_assigned:
        return
    for (measure, dimension), group in section.groups.items():
        if dimension != "gender":
            continue
        k = section.rules.k(measure.sensitive)
        for row in group.results.values():
            for category in ("d", "x"):
                if category in row:
                    row[category] = _withheld(Reason.ASSIGNED, k)


@dataclass(frozen=True)
class ReleaseAudit:
    """What the attacker of CONTRACT § 3 can pin in a year's release (personnel, applicants,
    survey: universes that share no person)."""

    year: int
    figures: int
    pins_by_universe: dict[str, list[Pin]]
    models: list[tuple[str, int, int]]

    @property
    def pins(self) -> list[Pin]:
        return [pin for pins in self.pins_by_universe.values() for pin in pins]


def _sections(state: _Year) -> dict[str, _Section]:
    """The year's published universes."""
    sections = {"applicants": state.applicants, "survey": state.survey}
    if state.snapshot is not None:
        sections = {"personnel": state.personnel, **sections}
    return {name: section for name, section in sections.items() if section is not None}


@dataclass(frozen=True)
class _Attack:
    """One universe of a year's release as the attacker sees it."""

    universe: str
    section: _Section
    persons: pd.DataFrame
    categories: dict[str, tuple[str, ...]]
    figures: Callable[[], list[Figure]]  # everything published now, public facts included
    groups: list[Group]
    excused: Callable[[Group], bool]


def _attack_of(
    universe: str,
    section: _Section,
    persons: pd.DataFrame,
    categories: dict[str, tuple[str, ...]],
    figures: Callable[[], list[Figure]],
    groups: list[Group],
) -> _Attack:
    # a group the public facts pin by themselves is no leak of the release
    public_knowledge = Knowledge(
        build_model(persons, [f for f in figures() if f.public], categories)
    )

    def excused(group: Group) -> bool:
        # a term that allows every category says nothing (an org unit the year has only one of)
        box = Box(tuple((d, c) for d, c in group.box.terms if not set(categories[d]) <= c))
        return public_knowledge.pinned(box) is not None

    return _Attack(universe, section, persons, categories, figures, groups, excused)


def _attacks(con: duckdb.DuckDBPyConnection, state: _Year) -> list[_Attack]:
    sections = _sections(state)
    attacks = []
    if "personnel" in sections:
        attacks.append(_personnel_attack(con, state, sections["personnel"]))
    if "applicants" in sections:
        persons = applicant_space.applicant_persons(con, state.year)
        if len(persons):
            attacks.append(_applicant_attack(sections["applicants"], persons))
    if "survey" in sections and state.survey_wave is not None:
        attacks.append(_survey_attack(con, sections["survey"], state.survey_wave))
    return attacks


def _personnel_attack(con: duckdb.DuckDBPyConnection, state: _Year, section: _Section) -> _Attack:
    assert state.snapshot is not None
    persons = personnel_persons(con, state.snapshot, state.gender_sql)
    categories = personnel_categories(persons)
    if state.gender_assigned:
        categories["gender"] = ("w", "m")  # the published world has no d / x
    facts = _leader_facts(persons, categories)
    return _attack_of(
        "personnel",
        section,
        persons,
        categories,
        lambda: [*facts, *personnel_figures(state)],
        personnel_groups(categories),
    )


def _applicant_attack(section: _Section, persons: pd.DataFrame) -> _Attack:
    structure = applicant_space.structure_figures(persons)
    return _attack_of(
        "applicants",
        section,
        persons,
        applicant_space.applicant_categories(),
        lambda: [*structure, *section_figures(section, applicant_space.applicant_box)],
        applicant_space.applicant_groups(),
    )


def _survey_attack(con: duckdb.DuckDBPyConnection, section: _Section, wave: int) -> _Attack:
    structure = survey_space.structure_figures()
    return _attack_of(
        "survey",
        section,
        survey_space.survey_persons(con, wave),
        survey_space.survey_categories(),
        lambda: [
            *structure,
            *section_figures(section, lambda atoms, view: survey_space.survey_box(atoms)),
        ],
        survey_space.survey_groups(),
    )


def audit_release(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> ReleaseAudit:
    """The attacker over everything the year's release publishes (personnel, applicants,
    survey), plus the public facts: every group of persons it pins to a disclosive value."""
    return audit_state(con, build_release(con, year, settings))


def audit_state(con: duckdb.DuckDBPyConnection, state: _Year) -> ReleaseAudit:
    """`audit_release` of a given state of the year (e.g. one the planner worked on)."""
    figures = 0
    pins: dict[str, list[Pin]] = {}
    models: list[tuple[str, int, int]] = []
    for attack in _attacks(con, state):
        rules = attack.section.rules
        published = attack.figures()
        result = audit(
            attack.persons,
            attack.categories,
            published,
            attack.groups,
            rules.k_ordinary,
            rules.k_sensitive,
            attack.excused,
        )
        figures += len(published)
        pins[attack.universe] = result.pins
        models.extend((f"{attack.universe}:{n}", *rest) for n, *rest in result.models)
    return ReleaseAudit(state.year, figures, pins, models)


def plan_release(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> _Year | None:
    """A fresh plan of the year (not cached, not stored): what `_build_year` does on a store
    state it has no plan for; the state's `plan` says what was hidden."""
    state = _rules_release(con, year, settings or load_settings())
    if not _sections(state):
        return None
    _plan_state(con, state)
    return state


def _leader_facts(persons: pd.DataFrame, categories: Mapping[str, Sequence[str]]) -> list[Figure]:
    """The public facts as the attacker knows them: leaders of every employment type per carrier,
    level and gender (w / m)."""
    figures = []
    leaders = persons[persons["leadership"] != "keine"]
    for carrier in CARRIERS:
        for level in LEADERSHIP_LEVELS:
            for gender in ("w", "m"):
                if gender not in categories["gender"]:
                    continue
                mask = (
                    (leaders["carrier"] == carrier)
                    & (leaders["leadership"] == level)
                    & (leaders["gender"] == gender)
                )
                box = Box.of({"carrier": {carrier}, "leadership": {level}, "gender": {gender}})
                figures.append(
                    Figure(
                        box,
                        int(leaders.loc[mask, "n"].sum()),
                        f"public: {level} {carrier} {gender}",
                        public=True,
                    )
                )
    return figures


# priorities of CONTRACT § 3, as the cost of hiding a cell (larger populations cost more)
_TIER_COST = {"headline": 1000.0, "carrier": 100.0, "variant": 10.0, "breakdown": 1.0}


def _personnel_scope(atoms: Iterable[str], view: View) -> Box:
    return _personnel_scope_of(tuple(atoms), view)


@functools.lru_cache(maxsize=65536)  # asked for every figure in every round of the planner
def _personnel_scope_of(atoms: tuple[str, ...], view: View) -> Box:
    scope = box_of(atoms)
    return scope if view is None else scope & Box.of({"carrier": {view}})


def personnel_figures(state: _Year) -> list[Figure]:
    """Every published personnel count of the year (populations and numerators) as a box."""
    if state.personnel is None:
        return []
    return section_figures(state.personnel, _personnel_scope, state.public_cells)


def section_figures(
    section: _Section,
    scope_of: Callable[[Iterable[str], View], Box],
    public: set[tuple[object, ...]] | frozenset[tuple[object, ...]] = frozenset(),
) -> list[Figure]:
    """Every published count of a universe's section (populations and numerators) as a box of
    its micro-cells; scope_of: the box of the persons with some atoms in a view."""
    figures: list[Figure] = []
    variant_keys = _variant_keys(section.universe)

    def add(
        owner: tuple[object, ...],
        measure: Measure,
        view: View,
        extra: tuple[str, ...],
        published: Published,
        where: str,
        tier: str,
    ) -> None:
        if published.suppressed:
            return
        scope = scope_of((*measure.population, *extra), view)
        if published.counts_withheld and published.value is not None:
            # the attacker knows the share to its rounding: low ≤ numerator / population ≤ high
            assert measure.numerator is not None
            part = scope_of((*measure.population, *extra, measure.numerator), view)
            low = float(published.value) - _WITHHELD_HALF_BAND
            high = float(published.value) + _WITHHELD_HALF_BAND
            cost = _TIER_COST[tier]
            for terms in (((part, 1.0), (scope, -low)), ((scope, high), (part, -1.0))):
                figures.append(Figure(scope, 0.0, f"{where} (rounded)", owner, cost, False, terms))
            return
        population = published.denominator if measure.is_share else published.numerator
        is_public = owner in public
        cost = _TIER_COST[tier] * (1 + (population or 0) / 100)
        if population is not None:
            figures.append(Figure(scope, int(population), where, owner, cost, is_public))
        if measure.is_share and published.numerator is not None:
            assert measure.numerator is not None
            figures.append(
                Figure(
                    scope_of((*measure.population, *extra, measure.numerator), view),
                    int(published.numerator),
                    f"{where} (numerator)",
                    owner,
                    cost,
                    is_public,
                )
            )

    for (measure, view), published in section.base.items():
        if measure in section.mirrors:
            continue
        tier = "headline" if view is None else "carrier"
        add(
            ("base", measure, view),
            measure,
            view,
            (),
            published,
            f"{_measure_name(measure)} [{view or 'all'}]",
            tier,
        )
    for (measure, dimension), group in section.groups.items():
        tier = "variant" if (measure, dimension) in variant_keys else "breakdown"
        for view, row in group.results.items():
            for category, published in row.items():
                atom = _category_atom(section.universe, dimension, category)
                add(
                    ("group", measure, dimension, view, category),
                    measure,
                    view,
                    (atom,),
                    published,
                    f"{_measure_name(measure)} by {dimension}={category} [{view or 'all'}]",
                    tier,
                )
    return figures


def _measure_name(measure: Measure) -> str:
    for kpi in REGISTRY:
        if kpi.measure == measure:
            return kpi.id
    numerator = f" with {measure.numerator}" if measure.numerator else ""
    return "+".join(sorted(measure.population)) + numerator
