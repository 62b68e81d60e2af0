"""The KPI registry (CONTRACT § 2): one frozen `Kpi` per id, its variants and breakdowns, and the
validation of the registry against the contract and the settings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from metrics import survey as survey_data
from metrics.contract import (
    CARRIERS,
    EMPLOYMENT_TYPES,
    GENDERS,
    LEADERSHIP_LEVELS,
)
from metrics.i18n import Lang
from metrics.kpis.atoms import (
    ATOMS,
    OPTIONAL_COLUMNS_OF_ATOMS,
    SB_QUOTA_OPTIONAL_COLUMNS,
    Measure,
    _measure,
)
from metrics.kpis.vocabulary import (
    DIMENSION_CATEGORIES,
    DIMENSIONS,
    KINDS,
    SOURCES,
    SURVEY_DIMENSIONS,
    UNITS,
    Kind,
    Source,
    Unit,
    category_label,
)


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
    unit: Unit
    kind: Kind
    sensitive: bool
    source: Source
    measure: Measure | None = None
    breakdowns: tuple[str, ...] = ()
    variants: tuple[Variants, ...] = ()
    population_variants: tuple[PopulationVariant, ...] = ()
    # the value is a cell of another KPI's variant table: (kpi id, dimension, category)
    variant_of: tuple[str, str, str] | None = None
    # settings key of the target; None: this KPI cannot have one
    target_key: str | None = None
    carrier_view: bool = True
    survey_definition: survey_data.Definition | None = None
    # a ratio of two shares: (numerator KPI id, denominator KPI id), each counted in the same
    # population and breakdowns (the representation index: women among leaders / among staff)
    ratio_of: tuple[str, str] | None = None
    # the source in English where `legal_source` has German words beside its citations
    legal_source_en: str | None = None

    def label(self, lang: Lang = "de") -> str:
        return self.label_en if lang == "en" else self.label_de

    def definition(self, lang: Lang = "de") -> str:
        return self.definition_en if lang == "en" else self.definition_de

    def source_text(self, lang: Lang = "de") -> str:
        """The legal basis or data source, in the reader's language (citations stay German)."""
        return self.legal_source_en if lang == "en" and self.legal_source_en else self.legal_source


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
        legal_source_en="Personnel snapshot at the reporting date",
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
        legal_source="§ 3 Nr. 10 BGleiG",
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
        legal_source="§ 1 Abs. 1, § 3 Nr. 10 BGleiG",
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
        legal_source="§ 1 Abs. 1, § 3 Nr. 10 BGleiG",
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
        legal_source="§ 3 Nr. 10 BGleiG",
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
        ratio_of=("women_leadership_share", "women_share"),
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
        # the areas of § 3 Nr. 2 (pay groups, leadership levels), the status of § 3 Nr. 10
        legal_source="§ 3 Nr. 2, 10 BGleiG",
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
        legal_source_en="§ 16 Abs. 1 BGleiG (part-time also in leadership positions)",
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
        legal_source_en="§ 164 SGB IX; inclusion agreement (§ 166 SGB IX)",
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
        legal_source_en="Destatis microcensus (migration background)",
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
        legal_source_en="Destatis microcensus (immigration history, since 2023)",
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
        legal_source_en="Diversity survey (own survey)",
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


def measure_of(kpi_id: str) -> Measure:
    """The measure of a counted KPI (a share or a count); KeyError for any other id."""
    measure = KPIS[kpi_id].measure
    if measure is None:
        raise KeyError(f"{kpi_id} counts no measure")
    return measure


def columns_needed(kpi: Kpi) -> frozenset[str]:
    """The optional personnel columns the KPI's figures read (see OPTIONAL_COLUMNS_OF_ATOMS)."""
    if kpi.kind == "quota":
        return SB_QUOTA_OPTIONAL_COLUMNS
    if kpi.ratio_of is not None:
        return frozenset().union(*(columns_needed(KPIS[part]) for part in kpi.ratio_of))
    if kpi.variant_of is not None:
        return columns_needed(KPIS[kpi.variant_of[0]])
    if kpi.measure is None or kpi.measure.universe != "personnel":
        return frozenset()
    measure = kpi.measure
    atoms = {*measure.population, measure.numerator, measure.remainder}
    return frozenset(OPTIONAL_COLUMNS_OF_ATOMS[a] for a in atoms if a in OPTIONAL_COLUMNS_OF_ATOMS)


def ratio_measures(kpi: Kpi) -> tuple[Measure, Measure]:
    """The measures of a ratio's numerator and denominator shares (`Kpi.ratio_of`)."""
    if kpi.ratio_of is None:
        raise KeyError(f"{kpi.id} is no ratio")
    numerator, denominator = kpi.ratio_of
    return measure_of(numerator), measure_of(denominator)


def variant_ids(kpi: Kpi, carrier: str | None = None) -> list[str]:
    """Ids of the KPI's variants in a view (carrier variants only in the all-carrier view)."""
    ids: list[str] = []
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


# Validation: each rule says in its name what it checks, and returns the problems of one KPI.

KpiRule = Callable[[Kpi], list[str]]


def texts_are_present(kpi: Kpi) -> list[str]:
    names = ("label_de", "label_en", "definition_de", "definition_en", "legal_source")
    return [f"{name} is empty" for name in names if not getattr(kpi, name).strip()]


def words_are_known(kpi: Kpi) -> list[str]:
    """The type checker refuses other words in the code; this also catches a registry built at
    run time (tests, a future registry file)."""
    problems = [f"unknown unit {kpi.unit!r}"] if kpi.unit not in UNITS else []
    problems += [f"unknown kind {kpi.kind!r}"] if kpi.kind not in KINDS else []
    problems += [f"unknown source {kpi.source!r}"] if kpi.source not in SOURCES else []
    return problems


def breakdowns_are_in_the_catalogue(kpi: Kpi) -> list[str]:
    allowed = SURVEY_DIMENSIONS if kpi.source == "survey" else DIMENSIONS
    return [f"breakdown {d!r} not in the catalogue" for d in kpi.breakdowns if d not in allowed]


def measure_matches_the_kind(kpi: Kpi) -> list[str]:
    if kpi.kind not in ("share", "count"):
        return []
    if kpi.measure is None:
        return ["a share or count needs a measure"]
    if kpi.measure.is_share != (kpi.kind == "share"):
        return ["measure does not match the kind"]
    return []


def measure_is_written_in_known_atoms(kpi: Kpi) -> list[str]:
    return _measure_problems("", kpi.measure) if kpi.measure is not None else []


def sensitivity_follows_the_atoms(kpi: Kpi) -> list[str]:
    if kpi.measure is not None and kpi.measure.sensitive != kpi.sensitive:
        return ["sensitivity does not match the measure's atoms"]
    return []


def variants_are_categories_of_their_dimension(kpi: Kpi) -> list[str]:
    problems = []
    for variants in kpi.variants:
        categories = DIMENSION_CATEGORIES.get(variants.dimension)
        if categories is not None and not set(variants.categories) <= set(categories):
            problems.append(f"variant categories outside {variants.dimension}")
    return problems


def variant_of_names_a_known_cell(kpi: Kpi) -> list[str]:
    if kpi.variant_of is None:
        return []
    base_id, dimension, category = kpi.variant_of
    categories = DIMENSION_CATEGORIES.get(dimension)
    if base_id not in KPIS or categories is None or category not in categories:
        return [f"variant_of refers to unknown {kpi.variant_of!r}"]
    return []


def ratio_declares_two_shares(kpi: Kpi) -> list[str]:
    if (kpi.kind == "ratio") != (kpi.ratio_of is not None):
        return ["a ratio, and only a ratio, declares ratio_of"]
    if kpi.ratio_of is None:
        return []
    problems = []
    for part in kpi.ratio_of:
        other = KPIS.get(part)
        if other is None or other.kind != "share" or other.source != "personnel":
            problems.append(f"ratio_of {part!r} is no personnel share")
        elif not set(kpi.breakdowns) - {"carrier"} <= set(other.breakdowns):
            problems.append(f"ratio_of {part!r} lacks a breakdown of the ratio")
    return problems


def target_key_is_the_id(kpi: Kpi) -> list[str]:
    if kpi.target_key is not None and kpi.target_key != kpi.id:
        return ["target_key must be the KPI id"]
    return []


def survey_has_no_carrier_view(kpi: Kpi) -> list[str]:
    return (
        ["survey KPIs have no carrier view"] if kpi.source == "survey" and kpi.carrier_view else []
    )


KPI_RULES: tuple[KpiRule, ...] = (
    texts_are_present,
    words_are_known,
    breakdowns_are_in_the_catalogue,
    measure_matches_the_kind,
    measure_is_written_in_known_atoms,
    sensitivity_follows_the_atoms,
    variants_are_categories_of_their_dimension,
    variant_of_names_a_known_cell,
    ratio_declares_two_shares,
    target_key_is_the_id,
    survey_has_no_carrier_view,
)


def registry_problems(registry: Sequence[Kpi], targets: Collection[str]) -> list[str]:
    """Every inconsistency of `registry` (each KPI by `KPI_RULES`, ids and variant ids unique)
    and of the settings' `targets` keys against it."""
    problems: list[str] = []
    ids = [kpi.id for kpi in registry]
    problems += [f"duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    seen_variants: set[str] = set()
    for kpi in registry:
        problems += [f"{kpi.id}: {problem}" for rule in KPI_RULES for problem in rule(kpi)]
        for variant in variant_ids(kpi):
            if variant in seen_variants or variant in ids:
                problems.append(f"{kpi.id}: variant id {variant!r} is not unique")
            seen_variants.add(variant)
    for key in targets:
        problem = target_key_error(key)
        if problem:
            problems.append(f"settings target {key!r}: {problem}")
    for key in CONTRACT_TARGET_KEYS:
        if key not in targets:
            problems.append(f"settings: the contract's target {key!r} is missing")
    return problems


def validate_registry(targets: Collection[str]) -> None:
    """Raises ValueError listing every inconsistency of the registry and of the settings'
    `targets` keys against it (run by a test)."""
    problems = registry_problems(REGISTRY, targets)
    if problems:
        raise ValueError("KPI registry is inconsistent:\n- " + "\n- ".join(problems))


def _measure_problems(where: str, measure: Measure) -> list[str]:
    known = ATOMS[measure.universe]
    atoms = [*measure.population, measure.numerator, measure.remainder]
    problems = [where + f"unknown atom {a!r}" for a in atoms if a is not None and a not in known]
    if (measure.numerator is None) != (measure.remainder is None):
        problems.append(where + "a share needs both numerator and remainder atoms")
    return problems


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
